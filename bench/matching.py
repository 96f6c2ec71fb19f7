"""Ranking one person against 10,000 guides and 2,000 placements (services/matching/ranking.py),
p50/p95 over repeated runs on varied people, against a same-run baseline: one pass over the same
candidates that reads a field of each and sorts them (the least any ranking in Python does).

Then the same through the pool read model, as the service ranks: the candidates are rows of
`matching.pool_guides` and `matching.pool_placements` (database `wegwijs_bench_matching`, made
anew each run) read by `PostgresPool`, then ranked. Runs in a plain process. Prints one JSON
object."""

from __future__ import annotations

import gc
import json
import random
import statistics
import time
from dataclasses import asdict
from datetime import date, timedelta

import psycopg
from psycopg.types.json import Jsonb

from services.common.db import Database
from services.contracts.values import CEFR
from services.matching.pool import PoolProjection, PostgresPool
from services.matching.ranking import (
    PLACEMENT_KINDS,
    Guide,
    Person,
    Placement,
    rank_guides,
    rank_placements,
)

GUIDES, PLACEMENTS, RUNS = 10_000, 2_000, 50
DBNAME = "wegwijs_bench_matching"
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


def conninfo(dbname: str) -> str:
    return f"host=127.0.0.1 port=5432 user=postgres dbname={dbname}"


def _details(candidate: Guide | Placement) -> dict:
    """A candidate as the pool's `details` column holds it (dates as text, sets as lists)."""
    raw = asdict(candidate)
    for name in ("id", "organisation", "caseload", "filled"):
        raw.pop(name, None)
    return {
        k: sorted(v)
        if isinstance(v, frozenset)
        else v.isoformat()
        if isinstance(v, date)
        else {t: d.isoformat() for t, d in v.items()}
        if k == "training"
        else v
        for k, v in raw.items()
    }


def _load_pool(guides: list[Guide], placements: list[Placement]) -> None:
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DBNAME}")
    with psycopg.connect(conninfo(DBNAME)) as conn, conn.cursor() as cur:
        cur.execute("CREATE SCHEMA matching")
        for statement in PoolProjection().create_statements("matching"):
            cur.execute(statement)
        cur.executemany(
            "INSERT INTO matching.pool_guides (id, organisation, gemeenten, details, caseload)"
            " VALUES (gen_random_uuid(), %s, %s, %s, %s)",
            [(g.organisation, sorted(g.gemeenten), Jsonb(_details(g)), g.caseload) for g in guides],
        )
        cur.executemany(
            "INSERT INTO matching.pool_placements (id, organisation, gemeente, details, filled)"
            " VALUES (gen_random_uuid(), %s, %s, %s, %s)",
            [(p.organisation, p.gemeente, Jsonb(_details(p)), p.filled) for p in placements],
        )
        cur.execute("ANALYZE")


def through_read_model(guides: list[Guide], placements: list[Placement]) -> dict:
    """What `rank` costs in the service: the pool from PostgreSQL (held in memory, refreshed with
    what changed), then the ranking. Before each run one guide's caseload changes, as when a
    match starts, so every refresh has something to fetch."""
    _load_pool(guides, placements)
    db = Database(conninfo(DBNAME)).open()
    rng = random.Random(12)
    region = frozenset(GEMEENTEN)
    total = []
    try:
        pool = PostgresPool(db)
        t0 = time.perf_counter()
        cold = len(pool.guides(GEMEENTEN)) + len(pool.placements(GEMEENTEN))
        first_load_ms = (time.perf_counter() - t0) * 1000
        assert cold == GUIDES + PLACEMENTS
        for _ in range(RUNS):
            with db.transaction() as cur:
                cur.execute(
                    "UPDATE matching.pool_guides SET caseload = caseload + 1,"
                    " changed = nextval('matching.pool_changes')"
                    " WHERE id = (SELECT id FROM matching.pool_guides OFFSET %s LIMIT 1)",
                    (rng.randrange(GUIDES),),
                )
            who = person(rng)
            t0 = time.perf_counter()
            rank_guides(who, pool.guides(GEMEENTEN), TODAY, region=region)
            rank_placements(who, pool.placements(GEMEENTEN), TODAY, region=region)
            total.append((time.perf_counter() - t0) * 1000)
    finally:
        db.close()
    return {"first_load_ms": round(first_load_ms, 1), "refresh_and_rank": _percentiles(total)}


def main() -> None:
    rng = random.Random(11)
    guides, placements = candidates(rng)
    gc.freeze()  # long-lived, as the service's pool (services/matching/pool.py)
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
    result["through_read_model"] = through_read_model(guides, placements)
    result["through_read_model"]["p95_ratio_to_rank_alone"] = round(
        result["through_read_model"]["refresh_and_rank"]["p95_ms"]
        / result["rank_one_person"]["p95_ms"],
        2,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
