"""The klantmanager's pages: the brede intake's practical items (allowances, debts, an advance on
the benefit, childcare) still open in their gemeente, and one person's items, closing those of
their domain with a note on how it was resolved.

The gateway decides: a klantmanager is never shown a health item, and closes only the items of
financien (`may_close` in the API's answers); the Werkplek shows the form only where the API says
so, and says a refusal in Dutch."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.contracts.intake import PRACTICAL_ITEMS
from services.werkplek import texts
from services.werkplek.dossier import TABS
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.sessions import Session

DOSSIERS = "/api/v1/dossiers"
OPEN_ITEMS = "/api/v1/practical-items"
_EMPTY = re.compile("is required|must not be empty")


async def open_items(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The open practical items of the gemeente: first those the person closes, then those the
    regievoerder closes."""
    found = await gateway.get(OPEN_ITEMS)
    items = found["items"]
    return werkplek.render(
        request,
        "klantmanager_praktische_zaken.html",
        session=session,
        count=found["count"],
        shown=len(items),
        mine=[i for i in items if i["may_close"]],
        others=[i for i in items if not i["may_close"]],
    )


async def dossier_items(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One person's practical items, and their household's checklist, each open one the person
    may close with a form for the note on how it was resolved."""
    dossier_id = request.path_params["dossier_id"]
    intake_path = f"{DOSSIERS}/{dossier_id}/intake"
    checklist_path = f"{DOSSIERS}/{dossier_id}/household/checklist"
    problems: dict[str, str] = {}
    notes: dict[str, str] = {}
    if form is not None:
        item, note = str(form.get("item", "")), str(form.get("note", "")).strip()
        child = str(form.get("child", ""))
        household = form.get("lijst") == "huishouden"
        key = f"huishouden-{item}-{child}" if household else item
        notes[key] = note
        if item not in PRACTICAL_ITEMS:
            problems["_"] = "Deze praktische zaak bestaat niet. Open de pagina opnieuw."
        else:
            if household:
                path, body = f"{checklist_path}/{item}/close", {"note": note}
                if child:
                    body["child"] = child
            else:
                path, body = f"{intake_path}/practical-items/{item}/close", {"note": note}
            try:
                await gateway.send("POST", path, body)
            except Problem as problem:
                problems[key] = _refusal(problem)
            else:
                return RedirectResponse(f"{request.url.path}?afgesloten={item}", status_code=303)
    person = await gateway.get(f"{DOSSIERS}/{dossier_id}")
    intake = await _intake(gateway, intake_path)
    checklist = await _intake(gateway, checklist_path)
    items = intake["practical_items"] if intake else []
    listed = checklist["items"] if checklist else []
    closed_now = request.query_params.get("afgesloten", "")
    labels = {i["item"]: i["label"] for i in items}
    for i in listed:
        labels[f"huishouden-{i['item']}-{(i['child'] or {}).get('key', '')}"] = _label(i)
    return werkplek.render(
        request,
        "klantmanager_dossier.html",
        session=session,
        status=422 if problems else 200,
        person=person,
        tabs=[(f"/dossiers/{dossier_id}{suffix}", label) for suffix, label in TABS],
        intake=intake,
        open=[i for i in items if i["open"]],
        closed=[i for i in items if not i["open"]],
        problems=problems,
        notes=notes,
        labels=labels,
        closed_now=next((i["label"] for i in [*items, *listed] if i["item"] == closed_now), ""),
        checklist=checklist,
        household_open=[{**i, "label": _label(i), "key": _key(i)} for i in listed if i["open"]],
        household_closed=[
            {**i, "label": _label(i), "closed_on": texts.as_date(i["closed_at"])}
            for i in listed
            if not i["open"]
        ],
    )


def _key(item: dict[str, Any]) -> str:
    return f"huishouden-{item['item']}-{(item['child'] or {}).get('key', '')}"


def _label(item: dict[str, Any]) -> str:
    """An item of the household's checklist; a school enrolment with the child's name."""
    child = item.get("child")
    if not child:
        return item["label"]
    born = texts.as_date(child["birth_date"])
    return f"{item['label']}: {child['given_name'] or 'kind'} (geboren {born})"


def _refusal(problem: Problem) -> str:
    """Why the gateway did not close an item, in Dutch, for next to its note."""
    if problem.status == 403:
        return "Deze praktische zaak sluit u niet af. Dat doet de regievoerder."
    if problem.status not in (400, 409, 422):
        raise problem
    fields = problem.field_errors()
    if "note" in fields:
        if _EMPTY.search(fields["note"]):
            return "Schrijf op hoe het is opgelost."
        return texts.field_problem("note", fields["note"])
    if "item" in fields:
        return "Deze praktische zaak is al afgesloten."
    return "Dit klopt niet. Kijk het nog eens na."


async def _intake(gateway: Gateway, path: str) -> dict[str, Any] | None:
    """The brede intake (or the household's checklist) as the person may see it; None while
    there is none."""
    try:
        return await gateway.get(path)
    except Problem as problem:
        if problem.status == 404:
            return None
        raise


# (path, handler, methods) of each page, and the menu: (label, path, roles that see it).
PAGES: tuple = (
    ("/praktische-zaken", open_items, ["GET"]),
    ("/dossiers/{dossier_id:uuid}/praktische-zaken", dossier_items, ["GET", "POST"]),
)
MENU: tuple = (("Praktische zaken", "/praktische-zaken", ("klantmanager",)),)
