"""The ledger's hash chain, without a database: each kind of change breaks it where it is made."""

from __future__ import annotations

from services.audit.ledger import GENESIS, chain_hash, entry_from_event, verify_rows
from tests.ledger_fixtures import registration_event


def _event(position: int) -> dict:
    return registration_event(position, actor="u-1")


def _chain(n: int) -> list[dict]:
    rows, prev = [], GENESIS
    for seq in range(1, n + 1):
        entry = entry_from_event(seq, "intake", _event(seq))
        entry_hash = chain_hash(prev, entry)
        rows.append({**entry, "prev_hash": prev, "entry_hash": entry_hash})
        prev = entry_hash
    return rows


def test_an_untouched_chain_verifies():
    assert verify_rows(_chain(5)) == (5, None)


def test_a_changed_field_is_found_at_its_entry():
    rows = _chain(5)
    rows[2]["actor"] = "someone-else"
    assert verify_rows(rows) == (2, 3)


def test_a_deleted_entry_is_found_where_the_gap_is():
    rows = _chain(5)
    del rows[1]
    assert verify_rows(rows) == (1, 3)


def test_two_swapped_entries_are_found_at_the_first_of_them():
    rows = _chain(5)
    rows[1], rows[2] = rows[2], rows[1]
    assert verify_rows(rows) == (1, 3)


def test_an_entry_rehashed_after_a_change_still_breaks_the_next_link():
    rows = _chain(5)
    rows[2]["actor"] = "someone-else"
    rows[2]["entry_hash"] = chain_hash(rows[2]["prev_hash"], rows[2])
    assert verify_rows(rows) == (3, 4)


def test_checkpoints_signed_with_the_key_verify_and_a_cut_tail_is_named():
    from services.audit.checkpoints import sign, signing_key, verify

    rows = _chain(6)
    key = signing_key()
    checkpoints = [sign(1, 3, rows[2]["entry_hash"], key), sign(2, 6, rows[5]["entry_hash"], key)]
    assert verify(rows, checkpoints, key.public_key()).clean

    report = verify(rows[:4], checkpoints, key.public_key())
    assert [(f.seq, f.kind) for f in report.findings] == [(5, "truncated")]


def test_a_checkpoint_from_another_key_is_refused():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from services.audit.checkpoints import sign, signing_key, verify

    rows = _chain(3)
    forged = sign(1, 3, rows[2]["entry_hash"], Ed25519PrivateKey.generate())
    report = verify(rows, [forged], signing_key().public_key())
    assert [f.kind for f in report.findings] == ["bad-signature"]


def _v2_chain(rows: list[dict], n: int, entry_format: int = 3) -> list[dict]:
    """`rows` continued with `n` entries with the Logboek fields, in `entry_format` (2 or 3)."""
    from services.audit.describe import EntryDescriber

    describe = EntryDescriber()
    prev = rows[-1]["entry_hash"] if rows else GENESIS
    for seq in range(len(rows) + 1, len(rows) + n + 1):
        event = {**_event(seq), "traceparent": f"00-{'ab' * 16}-{'cd' * 8}-01", "source": "urn:x"}
        entry = {**entry_from_event(seq, "intake", event, describe), "entry_format": entry_format}
        entry_hash = chain_hash(prev, entry)
        rows.append({**entry, "prev_hash": prev, "entry_hash": entry_hash})
        prev = entry_hash
    return rows


def test_a_chain_begun_in_format_1_and_continued_in_formats_2_and_3_verifies():
    from services.audit.checkpoints import sign, signing_key, verify

    rows = _v2_chain(_v2_chain(_chain(3), 3, entry_format=2), 3)
    assert [r.get("entry_format", 1) for r in rows] == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert verify_rows(rows) == (9, None)
    key = signing_key()
    assert verify(rows, [sign(1, 9, rows[8]["entry_hash"], key)], key.public_key()).clean
    rows[4]["processing_activity"] = "urn:wegwijs:verwerking:iets-anders"
    assert verify_rows(rows) == (4, 5), "the Logboek fields are covered by the hash"
    rows = _v2_chain(_chain(3), 3)
    rows[4]["retention"] = "P1Y"
    assert verify_rows(rows) == (4, 5), "format 3 covers them too"
    report = verify(rows, [], key.public_key())
    assert [(f.seq, f.kind) for f in report.findings] == [(5, "changed")]


def test_format_3_hashes_the_values_in_sorted_field_order_as_compact_utf8_json():
    import hashlib
    import json

    from services.audit.ledger import SORTED_V3, canonical

    rows = _v2_chain([], 1)
    rows[0]["actor"] = "zoë"
    entry = {k: v for k, v in rows[0].items() if k not in ("prev_hash", "entry_hash")}
    assert sorted(entry) == list(SORTED_V3)
    values = [entry[k] for k in sorted(entry)]
    plain = json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()
    assert canonical(entry) == plain
    assert chain_hash(GENESIS, entry) == hashlib.sha256(GENESIS.encode() + plain).hexdigest()


def _segmented(rows: list[dict], checkpoints: list[dict], workers: int):
    """What `Ledger.verify_all(workers=...)` does, with each segment's query done in memory."""
    from services.audit.checkpoints import as_verify_row, merge, segments, verify_chain

    heads = {c["size"]: c for c in checkpoints}
    parts = []
    for start, head, end in segments(checkpoints, workers):
        selected = sorted(
            (r for r in rows if r["seq"] > start and (end is None or r["seq"] <= end)),
            key=lambda r: r["seq"],
        )
        checked, finding = verify_chain(map(as_verify_row, selected), heads, start, head, end)
        parts.append((start, end, checked, finding))
    return merge(parts, checkpoints, [])


def test_segments_between_checkpoints_verified_apart_report_what_one_pass_reports():
    from services.audit.checkpoints import segments, sign, signing_key, verify

    key = signing_key()

    def checkpoints_of(rows):
        return [sign(n, s, rows[s - 1]["entry_hash"], key) for n, s in enumerate((4, 8, 12), 1)]

    assert [s[0] for s in segments(checkpoints_of(_v2_chain([], 12)), 3)] == [0, 4, 8]

    def changed(rows):
        rows[9]["actor"] = "iemand-anders"

    def deleted_in_a_segment(rows):
        del rows[5]

    def deleted_at_a_boundary(rows):
        del rows[7]

    def tail_cut(rows):
        del rows[6:]

    def rewritten(rows):
        rows[2]["actor"] = "iemand-anders"
        prev = rows[1]["entry_hash"]
        for row in rows[2:]:
            row["prev_hash"], row["entry_hash"] = prev, chain_hash(prev, row)
            prev = row["entry_hash"]

    for tamper in (None, changed, deleted_in_a_segment, deleted_at_a_boundary, tail_cut, rewritten):
        rows = _v2_chain([], 14)
        checkpoints = checkpoints_of(rows)
        if tamper:
            tamper(rows)
        one = verify(sorted(rows, key=lambda r: r["seq"]), checkpoints, key.public_key())
        for workers in (2, 3, 4):
            apart = _segmented(rows, checkpoints, workers)
            name = tamper.__name__ if tamper else "untouched"
            assert apart.checked == one.checked, (name, workers)
            assert [(f.seq, f.kind) for f in apart.findings] == [
                (f.seq, f.kind) for f in one.findings
            ], (name, workers)
        assert one.clean == (tamper is None)


def test_an_entry_says_why_what_for_whom_and_how_long_as_the_logboek_asks():
    from services.audit.describe import EntryDescriber

    describe = EntryDescriber()
    registered = {
        **_event(1),
        "traceparent": f"00-{'ab' * 16}-{'cd' * 8}-01",
        "source": "urn:nld:oin:00000009999999999000:systeem:wegwijs-intake",
        "data": {},
    }
    described = describe(registered)
    assert described == {
        "trace_id": "ab" * 16,
        "span_id": "cd" * 8,
        "processing_activity": "urn:wegwijs:verwerking:registratie",
        "subject_type": "dossier",
        "system": "urn:nld:oin:00000009999999999000:systeem:wegwijs-intake",
        "receiving_party": "",
        "result": "vastgelegd",
        "confidentiality": "persoonsgegevens",
        "retention": "P5Y",
    }
    decided = {
        **registered,
        "type": "nl.wegwijs.consent.deelbesluit.genomen.v1",
        "data": {
            "recipient": "00000003000000000001",
            "decisions": [
                {"category": "gezondheid", "permit": True},
                {"category": "pip", "permit": False},
            ],
        },
    }
    described = describe(decided)
    assert described["receiving_party"] == "00000003000000000001"
    assert described["result"] == "deels-toegestaan"
    assert described["confidentiality"] == "bijzonder"
    assert described["processing_activity"] == "urn:wegwijs:verwerking:delen-met-partner"
