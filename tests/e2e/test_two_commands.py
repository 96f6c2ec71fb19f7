"""`wegwijs up` and `wegwijs down` (what `make up` and `make down` run), on their own platform."""

from __future__ import annotations

import subprocess
import sys

import requests

from tests.platform import ROOT, Layout, Platform, eventually

UP = Layout("wegwijs_up", gateway_port=38000, service_port_base=38100)


def _wegwijs(platform: Platform, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "services.cli", *args],
        env=platform.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_up_starts_everything_with_the_demo_region_is_safe_twice_and_down_stops_it():
    own = Platform(UP)
    own.reset_infrastructure()
    try:
        first = _wegwijs(own, "up")
        assert "demo region loaded (6 new people)" in first
        assert f"http://127.0.0.1:{UP.gateway_port}/openapi.json" in first
        assert own.http.get(f"{own.url}/health", timeout=10).status_code == 200
        for gemeente, people in (("0344", 2), ("0356", 2), ("0321", 2)):
            listed = own.get("/api/v1/dossiers", "regievoerder", gemeente).json()["dossiers"]
            assert len(listed) == people, gemeente

        second = _wegwijs(own, "up")
        assert second.count("already running") == 6
        assert "demo region loaded (0 new people)" in second
    finally:
        down = _wegwijs(own, "down")
    assert down.count("stopped") == 6
    pids = [int(p.read_text()) for p in own.run_dir.glob("*.pid")]
    assert pids == [], "down leaves no pid files"

    def gateway_answers() -> bool:
        try:
            requests.get(f"{own.url}/health", timeout=2)
            return True
        except requests.ConnectionError:
            return False

    eventually(gateway_answers, lambda up: not up, what="the gateway is gone after down")
