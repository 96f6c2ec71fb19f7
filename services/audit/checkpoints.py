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

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from services.audit.ledger import GENESIS, SORTED_V3, chain_hash
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


# The columns verification reads, in this order: format 3's fields sorted (so the first part of
# a row is its canonical entry as it is), then the chain. Rows come as tuples: no dict per row.
VERIFY_COLUMNS = (*SORTED_V3, "prev_hash", "entry_hash")
_N = len(SORTED_V3)
_SEQ = SORTED_V3.index("seq")
_FORMAT = SORTED_V3.index("entry_format")


def as_verify_row(row: Mapping[str, Any]) -> tuple:
    """A row given as a mapping (format 1 without the Logboek fields too), as verification reads
    it."""
    return (
        *(row.get(c, 1 if c == "entry_format" else "") for c in SORTED_V3),
        row["prev_hash"],
        row["entry_hash"],
    )


def check_signatures(
    checkpoints: Sequence[Mapping[str, Any]], public_key: Ed25519PublicKey
) -> tuple[list[Mapping[str, Any]], list[Finding]]:
    """The checkpoints whose signature holds, and a finding for each other one."""
    good: list[Mapping[str, Any]] = []
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
        else:
            good.append(checkpoint)
    return good, findings


def verify_chain(
    rows: Iterable[tuple],
    heads: Mapping[int, Mapping[str, Any]],
    start: int = 0,
    start_hash: str = GENESIS,
    end: int | None = None,
) -> tuple[int, Finding | None]:
    """Recompute the chain from entry `start + 1`, which must follow `start_hash`, up to entry
    `end` (or the last row): rows as tuples in `VERIFY_COLUMNS` order, in seq order. Returns the
    entries that verified and the first bad one (a finding), checking each checkpoint in `heads`
    (by size) passed on the way."""
    sha256, dumps, names = hashlib.sha256, orjson.dumps, SORTED_V3
    prev_hash, expected = start_hash, start + 1
    prev_bytes = prev_hash.encode()
    for row in rows:
        seq = row[_SEQ]
        if seq != expected or row[_N] != prev_hash:
            return expected - start - 1, _misfit(seq, expected)
        if row[_FORMAT] == 3:
            digest = sha256(prev_bytes + dumps(row[:_N])).hexdigest()
        else:
            digest = chain_hash(prev_hash, dict(zip(names, row, strict=False)))
        prev_hash = row[_N + 1]
        if digest != prev_hash:
            return expected - start - 1, Finding(
                seq, "changed", "its fields no longer match its hash"
            )
        prev_bytes = prev_hash.encode()
        signed = heads.get(seq)
        if signed and signed["head_hash"] != prev_hash:
            return seq - start, Finding(
                seq,
                "rewritten",
                f"the ledger up to here differs from checkpoint {signed['number']} "
                f"(signed {signed['signed_at']})",
            )
        if seq == end:
            return seq - start, None
        expected += 1
    return expected - start - 1, None


def verify(
    rows: Iterable[Mapping[str, Any]] | Iterable[tuple],
    checkpoints: Sequence[Mapping[str, Any]],
    public_key: Ed25519PublicKey,
) -> Report:
    """Recompute the chain and check it against every checkpoint. Stops the chain at the first
    bad entry (what follows cannot be trusted) and reports it; checks each checkpoint's
    signature and whether the ledger still holds what it signed. Rows are mappings, or tuples
    in `VERIFY_COLUMNS` order."""
    _, findings = check_signatures(checkpoints, public_key)
    heads = {c["size"]: c for c in checkpoints}
    tuples = (row if isinstance(row, tuple) else as_verify_row(row) for row in rows)
    checked, finding = verify_chain(tuples, heads)
    if finding:
        findings.append(finding)
    return _report(checked, checkpoints, findings)


def segments(
    checkpoints: Sequence[Mapping[str, Any]], workers: int
) -> list[tuple[int, str, int | None]]:
    """Split the chain into about `workers` segments (start, start hash, end) between signed
    checkpoints: each begins at a checkpoint's head hash; the last runs to the ledger's end."""
    by_size = sorted(checkpoints, key=lambda c: c["size"])
    if workers <= 1 or not by_size:
        return [(0, GENESIS, None)]
    total = by_size[-1]["size"]
    bounds: list[Mapping[str, Any]] = []
    for part in range(1, workers):
        target = total * part // workers
        below = [c for c in by_size if 0 < c["size"] <= target]
        if below and (not bounds or below[-1]["size"] > bounds[-1]["size"]):
            bounds.append(below[-1])
    starts = [(0, GENESIS)] + [(c["size"], c["head_hash"]) for c in bounds]
    ends: list[int | None] = [c["size"] for c in bounds] + [None]
    return [(start, head, end) for (start, head), end in zip(starts, ends, strict=True)]


def merge(
    parts: Sequence[tuple[int, int | None, int, Finding | None]],
    checkpoints: Sequence[Mapping[str, Any]],
    findings: list[Finding],
) -> Report:
    """The report of segments verified apart, (start, end, checked, finding) in chain order, as
    one pass over the whole chain would give it: up to the first bad entry."""
    checked = 0
    for index, (start, end, count, finding) in enumerate(parts):
        checked += count
        if finding:
            findings.append(finding)
            break
        if end is not None and count < end - start:
            # The segment ended early: a cut-off tail, unless later entries exist (deleted ones).
            later = [p for p in parts[index + 1 :] if p[2] or p[3]]
            if later:
                gap = start + count + 1
                findings.append(
                    Finding(gap, "missing", f"entries from {gap} deleted: the chain jumps")
                )
            break
    return _report(checked, checkpoints, findings)


def _report(
    checked: int, checkpoints: Sequence[Mapping[str, Any]], findings: list[Finding]
) -> Report:
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


def _misfit(seq: int, expected: int) -> Finding:
    if seq > expected:
        missing = f"entry {expected}" if seq == expected + 1 else f"entries {expected}-{seq - 1}"
        return Finding(expected, "missing", f"{missing} deleted: the chain jumps to {seq}")
    if seq < expected:
        return Finding(seq, "inserted", f"a second entry numbered {seq}")
    return Finding(
        seq,
        "out-of-place",
        "it does not follow the entry before it (inserted, moved or swapped)",
    )
