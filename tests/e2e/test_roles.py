"""Roles as the seed means them, over HTTP: a begeleider reads and records only on the dossier they
are the active guide of, a klantmanager sees no health on any route, and an admin registers
partners only for the gemeenten they act for."""

from __future__ import annotations

import pytest

from services.common import remote  # noqa: F401 - lets RPC errors arrive as themselves
from services.common.context import Actor, CommandContext
from services.common.errors import Forbidden
from services.common.proxies import PlatformClient
from services.gateway.auth import issue_token
from tests.e2e.http import send
from tests.roles_fixtures import (
    GUIDES_ORG,
    UNREGISTERED_ORG,
    guide_headers,
    guided_dossier,
    headers,
)

REFUSED = (403, 404)


@pytest.fixture(scope="module")
def guided(platform):
    return guided_dossier(platform, "roles")


def _not_the_active_guide(guided) -> dict[str, dict[str, str]]:
    return {
        "former guide": guide_headers(guided.former_user),
        "guide of the same organisation without this person": guide_headers("roles-no-person"),
        "guide of an unregistered organisation": guide_headers(
            guided.active_user, org=UNREGISTERED_ORG
        ),
        "begeleider of no organisation": guide_headers("roles-no-org", org=""),
    }


@pytest.mark.parametrize("route", ["/view", "/pip", "/signals", "/guidance"])
def test_only_the_active_guide_reads_a_dossier_as_begeleider(platform, guided, route):
    as_active = send(platform, "GET", guided.path(route), None, guide_headers(guided.active_user))
    assert as_active.status_code == 200, as_active.text

    for who, as_other in _not_the_active_guide(guided).items():
        answer = send(platform, "GET", guided.path(route), None, as_other)
        assert answer.status_code in REFUSED, f"{who} read {route}: {answer.text[:300]}"
        assert not guided.found(answer.text), who


def test_a_begeleider_records_progress_only_on_the_dossier_they_guide(platform, guided):
    progress = guided.path(f"/pip/goals/{guided.guide_goal}/progress")
    body = {"status": "bezig", "note": "Eerste keer alleen geweest."}

    for who, as_other in _not_the_active_guide(guided).items():
        answer = send(platform, "POST", progress, body, as_other)
        assert answer.status_code in REFUSED, f"{who} recorded progress: {answer.text[:300]}"
    by_active = send(platform, "POST", progress, body, guide_headers(guided.active_user))
    assert by_active.status_code == 201, by_active.text


@pytest.mark.parametrize(
    "route", ["/intake", "/pip", "/view", "/signals", "/guidance", "/consents", "/pip?as_of="]
)
def test_a_klantmanager_sees_no_health_on_any_route(platform, guided, route):
    if route.endswith("as_of="):
        route += send(platform, "GET", guided.path("/pip")).json()["decision"]["decided_on"]

    answer = send(platform, "GET", guided.path(route), None, headers("klantmanager"))

    assert answer.status_code == 200, answer.text
    health = {"gezondheid", "gezondheid-door-gids"}
    assert not health & set(guided.found(answer.text)), answer.text[:2000]


def _admin(*gemeenten: str) -> dict[str, str]:
    token = issue_token("admin", list(gemeenten), user_id="roles-admin-" + "-".join(gemeenten))
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def test_an_admin_registers_partners_only_for_the_gemeenten_they_act_for(platform):
    partner = {"oin": "00000003000000000062", "name": "Taalhuis", "kind": "taalaanbieder"}
    partners = "/api/v1/partners"

    elsewhere = send(platform, "POST", partners, {**partner, "gemeenten": ["0356"]}, _admin("0344"))
    partly = send(
        platform, "POST", partners, {**partner, "gemeenten": ["0344", "0356"]}, _admin("0344")
    )
    own = send(platform, "POST", partners, {**partner, "gemeenten": ["0344"]}, _admin("0344"))
    regional = {**partner, "gemeenten": ["0344", "0356"]}
    both = send(platform, "POST", partners, regional, _admin("0344", "0356"))
    narrowed_by_other = send(
        platform, "POST", partners, {**partner, "gemeenten": ["0356"]}, _admin("0356")
    )

    assert elsewhere.status_code == 403, elsewhere.text
    assert partly.status_code == 403, partly.text
    assert own.status_code == 200, own.text
    assert both.status_code == 200, both.text
    assert narrowed_by_other.status_code == 403, "0356's admin cannot end the work for 0344"


def test_an_admin_subscribes_a_partner_only_for_the_gemeenten_they_act_for(platform, guided):
    admin = Actor("roles-admin", "Beheerder Utrecht", ("admin",), "", ("0344",))
    ctx = CommandContext(actor=admin, activity="partner-beheren")
    subscription = {"channel": "pip", "types": [], "purpose": "maatschappelijke-begeleiding"}
    with PlatformClient("gateway", lambda: ctx, timeout=10) as rpc:
        with pytest.raises(Forbidden):
            rpc.consent.subscribe(GUIDES_ORG, {**subscription, "gemeenten": ["0356"]})
        made = rpc.consent.subscribe(GUIDES_ORG, {**subscription, "gemeenten": ["0344"]})
        rpc.consent.end_subscription(GUIDES_ORG, made["id"])


def test_the_active_guide_reads_only_what_the_protocol_and_the_consents_allow(platform):
    """The person consented to their guide's organisation knowing of their family and signals, not
    of their residence intention; once the consent is withdrawn, the family and the signals go too
    (the PIP and their language stay: the law gives those to guidance)."""
    narrowed = guided_dossier(platform, "narrowing")
    guide = guide_headers(narrowed.active_user)

    def seen() -> tuple[set[str], dict, dict]:
        view = send(platform, "GET", narrowed.path("/view"), None, guide)
        signals = send(platform, "GET", narrowed.path("/signals"), None, guide)
        assert view.status_code == signals.status_code == 200, (view.text, signals.text)
        return set(view.json()["categories"]), view.json(), signals.json()

    categories, view, signals = seen()
    assert {"gezin", "taal"} <= categories
    assert "verblijfsintentie-en-verwachtingen" not in categories
    assert "household_id" in view and signals["signals"]

    regie = headers("regievoerder")
    withdrawal = {"reason": "De persoon wil dit niet meer."}
    withdrawn = send(
        platform,
        "POST",
        narrowed.path(f"/consents/{narrowed.consent_id}/withdrawal"),
        withdrawal,
        regie,
    )
    assert withdrawn.status_code == 200, withdrawn.text

    categories, view, signals = seen()
    assert "gezin" not in categories and "taal" in categories
    assert "household_id" not in view and "children" not in view
    assert signals["signals"] == []
    pip = send(platform, "GET", narrowed.path("/pip"), None, guide)
    assert pip.status_code == 200 and pip.json()["plan"]["goals"]
