"""The PIP as a reader may see it, whole or as it stood on a past date.

What each role sees is declared once, in `services.common.visibility`: goals by their domain (health
is a special category, AVG art. 9; a goal's own owner role sees it all the same), sections and the
intake's starting points by their category. A volunteer guide sees the plan they work on, not the
finances (ontzorgen) or handhaving. No I/O here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.common.values import jsonable
from services.common.visibility import may_see, may_see_domain
from services.pip.contents import HEALTH_DOMAIN
from services.pip.domain import Pip
from services.pip.rules import ROUTES

# The data category of the parts of the view that are not the plan's own (visibility.py).
SECTION_CATEGORY = {"ontzorgen": "financien", "handhaving": "handhaving"}


# Parts of the view that hold today's state only, so an `as_of` view leaves them out.
CURRENT_ONLY = (
    "deadline",
    "legal_deadline",
    "extensions",
    "deadline_warned",
    "deadline_missed",
    "starting_points",
)


def may_see_goal(roles: tuple[str, ...], goal: dict[str, Any]) -> bool:
    return may_see_domain(roles, goal["domain"]) or goal["owner"]["role"] in roles


def hidden_for(roles: tuple[str, ...]) -> frozenset[str]:
    """The sections hidden from a reader: those whose category none of their roles sees."""
    return frozenset(s for s, category in SECTION_CATEGORY.items() if not may_see(roles, category))


def starting_points_as_seen(points: dict[str, Any], roles: tuple[str, ...]) -> dict[str, Any]:
    """The intake's starting points without the domains `roles` may not see: an open "no health
    insurance", or how many health signals were given, is health."""
    summary = points.get("summary") or {}
    return {
        **points,
        "summary": summary
        and {
            **summary,
            "domains": [d for d in summary.get("domains", []) if may_see_domain(roles, d)],
            "open_practical_items": _visible_items(summary.get("open_practical_items", []), roles),
        },
        "open_practical_items": _visible_items(points["open_practical_items"], roles),
        "signals": {d: n for d, n in points["signals"].items() if may_see_domain(roles, d)},
    }


def _visible_items(items: list[str], roles: tuple[str, ...]) -> list[str]:
    return [i for i in items if may_see_domain(roles, _item_domain(i))]


def _item_domain(item: str) -> str:
    # An item pip has no suggestion for is not known to be harmless: treat it as health.
    return PRACTICAL_GOALS.get(item, (HEALTH_DOMAIN,))[0]


def pip_view(
    pip: Pip,
    roles: tuple[str, ...],
    as_of: date | None = None,
    breaches: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The PIP now, or as it stood on `as_of` (the version then in force, and progress then),
    with the breaches of its obligations and the measures on them."""
    hidden = hidden_for(roles)
    version = pip.version_on(as_of) if as_of else (pip.versions[-1] if pip.versions else None)
    plan = version["plan"] if version else pip.plan()
    goals = [
        {
            **goal,
            "status": pip.goal_status(goal["id"], as_of),
            "history": [
                {k: v for k, v in p.items() if k != "goal_id"}
                for p in pip.progress
                if p.get("goal_id") == goal["id"] and (as_of is None or p["on"] <= as_of)
            ],
        }
        for goal in plan.get("goals", {}).values()
        if may_see_goal(roles, goal)
    ]
    withheld = len(plan.get("goals", {})) - len(goals)
    sections = {k: v for k, v in plan.items() if k != "goals" and k not in hidden}
    done = pip.module_hours_done(as_of)
    modules = {
        name: {**module, "hours_done": done.get(name, 0)}
        for name, module in plan.get("modules", {}).items()
    }
    if "modules" in sections:
        sections["modules"] = modules
    view = {
        "dossier_id": str(pip.dossier_id),
        "gemeente": pip.gemeente,
        "status": pip.DRAFT if version is None else pip.ESTABLISHED,
        "as_of": as_of,
        # The deadline now: 10 weeks after the later of the two dates, or later by an extension;
        # null while an extension waits for information.
        "deadline": pip.effective_deadline(),
        "legal_deadline": pip.deadline,
        "extensions": pip.extensions,
        "deadline_warned": pip.monitoring["deadline_warned_for"] is not None,
        "deadline_missed": pip.monitoring["deadline_missed"] is not None,
        "duo_notice_date": pip.duo_notice_date,
        "brp_registration_date": pip.brp_registration_date,
        "starting_points": starting_points_as_seen(pip.starting_points, roles),
        "plan": {**sections, "goals": goals, "goals_withheld": withheld},
        "route": _route(plan),
        "decision": version and {k: v for k, v in version.items() if k != "plan"},
        "termijn": pip.termijn_start and {"start": pip.termijn_start, "end": pip.termijn_end},
        "versions": [
            {k: v for k, v in v.items() if k not in ("plan", "evidence")}
            for v in pip.versions
            if as_of is None or v["decided_on"] <= as_of
        ],
        "opened_at": pip.created_on.isoformat(),
        "version": pip.version,
    }
    if "handhaving" not in hidden:
        view["handhaving"] = [b for b in breaches or [] if as_of is None or b["on"] <= as_of]
    if as_of is not None:
        # What the PIP does not keep by date is left out rather than shown as it is today.
        for current_only in CURRENT_ONLY:
            view.pop(current_only, None)
    return jsonable(view)


def _route(plan: dict[str, Any]) -> dict[str, Any] | None:
    leerroute = plan.get("leerroute")
    if not leerroute:
        return None
    route = ROUTES[leerroute["route"]]
    return {"code": route.code, "name": route.name, "notes": list(route.notes)}


# What each open practical item of the intake suggests as a goal: domain, Piëzo phase, the owner
# role that usually takes it on, and a measure.
PRACTICAL_GOALS: dict[str, tuple[str, str, str]] = {
    "zorgverzekering-regelen": ("gezondheid", "klantmanager", "Zorgverzekering afgesloten"),
    "huisarts-kiezen": ("gezondheid", "begeleider", "Ingeschreven bij een huisarts"),
    "huurtoeslag-aanvragen": ("financien", "klantmanager", "Huurtoeslag aangevraagd"),
    "zorgtoeslag-aanvragen": ("financien", "klantmanager", "Zorgtoeslag aangevraagd"),
    "kinderopvangtoeslag-aanvragen": (
        "financien",
        "klantmanager",
        "Kinderopvangtoeslag aangevraagd",
    ),
    "schulden-aanpakken": ("financien", "klantmanager", "Schuldhulpverlening gestart"),
    "voorschot-uitkering": ("financien", "klantmanager", "Voorschot op de uitkering betaald"),
    "kinderopvang-regelen": ("gezin", "regievoerder", "Kinderopvang geregeld"),
    "bankrekening-openen": ("financien", "klantmanager", "Bankrekening geopend"),
    "digid-aanvragen": ("financien", "begeleider", "DigiD aangevraagd en gebruikt"),
    "kinderbijslag-aanvragen": ("financien", "klantmanager", "Kinderbijslag aangevraagd"),
    "kindgebonden-budget-aanvragen": (
        "financien",
        "klantmanager",
        "Kindgebonden budget aangevraagd",
    ),
    "schoolinschrijving": ("gezin", "regievoerder", "Kinderen ingeschreven op een school"),
    "woning-inrichten": ("huisvesting", "begeleider", "Woning ingericht"),
    "energiecontracten-afsluiten": ("huisvesting", "begeleider", "Energie en water geregeld"),
    "inschrijven-werkzoekende": ("werk", "klantmanager", "Ingeschreven als werkzoekende"),
    "verblijfsintentie-gesprek": (
        "verblijfsintentie",
        "regievoerder",
        "Gesprek over blijven gevoerd; de doelen die daarbij horen staan in het plan",
    ),
}


def starting_points_view(pip: Pip, roles: tuple[str, ...]) -> dict[str, Any]:
    """The intake's starting points with the goals and route they suggest; suggestions only."""
    points = starting_points_as_seen(pip.starting_points, roles)
    route = points["route_choice"] or points["route_advice"]
    suggestions = []
    for item in points["open_practical_items"]:
        domain, owner_role, measure = PRACTICAL_GOALS.get(
            item, ("inburgering", "regievoerder", item)
        )
        suggestions.append(
            {
                "from": f"praktische-zaak:{item}",
                "domain": domain,
                "term": "kort",
                "phase": 0,
                "owner_role": owner_role,
                "measure": measure,
            }
        )
    if not any(s["domain"] == HEALTH_DOMAIN for s in suggestions):
        suggestions.append(
            {
                "from": "aandachtspunt-g",
                "domain": HEALTH_DOMAIN,
                "term": "lang",
                "phase": 0,
                "owner_role": "regievoerder",
                "measure": "Preventieve gezondheid besproken en afspraken gemaakt",
            }
        )
    return jsonable(
        {
            "dossier_id": str(pip.dossier_id),
            "intake_completed_on": points["intake_completed_on"],
            "route_advice": points["route_advice"],
            "route_choice": points["route_choice"],
            "suggested_route": route and route["route"],
            "open_practical_items": points["open_practical_items"],
            "signals_by_domain": points["signals"],
            "suggested_goals": suggestions,
            "deadline": pip.effective_deadline(),
        }
    )
