"""The pages: each reads or sends through the gateway with the person's own token, and renders
Dutch HTML. A page handler takes (request, werkplek, session, gateway, form)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, get_args

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.contracts import intake as intake_contract
from services.contracts import pip as pip_contract
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


# The werkvoorraad's lists: a heading, and what the date of an item is.
WORKLISTS = {
    "pip_deadline_missed": ("PIP niet op tijd vastgesteld", "Termijn was"),
    "pip_deadline_soon": ("PIP vaststellen binnen 2 weken", "Uiterlijk"),
    "signals_new": ("Nieuwe signalen", "Laatste signaal"),
    "intake_open": ("Brede intake nog niet afgerond", "Ingeschreven op"),
    "pip_to_establish": ("PIP nog vast te stellen", "Uiterlijk"),
    "termijn_ending": ("Inburgeringstermijn eindigt binnen 6 maanden", "Eindigt op"),
}


async def start(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The start page: the werkvoorraad of a regievoerder or klantmanager."""
    if not _reads_dossiers(session):
        menu = werkplek.menu(session)
        if menu:  # another role starts on its own first page
            return RedirectResponse(menu[0][1], status_code=303)
    lists = []
    if _reads_dossiers(session):
        lists = (await gateway.get("/api/v1/werkvoorraad"))["lists"]
    return werkplek.render(
        request,
        "start.html",
        session=session,
        lists=lists,
        titles=WORKLISTS,
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
    """Register a person: the legal minimum, with each problem next to its field."""
    values: dict[str, str] = {name: "" for name, *_ in REGISTRATION}
    values["gemeente"] = session.gemeenten[0] if len(session.gemeenten) == 1 else ""
    problems: dict[str, str] = {}
    if form is not None:
        values = {name: str(form.get(name, "")).strip() for name in (*values, "gemeente")}
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
        gemeenten=[(c, n) for c, n in texts.gemeenten() if c in session.gemeenten],
        today=date.today().isoformat(),
    )


async def dossier(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One person's dossier: the person, the household, the brede intake and the PIP."""
    dossier_id = request.path_params["dossier_id"]
    person = await gateway.get(f"{DOSSIERS}/{dossier_id}")
    household = await _optional(gateway, f"{DOSSIERS}/{dossier_id}/household")
    shown = await _optional(gateway, f"{DOSSIERS}/{dossier_id}/pip")
    return werkplek.render(
        request,
        "dossier.html",
        session=session,
        person=person,
        household=household,
        pip=shown,
        new=request.query_params.get("nieuw") == "1",
        tabs=[(f"/dossiers/{dossier_id}{suffix}", label) for suffix, label in TABS],
    )


# The dossier's tabs: (path under /dossiers/{id}, label).
TABS = (
    ("", "Persoon"),
    ("/intake", "Brede intake"),
    ("/signalen", "Signalen"),
    ("/pip", "PIP"),
    ("/toestemmingen", "Toestemmingen"),
    ("/praktische-zaken", "Praktische zaken"),
)
LBT_OUTCOMES = get_args(intake_contract.ToetsOutcome)
SIGNAL_DOMAINS = intake_contract.SIGNAL_DOMAINS
SENSITIVITIES = get_args(intake_contract.Sensitivity)
GOAL_DOMAINS = get_args(pip_contract.GoalDomain)
OWNER_ROLES = get_args(pip_contract.OwnerRole)


async def _tab(
    request: Request,
    werkplek: Any,
    session: Session,
    gateway: Gateway,
    template: str,
    status: int = 200,
    **context: Any,
) -> Response:
    """A tab of the dossier page: the person's name above it, the tabs, then `template`."""
    dossier_id = request.path_params["dossier_id"]
    person = await gateway.get(f"{DOSSIERS}/{dossier_id}")
    return werkplek.render(
        request,
        template,
        session=session,
        status=status,
        person=person,
        tabs=[(f"/dossiers/{dossier_id}{suffix}", label) for suffix, label in TABS],
        **context,
    )


def _problems(problem: Problem) -> dict[str, str]:
    """The gateway's refusal of a form, per field (the path's first part), in Dutch."""
    if problem.status not in (400, 409, 422):
        raise problem
    found: dict[str, str] = {}
    for name, detail in problem.field_errors().items():
        field = name.replace("/", "_")
        found.setdefault(field, texts.field_problem(name.split("/")[-1], detail))
    if problem.status == 409 and not found:
        found["_"] = "Dit kan nu niet: " + (problem.detail or "het dossier is intussen veranderd.")
    return found


async def _form_tab(
    request: Request,
    werkplek: Any,
    session: Session,
    gateway: Gateway,
    form: FormData | None,
    send: Callable[[dict[str, str]], Awaitable[Any]],
    template: str,
    shown: Callable[[], Awaitable[dict[str, Any]]],
) -> Response:
    """A tab with a form: a form sent (`send` with its values) and taken goes back to the tab
    with "Opgeslagen"; refused, the tab again with the values and each problem at its field."""
    problems: dict[str, str] = {}
    values = {k: str(v) for k, v in (form or {}).items()}
    if form is not None:
        try:
            await send(values)
        except Problem as problem:
            problems = _problems(problem)
        else:
            return RedirectResponse(request.url.path + "?opgeslagen=1", status_code=303)
    return await _tab(
        request,
        werkplek,
        session,
        gateway,
        template,
        status=422 if problems else 200,
        problems=problems,
        values=values,
        saved=request.query_params.get("opgeslagen") == "1",
        **await shown(),
    )


async def brede_intake(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The brede intake: each part and who recorded it; the leerbaarheidstoets and completing
    the intake as forms."""
    path = f"{DOSSIERS}/{request.path_params['dossier_id']}/intake"

    async def send(values: dict[str, str]) -> None:
        if values.get("actie") == "afronden":
            await gateway.send("POST", f"{path}/complete", {})
        else:
            body = {"taken_on": values.get("taken_on", ""), "outcome": values.get("outcome")}
            await gateway.send("PUT", f"{path}/leerbaarheidstoets", body)

    async def shown() -> dict[str, Any]:
        return {
            "intake": await _optional(gateway, path),
            "outcomes": LBT_OUTCOMES,
            "today": date.today().isoformat(),
        }

    return await _form_tab(
        request, werkplek, session, gateway, form, send, "dossier_intake.html", shown
    )


async def signals(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The signals about the person the role may read, and giving one."""
    path = f"{DOSSIERS}/{request.path_params['dossier_id']}/signals"

    async def send(values: dict[str, str]) -> None:
        body = {
            "domain": values.get("domain", ""),
            "text": values.get("text", ""),
            "sensitivity": values.get("sensitivity", "normaal"),
        }
        await gateway.send("POST", path, body)

    async def shown() -> dict[str, Any]:
        return {
            "signals": await _optional(gateway, path),
            "domains": SIGNAL_DOMAINS,
            "sensitivities": SENSITIVITIES,
        }

    return await _form_tab(
        request, werkplek, session, gateway, form, send, "dossier_signalen.html", shown
    )


async def pip(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The PIP: status and deadline, the leerroute, the goals with phase and owner, adding a
    goal to a draft, and the PIP as it stood on a date."""
    path = f"{DOSSIERS}/{request.path_params['dossier_id']}/pip"

    async def send(values: dict[str, str]) -> None:
        body = {
            "domain": values.get("domain", ""),
            "term": values.get("term", ""),
            "description": values.get("description", ""),
            "measure": values.get("measure", ""),
            "due_on": values.get("due_on", ""),
            "phase": int(values["phase"]) if values.get("phase", "").isdigit() else None,
            "owner": {
                "organisation": values.get("owner_organisation", ""),
                "role": values.get("owner_role", ""),
            },
        }
        await gateway.send("POST", f"{path}/goals", body)

    async def shown() -> dict[str, Any]:
        as_of = request.query_params.get("op", "").strip()
        query = {"as_of": as_of} if as_of else {}
        return {
            "pip": await _optional(gateway, path, **query),
            "as_of": as_of,
            "domains": GOAL_DOMAINS,
            "roles": OWNER_ROLES,
        }

    return await _form_tab(
        request, werkplek, session, gateway, form, send, "dossier_pip.html", shown
    )


async def consents(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The person's consents: to whom, for what, how long, and their history."""
    listed = await _optional(gateway, f"{DOSSIERS}/{request.path_params['dossier_id']}/consents")
    return await _tab(
        request,
        werkplek,
        session,
        gateway,
        "dossier_toestemmingen.html",
        consents=(listed or {}).get("consents", []),
    )


async def _optional(gateway: Gateway, path: str, **query: str) -> Any:
    """What the person may see of a part of the dossier; nothing when there is none yet or
    their role does not reach it."""
    try:
        return await gateway.get(path, **query)
    except Problem as problem:
        if problem.status in (403, 404):
            return None
        raise


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
    ("/dossiers/{dossier_id:uuid}", dossier, ["GET"]),
    ("/dossiers/{dossier_id:uuid}/intake", brede_intake, ["GET", "POST"]),
    ("/dossiers/{dossier_id:uuid}/signalen", signals, ["GET", "POST"]),
    ("/dossiers/{dossier_id:uuid}/pip", pip, ["GET", "POST"]),
    ("/dossiers/{dossier_id:uuid}/toestemmingen", consents, ["GET"]),
)
