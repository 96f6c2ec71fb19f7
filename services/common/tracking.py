"""The tracking consumer: applies another service's events once, in order, and catches up (G3-G7).

Each origin's events carry their position in the origin's notification log. With the consumer's
position p (everything up to p is applied):
- a message at p + 1 is applied at once;
- a message at or below p is a duplicate and has no effect;
- a message above p + 1 means a gap: the missing range is pulled from the origin over RPC first.
The position is recorded in the same transaction as the effect (the sink's job). Instances of one
service serialise per origin on an advisory lock, so two instances give neither duplicates nor
disorder. On start, and every few seconds, the consumer pulls from its position until caught up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from eventlet.semaphore import Semaphore

from services.common import metrics
from services.common.db import Database
from services.common.envelope import position_of

log = logging.getLogger(__name__)

PULL_BATCH = 200

Fetch = Callable[[str, int, int], list[dict[str, Any]]]


class Sink(Protocol):
    """Where a consumer's effects go; `apply` must record the position with the effect.

    `position` gets the connection that holds the consumer's lock; a sink in the same database
    may read through it (one round trip) or ignore it."""

    def position(self, origin: str, conn: Any) -> int: ...

    def apply(self, origin: str, event: Mapping[str, Any]) -> None: ...


class TrackingConsumer:
    def __init__(self, service: str, sink: Sink, db: Database, fetch: Fetch):
        self.service = service
        self.sink = sink
        self.db = db
        self.fetch = fetch
        self._locks: dict[str, Semaphore] = {}

    def _lock(self, origin: str) -> Semaphore:
        return self._locks.setdefault(origin, Semaphore())

    def receive(self, origin: str, event: Mapping[str, Any]) -> bool:
        """Handle one delivered event; True if it took effect now, False for a duplicate."""
        received = position_of(event)
        with (
            self._lock(origin),
            self.db.advisory_lock(f"consumer:{self.service}:{origin}") as conn,
        ):
            position = self.sink.position(origin, conn)
            metrics.CONSUMER_LAG.labels(self.service, origin).set(max(received - position, 0))
            if received <= position:
                metrics.EVENTS_DUPLICATE.labels(self.service, origin).inc()
                return False
            if received > position + 1:
                log.info(
                    "consumer_gap",
                    extra={"origin": origin, "position": position, "received": received},
                )
                position = self._pull(origin, position, until=received - 1)
            if received > position:
                self._apply(origin, event)
            metrics.CONSUMER_LAG.labels(self.service, origin).set(0)
            return True

    def catch_up(self, origin: str) -> int:
        """Pull and apply everything the origin has beyond our position; returns how many."""
        with (
            self._lock(origin),
            self.db.advisory_lock(f"consumer:{self.service}:{origin}") as conn,
        ):
            start = self.sink.position(origin, conn)
            end = self._pull(origin, start, until=None)
            metrics.CONSUMER_LAG.labels(self.service, origin).set(0)
            return end - start if end > start else 0

    def _pull(self, origin: str, position: int, until: int | None) -> int:
        while until is None or position < until:
            batch = self.fetch(origin, position + 1, PULL_BATCH)
            if not batch:
                break
            for event in batch:
                if until is not None and position_of(event) > until:
                    return position
                self._apply(origin, event)
                position = position_of(event)
        return position

    def _apply(self, origin: str, event: Mapping[str, Any]) -> None:
        self.sink.apply(origin, event)
        metrics.EVENTS_CONSUMED.labels(self.service, origin).inc()
