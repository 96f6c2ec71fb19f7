"""Matching's use cases on in-memory persistence: guides, placements, ranking from what intake and
pip published, proposals, the fixed guide, the activity log and its progress in pip."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from services.common.clock import today_in_amsterdam
from services.common.context import Actor, CommandContext
from services.common.envelope import to_cloudevent
from services.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from services.common.region import Region
from services.matching.application import Matching
from services.matching.events import PUBLICATIONS as MATCHING_PUBLICATIONS
from services.matching.pool import AggregatePool
from services.matching.sharing import Outlook
from services.pip.application import Pips
from services.pip.events import PUBLICATIONS as PIP_PUBLICATIONS
from tests.matching_fixtures import (
    KRINGLOOP,
    SEMHAR_PROFILE,
    VWN,
    guide_body,
    phase_two_goals,
    placement_body,
)
from tests.pip_fixtures import goal as health_goal
from tests.pip_fixtures import intake_completed, intake_event, registered, sections

TODAY = today_in_amsterdam()  # the day the services count in, not the machine's (UTC)
DECIDED = TODAY - timedelta(days=10)


def actor(role: str, organisation: str = "00000001000000000344", user: str = "") -> CommandContext:
    return CommandContext(
        actor=Actor(user or f"u-{role}", role.title(), (role,), organisation, ("0344",)),
        activity="koppelen",
    )


REGIE = actor("regievoerder")
VWN_COORDINATOR = actor("coordinator", VWN)
KRINGLOOP_COORDINATOR = actor("coordinator", KRINGLOOP)


class FakeSharing:
    """The consent service's answers: every partner may receive `categories`; 0344 draws from
    0356's pool."""

    def __init__(self, categories=("identiteit", "taal-leerbaarheid", "pip", "contact", "gezin")):
        self.categories = frozenset(categories)
        self.decided: list[tuple[str, list[str]]] = []

    def outlook(self, dossier_id, purpose, organisations) -> Outlook:
        return Outlook(
            pool=frozenset({"0356"}), permitted={o: self.categories for o in organisations}
        )

    def decide(self, dossier_id, organisation, purpose, categories):
        self.decided.append((organisation, list(categories)))
        return {c: c in self.categories for c in categories}


@pytest.fixture
def matching():
    app = Matching(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, region=Region.load())
    yield app
    app.close()


def _cloudevents(app, service: str, publications, start: int = 1) -> list[dict]:
    return [
        to_cloudevent(service, publications, n.id, app.mapper.to_domain_event(n), n.state)
        for n in app.recorder.select_notifications(start=start, limit=1000)
    ]


def _person(matching: Matching, pips: Pips) -> str:
    """Semhar: registered in Utrecht, on the Z-route, with an established PIP of two phase-2
    goals, and a matching profile (Tigrinya and Arabic, no Dutch)."""
    dossier_id = str(uuid.uuid4())
    registration = registered(
        dossier_id, DECIDED - timedelta(days=60), DECIDED - timedelta(days=50)
    )
    completed = intake_completed(dossier_id, "z", on=DECIDED - timedelta(days=20))
    pips.process("intake", [registration, completed])
    ctx = actor("regievoerder")
    pips.change_sections(ctx, dossier_id, sections(DECIDED, "z"))
    for goal in [health_goal(DECIDED), *phase_two_goals(DECIDED)]:
        pips.add_goal(ctx, dossier_id, goal)
    pips.establish(ctx, dossier_id, {"decided_on": DECIDED.isoformat()}, today=TODAY)
    matching.process("intake", [registration])
    matching.process("pip", _cloudevents(pips, "pip", PIP_PUBLICATIONS))
    matching.set_profile(REGIE, dossier_id, SEMHAR_PROFILE)
    return dossier_id


def _guide(matching: Matching, name: str, **overrides) -> str:
    body = guide_body(name, TODAY, **overrides)
    return matching.register_guide(VWN_COORDINATOR, body)["id"]


def _placement(matching: Matching, title: str, **overrides) -> str:
    return matching.offer_placement(KRINGLOOP_COORDINATOR, placement_body(title, **overrides))["id"]


def _matched(matching: Matching, dossier_id: str, guide_id: str, **start) -> str:
    """Propose the guide, both sides accept, start; returns the proposal id."""
    sharing = FakeSharing()
    proposal = matching.propose(
        REGIE, dossier_id, {"kind": "begeleider", "candidate_id": guide_id}, sharing
    )
    matching.answer(REGIE, dossier_id, proposal["id"], {"side": "persoon", "accepted": True})
    matching.answer(
        VWN_COORDINATOR, dossier_id, proposal["id"], {"side": "aanbieder", "accepted": True}
    )
    matching.start(REGIE, dossier_id, proposal["id"], start, FakeSharing())
    return proposal["id"]


def test_a_tigrinya_and_arabic_speaker_on_the_z_route_in_phase_2_gets_a_guide_who_speaks_one(
    matching, pips
):
    dossier_id = _person(matching, pips)
    speaks = _guide(matching, "Yonas", languages={"nl": "C2", "ti": "C2"})
    _guide(matching, "Anne", languages={"nl": "C2", "en": "C1"})
    adapted = _placement(matching, "Kringloop sorteren", adapted_low_dutch=True)
    _placement(matching, "Receptie", kind="vrijwilligerswerk", dutch_required="B1")
    pool = AggregatePool(matching, *_ids(matching))

    guides = matching.rank(REGIE, dossier_id, "begeleider", pool, FakeSharing())
    places = matching.rank(REGIE, dossier_id, "plaatsing", pool, FakeSharing())

    assert guides["persoon"]["fase"] == 2 and guides["persoon"]["route"] == "z"
    best = guides["kandidaten"][0]
    assert best["id"] == speaks
    language = next(c for c in best["uitleg"] if c["criterium"] == "taal")
    assert "Tigrinya" in language["reden"]
    top = places["kandidaten"][0]
    assert top["id"] == adapted
    fit = next(c for c in top["uitleg"] if c["criterium"] == "taal")
    assert "weinig Nederlands" in fit["reden"]


def _ids(matching: Matching) -> tuple[list, list]:
    from services.matching.domain import Guide, Placement

    guides, placements = [], []
    for n in matching.recorder.select_notifications(start=1, limit=1000):
        event = matching.mapper.to_domain_event(n)
        if isinstance(event, Guide.Registered):
            guides.append(event.originator_id)
        elif isinstance(event, Placement.Offered):
            placements.append(event.originator_id)
    return guides, placements


def test_a_guide_with_an_expired_vog_or_a_full_caseload_is_never_proposed(matching, pips):
    dossier_id = _person(matching, pips)
    expired = _guide(
        matching, "Verlopen", vog_issued_on=(TODAY - timedelta(days=4 * 366)).isoformat()
    )
    full = _guide(matching, "Vol", max_caseload=1)
    other = _person(matching, pips)
    _matched(matching, other, full)  # takes Vol's one place
    good = _guide(matching, "Goed")
    pool = AggregatePool(matching, *_ids(matching))

    ranking = matching.rank(REGIE, dossier_id, "begeleider", pool, FakeSharing())

    assert [c["id"] for c in ranking["kandidaten"]] == [good]
    excluded = ranking["uitgesloten"]
    assert any("VOG" in r and "verlopen" in r for r in excluded[expired])
    assert any("geen ruimte" in r for r in excluded[full])
    for refused in (expired, full):
        with pytest.raises(InvalidInput) as problem:
            matching.propose(
                REGIE, dossier_id, {"kind": "begeleider", "candidate_id": refused}, FakeSharing()
            )
        assert problem.value.errors[0]["field"] == "candidate_id"


def test_one_fixed_guide_a_second_is_refused_a_change_names_its_reason_history_stays(
    matching, pips
):
    dossier_id = _person(matching, pips)
    first, second = _guide(matching, "Eerste"), _guide(matching, "Tweede")
    _matched(matching, dossier_id, first)

    with pytest.raises(Conflict, match="active guide"):
        _matched(matching, dossier_id, second)
    proposal = next(
        p for p in matching.guidance(REGIE, dossier_id)["proposals"] if p["candidate_id"] == second
    )
    matching.start(
        REGIE, dossier_id, proposal["id"], {"change_reason": "Eerste verhuist."}, FakeSharing()
    )

    view = matching.guidance(REGIE, dossier_id)
    assert view["guide"]["guide_id"] == second
    history = view["guide_history"]
    assert [h["guide_id"] for h in history] == [first, second]
    assert history[0]["outcome"] == "gewisseld" and history[0]["reason"] == "Eerste verhuist."
    assert matching.guide(VWN_COORDINATOR, first)["caseload"] == 0
    assert matching.guide(VWN_COORDINATOR, second)["caseload"] == 1


def test_the_organisation_is_told_the_dutch_level_only_when_the_protocol_or_consent_allows(
    matching, pips
):
    dossier_id = _person(matching, pips)
    place = _placement(matching, "Kringloop", adapted_low_dutch=True)
    told = matching.propose(
        REGIE, dossier_id, {"kind": "plaatsing", "candidate_id": place}, FakeSharing()
    )
    assert told["told"] == {"dutch_level": "A0", "needs_adapted_work": True}

    other = _person(matching, pips)
    untold = matching.propose(
        REGIE,
        other,
        {"kind": "plaatsing", "candidate_id": place},
        FakeSharing(categories=("identiteit",)),
    )
    assert untold["told"] == {}


def test_a_proposal_is_answered_by_each_side_and_a_decline_needs_a_reason(matching, pips):
    dossier_id = _person(matching, pips)
    guide_id = _guide(matching, "Yonas")
    proposal = matching.propose(
        REGIE, dossier_id, {"kind": "begeleider", "candidate_id": guide_id}, FakeSharing()
    )
    with pytest.raises(NotFound):  # another organisation's coordinator
        matching.answer(
            KRINGLOOP_COORDINATOR,
            dossier_id,
            proposal["id"],
            {"side": "aanbieder", "accepted": True},
        )
    with pytest.raises(Forbidden):  # a coordinator does not answer for the person
        matching.answer(
            VWN_COORDINATOR, dossier_id, proposal["id"], {"side": "persoon", "accepted": True}
        )
    with pytest.raises(InvalidInput) as problem:
        matching.answer(
            VWN_COORDINATOR, dossier_id, proposal["id"], {"side": "aanbieder", "accepted": False}
        )
    assert problem.value.errors[0]["field"] == "reason"

    declined = matching.answer(
        VWN_COORDINATOR,
        dossier_id,
        proposal["id"],
        {"side": "aanbieder", "accepted": False, "reason": "Yonas heeft nu geen tijd."},
    )
    assert declined["status"] == "afgewezen"
    with pytest.raises(Conflict):
        matching.start(REGIE, dossier_id, proposal["id"], {}, FakeSharing())


def test_an_activity_needs_a_goal_of_the_pip_and_only_the_active_guide_logs_it(matching, pips):
    dossier_id = _person(matching, pips)
    guide_id = _guide(matching, "Yonas", user_id="u-yonas")
    _matched(matching, dossier_id, guide_id)
    yonas = actor("begeleider", VWN, user="u-yonas")
    activity = {
        "activity": "Samen naar de kringloop.",
        "did_themselves": "Zelf de bus gepland.",
        "reflection": "Ging goed.",
    }

    with pytest.raises(InvalidInput) as problem:
        matching.log_activity(yonas, dossier_id, activity)
    assert problem.value.errors[0]["field"] == "goal_id"
    with pytest.raises(InvalidInput):
        matching.log_activity(yonas, dossier_id, {**activity, "goal_id": "geen-doel"})
    goal_id = _participation_goal(matching, dossier_id)
    with pytest.raises(Forbidden):
        matching.log_activity(
            actor("begeleider", VWN, user="u-someone-else"),
            dossier_id,
            {**activity, "goal_id": goal_id},
        )

    logged = matching.log_activity(yonas, dossier_id, {**activity, "goal_id": goal_id})
    assert logged["goal_id"] == goal_id
    assert matching.guidance(yonas, dossier_id)["activities"][0]["did_themselves"] == (
        "Zelf de bus gepland."
    )


def test_pip_takes_progress_on_the_goal_from_the_activity_once(matching, pips):
    dossier_id = _person(matching, pips)
    guide_id = _guide(matching, "Yonas", user_id="u-yonas")
    _matched(matching, dossier_id, guide_id)
    yonas = actor("begeleider", VWN, user="u-yonas")
    goal_id = _participation_goal(matching, dossier_id)
    matching.log_activity(
        yonas,
        dossier_id,
        {"goal_id": goal_id, "activity": "a", "did_themselves": "b", "reflection": "c"},
    )
    logged = [
        e
        for e in _cloudevents(matching, "matching", MATCHING_PUBLICATIONS)
        if e["type"] == "nl.wegwijs.matching.activiteit.vastgelegd.v1"
    ]

    pips.process("matching", logged)
    with pytest.raises(IntegrityError):  # delivered again: its tracking record refuses it whole
        pips.process("matching", logged)

    goal = next(g for g in pips.pip(REGIE, dossier_id)["plan"]["goals"] if g["id"] == goal_id)
    assert goal["status"] == "bezig"
    assert [h["source"] for h in goal["history"]] == ["begeleiding"]
    progress = [
        e["data"]
        for e in _cloudevents(pips, "pip", PIP_PUBLICATIONS)
        if e["type"] == "nl.wegwijs.pip.doel.voortgang-vastgelegd.v1"
    ]
    assert [e["data"]["domain"] for e in logged] == ["participatie"]
    assert [p["domain"] for p in progress] == ["participatie"], "partners' feeds judge by it"


def _participation_goal(matching: Matching, dossier_id: str) -> str:
    goals = matching.guidance(REGIE, dossier_id)["goals"]
    return next(g["goal_id"] for g in goals if g["domain"] == "participatie")


def test_other_gemeenten_and_roles_are_refused(matching, pips):
    dossier_id = _person(matching, pips)
    elsewhere = CommandContext(
        actor=Actor("u-r", "R", ("regievoerder",), "00000001000000000356", ("0356",)),
        activity="koppelen",
    )
    with pytest.raises(NotFound):
        matching.guidance(elsewhere, dossier_id)
    with pytest.raises(Forbidden):
        matching.set_profile(actor("klantmanager"), dossier_id, SEMHAR_PROFILE)
    with pytest.raises(Forbidden):
        matching.register_guide(REGIE, guide_body("X", TODAY))
    with pytest.raises(Forbidden) as problem:  # a gemeente of the region, not the org's
        matching.register_guide(VWN_COORDINATOR, guide_body("X", TODAY, gemeenten=["0356"]))
    assert str(problem.value).startswith("gemeenten: 0356 is not a gemeente your organisation")


def test_a_coordinator_whose_token_names_no_organisation_offers_nothing(matching):
    """A guide or placement is an organisation's: its events name the organisation's OIN."""
    nobody = actor("coordinator", "")
    with pytest.raises(Forbidden, match="names no organisation"):
        matching.register_guide(nobody, guide_body("X", TODAY))
    with pytest.raises(Forbidden, match="names no organisation"):
        matching.offer_placement(nobody, {"kind": "baan", "gemeente": "0344", "title": "X"})


def test_bad_input_names_every_wrong_field(matching):
    with pytest.raises(InvalidInput) as problem:
        matching.register_guide(
            VWN_COORDINATOR,
            {
                "name": "",
                "languages": {"tigrinya": "C2"},
                "gemeenten": ["9999"],
                "vog_issued_on": "gisteren",
                "max_caseload": 0,
                "days": ["maandag"],
                "hobby": "x",
            },
        )
    # The contract's model refuses the shape first (fields named as the API names them) ...
    fields = {e["field"] for e in problem.value.errors}
    assert {
        "name",
        "languages/tigrinya",
        "vog_issued_on",
        "max_caseload",
        "days/0",
        "hobby",
    } <= fields
    # ... then what only matching knows: the region's gemeenten, and today's date.
    later = (TODAY + timedelta(days=1)).isoformat()
    with pytest.raises(InvalidInput) as problem:
        matching.register_guide(
            VWN_COORDINATOR,
            guide_body(
                "X", TODAY, gemeenten=["9999"], vog_issued_on=later, training={"ehbo": later}
            ),
        )
    assert {e["field"] for e in problem.value.errors} == {
        "gemeenten",
        "vog_issued_on",
        "training/ehbo",
    }


def test_a_placement_is_in_the_region_and_ends_after_it_starts(matching):
    place = _placement(matching, "Receptie")
    for change, field in [
        ({"gemeente": "9999"}, "gemeente"),
        ({"starts_on": "2026-09-01", "ends_on": "2026-08-31"}, "ends_on"),
    ]:
        with pytest.raises(InvalidInput) as problem:
            matching.offer_placement(KRINGLOOP_COORDINATOR, placement_body("X", **change))
        assert [e["field"] for e in problem.value.errors] == [field]
        with pytest.raises(InvalidInput) as problem:
            matching.change_placement(KRINGLOOP_COORDINATOR, place, change)
        assert [e["field"] for e in problem.value.errors] == [field]


def test_every_matching_event_validates_and_leaves_names_and_words_in_matching(matching, pips):
    from tests.unit.test_contracts import _validate

    dossier_id = _person(matching, pips)
    guide_id = _guide(matching, "Yonas Tesfay", user_id="u-yonas")
    later = _guide(matching, "Anne de Vries")
    matching.change_guide(VWN_COORDINATOR, guide_id, {"max_caseload": 4})
    _matched(matching, dossier_id, guide_id)
    yonas = actor("begeleider", VWN, user="u-yonas")
    partner = _in_household_of(matching, pips, dossier_id)
    _matched(matching, partner, guide_id)
    goal_id = _participation_goal(matching, dossier_id)
    matching.log_activity(
        yonas,
        dossier_id,
        {
            "goal_id": goal_id,
            "activity": "Samen naar de kringloop.",
            "did_themselves": "Zelf de bus gepland.",
            "reflection": "Ging goed.",
        },
    )
    matching.give_signal(
        yonas,
        dossier_id,
        {"domain": "financien", "text": "Brief van de deurwaarder.", "referred_to": "Schuldhulp"},
    )
    seen = pips.recorder.max_notification_id()
    pips.process("matching", _cloudevents(matching, "matching", MATCHING_PUBLICATIONS))
    matching.process("pip", _cloudevents(pips, "pip", PIP_PUBLICATIONS, start=seen + 1))
    route = {"dossier_id": dossier_id, "route": "z", "advised": "z", "differs": False}
    matching.process("intake", [intake_event("nl.wegwijs.intake.route.gekozen.v1", route)])
    guidance = matching.guidance(REGIE, dossier_id)
    assert next(g for g in guidance["goals"] if g["goal_id"] == goal_id)["status"] == "bezig"
    matching.end(
        REGIE,
        dossier_id,
        guidance["guide"]["proposal_id"],
        {"outcome": "afgerond", "reason": "Yonas stopt na een jaar."},
    )
    place = _placement(matching, "Kringloop sorteren", adapted_low_dutch=True)
    matching.change_placement(KRINGLOOP_COORDINATOR, place, {"capacity": 3})
    proposal = matching.propose(
        REGIE, dossier_id, {"kind": "plaatsing", "candidate_id": place}, FakeSharing()
    )
    matching.answer(REGIE, dossier_id, proposal["id"], {"side": "persoon", "accepted": True})
    matching.answer(
        KRINGLOOP_COORDINATOR, dossier_id, proposal["id"], {"side": "aanbieder", "accepted": True}
    )
    matching.start(REGIE, dossier_id, proposal["id"], {}, FakeSharing())
    matching.end(
        REGIE,
        dossier_id,
        proposal["id"],
        {"outcome": "doorgestroomd-naar-werk", "reason": "Betaald werk gevonden bij de kringloop."},
    )
    matching.close_placement(KRINGLOOP_COORDINATOR, place, {"reason": "Seizoen voorbij."})
    matching.withdraw_guide(VWN_COORDINATOR, later, {"reason": "Verhuist naar Groningen."})
    moved = {"dossier_id": dossier_id, "from_gemeente": "0344", "to_gemeente": "0356"}
    matching.process(
        "intake",
        [
            intake_event(
                "nl.wegwijs.intake.dossier.verhuisd.v1",
                {**moved, "moved_on": "2026-11-20"},
                gemeente="0356",
            )
        ],
    )

    published = _cloudevents(matching, "matching", MATCHING_PUBLICATIONS)

    assert {e["type"] for e in published} == {p.type for p in MATCHING_PUBLICATIONS.values()}
    for event in published:
        _validate(event)
        text = str(event)
        for words in (
            "Yonas",
            "Anne",
            "kringloop.",
            "Zelf de bus",
            "Ging goed",
            "deurwaarder",
            "Schuldhulp",
            "Betaald werk",
            "Seizoen",
            "Groningen",
        ):
            assert words not in text, (event["type"], words)
    proposed = next(
        e
        for e in published
        if e["type"].endswith("voorstel.gedaan.v1") and e["data"]["kind"] == "plaatsing"
    )
    assert proposed["data"]["dutch_level"] == "A0" and proposed["data"]["organisation"] == KRINGLOOP


def consented(dossier_id: str, category: str) -> dict[str, Any]:
    """Consent's answer when the person's explicit consent to the gemeente covers `category`."""
    return {
        "required": True,
        "permit": True,
        "category": category,
        "basis": "toestemming",
        "rule": "S01",
        "article": "AVG art. 9 lid 2 sub a",
        "consent_id": "toestemming-1",
    }


def test_a_guides_signal_reaches_the_regievoerder_and_health_stays_with_them(matching, pips):
    dossier_id = _person(matching, pips)
    guide_id = _guide(matching, "Yonas", user_id="u-yonas")
    _matched(matching, dossier_id, guide_id)
    yonas = actor("begeleider", VWN, user="u-yonas")
    matching.give_signal(
        yonas,
        dossier_id,
        {"domain": "gezondheid", "text": "Slaapt slecht.", "referred_to": "Huisarts"},
        consented,
    )
    matching.give_signal(yonas, dossier_id, {"domain": "financien", "text": "Post van CJIB."})
    with pytest.raises(Forbidden):  # a guide who is not the person's guide
        matching.give_signal(
            actor("begeleider", VWN, user="u-other"),
            dossier_id,
            {"domain": "algemeen", "text": "x"},
        )

    by_regie = matching.guidance(REGIE, dossier_id)
    by_klantmanager = matching.guidance(actor("klantmanager"), dossier_id)

    assert [(s["domain"], s["referred_to"]) for s in by_regie["signals"]] == [
        ("gezondheid", "Huisarts"),
        ("financien", ""),
    ]
    assert [s["domain"] for s in by_klantmanager["signals"]] == ["financien"]
    assert by_klantmanager["signals_withheld"] == 1
    assert len(matching.guidance(yonas, dossier_id)["signals"]) == 2, "their own"
    with pytest.raises(Forbidden):
        matching.guidance(actor("begeleider", VWN, user="u-other"), dossier_id)


def test_a_guide_from_the_regional_pool_is_answered_for_and_guides_across_the_gemeente_line(
    matching, pips
):
    dossier_id = _person(matching, pips)  # in Utrecht (0344), whose pool includes Nieuwegein
    in_nieuwegein = CommandContext(
        actor=Actor("u-c", "C", ("coordinator",), VWN, ("0356",)), activity="koppelen"
    )
    body = guide_body("Reza", TODAY, gemeenten=["0356"], user_id="u-reza")
    reza = matching.register_guide(in_nieuwegein, body)["id"]
    proposal = matching.propose(
        REGIE,
        dossier_id,
        {"kind": "begeleider", "candidate_id": reza, "note": "Intern: Reza is streng."},
        FakeSharing(),
    )
    matching.answer(REGIE, dossier_id, proposal["id"], {"side": "persoon", "accepted": True})

    seen = matching.answer(
        in_nieuwegein, dossier_id, proposal["id"], {"side": "aanbieder", "accepted": True}
    )
    assert "note" not in seen and "score" not in seen, "the gemeente's words stay with it"
    assert seen["answered"] == {"persoon": True, "aanbieder": True}
    with pytest.raises(Forbidden):  # starting is the regievoerder's
        matching.start(in_nieuwegein, dossier_id, proposal["id"], {}, FakeSharing())
    matching.start(REGIE, dossier_id, proposal["id"], {}, FakeSharing())
    as_reza = CommandContext(
        actor=Actor("u-reza", "Reza", ("begeleider",), VWN, ("0356",)), activity="koppelen"
    )
    goal_id = _participation_goal(matching, dossier_id)
    matching.log_activity(
        as_reza,
        dossier_id,
        {"goal_id": goal_id, "activity": "a", "did_themselves": "b", "reflection": "c"},
    )
    assert len(matching.guidance(as_reza, dossier_id)["activities"]) == 1
    impostor = CommandContext(  # the same account name at another organisation
        actor=Actor("u-reza", "R", ("begeleider",), KRINGLOOP, ("0356",)), activity="koppelen"
    )
    with pytest.raises(NotFound):
        matching.guidance(impostor, dossier_id)


def test_a_new_guide_reads_their_own_log_not_their_predecessors(matching, pips):
    dossier_id = _person(matching, pips)
    first = _guide(matching, "Eerste", user_id="u-first")
    second = _guide(matching, "Tweede", user_id="u-second")
    _matched(matching, dossier_id, first)
    goal_id = _participation_goal(matching, dossier_id)
    entry = {"goal_id": goal_id, "activity": "a", "did_themselves": "b", "reflection": "Geheim."}
    matching.log_activity(actor("begeleider", VWN, user="u-first"), dossier_id, entry)
    proposal = matching.propose(
        REGIE, dossier_id, {"kind": "begeleider", "candidate_id": second}, FakeSharing()
    )
    matching.answer(REGIE, dossier_id, proposal["id"], {"side": "persoon", "accepted": True})
    matching.answer(
        VWN_COORDINATOR, dossier_id, proposal["id"], {"side": "aanbieder", "accepted": True}
    )
    matching.start(
        REGIE, dossier_id, proposal["id"], {"change_reason": "Eerste stopt."}, FakeSharing()
    )

    view = matching.guidance(actor("begeleider", VWN, user="u-second"), dossier_id)
    assert view["activities"] == []
    assert len(matching.guidance(REGIE, dossier_id)["activities"]) == 1
    with pytest.raises(Forbidden):  # the former guide, acting for the gemeente
        matching.guidance(actor("begeleider", VWN, user="u-first"), dossier_id)


def test_a_pip_event_before_the_registration_opens_the_guidance_and_nothing_is_lost(matching, pips):
    dossier_id = str(uuid.uuid4())
    registration = registered(
        dossier_id, DECIDED - timedelta(days=60), DECIDED - timedelta(days=50)
    )
    pips.process(
        "intake", [registration, intake_completed(dossier_id, "z", on=DECIDED - timedelta(days=20))]
    )
    ctx = actor("regievoerder")
    pips.change_sections(ctx, dossier_id, sections(DECIDED, "z"))
    for goal in [health_goal(DECIDED), *phase_two_goals(DECIDED)]:
        pips.add_goal(ctx, dossier_id, goal)
    pips.establish(ctx, dossier_id, {"decided_on": DECIDED.isoformat()}, today=TODAY)

    matching.process("pip", _cloudevents(pips, "pip", PIP_PUBLICATIONS))  # pip's queue first
    matching.process("intake", [registration])

    view = matching.guidance(REGIE, dossier_id)
    assert view["gemeente"] == "0344" and view["route"] == "z" and len(view["goals"]) == 3
    opened = [
        e
        for e in _cloudevents(matching, "matching", MATCHING_PUBLICATIONS)
        if e["type"] == "nl.wegwijs.matching.begeleiding.geopend.v1"
    ]
    assert len(opened) == 1


def _in_household_of(matching: Matching, pips: Pips, first: str) -> str:
    """Another person, whom intake linked to `first`'s household as their partner."""
    member = _person(matching, pips)
    link = {"dossier_id": member, "household_id": first, "relation": "partner"}
    matching.process("intake", [intake_event("nl.wegwijs.intake.huishouden.gekoppeld.v1", link)])
    return member


def test_a_household_has_one_fixed_guide_counted_once_in_the_caseload(matching, pips):
    first = _person(matching, pips)
    partner = _in_household_of(matching, pips, first)
    theirs = _guide(matching, "Gezinsbegeleider", max_caseload=1)
    other = _guide(matching, "Ander")
    _matched(matching, first, theirs)

    with pytest.raises(Conflict, match="household already has a fixed guide"):
        matching.propose(
            REGIE, partner, {"kind": "begeleider", "candidate_id": other}, FakeSharing()
        )
    ranking = matching.rank(
        REGIE, partner, "begeleider", AggregatePool(matching, *_ids(matching)), FakeSharing()
    )
    assert ranking["huishouden_begeleiders"] == [theirs]
    assert theirs in {c["id"] for c in ranking["kandidaten"]}, "full, but not for this household"
    _matched(matching, partner, theirs)

    assert matching.guide(VWN_COORDINATOR, theirs)["caseload"] == 1
    first_proposal = matching.guidance(REGIE, first)["guide"]["proposal_id"]
    matching.end(
        REGIE, first, first_proposal, {"outcome": "afgerond", "reason": "Werkt nu zelfstandig."}
    )
    assert matching.guide(VWN_COORDINATOR, theirs)["caseload"] == 1, "the partner still has them"
    partner_proposal = matching.guidance(REGIE, partner)["guide"]["proposal_id"]
    matching.end(REGIE, partner, partner_proposal, {"outcome": "afgerond", "reason": "Klaar."})
    assert matching.guide(VWN_COORDINATOR, theirs)["caseload"] == 0
    # With nobody guided any more, the household may have another guide.
    _matched(matching, partner, other)


def test_a_consent_ended_between_proposal_and_start_stops_the_start(matching, pips):
    dossier_id = _person(matching, pips)
    place = _placement(matching, "Kringloop")
    proposal = matching.propose(
        REGIE, dossier_id, {"kind": "plaatsing", "candidate_id": place}, FakeSharing()
    )
    matching.answer(REGIE, dossier_id, proposal["id"], {"side": "persoon", "accepted": True})
    matching.answer(
        KRINGLOOP_COORDINATOR, dossier_id, proposal["id"], {"side": "aanbieder", "accepted": True}
    )

    withdrawn = FakeSharing(categories=())  # the person withdrew their consent meanwhile
    with pytest.raises(Conflict, match="mag niets over de persoon ontvangen"):
        matching.start(REGIE, dossier_id, proposal["id"], {}, withdrawn)
    assert matching.placement(KRINGLOOP_COORDINATOR, place)["filled"] == 0


def test_matching_tells_a_begeleider_only_whether_they_themselves_guide_the_person(matching, pips):
    dossier_id = _person(matching, pips)
    first = _guide(matching, "Eerste", user_id="u-first")
    second = _guide(matching, "Tweede", user_id="u-second")
    _matched(matching, dossier_id, first)
    _matched(matching, dossier_id, second, change_reason="Eerste verhuist.")

    assert matching.is_active_guide(actor("begeleider", VWN, user="u-second"), dossier_id)
    assert not matching.is_active_guide(actor("begeleider", VWN, user="u-first"), dossier_id)
    assert not matching.is_active_guide(actor("begeleider", KRINGLOOP, user="u-second"), dossier_id)
    assert not matching.is_active_guide(actor("regievoerder", user="u-second"), dossier_id)
    unknown = str(uuid.uuid4())
    assert not matching.is_active_guide(actor("begeleider", VWN, user="u-second"), unknown)
    assert not matching.is_active_guide(None, dossier_id)


def test_a_klantmanager_sees_the_guidance_without_its_health_goals(matching, pips):
    dossier_id = _person(matching, pips)

    by_regie = matching.guidance(REGIE, dossier_id)
    by_klantmanager = matching.guidance(actor("klantmanager"), dossier_id)

    assert "gezondheid" in {g["domain"] for g in by_regie["goals"]}
    assert "gezondheid" not in {g["domain"] for g in by_klantmanager["goals"]}
    assert len(by_klantmanager["goals"]) == len(by_regie["goals"]) - 1
