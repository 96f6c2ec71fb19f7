"""Intake conversations and the sanction ladder, which is each gemeente's own configuration."""

from __future__ import annotations

import pytest

from services.common.errors import Conflict, InvalidInput
from services.intake.conversations import Ladders
from tests.unit.test_applications import context
from tests.unit.test_intake_domain import TODAY, VALID

INVITATION = {"planned_on": "2026-11-20", "purpose": "Brede intake, deel 1"}


def _miss(intake, dossier_id, who, times: int) -> dict:
    view = {}
    for _ in range(times):
        number = len(intake.plan_conversation(who, dossier_id, INVITATION)["conversations"])
        view = intake.record_attendance(
            who, dossier_id, number, {"attended": False, "note": "Niet verschenen, geen bericht."}
        )
    return view


def _due(view) -> list[str]:
    return [s["step"] for s in view["sanctions"] if s["decision"] is None]


def test_two_gemeenten_with_different_ladders_behave_differently(intake):
    utrecht = intake.register(context(), VALID, today=TODAY)
    nieuwegein = intake.register(
        context("regievoerder", "0356"),
        {**VALID, "bsn": "999990032", "gemeente": "0356"},
        today=TODAY,
    )

    after_two_utrecht = _miss(intake, utrecht, context(), 2)
    after_two_nieuwegein = _miss(intake, nieuwegein, context("regievoerder", "0356"), 2)

    assert [s["step"] for s in after_two_utrecht["sanctions"]] == ["waarschuwing", "boete"]
    assert [s["step"] for s in after_two_nieuwegein["sanctions"]] == ["waarschuwing"]
    assert after_two_nieuwegein["sanction_ladder"]["gemeente"] == "0356"
    third = _miss(intake, nieuwegein, context("regievoerder", "0356"), 1)
    assert _due(third) == ["waarschuwing", "pip-zonder-inburgeringsplichtige"]


def test_a_due_step_is_taken_or_waived_with_a_reason(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _miss(intake, dossier_id, context(), 2)

    with pytest.raises(InvalidInput) as refused:
        intake.decide_sanction(context(), dossier_id, "boete", {"take": False})
    assert refused.value.errors[0]["field"] == "reason"
    view = intake.decide_sanction(
        context(),
        dossier_id,
        "boete",
        {"take": False, "reason": "Niet verwijtbaar: ziek, briefje van de huisarts."},
    )
    decided = {s["step"]: s for s in view["sanctions"]}
    assert decided["boete"]["decision"] == "afgezien"
    assert _due(view) == ["waarschuwing"]
    with pytest.raises(InvalidInput):
        intake.decide_sanction(context(), dossier_id, "boete", {"take": True, "reason": "x"})


def test_attendance_makes_nothing_due_and_a_conversation_has_one_outcome(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    intake.plan_conversation(context(), dossier_id, INVITATION)
    view = intake.record_attendance(context(), dossier_id, 1, {"attended": True})
    assert view["conversations"][0]["outcome"] == "bijgewoond"
    assert view["sanctions"] == []
    with pytest.raises(Conflict):
        intake.record_attendance(context(), dossier_id, 1, {"attended": False, "note": "x"})
    with pytest.raises(InvalidInput):
        intake.record_attendance(context(), dossier_id, 7, {"attended": True})


def test_a_ladder_file_with_an_unknown_step_is_refused(tmp_path):
    bad = tmp_path / "ladders.json"
    bad.write_text(
        '{"version": "x", "region_default": [{"after_no_shows": 1, "step": "gevangenis"}]}'
    )
    with pytest.raises(ValueError, match="gevangenis"):
        Ladders.load(bad)
