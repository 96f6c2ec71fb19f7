"""The audit ledger at one million entries: `wegwijs audit verify`'s speed, and an auditor's
dossier query p95, each against a same-run baseline. Runs in a plain process (no eventlet), like
the CLI, on its own database `wegwijs_bench_ledger_partitioned`, which it fills once and reuses
while the chain there still has the wanted size and format. Prints one JSON object.

- verify: `Ledger.verify_all` (what `wegwijs audit verify` runs) over the whole chain of entries
  in format 3, with a signed checkpoint every 100,000 entries; with 1 worker and with 2 (segments
  between signed checkpoints in parallel processes); baseline: streaming the same rows with the
  same query and cursor (tuples, binary), no hashing. Target `verify_at_least_0_8_of_stream`: one
  worker at 0.8x the stream or more.
- dossier query: `queries.entries` (what the auditor API and CLI run) for random dossiers, first
  page; also "who saw this dossier" and a trace; baseline: fetching one entry by primary key.
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg.rows import dict_row

from services.audit.checkpoints import VERIFY_COLUMNS, signing_key
from services.audit.ledger import ENTRY_FORMAT, FIELDS_V3, GENESIS, Ledger, chain_hash
from services.audit.queries import entries, parse_query, readers
from services.common.db import Database

DBNAME = "wegwijs_bench_ledger_partitioned"
SIZE = 1_000_000
ENTRIES_PER_DOSSIER = 20
GEMEENTEN = ("0344", "0356", "0321")
QUERIES = 1000
CHECKPOINT_EVERY = 100_000
# A dossier's life in the ledger: (origin, event type, processing activity, confidentiality).
LIFE = (
    ("gateway", "nl.wegwijs.gateway.opdracht.behandeld.v1", "opdrachten-verantwoorden", "intern"),
    ("intake", "nl.wegwijs.intake.dossier.geregistreerd.v1", "registratie", "persoonsgegevens"),
    ("intake", "nl.wegwijs.intake.bsn.geclaimd.v1", "registratie", "persoonsgegevens"),
    ("pip", "nl.wegwijs.pip.concept.geopend.v1", "pip-opstellen", "persoonsgegevens"),
    ("consent", "nl.wegwijs.consent.toestemmingen.geopend.v1", "toestemming-beheren", "intern"),
    ("gateway", "nl.wegwijs.gateway.gegevens.ingezien.v1", "dossier-inzien", "intern"),
    ("intake", "nl.wegwijs.intake.leefgebied.vastgelegd.v1", "brede-intake", "bijzonder"),
    ("pip", "nl.wegwijs.pip.doel.toegevoegd.v1", "pip-opstellen", "persoonsgegevens"),
    ("consent", "nl.wegwijs.consent.deelbesluit.genomen.v1", "delen-met-partner", "bijzonder"),
    ("pip", "nl.wegwijs.pip.doel.voortgang-vastgelegd.v1", "pip-voortgang", "persoonsgegevens"),
)


def conninfo(dbname: str) -> str:
    return f"host=127.0.0.1 port=5432 user=postgres dbname={dbname}"


def _entries(count: int):
    """`count` entries in today's format, in chain order: dossiers interleaved as in a day."""
    rng = random.Random(6)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    dossiers = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count // 20)]
    positions: dict[str, int] = {}
    prev_hash = GENESIS
    for seq in range(1, count + 1):
        dossier = dossiers[rng.randrange(len(dossiers))]
        step = positions.get(dossier, 0)
        positions[dossier] = step + 1
        origin, event_type, activity, confidentiality = LIFE[step % len(LIFE)]
        trace = hashlib.md5(f"{dossier}:{step // 5}".encode()).hexdigest()
        at = (start + timedelta(seconds=seq * 2)).isoformat()
        entry = {
            "seq": seq,
            "origin": origin,
            "origin_position": seq,
            "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "event_type": event_type,
            "dossier_id": dossier,
            "gemeente": GEMEENTEN[uuid.UUID(dossier).int % 3],
            "actor": f"user-{rng.randrange(200)}",
            "actor_roles": "regievoerder",
            "organisation": "",
            "activity": activity,
            "legal_basis": "",
            "correlation_id": trace,
            "event_time": at,
            "ledger_time": at,
            "payload_hash": "sha256:" + hashlib.sha256(str(seq).encode()).hexdigest(),
            "entry_format": ENTRY_FORMAT,
            "trace_id": trace,
            "span_id": f"{seq:016x}",
            "processing_activity": f"urn:wegwijs:verwerking:{activity}",
            "subject_type": "dossier",
            "system": f"urn:nld:oin:00000009999999999000:systeem:wegwijs-{origin}",
            "receiving_party": "",
            "result": "vastgelegd",
            "confidentiality": confidentiality,
            "retention": "P7Y",
        }
        entry_hash = chain_hash(prev_hash, entry)
        yield entry, prev_hash, entry_hash
        prev_hash = entry_hash


def prepare(size: int) -> float:
    """The ledger with `size` entries: reused when it has them, else made anew (seconds taken)."""
    started = time.perf_counter()
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DBNAME,)).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {DBNAME}")
    db = Database(conninfo(DBNAME)).open()
    try:
        ledger = Ledger(db)
        ledger.create_tables()
        with db.transaction() as cur:
            have = cur.execute(
                "SELECT count(*) AS n, min(entry_format) AS f FROM audit.ledger"
            ).fetchone()
            first = cur.execute("SELECT * FROM audit.ledger WHERE seq = 1").fetchone()
        # Reused only when it has the size, today's format, and its first entry still verifies.
        current = first and chain_hash(GENESIS, first) == first["entry_hash"]
        if have["n"] == size and have["f"] == ENTRY_FORMAT and current:
            return 0.0
        with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {DBNAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DBNAME}")
    finally:
        db.close()
    db = Database(conninfo(DBNAME)).open()
    try:
        Ledger(db).create_tables()
        columns = (*FIELDS_V3, "prev_hash", "entry_hash")
        with psycopg.connect(conninfo(DBNAME)) as conn, conn.cursor() as cur:
            with cur.copy(f"COPY audit.ledger ({', '.join(columns)}) FROM STDIN") as copy:
                for entry, prev_hash, entry_hash in _entries(size):
                    copy.write_row([*(entry[c] for c in FIELDS_V3), prev_hash, entry_hash])
            cur.execute("ANALYZE audit.ledger")
        _checkpoints(db, size)
    finally:
        db.close()
    return round(time.perf_counter() - started, 1)


def _checkpoints(db: Database, size: int) -> None:
    """Signed checkpoints every CHECKPOINT_EVERY entries and at the head, as the audit service
    signs them (`WEGWIJS_CHECKPOINT_ENTRIES`)."""
    from services.audit.checkpoints import sign

    key = signing_key()
    sizes = [*range(CHECKPOINT_EVERY, size, CHECKPOINT_EVERY), size]
    with db.transaction() as cur:
        for number, at in enumerate(sizes, start=1):
            head = cur.execute("SELECT entry_hash FROM audit.ledger WHERE seq = %s", (at,))
            signed = sign(number, at, head.fetchone()["entry_hash"], key)
            cur.execute(
                "INSERT INTO audit.checkpoints (number, size, head_hash, signed_at, key_id,"
                " signature) VALUES (%(number)s, %(size)s, %(head_hash)s, %(signed_at)s,"
                " %(key_id)s, %(signature)s)",
                signed,
            )


def stream_rows() -> dict:
    """Baseline: the whole ledger through the verifier's query and cursor, nothing computed."""
    with psycopg.connect(conninfo(DBNAME)) as conn:
        started = time.perf_counter()
        with conn.cursor(name="baseline", binary=True) as rows:
            rows.itersize = 20_000
            rows.execute(
                f"SELECT {', '.join(VERIFY_COLUMNS)} FROM audit.ledger WHERE seq > 0 ORDER BY seq"
            )
            count = sum(1 for _ in rows)
        elapsed = time.perf_counter() - started
    return {"entries": count, "seconds": round(elapsed, 2), "per_second": round(count / elapsed)}


def stream_dicts() -> dict:
    """Yesterday's baseline, for comparison: every column as a dict per row, text format."""
    with psycopg.connect(conninfo(DBNAME), row_factory=dict_row) as conn:
        started = time.perf_counter()
        with conn.cursor(name="baseline") as rows:
            rows.itersize = 10_000
            rows.execute("SELECT * FROM audit.ledger ORDER BY seq")
            count = sum(1 for _ in rows)
        elapsed = time.perf_counter() - started
    return {"entries": count, "seconds": round(elapsed, 2), "per_second": round(count / elapsed)}


def verify(workers: int = 1) -> dict:
    db = Database(conninfo(DBNAME)).open()
    try:
        ledger = Ledger(db)
        key = signing_key()
        checkpoints = ledger.checkpoints()
        started = time.perf_counter()
        report = ledger.verify_all(checkpoints, key.public_key(), workers=workers)
        elapsed = time.perf_counter() - started
    finally:
        db.close()
    if not report.clean:
        raise SystemExit(f"bench ledger does not verify: {report.findings}")
    return {
        "workers": workers,
        "entries": report.checked,
        "checkpoints": len(checkpoints),
        "seconds": round(elapsed, 2),
        "per_second": round(report.checked / elapsed),
    }


def _p(values: list[float]) -> dict:
    values = sorted(values)
    cut = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "queries": len(values),
        "p50_ms": round(cut[49], 3),
        "p95_ms": round(cut[94], 3),
        "p99_ms": round(cut[98], 3),
    }


def queries() -> dict:
    """p50/p95/p99 of an auditor's questions, each on a random dossier or trace."""
    rng = random.Random(7)
    with psycopg.connect(conninfo(DBNAME), row_factory=dict_row, autocommit=True) as conn:
        cur = conn.cursor()
        size = cur.execute("SELECT max(seq) AS n FROM audit.ledger").fetchone()["n"]
        picks = [
            cur.execute(
                "SELECT dossier_id, correlation_id FROM audit.ledger WHERE seq = %s",
                (rng.randrange(1, size + 1),),
            ).fetchone()
            for _ in range(QUERIES)
        ]
        timings: dict[str, list[float]] = {"by_key": [], "dossier": [], "readers": [], "trace": []}
        found = 0
        for pick in picks:
            t0 = time.perf_counter()
            cur.execute("SELECT * FROM audit.ledger WHERE seq = %s", (rng.randrange(1, size),))
            cur.fetchall()
            t1 = time.perf_counter()
            page = entries(cur, parse_query({"dossier_id": pick["dossier_id"]}), GEMEENTEN)
            t2 = time.perf_counter()
            readers(cur, pick["dossier_id"], GEMEENTEN)
            t3 = time.perf_counter()
            entries(cur, parse_query({"trace_id": pick["correlation_id"]}), GEMEENTEN)
            t4 = time.perf_counter()
            found += len(page["entries"])
            for name, took in (
                ("by_key", t1 - t0),
                ("dossier", t2 - t1),
                ("readers", t3 - t2),
                ("trace", t4 - t3),
            ):
                timings[name].append(took * 1000)
    result = {name: _p(values) for name, values in timings.items()}
    result["dossier"]["entries_per_dossier"] = round(found / QUERIES, 1)
    return result


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else SIZE
    made_in = prepare(size)
    baseline = stream_rows()
    verified = verify(1)
    parallel = verify(2)
    dicts = stream_dicts()
    asked = queries()
    print(
        json.dumps(
            {
                "size": size,
                "prepared_seconds": made_in,
                "baseline_stream": baseline,
                "baseline_stream_dicts": dicts,
                "verify": {
                    **verified,
                    "ratio_to_stream": round(verified["per_second"] / baseline["per_second"], 3),
                },
                "verify_2_workers": {
                    **parallel,
                    "ratio_to_stream": round(parallel["per_second"] / baseline["per_second"], 3),
                    "ratio_to_1_worker": round(parallel["per_second"] / verified["per_second"], 3),
                    "minutes_for_100_million": round(1e8 / parallel["per_second"] / 60, 1),
                },
                "queries": {
                    **asked,
                    "dossier_p95_ratio_to_by_key": round(
                        asked["dossier"]["p95_ms"] / asked["by_key"]["p95_ms"], 2
                    ),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
