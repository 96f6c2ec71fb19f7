"""What auditors ask of the ledger: entries by dossier, actor, organisation, gemeente, processing
activity, event type, time range and trace id, a page at a time; who read a dossier; and the
answer as CSV. An auditor sees only the gemeenten their token names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from psycopg import Cursor, sql

from services.audit.ledger import ALL_FIELDS
from services.common.errors import InvalidInput, field_error
from services.common.values import CsvText

READ_EVENT = "nl.wegwijs.gateway.gegevens.ingezien.v1"
FILTERS = {
    "dossier_id": "dossier_id",
    "actor": "actor",
    "organisation": "organisation",
    "gemeente": "gemeente",
    "activity": "activity",
    "processing_activity": "processing_activity",
    "event_type": "event_type",
    "trace_id": "correlation_id",
}
MAX_PAGE = 500


def parse_query(args: Mapping[str, Any]) -> dict[str, Any]:
    """Filters, a time range (`from`, `to`: ISO date-times on the event time), and the page
    (`after`: the last `seq` seen; `limit`)."""
    known = (*FILTERS, "from", "to", "after", "limit", "format")
    errors = [
        field_error(k, f"is not a filter; filters: {', '.join(known)}")
        for k in args
        if k not in known
    ]
    query: dict[str, Any] = {k: str(v) for k, v in args.items() if k in FILTERS and v}
    for name in ("from", "to"):
        if args.get(name):
            try:
                moment = datetime.fromisoformat(str(args[name]))
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None:
                errors.append(
                    field_error(
                        name,
                        "must be an ISO 8601 date-time with an offset, such as"
                        " 2026-11-01T00:00:00+01:00",
                    )
                )
            else:  # compared with the stored UTC times as text
                query[name] = moment.astimezone(UTC).isoformat()
    for name, default, low, high in (("after", 0, 0, 2**62), ("limit", 100, 1, MAX_PAGE)):
        try:
            value = int(args.get(name, default))
        except (TypeError, ValueError):
            value = -1
        if not low <= value <= high:
            errors.append(field_error(name, f"must be a whole number from {low} to {high}"))
        query[name] = value
    if errors:
        raise InvalidInput(errors)
    return query


def entries(cur: Cursor, query: Mapping[str, Any], gemeenten: Sequence[str]) -> dict[str, Any]:
    """One page of entries, and where the next page starts (or None): in ledger order, except the
    entries of one trace, which read in the order things happened (event time, then ledger order;
    the API's command has the time its request came in)."""
    where = [sql.SQL("gemeente = ANY(%(gemeenten)s)")]
    if "trace_id" in query:
        order = sql.SQL("event_time, seq")
        if query["after"]:
            where.append(
                sql.SQL(
                    "(event_time, seq) > ((SELECT event_time FROM audit.ledger"
                    " WHERE seq = %(after)s), %(after)s)"
                )
            )
    else:
        order = sql.SQL("seq")
        where.append(sql.SQL("seq > %(after)s"))
    params: dict[str, Any] = {"gemeenten": list(gemeenten), "after": query["after"]}
    for name, column in FILTERS.items():
        if name in query:
            where.append(sql.SQL("{} = %({})s").format(sql.Identifier(column), sql.SQL(name)))
            params[name] = query[name]
    if "from" in query:
        where.append(sql.SQL("event_time >= %(from)s"))
        params["from"] = query["from"]
    if "to" in query:
        where.append(sql.SQL("event_time < %(to)s"))
        params["to"] = query["to"]
    params["limit"] = query["limit"] + 1
    cur.execute(
        sql.SQL("SELECT * FROM audit.ledger WHERE {} ORDER BY {} LIMIT %(limit)s").format(
            sql.SQL(" AND ").join(where), order
        ),
        params,
    )
    rows = [dict(row) for row in cur.fetchall()]
    more = len(rows) > query["limit"]
    rows = rows[: query["limit"]]
    return {"entries": rows, "next_after": rows[-1]["seq"] if more else None}


def readers(cur: Cursor, dossier_id: str, gemeenten: Sequence[str]) -> list[dict[str, Any]]:
    """Who read the dossier's personal data through the API, when and why (from the access log)."""
    cur.execute(
        "SELECT seq, gemeente, actor, actor_roles, organisation, activity, event_time"
        " FROM audit.ledger"
        " WHERE dossier_id = %s AND event_type = %s AND gemeente = ANY(%s) ORDER BY seq",
        (dossier_id, READ_EVENT, list(gemeenten)),
    )
    return [dict(row) for row in cur.fetchall()]


def as_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """Entries as CSV, one column per ledger field; every cell reads back as it was recorded."""
    columns = [*ALL_FIELDS, "prev_hash", "entry_hash"]
    out = CsvText()
    out.writerow(columns)
    for row in rows:
        out.writerow(row.get(column, "") for column in columns)
    return out.getvalue()
