"""Intake's read models."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from psycopg import Cursor, sql

from services.common.projection import Projection
from services.intake.domain import Dossier


class DossierIndex(Projection):
    """Which dossiers each gemeente has: the list a regievoerder starts from."""

    name = "dossier_index"
    tables = ("dossier_index",)

    def create_statements(self, schema: str) -> list[sql.Composable]:
        table = sql.Identifier(schema, "dossier_index")
        return [
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " dossier_id uuid PRIMARY KEY,"
                " gemeente text NOT NULL,"
                " given_name text NOT NULL,"
                " family_name text NOT NULL,"
                " registered_at timestamptz NOT NULL)"
            ).format(table),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (gemeente, registered_at)").format(
                sql.Identifier("dossier_index_gemeente"), table
            ),
            # Added with households; a database made before gets the columns on migrate.
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS household_id uuid").format(table),
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS relation text").format(table),
            # Added with search (issue 16); a database made before: `wegwijs rebuild
            # dossier_index` fills it.
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS v_nummer text").format(table),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (v_nummer)").format(
                sql.Identifier("dossier_index_v_nummer"), table
            ),
        ]

    def apply(self, cur: Cursor, schema: str, domain_event: Any) -> None:
        if isinstance(domain_event, Dossier.JoinedHousehold):
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET household_id = %s, relation = %s WHERE dossier_id = %s"
                ).format(sql.Identifier(schema, "dossier_index")),
                (domain_event.household_id, domain_event.relation, domain_event.originator_id),
            )
        elif isinstance(domain_event, Dossier.Corrected):
            names = {
                k: v
                for k, v in domain_event.changes.items()
                if k in ("given_name", "family_name", "v_nummer")
            }
            for column, value in names.items():
                cur.execute(
                    sql.SQL("UPDATE {} SET {} = %s WHERE dossier_id = %s").format(
                        sql.Identifier(schema, "dossier_index"), sql.Identifier(column)
                    ),
                    (value, domain_event.originator_id),
                )
        elif isinstance(domain_event, Dossier.Registered):
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (dossier_id, gemeente, given_name, family_name,"
                    " registered_at, v_nummer) VALUES (%s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (dossier_id) DO NOTHING"
                ).format(sql.Identifier(schema, "dossier_index")),
                (
                    domain_event.originator_id,
                    domain_event.gemeente,
                    domain_event.given_name,
                    domain_event.family_name,
                    domain_event.timestamp,
                    domain_event.v_nummer,
                ),
            )


@dataclass(frozen=True)
class Search:
    """What a search asks for: one dossier by its BSN's claim or its v-nummer, or the dossiers
    whose name holds every word."""

    dossier_id: str | None = None
    v_nummer: str | None = None
    words: tuple[str, ...] = ()

    @classmethod
    def of(cls, q: str, claimant: Callable[[str], str | None]) -> Search | None:
        """`claimant(bsn)` is the dossier that claimed a BSN (the BSN itself is never stored)."""
        q = q.strip()
        if not q:
            return None
        if re.fullmatch(r"[0-9]{9}", q):
            return cls(dossier_id=claimant(q) or "00000000-0000-0000-0000-000000000000")
        if re.fullmatch(r"[0-9]{10}", q):
            return cls(v_nummer=q)
        return cls(words=tuple(q.split()[:5]))


def list_dossiers(
    cur: Cursor, gemeenten: tuple[str, ...], limit: int = 100, search: Search | None = None
) -> list[dict[str, Any]]:
    where, params = ["gemeente = ANY(%s)"], [list(gemeenten)]
    if search and search.dossier_id:
        where.append("dossier_id = %s")
        params.append(search.dossier_id)
    elif search and search.v_nummer:
        where.append("v_nummer = %s")
        params.append(search.v_nummer)
    for word in search.words if search else ():
        where.append("(given_name || ' ' || family_name) ILIKE %s")
        params.append(f"%{_like(word)}%")
    cur.execute(
        "SELECT dossier_id, gemeente, given_name, family_name, registered_at"
        f" FROM intake.dossier_index WHERE {' AND '.join(where)}"
        " ORDER BY registered_at DESC LIMIT %s",
        (*params, limit),
    )
    return [
        {
            "id": str(row["dossier_id"]),
            "gemeente": row["gemeente"],
            "given_name": row["given_name"],
            "family_name": row["family_name"],
            "registered_at": row["registered_at"].isoformat(),
        }
        for row in cur.fetchall()
    ]


def _like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def household_members(cur: Cursor, household_id: Any) -> list[dict[str, Any]]:
    """The dossiers of one household: its first member and everyone who joined it."""
    cur.execute(
        "SELECT dossier_id, given_name, family_name, coalesce(relation, '') AS relation"
        " FROM intake.dossier_index WHERE dossier_id = %s OR household_id = %s"
        " ORDER BY registered_at",
        (household_id, household_id),
    )
    return [
        {
            "id": str(row["dossier_id"]),
            "given_name": row["given_name"],
            "family_name": row["family_name"],
            "relation": row["relation"],
        }
        for row in cur.fetchall()
    ]
