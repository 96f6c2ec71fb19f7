"""Intake and PIP use cases on eventsourcing's in-memory persistence."""

from __future__ import annotations

import hashlib
from uuid import UUID

import pytest
from eventsourcing.domain import event as event_method

from services.common.aggregate import ChainAggregate, MissingActorContext
from services.common.application import ChainApplication
from services.common.context import Actor, CommandContext, acting
from services.common.envelope import to_cloudevent
from services.common.errors import Conflict, Forbidden, NotFound
from services.intake.application import Intake
from services.intake.domain import Dossier
from services.intake.events import PUBLICATIONS as INTAKE_PUBLICATIONS
from tests.unit.test_intake_domain import TODAY, VALID


def context(role: str = "regievoerder", *gemeenten: str, trace: str = "ab" * 16) -> CommandContext:
    actor = Actor(
        f"u-{role}", role.title(), (role,), "00000001000000000344", gemeenten or ("0344",)
    )
    return CommandContext(actor=actor, activity="registratie", correlation_id=trace)


def guiding(dossier_id: str) -> bool:
    """matching's answer, faked: the caller is the dossier's active guide."""
    return True


def not_guiding(dossier_id: str) -> bool:
    """matching's answer, faked: the caller does not guide the dossier (now)."""
    return False


def stored(app, topic_suffix: str) -> list:
    """The app's stored domain events whose topic ends in `topic_suffix`, in order."""
    return [
        app.mapper.to_domain_event(n)
        for n in app.recorder.select_notifications(start=1, limit=1000)
        if n.topic.endswith(topic_suffix)
    ]


def test_registering_stores_a_dossier_and_a_bsn_claim_both_carrying_the_actor_context(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)

    notifications = intake.notification_log.select(start=1, limit=10)
    events = [intake.mapper.to_domain_event(n) for n in notifications]
    assert [type(e).__qualname__ for e in events] == [
        "Dossier.Registered",
        "BsnClaim.Claimed",
        "HouseholdChecklist.Opened",  # a new household's practical checklist (issue 17)
    ]
    for event in events:
        assert event.context["actor"]["user_id"] == "u-regievoerder"
        assert event.context["activity"] == "registratie"
        assert event.context["correlation_id"] == "ab" * 16
    assert events[0].originator_id == dossier_id


def test_the_bsn_claim_reveals_neither_the_bsn_nor_is_its_id_the_bsn(intake):
    intake.register(context(), VALID, today=TODAY)
    claim_state = intake.notification_log.select(start=2, limit=1)[0].state
    assert VALID["bsn"].encode() not in claim_state
    assert hashlib.sha256(VALID["bsn"].encode()).hexdigest().encode() not in claim_state


def test_a_second_registration_of_the_same_bsn_conflicts_and_stores_only_the_attempt(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    with pytest.raises(Conflict, match=str(dossier_id)):  # the actor's own gemeente: which one
        intake.register(context(), {**VALID, "v_nummer": "2009999999"}, today=TODAY)
    assert not stored(intake, "Dossier.Registered")[1:]
    [attempt] = stored(intake, "BsnClaim.RegistrationRefused")
    assert attempt.requested_for == "0344" and attempt.originator_id != dossier_id


def test_the_same_bsn_in_another_gemeente_is_refused_without_saying_where_and_kept_there(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    nieuwegein = context("regievoerder", "0356")

    with pytest.raises(Conflict) as refused:
        intake.register(nieuwegein, {**VALID, "gemeente": "0356"}, today=TODAY)

    assert str(dossier_id) not in str(refused.value)
    assert "0344" not in str(refused.value) and "region" not in str(refused.value)
    [attempt] = stored(intake, "BsnClaim.RegistrationRefused")
    assert attempt.requested_for == "0356"
    assert attempt.context["actor"]["user_id"] == nieuwegein.actor.user_id
    assert attempt.context["subject"] == {"dossier_id": str(dossier_id), "gemeente": "0344"}


def test_events_triggered_outside_an_actor_context_are_refused():
    with pytest.raises(MissingActorContext):
        Dossier(
            **{
                **VALID,
                "birth_date": TODAY,
                "duo_notice_date": TODAY,
                "brp_registration_date": TODAY,
            }
        )


def test_another_gemeentes_regievoerder_gets_not_found_and_an_auditor_forbidden(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    with pytest.raises(NotFound):
        intake.dossier(context("regievoerder", "0356"), dossier_id)
    with pytest.raises(Forbidden):
        intake.dossier(context("auditor", "0344"), dossier_id)
    assert intake.dossier(context(), dossier_id)["bsn"] == VALID["bsn"]


def test_registering_for_a_gemeente_one_does_not_act_for_is_forbidden(intake):
    with pytest.raises(Forbidden):
        intake.register(context("regievoerder", "0356"), VALID, today=TODAY)
    assert intake.notification_log.select(start=1, limit=10) == []


def _registration_cloudevent(intake: Intake) -> dict:
    notification = intake.notification_log.select(start=1, limit=1)[0]
    event = intake.mapper.to_domain_event(notification)
    return to_cloudevent("intake", INTAKE_PUBLICATIONS, notification.id, event, notification.state)


def test_pip_opens_a_draft_in_reaction_to_a_registration_under_its_correlation_id(intake, pips):
    dossier_id = intake.register(context(trace="cd" * 16), VALID, today=TODAY)

    pips.process("intake", [_registration_cloudevent(intake)])

    pip = pips.pip(context(), dossier_id)
    assert pip["status"] == "concept"
    assert pip["deadline"] == "2026-11-24"
    stored = pips.mapper.to_domain_event(pips.notification_log.select(start=1, limit=1)[0])
    assert stored.context["correlation_id"] == "cd" * 16
    assert stored.context["activity"] == "pip-opstellen"
    assert stored.context["actor"]["user_id"] == "u-regievoerder"
    assert pips.tracked_position("intake") == 1


def test_pip_records_events_it_does_not_act_on_as_processed(intake, pips):
    intake.register(context(), VALID, today=TODAY)
    claim = intake.notification_log.select(start=2, limit=1)[0]
    event = to_cloudevent(
        "intake", INTAKE_PUBLICATIONS, claim.id, intake.mapper.to_domain_event(claim), claim.state
    )
    pips.process("intake", [event])
    assert pips.tracked_position("intake") == 2
    assert pips.notification_log.select(start=1, limit=10) == []


def test_the_pip_of_another_gemeente_is_not_found(intake, pips):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    pips.process("intake", [_registration_cloudevent(intake)])
    with pytest.raises(NotFound):
        pips.pip(context("regievoerder", "0321"), dossier_id)
    with pytest.raises(NotFound):
        pips.pip(context(), UUID(int=0))


def test_acting_restores_the_previous_context():
    outer, inner = context(trace="01" * 16), context(trace="02" * 16)
    from services.common.context import current_context

    with acting(outer):
        with acting(inner):
            assert current_context() == inner
        assert current_context() == outer
    assert current_context() is None


class Tally(ChainAggregate):
    @event_method("Opened")
    def __init__(self, name: str):
        self.count = 0

    @event_method("Counted")
    def count_one(self) -> None:
        self.count += 1


class Counting(ChainApplication):
    """Counts every event of an origin on one aggregate: each batch touches it many times."""

    tally_id = None

    def policy(self, origin, event):
        if self.tally_id is None:
            tally = Tally(name="all")
            self.tally_id = tally.id
        else:
            tally = self.load(self.tally_id)
        tally.count_one()
        return [tally]


def test_a_batch_of_reactions_commits_once_and_sees_its_own_unsaved_changes():
    app = Counting.in_memory()
    commits = []
    insert_events = app.recorder.insert_events
    app.recorder.insert_events = lambda *a, **kw: commits.append(1) or insert_events(*a, **kw)
    events = [
        {"sequence": f"{p:020d}", "actor": "a", "activity": "x", "correlationid": "ab" * 16}
        for p in (1, 2, 3)
    ]
    app.process("origin", events)
    app.process("origin", [{**events[0], "sequence": f"{4:020d}"}])

    assert app.repository.get(app.tally_id).count == 4
    assert app.tracked_position("origin") == 4
    assert len(commits) == 2, "one transaction per batch"
    assert len(app.notification_log.select(start=1, limit=10)) == 5


def test_g1_a_registration_whose_commit_fails_reports_failure_and_stores_nothing(intake):
    def refuse(*args, **kwargs):
        raise RuntimeError("the database went away during commit")

    intake.recorder.insert_events = refuse
    with pytest.raises(RuntimeError):
        intake.register(context(), VALID, today=TODAY)
    assert intake.notification_log.select(start=1, limit=10) == []
