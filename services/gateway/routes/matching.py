"""The routes onto matching: organisations' guides and placements, a person's matching profile,
ranking, proposals and their steps, and the guidance with its activity log and signals."""

from __future__ import annotations

from typing import Any

from services.common.access import Action
from services.contracts import matching as c
from services.gateway.routing import Read, Route

GUIDES = "/api/v1/guides"
GUIDE = f"{GUIDES}/{{guide_id}}"
PLACEMENTS = "/api/v1/placements"
PLACEMENT = f"{PLACEMENTS}/{{placement_id}}"
DOSSIER = "/api/v1/dossiers/{dossier_id}"
PROPOSAL = f"{DOSSIER}/proposals/{{proposal_id}}"
# What a ranking reads of the person to rank with (see matching/ranking.py CRITERION_CATEGORIES).
RANKING_READS = ["identiteit", "taal-leerbaarheid", "pip", "contact", "gezin"]
GUIDANCE_READS = ["identiteit", "taal-leerbaarheid", "pip", "signalen"]
OFFER = "begeleiders-beheren"
MATCHING = "koppelen"
GUIDANCE = "begeleiding-vastleggen"
COMMAND_ERRORS = (400, 401, 403, 404, 409, 422, 503, 504)
READ_ERRORS = (401, 403, 404, 503, 504)


def _command(
    method: str,
    path: str,
    operation: str,
    summary: str,
    action: Action,
    activity: str,
    call: str,
    body: Any,
    answer: Any,
    answer_description: str,
    status: int = 200,
    **links: tuple[str, dict[str, str]],
) -> Route:
    """A command of matching: the body as sent, answered with what it made or changed."""
    return Route(
        method,
        path,
        operation,
        summary,
        action,
        activity,
        call,
        body=body,
        answer=answer,
        status=status,
        answer_description=answer_description,
        errors=COMMAND_ERRORS,
        links=links,
    )


def _offer_reads(offer: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """The proposals name dossiers and what the organisation was told of them: reads."""
    return [
        (
            p["dossier_id"],
            p["gemeente"],
            ["identiteit", *(["taal-leerbaarheid"] if p["told"] else [])],
        )
        for p in offer["proposals"]
    ]


def _own_guidance_reads(answer: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """A guide's list names the dossiers they guide: a read of each."""
    return [(g["dossier_id"], g["gemeente"], ["identiteit"]) for g in answer["guidances"]]


def _ranking_reads(ranking: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """The person ranked for, of the gemeente the ranking names."""
    return [(ranking["dossier_id"], ranking["persoon"]["gemeente"], RANKING_READS)]


ROUTES = (
    # guides and placements ----------------------------------------------------------------------
    _command(
        "POST",
        GUIDES,
        "registerGuide",
        "Register a guide of the caller's organisation (coordinator)",
        Action.MANAGE_GUIDES,
        OFFER,
        "matching.register_guide",
        c.GuideDetails,
        c.Guide,
        "The guide.",
        status=201,
        guide=("getGuide", {"guide_id": "$response.body#/id"}),
    ),
    Route(
        "GET",
        GUIDE,
        "getGuide",
        "One guide: a coordinator of its organisation, or a regievoerder of a gemeente it works in",
        Action.READ_POOL,
        OFFER,
        "matching.guide",
        answer=c.Guide,
        answer_description="The guide with its caseload.",
        errors=READ_ERRORS,
    ),
    _command(
        "PATCH",
        GUIDE,
        "changeGuide",
        "Change a guide's details: a new VOG, training done, caseload (coordinator)",
        Action.MANAGE_GUIDES,
        OFFER,
        "matching.change_guide",
        c.GuideChange,
        c.Guide,
        "The guide.",
    ),
    _command(
        "POST",
        f"{GUIDE}/withdrawal",
        "withdrawGuide",
        "The guide stops guiding (coordinator); running guidances keep their history",
        Action.MANAGE_GUIDES,
        OFFER,
        "matching.withdraw_guide",
        c.ReasonToStop,
        c.Guide,
        "The guide.",
    ),
    _command(
        "POST",
        PLACEMENTS,
        "offerPlacement",
        "Offer a placement of the caller's organisation (coordinator)",
        Action.OFFER_PLACEMENTS,
        OFFER,
        "matching.offer_placement",
        c.PlacementDetails,
        c.Placement,
        "The placement.",
        status=201,
        placement=("getPlacement", {"placement_id": "$response.body#/id"}),
    ),
    Route(
        "GET",
        PLACEMENT,
        "getPlacement",
        "One placement",
        Action.READ_POOL,
        OFFER,
        "matching.placement",
        answer=c.Placement,
        answer_description="The placement with the places filled.",
        errors=READ_ERRORS,
    ),
    _command(
        "PATCH",
        PLACEMENT,
        "changePlacement",
        "Change a placement (coordinator)",
        Action.OFFER_PLACEMENTS,
        OFFER,
        "matching.change_placement",
        c.PlacementChange,
        c.Placement,
        "The placement.",
    ),
    _command(
        "POST",
        f"{PLACEMENT}/closure",
        "closePlacement",
        "Stop offering a placement (coordinator)",
        Action.OFFER_PLACEMENTS,
        OFFER,
        "matching.close_placement",
        c.ReasonToStop,
        c.Placement,
        "The placement.",
    ),
    Route(
        "GET",
        "/api/v1/offer",
        "getOffer",
        "The caller's organisation's guides, placements and the proposals made to it (coordinator)",
        Action.MANAGE_GUIDES,
        OFFER,
        "matching.own_offer",
        answer=c.Offer,
        answer_description="Guides with caseloads, placements with places filled.",
        errors=(401, 403, 503, 504),
        read=Read("offer-proposals", each=_offer_reads),
    ),
    # matching -----------------------------------------------------------------------------------
    _command(
        "PUT",
        f"{DOSSIER}/matching-profile",
        "setMatchingProfile",
        "Record what matching may use of the person, as agreed with them (regievoerder)",
        Action.MATCH,
        MATCHING,
        "matching.set_profile",
        c.MatchingProfile,
        c.Guidance,
        "The guidance.",
    ),
    Route(
        "GET",
        f"{DOSSIER}/matches",
        "rankMatches",
        "Guides or placements ranked for the person, each explained criterion by criterion, and"
        " every candidate left out with why (regievoerder); the read is recorded",
        Action.MATCH,
        MATCHING,
        "matching.rank",
        query=c.RankQuery,
        answer=c.Ranking,
        answer_description="The shortlist, best first.",
        errors=(401, 403, 404, 409, 422, 503, 504),
        read=Read("matches", each=_ranking_reads),
    ),
    _command(
        "POST",
        f"{DOSSIER}/proposals",
        "propose",
        "Propose a guide or placement (regievoerder); the hard constraints are checked again and"
        " the organisation is told the Dutch level where the protocol allows",
        Action.MATCH,
        MATCHING,
        "matching.propose",
        c.ProposalRequest,
        c.Proposal,
        "The proposal.",
        status=201,
    ),
    _command(
        "POST",
        f"{PROPOSAL}/answers",
        "answerProposal",
        "Accept or decline, with a reason when declining: side persoon by the regievoerder, side"
        " aanbieder by the organisation's coordinator",
        Action.ANSWER_MATCH,
        MATCHING,
        "matching.answer",
        c.ProposalAnswer,
        c.Proposal,
        "The proposal.",
    ),
    _command(
        "POST",
        f"{PROPOSAL}/start",
        "startMatch",
        "Start an accepted match (regievoerder); a second active guide is refused (409) unless a"
        " change_reason makes it a change of guide; 409 too when the organisation may no longer"
        " receive anything about the person",
        Action.MATCH,
        MATCHING,
        "matching.start",
        c.MatchStart,
        c.Proposal,
        "The proposal.",
    ),
    _command(
        "POST",
        f"{PROPOSAL}/end",
        "endMatch",
        "End a running match with its outcome and why (regievoerder, or the organisation's"
        " coordinator)",
        Action.ANSWER_MATCH,
        MATCHING,
        "matching.end",
        c.MatchEnd,
        c.Proposal,
        "The proposal.",
    ),
    # the guidance -------------------------------------------------------------------------------
    Route(
        "GET",
        "/api/v1/guidance",
        "listOwnGuidance",
        "The guidances the caller gives now, as the person's active guide (begeleider): their"
        " own account and organisation only; the read is recorded",
        Action.LOG_ACTIVITY,
        GUIDANCE,
        "matching.own_guidance",
        answer=c.OwnGuidances,
        answer_description="Only active guidances, earliest first.",
        errors=(401, 403, 503, 504),
        read=Read("own-guidance", each=_own_guidance_reads),
    ),
    Route(
        "GET",
        f"{DOSSIER}/guidance",
        "getGuidance",
        "The guidance: profile, goals, the fixed guide and its history, proposals, the activity"
        " log and signals, as the reader may see them; the read is recorded",
        Action.READ_GUIDANCE,
        GUIDANCE,
        "matching.guidance",
        answer=c.Guidance,
        answer_description="The guidance.",
        errors=READ_ERRORS,
        read=Read("guidance", GUIDANCE_READS),
    ),
    _command(
        "POST",
        f"{DOSSIER}/guidance/activities",
        "logActivity",
        "Log an activity on a PIP goal (the active guide); pip records progress on the goal",
        Action.LOG_ACTIVITY,
        GUIDANCE,
        "matching.log_activity",
        c.ActivityRequest,
        c.Activity,
        "The activity.",
        status=201,
    ),
    _command(
        "POST",
        f"{DOSSIER}/guidance/signals",
        "giveGuidanceSignal",
        "Signal something to the regievoerder, and where the person was referred (the active"
        " guide)",
        Action.LOG_ACTIVITY,
        GUIDANCE,
        "matching.give_signal",
        c.GuidanceSignal,
        c.GuidanceSignalGiven,
        "The signal's id.",
        status=201,
    ),
)
