"""consent's read model: one row per consent record, for lists, expiry and the partner feeds; it
can be dropped and rebuilt from consent's events (G6)."""

from __future__ import annotations

from datetime import date
from typing import Any

from psycopg import Cursor, sql

from services.common.projection import Projection
from services.consent.partners import Partner
from services.consent.records import DossierConsents


class ConsentIndex(Projection):
    name = "consent_index"
    tables = ("consent_index",)
    handles = (
        DossierConsents.ConsentGiven,
        DossierConsents.ConsentChanged,
        DossierConsents.ConsentWithdrawn,
        DossierConsents.ConsentExpired,
    )

    def create_statements(self, schema: str) -> list[sql.Composable]:
        table = sql.Identifier(schema, "consent_index")
        return [
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " consent_id uuid PRIMARY KEY,"
                " dossier_id uuid NOT NULL,"
                " gemeente text NOT NULL,"
                " grantee text NOT NULL,"
                " purpose text NOT NULL,"
                " categories text[] NOT NULL,"
                " valid_from date NOT NULL,"
                " valid_until date NOT NULL,"
                " status text NOT NULL,"
                " withdrawn_on date)"
            ).format(table),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (status, valid_until)").format(
                sql.Identifier("consent_index_status"), table
            ),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (dossier_id)").format(
                sql.Identifier("consent_index_dossier"), table
            ),
        ]

    def apply(self, cur: Cursor, schema: str, e: Any) -> None:
        table = sql.Identifier(schema, "consent_index")
        if isinstance(e, DossierConsents.ConsentGiven):
            consent, subject = e.consent, e.context["subject"]
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (consent_id, dossier_id, gemeente, grantee, purpose,"
                    " categories, valid_from, valid_until, status)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'gegeven')"
                    " ON CONFLICT (consent_id) DO NOTHING"
                ).format(table),
                (
                    e.consent_id,
                    subject["dossier_id"],
                    subject["gemeente"],
                    consent["grantee"]["oin"],
                    consent["purpose"],
                    consent["categories"],
                    consent["valid_from"],
                    consent["valid_until"],
                ),
            )
        elif isinstance(e, DossierConsents.ConsentChanged):
            for column in ("categories", "valid_until"):
                if column in e.changes:
                    cur.execute(
                        sql.SQL("UPDATE {} SET {} = %s WHERE consent_id = %s").format(
                            table, sql.Identifier(column)
                        ),
                        (e.changes[column], e.consent_id),
                    )
        elif isinstance(e, DossierConsents.ConsentWithdrawn):
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET status = 'ingetrokken', withdrawn_on = %s WHERE consent_id = %s"
                ).format(table),
                (e.on, e.consent_id),
            )
        elif isinstance(e, DossierConsents.ConsentExpired):
            cur.execute(
                sql.SQL("UPDATE {} SET status = 'verlopen' WHERE consent_id = %s").format(table),
                (e.consent_id,),
            )


def expiry_candidates(cur: Cursor, today: date) -> list[str]:
    """Dossiers with a consent still marked given whose period ended before `today`."""
    cur.execute(
        "SELECT DISTINCT dossier_id FROM consent.consent_index"
        " WHERE status = 'gegeven' AND valid_until < %s",
        (today,),
    )
    return [str(row["dossier_id"]) for row in cur.fetchall()]


class PartnerIndex(Projection):
    """The partner organisations: the list an admin keeps them from (issue 16)."""

    name = "partner_index"
    tables = ("partner_index",)
    handles = (Partner.Registered, Partner.Changed)

    def create_statements(self, schema: str) -> list[sql.Composable]:
        return [
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " partner_id uuid PRIMARY KEY,"
                " oin text NOT NULL,"
                " name text NOT NULL,"
                " kind text NOT NULL,"
                " gemeenten text[] NOT NULL)"
            ).format(sql.Identifier(schema, "partner_index"))
        ]

    def apply(self, cur: Cursor, schema: str, e: Any) -> None:
        table = sql.Identifier(schema, "partner_index")
        if isinstance(e, Partner.Registered):
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (partner_id, oin, name, kind, gemeenten)"
                    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (partner_id) DO NOTHING"
                ).format(table),
                (e.originator_id, e.oin, e.name, e.kind, list(e.gemeenten)),
            )
        elif isinstance(e, Partner.Changed):
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET name = %s, kind = %s, gemeenten = %s WHERE partner_id = %s"
                ).format(table),
                (e.name, e.kind, list(e.gemeenten), e.originator_id),
            )


def list_partners(cur: Cursor, gemeenten: tuple[str, ...]) -> list[dict[str, Any]]:
    """The partners that work for any of `gemeenten`, by name."""
    cur.execute(
        "SELECT oin, name, kind, gemeenten FROM consent.partner_index"
        " WHERE gemeenten && %s::text[] ORDER BY lower(name), oin",
        (list(gemeenten),),
    )
    return [
        {"oin": r["oin"], "name": r["name"], "kind": r["kind"], "gemeenten": sorted(r["gemeenten"])}
        for r in cur.fetchall()
    ]


PROJECTIONS = (ConsentIndex(), PartnerIndex())
