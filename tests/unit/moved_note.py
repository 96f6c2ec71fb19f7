"""Where `tests/unit/test_stored_topics.py`'s `Note` aggregate has moved to (the same class,
in another module), to show its stored history still reads."""

from __future__ import annotations

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate


class Note(ChainAggregate):
    @event("Written")
    def __init__(self, text: str):
        self.text = text

    @event("Amended")
    def amend(self, text: str) -> None:
        self.text = text
