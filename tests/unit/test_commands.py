"""Commands take effect once (issue 14), on eventsourcing's in-memory store: a command delivered
again with its id is answered with its first outcome and stores nothing; the same id for other
arguments is refused; two deliveries at once commit once; a refusal is kept as the answer."""

from __future__ import annotations

import pytest

from services.common.commands import Call, carry_out, collecting, conclude, unit_of_work
from services.common.errors import Conflict, InvalidInput
from services.intake.application import Intake
from tests.unit.test_applications import context
from tests.unit.test_intake_domain import TODAY, VALID

WORK = {"country": "Syrië", "occupation": "Kapper", "years": 2}


@pytest.fixture
def intake() -> Intake:
    return Intake.in_memory()


def _stored(app) -> int:
    return app.recorder.max_notification_id() or 0


def test_a_command_delivered_again_is_answered_as_the_first_time_and_stores_nothing(intake):
    dossier_id = str(intake.register(context(), VALID, today=TODAY))
    call = Call("c-1", "add_work", (dossier_id, WORK), {})

    def add_work():
        return intake.add_work(context(), dossier_id, WORK)

    first = carry_out(intake, call, add_work)
    stored = _stored(intake)
    again = carry_out(intake, call, add_work)

    assert again == first
    assert _stored(intake) == stored
    assert len(intake.brede_intake(context(), dossier_id)["work"]) == 1


def test_the_same_id_for_another_command_is_refused_naming_the_key(intake):
    dossier_id = str(intake.register(context(), VALID, today=TODAY))
    carry_out(intake, Call("c-1", "add_work", (dossier_id, WORK), {}), lambda: None)

    other = {**WORK, "occupation": "Bakker"}
    with pytest.raises(InvalidInput) as refused:
        carry_out(intake, Call("c-1", "add_work", (dossier_id, other), {}), lambda: None)

    assert refused.value.errors[0]["field"] == "Idempotency-Key"


def test_two_deliveries_at_once_commit_once_and_both_answer_the_first_outcome(intake):
    """The second delivery runs while the first has not committed yet: the first to commit
    wins, and the other's work is thrown away and answered with the winner's outcome."""
    dossier_id = str(intake.register(context(), VALID, today=TODAY))
    call = Call("c-1", "add_work", (dossier_id, WORK), {})

    def add_work():
        return intake.add_work(context(), dossier_id, WORK)

    with unit_of_work():
        late = add_work()  # the first delivery, not committed yet ...
        second = carry_out(intake, call, add_work)  # ... when the second one commits
        assert collecting() is not None
        first = conclude(intake, call, late, None, run_again=lambda: (None, None))

    assert first == (second, None)
    assert len(intake.brede_intake(context(), dossier_id)["work"]) == 1


def test_a_refusal_is_kept_as_the_answer(intake):
    """A command refused once is refused again, even when it would now be taken: a client
    told 'no' must not find it done by a redelivery."""
    dossier_id = str(intake.register(context(), VALID, today=TODAY))
    call = Call("c-1", "complete_intake", (dossier_id,), {})

    with pytest.raises(InvalidInput):
        carry_out(intake, call, lambda: intake.complete_intake(context(), dossier_id))

    with pytest.raises(InvalidInput):
        carry_out(intake, call, lambda: None)


def test_a_second_registration_of_a_bsn_is_a_conflict_naming_the_dossier_once_kept(intake):
    dossier_id = str(intake.register(context(), VALID, today=TODAY))
    call = Call("c-2", "register", (VALID,), {})

    with pytest.raises(Conflict) as refused:
        carry_out(intake, call, lambda: intake.register(context(), VALID, today=TODAY))
    stored = _stored(intake)
    with pytest.raises(Conflict) as again:
        carry_out(intake, call, lambda: intake.register(context(), VALID, today=TODAY))

    assert refused.value.dossier_id == again.value.dossier_id == dossier_id
    assert _stored(intake) == stored  # the attempt is recorded once, with the first refusal


def test_the_refusals_of_the_command_machinery_cross_rpc_as_themselves():
    """A caller gets `Contention` (409: try again) and `GivenUp` (409: send it again) as
    themselves, not as an unknown remote error the gateway would answer 500."""
    from nameko.exceptions import deserialize, serialize

    from services.common import remote  # noqa: F401 - registers the chain's errors
    from services.common.errors import Contention, GivenUp

    for error in (Contention("try again"), GivenUp("send it again")):
        assert type(deserialize(serialize(error))) is type(error)
