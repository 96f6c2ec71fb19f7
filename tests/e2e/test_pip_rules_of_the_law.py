"""The PIP's rules of the law over HTTP (issue 17): a backdated decision does not move a legal
limit, a PIP is not dated before its intake was completed, afschalen counts the PIP's own hours
log, and a measure is taken fairly and by the role the law gives it."""

from __future__ import annotations

from datetime import date, timedelta

from services.common.clock import today_in_amsterdam
from services.pip.rules import last_route_switch_day
from tests.e2e.http import as_role, send
from tests.e2e.test_pip import _completed_intake, _draft
from tests.pip_fixtures import sections
from tests.pip_history import established_on, intake_completed_on
from tests.platform import eventually, person

BACKDATED = "Overgenomen uit het vorige systeem."
CULPABLE = {"culpable": True, "circumstances": "Bleef weg zonder bericht; uitzonderlijk."}
BREACH = {"obligation": "Taalles", "description": "Twee weken afwezig."}


def _registered(platform, arrived: date, gemeente: str = "0344") -> str:
    """A dossier registered over HTTP (DUO and BRP on `arrived`) whose draft PIP is open."""
    dossier_id = platform.register(
        person(
            gemeente,
            duo_notice_date=arrived.isoformat(),
            brp_registration_date=arrived.isoformat(),
        )
    )
    eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/pip"),
        lambda r: r.status_code == 200,
        what="the draft PIP is open",
    )
    return dossier_id


def _established_today(platform, gemeente: str = "0344") -> str:
    today = today_in_amsterdam()
    headers = as_role(gemeente=gemeente)
    dossier_id = _completed_intake(platform, today - timedelta(weeks=6), gemeente)
    _draft(platform, dossier_id, today, gemeente)
    established = send(
        platform, "POST", f"/api/v1/dossiers/{dossier_id}/pip/establish", {}, headers
    )
    assert established.status_code == 200, established.text
    return dossier_id


# backdating ---------------------------------------------------------------------------------------
def test_a_pip_dated_before_its_brede_intake_was_completed_is_refused(platform):
    today = today_in_amsterdam()
    dossier_id = _completed_intake(platform, today - timedelta(weeks=6))  # completed today
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    yesterday = today - timedelta(days=1)
    _draft(platform, dossier_id, yesterday)

    refused = send(platform, "POST", f"{pip}/establish", {"decided_on": yesterday.isoformat()})

    assert refused.status_code == 422, refused.text
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    error = refused.json()["errors"][0]
    assert error["field"] == "decided_on"
    assert today.isoformat() in error["detail"] and "brede intake" in error["detail"]
    assert send(platform, "GET", pip).json()["status"] == "concept"


def test_a_late_pip_dated_back_before_its_deadline_counts_as_late_in_the_report(platform):
    today = today_in_amsterdam()
    dossier_id = _registered(platform, today - timedelta(weeks=12))  # deadline 2 weeks ago
    intake_completed_on(dossier_id, today - timedelta(weeks=8))
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    decided = today - timedelta(weeks=3)  # a week before the deadline
    _draft(platform, dossier_id, decided)

    established = send(
        platform,
        "POST",
        f"{pip}/establish",
        {"decided_on": decided.isoformat(), "backdating_reason": BACKDATED},
    )

    assert established.status_code == 200, established.text
    assert established.json()["decision"]["recorded_on"] == today.isoformat()
    report = eventually(
        lambda: send(platform, "GET", "/api/v1/reports/pip/gemeenten/0344").json(),
        lambda r: any(row["dossier_id"] == dossier_id for row in r["on_time"]["late"]),
        what="the backdated PIP is listed as late",
    )
    late = next(row for row in report["on_time"]["late"] if row["dossier_id"] == dossier_id)
    assert late["established_on"] == decided.isoformat()


def test_a_backdated_route_switch_recorded_after_eighteen_months_is_refused(platform):
    today = today_in_amsterdam()
    decided = today - timedelta(days=600)
    dossier_id = _registered(platform, decided - timedelta(days=60))
    intake_completed_on(dossier_id, decided - timedelta(days=30))
    established_on(dossier_id, decided)
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    last_day = last_route_switch_day(decided)
    switch = {
        "kind": "routewijziging",
        "explanation": "Naar de Z-route.",
        "decided_on": (last_day - timedelta(days=30)).isoformat(),  # within the 18 months
        "backdating_reason": BACKDATED,
        "sections": {
            k: v for k, v in sections(decided, "z").items() if k in ("leerroute", "modules")
        },
    }

    refused = send(platform, "POST", f"{pip}/revisions", switch)

    assert refused.status_code == 409, refused.text
    detail = refused.json()["detail"]
    assert last_day.isoformat() in detail and "decided_on" in detail
    shown = send(platform, "GET", pip).json()
    assert shown["plan"]["leerroute"]["route"] == "b1" and len(shown["versions"]) == 1


# afschalen ----------------------------------------------------------------------------------------
def test_afschalen_with_typed_hours_the_log_does_not_hold_is_refused_with_both(platform):
    dossier_id = _established_today(platform)
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    logged = send(
        platform, "POST", f"{pip}/modules/nt2/hours", {"hours": 250, "note": "Lessen tot nu toe"}
    )
    assert logged.status_code == 201, logged.text
    lowered = sections(today_in_amsterdam())["leerroute"] | {"language_target": "A2"}
    afschalen = {
        "kind": "afschalen",
        "explanation": "B1 niet haalbaar.",
        "sections": {"leerroute": lowered},
        "evidence": {"nt2_hours": 620, "school": "Taalschool", "certified": True, "effort": "Ja"},
    }

    refused = send(platform, "POST", f"{pip}/revisions", afschalen)

    assert refused.status_code == 422, refused.text
    error = refused.json()["errors"][0]
    assert error["field"] == "evidence/nt2_hours"
    assert "620" in error["detail"] and "250" in error["detail"]
    shown = send(platform, "GET", pip).json()
    assert shown["plan"]["leerroute"]["language_target"] == "B1"
    assert shown["plan"]["modules"]["nt2"]["hours_done"] == 250


# handhaving ---------------------------------------------------------------------------------------
def _two_breaches(platform, gemeente: str) -> str:
    dossier_id = _established_today(platform, gemeente)
    for _ in range(2):
        recorded = send(
            platform,
            "POST",
            f"/api/v1/dossiers/{dossier_id}/pip/breaches",
            BREACH,
            as_role(gemeente=gemeente),
        )
        assert recorded.status_code == 201, recorded.text
    return dossier_id


def test_a_pip_fine_without_a_prior_warning_or_culpability_is_refused_naming_each(platform):
    dossier_id = _two_breaches(platform, "0344")  # Utrecht: a warning, then a fine
    decisions = f"/api/v1/dossiers/{dossier_id}/pip/breaches"
    heard = {"on": today_in_amsterdam().isoformat(), "summary": "Geen reden gegeven."}
    fine = {"take": True, "reason": "Weer afwezig.", "hearing": heard, "amount_eur": 150}

    without_both = send(platform, "PUT", f"{decisions}/2/decision", fine)
    without_warning = send(
        platform, "PUT", f"{decisions}/2/decision", {**fine, "culpability": CULPABLE}
    )

    assert without_both.status_code == 422, without_both.text
    assert [e["field"] for e in without_both.json()["errors"]] == ["culpability", "warning"]
    assert without_warning.status_code == 422, without_warning.text
    assert [e["field"] for e in without_warning.json()["errors"]] == ["warning"]
    warning = {"take": True, "reason": "Eerste keer.", "culpability": CULPABLE}
    assert send(platform, "PUT", f"{decisions}/1/decision", warning).status_code == 200
    taken = send(platform, "PUT", f"{decisions}/2/decision", {**fine, "culpability": CULPABLE})
    assert taken.status_code == 200, taken.text
    decided = taken.json()["handhaving"][1]["decision"]
    assert decided["taken"] is True and decided["amount_eur"] == 150
    assert decided["hearing"] == heard


def test_a_regievoerder_cutting_a_participatiewet_benefit_is_refused_and_refers_it(platform):
    nieuwegein = as_role(gemeente="0356")
    dossier_id = _two_breaches(platform, "0356")  # Nieuwegein: a warning, then a benefit measure
    decision = f"/api/v1/dossiers/{dossier_id}/pip/breaches/2/decision"
    cut = {"take": True, "reason": "Bijstand verlagen.", "culpability": CULPABLE}

    refused = send(platform, "PUT", decision, cut, nieuwegein)

    assert refused.status_code == 403, refused.text
    assert "klantmanager" in refused.json()["detail"]
    assert "Participatiewet art. 18" in refused.json()["detail"]
    referral = {"take": False, "reason": "Voor de klantmanager.", "refer_to_klantmanager": True}
    referred = send(platform, "PUT", decision, referral, nieuwegein)
    assert referred.status_code == 200, referred.text
    recorded = referred.json()["handhaving"][1]
    assert recorded["measure"] == "maatregel-participatiewet"
    assert recorded["decision"]["taken"] is False
    assert recorded["decision"]["referred_to"] == "klantmanager"


def test_the_klantmanager_records_their_participatiewet_decision_on_a_referred_breach(platform):
    """Lowering the benefit is the klantmanager's decision (Participatiewet art. 18), taken in
    their own procedure; the PIP records what they decided, so the regievoerder sees it."""
    nieuwegein = as_role(gemeente="0356")
    klantmanager = as_role("klantmanager", gemeente="0356")
    dossier_id = _two_breaches(platform, "0356")
    breaches = f"/api/v1/dossiers/{dossier_id}/pip/breaches"
    referral = {"take": False, "reason": "Voor de klantmanager.", "refer_to_klantmanager": True}
    assert send(platform, "PUT", f"{breaches}/2/decision", referral, nieuwegein).status_code == 200
    # The warning on breach 1 awaits the regievoerder; the referred measure the klantmanager.
    assert _awaiting(platform, dossier_id, klantmanager) == {
        (1, "regievoerder"),
        (2, "klantmanager"),
    }
    today = today_in_amsterdam().isoformat()
    heard = {"on": today, "summary": "Zegt dat de les te ver weg is."}
    lowered = {
        "lowered": True,
        "decided_on": today,
        "reason": "Verlaging van 20 procent voor een maand.",
        "culpability": CULPABLE,
        "hearing": heard,
    }
    kmd = f"{breaches}/2/participatiewet-decision"

    by_regievoerder = send(platform, "PUT", kmd, lowered, nieuwegein)
    not_referred = send(
        platform, "PUT", f"{breaches}/1/participatiewet-decision", lowered, klantmanager
    )
    bare = send(
        platform, "PUT", kmd, {"lowered": True, "decided_on": today, "reason": "x"}, klantmanager
    )

    assert by_regievoerder.status_code == 403, by_regievoerder.text
    assert not_referred.status_code == 409, not_referred.text
    assert bare.status_code == 422, bare.text
    assert sorted(e["field"] for e in bare.json()["errors"]) == ["culpability", "hearing"]

    decided = send(platform, "PUT", kmd, lowered, klantmanager)

    assert decided.status_code == 200, decided.text
    seen = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/pip", None, nieuwegein).json()
    recorded = seen["handhaving"][1]["participatiewet"]
    assert recorded["lowered"] is True and recorded["decided_on"] == today
    assert recorded["hearing"] == heard
    again = send(platform, "PUT", kmd, {**lowered, "lowered": False}, klantmanager)
    assert again.status_code == 409, again.text
    assert _awaiting(platform, dossier_id, klantmanager) == {(1, "regievoerder")}, "2 decided"


def _awaiting(platform, dossier_id: str, headers) -> set[tuple[int, str]]:
    """The dossier's PIP breaches on the werkvoorraad's list of decisions to take, and whose."""
    answer = send(platform, "GET", "/api/v1/werkvoorraad", None, headers)
    assert answer.status_code == 200, answer.text
    [breaches] = [w for w in answer.json()["lists"] if w["key"] == "breaches_to_decide"]
    return {
        (i["number"], i["decided_by"])
        for i in breaches["items"]
        if i["dossier_id"] == dossier_id and i["source"] == "pip"
    }
