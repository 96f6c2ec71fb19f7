"""Bad input to the PIP is refused field by field, as a 422 with what is accepted, never a 500;
and the limits that keep dates and routes honest hold."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from services.common.errors import Forbidden, InvalidInput
from services.pip.reports import report_csv
from tests.pip_fixtures import goal, sections
from tests.unit.test_applications import context, guiding, stored
from tests.unit.test_pip_plan import TODAY, _dossier, _established, _ready
from tests.unit.test_pip_progress import _breach

DECIDED = date(2026, 11, 20)


def _fields(refused: pytest.ExceptionInfo) -> set[str]:
    return {e["field"] for e in refused.value.errors}


# Fields named as the API names them (a path, as the contract's model checks the shape).
WRONG_TYPES = [
    ("route as a list", {"leerroute": {"route": [], "end_date": "2029-01-01"}}, "leerroute/route"),
    (
        "route as an object",
        {"leerroute": {"route": {}, "end_date": "2029-01-01"}},
        "leerroute/route",
    ),
    ("sections not an object", ["leerroute"], ""),
    ("modules as a list", {"modules": []}, "modules"),
    (
        "an empty owner",
        {"guidance": {"by": {}, "how": "x", "hours_per_week": 1}},
        "guidance/by/organisation",
    ),
    (
        "hours as text",
        {"modules": {"pvt": {"hours": "12", "hours_per_week": 1, "provider": {}}}},
        "modules/pvt/hours",
    ),
    ("preconditions as text", {"preconditions": "geen"}, "preconditions"),
]


@pytest.mark.parametrize(
    ("body", "field"), [c[1:] for c in WRONG_TYPES], ids=[c[0] for c in WRONG_TYPES]
)
def test_sections_of_the_wrong_type_are_named(pips, body, field):
    dossier_id = _dossier(pips)
    with pytest.raises(InvalidInput) as refused:
        pips.change_sections(context(), dossier_id, body)
    assert field in _fields(refused)


WRONG_GOALS = [
    ("phase true", {"phase": True}, "phase"),
    ("phase 1.0", {"phase": 1.0}, "phase"),
    ("phase 5", {"phase": 5}, "phase"),
    ("no owner", {"owner": {}}, "owner/organisation"),
    ("owner without role", {"owner": {"organisation": "X"}}, "owner/role"),
    ("domain unknown", {"domain": "vrije tijd"}, "domain"),
    ("due date not a date", {"due_on": "volgend jaar"}, "due_on"),
]


@pytest.mark.parametrize(
    ("change", "field"), [c[1:] for c in WRONG_GOALS], ids=[c[0] for c in WRONG_GOALS]
)
def test_a_goal_with_a_wrong_field_is_refused_naming_it(pips, change, field):
    dossier_id = _dossier(pips)
    with pytest.raises(InvalidInput) as refused:
        pips.add_goal(context(), dossier_id, {**goal(DECIDED), **change})
    assert field in _fields(refused)
    assert pips.pip(context(), dossier_id)["plan"]["goals"] == []


def test_a_decision_more_than_two_weeks_back_needs_a_reason_that_is_kept(pips):
    dossier_id = _dossier(pips, duo=date(2026, 8, 1), brp=date(2026, 8, 1))
    long_ago = date(2026, 10, 1)
    _ready(pips, dossier_id, long_ago)
    with pytest.raises(InvalidInput) as refused:
        pips.establish(context(), dossier_id, {"decided_on": "2026-10-01"}, today=TODAY)
    assert _fields(refused) == {"backdating_reason"}

    reason = "Besluit op papier genomen; overgenomen uit het vorige systeem."
    pip = pips.establish(
        context(),
        dossier_id,
        {"decided_on": "2026-10-01", "backdating_reason": reason},
        today=TODAY,
    )
    assert pip["versions"][0]["backdating_reason"] == reason
    assert pip["versions"][0]["recorded_on"] == TODAY.isoformat()


def test_a_route_switch_cannot_be_backdated_into_the_window_without_a_reason(pips):
    decided = date(2025, 5, 1)  # the switch window closed on 2026-11-01
    dossier_id = _established(pips, decided, duo=date(2025, 4, 1), brp=date(2025, 4, 1))
    switch = {
        "kind": "routewijziging",
        "explanation": "Naar de Z-route.",
        "decided_on": "2026-10-30",
        "sections": {
            k: v for k, v in sections(decided, "z").items() if k in ("leerroute", "modules")
        },
    }
    with pytest.raises(InvalidInput) as refused:
        pips.revise(context(), dossier_id, switch, today=TODAY)
    assert _fields(refused) == {"backdating_reason"}


def test_a_route_switch_to_the_b1_route_at_a2_needs_afschalen(pips):
    dossier_id = _established(pips, route="z")
    to_b1 = sections(DECIDED)
    lowered = {**to_b1["leerroute"], "language_target": "A2"}
    switch = {
        "kind": "routewijziging",
        "explanation": "Naar B1-route op A2.",
        "sections": {"leerroute": lowered, "modules": to_b1["modules"]},
    }
    with pytest.raises(InvalidInput) as refused:
        pips.revise(context(), dossier_id, switch, today=TODAY)
    assert refused.value.errors[0]["field"] == "kind"
    assert "afschalen" in refused.value.errors[0]["detail"]


def test_revision_errors_name_the_fields_as_the_request_did(pips):
    dossier_id = _established(pips)
    twice = str(uuid.uuid4())
    revision = {
        "kind": "anders",
        "explanation": "Extra doel.",
        "sections": {"leerroute": {"route": "b1", "end_date": "nooit"}},
        "add_goals": [goal(DECIDED)],
        "withdraw_goals": [twice, twice],
    }
    with pytest.raises(InvalidInput) as refused:
        pips.revise(context(), dossier_id, revision, today=TODAY)
    assert {"sections/leerroute/end_date", "withdraw_goals"} <= _fields(refused)

    too_early = {
        "kind": "anders",
        "explanation": "Extra doel.",
        "add_goals": [goal(DECIDED - timedelta(days=200))],
    }
    with pytest.raises(InvalidInput) as refused:
        pips.revise(context(), dossier_id, too_early, today=TODAY)
    assert _fields(refused) == {"add_goals/0/due_on"}


def test_a_move_must_go_to_another_gemeente(pips):
    dossier_id = _established(pips)
    move = {"kind": "verhuizing", "explanation": "Verhuisd.", "evidence": {"to_gemeente": "0344"}}
    with pytest.raises(InvalidInput) as refused:
        pips.revise(context(), dossier_id, move, today=TODAY)
    assert _fields(refused) == {"evidence/to_gemeente"}


def test_breaches_past_the_top_of_the_ladder_make_its_measure_due_again(pips):
    dossier_id = _established(pips)
    for _ in range(3):
        shown = _breach(pips, dossier_id)
    assert [b["measure"] for b in shown["handhaving"]] == ["waarschuwing", "boete", "boete"]


def test_a_measure_number_that_is_not_a_number_is_refused(pips):
    dossier_id = _established(pips)
    with pytest.raises(InvalidInput, match="number"):
        pips.decide_measure(context(), dossier_id, "1; DROP", {"take": False, "reason": "x"})


def test_an_owner_without_oin_outside_the_gemeente_is_recorded_for_by_the_regievoerder(pips):
    from services.common.context import Actor, CommandContext
    from tests.pip_fixtures import GUIDE

    dossier_id = _dossier(pips)
    _ready(pips, dossier_id, DECIDED)
    pips.add_goal(context(), dossier_id, goal(DECIDED, "werk", owner=GUIDE))
    pips.add_goal(
        context(),
        dossier_id,
        goal(
            DECIDED, "financien", owner={"organisation": "Gemeente Utrecht", "role": "klantmanager"}
        ),
    )
    pips.establish(context(), dossier_id, {"decided_on": DECIDED.isoformat()}, today=TODAY)
    goals = {g["domain"]: g["id"] for g in pips.pip(context(), dossier_id)["plan"]["goals"]}
    progress = {"status": "bezig", "note": "Gestart"}
    guide = Actor("u-g", "G", ("begeleider",), "00000003000000000009", ("0344",))
    with pytest.raises(Forbidden, match="names no OIN"):
        pips.record_goal_progress(
            CommandContext(actor=guide, activity="x"), dossier_id, goals["werk"], progress, guiding
        )
    shown = pips.record_goal_progress(
        context("klantmanager"), dossier_id, goals["financien"], progress
    )
    assert (
        next(g for g in shown["plan"]["goals"] if g["domain"] == "financien")["status"] == "bezig"
    )


def test_a_correction_after_an_arrived_extension_keeps_the_extension(pips):
    from tests.pip_fixtures import intake_event

    dossier_id = _dossier(pips)  # legal deadline 2026-11-23
    pips.request_extension(
        context(),
        dossier_id,
        {"awaited": "Rapport", "from_party": "GGD", "requested_on": "2026-11-20"},
        today=TODAY,
    )
    pips.information_arrived(context(), dossier_id, {"arrived_on": "2026-11-27"}, today=TODAY)
    correction = {
        "dossier_id": dossier_id,
        "fields": ["brp_registration_date"],
        "brp_registration_date": "2026-09-07",
    }
    pips.process("intake", [intake_event("nl.wegwijs.intake.dossier.gecorrigeerd.v1", correction)])

    pip = pips.pip(context(), dossier_id)
    assert pip["legal_deadline"] == "2026-11-16" and pip["deadline"] == "2026-12-11"
    corrected = stored(pips, "Pip.DatesCorrected")[0]
    assert corrected.effective_deadline == date(2026, 12, 11)


def test_csv_cells_cannot_start_a_formula():
    report = {
        "gemeente": "0344",
        "on_time": {"on_time": 0, "established_late": 0, "overdue_drafts": 0, "share": None},
        "routes": {"=HYPERLINK(1)": 1},
        "goals_by_status": {},
        "phases": [],
        "termijnen_ending": {"count": 0},
    }
    assert "routes,0344,'=HYPERLINK(1),count,1" in report_csv(report).splitlines()
