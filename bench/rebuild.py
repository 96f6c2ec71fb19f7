"""Rebuilding every read model from its service's event store, in events per second, against a
plain scan of the same events (`select_notifications` over the whole log, in the same batches) in
the same run. Runs in a plain process on its own database `wegwijs_bench_rebuild`, with a stream
made through the services' domain (bench/stream.py) once and reused.

`.venv/bin/python -m bench.rebuild [dossiers]` (default 3,000 dossiers, about 60,000 events).
`WEGWIJS_BENCH_REBUILD_DB=<database>` measures another region's database instead (one made by
`wegwijs migrate` with its read models, such as bench/scale.py's), as its administrator, without
making anything. Prints one JSON object.

- per read model: `Projector.rebuild` (what `wegwijs rebuild <name>` runs): drop, create, apply
  every stored event of the service, in one transaction;
- per service: `Projector.rebuild_all` (`wegwijs rebuild --all`): every read model of the service
  from one pass over its log, each event decoded once;
- baseline: the same log read with `select_notifications` and nothing applied.
"""

from __future__ import annotations

import json
import os
import sys
import time

from bench import stream

DBNAME = os.environ.get("WEGWIJS_BENCH_REBUILD_DB") or "wegwijs_bench_rebuild"
DOSSIERS = 3000
TARGET = 20_000


def scan(app, batch: int) -> dict:
    """Baseline: every stored event of the service, read as the projector reads them."""
    started = time.perf_counter()
    count, position = 0, 0
    while notifications := app.recorder.select_notifications(start=position + 1, limit=batch):
        count += len(notifications)
        position = notifications[-1].id
    elapsed = time.perf_counter() - started
    return {"events": count, "seconds": round(elapsed, 3), "per_second": round(count / elapsed)}


def measure() -> dict:
    from services.common.db import Database
    from services.common.projection import REBUILD_BATCH, Projector
    from services.tools.migrate import applications as read_models

    results: dict = {"read_models": {}, "services": {}}
    db = Database(stream.admin_conninfo(DBNAME)).open()
    try:
        with stream.applications() as apps:
            for schema, (_cls, projections) in read_models().items():
                if schema not in apps or not projections:
                    continue
                app = apps[schema]
                projector = Projector(app, db, projections)
                scan(app, REBUILD_BATCH)  # warm the cache: every figure reads from memory
                baseline = scan(app, REBUILD_BATCH)
                for projection in projections:
                    started = time.perf_counter()
                    applied = projector.rebuild(projection.name)
                    elapsed = time.perf_counter() - started
                    results["read_models"][projection.name] = _rate(
                        schema, applied, elapsed, baseline
                    )
                started = time.perf_counter()
                applied = projector.rebuild_all()
                elapsed = time.perf_counter() - started
                results["services"][schema] = {
                    **_rate(schema, applied, elapsed, baseline),
                    "read_models": [p.name for p in projections],
                    "baseline_scan": baseline,
                }
    finally:
        db.close()
    slowest = min(results["read_models"].values(), key=lambda r: r["per_second"])
    results["slowest_read_model_per_second"] = slowest["per_second"]
    results["target_per_second"] = TARGET
    return results


def _rate(schema: str, applied: int, elapsed: float, baseline: dict) -> dict:
    per_second = round(applied / elapsed) if elapsed else 0
    return {
        "service": schema,
        "events": applied,
        "seconds": round(elapsed, 3),
        "per_second": per_second,
        "ratio_to_scan": round(per_second / baseline["per_second"], 3),
    }


def main() -> int:
    dossiers = int(sys.argv[1]) if len(sys.argv) > 1 else DOSSIERS
    os.environ.update(stream.environment(DBNAME))
    made = 0.0
    if DBNAME == "wegwijs_bench_rebuild":
        started = time.perf_counter()
        if stream.prepare(DBNAME, dossiers):
            made = round(time.perf_counter() - started, 1)
    results = {"database": DBNAME, "dossiers": stream.dossiers_in(DBNAME), "made_in_seconds": made}
    results.update(measure())
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
