"""The regional pool: every guide and placement with its caseload or places filled, as rows the
ranking reads in one query. Kept from matching's own events, so it can be dropped and rebuilt (G6).

`PostgresPool` reads it; `AggregatePool` builds the same candidates from the aggregates themselves,
for unit tests on in-memory persistence.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from psycopg import Cursor, sql
from psycopg.types.json import Jsonb

from services.common.db import Database
from services.common.projection import Projection
from services.matching import ranking
from services.matching.domain import Guide, Placement, guide_candidate, placement_candidate


class Pool(Protocol):
    def guides(self, gemeenten: Iterable[str]) -> list[ranking.Guide]: ...

    def placements(self, gemeenten: Iterable[str]) -> list[ranking.Placement]: ...


class PoolProjection(Projection):
    name = "pool"
    tables = ("pool_guides", "pool_placements")

    def create_statements(self, schema: str) -> list[sql.Composable]:
        guides, placements = (sql.Identifier(schema, t) for t in self.tables)
        return [
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " id uuid PRIMARY KEY,"
                " organisation text NOT NULL,"
                " gemeenten text[] NOT NULL,"
                " details jsonb NOT NULL,"
                " caseload integer NOT NULL DEFAULT 0,"
                " withdrawn boolean NOT NULL DEFAULT false)"
            ).format(guides),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} USING gin (gemeenten)").format(
                sql.Identifier("pool_guides_gemeenten"), guides
            ),
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " id uuid PRIMARY KEY,"
                " organisation text NOT NULL,"
                " gemeente text NOT NULL,"
                " details jsonb NOT NULL,"
                " filled integer NOT NULL DEFAULT 0,"
                " closed boolean NOT NULL DEFAULT false)"
            ).format(placements),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (gemeente)").format(
                sql.Identifier("pool_placements_gemeente"), placements
            ),
        ]

    def apply(self, cur: Cursor, schema: str, e: Any) -> None:
        guides, placements = (sql.Identifier(schema, t) for t in self.tables)

        def run(statement: str, table: sql.Identifier, *values: Any) -> None:
            cur.execute(sql.SQL(statement).format(table), (*values, e.originator_id))

        if isinstance(e, Guide.Registered):
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (organisation, gemeenten, details, id)"
                    " VALUES (%s, %s, %s, %s) ON CONFLICT (id) DO NOTHING"
                ).format(guides),
                (e.organisation, e.details["gemeenten"], Jsonb(e.details), e.originator_id),
            )
        elif isinstance(e, Guide.Changed):
            run(
                "UPDATE {} SET details = details || %s,"
                " gemeenten = coalesce(%s, gemeenten) WHERE id = %s",
                guides,
                Jsonb(e.changes),
                e.changes.get("gemeenten"),
            )
        elif isinstance(e, Guide.Withdrawn):
            run("UPDATE {} SET withdrawn = true WHERE id = %s", guides)
        elif isinstance(e, Guide.Assigned):
            run("UPDATE {} SET caseload = caseload + 1 WHERE id = %s", guides)
        elif isinstance(e, Guide.Released):
            run("UPDATE {} SET caseload = caseload - 1 WHERE id = %s", guides)
        elif isinstance(e, Placement.Offered):
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (organisation, gemeente, details, id)"
                    " VALUES (%s, %s, %s, %s) ON CONFLICT (id) DO NOTHING"
                ).format(placements),
                (e.organisation, e.details["gemeente"], Jsonb(e.details), e.originator_id),
            )
        elif isinstance(e, Placement.Changed):
            run(
                "UPDATE {} SET details = details || %s,"
                " gemeente = coalesce(%s, gemeente) WHERE id = %s",
                placements,
                Jsonb(e.changes),
                e.changes.get("gemeente"),
            )
        elif isinstance(e, Placement.Closed):
            run("UPDATE {} SET closed = true WHERE id = %s", placements)
        elif isinstance(e, Placement.Filled):
            run("UPDATE {} SET filled = filled + 1 WHERE id = %s", placements)
        elif isinstance(e, Placement.Freed):
            run("UPDATE {} SET filled = filled - 1 WHERE id = %s", placements)


PROJECTIONS = (PoolProjection(),)


class PostgresPool:
    """The pool as the projection holds it, for the gemeenten asked."""

    def __init__(self, db: Database, schema: str = "matching"):
        self.db = db
        self.schema = schema

    def guides(self, gemeenten: Iterable[str]) -> list[ranking.Guide]:
        with self.db.transaction() as cur:
            cur.execute(
                sql.SQL(
                    "SELECT id, organisation, details, caseload, withdrawn FROM {}"
                    " WHERE gemeenten && %s AND NOT withdrawn"
                ).format(sql.Identifier(self.schema, "pool_guides")),
                (list(gemeenten),),
            )
            return [
                guide_candidate(
                    str(r["id"]), r["organisation"], r["details"], r["caseload"], r["withdrawn"]
                )
                for r in cur.fetchall()
            ]

    def placements(self, gemeenten: Iterable[str]) -> list[ranking.Placement]:
        with self.db.transaction() as cur:
            cur.execute(
                sql.SQL(
                    "SELECT id, organisation, details, filled, closed FROM {}"
                    " WHERE gemeente = ANY(%s) AND NOT closed"
                ).format(sql.Identifier(self.schema, "pool_placements")),
                (list(gemeenten),),
            )
            return [
                placement_candidate(
                    str(r["id"]), r["organisation"], r["details"], r["filled"], r["closed"]
                )
                for r in cur.fetchall()
            ]


class AggregatePool:
    """The pool from aggregates in hand (unit tests on in-memory persistence)."""

    def __init__(self, app: Any, guide_ids: Iterable[Any] = (), placement_ids: Iterable[Any] = ()):
        self.app = app
        self.guide_ids = list(guide_ids)
        self.placement_ids = list(placement_ids)

    def guides(self, gemeenten: Iterable[str]) -> list[ranking.Guide]:
        wanted = set(gemeenten)
        found = [self.app.repository.get(i).candidate() for i in self.guide_ids]
        return [g for g in found if g.gemeenten & wanted]

    def placements(self, gemeenten: Iterable[str]) -> list[ranking.Placement]:
        wanted = set(gemeenten)
        found = [self.app.repository.get(i).candidate() for i in self.placement_ids]
        return [p for p in found if p.gemeente in wanted]


def organisation_items(cur: Cursor, organisation: str, schema: str = "matching") -> dict:
    """An organisation's guides and placements as its coordinator keeps them."""
    cur.execute(
        sql.SQL(
            "SELECT id, details, caseload, withdrawn FROM {} WHERE organisation = %s"
            " ORDER BY details->>'name', id"
        ).format(sql.Identifier(schema, "pool_guides")),
        (organisation,),
    )
    guides = [
        {"id": str(r["id"]), **r["details"], "caseload": r["caseload"], "withdrawn": r["withdrawn"]}
        for r in cur.fetchall()
    ]
    cur.execute(
        sql.SQL(
            "SELECT id, details, filled, closed FROM {} WHERE organisation = %s"
            " ORDER BY details->>'title', id"
        ).format(sql.Identifier(schema, "pool_placements")),
        (organisation,),
    )
    placements = [
        {"id": str(r["id"]), **r["details"], "filled": r["filled"], "closed": r["closed"]}
        for r in cur.fetchall()
    ]
    return {"organisation": organisation, "guides": guides, "placements": placements}
