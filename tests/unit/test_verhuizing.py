"""Moving (issue 17, warme overdracht) on the in-memory store: intake's proposal, acceptance and
refusals; every part intake keeps goes with the dossier; pip hands the PIP over with the same
termijn."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from services.intake.brede_intake import intake_id
from services.pip.domain import pip_id
from tests.pip_fixtures import intake_event
from tests.unit.test_applications import context
from tests.unit.test_brede_intake import LBT
from tests.unit.test_intake_domain import VALID

UTRECHT, NIEUWEGEIN = context(), context("regievoerder", "0356")
MOVE = {"to_gemeente": "0356", "moved_on": "2026-10-01"}


def _fields(refused: pytest.ExceptionInfo) -> set[str]:
    return {e["field"] for e in refused.value.errors}


def test_an_accepted_move_hands_the_dossier_and_its_parts_to_the_new_gemeente(intake):
    dossier_id = str(intake.register(UTRECHT, VALID, today=date(2026, 11, 28)))
    intake.record_leerbaarheidstoets(UTRECHT, dossier_id, LBT)
    assert intake.propose_move(UTRECHT, dossier_id, MOVE)["status"] == "voorgesteld"
    with pytest.raises(NotFound):
        intake.dossier(NIEUWEGEIN, dossier_id)
    assert intake.move(NIEUWEGEIN, dossier_id)["to_gemeente"] == "0356"

    accepted = intake.accept_move(NIEUWEGEIN, dossier_id)

    assert (accepted["status"], accepted["from_gemeente"]) == ("geaccepteerd", "0344")
    assert intake.dossier(NIEUWEGEIN, dossier_id)["gemeente"] == "0356"
    assert intake.repository.get(intake_id(dossier_id)).gemeente == "0356"
    with pytest.raises(NotFound):
        intake.dossier(UTRECHT, dossier_id)


def test_a_move_the_region_or_the_law_does_not_allow_is_refused_naming_the_field(intake):
    dossier_id = str(intake.register(UTRECHT, VALID, today=date(2026, 11, 28)))
    for to, moved_on, field in (
        ("0363", "2026-10-01", "to_gemeente"),  # outside the region
        ("0344", "2026-10-01", "to_gemeente"),  # its own gemeente
        ("0356", "2026-09-01", "moved_on"),  # before the BRP registration
        ("0356", "2999-01-01", "moved_on"),  # in the future
    ):
        with pytest.raises(InvalidInput) as refused:
            intake.propose_move(UTRECHT, dossier_id, {"to_gemeente": to, "moved_on": moved_on})
        assert _fields(refused) == {field}, (to, moved_on)
    intake.propose_move(UTRECHT, dossier_id, MOVE)
    with pytest.raises(Conflict, match="to_gemeente"):
        intake.propose_move(UTRECHT, dossier_id, {**MOVE, "to_gemeente": "0321"})
    with pytest.raises(Forbidden, match="to_gemeente"):
        intake.accept_move(UTRECHT, dossier_id)
    with pytest.raises(NotFound):
        intake.accept_move(context("regievoerder", "0321"), dossier_id)
    with pytest.raises(InvalidInput) as refused:
        intake.decline_move(NIEUWEGEIN, dossier_id, {"reason": " "})
    assert _fields(refused) == {"reason"}
    declined = intake.decline_move(NIEUWEGEIN, dossier_id, {"reason": "Woont er niet."})
    assert (declined["status"], declined["decline_reason"]) == ("afgewezen", "Woont er niet.")
    assert intake.dossier(UTRECHT, dossier_id)["gemeente"] == "0344"


def test_pip_hands_the_pip_over_with_the_same_termijn_and_once(pips):
    from tests.unit.test_contracts import _pip_lifecycles

    lived, *_ = _pip_lifecycles(pips)  # ends with its move to Nieuwegein
    pip = pips.repository.get(pip_id(lived))
    assert pip.gemeente == "0356" and pip.handed_over_from == "0344"
    version = pip.version
    moved = {"dossier_id": lived, "from_gemeente": "0344", "to_gemeente": "0356"}
    pips.process(
        "intake",
        [
            intake_event(
                "nl.wegwijs.intake.dossier.verhuisd.v1",
                {**moved, "moved_on": "2029-11-22"},
                gemeente="0356",
            )
        ],
    )
    assert pips.repository.get(pip_id(lived)).version == version, "a second delivery is a no-op"
    assert pips.pip(NIEUWEGEIN, lived)["termijn"] == {
        "start": pip.termijn_start.isoformat(),
        "end": pip.termijn_end.isoformat(),
    }
