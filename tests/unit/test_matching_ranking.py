"""Ranking guides and placements: hard constraints first, then a score that names its facts."""

from __future__ import annotations

from datetime import date

from services.matching.ranking import (
    Guide,
    Person,
    Placement,
    Policy,
    rank_guides,
    rank_placements,
)

TODAY = date(2026, 11, 29)
TRAINED = {"basistraining-maatschappelijke-begeleiding": date(2026, 3, 1)}
SEMHAR = Person(
    dossier_id="d-1",
    gemeente="0344",
    languages={"ti": "C2", "ar": "B1"},
    dutch="A0",
    route="z",
    phase=2,
    goal_domains=frozenset({"participatie", "taal", "gezondheid"}),
    days=frozenset({"di", "do"}),
)


def guide(id: str, **overrides) -> Guide:
    fields = {
        "id": id,
        "name": id,
        "organisation": "00000003000000000001",
        "gemeenten": frozenset({"0344"}),
        "languages": {"nl": "C2", "en": "B2"},
        "vog_issued_on": date(2025, 6, 1),
        "training": TRAINED,
        "max_caseload": 3,
        "caseload": 1,
        "hours_per_week": 4,
        "days": frozenset({"di", "do"}),
        "interests": frozenset({"participatie"}),
        "phases": frozenset({2}),
        "routes": frozenset({"z"}),
    }
    return Guide(**{**fields, **overrides})


def placement(id: str, **overrides) -> Placement:
    fields = {
        "id": id,
        "title": id,
        "organisation": "00000003000000000002",
        "kind": "leerwerkvrijwilligerswerk",
        "gemeente": "0344",
        "capacity": 2,
        "dutch_required": "A2",
        "z_route_suitable": True,
        "skills": frozenset({"participatie"}),
    }
    return Placement(**{**fields, **overrides})


def test_a_tigrinya_and_arabic_speaker_gets_a_guide_who_speaks_one_and_an_adapted_placement():
    guides = [
        guide("dutch-only"),
        guide("arabic", languages={"nl": "C2", "ar": "B2"}),
        guide("english", languages={"nl": "C2", "en": "C1"}),
    ]
    placements = [
        placement("needs-a2"),
        placement("adapted", adapted_low_dutch=True),
    ]

    guides_ranked = rank_guides(SEMHAR, guides, TODAY)
    placements_ranked = rank_placements(SEMHAR, placements, TODAY)

    best_guide = guides_ranked.ranked[0]
    assert best_guide.candidate.id == "arabic"
    language = next(c for c in best_guide.criteria if c.name == "taal")
    assert language.reason == "spreekt Arabisch (B2), een taal die de persoon spreekt (B1)"
    others = [next(c for c in r.criteria if c.name == "taal") for r in guides_ranked.ranked[1:]]
    assert all(language.points > other.points for other in others)
    best_place = placements_ranked.ranked[0]
    assert best_place.candidate.id == "adapted"
    reasons = {c.name: c.reason for c in best_place.criteria}
    assert reasons["taal"] == "aangepast voor mensen die weinig Nederlands spreken"
    assert "past bij fase 2" in reasons["fase"] and "Z-route" in reasons["fase"]
    assert best_place.score > placements_ranked.ranked[1].score


def test_a_guide_with_an_expired_vog_a_full_caseload_or_no_training_is_never_proposed():
    guides = [
        guide("expired", vog_issued_on=date(2023, 1, 1), languages={"ti": "C2"}),
        guide("full", caseload=3, languages={"ti": "C2"}),
        guide("untrained", training={}, languages={"ti": "C2"}),
        guide("no-vog", vog_issued_on=None, languages={"ti": "C2"}),
        guide("fine"),
    ]

    ranking = rank_guides(SEMHAR, guides, TODAY)

    assert [r.candidate.id for r in ranking.ranked] == ["fine"]
    assert ranking.excluded["expired"] == ["VOG van 2023-01-01 is verlopen"]
    assert ranking.excluded["full"] == ["geen ruimte: begeleidt al 3 van 3"]
    assert ranking.excluded["untrained"] == [
        "training niet gevolgd: basistraining-maatschappelijke-begeleiding"
    ]
    assert ranking.excluded["no-vog"] == ["geen VOG"]


def test_the_vog_age_and_the_training_come_from_the_regions_policy():
    strict = Policy(vog_valid_years=1, required_training=frozenset({"trauma-sensitief"}))
    ranking = rank_guides(
        SEMHAR, [guide("g", vog_issued_on=date(2025, 6, 1))], TODAY, policy=strict
    )
    assert ranking.excluded["g"] == [
        "VOG van 2025-06-01 is verlopen",
        "training niet gevolgd: trauma-sensitief",
    ]


def test_another_gemeentes_guide_only_through_the_regional_pool_and_ranked_below_a_local_one():
    local, other = guide("local"), guide("other", gemeenten=frozenset({"0356"}))
    assert "other" in rank_guides(SEMHAR, [local, other], TODAY).excluded

    pooled = rank_guides(SEMHAR, [other, local], TODAY, region=frozenset({"0356"}))
    assert [r.candidate.id for r in pooled.ranked] == ["local", "other"]
    place = next(c for c in pooled.ranked[1].criteria if c.name == "plaats")
    assert place.reason == "uit de regionale pool"


def test_placements_that_are_full_ended_unfit_for_the_z_route_or_not_for_women_are_excluded():
    person = Person(**{**SEMHAR.__dict__, "women_only": True})
    placements = [
        placement("full", filled=2, for_women=True),
        placement("ended", ends_on=date(2026, 11, 1), for_women=True),
        placement("not-z", z_route_suitable=False, for_women=True),
        placement("mixed"),
        placement("women", for_women=True, childcare=True),
    ]
    ranking = rank_placements(person, placements, TODAY)
    assert [r.candidate.id for r in ranking.ranked] == ["women"]
    assert ranking.excluded == {
        "full": ["geen plaats meer vrij"],
        "ended": ["liep tot 2026-11-01"],
        "not-z": ["niet geschikt voor de Z-route"],
        "mixed": ["niet alleen voor vrouwen"],
    }


def test_data_the_protocol_does_not_allow_is_not_used_and_the_explanation_says_so():
    def permitted(organisation: str) -> frozenset[str]:
        return frozenset({"identiteit", "contact"})  # no language, no PIP

    ranking = rank_guides(
        SEMHAR, [guide("arabic", languages={"ar": "C2"})], TODAY, permitted=permitted
    )
    reasons = {c.name: (c.points, c.reason) for c in ranking.ranked[0].criteria}
    assert reasons["taal"] == (
        0,
        "niet gebruikt: geen grondslag of toestemming voor taal-leerbaarheid",
    )
    assert reasons["doelen"][0] == 0 and "pip" in reasons["doelen"][1]

    nothing = rank_guides(SEMHAR, [guide("g")], TODAY, permitted=lambda _o: frozenset())
    assert nothing.excluded["g"] == ["de organisatie mag niets over de persoon ontvangen"]


def test_ties_are_broken_by_id_and_only_the_shortlist_is_explained():
    many = [guide(f"g{n:03d}") for n in range(30)]
    ranking = rank_guides(SEMHAR, many, TODAY, policy=Policy(shortlist=5))
    assert [r.candidate.id for r in ranking.ranked] == ["g000", "g001", "g002", "g003", "g004"]
    assert all(len(r.criteria) == 5 for r in ranking.ranked)


def test_a_vog_counts_in_calendar_years_and_one_dated_in_the_future_is_refused():
    on_leap_day = guide("leap", vog_issued_on=date(2024, 2, 29))
    assert rank_guides(SEMHAR, [on_leap_day], date(2027, 2, 28)).ranked
    assert rank_guides(SEMHAR, [on_leap_day], date(2027, 3, 1)).excluded["leap"] == [
        "VOG van 2024-02-29 is verlopen"
    ]
    early_training = {"basistraining-maatschappelijke-begeleiding": date(2023, 1, 1)}
    a_day_short = guide("g", vog_issued_on=date(2023, 3, 1), training=early_training)
    assert rank_guides(SEMHAR, [a_day_short], date(2026, 2, 28)).ranked
    future = guide("future", vog_issued_on=date(2027, 1, 1))
    assert rank_guides(SEMHAR, [future], TODAY).excluded["future"] == [
        "VOG gedateerd in de toekomst (2027-01-01)"
    ]


def test_cefr_levels_count_however_they_are_written():
    person = Person(**{**SEMHAR.__dict__, "languages": {"ar": "c2"}, "dutch": "a0"})
    ranked = rank_guides(person, [guide("arabic", languages={"ar": "b2"})], TODAY).ranked
    assert next(c for c in ranked[0].criteria if c.name == "taal").points == 30
    needs_b2 = placement("b2", dutch_required="b2")
    [place] = rank_placements(person, [needs_b2], TODAY).ranked
    assert next(c for c in place.criteria if c.name == "taal").points == 0
