"""The brede intake over HTTP: steps by different people, completion, advice, role-filtered view."""

from __future__ import annotations

import json

from services.gateway.auth import issue_token
from tests.platform import eventually, person
from tests.roles_fixtures import start_guiding
from tests.unit.test_brede_intake import CIRCUMSTANCES, EDUCATION, LBT


def _as(platform, user: str, role: str = "regievoerder", gemeente: str = "0344") -> dict:
    token = issue_token(role, [gemeente], user_id=user)
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def _ledger(platform, dossier_id: str, event_type: str) -> list[dict]:
    entries = platform.get(f"/api/v1/audit/dossiers/{dossier_id}", "auditor").json()["entries"]
    return [e for e in entries if e["event_type"] == event_type]


def _send(platform, method: str, path: str, headers: dict, body=None):
    """A request; without a body when `body` is None (completing takes an optional one)."""
    data = None if body is None else json.dumps(body)
    return platform.http.request(
        method, platform.url + path, headers=headers, data=data, timeout=15
    )


def test_an_intake_by_two_regievoerders_completes_with_advice_and_shows_each_author(platform):
    dossier_id = platform.register(person("0344"))
    base = f"/api/v1/dossiers/{dossier_id}/intake"
    anna, bram = _as(platform, "anna"), _as(platform, "bram")

    assert _send(platform, "PUT", f"{base}/leerbaarheidstoets", anna, LBT).status_code == 200
    assert _send(platform, "POST", f"{base}/education", bram, EDUCATION).status_code == 200
    step = _send(platform, "PUT", f"{base}/personal-circumstances", bram, CIRCUMSTANCES)
    assert step.json()["missing_parts"] == []

    completed = _send(platform, "POST", f"{base}/complete", anna)

    assert completed.status_code == 200
    advice = completed.json()["route_advice"]
    assert advice["route"] == "b1"
    assert advice["facts"]["leerbaarheidstoets"] == "gemiddeld"
    assert any("gemiddeld" in reason for reason in advice["reasons"])
    history = [(h["step"], h["by"]) for h in completed.json()["history"]]
    assert ("EducationAdded", "bram") in history
    assert ("Completed", "anna") in history

    chosen = _send(platform, "PUT", f"{base}/route", anna, {"route": "z"})
    assert chosen.status_code == 422
    assert chosen.json()["errors"][0]["field"] == "reason"


def test_a_klantmanager_reads_the_intake_without_health_and_the_ledger_has_no_health(platform):
    dossier_id = platform.register(person("0344"))
    base = f"/api/v1/dossiers/{dossier_id}/intake"
    _send(platform, "PUT", f"{base}/personal-circumstances", _as(platform, "anna"), CIRCUMSTANCES)

    as_klantmanager = _send(platform, "GET", base, _as(platform, "kees", "klantmanager"))
    as_regievoerder = _send(platform, "GET", base, _as(platform, "anna"))

    assert as_klantmanager.status_code == 200
    assert "mental_health" not in as_klantmanager.json()["personal_circumstances"]
    assert "Slaapproblemen" not in as_klantmanager.text
    assert as_regievoerder.json()["personal_circumstances"]["mental_health"] == "Slaapproblemen."
    entries = eventually(
        lambda: platform.get(f"/api/v1/audit/dossiers/{dossier_id}", "auditor", "0344").json(),
        lambda body: any(e["activity"] == "brede-intake" for e in body["entries"]),
    )["entries"]
    assert "Slaapproblemen" not in json.dumps(entries)


def test_completing_with_a_legal_part_missing_names_the_parts_and_changes_nothing(platform):
    dossier_id = platform.register(person("0356"))
    base = f"/api/v1/dossiers/{dossier_id}/intake"
    lotte = _as(platform, "lotte", gemeente="0356")
    _send(platform, "PUT", f"{base}/leerbaarheidstoets", lotte, LBT)
    before = _send(platform, "GET", base, lotte).json()["version"]

    refused = _send(platform, "POST", f"{base}/complete", lotte)

    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in refused.json()["errors"]] == [
        "education_and_work_history",
        "personal_circumstances",
    ]
    assert _send(platform, "GET", base, lotte).json()["version"] == before


def test_an_outcome_outside_the_allowed_set_is_refused_and_another_gemeente_gets_404(platform):
    dossier_id = platform.register(person("0344"))
    base = f"/api/v1/dossiers/{dossier_id}/intake"

    wrong = _send(
        platform,
        "PUT",
        f"{base}/leerbaarheidstoets",
        _as(platform, "anna"),
        {
            "taken_on": "2026-11-02",
            "outcome": "uitstekend",
        },
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "outcome"
    assert "hoog, gemiddeld, laag" in wrong.json()["errors"][0]["detail"]

    other = _send(
        platform, "PUT", f"{base}/leerbaarheidstoets", _as(platform, "x", gemeente="0321"), LBT
    )
    assert other.status_code == 404
    assert _send(platform, "GET", base, _as(platform, "anna")).status_code == 404, "nothing stored"


def test_life_domains_over_http_open_practical_matters_and_hide_health(platform):
    from tests.unit.test_brede_intake import FINANCES, HEALTH

    dossier_id = platform.register(person("0321"))
    base = f"/api/v1/dossiers/{dossier_id}/intake"
    joke = _as(platform, "joke", gemeente="0321")

    finances = _send(platform, "PUT", f"{base}/domains/financien", joke, FINANCES)
    _send(platform, "PUT", f"{base}/domains/gezondheid", joke, HEALTH)
    unknown = _send(platform, "PUT", f"{base}/domains/vrije-tijd", joke, {"notes": "voetbal"})

    assert finances.status_code == 200
    items = {i["item"] for i in finances.json()["practical_items"] if i["open"]}
    assert items == {"huurtoeslag-aanvragen", "schulden-aanpakken"}
    assert unknown.status_code == 404  # each life domain is an operation of its own
    assert unknown.headers["Content-Type"] == "application/problem+json"
    seen = _send(platform, "GET", base, _as(platform, "kees", "klantmanager", "0321")).json()
    assert set(seen["domains"]) == {"financien"}
    closed = _send(
        platform,
        "POST",
        f"{base}/practical-items/schulden-aanpakken/close",
        joke,
        {"note": "Aangemeld bij schuldhulpverlening."},
    )
    assert {i["item"] for i in closed.json()["practical_items"] if i["open"]} == {
        "huurtoeslag-aanvragen"
    }


def test_a_gps_health_signal_is_hidden_from_the_volunteer_and_both_reads_reach_the_ledger(
    platform,
):
    from tests.e2e.test_health_signal_consent import HEALTH_CONSENT

    dossier_id = platform.register(person("0344"))
    path = f"/api/v1/dossiers/{dossier_id}/signals"
    # the person's consent to the gemeente first (issue 17): without it the signal is refused
    consents = f"/api/v1/dossiers/{dossier_id}/consents"
    eventually(
        lambda: _send(platform, "GET", consents, _as(platform, "anna")).status_code,
        lambda status: status == 200,
        what="consent knows the dossier",
    )
    recorded = _send(platform, "POST", consents, _as(platform, "anna"), HEALTH_CONSENT)
    assert recorded.status_code == 201, recorded.text
    given = _send(
        platform,
        "POST",
        path,
        _as(platform, "dr-jansen", "huisarts"),
        {"domain": "gezondheid", "text": "Klachten na de reis."},
    )
    assert given.status_code == 201

    by_volunteer = _send(platform, "GET", path, start_guiding(platform, dossier_id, "vera"))
    by_regievoerder = _send(platform, "GET", path, _as(platform, "anna"))

    assert by_volunteer.json()["signals"] == []
    assert by_volunteer.json()["withheld"] == 1
    assert "Klachten" not in by_volunteer.text
    assert by_regievoerder.json()["signals"][0]["author"] == "dr-jansen"
    reads = eventually(
        lambda: _ledger(platform, dossier_id, "nl.wegwijs.intake.signalen.ingezien.v1"),
        lambda found: len(found) == 2,
        what="both reads are in the ledger",
    )
    assert sorted(e["actor"] for e in reads) == ["anna", "vera"]
    assert {e["activity"] for e in reads} == {"signalen-inzien"}


def test_no_shows_follow_each_gemeentes_own_sanction_ladder_over_http(platform):
    steps = {}
    for gemeente in ("0344", "0356"):
        dossier_id = platform.register(person(gemeente))
        base = f"/api/v1/dossiers/{dossier_id}/intake"
        who = _as(platform, f"rv-{gemeente}", gemeente=gemeente)
        for number in (1, 2):
            planned = _send(
                platform,
                "POST",
                f"{base}/conversations",
                who,
                {"planned_on": "2026-11-20", "purpose": "Brede intake"},
            )
            assert planned.status_code == 200
            missed = _send(
                platform,
                "PUT",
                f"{base}/conversations/{number}/attendance",
                who,
                {"attended": False, "note": "Niet verschenen."},
            )
        steps[gemeente] = [s["step"] for s in missed.json()["sanctions"]]

    assert steps == {"0344": ["waarschuwing", "boete"], "0356": ["waarschuwing"]}


def test_a_household_of_four_through_the_api_by_three_actors_ends_in_advice_naming_its_facts(
    platform,
):
    from tests.unit.test_registration_profile import PROFILE

    registrar, interviewer, closer = (
        _as(platform, "rita"),
        _as(platform, "ivo"),
        _as(platform, "carla"),
    )
    family = {
        **PROFILE,
        "children": [
            {"given_name": "Sara", "birth_date": "2021-04-02"},
            {"given_name": "Noah", "birth_date": "2023-10-11"},
        ],
    }
    first = _send(platform, "POST", "/api/v1/dossiers", registrar, {**person("0344"), **family})
    assert first.status_code == 201, first.text
    first_id = first.json()["id"]
    partner = _send(
        platform,
        "POST",
        "/api/v1/dossiers",
        registrar,
        {**person("0344"), "household_of": first_id, "relation": "partner"},
    )
    assert partner.status_code == 201, partner.text
    household = eventually(
        lambda: _send(platform, "GET", f"/api/v1/dossiers/{first_id}/household", registrar).json(),
        lambda body: len(body["members"]) == 2,
    )
    assert [m["relation"] for m in household["members"]] == ["", "partner"]
    dossier = _send(platform, "GET", f"/api/v1/dossiers/{first_id}", registrar).json()
    assert len(dossier["profile"]["children"]) == 2

    base = f"/api/v1/dossiers/{first_id}/intake"
    _send(platform, "PUT", f"{base}/leerbaarheidstoets", interviewer, {**LBT, "outcome": "laag"})
    _send(platform, "POST", f"{base}/education", interviewer, {**EDUCATION, "level": "basis"})
    _send(
        platform,
        "PUT",
        f"{base}/domains/gezin",
        interviewer,
        {
            "partner": True,
            "children": 2,
            "childcare_needed": True,
            "one_to_one_offered": True,
            "vve_explained": True,
        },
    )
    _send(platform, "PUT", f"{base}/personal-circumstances", closer, CIRCUMSTANCES)
    completed = _send(platform, "POST", f"{base}/complete", closer)

    assert completed.status_code == 200, completed.text
    body = completed.json()
    assert body["route_advice"]["route"] == "z"
    assert body["route_advice"]["facts"]["leerbaarheidstoets"] == "laag"
    assert any("laag" in reason for reason in body["route_advice"]["reasons"])
    assert {h["by"] for h in body["history"]} == {"ivo", "carla"}
    assert {i["item"] for i in body["practical_items"] if i["open"]} == {"kinderopvang-regelen"}


def test_a_volunteers_view_has_no_health_or_finances_the_regievoerders_does_both_in_the_ledger(
    platform,
):
    from tests.unit.test_brede_intake import FINANCES, HEALTH

    dossier_id = platform.register(person("0344"))
    base = f"/api/v1/dossiers/{dossier_id}"
    anna = _as(platform, "anna")
    _send(platform, "PUT", f"{base}/intake/domains/gezondheid", anna, HEALTH)
    _send(platform, "PUT", f"{base}/intake/domains/financien", anna, FINANCES)

    vera = start_guiding(platform, dossier_id, "vera")
    by_volunteer = _send(platform, "GET", f"{base}/view", vera)
    by_regievoerder = _send(platform, "GET", f"{base}/view", anna)

    assert by_volunteer.status_code == 200
    assert set(by_volunteer.json()["intake"]["domains"]) == set()
    assert "Slaapproblemen" not in by_volunteer.text and "bijstand" not in by_volunteer.text
    assert set(by_regievoerder.json()["intake"]["domains"]) == {"gezondheid", "financien"}
    views = eventually(
        lambda: _ledger(platform, dossier_id, "nl.wegwijs.intake.dossier.ingezien.v1"),
        lambda found: len(found) == 2,
        what="both views are in the ledger",
    )
    assert sorted(e["actor"] for e in views) == ["anna", "vera"]
