"""A worklist read per gemeente from its index and merged gives what one query over all the
gemeenten, sorted whole, gives: the same first items in the same order, the same length."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

import psycopg
from psycopg.rows import dict_row

from services.common import settings
from services.common.worklists import Worklist, first_items


def _overview(
    cur: psycopg.Cursor,
    rng: random.Random,
    rows: int,
    gemeenten: tuple[str, ...],
    statuses: tuple[str, ...],
    undated: float = 0.0,
) -> None:
    """A temporary table `overview` as pip's: `rows` dossiers of the gemeenten, each a status and
    a deadline in the two months from 1 November 2026 (none for a share `undated` of them), with
    the drafts' index in the list's order."""
    cur.execute(
        "CREATE TEMP TABLE overview (dossier_id uuid PRIMARY KEY, gemeente text NOT NULL,"
        " status text NOT NULL, deadline date)"
    )
    cur.execute(
        "CREATE INDEX ON overview (gemeente, deadline, dossier_id) WHERE status = 'concept'"
    )
    start = date(2026, 11, 1)
    with cur.copy("COPY overview FROM STDIN") as copy:
        for _ in range(rows):
            copy.write_row(
                (
                    uuid.UUID(int=rng.getrandbits(128)),
                    rng.choice(gemeenten),
                    rng.choice(statuses),
                    None if rng.random() < undated else start + timedelta(days=rng.randrange(60)),
                )
            )
    cur.execute("ANALYZE overview")


def test_the_first_items_of_several_gemeenten_merge_in_the_list_s_order_with_the_count():
    rng = random.Random(7)
    with psycopg.connect(settings.postgres_conninfo("postgres"), row_factory=dict_row) as conn:
        cur = conn.cursor()
        # a few share a day (the id decides), some have none (they come last)
        _overview(
            cur, rng, 3000, ("0344", "0356", "0321"), ("concept", "concept", "vastgesteld"), 0.05
        )
        for gemeenten in (("0344",), ("0344", "0356"), ("0321", "0356", "0344")):
            for condition, limit in (
                ("status = 'concept'", 50),
                ("status = 'concept' AND deadline < %(day)s", 50),
                ("status = 'concept'", 5000),  # all: those without a day last
            ):
                binds = {"day": date(2026, 11, 20), "limit": limit}
                worklist = Worklist(
                    select="dossier_id, deadline AS on_day",
                    source="overview",
                    gemeente_column="gemeente",
                    condition=condition,
                    order=("on_day", "dossier_id"),
                )
                found = first_items(
                    cur, {"a": worklist}, gemeenten=gemeenten, binds=binds, limit=limit
                )
                count, rows = found["a"]
                cur.execute(
                    "SELECT dossier_id, deadline AS on_day, count(*) OVER () AS total"
                    f" FROM overview WHERE gemeente = ANY(%(all)s) AND {condition}"
                    " ORDER BY on_day NULLS LAST, dossier_id LIMIT %(limit)s",
                    {**binds, "all": list(gemeenten)},
                )
                whole = cur.fetchall()
                assert [(r["dossier_id"], r["on_day"]) for r in rows] == [
                    (r["dossier_id"], r["on_day"]) for r in whole
                ], (gemeenten, condition)
                assert count == whole[0]["total"] > 50
                assert (rows[-1]["on_day"] is None) == (limit > count)


def test_several_lists_asked_together_give_what_each_gives_alone():
    """A werkvoorraad asks all its lists in one round trip: each list comes out as it does
    asked alone."""
    rng = random.Random(8)
    with psycopg.connect(settings.postgres_conninfo("postgres"), row_factory=dict_row) as conn:
        cur = conn.cursor()
        _overview(cur, rng, 500, ("0344", "0356"), ("concept", "vastgesteld"))
        lists = {
            status: Worklist(
                select="dossier_id, deadline AS on_day",
                source="overview",
                gemeente_column="gemeente",
                condition=f"status = '{status}' AND deadline >= %(day)s",
                order=("on_day", "dossier_id"),
            )
            for status in ("concept", "vastgesteld")
        }
        binds = {"day": date(2026, 11, 10)}
        together = first_items(cur, lists, gemeenten=("0356", "0344"), binds=binds, limit=20)
        for key, worklist in lists.items():
            alone = first_items(
                cur, {key: worklist}, gemeenten=("0356", "0344"), binds=binds, limit=20
            )
            assert together[key] == alone[key]
            assert together[key][0] > 20 and len(together[key][1]) == 20
        assert together["concept"] != together["vastgesteld"]
