"""The integration events pip publishes (contracts/events/ holds their JSON Schemas).

The structure of the plan leaves pip (routes, goal domains, phases, owners, dates, statuses); the
texts people wrote (goal descriptions, notes, reasons, what is awaited) stay in pip.
"""

from __future__ import annotations

from typing import Any

from services.common.envelope import Publication, about_dossier, dossier_opened
from services.common.topics import keep_topics
from services.pip.domain import Pip
from services.pip.handhaving import Enforcement

PIP_DRAFT_OPENED = "nl.wegwijs.pip.concept.geopend.v1"
STARTING_POINTS = "nl.wegwijs.pip.startpunten.vastgelegd.v1"
ROUTE_CHOICE_NOTED = "nl.wegwijs.pip.routekeuze.overgenomen.v1"
PRACTICAL_ITEM_NOTED = "nl.wegwijs.pip.praktische-zaak.bijgewerkt.v1"
SIGNAL_NOTED = "nl.wegwijs.pip.signaal.genoteerd.v1"
DEADLINE_RECALCULATED = "nl.wegwijs.pip.deadline.herberekend.v1"
DEADLINE_SUSPENDED = "nl.wegwijs.pip.deadline.opgeschort.v1"
DEADLINE_EXTENDED = "nl.wegwijs.pip.deadline.verlengd.v1"
DRAFT_CHANGED = "nl.wegwijs.pip.concept.gewijzigd.v1"
GOAL_ADDED = "nl.wegwijs.pip.doel.toegevoegd.v1"
GOAL_CHANGED = "nl.wegwijs.pip.doel.gewijzigd.v1"
GOAL_REMOVED = "nl.wegwijs.pip.doel.verwijderd.v1"
ESTABLISHED = "nl.wegwijs.pip.vastgesteld.v1"
REVISED = "nl.wegwijs.pip.bijgesteld.v1"
GOAL_PROGRESS = "nl.wegwijs.pip.doel.voortgang-vastgelegd.v1"
MODULE_HOURS = "nl.wegwijs.pip.module.uren-vastgelegd.v1"
DEADLINE_NEAR = "nl.wegwijs.pip.deadline.nadert.v1"
DEADLINE_MISSED = "nl.wegwijs.pip.deadline.verstreken.v1"
TERMIJN_NEAR = "nl.wegwijs.pip.inburgeringstermijn.eindigt-binnenkort.v1"
TERMIJN_ENDED = "nl.wegwijs.pip.inburgeringstermijn.verstreken.v1"
ENFORCEMENT_OPENED = "nl.wegwijs.pip.handhaving.geopend.v1"
BREACH_RECORDED = "nl.wegwijs.pip.verplichting.geschonden.v1"
MEASURE_DUE = "nl.wegwijs.pip.maatregel.aan-de-orde.v1"
MEASURE_DECIDED = "nl.wegwijs.pip.maatregel.besloten.v1"
PARTICIPATIEWET_DECIDED = "nl.wegwijs.pip.participatiewet-besluit.vastgelegd.v1"
DOCUMENT_ISSUED = "nl.wegwijs.pip.document.uitgegeven.v1"
MEASURE_DOCUMENT_ISSUED = "nl.wegwijs.pip.handhavingsbesluit.uitgegeven.v1"


def _document(e: Any) -> dict[str, Any]:
    """A document's issue: which kind, when and its hash; its content stays in pip. The
    document's id is this event's id."""
    return {"kind": e.kind, "issued_on": e.issued_on.isoformat(), "sha256": e.sha256}


HANDED_OVER = "nl.wegwijs.pip.overgedragen.v1"


def _handed_over(part: str) -> Publication:
    """The PIP or its handhaving went with a move to the new gemeente: filed under the old
    gemeente, whose history it closes."""
    return about_dossier(
        HANDED_OVER,
        lambda e: {"part": part, "to_gemeente": e.to_gemeente, "moved_on": e.moved_on.isoformat()},
    )


def goal_outline(goal_id: str, goal: dict[str, Any]) -> dict[str, Any]:
    """A goal without its words: what partners and reports may know of it."""
    return {
        "goal_id": goal_id,
        "domain": goal["domain"],
        "term": goal["term"],
        "phase": goal["phase"],
        "due_on": goal["due_on"].isoformat(),
        "owner": {
            k: goal["owner"][k] for k in ("role", "organisation", "oin") if k in goal["owner"]
        },
    }


def plan_outline(plan: dict[str, Any]) -> dict[str, Any]:
    leerroute = plan["leerroute"]
    return {
        "route": leerroute["route"],
        "language_target": leerroute["language_target"],
        "route_end_date": leerroute["end_date"].isoformat(),
        "modules": {name: module["hours"] for name, module in plan["modules"].items()},
        "ontzorgen": plan["ontzorgen"]["applies"],
        "goals": [goal_outline(goal_id, goal) for goal_id, goal in plan["goals"].items()],
    }


def _goal_domain(e: Any) -> dict[str, str]:
    """The goal's domain, for an event about one goal: partners' feeds share it as that domain
    (progress on a health goal is health). Events stored before it was kept have none."""
    domain = getattr(e, "domain", "")
    return {"domain": domain} if domain else {}


def _optional_date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _iso(name: str) -> Any:
    return lambda e: {name: getattr(e, name).isoformat()}


PUBLICATIONS = {
    Pip.DraftOpened: Publication(
        type=PIP_DRAFT_OPENED,
        subject=lambda e: str(e.dossier_id),
        gemeente=lambda e: e.gemeente,
        data=lambda e: {
            "dossier_id": str(e.dossier_id),
            "gemeente": e.gemeente,
            "status": Pip.DRAFT,
            "deadline": e.deadline.isoformat(),
        },
    ),
    Pip.IntakeCompleted: about_dossier(
        STARTING_POINTS,
        lambda e: {
            "completed_on": e.completed_on.isoformat(),
            "advised_route": e.route_advice["route"],
            "open_practical_items": sorted(e.summary.get("open_practical_items", [])),
        },
    ),
    Pip.RouteChoiceNoted: about_dossier(
        ROUTE_CHOICE_NOTED, lambda e: {"route": e.route, "advised": e.advised}
    ),
    Pip.PracticalItemNoted: about_dossier(
        PRACTICAL_ITEM_NOTED, lambda e: {"item": e.item, "open": e.is_open}
    ),
    Pip.SignalNoted: about_dossier(SIGNAL_NOTED, lambda e: {"domain": e.domain}),
    Pip.DatesCorrected: about_dossier(
        DEADLINE_RECALCULATED,
        lambda e: {
            "legal_deadline": e.deadline.isoformat(),
            "deadline": _optional_date(getattr(e, "effective_deadline", e.deadline)),
        },
    ),
    Pip.ExtensionStarted: about_dossier(DEADLINE_SUSPENDED, _iso("requested_on")),
    Pip.InformationArrived: about_dossier(
        DEADLINE_EXTENDED,
        lambda e: {"arrived_on": e.arrived_on.isoformat(), "deadline": e.deadline.isoformat()},
    ),
    Pip.SectionsChanged: about_dossier(DRAFT_CHANGED, lambda e: {"sections": sorted(e.sections)}),
    Pip.GoalAdded: about_dossier(GOAL_ADDED, lambda e: goal_outline(e.goal_id, e.goal)),
    Pip.GoalChanged: about_dossier(
        GOAL_CHANGED,
        lambda e: {"goal_id": e.goal_id, "fields": sorted(e.changes), **_goal_domain(e)},
    ),
    Pip.GoalRemoved: about_dossier(
        GOAL_REMOVED, lambda e: {"goal_id": e.goal_id, **_goal_domain(e)}
    ),
    Pip.Established: about_dossier(
        ESTABLISHED,
        lambda e: {
            "version": 1,
            "decided_on": e.decided_on.isoformat(),
            "termijn_start": e.termijn_start.isoformat(),
            "termijn_end": e.termijn_end.isoformat(),
            "deadline": e.deadline.isoformat(),
            "on_time": e.on_time,
            "backdated": bool(getattr(e, "backdating_reason", "")),
            **plan_outline(e.plan),
        },
    ),
    Pip.Revised: about_dossier(
        REVISED,
        lambda e: {
            "version": e.number,
            "kind": e.kind,
            "decided_on": e.decided_on.isoformat(),
            "backdated": bool(getattr(e, "backdating_reason", "")),
            **({"to_gemeente": e.evidence["to_gemeente"]} if e.kind == "verhuizing" else {}),
            **plan_outline(e.plan),
        },
    ),
    Pip.GoalProgressRecorded: about_dossier(
        GOAL_PROGRESS,
        lambda e: {
            "goal_id": e.goal_id,
            "status": e.status,
            "on": e.on.isoformat(),
            "source": e.source,
            **_goal_domain(e),
        },
    ),
    Pip.ModuleHoursRecorded: about_dossier(
        MODULE_HOURS,
        lambda e: {"module": e.module, "hours": e.hours, "on": e.on.isoformat()},
    ),
    Pip.DeadlineWarned: about_dossier(
        DEADLINE_NEAR,
        lambda e: {"deadline": e.deadline.isoformat(), "days_left": e.days_left},
    ),
    Pip.DeadlineMissed: about_dossier(DEADLINE_MISSED, _iso("deadline")),
    Pip.TermijnEndWarned: about_dossier(
        TERMIJN_NEAR,
        lambda e: {"termijn_end": e.termijn_end.isoformat(), "days_left": e.days_left},
    ),
    Pip.TermijnEnded: about_dossier(
        TERMIJN_ENDED,
        lambda e: {
            "termijn_end": e.termijn_end.isoformat(),
            "goals_not_achieved": e.goals_not_achieved,
        },
    ),
    Pip.HandedOver: _handed_over("pip"),
    Enforcement.HandedOver: _handed_over("handhaving"),
    Enforcement.Opened: dossier_opened(ENFORCEMENT_OPENED),
    Enforcement.BreachRecorded: about_dossier(
        BREACH_RECORDED, lambda e: {"number": e.number, "on": e.on.isoformat()}
    ),
    Enforcement.MeasureDue: about_dossier(
        MEASURE_DUE,
        lambda e: {"number": e.number, "measure": e.measure, "policy_version": e.policy_version},
    ),
    Enforcement.MeasureDecided: about_dossier(
        MEASURE_DECIDED,
        lambda e: {
            "number": e.number,
            "measure": e.measure,
            "taken": e.taken,
            **({"referred_to": e.referred_to} if getattr(e, "referred_to", None) else {}),
        },
    ),
    Enforcement.ParticipatiewetDecided: about_dossier(
        PARTICIPATIEWET_DECIDED,
        lambda e: {
            "number": e.number,
            "lowered": e.lowered,
            "decided_on": e.decided_on.isoformat(),
        },
    ),
    Pip.DocumentIssued: about_dossier(DOCUMENT_ISSUED, _document),
    Enforcement.DocumentIssued: about_dossier(MEASURE_DOCUMENT_ISSUED, _document),
}

# The topic of each aggregate class pip's stored events carry, and the class it means now: a
# moved class keeps its old topic here (services/common/topics.py).
STORED_TOPICS = {
    "services.pip.domain:Pip": Pip,
    "services.pip.handhaving:Enforcement": Enforcement,
}
keep_topics(STORED_TOPICS)
