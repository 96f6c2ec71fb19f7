"""`wegwijs audit verify` on PostgreSQL: each kind of tampering, done with plain SQL as a database
superuser with the append-only triggers switched off, is found and named; an untouched ledger
verifies clean. Each case has a ledger of its own in a database of its own."""

from __future__ import annotations

import json
import subprocess
import sys

import psycopg
import pytest
from psycopg.rows import dict_row

from services.audit.checkpoints import signing_key
from services.audit.ledger import Ledger, chain_hash
from services.common import settings
from services.common.db import Database
from services.tools.migrate import migrate_database
from tests.ledger_fixtures import registration_event
from tests.platform import ROOT, TEST, TEST_ENV

DBNAME = f"{TEST.name}_audit_verify"
ENTRIES = 20


def _event(position: int) -> dict:
    return registration_event(position)


@pytest.fixture
def ledger(monkeypatch):
    """A ledger of 20 entries with a checkpoint signed at 20."""
    with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")
    monkeypatch.setenv("WEGWIJS_PG_DBNAME", DBNAME)
    migrate_database()
    db = Database().open()
    ledger = Ledger(db)
    ledger.apply("intake", [_event(p) for p in range(1, 11)])
    ledger.checkpoint(signing_key())
    ledger.apply("intake", [_event(p) for p in range(11, ENTRIES + 1)])
    ledger.checkpoint(signing_key())
    yield ledger
    db.close()


def _tamper(*statements: str) -> None:
    """As a superuser who switches the append-only triggers off for the session."""
    with psycopg.connect(settings.postgres_conninfo(DBNAME), autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        for statement in statements:
            conn.execute(statement)


def _rows() -> list[dict]:
    with psycopg.connect(settings.postgres_conninfo(DBNAME), row_factory=dict_row) as conn:
        return conn.execute("SELECT * FROM audit.ledger ORDER BY seq").fetchall()


def _verify(*args: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "services.tools.cli", "audit", "verify", *args],
        env={**TEST_ENV, "PATH": "/usr/bin:/bin", "WEGWIJS_PG_DBNAME": DBNAME},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


def test_an_untouched_ledger_verifies_clean(ledger):
    code, out = _verify()
    assert code == 0, out
    assert f"clean: {ENTRIES} entries chained, 2 checkpoints checked" in out


def test_a_changed_field_is_named(ledger):
    _tamper("UPDATE audit.ledger SET actor = 'iemand-anders' WHERE seq = 7")
    code, out = _verify()
    assert code == 1 and "entry 7: changed" in out, out


def test_segments_verified_in_parallel_name_what_one_pass_names(ledger):
    assert _verify("--workers", "2") == _verify()
    _tamper("UPDATE audit.ledger SET actor = 'iemand-anders' WHERE seq = 14")
    code, out = _verify("--workers", "2")
    assert code == 1 and "entry 14: changed" in out and "13 entries chained" in out, out
    _tamper("DELETE FROM audit.ledger WHERE seq = 10")
    code, out = _verify("--workers", "2")
    assert code == 1 and "entry 10: missing" in out and "9 entries chained" in out, out


def test_a_deleted_entry_is_named(ledger):
    _tamper("DELETE FROM audit.ledger WHERE seq = 7")
    code, out = _verify()
    assert code == 1 and "entry 7: missing" in out, out


def test_an_inserted_entry_is_named(ledger):
    fake = {**_rows()[6], "seq": 7, "actor": "ingevoegd"}
    _tamper(
        # Moved within the first partition (seq 1 up to its end), out of the way and back.
        "UPDATE audit.ledger SET seq = seq + 1000000 WHERE seq >= 7",
        "UPDATE audit.ledger SET seq = seq - 1000000 + 1 WHERE seq > 1000000",
    )
    with psycopg.connect(settings.postgres_conninfo(DBNAME), autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            "INSERT INTO audit.ledger SELECT (jsonb_populate_record(NULL::audit.ledger, %s)).*",
            (json.dumps({**fake, "origin_position": 999, "entry_hash": "0" * 64}, default=str),),
        )
    code, out = _verify()
    assert code == 1 and "entry 7: changed" in out, out


def test_two_swapped_entries_are_named(ledger):
    _tamper(
        "UPDATE audit.ledger SET seq = 1000000 WHERE seq = 7",
        "UPDATE audit.ledger SET seq = 7 WHERE seq = 8",
        "UPDATE audit.ledger SET seq = 8 WHERE seq = 1000000",
    )
    code, out = _verify()
    assert code == 1 and "entry 7: out-of-place" in out, out


def test_a_tail_cut_below_the_last_checkpoint_is_named(ledger):
    _tamper("DELETE FROM audit.ledger WHERE seq > 15")
    code, out = _verify()
    assert code == 1 and "entry 16: truncated" in out and "signed 20" in out, out


def test_a_consistent_rewrite_is_caught_by_the_checkpoints_kept_outside(ledger, tmp_path):
    kept = tmp_path / "checkpoints.jsonl"
    kept.write_text("\n".join(json.dumps(c, default=str) for c in ledger.checkpoints()))
    rows = _rows()
    rows[2]["actor"] = "herschreven"
    statements = []
    prev = rows[1]["entry_hash"]
    for row in rows[2:]:
        row["prev_hash"], row["entry_hash"] = prev, chain_hash(prev, row)
        prev = row["entry_hash"]
        statements.append(
            "UPDATE audit.ledger SET actor = '{actor}', prev_hash = '{prev_hash}',"
            " entry_hash = '{entry_hash}' WHERE seq = {seq}".format(**row)
        )
    _tamper(*statements, "DELETE FROM audit.checkpoints")

    code, out = _verify("--checkpoints", str(kept))
    assert code == 1 and "entry 10: rewritten" in out and "checkpoint 1" in out, out


def test_a_forged_checkpoint_is_named(ledger, tmp_path):
    forged = [{**c, "size": c["size"] - 1} for c in ledger.checkpoints()]
    kept = tmp_path / "checkpoints.jsonl"
    kept.write_text("\n".join(json.dumps(c, default=str) for c in forged))
    code, out = _verify("--checkpoints", str(kept))
    assert code == 1 and "bad-signature: checkpoint 1" in out, out


def test_audit_signs_a_checkpoint_every_n_entries_so_the_unsigned_tail_stays_short(ledger):
    every = 7
    counting = Ledger(ledger.db, checkpoint_key=signing_key(), checkpoint_every=every)
    for start in range(ENTRIES + 1, ENTRIES + 31, 3):  # 30 more entries, three at a time
        counting.apply("pip", [_event(p) for p in range(start, start + 3)])
        head = ENTRIES + (start - ENTRIES + 2)
        signed = max(c["size"] for c in counting.checkpoints())
        assert head - signed < every, f"{head - signed} entries unsigned at {head}"

    assert _verify()[0] == 0


def test_each_verification_is_recorded_for_the_auditors_status(ledger):
    from services.audit.verifications import BY_CLI, status

    assert _verify()[0] == 0
    _tamper("UPDATE audit.ledger SET actor = 'iemand-anders' WHERE seq = 7")
    assert _verify()[0] == 1

    with ledger.db.transaction() as cur:
        shown = status(cur, signing_key().public_key(), {"verify_seconds": 3600})
    tampered, clean = shown["verifications"][:2]
    assert shown["last_verification"] == tampered
    assert (tampered["clean"], tampered["verified_by"], tampered["entries"]) == (False, BY_CLI, 6)
    assert tampered["findings"][0]["seq"] == 7 and tampered["findings"][0]["kind"] == "changed"
    assert (clean["clean"], clean["entries"], clean["checkpoints"]) == (True, ENTRIES, 2)
    assert [c["signature_valid"] for c in shown["checkpoints"]] == [True, True]
    assert (shown["entries"], shown["checkpoint_count"], shown["unsigned_entries"]) == (20, 2, 0)
