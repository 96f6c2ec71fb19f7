"""`wegwijs up` and `wegwijs down` (what `make up` and `make down` run), on their own platform."""

from __future__ import annotations

import requests

from tests.platform import TEST, Layout, Platform, eventually

# Below the ephemeral port range (32768 and up), where a client socket could hold the port.
# Runs beside the session's platform: the smallest pools that still serve the demo load.
UP = Layout(
    f"{TEST.name}_up",
    gateway_port=TEST.gateway_port + 8000,
    service_port_base=TEST.service_port_base + 8000,
    pg_connections="9",
)


def test_up_starts_everything_with_the_demo_region_is_safe_twice_and_down_stops_it():
    own = Platform(UP)
    own.reset_infrastructure()
    try:
        first = own.cli("up")
        assert "demo region loaded (6 new people, 8 new guides and placements)" in first
        assert f"http://127.0.0.1:{UP.gateway_port}/openapi.json" in first
        werkplek = f"http://127.0.0.1:{UP.werkplek_port}"
        assert werkplek in first
        # The Werkplek answers and sends a visitor to the provider's login.
        login = requests.get(werkplek, timeout=10)
        assert login.url.startswith(f"http://127.0.0.1:{UP.oidc_port}/interaction/")
        assert "Inloggen bij Wegwijs" in login.text
        assert own.http.get(f"{own.url}/health", timeout=10).status_code == 200
        for gemeente, people in (("0344", 2), ("0356", 2), ("0321", 2)):
            listed = own.get("/api/v1/dossiers", "regievoerder", gemeente).json()["dossiers"]
            assert len(listed) == people, gemeente
        assert "story" not in first, "every demo story was told to its end"
        utrecht = own.get("/api/v1/dossiers", "regievoerder", "0344").json()["dossiers"]
        rahaf = next(d["id"] for d in utrecht if d["given_name"] == "Rahaf")
        pip = own.get(f"/api/v1/dossiers/{rahaf}/pip", "regievoerder", "0344").json()
        assert pip["status"] == "vastgesteld" and len(pip["plan"]["goals"]) == 4
        matches = own.get(
            f"/api/v1/dossiers/{rahaf}/matches?kind=begeleider", "regievoerder", "0344"
        ).json()
        best = matches["kandidaten"][0]
        assert "Arabisch" in next(c["reden"] for c in best["uitleg"] if c["criterium"] == "taal")

        second = own.cli("up")
        assert second.count("already running") == 8  # six services, the provider, the Werkplek
        assert "demo region loaded (0 new people, 0 new guides and placements)" in second
    finally:
        down = own.cli("down")
    assert down.count("stopped") == 8
    pids = [int(p.read_text()) for p in own.run_dir.glob("*.pid")]
    assert pids == [], "down leaves no pid files"

    def gateway_answers() -> bool:
        try:
            requests.get(f"{own.url}/health", timeout=2)
            return True
        except requests.ConnectionError:
            return False

    eventually(gateway_answers, lambda up: not up, what="the gateway is gone after down")
