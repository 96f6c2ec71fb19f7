"""The demo region, loaded through the gateway like any client: the people of
`infra/demo-people.json`, and for some of them the story of their first weeks (a brede intake, a
PIP, a matching profile); then the partner organisations of `infra/demo-offer.json` with their
guides and placements. A person already registered is skipped with their story, and a guide or
placement already offered by name or title, so loading twice changes nothing."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from services.common import settings
from services.common.region import Region

DEMO_PEOPLE = settings.ROOT / "infra" / "demo-people.json"
DEMO_OFFER = settings.ROOT / "infra" / "demo-offer.json"


class Gateway:
    """A tiny HTTP client of the gateway, acting as one user (by default a regievoerder of one
    gemeente)."""

    def __init__(self, url: str, gemeente: str, role: str = "regievoerder", organisation: str = ""):
        from services.gateway.auth import issue_token

        self.url = url
        self.token = issue_token(
            role, gemeente.split(","), user_id="demo-loader", organisation=organisation
        )

    def send(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")


def load_demo(url: str) -> int:
    """Register the demo people (and tell their stories); returns how many were new."""
    people = json.loads(DEMO_PEOPLE.read_text(encoding="utf-8"))["people"]
    created = 0
    for entry in people:
        person = {k: v for k, v in entry.items() if k != "story"}
        gateway = Gateway(url, person["gemeente"])
        status, body = gateway.send("POST", "/api/v1/dossiers", person)
        if status == 409:
            continue
        if status != 201:
            raise SystemExit(f"demo: {person['given_name']} refused: {body}")
        created += 1
        for step in entry.get("story", []):
            if not _tell(gateway, f"/api/v1/dossiers/{body['id']}", step):
                print(f"demo: the story of {person['given_name']} stopped at {step}")
                break
    return created


def load_offer(url: str) -> int:
    """Register the demo organisations and offer their guides and placements; returns how many
    guides and placements were new."""
    offer = json.loads(DEMO_OFFER.read_text(encoding="utf-8"))["organisations"]
    admin = Gateway(url, ",".join(Region.load().codes()), role="admin")
    added = 0
    for organisation in offer:
        partner = {k: organisation[k] for k in ("oin", "name", "kind", "gemeenten")}
        status, body = admin.send("POST", "/api/v1/partners", partner)
        if status != 200:
            raise SystemExit(f"demo: organisation {partner['name']} refused: {body}")
        coordinator = Gateway(
            url, ",".join(partner["gemeenten"]), role="coordinator", organisation=partner["oin"]
        )
        status, have = coordinator.send("GET", "/api/v1/offer")
        if status != 200:
            raise SystemExit(f"demo: the offer of {partner['name']} unreadable: {have}")
        for kind, path, key in (
            ("guides", "/api/v1/guides", "name"),
            ("placements", "/api/v1/placements", "title"),
        ):
            known = {item[key] for item in have[kind]}
            for item in organisation.get(kind, []):
                if item[key] in known:
                    continue
                status, body = coordinator.send("POST", path, item)
                if status != 201:
                    raise SystemExit(f"demo: {item[key]} refused: {body}")
                added += 1
    return added


def _tell(gateway: Gateway, dossier: str, step: dict[str, Any]) -> bool:
    """One step of a story; False when the platform refused it."""
    if step.get("await") == "pip-starting-points":
        return _await_starting_points(gateway, dossier)
    if step.get("await") == "matching-plan":
        return _await_matching_plan(gateway, dossier)
    status, body = gateway.send(step["method"], f"{dossier}/{step['path']}", step.get("body"))
    if status >= 400:
        print(f"demo: {step['method']} {step['path']}: {status} {body}")
        return False
    return True


def _await_starting_points(gateway: Gateway, dossier: str, deadline: float = 30) -> bool:
    """Until pip has received the completed intake (it arrives as an event)."""
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        status, body = gateway.send("GET", f"{dossier}/pip")
        if status == 200 and body["starting_points"]["intake_completed_on"]:
            return True
        time.sleep(0.2)
    return False


def _await_matching_plan(gateway: Gateway, dossier: str, deadline: float = 30) -> bool:
    """Until matching knows the dossier's established PIP (it arrives as an event)."""
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        status, body = gateway.send("GET", f"{dossier}/guidance")
        if status == 200 and body["goals"]:
            return True
        time.sleep(0.2)
    return False
