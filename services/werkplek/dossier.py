"""The dossier page and what its tabs share: the person's name above the tabs, a tab with a
form (sent, taken and back with "Opgeslagen", or refused with each problem at its field), and
reading a part of the dossier the role may not reach as nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.werkplek import texts
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.sessions import Session

DOSSIERS = "/api/v1/dossiers"

# The dossier's tabs: (path under /dossiers/{id}, label).
TABS = (
    ("", "Persoon"),
    ("/intake", "Brede intake"),
    ("/signalen", "Signalen"),
    ("/pip", "PIP"),
    ("/toestemmingen", "Toestemmingen"),
    ("/praktische-zaken", "Praktische zaken"),
    ("/matching", "Matching"),
    ("/tijdlijn", "Tijdlijn"),
)


async def person_tab(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One person's dossier: the person, the household, the brede intake and the PIP."""
    dossier_id = request.path_params["dossier_id"]
    person, household, shown = await together(
        gateway.get(f"{DOSSIERS}/{dossier_id}"),
        optional(gateway, f"{DOSSIERS}/{dossier_id}/household"),
        optional(gateway, f"{DOSSIERS}/{dossier_id}/pip"),
    )
    return werkplek.render(
        request,
        "dossier.html",
        session=session,
        person=person,
        household=household,
        pip=shown,
        new=request.query_params.get("nieuw") == "1",
        taken=request.query_params.get("opgepakt") == "1",
        moved=request.query_params.get("verhuisd") == "1",
        tabs=[(f"/dossiers/{dossier_id}{suffix}", label) for suffix, label in TABS],
    )


async def take(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """A regievoerder takes the dossier: from now on they are its regievoerder."""
    dossier_id = request.path_params["dossier_id"]
    await gateway.send("PUT", f"{DOSSIERS}/{dossier_id}/regievoerder", {"regievoerder": "mij"})
    return RedirectResponse(f"/dossiers/{dossier_id}?opgepakt=1", status_code=303)


async def together(*calls: Awaitable[Any]) -> list[Any]:
    """Several reads of the gateway at once, so a page takes as long as its slowest read, not
    their sum; the first failure (in the order given) is raised once all have ended."""
    answers = await asyncio.gather(*calls, return_exceptions=True)
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer
    return answers


async def tab(
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


def problems_of(problem: Problem) -> dict[str, str]:
    """The gateway's refusal of a form, per field (the path's first part), in Dutch."""
    if problem.status not in (400, 409, 422):
        raise problem
    found: dict[str, str] = {}
    for name, detail in problem.field_errors().items():
        field = name.replace("/", "_")
        found.setdefault(field, texts.field_problem(name.split("/")[-1], detail))
        parts = name.split("/")
        if len(parts) == 3 and parts[1].isdigit():  # an entry of a list, one a line (goals)
            said = texts.field_problem(parts[2], detail)
            found.setdefault(parts[0], f"Regel {int(parts[1]) + 1}: {said}")
    if problem.status == 409 and not found:
        found["_"] = "Dit kan nu niet: " + (problem.detail or "het dossier is intussen veranderd.")
    return found


async def form_tab(
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
            problems = problems_of(problem)
        else:
            return RedirectResponse(request.url.path + "?opgeslagen=1", status_code=303)
    return await tab(
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


async def optional(gateway: Gateway, path: str, **query: str) -> Any:
    """What the person may see of a part of the dossier; nothing when there is none yet or
    their role does not reach it."""
    try:
        return await gateway.get(path, **query)
    except Problem as problem:
        if problem.status in (403, 404):
            return None
        raise


PAGES: tuple = (
    ("/dossiers/{dossier_id:uuid}", person_tab, ["GET"]),
    ("/dossiers/{dossier_id:uuid}/regievoerder", take, ["POST"]),
)
MENU: tuple = ()
