"""The pages of maatschappelijke begeleiding: a coordinator's guides, placements and proposals,
and a begeleider's people, their goals, activities and signals.

Everything goes through the gateway with the person's own token: a coordinator sees and changes
only their own organisation's guides and placements (`GET /api/v1/offer`), and a begeleider only
the people they guide now (`GET /api/v1/guidance`), as the API decides."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, get_args

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.common.clock import today_in_amsterdam
from services.contracts import matching as contract
from services.contracts.values import CEFR, LANGUAGE_NAMES, PIEZO_PHASES
from services.werkplek import pip_texts, texts
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.sessions import Session

OFFER = "/api/v1/offer"
GUIDES = "/api/v1/guides"
PLACEMENTS = "/api/v1/placements"
DOSSIERS = "/api/v1/dossiers"
# The training every guide needs before they guide anyone (matching's hard constraint).
TRAINING = "basistraining-maatschappelijke-begeleiding"
VOG_VALID_YEARS = 3

AANBOD = "/begeleiding/aanbod"
# Dutch words for the API's values.
DAYS = {
    "ma": "maandag",
    "di": "dinsdag",
    "wo": "woensdag",
    "do": "donderdag",
    "vr": "vrijdag",
    "za": "zaterdag",
    "zo": "zondag",
}
DOMAINS = {**pip_texts.DOMAINS, "algemeen": "Algemeen"}  # a signal may be about no goal
GOAL_STATUSES = pip_texts.GOAL_STATUSES
GUIDE_KINDS = {"vrijwilliger": "Vrijwilliger", "professional": "Beroepskracht"}
PLACEMENT_KINDS = {
    "vrijwilligerswerk": "Vrijwilligerswerk",
    "leerwerkvrijwilligerswerk": "Leerwerkvrijwilligerswerk",
    "stage": "Stage",
    "werkervaringsplaats": "Werkervaringsplaats",
    "baan": "Baan",
}
ROUTES = pip_texts.ROUTES
PHASES = {str(p): f"Fase {p}" for p in PIEZO_PHASES}
SENSITIVITIES = {
    "normaal": "Gewoon",
    "vertrouwelijk": "Vertrouwelijk: alleen de regievoerder mag dit lezen",
}
PROPOSAL_STATUSES = {
    "voorgesteld": "Voorgesteld",
    "geaccepteerd": "Iedereen is akkoord. De gemeente start de begeleiding.",
    "gestart": "Loopt",
}
KINDS = {"begeleider": "Begeleider", "plaatsing": "Plaats"}
# How a match ended, for each kind (a change of guide is the gemeente's, when it starts another).
OUTCOMES = {
    "afgerond": "Afgerond zoals afgesproken",
    "doelen-bereikt": "De doelen zijn bereikt",
    "voortijdig-gestopt": "Eerder gestopt dan afgesproken",
    "gewisseld": "Een andere begeleider",
    "verhuisd": "De persoon is verhuisd",
    "doorgestroomd-naar-werk": "Door naar betaald werk",
    "doorgestroomd-naar-opleiding": "Door naar een opleiding",
}
ENDINGS = {
    "begeleider": [o for o in get_args(contract.GuideOutcome) if o != "gewisseld"],
    "plaatsing": list(get_args(contract.PlacementOutcome)),
}
LANGUAGES = dict(sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1]))
LEVELS = {level: level for level in CEFR}
assert set(DOMAINS) == set(get_args(contract.SignalDomain))
assert set(PLACEMENT_KINDS) == set(get_args(contract.PlacementKind))
assert set(OUTCOMES) == set(get_args(contract.GuideOutcome) + get_args(contract.PlacementOutcome))

# What a field needs, said at B1 level, whatever the API found wrong with it (but its absence).
NEEDS = {
    "name": "Een naam heeft 1 tot 200 tekens.",
    "title": "Een naam heeft 1 tot 200 tekens.",
    "user_id": "Een gebruikersnaam heeft alleen letters, cijfers en de tekens . _ @ : -",
    "languages": "Kies bij elke taal ook het niveau.",
    "gemeenten": "Kies minstens één gemeente.",
    "area": "Een postcodegebied heeft 4 cijfers, bijvoorbeeld 3431.",
    "hours_per_week": "Vul een aantal uren in van 0 tot 40.",
    "max_caseload": "Vul een aantal in van 1 tot 50.",
    "capacity": "Vul een aantal plaatsen in van 1 tot 500.",
    "training": "Vul een datum in die niet in de toekomst ligt.",
    "vog_issued_on": "Vul een datum in die niet in de toekomst ligt.",
    "skills": "Schrijf elke vaardigheid in hoogstens 60 tekens, met komma's ertussen.",
    "ends_on": "De einddatum mag niet voor de begindatum liggen.",
    "goal_id": "Kies een doel uit het plan.",
    "reason": "Schrijf op waarom (hoogstens 1000 tekens).",
    "activity": "Schrijf dit op in hoogstens 1000 tekens.",
    "did_themselves": "Schrijf dit op in hoogstens 1000 tekens.",
    "reflection": "Schrijf dit op in hoogstens 1000 tekens.",
    "text": "Schrijf het signaal op in hoogstens 2000 tekens.",
    "referred_to": "Schrijf dit op in hoogstens 200 tekens.",
}
MISSING = {
    "name": "Vul de naam in.",
    "title": "Vul de naam van de plaats in.",
    "languages": "Kies minstens één taal met het niveau.",
    "gemeenten": "Kies minstens één gemeente.",
    "max_caseload": "Vul in hoeveel huishoudens deze begeleider hoogstens begeleidt.",
    "hours_per_week": "Vul het aantal uren per week in.",
    "capacity": "Vul het aantal plaatsen in.",
    "kind": "Kies de soort.",
    "gemeente": "Kies de gemeente.",
    "goal_id": "Kies het doel waar u aan werkte.",
    "reason": "Schrijf op waarom u nee zegt.",
    "activity": "Schrijf op wat u samen hebt gedaan.",
    "did_themselves": "Schrijf op wat de persoon zelf deed.",
    "reflection": "Schrijf op hoe het ging.",
    "text": "Schrijf op wat u wilt melden.",
    "domain": "Kies waar het signaal over gaat.",
}
# The labels of the forms' fields, also in the list of problems above a form.
GUIDE_LABELS = {
    "name": "Naam",
    "kind": "Soort begeleider",
    "user_id": "Gebruikersnaam in Wegwijs",
    "languages": "Talen en niveau",
    "gemeenten": "Gemeenten waar de begeleider werkt",
    "area": "Postcodegebied",
    "hours_per_week": "Uren per week",
    "days": "Dagen dat de begeleider kan",
    "interests": "Onderwerpen",
    "phases": "Fasen",
    "routes": "Ervaring met routes",
    "skills": "Vaardigheden",
    "training": "Trainingen",
    "vog_issued_on": "Datum VOG",
    "basistraining": "Datum basistraining maatschappelijke begeleiding",
    "max_caseload": "Hoeveel huishoudens hoogstens",
    "stop-reason": "Waarom stopt deze begeleider?",
}
PLACEMENT_LABELS = {
    "title": "Naam van de plaats",
    "kind": "Soort plaats",
    "gemeente": "Gemeente",
    "area": "Postcodegebied",
    "hours_per_week": "Uren per week",
    "dutch_required": "Niveau Nederlands dat nodig is",
    "flags": "Deze plaats is",
    "skills": "Vaardigheden",
    "capacity": "Aantal plaatsen",
    "starts_on": "Begindatum",
    "ends_on": "Einddatum",
    "stop-reason": "Waarom sluit deze plaats?",
}
ANSWER_LABELS = {"answer": "Neemt u dit voorstel aan?", "reason": "Waarom niet?"}
END_LABELS = {
    "outcome": "Hoe is het afgelopen?",
    "on": "Laatste dag",
    "reason": "Waarom stopt het?",
}
ACTIVITY_LABELS = {
    "goal_id": "Aan welk doel werkte u?",
    "on": "Datum",
    "activity": "Wat hebt u samen gedaan?",
    "did_themselves": "Wat deed de persoon zelf?",
    "reflection": "Hoe ging het?",
}
SIGNAL_LABELS = {
    "domain": "Waar gaat het over?",
    "text": "Wat wilt u de regievoerder laten weten?",
    "sensitivity": "Wie mag dit lezen?",
    "referred_to": "Doorverwezen naar",
}
_REQUIRED = ("is required", "must not be empty", "name at least one field")


def _say(field: str, detail: str) -> str:
    """What was wrong with a field, in Dutch."""
    if any(words in detail for words in _REQUIRED):
        return MISSING.get(field) or texts.field_problem(field, detail)
    if "future" in detail:
        return "Deze datum mag niet in de toekomst liggen."
    if field in ("on", "starts_on") and "before" in detail:
        return "Deze datum is te vroeg. " + (
            "Kies een datum na de start van uw begeleiding en de vaststelling van het plan."
            if field == "on"
            else ""
        )
    return NEEDS.get(field) or texts.field_problem(field, detail)


def _problems(problem: Problem) -> dict[str, str]:
    """The gateway's refusal of a form, per form field (the first part of the API's path)."""
    if problem.status not in (400, 409, 422):
        raise problem
    found: dict[str, str] = {}
    for path, detail in problem.field_errors().items():
        field = path.split("/")[0] or "_"
        found.setdefault(field, _say(field, detail) if field != "_" else detail)
    if "_" in found or not found:
        found["_"] = (
            "Dit kan nu niet. Misschien is er intussen iets veranderd. "
            "Open de pagina opnieuw en kijk het na."
            if problem.status == 409
            else "Er is niets opgeslagen. Kijk de velden na."
        )
    return found


def _number(value: str, whole: bool = False) -> Any:
    """A number from a form; what is not one goes to the API as it is, which names it."""
    text = value.strip().replace(",", ".")
    try:
        return int(text) if whole else float(text)
    except ValueError:
        return text


def _today() -> str:
    return today_in_amsterdam().isoformat()


def _render(request: Request, werkplek: Any, session: Session, template: str, **context: Any):
    status = 422 if context.get("problems") else 200
    return werkplek.render(
        request,
        template,
        session=session,
        status=status,
        today=_today(),
        words={
            "days": DAYS,
            "domains": DOMAINS,
            "goal_statuses": GOAL_STATUSES,
            "guide_kinds": GUIDE_KINDS,
            "placement_kinds": PLACEMENT_KINDS,
            "routes": ROUTES,
            "phases": PHASES,
            "statuses": PROPOSAL_STATUSES,
            "kinds": KINDS,
            "sensitivities": SENSITIVITIES,
        },
        **context,
    )


# the coordinator: guides and placements ---------------------------------------------------------
def _vog(guide: dict[str, Any]) -> str:
    """A guide's VOG in words: when it was issued, and whether it still counts."""
    issued = guide.get("vog_issued_on")
    if not issued:
        return "Nog geen VOG"
    day = date.fromisoformat(issued)
    try:
        until = day.replace(year=day.year + VOG_VALID_YEARS)
    except ValueError:  # 29 February
        until = day.replace(year=day.year + VOG_VALID_YEARS, day=28)
    state = "verlopen" if until <= today_in_amsterdam() else f"geldig tot {texts.as_date(until)}"
    return f"{texts.as_date(day)} ({state})"


async def offer(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The organisation's guides and placements, with caseloads and places filled."""
    found = await gateway.get(OFFER)
    for guide in found["guides"]:
        guide["vog"] = _vog(guide)
        guide["basistraining"] = guide["training"].get(TRAINING)
    to_answer = [p for p in found["proposals"] if _to_answer(p)]
    return _render(
        request,
        werkplek,
        session,
        "begeleiding_aanbod.html",
        offer=found,
        to_answer=len(to_answer),
        done=request.query_params.get("klaar", ""),
    )


# The guide's form: each field the API names, and how the form shows it.
def _guide_values(guide: dict[str, Any] | None, session: Session) -> dict[str, Any]:
    """The form's values from a guide as the API gives it (or for a new guide)."""
    guide = guide or {
        "kind": "vrijwilliger",
        "languages": {"nl": "C2"},
        "gemeenten": list(session.gemeenten[:1]),
        "max_caseload": 3,
        "hours_per_week": 4,
    }
    training = dict(guide.get("training") or {})
    basis = training.pop(TRAINING, "")
    languages = list((guide.get("languages") or {}).items())
    return {
        "name": guide.get("name", ""),
        "kind": guide.get("kind", "vrijwilliger"),
        "user_id": guide.get("user_id") or "",
        "languages": languages + [("", "")] * max(1, 2 - len(languages)),
        "gemeenten": list(guide.get("gemeenten") or []),
        "area": guide.get("area") or "",
        "hours_per_week": _shown(guide.get("hours_per_week", "")),
        "days": list(guide.get("days") or []),
        "interests": list(guide.get("interests") or []),
        "phases": [str(p) for p in guide.get("phases") or []],
        "routes": list(guide.get("routes") or []),
        "skills": ", ".join(guide.get("skills") or []),
        "basistraining": basis,
        "trainings": [*training.items(), ("", "")],
        "vog_issued_on": guide.get("vog_issued_on") or "",
        "max_caseload": _shown(guide.get("max_caseload", "")),
    }


def _gemeenten(session: Session, *also: str) -> list[str]:
    """The gemeenten the coordinator acts for, and those an item already names."""
    return [c for c in dict.fromkeys([*session.gemeenten, *also]) if c]


def _shown(number: Any) -> str:
    """4.0 as "4", 4.5 as "4,5"."""
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return str(number).replace(".", ",")


def _rows(form: FormData, prefix: str, key: str, value: str) -> list[tuple[str, str]]:
    """The numbered rows of a form (taal-1 and niveau-1, ...), as many as were shown."""
    count = int(str(form.get(f"{prefix}-rijen", "0")) or 0)
    return [
        (str(form.get(f"{key}-{i}", "")).strip(), str(form.get(f"{value}-{i}", "")).strip())
        for i in range(1, min(count, 20) + 1)
    ]


def _guide_form(form: FormData) -> dict[str, Any]:
    """The form's values as the person filled them in."""
    text = {
        name: str(form.get(name, "")).strip()
        for name in (
            "name",
            "kind",
            "user_id",
            "area",
            "hours_per_week",
            "skills",
            "basistraining",
            "vog_issued_on",
            "max_caseload",
        )
    }
    return {
        **text,
        "languages": _rows(form, "talen", "taal", "niveau"),
        "trainings": _rows(form, "trainingen", "training", "trainingsdatum"),
        **{name: form.getlist(name) for name in ("gemeenten", "days", "interests", "phases")},
        "routes": form.getlist("routes"),
    }


def _guide_body(values: dict[str, Any]) -> dict[str, Any]:
    """What the API takes, from the form's values."""
    training = {name: on for name, on in values["trainings"] if name or on}
    if values["basistraining"]:
        training[TRAINING] = values["basistraining"]
    languages = {code: level for code, level in values["languages"] if code or level}
    return {
        "name": values["name"],
        "kind": values["kind"],
        "user_id": values["user_id"],
        "languages": languages,
        "gemeenten": values["gemeenten"],
        "area": values["area"],
        "hours_per_week": _number(values["hours_per_week"] or "0"),
        "days": values["days"],
        "interests": values["interests"],
        "phases": [_number(p, whole=True) for p in values["phases"]],
        "routes": values["routes"],
        "skills": [s.strip() for s in values["skills"].split(",") if s.strip()],
        "training": training,
        "vog_issued_on": values["vog_issued_on"] or None,
        "max_caseload": _number(values["max_caseload"], whole=True),
    }


def _changes(body: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """Only what the form changed: the API records which fields changed."""
    return {name: value for name, value in body.items() if before.get(name) != value}


def _guide_page(
    request: Request,
    werkplek: Any,
    session: Session,
    values: dict[str, Any],
    problems: dict[str, str],
    guide: dict[str, Any] | None = None,
    **context: Any,
) -> Response:
    return _render(
        request,
        werkplek,
        session,
        "begeleiding_begeleider.html",
        guide=guide,
        values=values,
        problems=problems,
        labels=GUIDE_LABELS,
        gemeenten=[(c, texts.gemeente(c)) for c in _gemeenten(session, *values["gemeenten"])],
        languages=LANGUAGES,
        levels=LEVELS,
        interests={k: v for k, v in DOMAINS.items() if k != "algemeen"},
        **context,
    )


async def new_guide(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Add a guide of the organisation: who, where and when, VOG and training."""
    values = _guide_values(None, session)
    problems: dict[str, str] = {}
    if form is not None:
        values = _guide_form(form)
        try:
            made = await gateway.send("POST", GUIDES, _guide_body(values))
        except Problem as problem:
            problems = _problems(problem)
        else:
            return RedirectResponse(f"{AANBOD}/begeleiders/{made['id']}?klaar=nieuw", 303)
    return _guide_page(request, werkplek, session, values, problems)


async def guide(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One guide: change their details (a new VOG, training done, caseload), or stop."""
    guide_id = str(request.path_params["guide_id"])
    found = await gateway.get(f"{GUIDES}/{guide_id}")
    sent, values, problems, done = await _change_or_stop(
        request,
        gateway,
        form,
        f"{GUIDES}/{guide_id}",
        ("stoppen", "withdrawal", f"gestopt-{guide_id}"),
        _guide_values(found, session),
        _guide_form,
        _guide_body,
    )
    if sent is not None:
        return sent
    return _guide_page(request, werkplek, session, values, problems, guide=found, done=done)


async def _change_or_stop(
    request: Request,
    gateway: Gateway,
    form: FormData | None,
    path: str,
    stop: tuple[str, str, str],
    values: dict[str, Any],
    parse: Callable[[FormData], dict[str, Any]],
    body: Callable[[dict[str, Any]], dict[str, Any]],
) -> tuple[Response | None, dict[str, Any], dict[str, str], str]:
    """A guide's or a placement's page sent: stopping it (`stop`: the form's action, the API's
    path under `path`, and what the offer page then says), or changing what differs from
    `values`. Taken: the response to go on with; refused: the values and each problem at its
    field, and what the page says ("niets" when nothing changed)."""
    action, suffix, stopped = stop
    problems: dict[str, str] = {}
    done = request.query_params.get("klaar", "")
    if form is not None and form.get("actie") == action:
        reason = str(form.get("stop-reason", "")).strip()
        try:
            await gateway.send("POST", f"{path}/{suffix}", {"reason": reason})
        except Problem as problem:
            problems = {f"stop-{k}": v for k, v in _problems(problem).items()}
            values = {**values, "stop-reason": reason}
        else:
            return RedirectResponse(f"/begeleiding/aanbod?klaar={stopped}", 303), values, {}, done
    elif form is not None:
        before = body(values)
        values = parse(form)
        changes = _changes(body(values), before)
        if not changes:
            done = "niets"
        else:
            try:
                await gateway.send("PATCH", path, changes)
            except Problem as problem:
                problems = _problems(problem)
            else:
                changed = RedirectResponse(f"{request.url.path}?klaar=gewijzigd", 303)
                return changed, values, {}, done
    return None, values, problems, done


# The placement's form.
PLACEMENT_FLAGS = {
    "adapted_low_dutch": "Aangepast voor mensen die nog weinig Nederlands spreken",
    "z_route_suitable": "Geschikt voor mensen op de Z-route",
    "for_women": "Alleen voor vrouwen",
    "childcare": "Met kinderopvang",
}
_PLACEMENT_TEXT = (
    "title",
    "kind",
    "gemeente",
    "area",
    "hours_per_week",
    "dutch_required",
    "skills",
    "capacity",
    "starts_on",
    "ends_on",
)


def _placement_values(placement: dict[str, Any] | None, session: Session) -> dict[str, Any]:
    placement = placement or {
        "gemeente": session.gemeenten[0] if len(session.gemeenten) == 1 else "",
        "dutch_required": "A0",
        "capacity": 1,
    }
    values = {name: placement.get(name) or "" for name in _PLACEMENT_TEXT}
    values["skills"] = ", ".join(placement.get("skills") or [])
    for name in ("hours_per_week", "capacity"):
        values[name] = _shown(placement.get(name, ""))
    values["flags"] = [flag for flag in PLACEMENT_FLAGS if placement.get(flag)]
    return values


def _placement_form(form: FormData) -> dict[str, Any]:
    values = {name: str(form.get(name, "")).strip() for name in _PLACEMENT_TEXT}
    values["flags"] = [flag for flag in form.getlist("flags") if flag in PLACEMENT_FLAGS]
    return values


def _placement_body(values: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": values["title"],
        "kind": values["kind"] or None,
        "gemeente": values["gemeente"] or None,
        "area": values["area"],
        "hours_per_week": _number(values["hours_per_week"]) if values["hours_per_week"] else None,
        "dutch_required": values["dutch_required"] or "A0",
        "skills": [s.strip() for s in values["skills"].split(",") if s.strip()],
        "capacity": _number(values["capacity"], whole=True) if values["capacity"] else None,
        "starts_on": values["starts_on"] or None,
        "ends_on": values["ends_on"] or None,
        **{flag: flag in values["flags"] for flag in PLACEMENT_FLAGS},
    }
    # Left out rather than null where the API wants a value: it then says it is missing.
    return {k: v for k, v in body.items() if v is not None or k in ("starts_on", "ends_on")}


def _placement_page(
    request: Request,
    werkplek: Any,
    session: Session,
    values: dict[str, Any],
    problems: dict[str, str],
    placement: dict[str, Any] | None = None,
    **context: Any,
) -> Response:
    return _render(
        request,
        werkplek,
        session,
        "begeleiding_plaats.html",
        placement=placement,
        values=values,
        problems=problems,
        labels=PLACEMENT_LABELS,
        gemeente_options={c: texts.gemeente(c) for c in _gemeenten(session, values["gemeente"])},
        levels=LEVELS,
        flags=PLACEMENT_FLAGS,
        **context,
    )


async def new_placement(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Offer a placement: volunteer work, an internship, a work-experience place or a job."""
    values = _placement_values(None, session)
    problems: dict[str, str] = {}
    if form is not None:
        values = _placement_form(form)
        try:
            made = await gateway.send("POST", PLACEMENTS, _placement_body(values))
        except Problem as problem:
            problems = _problems(problem)
        else:
            return RedirectResponse(f"{AANBOD}/plaatsen/{made['id']}?klaar=nieuw", 303)
    return _placement_page(request, werkplek, session, values, problems)


async def placement(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One placement: change it, or stop offering it."""
    placement_id = str(request.path_params["placement_id"])
    found = await gateway.get(f"{PLACEMENTS}/{placement_id}")
    sent, values, problems, done = await _change_or_stop(
        request,
        gateway,
        form,
        f"{PLACEMENTS}/{placement_id}",
        ("sluiten", "closure", f"gesloten-{placement_id}"),
        _placement_values(found, session),
        _placement_form,
        _placement_body,
    )
    if sent is not None:
        return sent
    return _placement_page(request, werkplek, session, values, problems, placement=found, done=done)


# the coordinator: proposals ---------------------------------------------------------------------
def _to_answer(proposal: dict[str, Any]) -> bool:
    """Waiting for the organisation's answer."""
    return proposal["status"] == "voorgesteld" and "aanbieder" not in proposal["answered"]


def _named(offer: dict[str, Any], proposal: dict[str, Any]) -> dict[str, Any]:
    """A proposal with the name of the guide or placement it is about."""
    items = offer["guides"] if proposal["kind"] == "begeleider" else offer["placements"]
    key = "name" if proposal["kind"] == "begeleider" else "title"
    name = next((i[key] for i in items if i["id"] == proposal["candidate_id"]), "")
    return {**proposal, "candidate": name}


async def proposals(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The proposals made to the organisation: those to answer, and those under way."""
    found = await gateway.get(OFFER)
    named = [_named(found, p) for p in found["proposals"]]
    return _render(
        request,
        werkplek,
        session,
        "begeleiding_voorstellen.html",
        to_answer=[p for p in named if _to_answer(p)],
        waiting=[p for p in named if not _to_answer(p) and p["status"] != "gestart"],
        running=[p for p in named if p["status"] == "gestart"],
        done=request.query_params.get("klaar", ""),
    )


async def proposal(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One proposal to answer: yes, or no with the reason."""
    dossier_id = str(request.path_params["dossier_id"])
    proposal_id = str(request.path_params["proposal_id"])
    found = await gateway.get(OFFER)
    shown = next((p for p in found["proposals"] if p["proposal_id"] == proposal_id), None)
    if shown is None or shown["dossier_id"] != dossier_id:
        raise Problem(status=404)
    values = {"answer": "", "reason": ""}
    problems: dict[str, str] = {}
    if form is not None:
        values = {name: str(form.get(name, "")).strip() for name in values}
        if values["answer"] not in ("ja", "nee"):
            problems["answer"] = "Kies ja of nee."
        else:
            body: dict[str, Any] = {"side": "aanbieder", "accepted": values["answer"] == "ja"}
            if values["reason"]:
                body["reason"] = values["reason"]
            try:
                path = f"{DOSSIERS}/{dossier_id}/proposals/{proposal_id}/answers"
                await gateway.send("POST", path, body)
            except Problem as problem:
                problems = _problems(problem)
            else:
                return RedirectResponse(f"/begeleiding/voorstellen?klaar={values['answer']}", 303)
    return _render(
        request,
        werkplek,
        session,
        "begeleiding_voorstel.html",
        proposal=_named(found, shown),
        answerable=_to_answer(shown),
        labels=ANSWER_LABELS,
        values=values,
        problems=problems,
    )


async def end(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """End a running match: how it ended, the last day and why; then a confirmation step, and
    only then the API."""
    dossier_id = str(request.path_params["dossier_id"])
    proposal_id = str(request.path_params["proposal_id"])
    found = await gateway.get(OFFER)
    shown = next((p for p in found["proposals"] if p["proposal_id"] == proposal_id), None)
    if shown is None or shown["dossier_id"] != dossier_id or shown["status"] != "gestart":
        raise Problem(status=404)
    names = ("outcome", "on", "reason")
    values = {"outcome": "", "on": _today(), "reason": ""}
    problems: dict[str, str] = {}
    confirming = False
    if form is not None:
        values = {name: str(form.get(name, "")).strip() for name in names}
        if form.get("actie") != "wijzigen":
            if not values["outcome"]:
                problems["outcome"] = "Kies hoe het is afgelopen."
            if not values["reason"]:
                problems["reason"] = "Schrijf op waarom het stopt."
        if not problems and form.get("actie") == "beeindigen":
            path = f"{DOSSIERS}/{dossier_id}/proposals/{proposal_id}/end"
            try:
                await gateway.send("POST", path, {k: v for k, v in values.items() if v})
            except Problem as problem:
                problems = _problems(problem)
                if "on" in problems and "toekomst" not in problems["on"]:
                    problems["on"] = "Deze datum ligt voor de start. Kies een latere datum."
            else:
                return RedirectResponse("/begeleiding/voorstellen?klaar=beeindigd", 303)
        confirming = not problems and form.get("actie") == "controleren"
    return _render(
        request,
        werkplek,
        session,
        "begeleiding_beeindigen.html",
        proposal=_named(found, shown),
        outcomes={o: OUTCOMES[o] for o in ENDINGS[shown["kind"]]},
        confirming=confirming,
        labels=END_LABELS,
        values=values,
        problems=problems,
    )


# the begeleider: my people, their goals, activities and signals ---------------------------------
async def _name(gateway: Gateway, dossier_id: str) -> str:
    """The person's first name, as the dossier's view gives it to their guide."""
    try:
        view = await gateway.get(f"{DOSSIERS}/{dossier_id}/view")
    except Problem as problem:
        if problem.status in (403, 404):
            return "Onbekend"
        raise
    return str(view.get("given_name") or "Onbekend")


async def my_people(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The people the begeleider guides now."""
    found = (await gateway.get("/api/v1/guidance"))["guidances"]
    people = [{**g, "given_name": await _name(gateway, g["dossier_id"])} for g in found]
    return _render(request, werkplek, session, "begeleiding_mensen.html", people=people)


async def _person(gateway: Gateway, dossier_id: str) -> dict[str, Any]:
    """What the guide may see of the person: the view, the guidance and the plan's goals."""
    view = await gateway.get(f"{DOSSIERS}/{dossier_id}/view")
    guidance = await gateway.get(f"{DOSSIERS}/{dossier_id}/guidance")
    try:
        pip = await gateway.get(f"{DOSSIERS}/{dossier_id}/pip")
    except Problem as problem:
        if problem.status not in (403, 404):
            raise
        pip = {}
    described = {g["id"]: g for g in (pip.get("plan") or {}).get("goals", [])}
    goals = [
        {
            **goal,
            "description": described.get(goal["goal_id"], {}).get("description", ""),
            "measure": described.get(goal["goal_id"], {}).get("measure", ""),
            "due_on": described.get(goal["goal_id"], {}).get("due_on"),
        }
        for goal in guidance["goals"]
    ]
    return {"view": view, "guidance": guidance, "goals": goals}


async def person(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One person the begeleider guides: the goals, what they did together, the signals."""
    dossier_id = str(request.path_params["dossier_id"])
    seen = await _person(gateway, dossier_id)
    titles = {g["goal_id"]: g["description"] or DOMAINS.get(g["domain"], "") for g in seen["goals"]}
    return _render(
        request,
        werkplek,
        session,
        "begeleiding_persoon.html",
        dossier_id=dossier_id,
        titles=titles,
        done=request.query_params.get("klaar", ""),
        **seen,
    )


CLOSED = ("behaald", "niet-behaald")


async def activity(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Log an activity on a goal of the plan: what was done, what the person did themselves,
    and how it went."""
    dossier_id = str(request.path_params["dossier_id"])
    seen = await _person(gateway, dossier_id)
    names = ("goal_id", "on", "activity", "did_themselves", "reflection")
    values = {name: "" for name in names}
    values["on"] = _today()
    problems: dict[str, str] = {}
    if form is not None:
        values = {name: str(form.get(name, "")).strip() for name in names}
        body = {name: value for name, value in values.items() if value}
        try:
            await gateway.send("POST", f"{DOSSIERS}/{dossier_id}/guidance/activities", body)
        except Problem as problem:
            problems = _problems(problem)
        else:
            return RedirectResponse(f"/begeleiding/mensen/{dossier_id}?klaar=activiteit", 303)
    return _render(
        request,
        werkplek,
        session,
        "begeleiding_activiteit.html",
        dossier_id=dossier_id,
        goal_options={
            g["goal_id"]: f"{g['description'] or DOMAINS[g['domain']]} ({DOMAINS[g['domain']]})"
            for g in seen["goals"]
            if g["status"] not in CLOSED
        },
        labels=ACTIVITY_LABELS,
        values=values,
        problems=problems,
        **{k: v for k, v in seen.items() if k != "goals"},
    )


async def signal(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Give a signal to the regievoerder, and say where the person was referred."""
    dossier_id = str(request.path_params["dossier_id"])
    view = await gateway.get(f"{DOSSIERS}/{dossier_id}/view")
    names = ("domain", "text", "sensitivity", "referred_to")
    values = {name: "" for name in names}
    values["sensitivity"] = "normaal"
    problems: dict[str, str] = {}
    if form is not None:
        values = {name: str(form.get(name, "")).strip() for name in names}
        body = {name: value for name, value in values.items() if value}
        try:
            await gateway.send("POST", f"{DOSSIERS}/{dossier_id}/guidance/signals", body)
        except Problem as problem:
            problems = _problems(problem)
        else:
            return RedirectResponse(f"/begeleiding/mensen/{dossier_id}?klaar=signaal", 303)
    return _render(
        request,
        werkplek,
        session,
        "begeleiding_signaal.html",
        dossier_id=dossier_id,
        view=view,
        labels=SIGNAL_LABELS,
        values=values,
        problems=problems,
    )


COORDINATOR = ("coordinator",)
BEGELEIDER = ("begeleider",)
# (path, handler, methods) of each page, and the menu: (label, path, roles that see it).
PAGES: tuple = (
    ("/begeleiding/aanbod", offer, ["GET"]),
    ("/begeleiding/aanbod/begeleiders/nieuw", new_guide, ["GET", "POST"]),
    ("/begeleiding/aanbod/begeleiders/{guide_id:uuid}", guide, ["GET", "POST"]),
    ("/begeleiding/aanbod/plaatsen/nieuw", new_placement, ["GET", "POST"]),
    ("/begeleiding/aanbod/plaatsen/{placement_id:uuid}", placement, ["GET", "POST"]),
    ("/begeleiding/voorstellen", proposals, ["GET"]),
    (
        "/begeleiding/voorstellen/{dossier_id:uuid}/{proposal_id:uuid}",
        proposal,
        ["GET", "POST"],
    ),
    (
        "/begeleiding/voorstellen/{dossier_id:uuid}/{proposal_id:uuid}/beeindigen",
        end,
        ["GET", "POST"],
    ),
    ("/begeleiding/mensen", my_people, ["GET"]),
    ("/begeleiding/mensen/{dossier_id:uuid}", person, ["GET"]),
    ("/begeleiding/mensen/{dossier_id:uuid}/activiteit", activity, ["GET", "POST"]),
    ("/begeleiding/mensen/{dossier_id:uuid}/signaal", signal, ["GET", "POST"]),
)
MENU: tuple = (
    ("Begeleiders en plaatsen", "/begeleiding/aanbod", COORDINATOR),
    ("Voorstellen", "/begeleiding/voorstellen", COORDINATOR),
    ("Mijn mensen", "/begeleiding/mensen", BEGELEIDER),
)
