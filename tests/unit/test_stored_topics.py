"""Stored events are forever (issue 15): every aggregate class keeps the topic its stored events
carry, a class moved to another module still reads its history, and an event stored before its
class changed is read through its upcast."""

from __future__ import annotations

import json

from eventsourcing.domain import event
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import clear_topic_cache, get_topic, resolve_topic

from services.common.aggregate import ChainAggregate
from services.common.application import ChainApplication
from services.common.context import acting
from services.common.topics import keep_topics
from services.consent.events import STORED_TOPICS as CONSENT
from services.gateway.access_log import STORED_TOPICS as GATEWAY
from services.gateway.access_log import AccessLogs, HandledCommand
from services.intake.events import STORED_TOPICS as INTAKE
from services.matching.events import STORED_TOPICS as MATCHING
from services.pip.events import STORED_TOPICS as PIP
from tests.unit.test_applications import context

KEPT = {**INTAKE, **PIP, **MATCHING, **CONSENT, **GATEWAY}


def _aggregate_classes() -> set[type]:
    found, todo = set(), [ChainAggregate]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("services."):
                found.add(sub)
            todo.append(sub)
    return found


def test_every_aggregate_class_of_the_services_keeps_the_topic_its_events_carry():
    assert set(KEPT.values()) == _aggregate_classes()
    for topic, cls in KEPT.items():
        assert resolve_topic(topic) is cls
        assert resolve_topic(f"{topic}.Event") is cls.Event  # its events, through it


class Note(ChainAggregate):
    """A stand-in aggregate: the test moves it."""

    @event("Written")
    def __init__(self, text: str):
        self.text = text

    @event("Amended")
    def amend(self, text: str) -> None:
        self.text = text


class NoteApp(ChainApplication):
    name = "Notes"


def test_an_aggregate_class_moved_to_another_module_still_reads_its_history():
    app = NoteApp.in_memory()
    with acting(context()):
        note = Note(text="eerst")
        note.amend(text="daarna")
    app.save(note)
    stored_topic = get_topic(Note)

    # The class moves to another module (tests/unit/moved_note.py). A new process knows the
    # moved class, and the entry that keeps the old topic meaning it.
    from tests.unit.moved_note import Note as moved

    assert get_topic(moved) != stored_topic
    clear_topic_cache()
    try:
        keep_topics({stored_topic: moved})
        again = app.repository.get(note.id)
    finally:
        clear_topic_cache()

    assert type(again) is moved
    assert again.text == "daarna" and again.version == 2


def test_a_command_record_stored_before_version_2_is_read_with_an_empty_command_id_and_result():
    app = AccessLogs.in_memory()
    with acting(context()):
        handled = HandledCommand(
            method="POST",
            route="/api/v1/dossiers",
            status=201,
            dossier_id="",
            gemeente="0344",
            received_at="2026-11-01T10:00:00+00:00",
            command_id="c-1",
            result="",
        )
    [stored] = [app.mapper.to_stored_event(e) for e in handled.collect_events()]
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2
    del state["command_id"], state["result"]  # as version 1 stored it
    version_1 = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )

    read = app.mapper.to_domain_event(version_1)

    assert isinstance(read, HandledCommand.Handled)
    assert (read.command_id, read.result, read.status) == ("", "", 201)
