"""The integration events matching publishes (contracts/events/ holds their JSON Schemas).

About a dossier, only ids, kinds, dates, statuses and the Dutch level an organisation is told leave
matching; the texts (activities, reflections, signals, notes, reasons) stay. A guide's or
placement's own events name the organisation and the gemeenten, not the volunteer.
"""

from __future__ import annotations

from typing import Any

from services.common.envelope import Publication, about_dossier, dossier_opened
from services.common.topics import keep_topics
from services.matching.domain import Guidance, Guide, Placement

GUIDE_REGISTERED = "nl.wegwijs.matching.begeleider.geregistreerd.v1"
GUIDE_CHANGED = "nl.wegwijs.matching.begeleider.gewijzigd.v1"
GUIDE_WITHDRAWN = "nl.wegwijs.matching.begeleider.gestopt.v1"
GUIDE_ASSIGNED = "nl.wegwijs.matching.begeleider.toegewezen.v1"
GUIDE_RELEASED = "nl.wegwijs.matching.begeleider.vrijgekomen.v1"
PLACEMENT_OFFERED = "nl.wegwijs.matching.plaatsing.aangeboden.v1"
PLACEMENT_CHANGED = "nl.wegwijs.matching.plaatsing.gewijzigd.v1"
PLACEMENT_CLOSED = "nl.wegwijs.matching.plaatsing.gesloten.v1"
PLACEMENT_FILLED = "nl.wegwijs.matching.plaatsing.bezet.v1"
PLACEMENT_FREED = "nl.wegwijs.matching.plaatsing.vrijgekomen.v1"
GUIDANCE_OPENED = "nl.wegwijs.matching.begeleiding.geopend.v1"
ROUTE_NOTED = "nl.wegwijs.matching.route.overgenomen.v1"
PLAN_NOTED = "nl.wegwijs.matching.plan.overgenomen.v1"
GOAL_STATUS_NOTED = "nl.wegwijs.matching.doelstatus.overgenomen.v1"
PROFILE_SET = "nl.wegwijs.matching.koppelprofiel.vastgelegd.v1"
PROPOSED = "nl.wegwijs.matching.voorstel.gedaan.v1"
ANSWERED = "nl.wegwijs.matching.voorstel.beantwoord.v1"
STARTED = "nl.wegwijs.matching.koppeling.gestart.v1"
ENDED = "nl.wegwijs.matching.koppeling.beeindigd.v1"
ACTIVITY_LOGGED = "nl.wegwijs.matching.activiteit.vastgelegd.v1"
SIGNAL_GIVEN = "nl.wegwijs.matching.signaal.gegeven.v1"
HOUSEHOLD_NOTED = "nl.wegwijs.matching.huishouden.overgenomen.v1"
HOUSEHOLD_GUIDE = "nl.wegwijs.matching.huishouden.begeleider-bijgewerkt.v1"
GUIDANCE_HANDED_OVER = "nl.wegwijs.matching.begeleiding.overgedragen.v1"


def _about_item(event_type: str, data: Any = None) -> Publication:
    """An event of a guide or placement: subject is its id; no gemeente, no dossier."""
    return Publication(
        type=event_type,
        subject=lambda e: str(e.originator_id),
        gemeente=lambda e: None,
        data=lambda e: {"id": str(e.originator_id), **(data(e) if data else {})},
    )


PUBLICATIONS = {
    Guide.Registered: _about_item(
        GUIDE_REGISTERED,
        lambda e: {
            "organisation": e.organisation,
            "gemeenten": list(e.details["gemeenten"]),
            "max_caseload": e.details["max_caseload"],
        },
    ),
    Guide.Changed: _about_item(GUIDE_CHANGED, lambda e: {"fields": sorted(e.changes)}),
    Guide.Withdrawn: _about_item(GUIDE_WITHDRAWN),
    Guide.Assigned: _about_item(GUIDE_ASSIGNED, lambda e: {"caseload": e.caseload}),
    Guide.Released: _about_item(GUIDE_RELEASED, lambda e: {"caseload": e.caseload}),
    Placement.Offered: _about_item(
        PLACEMENT_OFFERED,
        lambda e: {
            "organisation": e.organisation,
            "kind": e.details["kind"],
            "gemeente": e.details["gemeente"],
            "capacity": e.details["capacity"],
        },
    ),
    Placement.Changed: _about_item(PLACEMENT_CHANGED, lambda e: {"fields": sorted(e.changes)}),
    Placement.Closed: _about_item(PLACEMENT_CLOSED),
    Placement.Filled: _about_item(PLACEMENT_FILLED),
    Placement.Freed: _about_item(PLACEMENT_FREED),
    Guidance.Opened: dossier_opened(GUIDANCE_OPENED),
    # Filed under the old gemeente, whose history it closes; addressed to the active guide's
    # organisation, which consent's feed tells as its subscription and the protocol allow.
    Guidance.HandedOver: about_dossier(
        GUIDANCE_HANDED_OVER,
        lambda e: {
            "to_gemeente": e.to_gemeente,
            "moved_on": e.moved_on.isoformat(),
            **({"organisation": e.organisation} if e.organisation else {}),
        },
    ),
    Guidance.RouteNoted: about_dossier(ROUTE_NOTED, lambda e: {"route": e.route}),
    Guidance.HouseholdNoted: about_dossier(
        HOUSEHOLD_NOTED, lambda e: {"household_id": e.household_id}
    ),
    Guidance.HouseholdGuideNoted: about_dossier(
        HOUSEHOLD_GUIDE,
        lambda e: {"member_id": e.member, **({"guide_id": e.guide_id} if e.guide_id else {})},
    ),
    Guidance.PlanNoted: about_dossier(
        PLAN_NOTED,
        lambda e: {
            "route": e.route,
            "decided_on": e.decided_on.isoformat(),
            "goals": len(e.goals),
        },
    ),
    Guidance.GoalStatusNoted: about_dossier(
        GOAL_STATUS_NOTED, lambda e: {"goal_id": e.goal_id, "status": e.status}
    ),
    Guidance.ProfileSet: about_dossier(PROFILE_SET),
    Guidance.Proposed: about_dossier(
        PROPOSED,
        lambda e: {
            "proposal_id": e.proposal_id,
            "kind": e.kind,
            "candidate_id": e.candidate_id,
            "organisation": e.organisation,
            **e.told,
        },
    ),
    Guidance.Answered: about_dossier(
        ANSWERED,
        lambda e: {
            "proposal_id": e.proposal_id,
            "organisation": e.organisation,
            "side": e.side,
            "accepted": e.accepted,
        },
    ),
    Guidance.Started: about_dossier(
        STARTED,
        lambda e: {
            "proposal_id": e.proposal_id,
            "organisation": e.organisation,
            "kind": e.kind,
            "candidate_id": e.candidate_id,
            "on": e.on.isoformat(),
            "change_of_guide": bool(e.change_reason),
        },
    ),
    Guidance.Ended: about_dossier(
        ENDED,
        lambda e: {
            "proposal_id": e.proposal_id,
            "organisation": e.organisation,
            "on": e.on.isoformat(),
            "outcome": e.outcome,
        },
    ),
    Guidance.ActivityLogged: about_dossier(
        ACTIVITY_LOGGED,
        lambda e: {
            "activity_id": e.activity_id,
            "goal_id": e.goal_id,
            "on": e.on.isoformat(),
            # the goal's domain (none on activities logged before it was kept)
            **({"domain": e.domain} if getattr(e, "domain", "") else {}),
        },
    ),
    Guidance.SignalGiven: about_dossier(
        SIGNAL_GIVEN,
        lambda e: {
            "signal_id": e.signal_id,
            "domain": e.domain,
            "referred": bool(e.referred_to),
        },
    ),
}

# The topic of each aggregate class matching's stored events carry, and the class it means now: a
# moved class keeps its old topic here (services/common/topics.py).
STORED_TOPICS = {
    "services.matching.domain:Guidance": Guidance,
    "services.matching.domain:Guide": Guide,
    "services.matching.domain:Placement": Placement,
}
keep_topics(STORED_TOPICS)
