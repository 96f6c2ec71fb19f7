"""The pages: each reads or sends through the gateway with the person's own token, and renders
Dutch HTML. A page handler takes (request, werkplek, session, gateway, form)."""

from __future__ import annotations

from typing import Any, get_args
from uuid import UUID

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.common.clock import today_in_amsterdam
from services.contracts import intake as intake_contract
from services.werkplek import texts
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.sessions import Session

DOSSIERS = "/api/v1/dossiers"
# The registration form: each input as the API names its field, and its Dutch label.
REGISTRATION = (
    ("given_name", "Voornaam", "text", "given-name"),
    ("family_name", "Achternaam", "text", "family-name"),
    ("birth_date", "Geboortedatum", "date", "bday"),
    ("bsn", "BSN", "text", "off"),
    ("v_nummer", "V-nummer", "text", "off"),
    ("duo_notice_date", "Datum kennisgeving DUO", "date", "off"),
    ("brp_registration_date", "Datum inschrijving BRP", "date", "off"),
)


assert set(texts.RELATIONS) == set(get_args(intake_contract.Relation))

# The werkvoorraad's lists: a heading, and what the date of an item is.
WORKLISTS = {
    "pip_deadline_missed": ("PIP niet op tijd vastgesteld", "Termijn was"),
    "pip_deadline_warned": ("Waarschuwing: PIP moet snel vastgesteld worden", "Uiterlijk"),
    "pip_deadline_soon": ("PIP vaststellen binnen 2 weken", "Uiterlijk"),
    "signals_new": ("Nieuwe signalen", "Laatste signaal"),
    "breaches_to_decide": ("Besluit nodig over een maatregel", "Aan de orde sinds"),
    "intake_open": ("Brede intake nog niet afgerond", "Ingeschreven op"),
    "pip_to_establish": ("PIP nog vast te stellen", "Uiterlijk"),
    "termijn_warned": ("Waarschuwing: inburgeringstermijn eindigt bijna", "Eindigt op"),
    "termijn_ending": ("Inburgeringstermijn eindigt binnen 6 maanden", "Eindigt op"),
    "obligation_coming": ("Wordt binnen 6 maanden inburgeringsplichtig", "Vanaf"),
    "moves_to_accept": ("Verhuizing accepteren", "Verhuisd op"),
    "moves_proposed": (
        "Verhuizing doorgegeven, nieuwe gemeente moet nog antwoorden",
        "Verhuisd op",
    ),
}
# What is due on a breach (the werkvoorraad's breaches_to_decide), and where it was found.
MEASURES = {
    "waarschuwing": "Waarschuwing",
    "boete": "Boete",
    "pip-zonder-inburgeringsplichtige": "PIP vaststellen zonder de persoon",
    "maatregel-participatiewet": "Maatregel Participatiewet (klantmanager)",
}
SOURCES = {"intake": "Brede intake: niet gekomen", "pip": "PIP: afspraak niet nagekomen"}
# Lists whose people open on another page than their dossier (which is not yet the caller's).
WORKLIST_PAGES = {"moves_to_accept": "/verhuizing"}


async def start(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The start page: the werkvoorraad of a regievoerder or klantmanager."""
    if not _reads_dossiers(session):
        menu = werkplek.menu(session)
        if menu:  # another role starts on its own first page
            return RedirectResponse(menu[0][1], status_code=303)
    lists = []
    # A regievoerder may see only the dossiers they are responsible for ("Alleen mijn dossiers").
    own = "regievoerder" in session.roles and request.query_params.get("mijn") == "1"
    if _reads_dossiers(session):
        answer = await gateway.get("/api/v1/werkvoorraad", regievoerder="mij" if own else None)
        lists = answer["lists"]
    return werkplek.render(
        request,
        "start.html",
        session=session,
        lists=lists,
        titles=WORKLISTS,
        measures=MEASURES,
        sources=SOURCES,
        own=own,
        pages=WORKLIST_PAGES,
        reads_dossiers=_reads_dossiers(session),
    )


async def search(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Search by name, BSN or v-nummer."""
    terms = request.query_params.get("zoek", "").strip()
    found = None
    if terms:
        found = (await gateway.get(DOSSIERS, q=terms, limit=50))["dossiers"]
    return werkplek.render(request, "zoeken.html", session=session, terms=terms, found=found)


async def register(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Register a person: the legal minimum, with each problem next to its field; from a
    dossier, a member of its household (`?huishouden=<id>`) with their relation."""
    values: dict[str, str] = {name: "" for name, *_ in REGISTRATION}
    values["gemeente"] = session.gemeenten[0] if len(session.gemeenten) == 1 else ""
    member = await _household_member(gateway, form, request.query_params.get("huishouden"))
    if member:
        values |= {"gemeente": member["gemeente"], "household_of": member["id"], "relation": ""}
    problems: dict[str, str] = {}
    if form is not None:
        values = {name: str(form.get(name, "")).strip() for name in values}
        body = {name: value for name, value in values.items() if value}
        try:
            created = await gateway.send("POST", DOSSIERS, body)
        except Problem as problem:
            if problem.status == 409 and problem.body.get("dossier_id"):
                problems["bsn"] = "Deze persoon staat al in Wegwijs."
            elif problem.status not in (400, 422):
                raise
            for name, detail in problem.field_errors().items():
                field = name.split("/")[0]
                problems.setdefault(field, texts.field_problem(field, detail))
            if member and "relation" in problems:
                problems["relation"] = "Kies wat deze persoon is van " + member["given_name"] + "."
        else:
            return RedirectResponse(f"/dossiers/{created['id']}?nieuw=1", status_code=303)
    return werkplek.render(
        request,
        "inschrijven.html",
        session=session,
        status=422 if problems else 200,
        fields=REGISTRATION,
        values=values,
        problems=problems,
        gemeenten=[
            (c, n)
            for c, n in texts.gemeenten()
            if c in session.gemeenten and (not member or c == member["gemeente"])
        ],
        member=member,
        relations=texts.RELATIONS,
        today=today_in_amsterdam().isoformat(),
    )


async def _household_member(
    gateway: Gateway, form: FormData | None, asked: str | None
) -> dict[str, Any] | None:
    """The dossier whose household a new person joins, when the form names one."""
    named = str(form.get("household_of", "")) if form is not None else asked
    if not named:
        return None
    try:
        dossier_id = UUID(named)
    except ValueError:
        raise Problem(status=404) from None
    return await gateway.get(f"{DOSSIERS}/{dossier_id}")


def _reads_dossiers(session: Session) -> bool:
    return bool(set(READERS) & set(session.roles))


READERS = ("regievoerder", "klantmanager")
MENU = (
    ("Werkvoorraad", "/", READERS),
    ("Zoeken", "/zoeken", READERS),
    ("Persoon inschrijven", "/dossiers/nieuw", ("regievoerder",)),
)
PAGES = (
    ("/", start, ["GET"]),
    ("/zoeken", search, ["GET"]),
    ("/dossiers/nieuw", register, ["GET", "POST"]),
)
