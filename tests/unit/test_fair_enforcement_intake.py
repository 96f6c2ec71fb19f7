"""The intake's rules of fair enforcement and the leerbaarheidstoets not taken (issue 17), on the
Intake application over in-memory persistence."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from services.common.errors import Conflict, Forbidden, InvalidInput
from services.contracts.intake import TOETS_EXEMPTION_GROUNDS as GROUND_CODES
from services.intake.brede_intake import BredeIntake
from services.intake.conversations import Ladders
from services.intake.rules import TOETS_EXEMPTION_GROUNDS, hearing_basis
from tests.unit.test_applications import context
from tests.unit.test_brede_intake import CIRCUMSTANCES, EDUCATION, LBT
from tests.unit.test_intake_domain import TODAY, VALID

HEARING = {"invited_on": "2026-11-20", "response": "geen-reactie"}
CULPABLE = {"culpable": True, "reasoning": "Twee keer niet gekomen zonder bericht."}
NO_SHOW = {"attended": False, "note": "Niet verschenen."}


def _plan(intake, dossier_id, on: date) -> int:
    invitation = {"planned_on": on.isoformat(), "purpose": "Brede intake"}
    return len(intake.plan_conversation(context(), dossier_id, invitation)["conversations"])


def _miss(intake, dossier_id, times: int = 1) -> dict:
    view = {}
    for _ in range(times):
        number = _plan(intake, dossier_id, TODAY - timedelta(days=3))
        view = intake.record_attendance(context(), dossier_id, number, NO_SHOW, today=TODAY)
    return view


def _fields(refused: pytest.ExceptionInfo) -> list[str]:
    return [e["field"] for e in refused.value.errors]


def test_no_attendance_is_recorded_before_the_day_and_on_the_day_it_is(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    tomorrow = _plan(intake, dossier_id, TODAY + timedelta(days=1))
    today = _plan(intake, dossier_id, TODAY)

    for body in (NO_SHOW, {"attended": True}, {**NO_SHOW, "excused": True}):
        with pytest.raises(InvalidInput) as refused:
            intake.record_attendance(context(), dossier_id, tomorrow, body, today=TODAY)
        assert _fields(refused) == ["number"]
        assert (TODAY + timedelta(days=1)).isoformat() in refused.value.errors[0]["detail"]
    view = intake.record_attendance(context(), dossier_id, today, NO_SHOW, today=TODAY)
    assert [c["outcome"] for c in view["conversations"]] == [None, "niet verschenen"]


def test_an_excused_absence_counts_for_nothing_on_the_ladder(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    number = _plan(intake, dossier_id, TODAY - timedelta(days=1))

    view = intake.record_attendance(
        context(), dossier_id, number, {**NO_SHOW, "excused": True}, today=TODAY
    )
    after_a_real_no_show = _miss(intake, dossier_id)

    assert view["conversations"][0]["outcome"] == "afgemeld"
    assert view["sanctions"] == []
    assert [s["no_shows"] for s in after_a_real_no_show["sanctions"]] == [1]


def test_a_late_excuse_withdraws_the_undecided_step_and_keeps_a_decided_one(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _miss(intake, dossier_id, 2)  # Utrecht: a warning, then a fine
    intake.decide_sanction(context(), dossier_id, "waarschuwing", {"take": True, "reason": "x"})

    view = intake.excuse_absence(context(), dossier_id, 2, {"reason": "Briefje van de huisarts."})

    assert [(s["step"], s["decision"]) for s in view["sanctions"]] == [
        ("waarschuwing", "genomen"),
        ("boete", "ingetrokken"),
    ]
    assert view["conversations"][1] | {"planned_on": None} == {
        "number": 2,
        "planned_on": None,
        "purpose": "Brede intake",
        "outcome": "afgemeld",
        "note": "Briefje van de huisarts.",
    }
    again = _miss(intake, dossier_id)
    assert [(s["step"], s["decision"]) for s in again["sanctions"]][-1] == ("boete", None)
    with pytest.raises(Conflict):
        intake.excuse_absence(context(), dossier_id, 2, {"reason": "Nog een keer."})


def test_a_fine_names_every_missing_condition_at_once(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _miss(intake, dossier_id, 2)

    with pytest.raises(InvalidInput) as bare:
        intake.decide_sanction(context(), dossier_id, "boete", {"take": True, "reason": "Weg."})
    with pytest.raises(InvalidInput) as not_culpable:
        intake.decide_sanction(
            context(),
            dossier_id,
            "boete",
            {
                "take": True,
                "reason": "Weg.",
                "culpability": {"culpable": False, "reasoning": "Ziek."},
                "hearing": HEARING,
            },
        )

    assert _fields(bare) == ["warning", "culpability", "hearing"]
    assert _fields(not_culpable) == ["warning", "culpability"]


def test_a_waived_warning_is_no_warning_and_waiving_a_fine_needs_only_a_reason(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _miss(intake, dossier_id, 2)
    intake.decide_sanction(context(), dossier_id, "waarschuwing", {"take": False, "reason": "x"})
    full = {"take": True, "reason": "Weg.", "culpability": CULPABLE, "hearing": HEARING}

    with pytest.raises(InvalidInput) as refused:
        intake.decide_sanction(context(), dossier_id, "boete", full)
    waived = intake.decide_sanction(
        context(), dossier_id, "boete", {"take": False, "reason": "Niet verwijtbaar."}
    )

    assert _fields(refused) == ["warning"]
    assert waived["sanctions"][1]["decision"] == "afgezien"


def test_a_fine_after_a_warning_keeps_its_culpability_and_hearing_with_their_basis(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _miss(intake, dossier_id, 2)
    intake.decide_sanction(context(), dossier_id, "waarschuwing", {"take": True, "reason": "x"})

    view = intake.decide_sanction(
        context(),
        dossier_id,
        "boete",
        {"take": True, "reason": "Weg.", "culpability": CULPABLE, "hearing": HEARING},
    )

    fine = view["sanctions"][1]
    assert fine["decision"] == "genomen"
    assert fine["culpability"] == CULPABLE
    assert fine["hearing"] == {**HEARING, "basis": hearing_basis()}
    assert hearing_basis().startswith("Awb art. 4:8")
    assert hearing_basis(500).startswith("Awb art. 5:53")


def test_a_hearing_with_a_zienswijze_needs_its_summary(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _miss(intake, dossier_id, 2)
    spoken = {**HEARING, "response": "mondeling"}
    with pytest.raises(InvalidInput) as refused:
        intake.decide_sanction(
            context(),
            dossier_id,
            "boete",
            {"take": True, "reason": "Weg.", "culpability": CULPABLE, "hearing": spoken},
        )
    assert _fields(refused) == ["hearing/summary"]


def test_sanctions_are_decided_by_the_regievoerder_only(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _miss(intake, dossier_id)
    with pytest.raises(Forbidden):
        intake.decide_sanction(
            context("klantmanager"), dossier_id, "waarschuwing", {"take": True, "reason": "x"}
        )


@pytest.mark.parametrize(
    ("ladder", "refused_for"),
    [
        ({"region_default": [{"after_no_shows": 1, "step": "boete"}]}, "the region"),
        (
            {
                "region_default": [{"after_no_shows": 1, "step": "waarschuwing"}],
                "gemeenten": {
                    "0321": [
                        {"after_no_shows": 2, "step": "waarschuwing"},
                        {"after_no_shows": 2, "step": "boete"},
                    ]
                },
            },
            "gemeente 0321",
        ),
    ],
)
def test_a_ladder_file_with_a_fine_before_a_warning_is_refused_naming_whose(
    tmp_path, ladder, refused_for
):
    path = tmp_path / "ladders.json"
    path.write_text(json.dumps({"version": "x", **ladder}))
    with pytest.raises(ValueError, match=refused_for):
        Ladders.load(path)


def test_the_ladder_file_of_the_repository_is_fair():
    assert Ladders.load().for_gemeente("0344").steps


def test_the_grounds_of_the_rule_table_are_the_grounds_of_the_contract():
    assert set(TOETS_EXEMPTION_GROUNDS) == set(GROUND_CODES)
    assert all(g.articles and g.reason for g in TOETS_EXEMPTION_GROUNDS.values())


def _exempt_and_fill(intake, dossier_id, ground: str) -> dict:
    exemption = {"ground": ground, "note": "Blind."}
    intake.record_toets_not_taken(context(), dossier_id, exemption, today=TODAY)
    intake.add_education(context(), dossier_id, EDUCATION)
    return intake.record_personal_circumstances(context(), dossier_id, CIRCUMSTANCES)


def test_a_toets_not_taken_is_no_missing_part_and_illiteracy_advises_the_z_route(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    filled = _exempt_and_fill(intake, dossier_id, "analfabetisme")

    done = intake.complete_intake(context(), dossier_id, today=TODAY)

    assert filled["missing_parts"] == []
    assert (done["route_advice"]["route"], done["route_advice"]["rule"]) == (
        "z",
        "geen-toets-analfabetisme",
    )
    assert done["route_choice"] is None
    with pytest.raises(InvalidInput) as refused:
        intake.choose_route(context(), dossier_id, {"route": "b1"})
    assert _fields(refused) == ["reason"]


def test_a_ground_without_advice_completes_only_with_the_regievoerders_route_and_reason(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _exempt_and_fill(intake, dossier_id, "lichamelijke-belemmering")

    with pytest.raises(InvalidInput) as no_reason:
        intake.complete_intake(context(), dossier_id, {"route": "b1"}, today=TODAY)
    done = intake.complete_intake(
        context(), dossier_id, {"route": "b1", "reason": "Leest braille."}, today=TODAY
    )

    assert _fields(no_reason) == ["reason"]
    assert done["route_advice"]["rule"] == "geen-toets-keuze-regievoerder"
    assert done["route_choice"] == {"route": "b1", "reason": "Leest braille.", "advised": "b1"}


def test_a_health_ground_is_hidden_from_the_klantmanager(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _exempt_and_fill(intake, dossier_id, "lichamelijke-belemmering")

    seen = intake.brede_intake(context("klantmanager"), dossier_id)["leerbaarheidstoets_not_taken"]
    own = intake.brede_intake(context(), dossier_id)["leerbaarheidstoets_not_taken"]

    assert seen["ground"] is None and seen["note"] is None
    assert seen["recorded_on"] == TODAY.isoformat()
    assert (own["ground"], own["note"]) == ("lichamelijke-belemmering", "Blind.")


def test_a_toets_taken_cannot_be_declared_not_taken_but_a_toets_after_an_exemption_stands(
    intake,
):
    taken = intake.register(context(), VALID, today=TODAY)
    intake.record_leerbaarheidstoets(context(), taken, LBT, today=TODAY)
    with pytest.raises(Conflict):
        intake.record_toets_not_taken(
            context(), taken, {"ground": "analfabetisme", "note": "x"}, today=TODAY
        )
    exempted = intake.register(context(), {**VALID, "bsn": "999990032"}, today=TODAY)
    intake.record_toets_not_taken(
        context(), exempted, {"ground": "analfabetisme", "note": "x"}, today=TODAY
    )
    view = intake.record_leerbaarheidstoets(context(), exempted, LBT, today=TODAY)
    assert view["leerbaarheidstoets_not_taken"] is None
    assert view["leerbaarheidstoets"]["outcome"] == "gemiddeld"


def test_a_decision_stored_before_culpability_and_hearing_is_read_with_both_empty():
    state = {"step": "boete", "taken": False, "reason": "x"}
    BredeIntake.SanctionStepDecided.upcast_v1_v2(state)
    assert state == {**state, "culpability": {}, "hearing": {}}
