"""A begeleider reads and records on a dossier only while they are its active guide (matching's
answer, faked here); the gemeente's staff and other professionals are not asked about."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.context import Actor, CommandContext
from services.common.errors import NotFound
from tests.pip_fixtures import GUIDE, goal
from tests.unit.test_applications import context, guiding, not_guiding
from tests.unit.test_intake_domain import TODAY, VALID
from tests.unit.test_pip_plan import TODAY as PIP_TODAY
from tests.unit.test_pip_plan import _dossier, _ready

SIGNAL = {"domain": "huisvesting", "text": "Woning heeft vochtproblemen."}
ORG = "00000003000000000001"


def _guide(*roles: str) -> CommandContext:
    actor = Actor("u-gids", "Gids", ("begeleider", *roles), ORG, ("0344",))
    return CommandContext(actor=actor, activity="x")


@pytest.mark.parametrize("answer", [not_guiding, None], ids=["former-or-none", "nobody-to-ask"])
def test_a_begeleider_who_is_not_the_active_guide_finds_no_dossier_in_intake(intake, answer):
    dossier_id = intake.register(context(), VALID, today=TODAY)

    with pytest.raises(NotFound):
        intake.dossier_view(_guide(), dossier_id, answer)
    with pytest.raises(NotFound):
        intake.signals(_guide(), dossier_id, answer)
    with pytest.raises(NotFound):
        intake.give_signal(_guide(), dossier_id, SIGNAL, answer)
    assert intake.dossier_view(_guide(), dossier_id, guiding)["id"] == str(dossier_id)


def test_staff_and_professionals_with_a_guides_role_too_are_not_asked(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)

    def asked(_dossier_id: str) -> bool:
        raise AssertionError("matching was asked")

    assert intake.dossier_view(_guide("regievoerder"), dossier_id, asked)["bsn"] == VALID["bsn"]
    assert intake.give_signal(_guide("huisarts"), dossier_id, SIGNAL, asked)["signals"] == 1


def test_a_begeleider_who_is_not_the_active_guide_reads_no_pip_and_records_no_progress(pips):
    dossier_id = _dossier(pips)
    decided = date(2026, 11, 20)
    _ready(pips, dossier_id, decided)
    owner = {**GUIDE, "oin": ORG}
    pips.add_goal(context(), dossier_id, goal(decided, "sociaal_netwerk", owner=owner))
    pips.establish(context(), dossier_id, {"decided_on": "2026-11-20"}, today=PIP_TODAY)
    goal_id = next(
        g["id"]
        for g in pips.pip(context(), dossier_id)["plan"]["goals"]
        if g["domain"] == "sociaal_netwerk"
    )
    progress = {"status": "bezig", "note": "Zelf gegaan."}

    with pytest.raises(NotFound):
        pips.pip(_guide(), dossier_id, guides=not_guiding)
    with pytest.raises(NotFound):
        pips.record_goal_progress(_guide(), dossier_id, goal_id, progress, not_guiding)
    with pytest.raises(NotFound):
        pips.record_module_hours(
            _guide(), dossier_id, "map", {"hours": 2, "note": "x"}, not_guiding
        )
    recorded = pips.record_goal_progress(_guide(), dossier_id, goal_id, progress, guiding)
    assert next(g for g in recorded["plan"]["goals"] if g["id"] == goal_id)["status"] == "bezig"
