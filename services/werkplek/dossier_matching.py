"""The dossier's matching tab: what matching may use of the person (the matching profile, as a
form), the guides and places that fit best, each explained criterion by criterion in plain Dutch,
proposing one, and each proposal's state with what the regievoerder does next: answer for the
person, and start an accepted one.

The gateway decides who may do what: only the regievoerder matches (`PUT matching-profile`,
`GET matches`, proposals); a klantmanager reads the profile and the proposals."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.common.clock import today_in_amsterdam
from services.contracts.values import CEFR
from services.werkplek import begeleiding as words
from services.werkplek.dossier import DOSSIERS, optional, tab
from services.werkplek.dossier_matching_uitleg import explained, left_out
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.sessions import Session

KINDS = ("begeleider", "plaatsing")
OPEN = ("voorgesteld", "geaccepteerd", "gestart")
STATES = {
    "voorgesteld": "Voorgesteld",
    "geaccepteerd": "Geaccepteerd",
    "afgewezen": "Afgewezen",
    "gestart": "Gestart",
    "beeindigd": "Beëindigd",
}
SIDES = {"persoon": "De persoon", "aanbieder": "De organisatie"}
LEVELS = {level: f"{level} (nog geen Nederlands)" if level == "A0" else level for level in CEFR}
WISHES = {
    "needs_childcare": "Heeft kinderopvang nodig",
    "women_only": "Wil alleen een plaats voor vrouwen",
}
LABELS = {
    "languages": "Talen die de persoon spreekt",
    "dutch_level": "Niveau Nederlands",
    "area": "Postcodegebied",
    "days": "Dagen dat de persoon kan",
    "wishes": "Wensen",
    "note": "Notitie voor de gemeente",
    "answer": "Wat vindt de persoon van dit voorstel?",
    "reason": "Waarom niet?",
    "on": "Startdatum",
    "change_reason": "Waarom krijgt de persoon een andere begeleider?",
}
NEEDS = {
    "languages": "Kies bij elke taal ook het niveau.",
    "dutch_level": "Kies het niveau Nederlands.",
    "area": "Een postcodegebied heeft 4 cijfers, bijvoorbeeld 3531.",
    "days": "Kies alleen dagen uit de lijst.",
    "note": "Schrijf de notitie in hoogstens 1000 tekens.",
    "reason": "Schrijf op waarom (hoogstens 1000 tekens).",
    "change_reason": "Schrijf op waarom (hoogstens 1000 tekens).",
    "on": "Vul een datum in die niet in de toekomst ligt.",
}
MISSING = {
    "languages": "Kies minstens één taal met het niveau.",
    "reason": "Schrijf op waarom de persoon nee zegt.",
    "change_reason": "Schrijf op waarom de persoon een andere begeleider krijgt.",
}


def _path(request: Request, rest: str = "") -> str:
    return f"{DOSSIERS}/{request.path_params['dossier_id']}{rest}"


def _tab(request: Request, rest: str = "") -> str:
    return f"/dossiers/{request.path_params['dossier_id']}/matching{rest}"


def _problems(problem: Problem, conflict: str) -> dict[str, str]:
    """The gateway's refusal of a form, per field, in Dutch; `_` for the form as a whole."""
    if problem.status not in (400, 409, 422):
        raise problem
    found: dict[str, str] = {}
    for path, detail in problem.field_errors().items():
        field = path.split("/")[0]
        if field not in LABELS:
            field = "_"
        elif re.search("is required|must not be empty|at least 1", detail):
            found.setdefault(field, MISSING.get(field, "Vul dit in."))
        found.setdefault(field, NEEDS.get(field, "Dit klopt niet. Kijk het nog eens na."))
    if problem.status == 409 or "_" in found:
        found["_"] = conflict
    return found or {"_": conflict}


# the person's matching profile ------------------------------------------------------------------
def _profile_values(profile: dict[str, Any] | None) -> dict[str, Any]:
    profile = profile or {"languages": {}, "dutch_level": "A0"}
    languages = list(profile["languages"].items())
    return {
        "languages": languages + [("", "")] * max(1, 2 - len(languages)),
        "dutch_level": profile.get("dutch_level", "A0"),
        "area": profile.get("area", ""),
        "days": list(profile.get("days", [])),
        "wishes": [wish for wish in WISHES if profile.get(wish)],
    }


def _language_rows(form: FormData) -> list[tuple[str, str]]:
    """The form's numbered rows of a language and its level, as many as were shown."""
    rows = str(form.get("talen-rijen", "")).strip()
    count = int(rows) if rows.isdigit() else 0
    return [
        (str(form.get(f"taal-{i}", "")).strip(), str(form.get(f"niveau-{i}", "")).strip())
        for i in range(1, min(count, 20) + 1)
    ]


def _profile_form(form: FormData) -> dict[str, Any]:
    return {
        "languages": _language_rows(form),
        "dutch_level": str(form.get("dutch_level", "")),
        "area": str(form.get("area", "")).strip(),
        "days": form.getlist("days"),
        "wishes": form.getlist("wishes"),
    }


def _profile_body(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "languages": {code: level for code, level in values["languages"] if code or level},
        "dutch_level": values["dutch_level"],
        "area": values["area"],
        "days": values["days"],
        **{wish: wish in values["wishes"] for wish in WISHES},
    }


async def _details(gateway: Gateway, kind: str, candidate_id: str) -> dict[str, Any] | None:
    """A guide or placement as the pool shows it; None when the reader may not see it."""
    path = f"/api/v1/{'guides' if kind == 'begeleider' else 'placements'}/{candidate_id}"
    return await optional(gateway, path)


def _described(kind: str, details: dict[str, Any] | None) -> dict[str, Any]:
    """A candidate's name and what it is, in words (only the name, when the reader may not
    see the candidate)."""
    if details is None:
        return {"name": "naam niet zichtbaar", "what": ""}
    hours = f"{details['hours_per_week']:g}".replace(".", ",")
    if kind == "begeleider":
        what = f"{words.GUIDE_KINDS[details['kind']]}, {hours} uur per week"
        name = details["name"]
    else:
        what = f"{words.PLACEMENT_KINDS[details['kind']]}, {hours} uur per week"
        name = details["title"]
    return {"name": name, "what": what, "organisation": details["organisation"]}


async def _ranked(gateway: Gateway, path: str, kind: str) -> dict[str, Any] | None:
    """The shortlist of `kind`, each candidate named and explained; None when it cannot be
    made now (no profile yet)."""
    try:
        ranking = await gateway.get(f"{path}/matches", kind=kind)
    except Problem as problem:
        if problem.status in (403, 404, 409):
            return None
        raise
    found = await asyncio.gather(*(_details(gateway, kind, c["id"]) for c in ranking["kandidaten"]))
    return {
        "candidates": [
            {**c, **_described(kind, details), "criteria": explained(c)}
            for c, details in zip(ranking["kandidaten"], found, strict=True)
        ],
        "left_out": left_out(ranking),
        "left_out_count": len(ranking["uitgesloten"]),
        "household_guides": ranking["huishouden_begeleiders"],
    }


async def _organisations(gateway: Gateway) -> dict[str, str]:
    """The partner organisations by OIN, as consent's register names them; none when the
    reader may not read the register."""
    listed = await optional(gateway, "/api/v1/partners")
    return {p["oin"]: p["name"] for p in (listed or {}).get("partners", [])}


async def _named_proposals(gateway: Gateway, guidance: dict[str, Any]) -> list[dict[str, Any]]:
    proposals = guidance.get("proposals") or []
    found = await asyncio.gather(
        *(_details(gateway, p["kind"], p["candidate_id"]) for p in proposals)
    )
    return [
        {**p, **_described(p["kind"], details)} for p, details in zip(proposals, found, strict=True)
    ]


async def matching(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The matching profile as a form, the proposals and their state, and the guides and places
    that fit best, each explained."""
    path = _path(request)
    problems: dict[str, str] = {}
    guidance = await optional(gateway, f"{path}/guidance")
    values = _profile_values((guidance or {}).get("profile"))
    if form is not None:
        values = _profile_form(form)
        try:
            await gateway.send("PUT", f"{path}/matching-profile", _profile_body(values))
        except Problem as problem:
            problems = _problems(problem, "Er is niets opgeslagen. Kijk de velden na.")
        else:
            return RedirectResponse(f"{request.url.path}?klaar=profiel", status_code=303)
    matches = "regievoerder" in session.roles and (guidance or {}).get("profile")
    rankings = (
        dict(
            zip(
                KINDS,
                await asyncio.gather(*(_ranked(gateway, path, k) for k in KINDS)),
                strict=True,
            )
        )
        if matches
        else {}
    )
    proposals = await _named_proposals(gateway, guidance) if guidance else []
    open_ids = {p["candidate_id"]: p["id"] for p in proposals if p["status"] in OPEN}
    return await tab(
        request,
        werkplek,
        session,
        gateway,
        "dossier_matching.html",
        status=422 if problems else 200,
        guidance=guidance,
        proposals=proposals,
        rankings=rankings,
        open_ids=open_ids,
        values=values,
        problems=problems,
        done=request.query_params.get("klaar", ""),
        organisations=await _organisations(gateway),
        **_words(),
    )


def _words() -> dict[str, Any]:
    return {
        "labels": LABELS,
        "levels": LEVELS,
        "wishes": WISHES,
        "states": STATES,
        "sides": SIDES,
        "languages": words.LANGUAGES,
        "words": {
            "days": words.DAYS,
            "kinds": words.KINDS,
            "outcomes": words.OUTCOMES,
        },
    }


# proposing one ----------------------------------------------------------------------------------
async def candidate(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One guide or place of the shortlist, explained, and proposing it to the person (with a
    note that stays with the gemeente)."""
    kind = request.path_params["kind"]
    candidate_id = str(request.path_params["candidate_id"])
    if kind not in KINDS:
        raise Problem(status=404)
    path = _path(request)
    values = {"note": ""}
    problems: dict[str, str] = {}
    if form is not None:
        values = {"note": str(form.get("note", "")).strip()}
        body: dict[str, Any] = {"kind": kind, "candidate_id": candidate_id}
        if values["note"]:
            body["note"] = values["note"]
        try:
            await gateway.send("POST", f"{path}/proposals", body)
        except Problem as problem:
            problems = _problems(
                problem,
                "Dit kan nu niet. Misschien is deze kandidaat al voorgesteld, past hij niet meer,"
                " of heeft het huishouden al een vaste begeleider.",
            )
        else:
            return RedirectResponse(_tab(request, "?klaar=voorgesteld#voorstellen"), 303)
    ranked = await _ranked(gateway, path, kind) or {"candidates": []}
    shown = next((c for c in ranked["candidates"] if c["id"] == candidate_id), None)
    if shown is None:
        shown = {
            "id": candidate_id,
            "score": None,
            "criteria": [],
            **_described(kind, await _details(gateway, kind, candidate_id)),
        }
    return await tab(
        request,
        werkplek,
        session,
        gateway,
        "dossier_matching_kandidaat.html",
        status=422 if problems else 200,
        kind=kind,
        candidate=shown,
        values=values,
        problems=problems,
        back=_tab(request),
        organisations=await _organisations(gateway),
        **_words(),
    )


# a proposal: answering for the person, starting ---------------------------------------------------
def _start_body(values: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in values.items() if value}


async def proposal(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One proposal: its state and who answered what; the person's answer, and starting it once
    everyone accepted."""
    proposal_id = str(request.path_params["proposal_id"])
    path = _path(request)
    guidance = await gateway.get(f"{path}/guidance")
    found = next((p for p in guidance.get("proposals") or [] if p["id"] == proposal_id), None)
    if found is None:
        raise Problem(status=404)
    values = {
        "answer": "",
        "reason": "",
        "on": today_in_amsterdam().isoformat(),
        "change_reason": "",
    }
    problems: dict[str, str] = {}
    action = str((form or {}).get("actie", ""))
    if form is not None:
        values.update({name: str(form.get(name, "")).strip() for name in values if name in form})
        step = f"{path}/proposals/{proposal_id}"
        try:
            if action == "antwoord":
                if values["answer"] not in ("ja", "nee"):
                    raise Problem(422, errors=[{"field": "answer", "detail": "is required"}])
                body: dict[str, Any] = {"side": "persoon", "accepted": values["answer"] == "ja"}
                if values["reason"]:
                    body["reason"] = values["reason"]
                await gateway.send("POST", f"{step}/answers", body)
            else:
                await gateway.send(
                    "POST",
                    f"{step}/start",
                    _start_body({k: values[k] for k in ("on", "change_reason")}),
                )
        except Problem as problem:
            problems = _problems(problem, "Dit kan nu niet. Open de pagina opnieuw en kijk het na.")
            if "answer" in problems:
                problems["answer"] = "Kies ja of nee."
        else:
            done = "antwoord" if action == "antwoord" else "gestart"
            return RedirectResponse(f"{request.url.path}?klaar={done}", 303)
    [named] = await _named_proposals(gateway, {"proposals": [found]})
    guide = guidance.get("guide")
    return await tab(
        request,
        werkplek,
        session,
        gateway,
        "dossier_matching_voorstel.html",
        status=422 if problems else 200,
        proposal=named,
        may_answer=found["status"] == "voorgesteld" and "persoon" not in found["answers"],
        may_start=found["status"] == "geaccepteerd",
        changes_guide=found["kind"] == "begeleider" and guide is not None,
        action=action,
        values=values,
        problems=problems,
        today=today_in_amsterdam().isoformat(),
        back=_tab(request),
        done=request.query_params.get("klaar", ""),
        organisations=await _organisations(gateway),
        **_words(),
    )


TAB = "/dossiers/{dossier_id:uuid}/matching"
PAGES: tuple = (
    (TAB, matching, ["GET", "POST"]),
    (TAB + "/kandidaten/{kind}/{candidate_id:uuid}", candidate, ["GET", "POST"]),
    (TAB + "/voorstellen/{proposal_id:uuid}", proposal, ["GET", "POST"]),
)
MENU: tuple = ()
