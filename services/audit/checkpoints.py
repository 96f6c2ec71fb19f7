"""Signed checkpoints of the ledger, and its verification.

A checkpoint is a statement, signed with Ed25519, of the ledger's size and head hash at a moment.
Exported and kept by an outside party, checkpoints let `verify` tell a rewritten ledger from the
real one, even when the rewrite recomputed every hash: someone with database rights can change
the table, but not the signatures others already hold.

`verify` recomputes the chain in sequence order and names the first bad entry, for each kind of
tampering: a changed field, a deleted, inserted or moved entry, a tail cut off below the last
checkpoint, a history that differs from a checkpoint, a checkpoint whose signature fails.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from services.audit.ledger import GENESIS, chain_hash
from services.common import settings

CHECKPOINT_DDL = [
    """CREATE TABLE IF NOT EXISTS audit.checkpoints (
        number bigint PRIMARY KEY,
        size bigint NOT NULL,
        head_hash text NOT NULL,
        signed_at text NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL
    )""",
    """CREATE OR REPLACE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON
        audit.checkpoints FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()""",
    """CREATE OR REPLACE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON audit.checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()""",
]


def signing_key() -> Ed25519PrivateKey:
    """The key from settings: 32 bytes, base64."""
    seed = base64.b64decode(settings.AUDIT_SIGNING_KEY.get())
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_text(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def public_key_from_text(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_key_text(key).encode()).hexdigest()[:16]


def statement(number: int, size: int, head_hash: str, signed_at: str) -> bytes:
    """What is signed: compact, sorted JSON, so anyone can rebuild it."""
    return json.dumps(
        {"number": number, "size": size, "head_hash": head_hash, "signed_at": signed_at},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def sign(number: int, size: int, head_hash: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    signed_at = datetime.now(UTC).isoformat()
    signature = key.sign(statement(number, size, head_hash, signed_at))
    return {
        "number": number,
        "size": size,
        "head_hash": head_hash,
        "signed_at": signed_at,
        "key_id": key_id(key.public_key()),
        "signature": base64.b64encode(signature).decode(),
    }


@dataclass(frozen=True)
class Finding:
    """The first bad entry (or checkpoint) and what is wrong with it."""

    seq: int | None
    kind: str  # changed, missing, inserted, out-of-place, truncated, rewritten, bad-signature
    detail: str

    def __str__(self) -> str:
        where = f"entry {self.seq}" if self.seq is not None else "ledger"
        return f"{where}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Report:
    checked: int
    checkpoints: int
    findings: tuple[Finding, ...]

    @property
    def clean(self) -> bool:
        return not self.findings


def verify(
    rows: Iterable[Mapping[str, Any]],
    checkpoints: Sequence[Mapping[str, Any]],
    public_key: Ed25519PublicKey,
) -> Report:
    """Recompute the chain and check it against every checkpoint. Stops the chain at the first
    bad entry (what follows cannot be trusted) and reports it; checks each checkpoint's
    signature and whether the ledger still holds what it signed."""
    findings: list[Finding] = []
    for checkpoint in checkpoints:
        try:
            public_key.verify(
                base64.b64decode(checkpoint["signature"]),
                statement(
                    checkpoint["number"],
                    checkpoint["size"],
                    checkpoint["head_hash"],
                    checkpoint["signed_at"],
                ),
            )
        except (InvalidSignature, ValueError):
            findings.append(
                Finding(
                    None,
                    "bad-signature",
                    f"checkpoint {checkpoint['number']} is not signed by this key",
                )
            )
    heads = {c["size"]: c for c in checkpoints}
    prev_hash, expected, checked = GENESIS, 1, 0
    for row in rows:
        finding = _check(row, expected, prev_hash)
        if finding:
            findings.append(finding)
            break
        prev_hash, expected, checked = row["entry_hash"], expected + 1, checked + 1
        signed = heads.get(checked)
        if signed and signed["head_hash"] != prev_hash:
            findings.append(
                Finding(
                    checked,
                    "rewritten",
                    f"the ledger up to here differs from checkpoint {signed['number']} "
                    f"(signed {signed['signed_at']})",
                )
            )
            break
    if not findings and checkpoints:
        last = max(checkpoints, key=lambda c: c["size"])
        if checked < last["size"]:
            findings.append(
                Finding(
                    checked + 1,
                    "truncated",
                    f"the ledger holds {checked} entries; checkpoint {last['number']} signed "
                    f"{last['size']}",
                )
            )
    return Report(checked, len(checkpoints), tuple(findings))


def _check(row: Mapping[str, Any], expected: int, prev_hash: str) -> Finding | None:
    seq = row["seq"]
    if seq > expected:
        missing = f"entry {expected}" if seq == expected + 1 else f"entries {expected}-{seq - 1}"
        return Finding(expected, "missing", f"{missing} deleted: the chain jumps to {seq}")
    if seq < expected:
        return Finding(seq, "inserted", f"a second entry numbered {seq}")
    if row["prev_hash"] != prev_hash:
        return Finding(
            seq,
            "out-of-place",
            "it does not follow the entry before it (inserted, moved or swapped)",
        )
    if chain_hash(prev_hash, row) != row["entry_hash"]:
        return Finding(seq, "changed", "its fields no longer match its hash")
    return None
