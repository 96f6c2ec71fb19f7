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

from eventsourcing.utils import resolve_topic
from psycopg import Cursor, InterfaceError, OperationalError, sql

from services.common import metrics
from services.common.application import ChainApplication
from services.common.db import Database, lock_key
from services.common.hygiene import printable

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
        self._taken: dict[tuple[str, str], bool] = {}

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
        """Bring every projection up to date; returns how many events were applied."""
        return sum(self._run(p) for p in self.projections.values())

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
            for projection in projections:
                self._lock(cur, projection)
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
            applied = position = 0
            while notifications := self.app.recorder.select_notifications(
                start=position + 1, limit=REBUILD_BATCH
            ):
                events = [
                    self._decoded(n) if any(self._takes(p, n) for p in projections) else None
                    for n in notifications
                ]
                for projection in projections:
                    self._apply_batch(cur, projection, notifications, events)
                position = notifications[-1].id
                applied += len(notifications)
            if applied:
                for projection in projections:
                    self._record_position(cur, projection, position)
        return applied

    def _lock(self, cur: Cursor, projection: Projection) -> None:
        """Instances take turns per read model; the lock ends with the transaction."""
        cur.execute(
            "SELECT pg_advisory_xact_lock(%s)",
            (lock_key(f"projection:{self.schema}:{projection.name}"),),
        )

    def _run(self, projection: Projection) -> int:
        applied = 0
        while True:
            with self.db.transaction() as cur:
                self._lock(cur, projection)
                batch = self._apply_next(cur, projection)
            if not batch:
                return applied
            applied += batch

    def _apply_next(self, cur: Cursor, projection: Projection) -> int:
        """Apply the next batch of events and record the position; returns how many."""
        cur.execute(
            sql.SQL("SELECT position FROM {} WHERE projection = %s").format(self._positions),
            (projection.name,),
        )
        row = cur.fetchone()
        position = row["position"] if row else 0
        notifications = self.app.recorder.select_notifications(start=position + 1, limit=BATCH)
        if not notifications:
            return 0
        events = [self._decoded(n) if self._takes(projection, n) else None for n in notifications]
        self._apply_batch(cur, projection, notifications, events)
        self._record_position(cur, projection, notifications[-1].id)
        return len(notifications)

    def _apply_batch(
        self, cur: Cursor, projection: Projection, notifications: Sequence[Any], events: list
    ) -> None:
        """Apply a batch in one savepoint and one pipeline while all goes well; else again one
        by one, setting aside only what fails."""
        try:
            with cur.connection.transaction(), cur.connection.pipeline():
                for notification, event in zip(notifications, events, strict=True):
                    self._apply(cur, projection, notification, event)
        except PASSING:
            raise
        except Exception:  # noqa: BLE001 - again one by one, to set aside only what fails
            for notification, event in zip(notifications, events, strict=True):
                try:
                    with cur.connection.transaction():
                        self._apply(cur, projection, notification, event)
                except PASSING:
                    raise
                except Exception as exc:  # noqa: BLE001 - whatever it is, the read model goes on
                    self._set_aside(cur, projection, notification, exc)

    def _record_position(self, cur: Cursor, projection: Projection, position: int) -> None:
        cur.execute(
            sql.SQL(
                "INSERT INTO {} (projection, position) VALUES (%s, %s) "
                "ON CONFLICT (projection) DO UPDATE SET position = EXCLUDED.position"
            ).format(self._positions),
            (projection.name, position),
        )

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
