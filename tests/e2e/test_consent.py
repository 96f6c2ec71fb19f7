"""Consent and sharing decisions over HTTP, with the partner registered through the CLI; every
decision reaches the audit ledger with the rule or consent that decided it."""

from __future__ import annotations

import pytest

from tests.e2e.http import as_role, send
from tests.platform import eventually, person

VWN = "00000003000000000011"


@pytest.fixture(scope="module")
def partner(platform):
    out = platform.cli(
        "partner",
        "add",
        "--oin",
        VWN,
        "--name",
        "VluchtelingenWerk Midden-Nederland",
        "--kind",
        "maatschappelijke-begeleiding",
        "--gemeente",
        "0344",
        "--gemeente",
        "0356",
    )
    assert VWN in out
    return VWN


def _registered(platform, gemeente: str = "0344") -> str:
    dossier_id = platform.register(person(gemeente))
    eventually(
        lambda: send(
            platform,
            "GET",
            f"/api/v1/dossiers/{dossier_id}/consents",
            None,
            as_role(gemeente=gemeente),
        ),
        lambda r: r.status_code == 200,
        what="consent knows the dossier",
    )
    return dossier_id


def _ask(platform, dossier_id: str, gemeente: str = "0344") -> dict:
    question = {
        "dossier_id": dossier_id,
        "organisation": VWN,
        "purpose": "maatschappelijke-begeleiding",
        "categories": ["gezondheid", "pip"],
    }
    answer = send(
        platform, "POST", "/api/v1/sharing/decisions", question, as_role(gemeente=gemeente)
    )
    assert answer.status_code == 200, answer.text
    return {d["category"]: d for d in answer.json()["decisions"]}


CONSENT = {
    "grantor": {"kind": "betrokkene"},
    "grantee": {"oin": VWN, "name": "VluchtelingenWerk"},
    "purpose": "maatschappelijke-begeleiding",
    "categories": ["gezondheid"],
    "valid_until": "2027-12-31",
    "collection": {"method": "schriftelijk", "language": "Arabisch"},
    "evidence": "Formulier 2026-0042",
}


def test_health_is_shared_only_with_a_consent_and_each_decision_is_in_the_ledger(platform, partner):
    dossier_id = _registered(platform)
    consents = f"/api/v1/dossiers/{dossier_id}/consents"

    before = _ask(platform, dossier_id)
    given = send(platform, "POST", consents, CONSENT)
    during = _ask(platform, dossier_id)
    withdrawn = send(platform, "POST", f"{consents}/{given.json()['id']}/withdrawal", {})
    after = _ask(platform, dossier_id)

    assert given.status_code == 201, given.text
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "ingetrokken"
    assert before["gezondheid"]["permit"] is False and before["gezondheid"]["rule"] == "R06"
    assert during["gezondheid"]["permit"] is True
    assert during["gezondheid"]["consent_id"] == given.json()["id"]
    assert after["gezondheid"]["permit"] is False
    assert before["pip"]["permit"] is during["pip"]["permit"] is True  # by law (R03)

    decisions = eventually(
        lambda: [
            e
            for e in platform.get(f"/api/v1/audit/dossiers/{dossier_id}", "auditor").json()[
                "entries"
            ]
            if e["event_type"] == "nl.wegwijs.consent.deelbesluit.genomen.v1"
        ],
        lambda found: len(found) == 3,
        what="the three decisions in the ledger",
    )
    assert {d["receiving_party"] for d in decisions} == {VWN}
    assert [d["result"] for d in decisions] == [
        "deels-toegestaan",
        "toegestaan",
        "deels-toegestaan",
    ]
    assert {d["confidentiality"] for d in decisions} == {"bijzonder"}
    bases = [d["legal_basis"] for d in decisions]
    assert bases[0] == "gezondheid: nee (R06); pip: ja (R03)"
    assert bases[1] == f"gezondheid: ja (R06, toestemming {given.json()['id']}); pip: ja (R03)"
    assert bases[2] == "gezondheid: nee (R06); pip: ja (R03)"


def test_the_gemeentes_own_rule_beats_the_region_rule(platform, partner):
    dossier_id = _registered(platform, "0356")
    headers = as_role(gemeente="0356")
    given = send(platform, "POST", f"/api/v1/dossiers/{dossier_id}/consents", CONSENT, headers)
    assert given.status_code == 201
    health = _ask(platform, dossier_id, "0356")["gezondheid"]
    assert health["permit"] is False and health["rule"] == "G0356-01"


def test_the_receipt_is_a_printable_page_in_dutch(platform, partner):
    dossier_id = _registered(platform)
    consents = f"/api/v1/dossiers/{dossier_id}/consents"
    consent_id = send(platform, "POST", consents, CONSENT).json()["id"]

    page = send(platform, "GET", f"{consents}/{consent_id}/receipt.html")
    as_json = send(platform, "GET", f"{consents}/{consent_id}/receipt")

    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Bewijs van toestemming" in page.text and "31 december 2027" in page.text
    assert as_json.json()["grantee"]["oin"] == VWN
    other = send(
        platform, "GET", f"{consents}/{consent_id}/receipt", None, as_role(gemeente="0321")
    )
    assert other.status_code == 404


def test_a_bad_consent_is_a_problem_naming_the_fields(platform, partner):
    dossier_id = _registered(platform)
    refused = send(
        platform,
        "POST",
        f"/api/v1/dossiers/{dossier_id}/consents",
        {**CONSENT, "categories": ["alles"], "collection": {"method": "telepathie"}},
    )
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"categories/0", "collection/method", "collection/language"} <= fields


def test_the_protocol_in_force_is_readable_with_its_adopted_version(platform):
    protocol = send(platform, "GET", "/api/v1/sharing/protocol", None, as_role("begeleider"))
    assert protocol.status_code == 200
    body = protocol.json()
    assert body["adopted"][-1]["digest"] == body["digest"]
    assert any(rule["id"] == "G0356-01" for rule in body["gemeenten"]["0356"])


def test_a_consent_that_expired_yesterday_permits_nothing_today(platform, partner):
    from datetime import timedelta

    from services.common.clock import today_in_amsterdam

    today = today_in_amsterdam()
    dossier_id = _registered(platform)
    ended = {
        **CONSENT,
        "valid_from": (today - timedelta(days=30)).isoformat(),
        "valid_until": (today - timedelta(days=1)).isoformat(),
    }
    given = send(platform, "POST", f"/api/v1/dossiers/{dossier_id}/consents", ended)
    assert given.status_code == 201, given.text

    def health_on(day) -> dict:
        question = {
            "dossier_id": dossier_id,
            "organisation": VWN,
            "purpose": "maatschappelijke-begeleiding",
            "categories": ["gezondheid"],
            "on": day.isoformat(),
        }
        answer = send(platform, "POST", "/api/v1/sharing/decisions", question)
        return answer.json()["decisions"][0]

    assert health_on(today - timedelta(days=1))["permit"] is True
    refused = health_on(today)
    assert refused["permit"] is False and refused["rule"] == "R06"
