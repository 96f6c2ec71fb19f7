"""The dossier's brede intake and signals tabs: the intake tab lists every part with where it
stands and who recorded it last, and has the leerbaarheidstoets and completing the intake as
forms; each other part is a form on a page of its own (`dossier_intake_parts.py`). The signals
the role may read, and giving one."""

from __future__ import annotations

from typing import Any, get_args

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from services.common.access import Action, allows_role
from services.common.visibility import may_see_domain
from services.contracts import intake as intake_contract
from services.werkplek import texts
from services.werkplek.dossier import DOSSIERS, form_tab, optional
from services.werkplek.dossier_intake_parts import (
    ATTENDANCE,
    COMPLETION,
    CONVERSATIONS,
    EXCUSE,
    LEERBAARHEIDSTOETS,
    MISSING,
    OUTCOMES,
    PARTS,
    ROUTE,
    SANCTION,
    SANCTION_DECISIONS,
    SANCTION_STEPS,
    TOETS_NOT_TAKEN,
    Part,
    step_text,
)
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.sessions import Session

SIGNAL_DOMAINS = intake_contract.SIGNAL_DOMAINS
SENSITIVITIES = get_args(intake_contract.Sensitivity)
# An intake not begun yet, as the API would show it.
NOT_BEGUN: dict[str, Any] = {
    "leerbaarheidstoets": None,
    "education": [],
    "work": [],
    "personal_circumstances": None,
    "domains": {},
    "conversations": [],
    "practical_items": [],
    "missing_parts": list(MISSING),
    "complete": False,
    "route_advice": None,
    "route_choice": None,
    "sanctions": [],
    "history": [],
}
# The pages of parts that are not on the tab's list, by their slug.
OWN_PAGES = {**PARTS, TOETS_NOT_TAKEN.slug: TOETS_NOT_TAKEN}


async def brede_intake(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The brede intake: each part, where it stands and who recorded it; the
    leerbaarheidstoets and completing the intake as forms."""
    path = f"{DOSSIERS}/{request.path_params['dossier_id']}/intake"

    async def send(values: dict[str, str]) -> None:
        if values.get("actie") == "afronden":
            await gateway.send(COMPLETION.method, path + COMPLETION.api, COMPLETION.body(values))
        else:
            await gateway.send(
                "PUT", path + LEERBAARHEIDSTOETS.api, LEERBAARHEIDSTOETS.body(values)
            )

    async def shown() -> dict[str, Any]:
        intake = await optional(gateway, path)
        seen = intake or NOT_BEGUN
        items = {i["item"]: i["label"] for i in seen["practical_items"]}
        return {
            "intake": intake,
            "missing": [MISSING.get(m, m) for m in seen["missing_parts"]],
            "parts": [
                _overview(part, seen, session)
                for part in PARTS.values()
                if _may_read(part, session)
            ],
            "history": [
                (step_text(step, items), _recorder(step, session), step["at"])
                for step in seen["history"]
            ],
            "lbt": LEERBAARHEIDSTOETS,
            "not_taken": TOETS_NOT_TAKEN,
            "completion": COMPLETION if _route_asked(seen) else None,
            "sanctions": _sanctions(seen, request.path_params["dossier_id"]),
            "writes": _may_record(session),
        }

    return await form_tab(
        request, werkplek, session, gateway, form, send, "dossier_intake.html", shown
    )


async def part_page(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One part of the brede intake: what is recorded, by whom, and its form."""
    params = request.path_params
    part = OWN_PAGES.get(params.get("part") or f"domeinen/{params.get('domain')}")
    if part is None or part is LEERBAARHEIDSTOETS:  # the leerbaarheidstoets is on the tab
        raise Problem(status=404)
    if not _may_read(part, session):
        raise Problem(status=403)
    path = f"{DOSSIERS}/{params['dossier_id']}/intake"

    async def send(values: dict[str, str]) -> None:
        await gateway.send(part.method, path + part.api, part.body(values))

    async def shown() -> dict[str, Any]:
        intake = await optional(gateway, path) or NOT_BEGUN
        recorded = part.recorded(intake)
        context = _page(part, recorded, intake, session)
        if part is CONVERSATIONS:
            context |= _conversations(recorded, params["dossier_id"], session)
        elif part is ROUTE:
            context |= _route(intake)
        return context

    return await form_tab(
        request, werkplek, session, gateway, form, send, "dossier_intake_onderdeel.html", shown
    )


async def attendance_page(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Whether the person came to one conversation: recorded once, a no-show with a note."""
    number = request.path_params["number"]
    path = f"{DOSSIERS}/{request.path_params['dossier_id']}/intake"
    api = path + ATTENDANCE.api.format(number=number)

    excuse = path + EXCUSE.api.format(number=number)

    async def send(values: dict[str, str]) -> None:
        if values.get("actie") == "afmelding":
            await gateway.send(EXCUSE.method, excuse, EXCUSE.body(values))
        else:
            await gateway.send(ATTENDANCE.method, api, ATTENDANCE.body(values))

    async def shown() -> dict[str, Any]:
        intake = await optional(gateway, path) or NOT_BEGUN
        found = [c for c in intake["conversations"] if c["number"] == number]
        if not found:
            raise Problem(status=404)
        [conversation] = found
        steps = [s for s in intake["history"] if s.get("about") == str(number)]
        # A no-show can still be excused afterwards (a doctor's note): its own form.
        missed = conversation["outcome"] == "niet verschenen"
        part = EXCUSE if missed else ATTENDANCE
        return {
            **_page(part, None, {**intake, "history": steps}, session),
            "intro": [EXCUSE.intro] if missed else [],
            "action": "afmelding" if missed else "",
            "heading": f"Gesprek {number}",
            "facts": [
                ("Datum", texts.as_date(conversation["planned_on"])),
                ("Doel", conversation["purpose"]),
                ("Uitkomst", OUTCOMES.get(conversation["outcome"], "Nog niet vastgelegd")),
                *([("Wat er gebeurde", conversation["note"])] if conversation.get("note") else []),
            ],
            "open": conversation["outcome"] is None or missed,
            "closed": "Dit is al vastgelegd.",
            "back": ("gesprekken", "Terug naar de gesprekken"),
        }

    return await form_tab(
        request, werkplek, session, gateway, form, send, "dossier_intake_onderdeel.html", shown
    )


async def sanction_page(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """A sanction step the ladder made due: the no-shows behind it, and taking or waiving it
    (a fine with a culpability assessment and the person heard first)."""
    step = request.path_params["step"]
    if step not in SANCTION_STEPS:
        raise Problem(status=404)
    path = f"{DOSSIERS}/{request.path_params['dossier_id']}/intake"
    api = path + SANCTION.api.format(step=step)

    async def send(values: dict[str, str]) -> None:
        await gateway.send(SANCTION.method, api, SANCTION.body(values))

    async def shown() -> dict[str, Any]:
        intake = await optional(gateway, path) or NOT_BEGUN
        found = [s for s in intake["sanctions"] if s["step"] == step]
        if not found:
            raise Problem(status=404)
        state = found[-1]
        steps = [s for s in intake["history"] if s.get("about") == step]
        return {
            **_page(SANCTION, None, {**intake, "history": steps}, session),
            "heading": SANCTION_STEPS[step],
            "intro": [
                "Een boete kan alleen na een waarschuwing, als het de persoon te verwijten is en"
                " nadat de persoon kon reageren. Vul dan ook de verwijtbaarheid en de zienswijze"
                " in. Wie afziet van de stap, schrijft alleen op waarom."
            ],
            "facts": [
                ("Stap", SANCTION_STEPS[step]),
                ("Keren niet gekomen", str(state["no_shows"])),
                ("Stand", SANCTION_DECISIONS.get(state["decision"], state["decision"])),
                *([("Waarom", state["reason"])] if state.get("reason") else []),
            ],
            "open": state["decision"] is None,
            "closed": "Over deze stap is al besloten.",
            "loose": ["warning"],  # what the law asks first, not a field of the form
        }

    return await form_tab(
        request, werkplek, session, gateway, form, send, "dossier_intake_onderdeel.html", shown
    )


def _route_asked(intake: dict[str, Any]) -> bool:
    """Whether completing asks a route and why: the toets was not taken on a ground that gives
    no advice (every ground but analfabetisme)."""
    not_taken = intake.get("leerbaarheidstoets_not_taken")
    return bool(not_taken) and not intake["complete"] and not_taken.get("ground") != "analfabetisme"


def _sanctions(intake: dict[str, Any], dossier_id: Any) -> list[dict[str, Any]]:
    """The sanction steps the ladder made due, each with where it stands and its page."""
    return [
        {
            "step": SANCTION_STEPS.get(s["step"], s["step"]),
            "no_shows": s["no_shows"],
            "state": SANCTION_DECISIONS.get(s["decision"], s["decision"]),
            "href": f"/dossiers/{dossier_id}/intake/sancties/{s['step']}",
            "open": s["decision"] is None,
        }
        for s in intake.get("sanctions", [])
    ]


def _page(part: Part, recorded: Any, intake: dict[str, Any], session: Session) -> dict[str, Any]:
    """What every part's page shows: what is recorded, who recorded it last, and its form."""
    last = _last_step(part, intake["history"])
    return {
        "part": part,
        "heading": part.title,
        "intro": [part.intro] if part.intro else [],
        "facts": [] if part.many else part.facts(recorded),
        "columns": [f.label for f in part.fields],
        "rows": [(cells, None) for cells in part.rows(recorded)] if part.many else [],
        "last": last and (_recorder(last, session), last["at"]),
        "prefill": part.form_values(recorded),
        "writes": _may_record(session),
        "open": True,
        "closed": "",
        "back": ("", "Terug naar de brede intake"),
    }


def _conversations(recorded: list[dict[str, Any]], dossier_id: Any, session: Session) -> dict:
    """The conversations: planned, and whether the person came, each with a link to record it."""
    rows = []
    for c in recorded:
        link = None
        if c["outcome"] is None and _may_record(session):
            target = f"/dossiers/{dossier_id}/intake/gesprekken/{c['number']}"
            link = (target, f"Vastleggen of de persoon kwam bij gesprek {c['number']}")
        outcome = OUTCOMES.get(c["outcome"], "Nog niet vastgelegd")
        cells = [str(c["number"]), texts.as_date(c["planned_on"]), c["purpose"], outcome]
        rows.append((cells, link))
    return {"columns": ["Gesprek", "Datum", "Doel", "Uitkomst"], "rows": rows}


def _route(intake: dict[str, Any]) -> dict[str, Any]:
    """The route advice with its reasons; a route is chosen once the intake is complete."""
    advice = intake["route_advice"]
    if advice is None:
        return {"open": False, "closed": "U kiest de leerroute als de brede intake is afgerond."}
    route = ROUTE.fields[0].shown(advice["route"])
    return {"intro": [f"Advies: {route}.", *advice["reasons"]]}


def _overview(part: Part, intake: dict[str, Any], session: Session) -> dict[str, Any]:
    last = _last_step(part, intake["history"])
    return {
        "title": part.title,
        "href": None if part is LEERBAARHEIDSTOETS else part.slug,
        "state": _state(part, intake),
        "legal": part.legal,
        "by": last and _recorder(last, session),
        "at": last and last["at"],
    }


def _state(part: Part, intake: dict[str, Any]) -> str:
    """Where a part stands, in a few words."""
    recorded = part.recorded(intake)
    if part is LEERBAARHEIDSTOETS:
        not_taken = intake.get("leerbaarheidstoets_not_taken")
        if not recorded and not_taken:
            ground = TOETS_NOT_TAKEN.fields[0].shown(not_taken.get("ground"))
            return (
                f"Niet afgenomen: {ground.lower()}" if not_taken.get("ground") else "Niet afgenomen"
            )
        if not recorded:
            return "Nog niet gemaakt"
        return f"{recorded['outcome']}, gemaakt op {texts.as_date(recorded['taken_on'])}"
    if part is CONVERSATIONS:
        if not recorded:
            return "Nog geen gesprek gepland"
        counts = [sum(1 for c in recorded if c["outcome"] == o) for o in (None, *OUTCOMES)]
        words = ("gepland", "keer gekomen", "keer niet gekomen")
        return ", ".join(f"{n} {w}" for n, w in zip(counts, words, strict=True) if n)
    if part is ROUTE:
        if recorded:
            return f"{part.fields[0].shown(recorded['route'])} gekozen"
        if intake["route_advice"]:
            return f"Advies: {part.fields[0].shown(intake['route_advice']['route'])}"
        return "Na het afronden van de brede intake"
    if part.many:
        one, several = part.counted
        return (
            f"{len(recorded)} {one if len(recorded) == 1 else several}"
            if recorded
            else "Nog niets vastgelegd"
        )
    return "Vastgelegd" if recorded else "Nog niet vastgelegd"


def _last_step(part: Part, history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last step of the history that recorded `part`."""
    for step in reversed(history):
        if step["step"] in part.steps and (part.about is None or step.get("about") == part.about):
            return step
    return None


def _recorder(step: dict[str, Any], session: Session) -> str:
    """Who recorded a step, in Dutch: the person logged in by name, another by user id."""
    roles = ", ".join(texts.role(r) for r in step["role"].split(",") if r)
    who = session.name if step["by"] == session.claims.get("sub") else step["by"]
    return f"{who} ({roles})" if roles else who


def _may_record(session: Session) -> bool:
    return any(allows_role(role, Action.RECORD_INTAKE) for role in session.roles)


def _may_read(part: Part, session: Session) -> bool:
    return part.about is None or may_see_domain(session.roles, part.about)


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
            "signals": await optional(gateway, path),
            "domains": SIGNAL_DOMAINS,
            "sensitivities": SENSITIVITIES,
        }

    return await form_tab(
        request, werkplek, session, gateway, form, send, "dossier_signalen.html", shown
    )


INTAKE = "/dossiers/{dossier_id:uuid}/intake"
PAGES: tuple = (
    (INTAKE, brede_intake, ["GET", "POST"]),
    (f"{INTAKE}/gesprekken/{{number:int}}", attendance_page, ["GET", "POST"]),
    (f"{INTAKE}/sancties/{{step}}", sanction_page, ["GET", "POST"]),
    (f"{INTAKE}/domeinen/{{domain}}", part_page, ["GET", "POST"]),
    (f"{INTAKE}/{{part}}", part_page, ["GET", "POST"]),
    ("/dossiers/{dossier_id:uuid}/signalen", signals, ["GET", "POST"]),
)
MENU: tuple = ()
