"""Ranking one person against 10,000 guides and 2,000 placements (services/matching/ranking.py),
p50/p95 over repeated runs on varied people, against a same-run baseline: one pass over the same
candidates that reads a field of each and sorts them (the least any ranking in Python does).
Runs in a plain process. Prints one JSON object."""

from __future__ import annotations

import json
import random
import statistics
import time
from datetime import date, timedelta

from services.matching.ranking import (
    CEFR,
    PLACEMENT_KINDS,
    Guide,
    Person,
    Placement,
    rank_guides,
    rank_placements,
)

GUIDES, PLACEMENTS, RUNS = 10_000, 2_000, 50
TODAY = date(2026, 11, 29)
GEMEENTEN = ("0344", "0356", "0321")
LANGUAGES = ("nl", "en", "ar", "ti", "fa", "prs", "so", "uk", "tr", "ku", "fr")
DOMAINS = ("taal", "werk", "opleiding", "participatie", "gezondheid", "financien", "gezin")
DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")


def candidates(rng: random.Random) -> tuple[list[Guide], list[Placement]]:
    guides = [
        Guide(
            id=f"g{n:05d}",
            name=f"Vrijwilliger {n}",
            organisation=f"0000000300000000{n % 40:04d}",
            gemeenten=frozenset(rng.sample(GEMEENTEN, rng.randint(1, 2))),
            languages={"nl": "C2", **{c: rng.choice(CEFR[2:]) for c in rng.sample(LANGUAGES, 2)}},
            vog_issued_on=TODAY - timedelta(days=rng.randint(0, 1500)),
            training={"basistraining-maatschappelijke-begeleiding": date(2025, 1, 1)}
            if rng.random() < 0.9
            else {},
            max_caseload=3,
            caseload=rng.randint(0, 3),
            hours_per_week=rng.choice((1, 2, 4, 6)),
            days=frozenset(rng.sample(DAYS, rng.randint(1, 4))),
            interests=frozenset(rng.sample(DOMAINS, 2)),
            phases=frozenset(rng.sample(range(5), 2)),
            routes=frozenset(rng.sample(("b1", "onderwijs", "z"), 1)),
            area=str(rng.randint(3500, 3599)),
        )
        for n in range(GUIDES)
    ]
    placements = [
        Placement(
            id=f"p{n:05d}",
            title=f"Plek {n}",
            organisation=f"0000000400000000{n % 60:04d}",
            kind=rng.choice(PLACEMENT_KINDS),
            gemeente=rng.choice(GEMEENTEN),
            capacity=rng.randint(1, 4),
            filled=rng.randint(0, 2),
            dutch_required=rng.choice(CEFR[:5]),
            adapted_low_dutch=rng.random() < 0.3,
            z_route_suitable=rng.random() < 0.5,
            for_women=rng.random() < 0.2,
            childcare=rng.random() < 0.2,
            skills=frozenset(rng.sample(DOMAINS, 2)),
            area=str(rng.randint(3500, 3599)),
        )
        for n in range(PLACEMENTS)
    ]
    return guides, placements


def person(rng: random.Random) -> Person:
    return Person(
        dossier_id="d",
        gemeente=rng.choice(GEMEENTEN),
        languages={c: "C2" for c in rng.sample(LANGUAGES[2:], 2)},
        dutch=rng.choice(CEFR[:3]),
        route=rng.choice(("b1", "onderwijs", "z")),
        phase=rng.randint(0, 4),
        goal_domains=frozenset(rng.sample(DOMAINS, 3)),
        area=str(rng.randint(3500, 3599)),
        days=frozenset(rng.sample(DAYS, 3)),
    )


def _percentiles(values: list[float]) -> dict:
    cut = statistics.quantiles(values, n=100, method="inclusive")
    return {"runs": len(values), "p50_ms": round(cut[49], 2), "p95_ms": round(cut[94], 2)}


def main() -> None:
    rng = random.Random(11)
    guides, placements = candidates(rng)
    region = frozenset(GEMEENTEN)
    baseline, ranking, proposed = [], [], 0
    for _ in range(RUNS):
        who = person(rng)
        t0 = time.perf_counter()
        floor = sorted((c.caseload if isinstance(c, Guide) else c.filled, c.id) for c in guides)
        floor += sorted((p.filled, p.id) for p in placements)
        t1 = time.perf_counter()
        ranked_guides = rank_guides(who, guides, TODAY, region=region)
        ranked_placements = rank_placements(who, placements, TODAY, region=region)
        t2 = time.perf_counter()
        baseline.append((t1 - t0) * 1000)
        ranking.append((t2 - t1) * 1000)
        proposed += len(ranked_guides.ranked) + len(ranked_placements.ranked)
    result = {
        "guides": GUIDES,
        "placements": PLACEMENTS,
        "baseline_pass_and_sort": _percentiles(baseline),
        "rank_one_person": _percentiles(ranking),
        "shortlisted_per_run": proposed / RUNS,
    }
    result["p95_ratio_to_baseline"] = round(
        result["rank_one_person"]["p95_ms"] / result["baseline_pass_and_sort"]["p95_ms"], 2
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
