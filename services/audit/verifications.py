"""What is known of the ledger's integrity, for the auditor's status (GET /api/v1/audit/status):
each verification's outcome, kept in `audit.verifications` (append-only, like the ledger), and
the signed checkpoints with their signatures checked.

A verification recomputes the whole chain against the stored checkpoints (checkpoints.verify). The
`verify` timer of the audit service runs one every `WEGWIJS_VERIFY_SECONDS`, and `wegwijs audit
verify` records its own; the status shows the latest, so an auditor sees when the ledger was last
found whole, or what was found wrong, without a database client.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from psycopg import Cursor

from services.audit.checkpoints import Report, key_id, statement

VERIFICATION_DDL = [
    """CREATE TABLE IF NOT EXISTS audit.verifications (
        id text PRIMARY KEY,
        verified_at text NOT NULL,
        verified_by text NOT NULL,
        outside_checkpoints boolean NOT NULL,
        clean boolean NOT NULL,
        entries bigint NOT NULL,
        checkpoints bigint NOT NULL,
        findings text NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS verifications_at ON audit.verifications (verified_at)",
    """CREATE OR REPLACE TRIGGER verifications_append_only BEFORE UPDATE OR DELETE ON
        audit.verifications FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()""",
    """CREATE OR REPLACE TRIGGER verifications_no_truncate BEFORE TRUNCATE ON
        audit.verifications FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()""",
]
# Who verified: the audit service on its timer, or an operator's `wegwijs audit verify`.
BY_SERVICE = "audit"
BY_CLI = "wegwijs audit verify"
SHOWN = 10  # the latest checkpoints and verifications the status lists


def record(
    cur: Cursor, report: Report, verified_by: str, outside_checkpoints: bool = False
) -> dict[str, Any]:
    """Append a verification's outcome; returns it as the status shows it."""
    row = {
        "id": str(uuid.uuid4()),
        "verified_at": datetime.now(UTC).isoformat(timespec="microseconds"),
        "verified_by": verified_by,
        "outside_checkpoints": outside_checkpoints,
        "clean": report.clean,
        "entries": report.checked,
        "checkpoints": report.checkpoints,
        "findings": json.dumps(
            [{"seq": f.seq, "kind": f.kind, "detail": f.detail} for f in report.findings]
        ),
    }
    cur.execute(
        "INSERT INTO audit.verifications (id, verified_at, verified_by, outside_checkpoints,"
        " clean, entries, checkpoints, findings) VALUES (%(id)s, %(verified_at)s,"
        " %(verified_by)s, %(outside_checkpoints)s, %(clean)s, %(entries)s, %(checkpoints)s,"
        " %(findings)s)",
        row,
    )
    return _verification(row)


def status(cur: Cursor, public_key: Ed25519PublicKey, schedule: Mapping[str, int]) -> dict:
    """The ledger's size, its checkpoints (the latest with their signatures checked) and the
    latest verifications. Counts and hashes only: no entry's content."""
    head = cur.execute(
        "SELECT seq, ledger_time FROM audit.ledger ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    signed = cur.execute(
        "SELECT count(*) AS n, coalesce(max(size), 0) AS size FROM audit.checkpoints"
    ).fetchone()
    checkpoints = cur.execute(
        "SELECT * FROM audit.checkpoints ORDER BY number DESC LIMIT %s", (SHOWN,)
    ).fetchall()
    verifications = cur.execute(
        "SELECT * FROM audit.verifications ORDER BY verified_at DESC, id LIMIT %s", (SHOWN,)
    ).fetchall()
    return describe(
        head and dict(head),
        signed["n"],
        signed["size"],
        [dict(c) for c in checkpoints],
        [dict(v) for v in verifications],
        public_key,
        schedule,
    )


def describe(
    head: Mapping[str, Any] | None,
    checkpoint_count: int,
    signed_size: int,
    checkpoints: Sequence[Mapping[str, Any]],
    verifications: Sequence[Mapping[str, Any]],
    public_key: Ed25519PublicKey,
    schedule: Mapping[str, int],
) -> dict[str, Any]:
    """The status from the rows (no I/O): checkpoints and verifications newest first."""
    entries = head["seq"] if head else 0
    shown = [_verification(v) for v in verifications]
    return {
        "entries": entries,
        "last_entry_at": head["ledger_time"] if head else None,
        "key_id": key_id(public_key),
        "checkpoint_count": checkpoint_count,
        "unsigned_entries": max(entries - signed_size, 0),
        "checkpoints": [_checkpoint(c, public_key) for c in checkpoints],
        "last_verification": shown[0] if shown else None,
        "verifications": shown,
        "schedule": dict(schedule),
    }


def _checkpoint(row: Mapping[str, Any], public_key: Ed25519PublicKey) -> dict[str, Any]:
    try:
        public_key.verify(
            base64.b64decode(row["signature"]),
            statement(row["number"], row["size"], row["head_hash"], row["signed_at"]),
        )
        valid = True
    except (InvalidSignature, ValueError):
        valid = False
    return {
        "number": row["number"],
        "size": row["size"],
        "head_hash": row["head_hash"],
        "signed_at": row["signed_at"],
        "key_id": row["key_id"],
        "signature_valid": valid,
    }


def _verification(row: Mapping[str, Any]) -> dict[str, Any]:
    findings = row["findings"]
    return {
        "verified_at": row["verified_at"],
        "verified_by": row["verified_by"],
        "outside_checkpoints": row["outside_checkpoints"],
        "clean": row["clean"],
        "entries": row["entries"],
        "checkpoints": row["checkpoints"],
        "findings": json.loads(findings) if isinstance(findings, str) else list(findings),
    }
