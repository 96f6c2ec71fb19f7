"""Moving to another gemeente of the region (warme overdracht, issue 17): on the dossier, the old
gemeente's regievoerder passes the move on ("Verhuizing doorgeven"); the new gemeente's
regievoerder, who cannot open the dossier yet, finds it in the werkvoorraad and accepts it or
says why not ("Verhuizing accepteren")."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.werkplek import texts
from services.werkplek.dossier import DOSSIERS, TABS, optional, problems_of
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.sessions import Session

# What a refusal of the move means, in Dutch (the API names `to_gemeente` in its detail).
_REFUSALS = {
    409: "Er staat al een verhuizing open, of de verhuizing is intussen beantwoord.",
    403: "Alleen de nieuwe gemeente kan deze verhuizing accepteren of afwijzen.",
}
STATUS = {
    "voorgesteld": "doorgegeven, de nieuwe gemeente moet nog antwoorden",
    "geaccepteerd": "geaccepteerd door de nieuwe gemeente",
    "afgewezen": "niet geaccepteerd door de nieuwe gemeente",
    "buiten-regio": "verhuisd naar een gemeente buiten de regio",
}


async def move(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The old gemeente passes the move on here; the new one accepts or declines it here."""
    dossier_id = request.path_params["dossier_id"]
    path = f"{DOSSIERS}/{dossier_id}/verhuizing"
    values = {k: str(v).strip() for k, v in (form or {}).items()}
    problems: dict[str, str] = {}
    if form is not None:
        try:
            await _send(gateway, path, values)
        except Problem as problem:
            if problem.status in _REFUSALS and not problem.field_errors():
                problems = {"_": _REFUSALS[problem.status]}
            else:
                problems = problems_of(problem)
        else:
            done = {
                "accepteren": f"/dossiers/{dossier_id}?verhuisd=1",  # the dossier is theirs now
                "afwijzen": "/",  # back to the werkvoorraad
            }.get(values.get("actie", ""), f"{request.url.path}?opgeslagen=1")
            return RedirectResponse(done, status_code=303)
    person = await optional(gateway, f"{DOSSIERS}/{dossier_id}")
    current = await optional(gateway, path)
    if person is None and current is None:
        raise Problem(404, detail="no such dossier")
    own = person is not None
    return werkplek.render(
        request,
        "dossier_verhuizing.html",
        session=session,
        status=422 if problems else 200,
        person=person,
        move=current,
        own=own,
        status_text=STATUS,
        choices=[
            (code, name)
            for code, name in texts.gemeenten()
            if not own or code != person["gemeente"]
        ],
        problems=problems,
        values=values,
        saved=request.query_params.get("opgeslagen") == "1",
        tabs=[(f"/dossiers/{dossier_id}{suffix}", label) for suffix, label in TABS] if own else [],
    )


async def _send(gateway: Gateway, path: str, values: dict[str, str]) -> Any:
    action = values.get("actie")
    if action == "accepteren":
        return await gateway.send("POST", f"{path}/accept", {})
    if action == "afwijzen":
        return await gateway.send("POST", f"{path}/decline", {"reason": values.get("reason", "")})
    body = {k: values[k] for k in ("to_gemeente", "moved_on") if values.get(k)}
    return await gateway.send("POST", path, body)


PAGES: tuple = (("/dossiers/{dossier_id:uuid}/verhuizing", move, ["GET", "POST"]),)
MENU: tuple = ()
