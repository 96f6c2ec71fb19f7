"""The regional pool: every guide and placement with its caseload or places filled. Kept from
matching's own events, so it can be dropped and rebuilt (G6).

Each row carries `changed`, a number from one sequence that grows with every change, so a reader
can hold the pool in memory and fetch only what changed since (`PostgresPool`): decoding 12,000
rows for every ranking would cost far more than the ranking itself (see bench/matching.py).
`AggregatePool` builds the same candidates from the aggregates themselves, for unit tests on
in-memory persistence.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from threading import Lock
from typing import Any, Protocol

from psycopg import Cursor, sql
from psycopg.types.json import Jsonb

from services.common.db import Database
from services.common.projection import Projection
from services.matching import ranking
from services.matching.domain import (
    Guidance,
    Guide,
    Placement,
    guide_candidate,
    placement_candidate,
)

FREEZE_AFTER = 1000  # rows loaded at once


class Pool(Protocol):
    def guides(self, gemeenten: Iterable[str]) -> list[ranking.Guide]: ...

    def placements(self, gemeenten: Iterable[str]) -> list[ranking.Placement]: ...


class PoolProjection(Projection):
    name = "pool"
    tables = ("pool_guides", "pool_placements")
    handles = (
        Guide.Registered,
        Guide.Changed,
        Guide.Withdrawn,
        Guide.Assigned,
        Guide.Released,
        Placement.Offered,
        Placement.Changed,
        Placement.Closed,
        Placement.Filled,
        Placement.Freed,
    )

    def create_statements(self, schema: str) -> list[sql.Composable]:
        guides, placements = (sql.Identifier(schema, t) for t in self.tables)
        changes = sql.Identifier(schema, "pool_changes")
        return [
            sql.SQL("CREATE SEQUENCE IF NOT EXISTS {}").format(changes),
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " id uuid PRIMARY KEY,"
                " organisation text NOT NULL,"
                " gemeenten text[] NOT NULL,"
                " details jsonb NOT NULL,"
                " caseload integer NOT NULL DEFAULT 0,"
                " withdrawn boolean NOT NULL DEFAULT false,"
                " changed bigint NOT NULL DEFAULT nextval({}))"
            ).format(guides, sql.Literal(f"{schema}.pool_changes")),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (changed)").format(
                sql.Identifier("pool_guides_changed"), guides
            ),
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
                " closed boolean NOT NULL DEFAULT false,"
                " changed bigint NOT NULL DEFAULT nextval({}))"
            ).format(placements, sql.Literal(f"{schema}.pool_changes")),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (changed)").format(
                sql.Identifier("pool_placements_changed"), placements
            ),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (gemeente)").format(
                sql.Identifier("pool_placements_gemeente"), placements
            ),
        ]

    def apply(self, cur: Cursor, schema: str, e: Any) -> None:
        guides, placements = (sql.Identifier(schema, t) for t in self.tables)

        def insert(table: sql.Identifier, where: str, value: Any) -> None:
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (organisation, {}, details, id) VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (id) DO NOTHING"
                ).format(table, sql.Identifier(where)),
                (e.organisation, value, Jsonb(e.details), e.originator_id),
            )

        def update(table: sql.Identifier, assignments: str, *values: Any) -> None:
            """Change the row of `e`'s aggregate, marking it changed."""
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET changed = nextval({}), " + assignments + " WHERE id = %s"
                ).format(table, sql.Literal(f"{schema}.pool_changes")),
                (*values, e.originator_id),
            )

        if isinstance(e, Guide.Registered):
            insert(guides, "gemeenten", e.details["gemeenten"])
        elif isinstance(e, Guide.Changed):
            update(
                guides,
                "details = details || %s, gemeenten = coalesce(%s, gemeenten)",
                Jsonb(e.changes),
                e.changes.get("gemeenten"),
            )
        elif isinstance(e, Guide.Withdrawn):
            update(guides, "withdrawn = true")
        elif isinstance(e, (Guide.Assigned, Guide.Released)):
            update(guides, "caseload = %s", e.caseload)
        elif isinstance(e, Placement.Offered):
            insert(placements, "gemeente", e.details["gemeente"])
        elif isinstance(e, Placement.Changed):
            update(
                placements,
                "details = details || %s, gemeente = coalesce(%s, gemeente)",
                Jsonb(e.changes),
                e.changes.get("gemeente"),
            )
        elif isinstance(e, Placement.Closed):
            update(placements, "closed = true")
        elif isinstance(e, Placement.Filled):
            update(placements, "filled = filled + 1")
        elif isinstance(e, Placement.Freed):
            update(placements, "filled = filled - 1")


class ProposalInbox(Projection):
    """Per organisation, the proposals made to it and where they stand: what its coordinator
    answers (and is told: the Dutch level, when the protocol or consent allowed it)."""

    name = "proposal_inbox"
    tables = ("proposal_inbox",)
    handles = (
        Guidance.Proposed,
        Guidance.Answered,
        Guidance.Started,
        Guidance.Ended,
        Guidance.HandedOver,
    )

    def create_statements(self, schema: str) -> list[sql.Composable]:
        table = sql.Identifier(schema, "proposal_inbox")
        return [
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " proposal_id uuid PRIMARY KEY,"
                " organisation text NOT NULL,"
                " dossier_id uuid NOT NULL,"
                " gemeente text NOT NULL,"
                " kind text NOT NULL,"
                " candidate_id uuid NOT NULL,"
                " told jsonb NOT NULL,"
                " status text NOT NULL,"
                " proposed_at timestamptz NOT NULL,"
                " started_on date,"
                " ended_on date,"
                " outcome text)"
            ).format(table),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (organisation, status)").format(
                sql.Identifier("proposal_inbox_organisation"), table
            ),
        ]

    def apply(self, cur: Cursor, schema: str, e: Any) -> None:
        table = sql.Identifier(schema, "proposal_inbox")
        if isinstance(e, Guidance.Proposed):
            subject = e.context["subject"]
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (proposal_id, organisation, dossier_id, gemeente, kind,"
                    " candidate_id, told, status, proposed_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, 'voorgesteld', %s)"
                    " ON CONFLICT (proposal_id) DO NOTHING"
                ).format(table),
                (
                    e.proposal_id,
                    e.organisation,
                    subject["dossier_id"],
                    subject["gemeente"],
                    e.kind,
                    e.candidate_id,
                    Jsonb(e.told),
                    e.timestamp,
                ),
            )
        elif isinstance(e, Guidance.Answered):
            # The status follows the aggregate's rule: a decline ends it, two accepts accept it.
            # One accept is `voorgesteld-<side>`, so the coordinator knows whether they answered
            # (`voorgesteld-half`, from before the side was kept, is one accept too).
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET status = CASE WHEN NOT %s THEN 'afgewezen'"
                    " WHEN status LIKE 'voorgesteld-%%' THEN 'geaccepteerd'"
                    " ELSE 'voorgesteld-' || %s END WHERE proposal_id = %s"
                ).format(table),
                (e.accepted, e.side, e.proposal_id),
            )
        elif isinstance(e, Guidance.Started):
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET status = 'gestart', started_on = %s WHERE proposal_id = %s"
                ).format(table),
                (e.on, e.proposal_id),
            )
        elif isinstance(e, Guidance.Ended):
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET status = 'beeindigd', ended_on = %s, outcome = %s"
                    " WHERE proposal_id = %s"
                ).format(table),
                (e.on, e.outcome, e.proposal_id),
            )
        elif isinstance(e, Guidance.HandedOver):
            cur.execute(
                sql.SQL("UPDATE {} SET gemeente = %s WHERE dossier_id = %s").format(table),
                (e.to_gemeente, e.context["subject"]["dossier_id"]),
            )


PROJECTIONS = (PoolProjection(), ProposalInbox())


def organisation_proposals(cur: Cursor, organisation: str, schema: str = "matching") -> list:
    """The proposals made to `organisation` that are not over, oldest first."""
    cur.execute(
        sql.SQL(
            "SELECT proposal_id, dossier_id, gemeente, kind, candidate_id, told, status,"
            " proposed_at, started_on FROM {} WHERE organisation = %s"
            " AND status NOT IN ('afgewezen', 'beeindigd') ORDER BY proposed_at"
        ).format(sql.Identifier(schema, "proposal_inbox")),
        (organisation,),
    )
    return [
        {
            **row,
            "proposal_id": str(row["proposal_id"]),
            "dossier_id": str(row["dossier_id"]),
            "candidate_id": str(row["candidate_id"]),
            # Half-answered is still "voorgesteld" to the reader, as on the aggregate.
            "status": row["status"].partition("-")[0],
            "answered": _answered(row["status"]),
            "proposed_at": row["proposed_at"].isoformat(),
            "started_on": row["started_on"].isoformat() if row["started_on"] else None,
        }
        for row in cur.fetchall()
    ]


def _answered(status: str) -> dict[str, bool]:
    """Which sides accepted, by the inbox's status (only accepts keep a proposal open)."""
    if status in ("geaccepteerd", "gestart"):
        return {"persoon": True, "aanbieder": True}
    side = status.partition("-")[2]
    return {side: True} if side in ("persoon", "aanbieder") else {}


def guide_guidances(
    cur: Cursor, organisation: str, user_id: str, schema: str = "matching"
) -> list[dict[str, Any]]:
    """The guidances running now whose guide is the account `user_id` of `organisation` (the
    rule of the active guide: their account and their organisation), earliest first."""
    if not user_id or not organisation:
        return []
    cur.execute(
        sql.SQL(
            "SELECT p.dossier_id, p.gemeente, p.candidate_id, p.proposal_id, p.started_on"
            " FROM {} p JOIN {} g ON g.id = p.candidate_id"
            " WHERE p.kind = 'begeleider' AND p.status = 'gestart' AND p.organisation = %s"
            " AND g.organisation = %s AND g.details->>'user_id' = %s"
            " ORDER BY p.started_on, p.dossier_id"
        ).format(sql.Identifier(schema, "proposal_inbox"), sql.Identifier(schema, "pool_guides")),
        (organisation, organisation, user_id),
    )
    return [
        {
            "dossier_id": str(row["dossier_id"]),
            "gemeente": row["gemeente"],
            "guide_id": str(row["candidate_id"]),
            "proposal_id": str(row["proposal_id"]),
            "since": row["started_on"].isoformat(),
        }
        for row in cur.fetchall()
    ]


class PostgresPool:
    """The pool as the projection holds it, kept in memory and refreshed with what changed since
    the last read (one query per table, usually returning nothing)."""

    def __init__(self, db: Database, schema: str = "matching"):
        self.db = db
        self.schema = schema
        self._lock = Lock()
        self._seen = {"pool_guides": 0, "pool_placements": 0}
        self._guides: dict[str, ranking.Guide] = {}
        self._placements: dict[str, ranking.Placement] = {}
        self._frozen = False

    def guides(self, gemeenten: Iterable[str]) -> list[ranking.Guide]:
        self.refresh()
        wanted = frozenset(gemeenten)
        return [g for g in self._guides.values() if g.gemeenten & wanted]

    def placements(self, gemeenten: Iterable[str]) -> list[ranking.Placement]:
        self.refresh()
        wanted = frozenset(gemeenten)
        return [p for p in self._placements.values() if p.gemeente in wanted]

    def refresh(self) -> None:
        with self._lock, self.db.transaction() as cur:
            guides = self._changed(cur, "pool_guides")
            placements = self._changed(cur, "pool_placements")
            for row in guides:
                key = str(row["id"])
                self._guides.pop(key, None)
                if not row["withdrawn"]:
                    self._guides[key] = guide_candidate(
                        key, row["organisation"], row["details"], row["caseload"], False
                    )
            for row in placements:
                key = str(row["id"])
                self._placements.pop(key, None)
                if not row["closed"]:
                    self._placements[key] = placement_candidate(
                        key, row["organisation"], row["details"], row["filled"], False
                    )
        if not self._frozen and len(guides) + len(placements) >= FREEZE_AFTER:
            # The pool lives as long as the process: keep its first load out of the cyclic
            # garbage collector's full passes, which otherwise double a ranking's p95 (refcounts
            # still free replaced candidates). Once: a freeze also keeps whatever else exists.
            gc.freeze()
            self._frozen = True

    def _changed(self, cur: Cursor, table: str) -> list[dict[str, Any]]:
        cur.execute(
            sql.SQL("SELECT * FROM {} WHERE changed > %s ORDER BY changed").format(
                sql.Identifier(self.schema, table)
            ),
            (self._seen[table],),
        )
        rows = cur.fetchall()
        if rows:
            self._seen[table] = rows[-1]["changed"]
        return rows


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
