"""Read models kept from a service's own stored events; any of them can be dropped and rebuilt
from the event store with the same result (G6).

Each projection records its position in the same transaction as its rows, so a crash between the
two cannot happen, and instances of a service take turns on a transaction-level advisory lock
(one connection does everything, so waiting instances cannot exhaust a pool).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import Cursor, sql

from services.common.application import ChainApplication
from services.common.db import Database, lock_key

BATCH = 500


class Projection:
    """A read model: its tables, and how one domain event changes them."""

    name: str
    tables: Sequence[str]

    def create_statements(self, schema: str) -> Sequence[sql.Composable]:
        raise NotImplementedError

    def apply(self, cur: Cursor, schema: str, domain_event: Any) -> None:
        raise NotImplementedError


class Projector:
    def __init__(self, app: ChainApplication, db: Database, projections: Sequence[Projection]):
        self.app = app
        self.db = db
        self.schema = app.schema
        self.projections = {p.name: p for p in projections}
        self._positions = sql.Identifier(self.schema, "projection_position")

    def create_tables(self) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} "
                    "(projection text PRIMARY KEY, position bigint NOT NULL)"
                ).format(self._positions)
            )
            for projection in self.projections.values():
                for statement in projection.create_statements(self.schema):
                    cur.execute(statement)

    def run(self) -> int:
        """Bring every projection up to date; returns how many events were applied."""
        return sum(self._run(p) for p in self.projections.values())

    def rebuild(self, name: str) -> int:
        """Drop a read model and build it again from the first stored event, in one
        transaction: readers see the old rows until the new ones are complete."""
        projection = self.projections[name]
        with self.db.transaction() as cur:
            self._lock(cur, projection)
            for table in projection.tables:
                cur.execute(
                    sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(self.schema, table))
                )
            cur.execute(
                sql.SQL("DELETE FROM {} WHERE projection = %s").format(self._positions), (name,)
            )
            for statement in projection.create_statements(self.schema):
                cur.execute(statement)
            applied = 0
            while batch := self._apply_next(cur, projection):
                applied += batch
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
        for notification in notifications:
            projection.apply(cur, self.schema, self.app.mapper.to_domain_event(notification))
        cur.execute(
            sql.SQL(
                "INSERT INTO {} (projection, position) VALUES (%s, %s) "
                "ON CONFLICT (projection) DO UPDATE SET position = EXCLUDED.position"
            ).format(self._positions),
            (projection.name, notifications[-1].id),
        )
        return len(notifications)
