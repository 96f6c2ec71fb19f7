"""A worklist's first items and its length, read from an index in the list's order.

At 100,000 dossiers a werkvoorraad list may hold tens of thousands of a gemeente's rows. Counting
them in the query that fetches the first items (`count(*) OVER ()`) makes PostgreSQL read and sort
every one of them for 50 items. Here the items come from each gemeente's part of a (partial) index
in the list's order, merged; the length from a count of its own, which that index answers too.
The queries of all of a werkvoorraad's lists go to PostgreSQL together, in one round trip."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import Cursor


@dataclass(frozen=True)
class Worklist:
    """One list: its columns (`select`), rows (`source`, `condition`) and order. `order` names
    columns of `select`, ascending, nulls last (PostgreSQL's and the indexes' order)."""

    select: str
    source: str
    gemeente_column: str
    condition: str
    order: Sequence[str]


def first_items(
    cur: Cursor,
    lists: Mapping[str, Worklist],
    *,
    gemeenten: Sequence[str],
    binds: Mapping[str, Any],
    limit: int,
) -> dict[str, tuple[int, list[dict[str, Any]]]]:
    """Per list: (how many rows of the gemeenten meet its condition, the first `limit` of them
    in its order). `binds` fills the placeholders of the lists' texts. Every list's queries go
    to PostgreSQL in one round trip (a werkvoorraad asked a dozen, one after the other)."""
    conn = cur.connection
    asked: dict[str, tuple[list[Cursor], Cursor]] = {}
    opened: list[Cursor] = []

    def cursor() -> Cursor:
        opened.append(conn.cursor(row_factory=cur.row_factory))
        return opened[-1]

    try:
        with conn.pipeline():
            for key, worklist in lists.items():
                firsts = []
                for gemeente in dict.fromkeys(gemeenten):  # each once, in the order given
                    first = cursor()
                    first.execute(
                        f"SELECT {worklist.select} FROM {worklist.source}"
                        f" WHERE {worklist.gemeente_column} = %(worklist_gemeente)s"
                        f" AND {worklist.condition}"
                        f" ORDER BY {', '.join(worklist.order)} LIMIT %(worklist_limit)s",
                        {**binds, "worklist_gemeente": gemeente, "worklist_limit": limit},
                    )
                    firsts.append(first)
                counting = cursor()
                counting.execute(
                    f"SELECT count(*) AS total FROM {worklist.source}"
                    f" WHERE {worklist.gemeente_column} = ANY(%(worklist_gemeenten)s)"
                    f" AND {worklist.condition}",
                    {**binds, "worklist_gemeenten": list(gemeenten)},
                )
                asked[key] = (firsts, counting)
        found = {}
        for key, (firsts, counting) in asked.items():
            order = lists[key].order
            rows = [row for first in firsts for row in first.fetchall()]
            rows.sort(key=lambda row, order=order: tuple((row[k] is None, row[k]) for k in order))
            found[key] = (counting.fetchone()["total"], rows[:limit])
        return found
    finally:
        for used in opened:
            used.close()
