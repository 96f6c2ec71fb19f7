"""A member without an obligation (issue 17, point 1): registered as a member, no PIP."""

from __future__ import annotations

from uuid import UUID

from services.common.context import acting
from services.intake.domain import Dossier
from services.intake.events import PUBLICATIONS
from services.pip.application import DOSSIER_CORRECTED, DOSSIER_REGISTERED
from tests.unit.test_applications import context
from tests.unit.test_intake_domain import TODAY, VALID

CHILD = {**VALID, "bsn": "999990032", "birth_date": "2019-05-03", "inburgeringsplicht": False}


def _published(intake, dossier_id: UUID, kind: type) -> dict:
    (event,) = [e for e in intake.events.get(dossier_id) if isinstance(e, kind)]
    return {
        "type": PUBLICATIONS[kind].type,
        "gemeente": "0344",
        "time": event.timestamp.isoformat(),
        "data": PUBLICATIONS[kind].data(event),
    }


def test_a_child_is_registered_as_a_member_of_the_household_without_a_pip(intake, pips):
    mother = intake.register(context(), VALID, today=TODAY)
    child = intake.register(
        context(), {**CHILD, "household_of": str(mother), "relation": "kind"}, today=TODAY
    )

    registered = _published(intake, child, Dossier.Registered)
    assert registered["type"] == DOSSIER_REGISTERED
    assert registered["data"]["inburgeringsplichtig"] is False
    assert pips.policy("intake", registered) == ()
    assert intake.dossier(context(), child)["household_id"] == str(mother)
    assert _published(intake, mother, Dossier.Registered)["data"]["inburgeringsplichtig"]


def test_duos_notice_recorded_as_a_correction_opens_the_pip(intake, pips):
    seventeen = intake.register(context(), {**CHILD, "birth_date": "2009-02-01"}, today=TODAY)
    intake.correct(
        context(),
        str(seventeen),
        {"changes": {"inburgeringsplicht": True}, "reason": "De brief van DUO is gekomen."},
    )

    corrected = _published(intake, seventeen, Dossier.Corrected)
    assert corrected["type"] == DOSSIER_CORRECTED
    assert corrected["data"]["inburgeringsplichtig"] is True
    with acting(context()):
        (draft,) = pips.policy("intake", corrected)
    assert draft.deadline.isoformat() == "2026-11-24"  # 10 weeks after the BRP date
