"""An admin ends a partner organisation's subscription over HTTP (issue 16): only an admin of its
gemeenten may, by the partner's own OIN; an unknown subscription is not found; ending it again
answers the same and records nothing new; the end is in the audit ledger with who did it."""

from __future__ import annotations

import uuid

import pytest

from services.consent.events import SUBSCRIPTION_ENDED
from services.gateway.auth import issue_token
from tests.e2e.http import as_role, send
from tests.platform import eventually

PARTNER = "00000003000000000351"  # a partner organisation of these tests only
OTHER_PARTNER = "00000003000000000352"
PARTNERS = "/api/v1/partners"


def _admin(*gemeenten: str, user: str = "e2e-admin-end") -> dict[str, str]:
    token = issue_token("admin", list(gemeenten or ("0344", "0356")), user_id=user)
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def partners(platform) -> None:
    for oin in (PARTNER, OTHER_PARTNER):
        body = {
            "oin": oin,
            "name": f"Eindtest {oin[-3:]}",
            "kind": "maatschappelijke-begeleiding",
            "gemeenten": ["0344", "0356"],
        }
        registered = send(platform, "POST", PARTNERS, body, _admin())
        assert registered.status_code == 200, registered.text


def _subscribe(platform, gemeente: str = "0344") -> dict:
    body = {
        "channel": "pip",
        "types": [],
        "gemeenten": [gemeente],
        "purpose": "maatschappelijke-begeleiding",
    }
    made = send(platform, "POST", f"{PARTNERS}/{PARTNER}/subscriptions", body, _admin())
    assert made.status_code == 201, made.text
    return made.json()


def _end(platform, subscription_id: str, headers: dict, oin: str = PARTNER):
    return send(
        platform, "POST", f"{PARTNERS}/{oin}/subscriptions/{subscription_id}/end", None, headers
    )


def _listed(platform) -> set[str]:
    answer = send(platform, "GET", f"{PARTNERS}/{PARTNER}/subscriptions", None, _admin())
    assert answer.status_code == 200, answer.text
    return {s["id"] for s in answer.json()["subscriptions"]}


def test_an_admin_ends_a_subscription_and_ending_it_again_changes_nothing(platform, partners):
    made = _subscribe(platform)
    assert made["id"] in _listed(platform)

    ended = _end(platform, made["id"], _admin())
    again = _end(platform, made["id"], _admin())

    assert ended.status_code == 200, ended.text
    assert ended.json() == {**made, "ended": True}
    assert again.status_code == 200, again.text
    assert again.json() == ended.json()
    assert made["id"] not in _listed(platform)
    entries = eventually(
        lambda: platform.sql(
            "SELECT actor, activity FROM audit.ledger WHERE event_type = %s AND actor = %s",
            SUBSCRIPTION_ENDED,
            "e2e-admin-end",
        ),
        lambda rows: len(rows) >= 1,
        what="the end in the audit ledger",
    )
    assert entries == [{"actor": "e2e-admin-end", "activity": "partner-beheren"}], (
        "one entry: ending it again recorded nothing"
    )


def test_an_unknown_subscription_or_another_partner_s_is_not_found(platform, partners):
    made = _subscribe(platform)

    unknown = _end(platform, str(uuid.uuid4()), _admin())
    not_theirs = _end(platform, made["id"], _admin(), oin=OTHER_PARTNER)

    for answer in (unknown, not_theirs):
        assert answer.status_code == 404, answer.text
        assert answer.headers["Content-Type"] == "application/problem+json"
    assert made["id"] in _listed(platform)


def test_only_an_admin_of_every_gemeente_of_the_subscription_ends_it(platform, partners):
    made = _subscribe(platform, "0344")
    refused = {
        "no token": _end(platform, made["id"], {"Content-Type": "application/json"}),
        "regievoerder": _end(platform, made["id"], as_role("regievoerder")),
        "coordinator": _end(platform, made["id"], as_role("coordinator", "0344", PARTNER)),
        "partner": _end(platform, made["id"], as_role("partner", "0344", PARTNER)),
        "auditor": _end(platform, made["id"], as_role("auditor")),
        "admin of Nieuwegein": _end(platform, made["id"], _admin("0356", user="e2e-admin-0356")),
    }

    assert {who: answer.status_code for who, answer in refused.items()} == {
        "no token": 401,
        "regievoerder": 403,
        "coordinator": 403,
        "partner": 403,
        "auditor": 403,
        "admin of Nieuwegein": 403,
    }
    assert made["id"] in _listed(platform)
