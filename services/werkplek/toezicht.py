"""The auditor's pages: the ledger searched with every filter the API has (a page at a time, and
as a CSV download), who saw a dossier, the person's inzage report, and whether the ledger is
whole (its verifications and signed checkpoints)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.common import settings
from services.common.clock import today_in_amsterdam
from services.werkplek import texts
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.sessions import Session

AUDIT = "/api/v1/audit"
# The search form's text fields: each as the API names its filter, its label and a hint.
TEXT_FILTERS = (
    ("dossier_id", "Dossiernummer", "Het nummer van het dossier, zoals 3f2c9a1e-…"),
    ("actor", "Gebruiker", "De gebruikersnaam, zoals anna."),
    ("organisation", "Organisatie (OIN)", "Het OIN: 20 cijfers."),
    ("activity", "Reden", "De reden die de gebruiker gaf, zoals dossier-inzien."),
    ("event_type", "Soort gebeurtenis", "Zoals nl.wegwijs.intake.dossier.geregistreerd.v1."),
    ("trace_id", "Spoornummer", "Alles wat één handeling in Wegwijs veroorzaakte."),
)
# Every field's label, for the summary of what is wrong.
LABELS = {
    **{name: label for name, label, _ in TEXT_FILTERS},
    "gemeente": "Gemeente",
    "processing_activity": "Verwerking",
    "van": "Vanaf datum",
    "tot": "Tot en met datum",
    "limit": "Regels per pagina",
}
PAGE_SIZES = (25, 50, 100, 500)
DEFAULT_PAGE_SIZE = 50
EXPORT_PAGES = 100  # at most 50,000 entries in one CSV download
RESULTS = {
    "vastgelegd": "vastgelegd",
    "toegestaan": "gedeeld",
    "deels-toegestaan": "deels gedeeld",
    "geweigerd": "geweigerd",
    "tegengehouden": "tegengehouden",
    "uitgevoerd": "uitgevoerd",
    "mislukt": "mislukt",
}
# What a verification can find, at B1 level.
FINDINGS = {
    "changed": "Een regel is veranderd: de gegevens passen niet meer bij de controlecode.",
    "missing": "Een of meer regels zijn verwijderd: de nummering springt.",
    "inserted": "Er is een regel tussengevoegd met een nummer dat al bestond.",
    "out-of-place": "Een regel staat niet op zijn plaats: tussengevoegd, verplaatst of verwisseld.",
    "truncated": "Het logboek is ingekort: er zijn minder regels dan een ondertekend controlepunt"
    " telde.",
    "rewritten": "Het logboek is herschreven: het verschilt van een ondertekend controlepunt.",
    "bad-signature": "Een controlepunt is niet ondertekend met de sleutel van Wegwijs.",
}


@cache
def _register() -> dict[str, Any]:
    """The register of processing activities (infra/processing-register.json)."""
    with open(settings.PROCESSING_REGISTER_FILE.get(), encoding="utf-8") as file:
        return json.load(file)


def processing_activities() -> list[tuple[str, str]]:
    """(id, name) of each processing activity in the register."""
    return [(a["id"], a["name"]) for a in _register()["activities"]]


def event_types() -> list[str]:
    return sorted(t for a in _register()["activities"] for t in a["event_types"])


def what_happened(event_type: str) -> tuple[str, str]:
    """An event type as (processing activity, what happened): the register's name of its
    activity, and "dossier geregistreerd" for nl.wegwijs.intake.dossier.geregistreerd.v1."""
    activity = next(
        (a["name"] for a in _register()["activities"] if event_type in a["event_types"]), ""
    )
    parts = event_type.split(".")
    happened = " ".join(parts[3:-1]).replace("-", " ") if len(parts) > 4 else event_type
    return activity, happened


def reason(activity: str) -> str:
    """The activity an actor gave, as words: "dossier-inzien" is "dossier inzien"."""
    words = activity.replace("-", " ").replace("_", " ")
    return re.sub(r"\bpip\b", "PIP", words)


def roles(actor_roles: str) -> str:
    return ", ".join(texts.role(r) for r in re.split(r"[ ,]+", actor_roles or "") if r)


def _entry(row: dict[str, Any]) -> dict[str, Any]:
    activity, happened = what_happened(row["event_type"])
    return {
        **row,
        "processing": activity,
        "happened": happened,
        "reason": reason(row["activity"]),
        "roles": roles(row["actor_roles"]),
        "outcome": RESULTS.get(row.get("result") or "", row.get("result") or ""),
    }


def _moment(day: str, field: str, problems: dict[str, str], next_day: bool = False) -> str:
    """A date of the form as the start of that day (or of the next) in Dutch time, with its
    offset, as the API wants it."""
    try:
        chosen = date.fromisoformat(day)
    except ValueError:
        problems[field] = "Vul een datum in, zoals 12-03-2026."
        return ""
    if next_day:
        chosen += timedelta(days=1)
    return datetime.combine(chosen, time(0), texts.AMSTERDAM).isoformat()


def _auditors_only(session: Session) -> None:
    """A page that shows nothing of the API before a search still refuses another role, as the
    gateway would."""
    if not set(AUDITORS) & set(session.roles):
        raise Problem(status=403)


def _filters(request: Request, session: Session) -> tuple[dict[str, str], dict[str, Any], dict]:
    """The form's values, the API's query for them, and what is wrong with them."""
    params = request.query_params
    values = {name: params.get(name, "").strip() for name, *_ in TEXT_FILTERS}
    for name in ("gemeente", "processing_activity", "van", "tot", "limit"):
        values[name] = params.get(name, "").strip()
    problems: dict[str, str] = {}
    query: dict[str, Any] = {name: values[name] for name, *_ in TEXT_FILTERS if values[name]}
    if values["gemeente"]:
        if values["gemeente"] in session.gemeenten:
            query["gemeente"] = values["gemeente"]
        else:
            problems["gemeente"] = "Kies een van de mogelijkheden."
    if values["processing_activity"]:
        query["processing_activity"] = values["processing_activity"]
    if values["van"]:
        query["from"] = _moment(values["van"], "van", problems)
    if values["tot"]:
        query["to"] = _moment(values["tot"], "tot", problems, next_day=True)
    size = int(values["limit"]) if values["limit"].isdigit() else DEFAULT_PAGE_SIZE
    values["limit"] = str(size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE)
    query["limit"] = values["limit"]
    return values, query, problems


async def ledger(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Search the ledger: every filter of the API, a page at a time."""
    _auditors_only(session)
    values, query, problems = _filters(request, session)
    asked = bool(request.url.query)
    after = request.query_params.get("na", "")
    page_number = request.query_params.get("pagina", "1")
    page = None
    if asked and not problems:
        if after.isdigit():
            query["after"] = after
        try:
            page = await gateway.get(f"{AUDIT}/entries", **query)
        except Problem as problem:
            if problem.status != 422:
                raise
            names = {"from": "van", "to": "tot"}
            for name, detail in problem.field_errors().items():
                field = names.get(name, name)
                problems.setdefault(field, texts.field_problem(field, detail))
    kept = {k: v for k, v in values.items() if v}
    following = None
    if page and page["next_after"] is not None:
        number = int(page_number) + 1 if page_number.isdigit() else 2
        following = "?" + urlencode({**kept, "na": page["next_after"], "pagina": number})
    return werkplek.render(
        request,
        "toezicht_logboek.html",
        session=session,
        status=422 if problems else 200,
        values=values,
        problems=problems,
        text_filters=TEXT_FILTERS,
        labels=LABELS,
        gemeenten=[(c, n) for c, n in texts.gemeenten() if c in session.gemeenten],
        activities=processing_activities(),
        event_types=event_types(),
        page_sizes=PAGE_SIZES,
        asked=asked,
        entries=[_entry(e) for e in page["entries"]] if page else None,
        page_number=page_number if page_number.isdigit() else "1",
        first="?" + urlencode(kept) if after else None,
        following=following,
        download="/toezicht/logboek.csv?" + urlencode(kept),
    )


async def ledger_csv(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Every entry the filters find, as one CSV (the API's, page after page, one header)."""
    _auditors_only(session)
    _values, query, problems = _filters(request, session)
    if problems:
        return RedirectResponse("/toezicht/logboek?" + request.url.query, status_code=303)
    query.update({"format": "csv", "limit": "500"})
    parts: list[bytes] = []
    after = "0"
    for _ in range(EXPORT_PAGES):
        answer = await gateway.client.get(
            f"{gateway.base_url}{AUDIT}/entries",
            params={**query, "after": after},
            headers={**gateway.headers, "Accept": "text/csv"},
        )
        if answer.status_code == 422:  # the search page names what is wrong
            return RedirectResponse("/toezicht/logboek?" + request.url.query, status_code=303)
        if answer.status_code >= 400:
            Gateway._body(answer)  # raises the problem: page() shows it
        parts.append(answer.content if not parts else answer.content.split(b"\n", 1)[-1])
        found = re.search(r"[?&]after=(\d+)[^>]*>;\s*rel=\"next\"", answer.headers.get("Link", ""))
        if not found:
            break
        after = found.group(1)
    else:
        return werkplek.render(
            request,
            "melding.html",
            session=session,
            status=413,
            title="Te veel regels voor één download",
            message="Deze zoekvraag vindt meer dan 50.000 regels. Maak de zoekvraag kleiner,"
            " bijvoorbeeld met een kortere periode, en download dan opnieuw.",
            link=("/toezicht/logboek?" + request.url.query, "Terug naar het logboek"),
        )
    filename = f"logboek-wegwijs-{today_in_amsterdam().isoformat()}.csv"
    return Response(
        b"".join(parts),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def find_dossier(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Look up a dossier by its number: who saw it, and its inzage report."""
    _auditors_only(session)
    number = request.query_params.get("dossier", "").strip()
    problem = ""
    if "dossier" in request.query_params:
        try:
            return RedirectResponse(f"/toezicht/dossiers/{uuid.UUID(number)}", status_code=303)
        except ValueError:
            problem = (
                "Vul een dossiernummer in. Het heeft 32 cijfers en letters, met streepjes,"
                " zoals 3f2c9a1e-7b4d-4c1a-9e2f-5a6b7c8d9e0f."
            )
    return werkplek.render(
        request,
        "toezicht_dossier_zoeken.html",
        session=session,
        status=422 if problem else 200,
        number=number,
        problem=problem,
    )


async def dossier(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Who saw this dossier: every read of its personal data through the API."""
    dossier_id = str(request.path_params["dossier_id"])
    readers = (await gateway.get(f"{AUDIT}/dossiers/{dossier_id}/readers"))["readers"]
    return werkplek.render(
        request,
        "toezicht_dossier.html",
        session=session,
        dossier_id=dossier_id,
        readers=[
            {**r, "roles": roles(r["actor_roles"]), "reason": reason(r["activity"])}
            for r in readers
        ],
        entries="/toezicht/logboek?" + urlencode({"dossier_id": dossier_id}),
    )


async def inzage(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The person's inzage report (AVG art. 15), from the API's JSON, to print for them."""
    dossier_id = str(request.path_params["dossier_id"])
    report = await gateway.get(f"{AUDIT}/dossiers/{dossier_id}/inzage")
    return werkplek.render(
        request,
        "toezicht_inzage.html",
        session=session,
        report=report,
        readers=_grouped(report["inzage_door"]),
        categories=texts.category_labels(),
    )


def _grouped(reads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reads of the inzage report, the same role, organisation, reason and day once, with how
    many times: a person reads "regievoerder, dossier inzien, 12 maart 2026: 3 keer"."""
    grouped: dict[tuple, dict[str, Any]] = {}
    for r in reads:
        key = (r.get("rol"), r.get("organisatie"), r.get("waarom"), r.get("datum"))
        if key not in grouped:
            grouped[key] = {
                **r,
                "rol": roles(r.get("rol") or ""),
                "waarom": reason(r.get("waarom") or ""),
                "keer": 0,
            }
        grouped[key]["keer"] += 1
    return list(grouped.values())


def every(seconds: int) -> str:
    """3600 as "elk uur", 300 as "elke 5 minuten"."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "elk uur" if hours == 1 else f"elke {hours} uur"
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "elke minuut" if minutes == 1 else f"elke {minutes} minuten"
    return f"elke {seconds} seconden"


async def verification(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Is the ledger whole: the latest verifications and the signed checkpoints."""
    status = await gateway.get(f"{AUDIT}/status")
    schedule = status["schedule"]
    return werkplek.render(
        request,
        "toezicht_controle.html",
        session=session,
        state=status,
        findings=FINDINGS,
        verify_every=every(schedule["verify_seconds"]),
        checkpoint_every=every(schedule["checkpoint_seconds"]),
    )


AUDITORS = ("auditor",)
# (path, handler, methods) of each page, and the menu: (label, path, roles that see it).
PAGES: tuple = (
    ("/toezicht/logboek", ledger, ["GET"]),
    ("/toezicht/logboek.csv", ledger_csv, ["GET"]),
    ("/toezicht/dossiers", find_dossier, ["GET"]),
    ("/toezicht/dossiers/{dossier_id:uuid}", dossier, ["GET"]),
    ("/toezicht/dossiers/{dossier_id:uuid}/inzage", inzage, ["GET"]),
    ("/toezicht/controle", verification, ["GET"]),
)
MENU: tuple = (
    ("Logboek", "/toezicht/logboek", AUDITORS),
    ("Wie zag een dossier", "/toezicht/dossiers", AUDITORS),
    ("Controle van het logboek", "/toezicht/controle", AUDITORS),
)
