"""The eventsourcing Application every service builds on."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from typing import Any

from eventsourcing.application import (
    Application,
    ProcessingEvent,
    Repository,
)
from eventsourcing.persistence import (
    EventStore,
    IntegrityError,
    JSONTranscoder,
    ProcessRecorder,
    Tracking,
    Transcoding,
)
from eventsourcing.popo import POPOFactory

from services.common import metrics, settings
from services.common.commands import Outcome, PopoOutcomeRecorder, TrackingAfter, collecting
from services.common.context import CommandContext, acting
from services.common.db import application_name, close_when_idle
from services.common.envelope import context_of_event, position_of
from services.common.errors import Conflict
from services.common.wake import Generations

log = logging.getLogger(__name__)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


# The batch of reactions in hand, per greenthread (see ChainApplication.process).
_batch: contextvars.ContextVar[ProcessingEvent | None] = contextvars.ContextVar(
    "wegwijs_reaction_batch", default=None
)


def pending(aggregate_id: Any) -> Any | None:
    """An aggregate the command or the batch of reactions in hand changed and has not written
    yet: what its later steps must see."""
    for unit in (collecting(), _batch.get()):
        if unit is not None and aggregate_id in unit.aggregates:
            return unit.aggregates[aggregate_id]
    return None


class PendingAwareRepository(Repository):
    """A repository that answers with what the command in hand changed but did not write yet."""

    def get(self, aggregate_id: Any, *, version: int | None = None, **kwargs: Any) -> Any:
        if version is None and (found := pending(aggregate_id)) is not None:
            return found
        return super().get(aggregate_id, version=version, **kwargs)

    def __contains__(self, item: Any) -> bool:
        """Whether the aggregate exists: its first stored event, not its whole history."""
        if pending(item) is not None:
            return True
        return any(True for _ in self.event_store.get(item, limit=1))


class PendingAwareEventStore(EventStore):
    """An event store whose history of an aggregate includes what the command in hand added to
    it and has not written yet (a command answers with the history it made)."""

    def get(
        self,
        originator_id: Any,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Iterator[Any]:
        stored = list(super().get(originator_id, gt=gt, lte=lte, desc=desc, limit=limit))
        have = {e.originator_version for e in stored}  # written already (a snapshot after commit)
        added = [
            e
            for unit in (collecting(), _batch.get())
            if unit is not None
            for e in unit.events
            if e.originator_id == originator_id
            and (gt is None or e.originator_version > gt)
            and (lte is None or e.originator_version <= lte)
            and e.originator_version not in have
        ]
        if not added:
            return iter(stored)
        events = sorted(stored + added, key=lambda e: e.originator_version, reverse=desc)
        return iter(events[:limit] if limit is not None else events)


class ChainApplication(Application):
    """An Application stored in its own PostgreSQL schema, able to record what it consumed.

    The recorder is a process recorder, so that events a service stores in reaction to another
    service's events are committed together with the tracking record of the last of them (G3).
    """

    schema: str = ""
    # The processing activity under which the service reacts to other services' events.
    reaction_activity: str = ""
    # Every aggregate may grow long (a dossier's corrections, a PIP's revisions, a consent
    # record's decisions): each gets a snapshot every WEGWIJS_SNAPSHOT_EVERY events. A snapshot
    # holds the aggregate's state as `vars()`; when what an aggregate holds changes shape, its
    # class gets a `class_version` and an `upcast_v<n>_v<n+1>(state)` for its older snapshots,
    # as for events (services/common/topics.py).
    is_snapshotting_enabled = True

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        super().__init__(env)
        self.snapshot_every = int(
            self.env.get("WEGWIJS_SNAPSHOT_EVERY") or settings.SNAPSHOT_EVERY.get()
        )

    # Called after a write that stored events (the runtime wakes its outbox relay with it): a
    # write of only a tracking record, and a command or query that stored nothing, wake nothing.
    on_stored: Callable[[], None] | None = None
    # Counts the store's announcements of new events (the runtime's listener), so that what the
    # application keeps in memory of its own store is read again only when the store changed;
    # without a listener (tests, tools) there is no count and it is read every time.
    generations: Generations = Generations()

    @classmethod
    def on_postgres(
        cls, create_tables: bool = False, identity: str | None = None
    ) -> ChainApplication:
        """The application on the PostgreSQL database and schema from settings, connected as
        `identity` (default: this process)."""
        schema = cls.schema or cls.name.lower()
        return cls(env=settings.eventsourcing_env(schema, create_tables, identity))

    @classmethod
    def in_memory(cls) -> ChainApplication:
        return cls(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})

    def construct_recorder(self) -> ProcessRecorder:
        """A process recorder that also keeps command outcomes (`services.common.commands`)."""
        if isinstance(self.factory, POPOFactory):
            return PopoOutcomeRecorder()
        # The event store's pool opens connections when needed (POSTGRES_POOL_SIZE 0) and closes
        # them when idle, like the process's other pool (services.common.db); set before the
        # recorder first opens it.
        pool = self.factory.datastore.pool
        pool.kwargs["application_name"] = application_name("events")
        close_when_idle(pool)
        return self.factory.process_recorder()

    def construct_event_store(self) -> EventStore:
        return PendingAwareEventStore(mapper=self.mapper, recorder=self.recorder)

    def construct_repository(self) -> Repository:
        """No aggregate cache (several instances of a service write): only what is pending."""
        return PendingAwareRepository(event_store=self.events, snapshot_store=self.snapshots)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Inside a command, collect what it saves: it is written with the command's outcome
        when the command returns (`ChainApplication.commit`). Anywhere else, write now."""
        unit = collecting()
        if unit is None:
            return super().save(*objs, **kwargs)
        unit.collect_events(*objs, **kwargs)
        return []

    def commit(self, unit: ProcessingEvent, outcome: Outcome) -> None:
        """Write what a command collected together with its outcome, in one transaction.
        Raises IntegrityError when an aggregate changed meanwhile or the command has an
        outcome already."""
        unit.saved_kwargs["outcome"] = outcome
        recordings = self._record(unit)
        self._take_snapshots(unit)
        self._notify(recordings)

    def _take_snapshots(self, unit: ProcessingEvent) -> None:
        """A snapshot of each aggregate whose new events pass a multiple of `snapshot_every`,
        taken from the store after the commit. It only speeds up loading: one that cannot be
        taken is logged and the command's answer stands."""
        if not self.snapshots or self.snapshot_every <= 0:
            return
        for aggregate_id, aggregate in unit.aggregates.items():
            versions = [
                e.originator_version for e in unit.events if e.originator_id == aggregate_id
            ]
            due = max(versions, default=0) // self.snapshot_every * self.snapshot_every
            if not versions or due < min(versions):
                continue
            try:
                self.take_snapshot(aggregate_id, version=due)
            except Exception as exc:  # noqa: BLE001 - the events are stored; loading reads them all
                log.warning(
                    "snapshot_not_taken",
                    extra={
                        "aggregate": type(aggregate).__qualname__,
                        "version": due,
                        "error_type": type(exc).__name__,
                    },
                )

    def outcome(self, command_id: str) -> Outcome | None:
        return self.recorder.outcome(command_id)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    @contextmanager
    def command(self, ctx: CommandContext) -> Iterator[CommandContext]:
        """Act on behalf of `ctx`: every event triggered inside records it."""
        with acting(ctx):
            yield ctx

    def policy(self, origin: str, event: Mapping[str, Any]) -> Sequence[Any]:
        """The aggregates changed in reaction to another service's event (none by default)."""
        return ()

    def reacts_to(self, origin: str, event: Mapping[str, Any]) -> bool:
        """Whether `policy` may change anything for this event (every event, unless a service
        names the types it reacts to): the consumer passes the others without a transaction."""
        return True

    def advance(self, origin: str, position: int) -> None:
        """Record that everything of `origin` up to `position` is processed, when only events
        `reacts_to` passes came since the last recorded position."""
        if position > self.tracked_position(origin):
            # another instance may have recorded as far or further meanwhile
            with suppress(IntegrityError):
                self._record(ProcessingEvent(tracking=Tracking(origin, position)))

    def process(
        self, origin: str, events: Sequence[Mapping[str, Any]], after: int | None = None
    ) -> None:
        """React to integration events of one origin, in position order. Their effects and the
        position of the last are committed in one transaction: the batch takes effect once.
        With `after`, only if the recorded position is still `after` (else `PositionMoved`)."""
        if not events:
            return
        last = position_of(events[-1])
        tracking = Tracking(origin, last) if after is None else TrackingAfter(origin, last, after)
        batch = ProcessingEvent(tracking=tracking)
        token = _batch.set(batch)
        try:
            for event in events:
                ctx = context_of_event(event)
                with self.command(ctx.for_activity(self.reaction_activity or ctx.activity)):
                    batch.collect_events(*self.policy(origin, event))
        finally:
            _batch.reset(token)
        self._record(batch)
        self._take_snapshots(batch)

    def _update(
        self, ctx: CommandContext, load: Callable[[], Any], change: Callable[[Any], Any]
    ) -> Any:
        """Load, change and save an aggregate (or a tuple of aggregates, saved in one
        transaction), again from the start when someone else saved one of them in between
        (optimistic concurrency); returns what was saved."""
        for _attempt in range(3):
            with self.command(ctx):
                aggregate = load()
                change(aggregate)
            try:
                self.save(*(aggregate if isinstance(aggregate, tuple) else (aggregate,)))
                return aggregate
            except IntegrityError:
                continue
        raise Conflict("it changed meanwhile, three times over; try again")

    def load(self, aggregate_id: Any) -> Any:
        """An aggregate as a policy must see it: with the changes of earlier events of the batch
        in hand, which are not saved yet."""
        batch = _batch.get()
        if batch is not None and aggregate_id in batch.aggregates:
            return batch.aggregates[aggregate_id]
        return self.repository.get(aggregate_id)

    def _record(self, processing_event: ProcessingEvent) -> Any:
        recordings = super()._record(processing_event)
        if processing_event.events:
            metrics.EVENTS_STORED.labels(self.schema or self.name.lower()).inc(
                len(processing_event.events)
            )
            if self.on_stored is not None:
                self.on_stored()
        return recordings

    def tracked_position(self, origin: str, conn: Any = None) -> int:
        """Where this application's processing of `origin`'s events got to; read through
        `conn` (a connection on the same database) when given."""
        statement = getattr(self.recorder, "max_tracking_id_statement", None)
        if conn is None or statement is None:
            return self.recorder.max_tracking_id(origin) or 0
        return conn.execute(statement, (origin,)).fetchone()["max"] or 0
