"""The dossier's PIP tab: the plan's sections and goals in Dutch, the PIP as it stood on a date
and its versions; and for the regievoerder the draft's sections and goals as forms,
establishing it (with a confirmation step), revising it, and progress on a goal. Each form is
shown only where the role and the PIP's state allow it; the gateway decides all the same."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.common.clock import today_in_amsterdam
from services.werkplek import pip_forms, pip_problems, pip_texts, texts
from services.werkplek.dossier import DOSSIERS, optional, tab
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.sessions import Session

REGIEVOERDER = "regievoerder"
DRAFT = "concept"
# What a page says after a form was taken (?gedaan=...).
DONE = {
    "opgeslagen": "Opgeslagen.",
    "verwijderd": "Het doel is verwijderd.",
    "voortgang": "De voortgang is vastgelegd.",
    "bijgesteld": "Het PIP is bijgesteld. Er is een nieuwe versie.",
}

Send = Callable[[dict[str, Any]], Awaitable[str | None]]
Shown = Callable[[dict[str, Any] | None], Awaitable[dict[str, Any]]]


def _today() -> str:
    return today_in_amsterdam().isoformat()


def _api(request: Request) -> str:
    return f"{DOSSIERS}/{request.path_params['dossier_id']}/pip"


def _page(request: Request) -> str:
    return f"/dossiers/{request.path_params['dossier_id']}/pip"


def _values(form: FormData | None) -> dict[str, Any] | None:
    """A form's values (a list where a name comes more than once, as checkboxes do)."""
    if form is None:
        return None
    return {
        name: [str(v) for v in form.getlist(name)] if len(form.getlist(name)) > 1 else str(value)
        for name, value in form.items()
    }


async def _form_page(
    request: Request,
    werkplek: Any,
    session: Session,
    gateway: Gateway,
    form: FormData | None,
    send: Send,
    template: str,
    shown: Shown,
    values: dict[str, Any] | None = None,
) -> Response:
    """A page with a form: taken, on to where `send` says (this page when it says nothing) with
    what was done; refused, this page again with the values and each problem at its field."""
    problems: dict[str, str] = {}
    values = values if values is not None else _values(form)
    if values is not None:
        try:
            done = await send(values)
        except Problem as problem:
            problems = pip_problems.problems_of(problem)
        else:
            return RedirectResponse(done or f"{request.url.path}?gedaan=opgeslagen", 303)
    context = await shown(values)
    goals = (context.get("pip") or {}).get("plan", {}).get("goals", [])
    return await tab(
        request,
        werkplek,
        session,
        gateway,
        template,
        status=422 if problems else 200,
        problems=problems,
        labels=pip_problems.labels_of(problems, goals),
        done=DONE.get(request.query_params.get("gedaan", "")),
        words=pip_texts.WORDS,
        pip_page=_page(request),
        regievoerder=REGIEVOERDER in session.roles,
        **context,
    )


def _as_of(request: Request) -> str:
    """The date of `?op=` when it is one; empty otherwise (the PIP as it is)."""
    given = request.query_params.get("op", "").strip()
    try:
        return date.fromisoformat(given).isoformat()
    except ValueError:
        return ""


async def pip(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The PIP: its state, sections and goals by domain, or as it stood on a date; its versions;
    the intake's starting points and adding a goal while it is a draft."""
    path = _api(request)

    async def send(values: dict[str, Any]) -> None:
        await gateway.send("POST", f"{path}/goals", pip_forms.goal_body(values))

    async def shown(values: dict[str, Any] | None) -> dict[str, Any]:
        as_of = _as_of(request)
        seen = await optional(gateway, path, **({"as_of": as_of} if as_of else {}))
        points = None
        if seen and seen["status"] == DRAFT and not as_of and REGIEVOERDER in session.roles:
            points = await optional(gateway, f"{path}/starting-points")
        return {
            "pip": seen,
            "as_of": as_of,
            "asked_as_of": request.query_params.get("op", "").strip(),
            "points": points,
            "goals_by_domain": _by_domain(seen["plan"]["goals"]) if seen else [],
            "on_time": _on_time(seen),
            "values": values or {},
            "established_now": request.query_params.get("gedaan") == "vastgesteld",
        }

    return await _form_page(
        request, werkplek, session, gateway, form, send, "dossier_pip.html", shown
    )


def _by_domain(goals: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The goals grouped by domain, in the order of the domains, each group by its due date."""
    return [
        (domain, sorted((g for g in goals if g["domain"] == domain), key=lambda g: g["due_on"]))
        for domain in pip_texts.DOMAINS
        if any(g["domain"] == domain for g in goals)
    ]


def _on_time(shown: dict[str, Any] | None) -> bool | None:
    """Whether the PIP was established by its deadline; None when that is not known."""
    if not shown or not shown.get("versions") or not shown.get("deadline"):
        return None
    return shown["versions"][0]["decided_on"] <= shown["deadline"]


async def sections(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The draft's sections as one form; each section filled in replaces the one there was."""
    path = _api(request)
    values = _values(form)
    if values is not None:
        values = pip_forms.compact_preconditions(values)

    async def send(values: dict[str, Any]) -> str:
        await gateway.send("PATCH", path, pip_forms.sections_body(values))
        return f"{_page(request)}?gedaan=opgeslagen"

    async def shown(values: dict[str, Any] | None) -> dict[str, Any]:
        seen = await gateway.get(path)
        values = values if values is not None else pip_forms.sections_values(seen["plan"])
        return {
            "pip": seen,
            "values": values,
            "rows": pip_forms.precondition_rows(values),
            "prefix": "",
        }

    return await _form_page(
        request,
        werkplek,
        session,
        gateway,
        form,
        send,
        "dossier_pip_onderdelen.html",
        shown,
        values,
    )


async def goal(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One goal: what it is and its progress; changing or removing it while the PIP is a draft,
    recording progress once it is established (the regievoerder, or the goal's owner role)."""
    path = _api(request)
    goal_id = str(request.path_params["goal_id"])
    goal_path = f"{path}/goals/{goal_id}"

    async def send(values: dict[str, Any]) -> str:
        action = values.get("actie")
        if action == "verwijderen":
            await gateway.send("DELETE", goal_path)
            return f"{_page(request)}?gedaan=verwijderd"
        if action == "voortgang":
            body = {k: values.get(k, "") for k in ("status", "on", "note") if values.get(k)}
            await gateway.send("POST", f"{goal_path}/progress", body)
            return f"{request.url.path}?gedaan=voortgang"
        await gateway.send("PATCH", goal_path, pip_forms.goal_body(values, change=True))
        return f"{_page(request)}?gedaan=opgeslagen"

    async def shown(values: dict[str, Any] | None) -> dict[str, Any]:
        seen = await gateway.get(path)
        found = next((g for g in seen["plan"]["goals"] if g["id"] == goal_id), None)
        if found is None:
            raise Problem(404)
        return {
            "pip": seen,
            "goal": found,
            "values": values
            if values is not None
            else {**pip_forms.goal_values(found), "on": _today()},
            "may_record": REGIEVOERDER in session.roles or found["owner"]["role"] in session.roles,
        }

    return await _form_page(
        request, werkplek, session, gateway, form, send, "dossier_pip_doel.html", shown
    )


async def establish(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Establishing the draft: the date of the decision (and why, when it lies more than 14 days
    back), then a confirmation in plain words, then the decision; refused, the form again with
    what the plan still needs."""
    path = _api(request)
    seen = await gateway.get(path)
    values = _values(form) or {"decided_on": _today()}
    problems: dict[str, str] = {}
    confirm = False
    action = values.get("actie") if form is not None else None
    if action == "vaststellen":
        body = {k: values[k] for k in ("decided_on", "backdating_reason") if values.get(k)}
        try:
            await gateway.send("POST", f"{path}/establish", body)
        except Problem as problem:
            problems = pip_problems.problems_of(problem)
        else:
            return RedirectResponse(f"{_page(request)}?gedaan=vastgesteld", 303)
    elif action == "controleren":
        try:
            date.fromisoformat(values.get("decided_on") or _today())
        except ValueError:
            problems["decided_on"] = "Vul een datum in."
        confirm = not problems
    decided_on = values.get("decided_on") or _today()
    return await tab(
        request,
        werkplek,
        session,
        gateway,
        "dossier_pip_vaststellen.html",
        status=422 if problems else 200,
        pip=seen,
        values=values,
        problems=problems,
        labels=pip_problems.labels_of(problems, seen["plan"]["goals"]),
        links=pip_problems.links_of(problems, _page(request)),
        confirm=confirm,
        decided_on=decided_on if confirm else "",
        on_time=bool(seen.get("deadline")) and decided_on <= seen["deadline"],
        words=pip_texts.WORDS,
        pip_page=_page(request),
        regievoerder=REGIEVOERDER in session.roles,
    )


async def revise(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Revising the established PIP: the kind and reason, the date, what changes (sections,
    goals changed, withdrawn or added) and the evidence the kind needs."""
    path = _api(request)
    seen = await gateway.get(path)
    values = _values(form)
    if values is not None:
        values = pip_forms.compact_preconditions(values, "sections_")
        withdrawn = values.get("withdraw_goals", [])
        values["withdraw_goals"] = [withdrawn] if isinstance(withdrawn, str) else withdrawn

    async def send(values: dict[str, Any]) -> str:
        await gateway.send("POST", f"{path}/revisions", pip_forms.revision_body(values, seen))
        return f"{_page(request)}?gedaan=bijgesteld"

    async def shown(values: dict[str, Any] | None) -> dict[str, Any]:
        if values is None:
            values = {**pip_forms.revision_values(seen), "decided_on": _today()}
        return {
            "pip": seen,
            "values": values,
            "rows": pip_forms.precondition_rows(values, "sections_"),
            "prefix": "sections_",
            "gemeenten": {
                code: name for code, name in texts.gemeenten() if code != seen["gemeente"]
            },
            "new_goal": pip_forms.NEW_GOAL,
        }

    return await _form_page(
        request,
        werkplek,
        session,
        gateway,
        form,
        send,
        "dossier_pip_bijstellen.html",
        shown,
        values,
    )


PIP = "/dossiers/{dossier_id:uuid}/pip"
PAGES: tuple = (
    (PIP, pip, ["GET", "POST"]),
    (f"{PIP}/onderdelen", sections, ["GET", "POST"]),
    (f"{PIP}/doelen/{{goal_id:uuid}}", goal, ["GET", "POST"]),
    (f"{PIP}/vaststellen", establish, ["GET", "POST"]),
    (f"{PIP}/bijstellen", revise, ["GET", "POST"]),
)
MENU: tuple = ()
