"""Ranking guides and placements for one person: hard constraints first, then a score that explains
itself criterion by criterion. Pure: no I/O, so it is tested and measured on its own.

A candidate that fails a hard constraint is never ranked; the reasons are kept, so a coordinator can
ask why someone was not proposed. Of those that pass, each criterion gives points out of its weight
and a sentence in Dutch naming the fact behind them (the shared language, the adapted workplace).
Scoring all candidates is cheap arithmetic; sentences are written for the shortlist only.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from services.contracts.matching import PlacementKind
from services.contracts.values import CEFR, LANGUAGE_NAMES

LEVEL = {name: rank for rank, name in enumerate(CEFR)}
PLACEMENT_KINDS: tuple[str, ...] = get_args(PlacementKind)
# Which kinds of placement fit each Piëzo phase (2 learning volunteer work, 3 volunteer work or an
# internship, 4 paid work or education). Phases 0 and 1 are about home, trust and a meaningful day:
# light volunteer work fits, nothing heavier.
KINDS_BY_PHASE = {
    0: frozenset({"vrijwilligerswerk"}),
    1: frozenset({"vrijwilligerswerk"}),
    2: frozenset({"leerwerkvrijwilligerswerk", "vrijwilligerswerk"}),
    3: frozenset({"vrijwilligerswerk", "stage"}),
    4: frozenset({"werkervaringsplaats", "stage", "baan"}),
}
GUIDE_WEIGHTS = {"taal": 30, "plaats": 20, "beschikbaarheid": 15, "doelen": 20, "fase": 15}
PLACEMENT_WEIGHTS = {"taal": 30, "fase": 25, "plaats": 20, "doelen": 15, "omstandigheden": 10}


def level(name: str) -> int:
    """The rank of a CEFR level however it is written (`b1`, `B1`); unknown levels count as A0."""
    rank = LEVEL.get(name)  # the common case, written as listed: no string work
    return rank if rank is not None else LEVEL.get(name.strip().upper(), 0)


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


@dataclass(frozen=True)
class Policy:
    """The region's rules for who may guide: how old a VOG may be, which training is required."""

    vog_valid_years: int = 3
    required_training: frozenset[str] = frozenset({"basistraining-maatschappelijke-begeleiding"})
    shortlist: int = 10


@dataclass(frozen=True)
class Person:
    """What matching may know of the person: no more than it needs to rank."""

    dossier_id: str
    gemeente: str
    languages: Mapping[str, str]  # code -> CEFR level (the mother tongue as C2)
    dutch: str  # CEFR level in Dutch
    route: str  # b1, onderwijs or z
    phase: int  # Piëzo phase 0-4
    goal_domains: frozenset[str] = frozenset()
    area: str = ""  # PC4 postcode area
    days: frozenset[str] = frozenset()  # days the person is free (ma, di, wo, do, vr, za, zo)
    needs_childcare: bool = False
    women_only: bool = False


@dataclass(frozen=True)
class Guide:
    id: str
    name: str
    organisation: str  # OIN
    gemeenten: frozenset[str]
    languages: Mapping[str, str]
    vog_issued_on: date | None
    training: Mapping[str, date]
    max_caseload: int
    caseload: int = 0
    hours_per_week: float = 0
    days: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    phases: frozenset[int] = frozenset()
    routes: frozenset[str] = frozenset()
    area: str = ""


@dataclass(frozen=True)
class Placement:
    id: str
    title: str
    organisation: str
    kind: str
    gemeente: str
    capacity: int
    dutch_required: str = "A0"
    adapted_low_dutch: bool = False
    z_route_suitable: bool = False
    for_women: bool = False
    childcare: bool = False
    hours_per_week: float = 0
    skills: frozenset[str] = frozenset()
    area: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    filled: int = 0


@dataclass
class Criterion:
    name: str
    points: float
    weight: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "criterium": self.name,
            "punten": round(self.points, 1),
            "gewicht": self.weight,
            "reden": self.reason,
        }


@dataclass
class Ranked:
    candidate: Guide | Placement
    score: float
    criteria: list[Criterion] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.candidate.id,
            "score": round(self.score, 1),
            "uitleg": [c.as_dict() for c in self.criteria],
        }


@dataclass
class Ranking:
    ranked: list[Ranked]
    excluded: dict[str, list[str]]  # candidate id -> why not (hard constraints)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kandidaten": [r.as_dict() for r in self.ranked],
            "uitgesloten": self.excluded,
        }


# Which of the person's data each criterion uses, as data categories of the sharing protocol: a
# criterion whose data may not be used for a candidate's organisation is left out, and says so.
CRITERION_CATEGORIES = {
    "taal": "taal-leerbaarheid",
    "doelen": "pip",
    "fase": "pip",
    "plaats": "contact",
    "beschikbaarheid": "",
    "omstandigheden": "gezin",
}
Permitted = Callable[[str], frozenset[str]]  # organisation OIN -> categories matching may use


def _all_permitted(_organisation: str) -> frozenset[str]:
    return frozenset({"identiteit", *CRITERION_CATEGORIES.values()} - {""})


def _years_after(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 1 March)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


# hard constraints --------------------------------------------------------------------------------
def guide_exclusions(
    guide: Guide, person: Person, region: frozenset[str], today: date, policy: Policy
) -> list[str]:
    """Why `guide` may not be proposed to `person` (empty: they may)."""
    why = []
    if guide.vog_issued_on is None:
        why.append("geen VOG")
    elif guide.vog_issued_on > today:
        why.append(f"VOG gedateerd in de toekomst ({guide.vog_issued_on.isoformat()})")
    elif _years_after(guide.vog_issued_on, policy.vog_valid_years) <= today:
        why.append(f"VOG van {guide.vog_issued_on.isoformat()} is verlopen")
    done = guide.training
    if any(t not in done or done[t] > today for t in policy.required_training):
        missing = sorted(t for t in policy.required_training if t not in done or done[t] > today)
        why.append("training niet gevolgd: " + ", ".join(missing))
    if guide.caseload >= guide.max_caseload:
        why.append(f"geen ruimte: begeleidt al {guide.caseload} van {guide.max_caseload}")
    if person.gemeente not in guide.gemeenten and not (guide.gemeenten & region):
        why.append("werkt niet in deze gemeente of de regionale pool")
    return why


def placement_exclusions(
    placement: Placement, person: Person, region: frozenset[str], today: date
) -> list[str]:
    why = []
    if placement.filled >= placement.capacity:
        why.append("geen plaats meer vrij")
    if placement.ends_on is not None and placement.ends_on < today:
        why.append(f"liep tot {placement.ends_on.isoformat()}")
    if person.route == "z" and not placement.z_route_suitable:
        why.append("niet geschikt voor de Z-route")
    if person.women_only and not placement.for_women:
        why.append("niet alleen voor vrouwen")
    if placement.gemeente != person.gemeente and placement.gemeente not in region:
        why.append("niet in deze gemeente of de regionale pool")
    return why


# criteria: numbers for everyone, sentences for the shortlist -------------------------------------
def _best_shared_language(person: Person, languages: Mapping[str, str]) -> tuple[str, float]:
    """The shared language that carries a conversation best, and how well (0..1)."""
    best, quality = "", 0.0
    for code, theirs in languages.items():
        mine = person.dutch if code == "nl" else person.languages.get(code)
        if mine is None:
            continue
        shared = min(level(theirs), level(mine))
        q = (
            1.0
            if shared >= LEVEL["B2"]
            else (0.7 if shared == LEVEL["B1"] else 0.3 * (shared >= 2))
        )
        if q > quality:
            best, quality = code, q
    return best, quality


def _place(person: Person, gemeente_match: bool, area: str) -> float:
    if area and area == person.area:
        return 1.0
    return 0.75 if gemeente_match else 0.25


def _guide_points(guide: Guide, person: Person, use: frozenset[str]) -> dict[str, float]:
    points = dict.fromkeys(GUIDE_WEIGHTS, 0.0)
    if "taal-leerbaarheid" in use:
        points["taal"] = _best_shared_language(person, guide.languages)[1]
    if "contact" in use:
        points["plaats"] = _place(person, person.gemeente in guide.gemeenten, guide.area)
    days = guide.days & person.days if person.days else guide.days
    points["beschikbaarheid"] = min(1.0, len(days) / 2) * (
        1.0 if guide.hours_per_week >= 2 else 0.5
    )
    if "pip" in use:
        if person.goal_domains:
            points["doelen"] = len(guide.interests & person.goal_domains) / len(person.goal_domains)
        fits = (person.phase in guide.phases) + (person.route in guide.routes)
        points["fase"] = fits / 2
    return points


def _placement_points(
    placement: Placement, person: Person, use: frozenset[str]
) -> dict[str, float]:
    points = dict.fromkeys(PLACEMENT_WEIGHTS, 0.0)
    if "taal-leerbaarheid" in use:
        gap = level(placement.dutch_required) - level(person.dutch)
        points["taal"] = (
            1.0 if placement.adapted_low_dutch or gap <= 0 else (0.4 if gap == 1 else 0)
        )
    if "pip" in use:
        points["fase"] = 1.0 if placement.kind in KINDS_BY_PHASE.get(person.phase, ()) else 0.0
        if person.goal_domains:
            points["doelen"] = min(1.0, len(placement.skills & person.goal_domains))
    if "contact" in use:
        points["plaats"] = _place(person, placement.gemeente == person.gemeente, placement.area)
    if "gezin" in use:
        points["omstandigheden"] = (
            0.0 if person.needs_childcare and not placement.childcare else 1.0
        )
    return points


def _total(points: Mapping[str, float], weights: Mapping[str, int]) -> float:
    return sum(points[name] * weight for name, weight in weights.items())


def _guide_reasons(guide: Guide, person: Person) -> dict[str, str]:
    code, _quality = _best_shared_language(person, guide.languages)
    if code:
        language = (
            f"spreekt {language_name(code)} ({guide.languages[code]}), een taal die de persoon"
            f" spreekt ({person.dutch if code == 'nl' else person.languages[code]})"
        )
    else:
        language = "geen gedeelde taal; een tolk is nodig"
    shared_goals = sorted(guide.interests & person.goal_domains)
    phase_fit = [
        f"fase {person.phase}" if person.phase in guide.phases else "",
        f"{person.route}-route" if person.route in guide.routes else "",
    ]
    fits = " en ".join(p for p in phase_fit if p)
    return {
        "taal": language,
        "plaats": _place_reason(person, person.gemeente in guide.gemeenten, guide.area),
        "beschikbaarheid": (
            f"{guide.hours_per_week:g} uur per week, op "
            + (", ".join(sorted(guide.days & person.days if person.days else guide.days)) or "—")
        ),
        "doelen": (
            "interesse in " + ", ".join(shared_goals) + " uit het PIP"
            if shared_goals
            else "geen interesse die past bij de doelen in het PIP"
        ),
        "fase": f"ervaring met {fits}" if fits else "geen ervaring met deze fase of route",
    }


def _placement_reasons(placement: Placement, person: Person) -> dict[str, str]:
    if placement.adapted_low_dutch:
        language = "aangepast voor mensen die weinig Nederlands spreken"
    else:
        language = (
            f"vraagt Nederlands op {placement.dutch_required}; de persoon heeft {person.dutch}"
        )
    phase = (
        f"{placement.kind} past bij fase {person.phase}"
        if placement.kind in KINDS_BY_PHASE.get(person.phase, ())
        else f"{placement.kind} past niet bij fase {person.phase}"
    )
    if person.route == "z":
        phase += "; geschikt voor de Z-route"
    shared = sorted(placement.skills & person.goal_domains)
    circumstances = []
    if placement.childcare:
        circumstances.append("met kinderopvang")
    if placement.for_women:
        circumstances.append("voor vrouwen")
    return {
        "taal": language,
        "fase": phase,
        "plaats": _place_reason(person, placement.gemeente == person.gemeente, placement.area),
        "doelen": "sluit aan bij " + ", ".join(shared) + " uit het PIP"
        if shared
        else "geen doel uit het PIP dat hierbij aansluit",
        "omstandigheden": ", ".join(circumstances)
        or ("geen kinderopvang" if person.needs_childcare else "geen bijzonderheden nodig"),
    }


def _place_reason(person: Person, gemeente_match: bool, area: str) -> str:
    if area and area == person.area:
        return f"in dezelfde buurt ({area})"
    return "in dezelfde gemeente" if gemeente_match else "uit de regionale pool"


def _explain(
    points: Mapping[str, float],
    weights: Mapping[str, int],
    reasons: Mapping[str, str],
    use: frozenset[str],
) -> list[Criterion]:
    criteria = []
    for name, weight in weights.items():
        category = CRITERION_CATEGORIES[name]
        if category and category not in use:
            reason = f"niet gebruikt: geen grondslag of toestemming voor {category}"
        else:
            reason = reasons[name]
        criteria.append(Criterion(name, points[name] * weight, weight, reason))
    return criteria


# ranking -----------------------------------------------------------------------------------------
def rank_guides(
    person: Person,
    guides: Iterable[Guide],
    today: date,
    region: frozenset[str] = frozenset(),
    permitted: Permitted = _all_permitted,
    policy: Policy = Policy(),
) -> Ranking:
    """Guides for `person`, best first, explained; `region` is the pool of other gemeenten the
    protocol lets the person's gemeente draw from."""
    return _rank(
        guides,
        lambda guide: guide_exclusions(guide, person, region, today, policy),
        lambda guide, use: _guide_points(guide, person, use),
        lambda guide: _guide_reasons(guide, person),
        GUIDE_WEIGHTS,
        permitted,
        policy.shortlist,
    )


def rank_placements(
    person: Person,
    placements: Iterable[Placement],
    today: date,
    region: frozenset[str] = frozenset(),
    permitted: Permitted = _all_permitted,
    policy: Policy = Policy(),
) -> Ranking:
    """Placements for `person`, best first, explained (see rank_guides)."""
    return _rank(
        placements,
        lambda placement: placement_exclusions(placement, person, region, today),
        lambda placement, use: _placement_points(placement, person, use),
        lambda placement: _placement_reasons(placement, person),
        PLACEMENT_WEIGHTS,
        permitted,
        policy.shortlist,
    )


def _rank(
    candidates: Iterable[Any],
    exclusions: Callable[[Any], list[str]],
    points_of: Callable[[Any, frozenset[str]], dict[str, float]],
    reasons_of: Callable[[Any], dict[str, str]],
    weights: Mapping[str, int],
    permitted: Permitted,
    shortlist: int,
) -> Ranking:
    """Exclude, score everyone, sort (ties by id), and explain the shortlist only."""
    scored, excluded = [], {}
    allowed: dict[str, frozenset[str]] = {}  # per organisation, asked once
    for candidate in candidates:
        why = exclusions(candidate)
        use = allowed.get(candidate.organisation)
        if use is None:
            use = allowed[candidate.organisation] = permitted(candidate.organisation)
        if "identiteit" not in use:
            why.append("de organisatie mag niets over de persoon ontvangen")
        if why:
            excluded[candidate.id] = why
            continue
        points = points_of(candidate, use)
        scored.append((_total(points, weights), candidate.id, candidate, points, use))
    best = heapq.nsmallest(shortlist, scored, key=lambda s: (-s[0], s[1]))
    ranked = [
        Ranked(candidate, score, _explain(points, weights, reasons_of(candidate), use))
        for score, _id, candidate, points, use in best
    ]
    return Ranking(ranked, excluded)
