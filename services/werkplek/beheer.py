"""The admin's pages: partner organisations and their subscriptions.

An admin keeps the partner organisations of the gemeenten they act for: registers one (or changes
its name, kind or gemeenten by registering it again), and subscribes it to a channel of the chain's
events for a purpose of the sharing protocol. The gateway decides what an admin may do; the kinds
and purposes come from the protocol in force (`GET /api/v1/sharing/protocol`)."""

from __future__ import annotations

import re
from typing import Any, get_args

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.contracts.consent import CHANNELS, EventType
from services.werkplek import texts
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.sessions import Session

PARTNERS = "/api/v1/partners"
PROTOCOL = "/api/v1/sharing/protocol"
OIN = re.compile(r"^[0-9]{20}$")
_EMPTY = re.compile("is required|must not be empty|at least 1 item")
# The channels of the chain a partner can follow, in Dutch.
CHANNEL_NAMES = {
    "intake": "Inschrijving en brede intake",
    "pip": "Plan Inburgering en Participatie (PIP)",
    "matching": "Begeleiding en plaatsingen",
}
# What a field needs, said for the admin (the API's words are for developers).
_NEEDS = {
    "oin": "Een OIN heeft 20 cijfers.",
    "name": "Vul de naam in, hoogstens 200 tekens.",
    "kind": "Kies wat voor organisatie het is.",
    "gemeenten": "Kies minstens één gemeente.",
    "channel": "Kies een kanaal.",
    "types": "Kies alleen gebeurtenissen van het gekozen kanaal.",
    "purpose": "Kies een doel.",
}


async def partners(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The partner organisations of the admin's gemeenten."""
    listed = (await gateway.get(PARTNERS))["partners"]
    protocol = await gateway.get(PROTOCOL)
    return werkplek.render(
        request,
        "beheer_partners.html",
        session=session,
        partners=listed,
        kinds=protocol["recipient_kinds"],
    )


async def register(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Register a partner organisation, or change one (`/partners/{oin}/wijzigen`): each
    problem next to its field."""
    oin = request.path_params.get("oin")
    if oin is not None and not OIN.match(oin):
        raise Problem(status=404)
    protocol = await gateway.get(PROTOCOL)
    problems: dict[str, str] = {}
    if form is not None:
        values = {
            "oin": oin or str(form.get("oin", "")).strip(),
            "name": str(form.get("name", "")).strip(),
            "kind": str(form.get("kind", "")),
            "gemeenten": [str(g) for g in form.getlist("gemeenten")],
        }
        try:
            await gateway.send("POST", PARTNERS, values)
        except Problem as problem:
            problems = _problems(problem)
        else:
            return RedirectResponse(f"/partners/{values['oin']}?opgeslagen=1", status_code=303)
    elif oin is not None:
        values = (await gateway.get(f"{PARTNERS}/{oin}/subscriptions"))["partner"]
    else:
        values = {"oin": "", "name": "", "kind": "", "gemeenten": []}
    return werkplek.render(
        request,
        "beheer_partner_registreren.html",
        session=session,
        status=422 if problems else 200,
        changing=oin is not None,
        values=values,
        problems=problems,
        kinds=protocol["recipient_kinds"],
        gemeenten=_gemeenten(session),
    )


async def partner(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One partner organisation with its subscriptions, and subscribing it to a channel."""
    oin = request.path_params["oin"]
    if not OIN.match(oin):
        raise Problem(status=404)
    path = f"{PARTNERS}/{oin}/subscriptions"
    problems: dict[str, str] = {}
    values: dict[str, Any] = {"channel": "", "types": [], "gemeenten": [], "purpose": ""}
    if form is not None:
        values = {
            "channel": str(form.get("channel", "")),
            "types": [str(t) for t in form.getlist("types")],
            "gemeenten": [str(g) for g in form.getlist("gemeenten")],
            "purpose": str(form.get("purpose", "")),
        }
        try:
            await gateway.send("POST", path, values)
        except Problem as problem:
            problems = _problems(problem)
        else:
            return RedirectResponse(f"/partners/{oin}?aangemeld=1#abonnementen", status_code=303)
    found = await gateway.get(path)
    protocol = await gateway.get(PROTOCOL)
    works_for = found["partner"]["gemeenten"]
    return werkplek.render(
        request,
        "beheer_partner.html",
        session=session,
        status=422 if problems else 200,
        partner=found["partner"],
        subscriptions=[
            {**s, "type_names": [event_name(t) for t in s["types"]]} for s in found["subscriptions"]
        ],
        kinds=protocol["recipient_kinds"],
        purposes=protocol["purposes"],
        channel_names=CHANNEL_NAMES,
        channel_options=[(c, CHANNEL_NAMES.get(c, c)) for c in CHANNELS],
        channels=[
            (c, CHANNEL_NAMES.get(c, c), [(t, event_name(t)) for t in _types_of(c)])
            for c in CHANNELS
        ],
        gemeenten=[(c, n) for c, n in _gemeenten(session) if c in works_for],
        values=values,
        problems=problems,
        saved=request.query_params.get("opgeslagen") == "1",
        subscribed=request.query_params.get("aangemeld") == "1",
        ended=request.query_params.get("beeindigd") == "1",
    )


async def end_subscription(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """End a subscription: first what ends and a question whether the admin is sure; then the
    API. Ending one that ended already changes nothing."""
    oin = request.path_params["oin"]
    subscription_id = str(request.path_params["subscription_id"])
    if not OIN.match(oin):
        raise Problem(status=404)
    path = f"{PARTNERS}/{oin}/subscriptions"
    if form is not None:
        await gateway.send("POST", f"{path}/{subscription_id}/end")
        return RedirectResponse(f"/partners/{oin}?beeindigd=1#abonnementen", status_code=303)
    found = await gateway.get(path)
    shown = next((s for s in found["subscriptions"] if s["id"] == subscription_id), None)
    if shown is None:
        raise Problem(status=404)
    protocol = await gateway.get(PROTOCOL)
    return werkplek.render(
        request,
        "beheer_abonnement_beeindigen.html",
        session=session,
        partner=found["partner"],
        subscription={**shown, "type_names": [event_name(t) for t in shown["types"]]},
        purposes=protocol["purposes"],
        channel_names=CHANNEL_NAMES,
    )


def event_name(event_type: str) -> str:
    """`nl.wegwijs.pip.doel.toegevoegd.v1` as "Doel toegevoegd"."""
    words = " ".join(event_type.split(".")[3:-1]).replace("-", " ").replace("bsn", "BSN")
    return words[:1].upper() + words[1:]


def _types_of(channel: str) -> list[str]:
    return [t for t in get_args(EventType) if t.split(".")[2] == channel]


def _gemeenten(session: Session) -> list[tuple[str, str]]:
    """The region's gemeenten the admin acts for: (CBS code, name)."""
    return [(code, name) for code, name in texts.gemeenten() if code in session.gemeenten]


def _problems(problem: Problem) -> dict[str, str]:
    """The gateway's refusal of a form, per field, in Dutch; `_` for the form as a whole."""
    if problem.status == 403:
        return {
            "_": "Dit mag u niet doen: u beheert niet alle gemeenten van deze organisatie of"
            " van dit abonnement."
        }
    if problem.status == 409:
        return {
            "gemeenten": "De organisatie werkt niet voor al deze gemeenten. Pas eerst de"
            " gegevens van de organisatie aan."
        }
    if problem.status not in (400, 422):
        raise problem
    found: dict[str, str] = {}
    for name, detail in problem.field_errors().items():
        field = name.split("/")[0]
        if field in _NEEDS and not (_EMPTY.search(detail) and field in ("oin", "name")):
            found.setdefault(field, _NEEDS[field])
        else:
            found.setdefault(field, texts.field_problem(field, detail))
    return found or {"_": "Dit klopt niet. Kijk het nog eens na."}


# (path, handler, methods) of each page, and the menu: (label, path, roles that see it).
PAGES: tuple = (
    ("/partners", partners, ["GET"]),
    ("/partners/nieuw", register, ["GET", "POST"]),
    ("/partners/{oin}", partner, ["GET", "POST"]),
    ("/partners/{oin}/wijzigen", register, ["GET", "POST"]),
    (
        "/partners/{oin}/abonnementen/{subscription_id:uuid}/beeindigen",
        end_subscription,
        ["GET", "POST"],
    ),
)
MENU: tuple = (
    ("Partnerorganisaties", "/partners", ("admin",)),
    ("Partner registreren", "/partners/nieuw", ("admin",)),
)
