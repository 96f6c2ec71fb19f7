"""The audit ledger catching up a backlog: 10,000 events of every origin (registrations, PIP
events, consent decisions, the gateway's reads and commands, which take their dossier's gemeente
from the ledger), appended as the audit consumer's catch-up does it (`Ledger.apply` per pulled
batch, origin by origin, the hash chain computed in the batch), against a same-run baseline:
inserting the same rows, already made, with plain batched INSERTs into a table with the same
columns and indexes (no chain, no lookups, no positions). Its own database
`wegwijs_bench_ledger_backlog`, made anew each run. Runnable alone:
`.venv/bin/python -m bench.ledger_backlog [EVENTS]`; prints one JSON object. `under_load` alone, on
a platform of the test layout's own: `.venv/bin/python -m bench.ledger_under_load`. Part of target
`ledger_keeps_up_under_load` (drain at 5,000 events/s or more); the platform part (the ledger
within 1 s of the stores under load, a backlog drained while the load goes on) is
`bench.run.ledger_under_load`.
"""

from __future__ import annotations

import json
import random
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg

from services.audit.describe import EntryDescriber
from services.audit.ledger import FIELDS_V2, Ledger
from services.common.db import Database
from services.common.tracking import PULL_BATCH

DBNAME = "wegwijs_bench_ledger_backlog"
EVENTS = 10_000
GEMEENTEN = ("0344", "0356", "0321")


def conninfo(dbname: str) -> str:
    return f"host=127.0.0.1 port=5432 user=postgres dbname={dbname}"


def _event(origin: str, position: int, event_type: str, dossier: str, rng: random.Random) -> dict:
    gemeente = "" if origin == "gateway" else GEMEENTEN[uuid.UUID(dossier).int % 3]
    return {
        "specversion": "1.0",
        "sequence": f"{position:020d}",
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "source": f"urn:nld:oin:00000009999999999000:systeem:wegwijs-{origin}",
        "type": event_type,
        "subject": dossier,
        "gemeente": gemeente,
        "actor": f"user-{rng.randrange(200)}",
        "actorroles": "regievoerder",
        "organisation": "",
        "activity": "bench",
        "correlationid": uuid.UUID(int=rng.getrandbits(128)).hex,
        "traceparent": f"00-{rng.getrandbits(128):032x}-{rng.getrandbits(64):016x}-01",
        "time": "2026-11-30T10:00:00+00:00",
        "payloadhash": "sha256:" + uuid.UUID(int=rng.getrandbits(128)).hex * 2,
        "data": {},
    }


def backlog(count: int) -> dict[str, list[dict]]:
    """`count` events by origin, in position order: a tenth registrations, the rest about them."""
    rng = random.Random(11)
    dossiers: list[str] = []
    by_origin: dict[str, list[dict]] = {o: [] for o in ("intake", "pip", "consent", "gateway")}
    kinds = (
        ("pip", "nl.wegwijs.pip.doel.toegevoegd.v1"),
        ("consent", "nl.wegwijs.consent.toestemmingen.geopend.v1"),
        ("gateway", "nl.wegwijs.gateway.gegevens.ingezien.v1"),
        ("gateway", "nl.wegwijs.gateway.opdracht.behandeld.v1"),
        ("intake", "nl.wegwijs.intake.leefgebied.vastgelegd.v1"),
    )
    for n in range(count):
        if n % 10 == 0 or not dossiers:
            dossier = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            dossiers.append(dossier)
            origin, event_type = "intake", "nl.wegwijs.intake.dossier.geregistreerd.v1"
        else:
            dossier = dossiers[rng.randrange(len(dossiers))]
            origin, event_type = kinds[rng.randrange(len(kinds))]
        events = by_origin[origin]
        events.append(_event(origin, len(events) + 1, event_type, dossier, rng))
    return by_origin


def fresh_database() -> None:
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DBNAME}")
    db = Database(conninfo(DBNAME)).open()
    try:
        Ledger(db).create_tables()
    finally:
        db.close()


def drain(events: dict[str, list[dict]], batch: int) -> dict:
    """As the consumer's catch-up: origin by origin, `batch` events a transaction."""
    db = Database(conninfo(DBNAME)).open()
    try:
        ledger = Ledger(db, EntryDescriber())
        total = sum(len(e) for e in events.values())
        started = time.perf_counter()
        for origin, pulled in events.items():
            for at in range(0, len(pulled), batch):
                ledger.apply(origin, pulled[at : at + batch])
        elapsed = time.perf_counter() - started
    finally:
        db.close()
    return {
        "events": total,
        "batch": batch,
        "seconds": round(elapsed, 2),
        "per_second": round(total / elapsed),
    }


def plain_inserts(batch: int) -> dict:
    """Baseline: the rows the drain wrote, inserted again by plain batched INSERTs."""
    columns = (*FIELDS_V2, "prev_hash", "entry_hash")
    with psycopg.connect(conninfo(DBNAME)) as conn:
        conn.execute(
            "CREATE TABLE public.plain (LIKE audit.ledger INCLUDING DEFAULTS INCLUDING INDEXES)"
        )
        rows = conn.execute(f"SELECT {', '.join(columns)} FROM audit.ledger ORDER BY seq")
        rows = rows.fetchall()
        conn.commit()
        insert = (
            f"INSERT INTO public.plain ({', '.join(columns)})"
            f" VALUES ({', '.join(['%s'] * len(columns))})"
        )
        started = time.perf_counter()
        for at in range(0, len(rows), batch):
            with conn.transaction(), conn.cursor() as cur:
                cur.executemany(insert, rows[at : at + batch])
        elapsed = time.perf_counter() - started
    return {
        "events": len(rows),
        "batch": batch,
        "seconds": round(elapsed, 2),
        "per_second": round(len(rows) / elapsed),
    }


def measure(count: int = EVENTS, batch: int | None = None) -> dict:
    batch = batch or int(getattr(Ledger, "pull_batch", PULL_BATCH))
    events = backlog(count)
    fresh_database()
    drained = drain(events, batch)
    baseline = plain_inserts(batch)
    return {
        "drain": drained,
        "baseline_plain_inserts": baseline,
        "ratio_to_plain_inserts": round(drained["per_second"] / baseline["per_second"], 3),
    }


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else EVENTS
    print(json.dumps(measure(count)))


def under_load(platform: Any, register: Callable[[], Any], rate: float, seconds: float) -> dict:
    """On a running platform (bench/run.py's): registrations at `rate` per second, by eventlet
    green threads (the caller has monkey-patched), first for `seconds` with the ledger's lag to
    the stores measured per entry (its ledger time less its event time); then with audit stopped
    until a backlog of EVENTS stored events built up, and on with audit started again until the
    ledger has caught up: the drain rate while the load goes on."""
    import eventlet

    running = [True]
    sent, failed = [0], [0]
    pool = eventlet.GreenPool(200)

    def one() -> None:
        try:
            register()
            sent[0] += 1
        except Exception:  # noqa: BLE001 - counted and reported
            failed[0] += 1

    def load() -> None:
        started, n = time.perf_counter(), 0
        while running[0]:
            pool.spawn(one)
            n += 1
            eventlet.sleep(max(0.0, started + n / rate - time.perf_counter()))

    def stored() -> int:
        return sum(platform.stored_events(schema, table) for schema, table in _event_tables())

    def behind() -> int:
        # A shared machine's PostgreSQL may refuse a connection now and then: ask again.
        for _ in range(20):
            try:
                return stored() - platform.ledger_count()
            except psycopg.OperationalError:
                eventlet.sleep(0.5)
        return stored() - platform.ledger_count()

    first_seq = platform.scalar("SELECT coalesce(max(seq), 0) FROM audit.ledger")
    loader = eventlet.spawn(load)
    eventlet.sleep(seconds)
    lag = platform.sql(
        "SELECT count(*) AS entries, percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99,"
        " max(lag) AS max FROM (SELECT extract(epoch FROM ledger_time::timestamptz"
        " - event_time::timestamptz) AS lag FROM audit.ledger WHERE seq > %s) AS entries",
        first_seq,
    )[0]
    platform.stop("audit")
    outage_started = time.perf_counter()
    while behind() < EVENTS and time.perf_counter() - outage_started < 600:
        eventlet.sleep(1)
    backlog_events = behind()
    outage = time.perf_counter() - outage_started
    backlog_end = stored()  # what the ledger must hold to have drained the backlog
    # Timed from audit's start, watched meanwhile: the backlog drains while the process starts
    # (each origin's bulk catch-up comes before its first delivery), so `start`, which returns
    # once audit is healthy, may return with the backlog in the ledger already.
    drain_started, in_ledger = time.perf_counter(), platform.ledger_count()

    def backlog_in() -> float:
        while platform.ledger_count() < backlog_end and time.perf_counter() - drain_started < 600:
            eventlet.sleep(0.1)
        return time.perf_counter()

    watch = eventlet.spawn(backlog_in)
    platform.start("audit")
    start_seconds = time.perf_counter() - drain_started
    backlog_seconds = watch.wait() - drain_started
    backlog_drained = backlog_end - in_ledger
    # Then until the ledger holds everything: services the load keeps behind (their reactions
    # come late) keep adding to what the ledger has to take in.
    while behind() > 0 and time.perf_counter() - drain_started < 600:
        eventlet.sleep(0.2)
    drain_seconds = time.perf_counter() - drain_started
    drained = platform.ledger_count() - in_ledger
    running[0] = False
    loader.wait()
    pool.waitall()
    return {
        "rate_per_second": round(rate, 1),
        "registrations": sent[0],
        "failed": failed[0],
        "lag_under_load": {
            "entries": int(lag["entries"]),
            "p99_seconds": round(float(lag["p99"] or 0), 3),
            "max_seconds": round(float(lag["max"] or 0), 3),
        },
        "backlog": {
            "events": backlog_events,
            "outage_seconds": round(outage, 1),
            # The backlog that built up while audit was away, from audit's start (its start
            # included) until the ledger holds all of it.
            "backlog_drained_events": backlog_drained,
            "backlog_seconds": round(backlog_seconds, 2),
            # How long audit took to start and report healthy (part of backlog_seconds, or
            # longer than it when the backlog was in before audit said it was healthy).
            "start_seconds": round(start_seconds, 2),
            "per_second": round(backlog_drained / backlog_seconds) if backlog_seconds else 0,
            # Until the ledger held every event stored, the load's new ones included.
            "drained_events": drained,
            "drain_seconds": round(drain_seconds, 2),
            "caught_up": behind() <= 0,
        },
    }


def _event_tables() -> list[tuple[str, str]]:
    from tests.platform import EVENT_TABLES

    return list(EVENT_TABLES.values())


def main_under_load() -> None:
    """`under_load` on a platform of its own, the test layout's (WEGWIJS_TEST_LAYOUT), at the
    rate the gateway sustains there first; for measuring it without the whole `make bench`."""
    import os

    from bench.run import throughput  # monkey-patches, as bench/run.py runs
    from tests.platform import TEST, Platform

    os.environ.update(TEST.env())
    platform = Platform(TEST)
    platform.reset_infrastructure()
    platform.start_all()
    try:
        for _ in range(20):
            platform.register()
        sustained = throughput(platform.register)
        platform.wait_ledger_complete(deadline=300)
        result = under_load(platform, platform.register, sustained["per_second"], 10.0)
    finally:
        platform.stop_all()
    print(json.dumps({"sustained": sustained, **result}))


if __name__ == "__main__":
    main()
