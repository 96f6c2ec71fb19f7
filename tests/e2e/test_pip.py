"""The PIP over HTTP: from the completed intake to a decision, revisions, progress, monitoring with
two pip instances, and reports."""

from __future__ import annotations

from datetime import date, timedelta

from services.common.clock import today_in_amsterdam
from services.pip.domain import pip_id
from services.pip.rules import add_months
from tests.e2e.http import as_role, send
from tests.pip_fixtures import GUIDE, goal, sections
from tests.pip_history import intake_completed_on
from tests.platform import eventually, extra_port, person
from tests.roles_fixtures import start_guiding
from tests.unit.test_brede_intake import CIRCUMSTANCES, EDUCATION, LBT

GUIDE_OIN = "00000003000000000001"
EXPECTATIONS = {"expectations": "Zelf de post lezen.", "three_year_goal": "Werken als kapper."}


def _completed_intake(platform, arrived: date, gemeente: str = "0344") -> str:
    """A dossier whose brede intake is complete and has reached pip."""
    dossier_id = platform.register(
        person(
            gemeente,
            duo_notice_date=arrived.isoformat(),
            brp_registration_date=arrived.isoformat(),
        )
    )
    base = f"/api/v1/dossiers/{dossier_id}/intake"
    headers = as_role(gemeente=gemeente)
    lbt = {**LBT, "taken_on": arrived.isoformat()}
    for method, path, body in (
        ("PUT", f"{base}/leerbaarheidstoets", lbt),
        ("PUT", f"{base}/domains/verwachtingen", EXPECTATIONS),
        ("POST", f"{base}/education", EDUCATION),
        ("PUT", f"{base}/personal-circumstances", CIRCUMSTANCES),
        ("POST", f"{base}/complete", None),
    ):
        assert send(platform, method, path, body, headers).status_code == 200
    eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/pip", None, headers),
        lambda r: r.status_code == 200 and r.json()["starting_points"]["intake_completed_on"],
        what="pip has the intake's starting points",
    )
    return dossier_id


def _intake_completed_on(platform, arrived: date, completed_on: date) -> str:
    """A dossier registered over HTTP whose brede intake was completed on a past day: a PIP is
    not dated before its intake's completion, and an intake completes today over HTTP."""
    dossier_id = platform.register(
        person(duo_notice_date=arrived.isoformat(), brp_registration_date=arrived.isoformat())
    )
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    eventually(lambda: send(platform, "GET", pip), lambda r: r.status_code == 200, what="draft")
    intake_completed_on(dossier_id, completed_on)
    return dossier_id


def _draft(platform, dossier_id: str, decided_on: date, gemeente: str = "0344") -> None:
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    headers = as_role(gemeente=gemeente)
    assert send(platform, "PATCH", pip, sections(decided_on), headers).status_code == 200
    for body in (
        goal(decided_on),
        goal(decided_on, "sociaal_netwerk", owner={**GUIDE, "oin": GUIDE_OIN}, phase=1),
    ):
        assert send(platform, "POST", f"{pip}/goals", body, headers).status_code == 201


def test_a_pip_is_drafted_from_the_intake_and_established_as_a_decision(platform):
    today = today_in_amsterdam()
    dossier_id = _completed_intake(platform, today - timedelta(weeks=6))
    pip = f"/api/v1/dossiers/{dossier_id}/pip"

    points = send(platform, "GET", f"{pip}/starting-points").json()
    assert points["suggested_route"] == "b1"
    assert any(g["domain"] == "gezondheid" for g in points["suggested_goals"])
    assert points["expectations"] == EXPECTATIONS, "the person's own words, read from intake"

    _draft(platform, dossier_id, today)
    established = send(platform, "POST", f"{pip}/establish", {})

    assert established.status_code == 200, established.text
    body = established.json()
    assert body["status"] == "vastgesteld"
    assert body["decision"]["decided_on"] == today.isoformat()
    assert body["termijn"] == {
        "start": (today + timedelta(days=1)).isoformat(),
        "end": add_months(today, 36).isoformat(),
    }
    entries = eventually(
        lambda: platform.get(f"/api/v1/audit/dossiers/{dossier_id}", "auditor").json()["entries"],
        lambda found: any(e["event_type"] == "nl.wegwijs.pip.vastgesteld.v1" for e in found),
        what="the decision is in the audit ledger",
    )
    decision = next(e for e in entries if e["event_type"] == "nl.wegwijs.pip.vastgesteld.v1")
    assert decision["actor"] == "e2e-regievoerder" and decision["activity"] == "pip-opstellen"


def test_establishing_without_goals_is_a_problem_naming_the_goals(platform):
    today = today_in_amsterdam()
    dossier_id = _completed_intake(platform, today - timedelta(weeks=6))
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    send(platform, "PATCH", pip, sections(today))

    refused = send(platform, "POST", f"{pip}/establish", {})

    assert refused.status_code == 422
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in refused.json()["errors"]] == ["goals"]
    assert send(platform, "GET", pip).json()["status"] == "concept"


def test_a_route_switch_after_eighteen_months_is_refused_and_afschalen_needs_the_hours(platform):
    today = today_in_amsterdam()
    decided = today - timedelta(days=600)
    # Taken over from an earlier system, whose intake was completed before the PIP's date.
    dossier_id = _intake_completed_on(
        platform, decided - timedelta(days=60), decided - timedelta(days=30)
    )
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    _draft(platform, dossier_id, decided)
    taken_over = {"decided_on": decided.isoformat()}
    refused = send(platform, "POST", f"{pip}/establish", taken_over)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "backdating_reason"
    taken_over["backdating_reason"] = "Overgenomen uit het vorige systeem."
    established = send(platform, "POST", f"{pip}/establish", taken_over)
    assert established.status_code == 200, established.text

    switch = {
        "kind": "routewijziging",
        "explanation": "Naar de Z-route.",
        "sections": {
            k: v for k, v in sections(decided, "z").items() if k in ("leerroute", "modules")
        },
    }
    refused = send(platform, "POST", f"{pip}/revisions", switch)
    assert refused.status_code == 409
    assert "1.5 years" in refused.json()["detail"]

    lowered = sections(decided)["leerroute"] | {"language_target": "A2"}
    hours = {"hours": 300, "note": "Lessen bij de taalschool"}
    assert send(platform, "POST", f"{pip}/modules/nt2/hours", hours).status_code == 201
    afschalen = {
        "kind": "afschalen",
        "explanation": "B1 niet haalbaar.",
        "sections": {"leerroute": lowered},
        "evidence": {"nt2_hours": 300, "school": "Taalschool", "certified": True, "effort": "Ja"},
    }
    refused = send(platform, "POST", f"{pip}/revisions", afschalen)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "evidence/nt2_hours"
    assert "at least 600" in refused.json()["errors"][0]["detail"]
    assert send(platform, "GET", pip).json()["plan"]["leerroute"]["route"] == "b1"


def test_as_of_shows_the_plan_before_a_revision_and_the_termijn_does_not_move(platform):
    today = today_in_amsterdam()
    first, second = today - timedelta(days=10), today - timedelta(days=3)
    dossier_id = _intake_completed_on(
        platform, today - timedelta(weeks=8), first - timedelta(days=1)
    )
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    _draft(platform, dossier_id, first)
    established = send(platform, "POST", f"{pip}/establish", {"decided_on": first.isoformat()})
    assert established.status_code == 200, established.text
    revision = {
        "kind": "anders",
        "explanation": "Werkdoel na gesprek.",
        "decided_on": second.isoformat(),
        "add_goals": [goal(second, "werk", phase=3, term="lang")],
    }
    assert send(platform, "POST", f"{pip}/revisions", revision).status_code == 201

    between = send(platform, "GET", f"{pip}?as_of={(second - timedelta(days=1)).isoformat()}")
    now = send(platform, "GET", pip).json()

    assert between.status_code == 200
    assert between.json()["decision"]["number"] == 1
    assert "werk" not in {g["domain"] for g in between.json()["plan"]["goals"]}
    assert "werk" in {g["domain"] for g in now["plan"]["goals"]}
    assert between.json()["termijn"] == now["termijn"]
    assert now["termijn"]["start"] == (first + timedelta(days=1)).isoformat()
    before_any = send(platform, "GET", f"{pip}?as_of={(first - timedelta(days=1)).isoformat()}")
    assert before_any.status_code == 404


def test_the_goal_owner_records_progress_and_another_role_is_refused(platform):
    today = today_in_amsterdam()
    dossier_id = _completed_intake(platform, today - timedelta(weeks=6))
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    _draft(platform, dossier_id, today)
    send(platform, "POST", f"{pip}/establish", {})
    goals = send(platform, "GET", pip).json()["plan"]["goals"]
    guide_goal = next(g["id"] for g in goals if g["domain"] == "sociaal_netwerk")
    progress = {"status": "bezig", "note": "Samen naar het buurthuis."}

    guide = start_guiding(platform, dossier_id, "e2e-guide-progress", org=GUIDE_OIN)
    by_guide = send(platform, "POST", f"{pip}/goals/{guide_goal}/progress", progress, guide)
    by_klantmanager = send(
        platform, "POST", f"{pip}/goals/{guide_goal}/progress", progress, as_role("klantmanager")
    )

    assert by_guide.status_code == 201, by_guide.text
    seen = next(g for g in by_guide.json()["plan"]["goals"] if g["id"] == guide_goal)
    assert seen["status"] == "bezig" and seen["history"][0]["source"] == "eigenaar"
    assert all(g["domain"] != "gezondheid" for g in by_guide.json()["plan"]["goals"])
    assert by_klantmanager.status_code == 403


def _marks(platform, dossier_id: str, topic: str) -> int:
    """How many events of `topic` the dossier's PIP has stored."""
    return platform.scalar(
        "SELECT count(*) FROM pip.pips_events WHERE originator_id = %s AND topic LIKE %s",
        pip_id(dossier_id),
        f"%{topic}",
    )


def test_deadline_warnings_are_stored_once_with_two_pip_instances_marking(platform):
    today = today_in_amsterdam()
    near = platform.register(
        person(duo_notice_date=(today - timedelta(weeks=9)).isoformat())
    )  # deadline in 7 days: within the 14-day warning
    passed = platform.register(
        person(
            duo_notice_date=(today - timedelta(weeks=11)).isoformat(),
            brp_registration_date=(today - timedelta(weeks=11)).isoformat(),
        )
    )
    eventually(
        lambda: [_marks(platform, d, "Pip.DraftOpened") for d in (near, passed)],
        lambda n: n == [1, 1],
        what="both drafts opened",
    )
    fast = {"WEGWIJS_MONITOR_SECONDS": "0.5"}
    monitors = [
        platform.start("pip", name=f"pip-monitor-{n}", port=extra_port(3 + n), env=fast)
        for n in (1, 2)
    ]
    try:
        eventually(
            lambda: [
                m.metric(
                    "wegwijs_entrypoint_latency_seconds_count", entrypoint="monitor", outcome="ok"
                )
                for m in monitors
            ],
            lambda ticks: min(ticks) >= 6,
            deadline=60,
            what="both instances ran the monitor several times",
        )
    finally:
        for monitor in monitors:
            platform.stop(monitor.name)

    assert _marks(platform, near, "Pip.DeadlineWarned") == 1
    assert _marks(platform, near, "Pip.DeadlineMissed") == 0
    assert _marks(platform, passed, "Pip.DeadlineMissed") == 1
    platform.wait_ledger_complete()
    entries = platform.get(f"/api/v1/audit/dossiers/{near}", "auditor").json()["entries"]
    warned = [e for e in entries if e["event_type"] == "nl.wegwijs.pip.deadline.nadert.v1"]
    assert len(warned) == 1 and warned[0]["actor"] == "system:pip"
    shown = send(platform, "GET", f"/api/v1/dossiers/{near}/pip").json()
    assert shown["deadline_warned"] is True and shown["deadline_missed"] is False


def test_reports_per_gemeente_and_for_the_region_as_json_and_csv(platform):
    today = today_in_amsterdam()
    houten = as_role(gemeente="0321")
    on_time = _completed_intake(platform, today - timedelta(weeks=6), gemeente="0321")
    _draft(platform, on_time, today, gemeente="0321")
    send(platform, "POST", f"/api/v1/dossiers/{on_time}/pip/establish", {}, houten)
    overdue = platform.register(person("0321"))  # its deadline passed in November 2026
    eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{overdue}/pip", None, houten),
        lambda r: r.status_code == 200,
        what="the overdue draft exists",
    )

    own = send(platform, "GET", "/api/v1/reports/pip/gemeenten/0321", None, houten)
    other = send(platform, "GET", "/api/v1/reports/pip/gemeenten/0321", None, as_role())
    region_for_utrecht = send(
        platform, "GET", "/api/v1/reports/pip/region", None, as_role("beleidsmedewerker", "0344")
    )
    region_for_houten = send(platform, "GET", "/api/v1/reports/pip/region", None, houten)
    as_csv = send(platform, "GET", "/api/v1/reports/pip/gemeenten/0321?format=csv", None, houten)
    as_guide = send(platform, "GET", "/api/v1/reports/pip/region", None, as_role("begeleider"))

    assert own.status_code == 200
    assert own.json()["on_time"]["on_time"] >= 1 and own.json()["routes"]["b1"] >= 1
    assert overdue in {row["dossier_id"] for row in own.json()["on_time"]["late"]}
    assert other.status_code == 403 and "0321" in other.json()["detail"]
    assert region_for_utrecht.status_code == 200
    counted = next(g for g in region_for_utrecht.json()["gemeenten"] if g["gemeente"] == "0321")
    assert counted["on_time"]["overdue_drafts"] >= 1 and "late" not in counted["on_time"]
    assert overdue not in region_for_utrecht.text
    assert overdue in region_for_houten.text
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert as_csv.text.startswith("section,gemeente,item,measure,value\n")
    assert f"te-laat,0321,{overdue},deadline," in as_csv.text
    assert as_guide.status_code == 403


def test_handhaving_follows_each_gemeentes_ladder_and_a_fine_needs_culpability(platform):
    today = today_in_amsterdam()
    measures = {}
    for gemeente in ("0344", "0356"):
        headers = as_role(gemeente=gemeente)
        dossier_id = _completed_intake(platform, today - timedelta(weeks=6), gemeente)
        pip = f"/api/v1/dossiers/{dossier_id}/pip"
        _draft(platform, dossier_id, today, gemeente)
        assert send(platform, "POST", f"{pip}/establish", {}, headers).status_code == 200
        breach = {"obligation": "Taalles", "description": "Twee weken afwezig."}
        for _ in range(2):
            recorded = send(platform, "POST", f"{pip}/breaches", breach, headers)
            assert recorded.status_code == 201, recorded.text
        measures[gemeente] = [b["measure"] for b in recorded.json()["handhaving"]]
        if gemeente == "0344":
            fine = {"take": True, "reason": "Herhaald afwezig."}
            refused = send(platform, "PUT", f"{pip}/breaches/2/decision", fine, headers)
            assert refused.status_code == 422
            assert refused.json()["errors"][0]["field"] == "culpability"

    assert measures == {
        "0344": ["waarschuwing", "boete"],
        "0356": ["waarschuwing", "maatregel-participatiewet"],
    }
