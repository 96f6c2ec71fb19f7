"""Read models kept from a service's own stored events; any of them can be dropped and rebuilt
from the event store with the same result (G6).

Each projection records its position in the same transaction as its rows, so a crash between the
two cannot happen, and instances of a service take turns on a transaction-level advisory lock
(one connection does everything, so waiting instances cannot exhaust a pool).

An event a read model cannot take (old data no rule refused then, a bug in `apply`) never stops
it: the event is set aside in `<schema>.projection_quarantine` (projection, position, originator,
type, error), counted in `wegwijs_projection_quarantined_total` and logged without its data, and
the read model goes on with the next one. Rebuilding a read model tries its set-aside events again.

A rebuild (`wegwijs rebuild <name>`, or `--all` for every read model of a service) reads the log in
batches of REBUILD_BATCH, decodes each event once for every read model being rebuilt, and sends a
batch's statements to PostgreSQL in one pipeline instead of waiting for each answer in turn.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from eventlet.semaphore import Semaphore
from eventsourcing.utils import resolve_topic
from psycopg import Cursor, InterfaceError, OperationalError, sql

from services.common import metrics
from services.common.application import ChainApplication
from services.common.db import Database, lock_key
from services.common.hygiene import printable
from services.common.outbox import notification_of

log = logging.getLogger(__name__)

BATCH = 500
REBUILD_BATCH = 5000
QUARANTINE = "projection_quarantine"
# The database going away, a lock timeout or a deadlock says nothing about the event: the
# batch is tried again later instead of the event being set aside.
PASSING = (OperationalError, InterfaceError)


class Projection:
    """A read model: its tables, and how one domain event changes them."""

    name: str
    tables: Sequence[str]
    # The event classes (with their subclasses) whose events change the read model; None: any.
    # Other events are passed over without being decoded, also on a rebuild.
    handles: tuple[type, ...] | None = None

    def takes(self, event_class: type) -> bool:
        """Whether events of `event_class` may change the read model."""
        return self.handles is None or issubclass(event_class, self.handles)

    def create_statements(self, schema: str) -> Sequence[sql.Composable]:
        raise NotImplementedError

    def apply(self, cur: Cursor, schema: str, domain_event: Any) -> None:
        raise NotImplementedError

    def apply_at(self, cur: Cursor, schema: str, domain_event: Any, position: int) -> None:
        """Apply the event stored at `position` of the notification log (a read model that
        names rows after their event, as the documents do, needs the position)."""
        self.apply(cur, schema, domain_event)


class _Unreadable:
    def __init__(self, error: Exception):
        self.error = error


class Projector:
    def __init__(self, app: ChainApplication, db: Database, projections: Sequence[Projection]):
        self.app = app
        self.db = db
        self.schema = app.schema
        self.projections = {p.name: p for p in projections}
        self._positions = sql.Identifier(self.schema, "projection_position")
        self._quarantine = sql.Identifier(self.schema, QUARANTINE)
        self.quarantined = 0  # events this projector set aside, for whoever runs it
        # Every read model has taken the log up to here (as this process last saw it).
        self._projected = 0
        self._taken: dict[tuple[str, str], bool] = {}
        # The process's runs take turns here before they ask PostgreSQL for the read models'
        # lock: a read that waited for another run mostly finds its head taken meanwhile.
        self._turn = Semaphore()

    def create_tables(self) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} "
                    "(projection text PRIMARY KEY, position bigint NOT NULL)"
                ).format(self._positions)
            )
            cur.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (projection text NOT NULL,"
                    " position bigint NOT NULL, originator_id uuid NOT NULL,"
                    " event_type text NOT NULL, error text NOT NULL,"
                    " quarantined_at timestamptz NOT NULL DEFAULT now(),"
                    " PRIMARY KEY (projection, position))"
                ).format(self._quarantine)
            )
            for projection in self.projections.values():
                for statement in projection.create_statements(self.schema):
                    cur.execute(statement)

    def run(self) -> int:
        """Bring every read model up to date; returns how many events were read.

        All read models of the service go together: per batch one transaction, and one round
        trip for the lock, their positions and the log beyond the one furthest behind (each
        takes only what lies beyond its own position), however many read models there are.

        Before any of that, one look at the head of the log: when every read model is known to
        have taken everything up to it (this process brought them there), there is nothing to
        do, and no lock to wait for: one round trip. Reads run the projector first to see their
        own writes, so under load this spares them queueing on the read models' locks behind
        each other. Runs of one process take turns before they ask for that lock, and a run
        whose head a run before it took (the reads of many users at once) does nothing more:
        a transaction and a lock wait in PostgreSQL each spared."""
        head = self.app.recorder.max_notification_id() or 0
        if head <= self._projected:
            return 0
        with self._turn:
            if head <= self._projected:
                return 0
            return self._run(head)

    def _run(self, head: int) -> int:
        """Batches until the read models hold the log up to `head` at least (what the caller
        saw stored); the rest, if more came meanwhile, is the next run's."""
        projections = list(self.projections.values())
        read = 0
        while True:
            with self.db.transaction() as cur:
                # The lock, the positions and the events beyond the one furthest behind: one
                # round trip. Each statement reads after the lock is held.
                names = [p.name for p in projections]
                with cur.connection.cursor() as beyond:
                    with cur.connection.pipeline():
                        self._lock(cur, *projections)
                        self._ask_positions(cur, names)
                        beyond.execute(self._beyond_query(), (names, BATCH))
                    positions = self._positions_found(cur, names)
                    notifications = [notification_of(row) for row in beyond.fetchall()]
                if not notifications:
                    self._projected = max(self._projected, min(positions.values()))
                    return read
                self._apply_from(cur, projections, positions, notifications)
            read += len(notifications)
            self._projected = max(self._projected, notifications[-1].id)
            if len(notifications) < BATCH or self._projected >= head:
                return read  # that was all; a commit since nudges the projector again

    def rebuild(self, name: str) -> int:
        """Drop a read model and build it again from the first stored event, in one
        transaction: readers see the old rows until the new ones are complete. Events set
        aside before are tried again (and set aside again if they still cannot be taken)."""
        return self._rebuild([self.projections[name]])

    def rebuild_all(self) -> int:
        """Rebuild every read model of the service from one pass over its log."""
        return self._rebuild(list(self.projections.values()))

    def _rebuild(self, projections: list[Projection]) -> int:
        """Rebuild `projections` together; returns how many events were read."""
        with self.db.transaction() as cur:
            self._lock(cur, *projections)
            for projection in projections:
                for table in projection.tables:
                    cur.execute(
                        sql.SQL("DROP TABLE IF EXISTS {}").format(
                            sql.Identifier(self.schema, table)
                        )
                    )
                for table in (self._positions, self._quarantine):
                    cur.execute(
                        sql.SQL("DELETE FROM {} WHERE projection = %s").format(table),
                        (projection.name,),
                    )
                for statement in projection.create_statements(self.schema):
                    cur.execute(statement)
            names = [p.name for p in projections]
            applied = position = 0
            while notifications := self.app.recorder.select_notifications(
                start=position + 1, limit=REBUILD_BATCH
            ):
                self._apply_from(cur, projections, dict.fromkeys(names, 0), notifications)
                position = notifications[-1].id
                applied += len(notifications)
            # Statistics of the new tables come with them: a table made anew has none, and the
            # planner would guess at its first queries (a count over a partial index read every
            # row's page instead of the index alone, ten times slower, at 100,000 dossiers).
            for projection in projections:
                for table in projection.tables:
                    cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(self.schema, table)))
        return applied

    def _lock(self, cur: Cursor, *projections: Projection) -> None:
        """Instances take turns per read model; the locks end with the transaction. Taken in
        one statement, always in the same order, so two instances cannot deadlock."""
        keys = sorted(lock_key(f"projection:{self.schema}:{p.name}") for p in projections)
        cur.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k", (keys,))

    def _beyond_query(self) -> sql.Composed:
        """Up to a batch of the log beyond the position of the read model furthest behind (one
        not there yet: from the start), as the log's rows with the notification id as `id`."""
        return sql.SQL(
            "SELECT notification_id AS id, originator_id, originator_version, topic, state"
            " FROM {} WHERE notification_id > (SELECT min(coalesce(p.position, 0))"
            " FROM unnest(%s::text[]) AS n(name) LEFT JOIN {} AS p ON p.projection = n.name)"
            " ORDER BY notification_id LIMIT %s"
        ).format(sql.Identifier(self.schema, self.app.recorder.events_table_name), self._positions)

    def _ask_positions(self, cur: Cursor, names: Sequence[str]) -> None:
        cur.execute(
            sql.SQL("SELECT projection, position FROM {} WHERE projection = ANY(%s)").format(
                self._positions
            ),
            (list(names),),
        )

    def _positions_found(self, cur: Cursor, names: Sequence[str]) -> dict[str, int]:
        """Where each read model got to (0: nowhere yet), as `_ask_positions` asked."""
        found = {row["projection"]: row["position"] for row in cur.fetchall()}
        return {name: found.get(name, 0) for name in names}

    def _apply_from(
        self,
        cur: Cursor,
        projections: Sequence[Projection],
        positions: dict[str, int],
        notifications: Sequence[Any],
    ) -> None:
        """Apply a batch read from the log to each read model, from beyond its own position,
        decoding each event once, and record where each got to."""
        events = [
            self._decoded(n)
            if any(n.id > positions[p.name] and self._takes(p, n) for p in projections)
            else None
            for n in notifications
        ]
        work = []
        for projection in projections:
            first = next(
                (i for i, n in enumerate(notifications) if n.id > positions[projection.name]),
                None,
            )
            if first is not None:
                work.append((projection, notifications[first:], events[first:]))
        if work:
            self._apply_batch(cur, work)
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (projection, position)"
                    " SELECT * FROM unnest(%s::text[], %s::bigint[])"
                    " ON CONFLICT (projection) DO UPDATE SET position = EXCLUDED.position"
                ).format(self._positions),
                ([p.name for p, _, _ in work], [notifications[-1].id] * len(work)),
            )

    def _apply_batch(
        self, cur: Cursor, work: Sequence[tuple[Projection, Sequence[Any], Sequence[Any]]]
    ) -> None:
        """Apply a batch to each read model of `work` (with the notifications and events it
        takes), in one savepoint and one pipeline while all goes well; else again, read model
        by read model and one event at a time, setting aside only what fails."""
        try:
            with cur.connection.transaction(), cur.connection.pipeline():
                for projection, notifications, events in work:
                    for notification, event in zip(notifications, events, strict=True):
                        self._apply(cur, projection, notification, event)
        except PASSING:
            raise
        except Exception:  # noqa: BLE001 - again one by one, to set aside only what fails
            for projection, notifications, events in work:
                for notification, event in zip(notifications, events, strict=True):
                    try:
                        with cur.connection.transaction():
                            self._apply(cur, projection, notification, event)
                    except PASSING:
                        raise
                    except Exception as exc:  # noqa: BLE001 - the read model goes on, whatever it is
                        self._set_aside(cur, projection, notification, exc)

    def _takes(self, projection: Projection, notification: Any) -> bool:
        """Whether the projection takes the notification's event, known from its topic."""
        key = (projection.name, notification.topic)
        if key not in self._taken:
            try:
                event_class = resolve_topic(notification.topic)
            except Exception:  # noqa: BLE001 - decoding it will fail, and set it aside
                self._taken[key] = True
            else:
                self._taken[key] = projection.takes(event_class)
        return self._taken[key]

    def _decoded(self, notification: Any) -> Any:
        """The domain event, or what decoding it raised (the read models then set it aside)."""
        try:
            return self.app.mapper.to_domain_event(notification)
        except Exception as exc:  # noqa: BLE001 - an event that cannot be read is set aside
            return _Unreadable(exc)

    def _apply(self, cur: Cursor, projection: Projection, notification: Any, event: Any) -> None:
        if not self._takes(projection, notification):
            return
        if isinstance(event, _Unreadable):
            raise event.error
        projection.apply_at(cur, self.schema, event, notification.id)

    def _set_aside(
        self, cur: Cursor, projection: Projection, notification: Any, exc: Exception
    ) -> None:
        """Quarantine an event the read model cannot take; the log names it, not its data."""
        event_type = notification.topic.rpartition(":")[2]
        cur.execute(
            sql.SQL(
                "INSERT INTO {} (projection, position, originator_id, event_type, error)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (projection, position) DO NOTHING"
            ).format(self._quarantine),
            (
                projection.name,
                notification.id,
                notification.originator_id,
                event_type,
                printable(f"{type(exc).__name__}: {exc}")[:1000],
            ),
        )
        metrics.PROJECTION_QUARANTINED.labels(self.schema, projection.name).inc()
        self.quarantined += 1
        log.error(
            "projection_event_quarantined",
            extra={
                "projection": projection.name,
                "position": notification.id,
                "event_type": event_type,
                "error_type": type(exc).__name__,
            },
        )
