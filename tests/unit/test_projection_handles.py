"""A read model names the events that change it (`Projection.handles`), and the projector passes
over every other event without decoding it: so an event of any other class must change nothing.
Each read model of each service is given a bare event of every class its service stores that it
says it does not take; reading anything of it, or writing anything, fails the test."""

from __future__ import annotations

import inspect
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from eventsourcing.domain import CanMutateAggregate

from services.consent.events import STORED_TOPICS as CONSENT
from services.intake.events import STORED_TOPICS as INTAKE
from services.matching.events import STORED_TOPICS as MATCHING
from services.pip.events import STORED_TOPICS as PIP
from services.tools.migrate import applications

STORED = {"intake": INTAKE, "pip": PIP, "matching": MATCHING, "consent": CONSENT}


class RecordingCursor:
    def __init__(self) -> None:
        self.statements: list[Any] = []

    def execute(self, *args: Any, **kwargs: Any) -> None:
        self.statements.append(args)


def _event_classes(service: str) -> set[type]:
    return {
        member
        for aggregate in STORED[service].values()
        for _name, member in inspect.getmembers(aggregate, inspect.isclass)
        if issubclass(member, CanMutateAggregate)
    }


def _bare(event_class: type) -> Any:
    """An event of the class with only what every stored event has."""
    event = object.__new__(event_class)
    object.__setattr__(
        event,
        "__dict__",
        {
            "originator_id": uuid.uuid4(),
            "originator_version": 2,
            "timestamp": datetime(2026, 11, 30, tzinfo=UTC),
            "context": {"actor": {"user_id": "u"}, "subject": {"dossier_id": "d", "gemeente": "g"}},
        },
    )
    return event


@pytest.mark.parametrize("service", sorted(STORED))
def test_a_read_model_changes_nothing_for_an_event_it_does_not_take(service):
    _cls, projections = applications()[service]
    classes = _event_classes(service)
    assert len(classes) > 5
    for projection in projections:
        passed_over = [c for c in classes if not projection.takes(c)]
        taken = [c for c in classes if projection.takes(c)]
        assert taken, f"{projection.name} takes some event of {service}"
        for event_class in passed_over:
            cur = RecordingCursor()
            projection.apply_at(cur, service, _bare(event_class), 1)
            assert cur.statements == [], (projection.name, event_class.__qualname__)
