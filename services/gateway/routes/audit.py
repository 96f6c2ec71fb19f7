"""The routes onto audit (the auditor's ledger, who read a dossier, the person's inzage report,
the ledger's integrity; the dossier's timeline for its gemeente's staff), and a client's question
what came of its own command."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from services.common.access import Action
from services.contracts import audit as c
from services.contracts.events import REGISTER
from services.contracts.gateway import CommandState
from services.gateway.http import csv_response, html_response, json_response
from services.gateway.routing import Call, Read, Route

DOSSIER = "/api/v1/audit/dossiers/{dossier_id}"
ERRORS = (401, 403, 503, 504)


def _first_gemeente(rows: str) -> Any:
    """Reads of the dossier, filed under the gemeente of the first row shown (none: no read)."""

    def reads(answer: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
        shown = answer[rows]
        return [(answer["dossier_id"], shown[0]["gemeente"], ["intern"])] if shown else []

    return reads


def _dossier_entries(call: Call) -> dict[str, Any]:
    dossier_id = call.path["dossier_id"]
    return {"dossier_id": dossier_id, "entries": call.invoke("audit.dossier_entries", dossier_id)}


def _readers(call: Call) -> dict[str, Any]:
    dossier_id = call.path["dossier_id"]
    return {"dossier_id": dossier_id, "readers": call.invoke("audit.readers", dossier_id)}


def _query(call: Call) -> Any:
    """A page of entries, or its CSV export; an auditor's query about one dossier is a read of
    it. The service checks the filters itself, and refuses one it does not know."""
    request = call.request
    page = call.invoke("audit.query", dict(request.args))
    dossier_id = request.args.get("dossier_id")
    shown = [row["gemeente"] for row in page.get("entries", [])] or page.get("gemeenten", [])
    if dossier_id and shown:
        call.gateway._log_read(call.ctx, "audit", dossier_id, shown[0], ["intern"])
    if "csv" in page:
        response = csv_response(page["csv"], "audit-entries.csv")
        response.headers.update(_next_page(call, page))
        return response
    return page


def _next_page(call: Call, page: dict[str, Any]) -> dict[str, str]:
    """RFC 8288: where the next page is."""
    if page["next_after"] is None:
        return {}
    request = call.request
    following = urlencode({**request.args, "after": page["next_after"]})
    return {"Link": f'<{request.path}?{following}>; rel="next"'}


def _timeline_categories(page: dict[str, Any]) -> set[str]:
    """What the items tell: the category each event type reveals by itself (a field's category
    is not told: an item holds none of the event's data)."""
    found = {"intern"}
    for item in page["items"]:
        known = REGISTER.get(item["event_type"])
        if known is not None and isinstance(known.category, str) and known.category:
            found.add(known.category)
    return found


def _next_timeline_page(call: Call, page: dict[str, Any]) -> dict[str, str]:
    """RFC 8288: where the timeline's next page is."""
    if page["next_before"] is None:
        return {}
    request = call.request
    following = urlencode({**request.args, "before": page["next_before"]})
    return {"Link": f'<{request.path}?{following}>; rel="next"'}


def _partner_names(call: Call) -> dict[str, str]:
    """Partner organisations by OIN, as consent's register names them (for the caller's
    gemeenten): audit keeps no names of its own."""
    return {p["oin"]: p["name"] for p in call.invoke("consent.partners")["partners"]}


def _timeline(call: Call) -> Any:
    query = call.query
    return call.invoke(
        "audit.timeline", call.path["dossier_id"], query.before, query.limit, _partner_names(call)
    )


def _inzage(call: Call, as_html: bool) -> Any:
    """The inzage report, its partner organisations named as consent's register names them (read
    for the auditor, so only those of their gemeenten): audit keeps no names of its own."""
    return call.invoke("audit.inzage", call.path["dossier_id"], as_html, _partner_names(call))


ROUTES = (
    Route(
        "GET",
        DOSSIER,
        "getDossierAudit",
        "The audit ledger entries about one dossier (auditor role)",
        Action.READ_AUDIT,
        "audit-controle",
        _dossier_entries,
        answer=c.AuditEntries,
        answer_description="In ledger order.",
        errors=ERRORS,
        read=Read("audit", each=_first_gemeente("entries")),
    ),
    Route(
        "GET",
        "/api/v1/audit/entries",
        "queryAuditEntries",
        "Ledger entries by dossier_id, actor, organisation, gemeente, activity,"
        " processing_activity, event_type, trace_id, from/to (event time, ISO), a page at a time"
        " (after, limit); format=csv exports (auditor, own gemeenten only)",
        Action.READ_AUDIT,
        "audit-controle",
        _query,
        query=c.AuditQuery,
        render=lambda call, page: json_response(200, page, **_next_page(call, page)),
        answer=c.AuditPage,
        answer_description="A page of entries (a `Link` header with rel=next to the next); or CSV.",
        media={
            "application/json": {"$ref": "#/components/schemas/AuditPage"},
            "text/csv": {"type": "string"},
        },
        errors=(401, 403, 422, 503, 504),
    ),
    Route(
        "GET",
        f"{DOSSIER}/readers",
        "getDossierReaders",
        "Who saw this dossier: every read of its personal data through the API",
        Action.READ_AUDIT,
        "audit-controle",
        _readers,
        answer=c.Readers,
        answer_description="Every read: who, in which roles and organisation, why, when.",
        errors=ERRORS,
        read=Read("audit", each=_first_gemeente("readers")),
    ),
    Route(
        "GET",
        f"{DOSSIER}/inzage",
        "getInzage",
        "The person's inzage report (AVG art. 15): what was recorded, for which purpose and"
        " basis, who received what, who read it (auditor)",
        Action.READ_AUDIT,
        "inzage-betrokkene",
        lambda call: _inzage(call, as_html=False),
        answer=c.Inzage,
        answer_description="The report, in Dutch field names.",
        errors=(401, 403, 404, 503, 504),
        read=Read("inzage", ["intern"], gemeente_from_answer=False),
    ),
    Route(
        "GET",
        f"{DOSSIER}/inzage.html",
        "getInzagePage",
        "The inzage report as a printable page in Dutch",
        Action.READ_AUDIT,
        "inzage-betrokkene",
        lambda call: _inzage(call, as_html=True),
        answer_description="HTML page.",
        media={"text/html": {"type": "string"}},
        errors=(401, 403, 404, 503, 504),
        read=Read("inzage", ["intern"], gemeente_from_answer=False),
        render=lambda call, page: html_response(page),
    ),
    Route(
        "GET",
        "/api/v1/audit/status",
        "getAuditStatus",
        "The ledger's integrity: its size, the signed checkpoints (signatures checked) and the"
        " latest verifications of the whole chain (auditor)",
        Action.READ_AUDIT,
        "audit-controle",
        "audit.status",
        answer=c.AuditStatus,
        answer_description="Counts, hashes and outcomes: no entry's content.",
        description="A verification recomputes every entry's hash and checks it against the"
        " signed checkpoints; the audit service runs one every WEGWIJS_VERIFY_SECONDS and"
        " `wegwijs audit verify` records its own. A finding names the first bad entry.",
        errors=(401, 403, 503, 504),
    ),
    Route(
        "GET",
        "/api/v1/dossiers/{dossier_id}/timeline",
        "getDossierTimeline",
        "What happened in the dossier and who did it, newest first, a page at a time"
        " (regievoerder and klantmanager of its gemeente)",
        Action.READ_TIMELINE,
        "dossier-inzien",
        _timeline,
        query=c.TimelineQuery,
        render=lambda call, page: json_response(200, page, **_next_timeline_page(call, page)),
        answer=c.Timeline,
        answer_description="A page of items, newest first (a `Link` header with rel=next to"
        " the next).",
        description="From the audit ledger: every event about the dossier with when, what (in"
        " Dutch), who and the trace id. Reads of the dossier, the API's account of commands"
        " and the services' own bookkeeping are left out, and so is every event's content: a"
        " signal is only said to be given. What touches health is shown to the regievoerder"
        " only. Reading the timeline is itself in the access log.",
        errors=(401, 403, 404, 422, 503, 504),
        read=Read("tijdlijn", _timeline_categories),
    ),
    Route(
        "GET",
        "/api/v1/commands/{key}",
        "commandOutcome",
        "What came of one's own command, by its Idempotency-Key",
        Action.FOLLOW_COMMAND,
        "opdracht-volgen",
        lambda call: call.gateway.command_state(call.ctx, call.path["key"]),
        answer=CommandState,
        answer_description="The command's state.",
        description="For a client that got no answer, 503 or 504. A command whose answer can no"
        " longer come is settled first: it took effect, was refused, or is given up for good"
        " (then the same request with the same key is carried out anew). The answer's body is"
        " not repeated here: send the same request with the same key for that.",
        errors=(401, 403, 404, 503, 504),
        params={"key": "path"},
    ),
)
