"""Loading an aggregate with a long history: a dossier with 2,000 events (a registration and
1,999 corrections) and a PIP with 2,000 (a draft and 1,999 signals noted), with and without
snapshots, against selecting the same 2,000 rows with psycopg in the same run. Runs in a plain
process on its own database `wegwijs_bench_aggregates`, made anew each run (a minute).

`.venv/bin/python -m bench.aggregates [events]` prints one JSON object: p50/p95 of `repository.get`
with the snapshots the application took (every WEGWIJS_SNAPSHOT_EVERY events), of the same with
no snapshot store (every event read and applied), and of the plain select, with ratios.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg

from bench import stream
from services.common.context import acting

DBNAME = "wegwijs_bench_aggregates"
EVENTS = 2000
LOADS = 40
SAVE_EVERY = 100  # events a command adds at a time while the history is made
TARGET_MS = 20.0


def _p(values: list[float]) -> dict:
    cut = statistics.quantiles(sorted(values), n=100, method="inclusive")
    return {"loads": len(values), "p50_ms": round(cut[49], 2), "p95_ms": round(cut[94], 2)}


def _timed(load: Callable[[], Any]) -> dict:
    load()  # warm: the rows in PostgreSQL's cache, the classes imported
    times = []
    for _ in range(LOADS):
        started = time.perf_counter()
        load()
        times.append((time.perf_counter() - started) * 1000)
    return _p(times)


def _grow(app: Any, aggregate_id: Any, events: int, step: Callable[[Any, int], None]) -> None:
    """Add events to the aggregate until it has `events`, SAVE_EVERY a command."""
    ctx = stream.regievoerder()
    version = app.repository.get(aggregate_id).version
    while version < events:
        with acting(ctx):
            aggregate = app.repository.get(aggregate_id)
            for n in range(min(SAVE_EVERY, events - version)):
                step(aggregate, version + n)
        app.save(aggregate)
        version = aggregate.version


def _dossier(region: stream.Region, events: int) -> Any:
    dossier_id = region.dossier(0)
    intake = region.apps["intake"]

    def correct(dossier: Any, n: int) -> None:
        dossier.correct({"given_name": f"Naam {n}"}, "Gecorrigeerd volgens de BRP.")

    _grow(intake, dossier_id, events, correct)
    return intake, dossier_id


def _pip(region: stream.Region, events: int) -> Any:
    from services.pip.domain import Pip

    dossier_id = region.dossier(1)
    region.cascade()
    pips = region.apps["pip"]
    pip_id = Pip.create_id(uuid.UUID(dossier_id))

    def signal(pip: Any, n: int) -> None:
        pip.note_signal(domain=("gezondheid", "financien", "werk")[n % 3], author_role="begeleider")

    _grow(pips, pip_id, events, signal)
    return pips, pip_id


def measure(events: int = EVENTS) -> dict:
    from eventsourcing.application import Repository

    results: dict = {"events": events, "snapshot_every": None}
    with stream.applications() as apps:
        region = stream.Region(apps)
        for name, make in (("dossier", _dossier), ("pip", _pip)):
            app, aggregate_id = make(region, events)
            results["snapshot_every"] = app.snapshot_every
            table = stream.EVENT_TABLES[app.schema]
            with psycopg.connect(stream.admin_conninfo(DBNAME)) as conn:

                def select() -> list:
                    return conn.execute(
                        f"SELECT * FROM {app.schema}.{table} WHERE originator_id = %s"  # noqa: B023
                        " ORDER BY originator_version",
                        (aggregate_id,),  # noqa: B023
                    ).fetchall()

                rows = len(select())
                baseline = _timed(select)
            alone = Repository(event_store=app.events, snapshot_store=None)
            loaded = app.repository.get(aggregate_id)
            assert vars(alone.get(aggregate_id)).keys() == vars(loaded).keys()
            without = _timed(lambda: alone.get(aggregate_id))  # noqa: B023
            with_snapshots = _timed(lambda: app.repository.get(aggregate_id))  # noqa: B023
            results[name] = {
                "version": loaded.version,
                "baseline_select_rows": {**baseline, "rows": rows},
                "without_snapshots": {
                    **without,
                    "p95_ratio_to_select": round(without["p95_ms"] / baseline["p95_ms"], 2),
                },
                "with_snapshots": {
                    **with_snapshots,
                    "p95_ratio_to_select": round(with_snapshots["p95_ms"] / baseline["p95_ms"], 2),
                },
            }
    results["slowest_p95_ms"] = max(
        results[n]["with_snapshots"]["p95_ms"] for n in ("dossier", "pip")
    )
    results["target_p95_ms"] = TARGET_MS
    return results


def main() -> int:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else EVENTS
    os.environ.update(stream.environment(DBNAME))
    with psycopg.connect(stream.admin_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")
    from services.tools.migrate import migrate_database

    migrate_database()
    print(json.dumps(measure(events), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
