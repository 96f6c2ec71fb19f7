"""The auditor's status of the ledger (GET /api/v1/audit/status), without a database: the size,
the checkpoints with their signatures checked, and verifications as recorded."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.checkpoints import Finding, Report, key_id, sign
from services.audit.verifications import BY_CLI, BY_SERVICE, describe
from services.contracts.audit import AuditStatus

SCHEDULE = {"verify_seconds": 3600, "checkpoint_seconds": 300, "checkpoint_entries": 1000}


def _row(report: Report, by: str, at: str) -> dict:
    """A row of audit.verifications as `record` writes it."""
    return {
        "verified_at": at,
        "verified_by": by,
        "outside_checkpoints": False,
        "clean": report.clean,
        "entries": report.checked,
        "checkpoints": report.checkpoints,
        "findings": json.dumps(
            [{"seq": f.seq, "kind": f.kind, "detail": f.detail} for f in report.findings]
        ),
    }


def test_a_ledger_never_verified_says_so_and_counts_its_unsigned_tail():
    key = Ed25519PrivateKey.generate()
    first = sign(1, 40, "a" * 64, key)
    head = {"seq": 52, "ledger_time": "2026-11-30T09:00:00+00:00"}

    status = describe(head, 1, 40, [first], [], key.public_key(), SCHEDULE)

    assert status["entries"] == 52 and status["unsigned_entries"] == 12
    assert status["last_verification"] is None and status["verifications"] == []
    assert status["checkpoints"][0]["signature_valid"] is True
    assert status["key_id"] == key_id(key.public_key())
    AuditStatus.model_validate(status)


def test_a_forged_checkpoint_shows_as_not_signed_by_the_key():
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    forged = {**sign(2, 60, "b" * 64, key), "size": 61}  # changed after signing
    foreign = sign(1, 30, "c" * 64, other)

    status = describe(
        {"seq": 61, "ledger_time": "2026-11-30T09:00:00+00:00"},
        2,
        61,
        [forged, foreign],
        [],
        key.public_key(),
        SCHEDULE,
    )

    assert [c["signature_valid"] for c in status["checkpoints"]] == [False, False]


def test_the_latest_verification_comes_first_with_what_it_found():
    key = Ed25519PrivateKey.generate()
    tampered = Report(9, 1, (Finding(10, "changed", "its fields no longer match its hash"),))
    clean = Report(20, 1, ())
    rows = [
        _row(tampered, BY_CLI, "2026-11-30T10:00:00+00:00"),
        _row(clean, BY_SERVICE, "2026-11-30T09:00:00+00:00"),
    ]

    status = describe(
        {"seq": 20, "ledger_time": "2026-11-30T09:30:00+00:00"},
        1,
        20,
        [],
        rows,
        key.public_key(),
        SCHEDULE,
    )

    last = status["last_verification"]
    assert (last["clean"], last["verified_by"], last["entries"]) == (False, BY_CLI, 9)
    assert last["findings"] == [
        {"seq": 10, "kind": "changed", "detail": "its fields no longer match its hash"}
    ]
    assert status["verifications"][1]["clean"] is True
    AuditStatus.model_validate(status)


def test_an_empty_ledger_has_no_size_and_no_last_entry():
    key = Ed25519PrivateKey.generate()

    status = describe(None, 0, 0, [], [], key.public_key(), SCHEDULE)

    assert (status["entries"], status["last_entry_at"], status["unsigned_entries"]) == (0, None, 0)
    AuditStatus.model_validate(status)
