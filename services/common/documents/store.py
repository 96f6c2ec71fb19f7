"""The read model `<schema>.documents` of a service that issues documents, and its queries."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import Cursor, sql

from services.common.documents.issued import DocumentIssued
from services.common.envelope import event_id
from services.common.errors import NotFound
from services.common.projection import Projection


class Documents(Projection):
    """The read model `<schema>.documents`: every document the service issued, by dossier, with
    the gemeente whose dossier it is now (a move hands its letters over with it)."""

    tables = ("documents",)

    def takes(self, event_class: type) -> bool:
        """Documents issued, and moves (any aggregate's `HandedOver`) that carry them along."""
        return issubclass(event_class, DocumentIssued) or event_class.__name__ == "HandedOver"

    def __init__(self, service: str):
        self.service = service
        self.name = f"{service}_documents"  # `wegwijs rebuild intake_documents`

    def create_statements(self, schema: str) -> list[sql.Composable]:
        table = sql.Identifier(schema, "documents")
        return [
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " document_id uuid PRIMARY KEY,"
                " dossier_id uuid NOT NULL,"
                " gemeente text NOT NULL,"
                " kind text NOT NULL,"
                " title text NOT NULL,"
                " category text NOT NULL,"
                " issued_on date NOT NULL,"
                " issued_at timestamptz NOT NULL,"
                " sha256 text NOT NULL,"
                " html text NOT NULL)"
            ).format(table),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (dossier_id, issued_at)").format(
                sql.Identifier("documents_dossier"), table
            ),
        ]

    def apply_at(self, cur: Cursor, schema: str, e: Any, position: int) -> None:
        if type(e).__name__ == "HandedOver":  # a move the new gemeente accepted: theirs now
            cur.execute(
                sql.SQL("UPDATE {} SET gemeente = %s WHERE dossier_id = %s").format(
                    sql.Identifier(schema, "documents")
                ),
                (e.to_gemeente, e.context["subject"]["dossier_id"]),
            )
            return
        if not isinstance(e, DocumentIssued):
            return
        subject = e.context["subject"]
        cur.execute(
            sql.SQL(
                "INSERT INTO {} (document_id, dossier_id, gemeente, kind, title, category,"
                " issued_on, issued_at, sha256, html)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (document_id) DO NOTHING"
            ).format(sql.Identifier(schema, "documents")),
            (
                event_id(self.service, position),
                subject["dossier_id"],
                subject["gemeente"],
                e.kind,
                e.title,
                e.category,
                e.issued_on,
                e.timestamp,
                e.sha256,
                e.html,
            ),
        )


def listed(cur: Cursor, schema: str, dossier_id: UUID | str) -> list[dict[str, Any]]:
    """The dossier's documents, oldest first, without their HTML; with the dossier's gemeente
    each, for the caller to check."""
    cur.execute(
        sql.SQL(
            "SELECT document_id::text AS document_id, gemeente, kind, title, category,"
            " issued_on, issued_at, sha256 FROM {}"
            " WHERE dossier_id = %s ORDER BY issued_at, document_id"
        ).format(sql.Identifier(schema, "documents")),
        (str(dossier_id),),
    )
    return [dict(row) for row in cur.fetchall()]


def one(cur: Cursor, schema: str, dossier_id: UUID | str, document_id: str) -> dict[str, Any]:
    """One document of the dossier with its HTML; NotFound for another dossier's or none."""
    try:
        UUID(str(document_id))
    except ValueError:
        raise NotFound("no such document") from None
    cur.execute(
        sql.SQL(
            "SELECT document_id::text AS document_id, gemeente, kind, title, category,"
            " issued_on, issued_at, sha256, html FROM {} WHERE dossier_id = %s AND document_id = %s"
        ).format(sql.Identifier(schema, "documents")),
        (str(dossier_id), str(document_id)),
    )
    row = cur.fetchone()
    if row is None:
        raise NotFound("no such document in this dossier")
    return dict(row)
