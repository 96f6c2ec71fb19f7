"""The tracking consumer: applies another service's events once, in order, and catches up (G3-G7).

Each origin's events carry their position in the origin's notification log. With the consumer's
position p (everything up to p is applied):
- a message at p + 1 is applied at once;
- a message at or below p is a duplicate and has no effect;
- a message above p + 1 means a gap: the missing range is pulled from the origin over RPC first.
A consumer that takes only some types of an origin (its queue is bound to those) gets with each
delivery where the previous event it takes lies (`previous`, the relay's header): a message
whose previous event is at or below p follows on without a gap, and a gap reaches only as far as
that previous event.
The position is recorded in the same transaction as the effect (the sink's job), and only when
the stored position is still the one the consumer started from (`apply(..., after=...)`: the
sink raises `PositionMoved` otherwise, and nothing is written). So two instances of a service
give neither duplicates nor disorder. Once a consumer has read or written an origin's position
it knows it, and applies the next deliveries straight away: one transaction, no lock and no read
of the position before it. When another instance moved the position meanwhile, or anything went
wrong, the consumer goes the careful way: it takes the per-origin advisory lock, which
serialises the instances, and reads the position first. On start, and every few seconds, the
consumer pulls from its position up to the origin's head as it finds it (what a busy origin
stores meanwhile comes by delivery).

An event the sink says has no effect (`Sink.affects`: with a queue still bound to every event of
the origin, pip and matching get types they do not react to) that follows on the position known
to be done moves that position in memory only: no lock, no transaction. The position is written
with the next event that has an effect, or by `catch_up` when the origin has gone quiet. A crash
in between loses nothing: the stored position is older, and catching up from it passes the same
events again, without effect.

A sink that writes a pulled batch much more cheaply than deliveries one by one (the audit ledger:
`bulk_first`) has each origin's first delivery after start pull whatever the origin has beyond the
stored position first, in batches of `pull_batch`: the backlog that built up while the service was
away drains in bulk, every origin at once, and the queue's copies of it are known duplicates.

Deliveries that arrive while an origin's events are being applied wait for their turn and are
then applied together, as one batch (group commit): under load a sink writes many events per
transaction. A batch that fails fails each of its deliveries (nameko then acknowledges them);
the same events come back through gap-filling and catch-up, so the origin waits, in order, until
they apply.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import eventlet
from eventlet.event import Event
from eventlet.semaphore import Semaphore

from services.common import metrics
from services.common.db import Database
from services.common.envelope import position_of

log = logging.getLogger(__name__)

PULL_BATCH = 200
# Under the lock, how often a batch is tried again when another instance, applying without the
# lock, moved the position between its read and the write.
CAREFUL_ATTEMPTS = 3
# How long a bulk catch-up after start keeps trying what must wait for another origin.
BULK_RETRY_SECONDS = 10.0

Fetch = Callable[[str, int, int], list[dict[str, Any]]]


class PositionMoved(Exception):
    """The stored position of an origin was not the one the events were applied after: another
    instance applied some of them meanwhile. Nothing was written."""


class Sink(Protocol):
    """Where a consumer's effects go; it must record the position together with the effect.

    `position` gets the connection that holds the consumer's lock; a sink in the same database
    may read through it or ignore it. `apply` gets events of one origin in position order, with
    no gaps the origin could fill, that follow on `after`: in the same transaction it checks
    that the stored position is `after` (else raises `PositionMoved`, writing nothing)."""

    def position(self, origin: str, conn: Any) -> int: ...

    def apply(self, origin: str, events: Sequence[Mapping[str, Any]], after: int) -> None: ...


def affects(sink: Any, origin: str, event: Mapping[str, Any]) -> bool:
    """Whether applying `event` can change anything in `sink` (every event, unless the sink
    says otherwise with `affects(origin, event)`)."""
    check = getattr(sink, "affects", None)
    return True if check is None else bool(check(origin, event))


@dataclass
class _Delivery:
    event: Mapping[str, Any]
    # Where the previous event of the origin lies that this consumer takes (the relay's
    # header, for a consumer bound to some types only); None: the position just before.
    previous: int | None = None
    done: Event = field(default_factory=Event)

    @property
    def position(self) -> int:
        return position_of(self.event)

    @property
    def follows(self) -> int:
        """The position after which this delivery comes without a gap: what lies between
        is not for this consumer."""
        position = self.position
        if self.previous is None or not 0 <= self.previous < position:
            return position - 1
        return self.previous


def _follow_on(done: int, batch: Sequence[_Delivery]) -> bool:
    """Whether what of `batch` lies beyond `done` follows on it without a gap."""
    at = done
    for delivery in sorted(batch, key=lambda d: d.position):
        if delivery.position <= at:
            continue
        if delivery.follows > at:
            return False
        at = delivery.position
    return True


class TrackingConsumer:
    def __init__(self, service: str, sink: Sink, db: Database, fetch: Fetch):
        self.service = service
        self.sink = sink
        self.db = db
        self.fetch = fetch
        self._waiting: dict[str, list[_Delivery]] = defaultdict(list)
        self._turns: dict[str, Semaphore] = defaultdict(Semaphore)
        self._last_delivery: dict[str, float] = {}
        # Per origin: every event up to this position is done (applied, or without effect).
        # Beyond the stored position only by events without effect (see the module's text).
        self._done: dict[str, int] = {}
        # Origins whose events without effect moved the position beyond the stored one.
        self._unrecorded: set[str] = set()
        # Per origin: the stored position, as this process last read or wrote it. Unknown
        # (absent) after a failure: the careful way reads it again, under the lock.
        self._stored: dict[str, int] = {}
        # A sink that writes a batch cheaply (the audit ledger) may pull more a time.
        self.pull_batch = int(getattr(sink, "pull_batch", PULL_BATCH))
        self.bulk_first = bool(getattr(sink, "bulk_first", False))
        # Origins whose first delivery since start has been handled (see the module's text).
        self._first_seen: set[str] = set()

    def idle_for(self, origin: str) -> float:
        """Seconds since the last delivery from `origin` that was not known applied (infinite
        before the first).

        While deliveries flow, a lost event shows up as a gap in the next one, so catching up
        is needed only at start and when an origin has gone quiet, or brings only what was
        applied already (the queue's backlog after an outage, which catch-up took in)."""
        last = self._last_delivery.get(origin)
        return float("inf") if last is None else time.monotonic() - last

    def unrecorded(self, origin: str) -> bool:
        """Whether events without effect moved `origin`'s position beyond the stored one
        (`catch_up` writes it)."""
        return origin in self._unrecorded

    def receive(self, origin: str, event: Mapping[str, Any], previous: int | None = None) -> bool:
        """Handle one delivered event; True if it took effect, False for a duplicate.
        `previous`: where the previous event of the origin lies that this consumer takes
        (None: it takes every one).

        Returns only after the effect is committed. Deliveries of one origin take turns; the
        one whose turn it is applies every delivery waiting at that moment, its own included."""
        delivery = _Delivery(event, previous)
        if delivery.position <= self._done.get(origin, 0):
            # Known done (a redelivery, or the queue's backlog after catch-up took it in):
            # no database round trip. Nor news: catch-up keeps pulling what is new meanwhile.
            metrics.EVENTS_DUPLICATE.labels(self.service, origin).inc()
            return False
        self._last_delivery[origin] = time.monotonic()
        if self.bulk_first and origin not in self._first_seen:
            self._catch_up_first(origin)
            if delivery.position <= self._done.get(origin, 0):
                metrics.EVENTS_DUPLICATE.labels(self.service, origin).inc()
                return False
        self._waiting[origin].append(delivery)
        with self._turns[origin]:
            if not delivery.done.ready():
                batch, self._waiting[origin] = self._waiting[origin], []
                if not self._pass_without_effect(origin, batch):
                    self._settle(origin, batch)
        return delivery.done.wait()

    def _catch_up_first(self, origin: str) -> None:
        """Pull the origin's backlog in bulk before its first delivery is taken (`bulk_first`).
        What the sink says must wait for another origin's backlog (`Sink.retry_later`: a read
        of a dossier whose registration is still being pulled) is tried again a moment later,
        for BULK_RETRY_SECONDS at most. Any other failure (the origin does not answer) leaves
        deliveries to be taken one by one, and the catch-up loop pulls what they leave."""
        self._first_seen.add(origin)
        retry_later = tuple(getattr(self.sink, "retry_later", ()))
        deadline = time.monotonic() + BULK_RETRY_SECONDS
        caught = 0
        while True:
            try:
                caught += self.catch_up(origin)
                break
            except retry_later:
                if time.monotonic() >= deadline:
                    return
                eventlet.sleep(0.2)
            except Exception as exc:  # noqa: BLE001 - deliveries still apply the ordinary way
                log.warning(
                    "consumer_bulk_catch_up_failed", extra={"origin": origin, "error": repr(exc)}
                )
                return
        if caught:
            log.info("consumer_caught_up", extra={"origin": origin, "events": caught})

    def _pass_without_effect(self, origin: str, batch: list[_Delivery]) -> bool:
        """Settle a batch of events without effect that follows on the position known to be
        done, in memory only; False (nothing done) for any other batch."""
        done = self._done.get(origin)
        if done is None:
            return False
        positions = sorted(d.position for d in batch)
        fresh = [p for p in positions if p > done]
        if len(set(fresh)) < len(fresh) or not _follow_on(done, batch):
            return False  # a gap: the ordinary way fills it
        try:
            if any(affects(self.sink, origin, d.event) for d in batch if d.position > done):
                return False
        except Exception:  # noqa: BLE001 - a sink that asks its database: the ordinary way decides
            return False
        self._done[origin] = max(done, positions[-1])
        self._unrecorded.add(origin)
        metrics.EVENTS_CONSUMED.labels(self.service, origin).inc(len(fresh))
        if len(fresh) < len(batch):
            metrics.EVENTS_DUPLICATE.labels(self.service, origin).inc(len(batch) - len(fresh))
        for d in batch:
            d.done.send(d.position > done)
        return True

    def catch_up(self, origin: str) -> int:
        """Pull and apply what the origin has beyond our position; returns how many. First
        writes the position events without effect moved (see the module's text). Ends with the
        first batch that is not full: that was the origin's head when it was read. What a busy
        origin stores meanwhile comes by delivery (or by catching up again): a catch-up holds
        the origin's turn, so its deliveries wait, and must not last as long as the load."""
        applied = 0
        with self._turns[origin], self._locked(origin) as conn:
            self._stored.pop(origin, None)
            stored = self.sink.position(origin, conn)
            position = max(stored, self._done.get(origin, 0))
            if position > stored and self._record_passed(origin, position):
                stored = position
            while batch := self.fetch(origin, position + 1, self.pull_batch):
                self._apply(origin, batch, after=stored)
                position = stored = position_of(batch[-1])
                applied += len(batch)
                if len(batch) < self.pull_batch:
                    break
            self._done[origin] = position
            self._stored[origin] = stored
            if stored == position:
                self._unrecorded.discard(origin)
        metrics.CONSUMER_LAG.labels(self.service, origin).set(0)
        return applied

    def _record_passed(self, origin: str, position: int) -> bool:
        """Write the position that events without effect moved to; False when the sink
        cannot."""
        advance = getattr(self.sink, "advance", None)
        if advance is None:
            return False
        advance(origin, position)
        return True

    def _locked(self, origin: str) -> Any:
        return self.db.advisory_lock(f"consumer:{self.service}:{origin}")

    def _settle(self, origin: str, batch: list[_Delivery]) -> None:
        try:
            outcomes = self._apply_deliveries(origin, batch)
        except BaseException as exc:
            # The origin stops here until the event applies: order comes first. Later
            # deliveries and catch-up retry it; the log names it.
            log.error(
                "consumer_batch_failed",
                extra={
                    "origin": origin,
                    "positions": [d.position for d in batch],
                    "types": sorted({d.event.get("type", "") for d in batch}),
                    "error": repr(exc),
                },
            )
            for delivery in batch:
                delivery.done.send_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for delivery, outcome in zip(batch, outcomes, strict=True):
            delivery.done.send(outcome)

    def _apply_deliveries(self, origin: str, batch: list[_Delivery]) -> list[bool]:
        """Straight away when the stored position is known and the batch follows on it; the
        careful way (under the lock, reading the position first) when it is not known, when the
        batch leaves a gap (another instance may have applied what is missing: it is not asked
        of the origin before the position is read), or another instance moved it meanwhile."""
        stored = self._stored.get(origin)
        if stored is not None and self._follows_on(origin, batch, stored):
            try:
                return self._apply_after(origin, batch, stored)
            except PositionMoved:
                log.info("consumer_position_moved", extra={"origin": origin, "after": stored})
        with self._locked(origin) as conn:
            for _attempt in range(CAREFUL_ATTEMPTS - 1):
                try:
                    return self._apply_after(origin, batch, self.sink.position(origin, conn))
                except PositionMoved:
                    continue  # an instance that went straight away came first: read again
            return self._apply_after(origin, batch, self.sink.position(origin, conn))

    def _follows_on(self, origin: str, batch: list[_Delivery], stored: int) -> bool:
        """Whether what of `batch` is new follows on the position `stored` (or on what events
        without effect moved it to) without a gap."""
        return _follow_on(max(stored, self._done.get(origin, 0)), batch)

    def _apply_after(self, origin: str, batch: list[_Delivery], stored: int) -> list[bool]:
        """Apply what of `batch` lies beyond the position `stored` (and beyond what events
        without effect moved it to), filling any gap from the origin first."""
        self._stored.pop(origin, None)  # known again once written
        position = max(stored, self._done.get(origin, 0))
        newest = max(d.position for d in batch)
        metrics.CONSUMER_LAG.labels(self.service, origin).set(max(newest - position, 0))
        outcomes: dict[int, bool] = {}
        to_apply: list[Mapping[str, Any]] = []
        for delivery in sorted(batch, key=lambda d: d.position):
            if delivery.position <= position:
                continue
            if delivery.follows > position:
                log.info(
                    "consumer_gap",
                    extra={"origin": origin, "position": position, "received": delivery.position},
                )
                to_apply.extend(self._missing(origin, position, delivery.follows))
            to_apply.append(delivery.event)
            position = delivery.position
            outcomes[id(delivery)] = True
        if to_apply:
            self._apply(origin, to_apply, after=stored)  # records the position past all
            self._unrecorded.discard(origin)
            self._stored[origin] = position
        else:
            self._stored[origin] = stored
        self._done[origin] = max(self._done.get(origin, 0), position)
        duplicates = sum(1 for d in batch if id(d) not in outcomes)
        if duplicates:
            metrics.EVENTS_DUPLICATE.labels(self.service, origin).inc(duplicates)
        metrics.CONSUMER_LAG.labels(self.service, origin).set(0)
        return [outcomes.get(id(d), False) for d in batch]

    def _missing(self, origin: str, after: int, until: int) -> list[Mapping[str, Any]]:
        """The events the origin committed in (after, until]."""
        found: list[Mapping[str, Any]] = []
        while after < until:
            pulled = [
                e for e in self.fetch(origin, after + 1, self.pull_batch) if position_of(e) <= until
            ]
            if not pulled:
                break
            found.extend(pulled)
            after = position_of(pulled[-1])
        return found

    def _apply(self, origin: str, events: Sequence[Mapping[str, Any]], after: int) -> None:
        self.sink.apply(origin, events, after=after)
        self._done[origin] = max(self._done.get(origin, 0), position_of(events[-1]))
        metrics.EVENTS_CONSUMED.labels(self.service, origin).inc(len(events))
