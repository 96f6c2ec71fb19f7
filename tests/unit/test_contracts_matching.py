"""matching's contract (services/contracts/matching.py) against matching itself: every answer its
use cases give fits its published model, and a request model takes a body exactly when matching's
own field checks take its shape."""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest
from pydantic import BaseModel, ValidationError

from services.common.clock import today_in_amsterdam
from services.common.context import Actor, CommandContext
from services.common.errors import InvalidInput
from services.common.region import Region
from services.contracts import matching as c
from services.contracts.base import field_errors
from services.matching import fields
from services.matching.application import Matching
from services.matching.pool import AggregatePool
from tests.matching_fixtures import (
    KRINGLOOP,
    SEMHAR_PROFILE,
    VWN,
    guide_body,
    placement_body,
)
from tests.unit.test_matching import (
    KRINGLOOP_COORDINATOR,
    REGIE,
    VWN_COORDINATOR,
    FakeSharing,
    _guide,
    _ids,
    _participation_goal,
    _person,
    _placement,
    actor,
    consented,
)

TODAY = today_in_amsterdam()  # the day the services count in, not the machine's (UTC)


@pytest.fixture
def app():
    matching = Matching(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, region=Region.load())
    yield matching
    matching.close()


def fits(model: type[BaseModel], answer: Any) -> BaseModel:
    """The answer as the wire carries it, through its model as the gateway checks it."""
    return model.model_validate_json(json.dumps(answer), strict=True)


def refused(model: type[BaseModel], body: Any) -> dict[str, str]:
    """`{field: detail}` of what `model` refuses in `body`; empty when it takes it."""
    try:
        model.model_validate_json(json.dumps(body))
    except ValidationError as exc:
        return {e["field"]: e["detail"] for e in field_errors(exc)}
    return {}


def test_guides_and_placements_answer_as_published(app):
    guide_id = _guide(app, "Yonas", user_id="u-yonas")
    changed = app.change_guide(VWN_COORDINATOR, guide_id, {"max_caseload": 4, "area": "3431"})
    withdrawn = app.withdraw_guide(VWN_COORDINATOR, guide_id, {"reason": "Verhuist."})
    place_id = _placement(app, "Kringloop sorteren", adapted_low_dutch=True)
    closed = app.close_placement(KRINGLOOP_COORDINATOR, place_id, {"reason": "Seizoen voorbij."})

    guide = fits(c.Guide, app.guide(VWN_COORDINATOR, guide_id))
    assert fits(c.Guide, changed).max_caseload == 4
    assert guide.withdrawn == withdrawn["withdrawn"] == "Verhuist."
    assert guide.area == "3431" and guide.organisation == VWN and guide.caseload == 0
    placement = fits(c.Placement, app.placement(KRINGLOOP_COORDINATOR, place_id))
    assert placement.kind == "leerwerkvrijwilligerswerk" and placement.area == ""
    assert placement.starts_on is None and placement.filled == 0
    assert fits(c.Placement, closed).closed == "Seizoen voorbij."


def test_ranking_proposals_and_the_guidance_answer_as_published_to_every_reader(app, pips):
    dossier_id = _person(app, pips)
    guide_id = _guide(app, "Yonas", user_id="u-yonas", languages={"ti": "C2"})
    place_id = _placement(app, "Kringloop sorteren", adapted_low_dutch=True)
    pool = AggregatePool(app, *_ids(app))

    for kind in get_args(c.CandidateKind):
        ranking = fits(c.Ranking, app.rank(REGIE, dossier_id, kind, pool, FakeSharing()))
        assert ranking.soort == kind and ranking.persoon.talen == {"ti": "C2", "ar": "B1"}
        assert len(ranking.kandidaten) == 1 and ranking.kandidaten[0].uitleg

    asked = {"kind": "begeleider", "candidate_id": guide_id, "note": "Intern."}
    proposal = fits(c.Proposal, app.propose(REGIE, dossier_id, asked, FakeSharing()))
    assert proposal.note == "Intern." and proposal.answered is None
    answered = app.answer(
        REGIE, dossier_id, str(proposal.id), {"side": "persoon", "accepted": True}
    )
    fits(c.Proposal, answered)
    to_organisation = app.answer(
        VWN_COORDINATOR, dossier_id, str(proposal.id), {"side": "aanbieder", "accepted": True}
    )
    seen = fits(c.Proposal, to_organisation)
    assert seen.answered == {"persoon": True, "aanbieder": True}
    assert seen.score is None and "note" not in to_organisation, "the gemeente's words stay"
    started = fits(c.Proposal, app.start(REGIE, dossier_id, str(proposal.id), {}, FakeSharing()))
    assert started.status == "gestart" and started.started_on == TODAY

    yonas = actor("begeleider", VWN, user="u-yonas")
    goal_id = _participation_goal(app, dossier_id)
    entry = {"goal_id": goal_id, "activity": "a", "did_themselves": "b", "reflection": "c"}
    assert fits(c.Activity, app.log_activity(yonas, dossier_id, entry)).on == TODAY
    signal = {"domain": "gezondheid", "text": "Slaapt slecht.", "referred_to": "Huisarts"}
    with pytest.raises(InvalidInput, match="consent"):  # health: only on a recorded basis
        app.give_signal(yonas, dossier_id, signal)
    given = fits(c.GuidanceSignalGiven, app.give_signal(yonas, dossier_id, signal, consented))
    assert given.basis is not None and given.basis.consent_id == "toestemming-1"

    by_regie = fits(c.Guidance, app.guidance(REGIE, dossier_id))
    assert by_regie.guide is not None and by_regie.guide.proposal_id == proposal.id
    assert [p.status for p in by_regie.proposals] == ["gestart"]
    assert by_regie.profile is not None and by_regie.profile.dutch_level == "A0"
    by_klantmanager = fits(c.Guidance, app.guidance(actor("klantmanager"), dossier_id))
    assert by_klantmanager.signals_withheld == 1
    by_guide = app.guidance(yonas, dossier_id)
    assert fits(c.Guidance, by_guide).proposals is None and "proposals" not in by_guide

    ended = app.end(
        REGIE, dossier_id, str(proposal.id), {"outcome": "afgerond", "reason": "Klaar."}
    )
    assert fits(c.Proposal, ended).outcome == "afgerond"
    history = fits(c.Guidance, app.set_profile(REGIE, dossier_id, SEMHAR_PROFILE)).guide_history
    assert history[0].from_ == TODAY and history[0].until == TODAY
    placed = app.propose(
        REGIE, dossier_id, {"kind": "plaatsing", "candidate_id": place_id}, FakeSharing()
    )
    assert fits(c.Proposal, placed).told.needs_adapted_work is True


def test_an_answer_that_leaves_its_contract_is_caught_naming_the_field(app):
    answer = app.guide(VWN_COORDINATOR, _guide(app, "Yonas"))
    with pytest.raises(ValidationError) as drifted:
        fits(c.Guide, {**answer, "caseload": "twee", "kind": "mentor"})
    assert {e["field"] for e in field_errors(drifted.value)} == {"caseload", "kind"}


def test_a_request_model_refuses_what_is_missing_wrong_or_unknown():
    assert refused(c.GuideDetails, {**guide_body("Yonas", TODAY), "max_caseload": None}) == {
        "max_caseload": "must be a whole number"
    }
    body = guide_body("Yonas", TODAY)
    del body["max_caseload"]
    assert refused(c.GuideDetails, body) == {"max_caseload": "is required"}
    assert refused(c.PlacementDetails, placement_body("Klus", kind="klus"))["kind"].startswith(
        "must be one of: vrijwilligerswerk, leerwerkvrijwilligerswerk"
    )
    assert refused(c.MatchingProfile, {**SEMHAR_PROFILE, "hobby": "x"}) == {
        "hobby": "is not a field of this request"
    }
    assert refused(c.MatchingProfile, {"languages": {"tigrinya": "C2", "ar": "b1"}}) == {
        "languages/tigrinya": "must match ^[a-z]{2,3}$",
        "languages/ar": "must be one of: A0, A1, A2, B1, B2, C1, C2",
    }
    assert refused(c.MatchEnd, {"outcome": "gestopt", "reason": "x"})["outcome"].startswith(
        "must be one of: afgerond"
    )
    assert refused(c.ProposalAnswer, {"accepted": "yes"}) == {
        "side": "is required",
        "accepted": "must be true or false",
    }
    assert refused(c.GuideChange, {}) == {
        "": "name at least one field to change: " + ", ".join(c.GuideDetails.model_fields)
    }
    assert refused(c.GuideChange, {"max_caseload": 4}) == {}
    assert refused(c.GuideChange, {"name": None}) == {"name": "must be text"}
    assert refused(c.RankQuery, {"kind": "vrijwilliger"})["kind"] == (
        "must be one of: begeleider, plaatsing"
    )


def _service_takes(parse) -> bool:
    try:
        parse()
    except InvalidInput:
        return False
    return True


@pytest.mark.parametrize(
    ("change", "takes"),
    [
        ({}, True),
        ({"phases": [2, 4]}, True),
        ({"phases": [True]}, False),  # JSON's true is not phase 1
        ({"phases": [5]}, False),
        ({"area": ""}, True),
        ({"area": None}, True),
        ({"area": "0123"}, False),
        ({"user_id": ""}, True),
        ({"user_id": "a b"}, False),
        ({"hours_per_week": 0}, True),
        ({"hours_per_week": 40.5}, False),
        ({"max_caseload": 50}, True),
        ({"max_caseload": 51}, False),
        ({"max_caseload": 2.0}, False),
        ({"kind": None}, False),
        ({"name": "   "}, False),
        ({"name": "x" * 201}, False),
        ({"languages": {}}, False),
        ({"languages": {"prs": "C2"}}, True),
        ({"days": None}, False),
        ({"days": ["ma", "ma"]}, True),
        ({"skills": [" "]}, False),
        ({"interests": ["werk", "algemeen"]}, False),
        ({"vog_issued_on": None}, True),
        ({"vog_issued_on": "gisteren"}, False),
        ({"training": {"": "2020-01-01"}}, False),
        ({"gemeenten": []}, False),
    ],
)
def test_the_guide_model_takes_a_body_exactly_when_matching_does(change, takes):
    body = {**guide_body("Yonas", TODAY), **change}
    region = Region.load().codes()
    service = _service_takes(lambda: fields.parse_guide(body, region, TODAY))
    assert (refused(c.GuideDetails, body) == {}, service) == (takes, takes)


@pytest.mark.parametrize(
    ("body", "takes"),
    [
        ({"side": "persoon", "accepted": True}, True),
        ({"side": "persoon", "accepted": False, "reason": "Geen tijd."}, True),
        ({"side": "persoon", "accepted": 1}, False),
        ({"side": "persoon", "accepted": True, "reason": ""}, False),
        ({"side": "beide", "accepted": True}, False),
    ],
)
def test_the_answer_model_takes_a_body_exactly_when_matching_does(body, takes):
    service = _service_takes(lambda: fields.parse_answer(body))
    assert (refused(c.ProposalAnswer, body) == {}, service) == (takes, takes)


def test_matching_takes_its_enumerations_from_its_contract():
    assert fields.CANDIDATE_KINDS == ("begeleider", "plaatsing")
    assert fields.SIGNAL_DOMAINS[-1] == "algemeen" and "participatie" in fields.GOAL_DOMAINS
    assert set(fields.GUIDE_OUTCOMES) | set(fields.PLACEMENT_OUTCOMES) == set(
        get_args(c.MatchOutcome)
    )


def test_a_coordinator_elsewhere_in_the_pool_is_answered_as_the_organisation(app, pips):
    dossier_id = _person(app, pips)
    in_nieuwegein = CommandContext(
        actor=Actor("u-c", "C", ("coordinator",), KRINGLOOP, ("0356",)), activity="koppelen"
    )
    place = app.offer_placement(in_nieuwegein, placement_body("Receptie", gemeente="0356"))
    fits(c.Placement, place)
    proposal = app.propose(
        REGIE, dossier_id, {"kind": "plaatsing", "candidate_id": place["id"]}, FakeSharing()
    )
    declined = app.answer(
        in_nieuwegein,
        dossier_id,
        proposal["id"],
        {"side": "aanbieder", "accepted": False, "reason": "Vol."},
    )
    seen = fits(c.Proposal, declined)
    assert seen.status == "afgewezen" and seen.answered == {"aanbieder": False}
    kept = fits(c.Guidance, app.guidance(REGIE, dossier_id)).proposals[0]
    assert kept.answers["aanbieder"].reason == "Vol.", "the gemeente keeps the reason"
