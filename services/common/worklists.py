"""A worklist's first items and its length, read from an index in the list's order.

At 100,000 dossiers a werkvoorraad list may hold tens of thousands of a gemeente's rows. Counting
them in the query that fetches the first items (`count(*) OVER ()`) makes PostgreSQL read and sort
every one of them for 50 items. Here the items come from each gemeente's part of a (partial) index
in the list's order, merged; the length from a count of its own, which that index answers too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from psycopg import Cursor


def first_items(
    cur: Cursor,
    *,
    select: str,
    source: str,
    gemeente_column: str,
    condition: str,
    order: Sequence[str],
    gemeenten: Sequence[str],
    binds: Mapping[str, Any],
    limit: int,
) -> tuple[int, list[dict[str, Any]]]:
    """(how many rows of `source` of the gemeenten meet `condition`, the first `limit` of them
    in `order`). `order` names columns of `select`, ascending, nulls last (PostgreSQL's and the
    indexes' order); `binds` fills the placeholders of `select`, `source` and `condition`."""
    rows: list[dict[str, Any]] = []
    query = (
        f"SELECT {select} FROM {source} WHERE {gemeente_column} = %(worklist_gemeente)s"
        f" AND {condition} ORDER BY {', '.join(order)} LIMIT %(worklist_limit)s"
    )
    for gemeente in dict.fromkeys(gemeenten):  # each once, in the order given
        cur.execute(query, {**binds, "worklist_gemeente": gemeente, "worklist_limit": limit})
        rows.extend(cur.fetchall())
    rows.sort(key=lambda row: tuple((row[k] is None, row[k]) for k in order))
    cur.execute(
        f"SELECT count(*) AS total FROM {source}"
        f" WHERE {gemeente_column} = ANY(%(worklist_gemeenten)s) AND {condition}",
        {**binds, "worklist_gemeenten": list(gemeenten)},
    )
    return cur.fetchone()["total"], rows[:limit]
