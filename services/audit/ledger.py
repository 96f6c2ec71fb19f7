"""The audit ledger: every stored event of every service, hash-chained and append-only.

`entry_hash = sha256(prev_hash || canonical entry)`, where the canonical entry is the entry's
fields (its sequence number included) as compact JSON: in formats 1 and 2 an object with sorted
keys, ASCII-escaped by the standard library; in format 3 (what is written now) an array of the
values in the order of the sorted field names, UTF-8 by orjson, which a verifier makes straight
from a fetched row (several times cheaper). PostgreSQL refuses UPDATE, DELETE and TRUNCATE on the
table and its partitions (by `seq` range). The ledger is also the audit consumer's tracking
record: an origin's position is the highest in `audit.ledger_origin_position`, written in the
same transaction.
"""

from __future__ import annotations

import functools
import hashlib
import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import psycopg
from psycopg import sql

from services.common.db import Database, lock_key
from services.common.group_commit import GroupCommit
from services.common.tracking import PositionMoved
from services.contracts.audit import LEDGER_FIELDS, LOGBOEK_FIELDS

GENESIS = "0" * 64

# The fields of an entry (format 1, and format 2 with the Logboek's): a published contract.
FIELDS = LEDGER_FIELDS
FIELDS_V2 = (*FIELDS, "entry_format", *LOGBOEK_FIELDS)
ALL_FIELDS = FIELDS_V2
# Format 3 covers the fields of format 2: their values in the order of their sorted names.
FIELDS_V3 = FIELDS_V2
SORTED_V3 = tuple(sorted(FIELDS_V3))
# The format the ledger writes (with the Logboek fields); older formats keep verifying.
ENTRY_FORMAT = 3

# A batch of up to this many events is written with INSERTs of arrays in a pipelined
# transaction (sent together), a larger one with COPY.
SMALL_BATCH = 50

# The columns of `audit.ledger` that are not text.
_TYPES = {"seq": "bigint", "origin_position": "bigint", "entry_format": "smallint"}

# Entries per partition of `audit.ledger` (by `seq` range): 100,000,000 entries are ten.
PARTITION_ENTRIES = 10_000_000
# The audit process makes the next partitions (through audit.ledger_partitions_ahead) when fewer
# than this many numbers are left in the ones there are.
PARTITION_HEADROOM = 100_000

_COLUMNS = """
        seq bigint NOT NULL,
        origin text NOT NULL,
        origin_position bigint NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        dossier_id text NOT NULL,
        gemeente text NOT NULL,
        actor text NOT NULL,
        actor_roles text NOT NULL,
        organisation text NOT NULL,
        activity text NOT NULL,
        legal_basis text NOT NULL,
        correlation_id text NOT NULL,
        event_time text NOT NULL,
        ledger_time text NOT NULL,
        payload_hash text NOT NULL,
        prev_hash text NOT NULL,
        entry_hash text NOT NULL"""

DDL = [
    "CREATE SCHEMA IF NOT EXISTS audit",
    f"""CREATE TABLE IF NOT EXISTS audit.ledger ({_COLUMNS},
        PRIMARY KEY (seq)
    ) PARTITION BY RANGE (seq)""",
    "ALTER TABLE audit.ledger ADD COLUMN IF NOT EXISTS entry_format smallint NOT NULL DEFAULT 1",
    *(
        f"ALTER TABLE audit.ledger ADD COLUMN IF NOT EXISTS {name} text NOT NULL DEFAULT ''"
        for name in LOGBOEK_FIELDS
    ),
    # A partitioned table's unique keys must hold its partition key: an origin's position is kept
    # unique here, written in the same transaction as the entry, so a redelivery appends nothing.
    """CREATE TABLE IF NOT EXISTS audit.ledger_origin_position (
        origin text NOT NULL,
        origin_position bigint NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (origin, origin_position)
    )""",
    "CREATE INDEX IF NOT EXISTS ledger_dossier ON audit.ledger (dossier_id, seq)",
    "CREATE INDEX IF NOT EXISTS ledger_correlation ON audit.ledger (correlation_id, seq)",
    """CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit ledger is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$""",
    # Row triggers on the partitioned table are cloned onto every partition, now and later.
    """CREATE OR REPLACE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON audit.ledger
        FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()""",
    """CREATE OR REPLACE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON audit.ledger
        FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()""",
    """CREATE OR REPLACE TRIGGER ledger_origin_position_append_only BEFORE UPDATE OR DELETE
        ON audit.ledger_origin_position FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()""",
    """CREATE OR REPLACE TRIGGER ledger_origin_position_no_truncate BEFORE TRUNCATE
        ON audit.ledger_origin_position FOR EACH STATEMENT
        EXECUTE FUNCTION audit.refuse_change()""",
]


def partition_ddl(entries: int = PARTITION_ENTRIES) -> list[str]:
    """`audit.ledger_partitions_ahead(needed)`: the administrator's function (SECURITY DEFINER)
    that makes partitions of `entries` numbers each until the last ends beyond both the ledger's
    head and `needed` by a whole partition; returns where the last ends. Each partition refuses
    TRUNCATE as the parent does (UPDATE and DELETE: the parent's row trigger, cloned)."""
    return [
        rf"""CREATE OR REPLACE FUNCTION audit.ledger_partitions_ahead(needed bigint DEFAULT 0)
        RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $$
        DECLARE
            size constant bigint := {int(entries)};
            head bigint;
            upper bigint;
            name text;
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtext('audit.ledger_partitions'));
            SELECT coalesce(max(seq), 0) INTO head FROM audit.ledger;
            SELECT coalesce(max(substring(pg_get_expr(c.relpartbound, c.oid)
                       FROM 'TO \(''?([0-9]+)''?\)')::bigint), 1)
                INTO upper
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'audit.ledger'::regclass;
            WHILE upper <= greatest(head, needed) + size LOOP
                name := format('ledger_p%s', lpad(upper::text, 12, '0'));
                EXECUTE format('CREATE TABLE audit.%I PARTITION OF audit.ledger'
                               ' FOR VALUES FROM (%s) TO (%s)', name, upper, upper + size);
                EXECUTE format('CREATE TRIGGER ledger_partition_no_truncate BEFORE TRUNCATE'
                               ' ON audit.%I FOR EACH STATEMENT'
                               ' EXECUTE FUNCTION audit.refuse_change()', name);
                upper := upper + size;
            END LOOP;
            RETURN upper;
        END $$""",
        "REVOKE ALL ON FUNCTION audit.ledger_partitions_ahead(bigint) FROM PUBLIC",
        "SELECT audit.ledger_partitions_ahead()",
    ]


# What keeps an administrator from taking entries away with DDL: no partition of the ledger
# (a table with the trigger `ledger_partition_no_truncate`) may be detached, and neither the
# ledger, its origin positions, a partition nor its TRUNCATE trigger may be dropped. Event
# triggers need a superuser; without one, signed checkpoints still catch what went missing.
EVENT_DDL = [
    r"""CREATE OR REPLACE FUNCTION audit.refuse_ledger_ddl() RETURNS event_trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_EVENT = 'sql_drop' THEN
            IF EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() d
                WHERE (d.object_type = 'table' AND d.object_identity IN
                        ('audit.ledger', 'audit.ledger_origin_position'))
                   OR (d.object_type = 'trigger' AND (
                        d.object_identity LIKE 'ledger\_partition\_no\_truncate on %'
                        OR d.object_identity LIKE 'ledger\_no\_truncate on audit.ledger'
                        OR d.object_identity LIKE 'ledger\_append\_only on %'))) THEN
                RAISE EXCEPTION 'the audit ledger is append-only: % refused', TG_TAG
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
        ELSIF EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE t.tgname = 'ledger_partition_no_truncate' AND NOT c.relispartition) THEN
            RAISE EXCEPTION 'the audit ledger is append-only: % of a partition refused', TG_TAG
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END $$""",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'ledger_no_drop') THEN
            CREATE EVENT TRIGGER ledger_no_drop ON sql_drop
                EXECUTE FUNCTION audit.refuse_ledger_ddl();
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'ledger_no_detach') THEN
            CREATE EVENT TRIGGER ledger_no_detach ON ddl_command_end
                WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION audit.refuse_ledger_ddl();
        END IF;
    END $$""",
]


def migrate_unpartitioned(cur: psycopg.Cursor) -> int | None:
    """An `audit.ledger` from before partitioning, renamed aside with its indexes, so the
    partitioned ledger can be made and take every entry over; returns how many it holds."""
    row = cur.execute(
        "SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass('audit.ledger')"
    ).fetchone()
    if row is None or row["relkind"] != "r":
        return None
    cur.execute("ALTER TABLE audit.ledger RENAME TO ledger_unpartitioned")
    cur.execute(
        "SELECT indexrelid::regclass::text AS name, c.relname FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE i.indrelid = 'audit.ledger_unpartitioned'::regclass"
    )
    for index in cur.fetchall():
        cur.execute(
            sql.SQL("ALTER INDEX {} RENAME TO {}").format(
                sql.Identifier("audit", index["relname"]),
                sql.Identifier(f"unpartitioned_{index['relname']}"[:63]),
            )
        )
    return cur.execute("SELECT count(*) AS n FROM audit.ledger_unpartitioned").fetchone()["n"]


def take_over_unpartitioned(cur: psycopg.Cursor) -> None:
    """Every entry of the old ledger into the partitioned one, as it was; then the old away."""
    columns = ", ".join((*FIELDS_V2, "prev_hash", "entry_hash"))
    head = cur.execute("SELECT max(seq) AS head FROM audit.ledger_unpartitioned").fetchone()
    cur.execute("SELECT audit.ledger_partitions_ahead(%s)", (head["head"] or 0,))
    cur.execute(
        f"INSERT INTO audit.ledger ({columns})"
        f" SELECT {columns} FROM audit.ledger_unpartitioned ORDER BY seq"
    )
    cur.execute(
        "INSERT INTO audit.ledger_origin_position (origin, origin_position, seq)"
        " SELECT origin, origin_position, seq FROM audit.ledger_unpartitioned"
    )
    cur.execute("DROP TABLE audit.ledger_unpartitioned")


def canonical(entry: Mapping[str, Any]) -> bytes:
    """The fields the entry's format covers: in formats 1 and 2 an object with sorted keys, in
    format 3 an array of the values in the order of the sorted field names (`SORTED_V3`); each
    compact JSON."""
    entry_format = entry.get("entry_format", 1)
    if entry_format == 3:
        return orjson.dumps([entry[k] for k in SORTED_V3])
    fields = FIELDS_V2 if entry_format == 2 else FIELDS
    return json.dumps({k: entry[k] for k in fields}, sort_keys=True, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(entry)).hexdigest()


def entry_from_event(
    seq: int,
    origin: str,
    event: Mapping[str, Any],
    describe: Callable[[Mapping[str, Any]], dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The entry for `event`: format 3 with the Logboek fields when `describe` gives them."""
    entry = {
        "seq": seq,
        "origin": origin,
        "origin_position": int(event["sequence"]),
        "event_id": event["id"],
        "event_type": event["type"],
        "dossier_id": event.get("subject", ""),
        "gemeente": event.get("gemeente", ""),
        "actor": event["actor"],
        "actor_roles": event.get("actorroles", ""),
        "organisation": event.get("organisation", ""),
        "activity": event["activity"],
        "legal_basis": event.get("legalbasis", ""),
        "correlation_id": event["correlationid"],
        "event_time": event["time"],
        "ledger_time": datetime.now(UTC).isoformat(),
        "payload_hash": event["payloadhash"],
    }
    if describe is None:
        return entry
    return {**entry, "entry_format": ENTRY_FORMAT, **describe(event)}


# How far the ledger holds an origin's events.
POSITION = (
    "SELECT coalesce(max(origin_position), 0) AS position"
    " FROM audit.ledger_origin_position WHERE origin = %s"
)


# Each origin's position, for several origins in one statement.
POSITIONS = (
    "SELECT o.origin, (SELECT coalesce(max(p.origin_position), 0)"
    " FROM audit.ledger_origin_position p WHERE p.origin = o.origin) AS position"
    " FROM unnest(%s::text[]) AS o(origin)"
)


@dataclass
class _Append:
    """One consumer's request to append events of its origin (see `Ledger.apply`)."""

    origin: str
    events: Sequence[Mapping[str, Any]]
    after: int | None


@dataclass
class _Pending:
    """Entries made in an append's transaction and not yet written."""

    columns: tuple[str, ...]
    small: bool
    rows: list[dict[str, Any]] = field(default_factory=list)
    firsts: list[tuple[str, int, int]] = field(default_factory=list)
    last_seq: int | None = None


class DossierNotInLedgerYet(RuntimeError):
    """A read of a dossier whose registration has not reached the ledger yet: the batch is tried
    again (the consumer's catch-up), so the read is filed under the right gemeente."""


class Ledger:
    """Appends entries in one chain; also the audit consumer's sink. With a `checkpoint_key`,
    it signs a checkpoint as soon as `checkpoint_every` entries were appended since the last."""

    # Events the consumer's catch-up pulls a time (an origin's `notifications` gives 1,000 at
    # most): one transaction each.
    pull_batch = 1000
    # After a restart, each origin's backlog is pulled in those batches (written with COPY)
    # before its first delivery is taken, rather than entry by entry from the queue.
    bulk_first = True
    # A read of a dossier whose registration is still on its way (intake's backlog is pulled
    # at the same time): the bulk catch-up tries again a moment later.
    retry_later = (DossierNotInLedgerYet,)

    def __init__(
        self,
        db: Database,
        describe: Callable[[Mapping[str, Any]], dict[str, str]] | None = None,
        checkpoint_key: Any = None,
        checkpoint_every: int = 0,
    ):
        self.db = db
        self.describe = describe
        self.checkpoint_key = checkpoint_key
        self.checkpoint_every = checkpoint_every
        self._signed_size: int | None = None
        self._partitions_end: int | None = None
        # Appends of several origins at the same moment go in one transaction (see `apply`).
        self._appends = GroupCommit(self._append_together, outcomes=True)

    def create_tables(self, partition_entries: int | None = None) -> list[str]:
        """As the administrator: the partitioned ledger (an unpartitioned one taken over, every
        entry kept), its partitions ahead, checkpoints, verifications and what protects them.
        Returns what it did, for the operator."""
        from services.audit.checkpoints import CHECKPOINT_DDL
        from services.audit.timeline import index_ddl
        from services.audit.verifications import VERIFICATION_DDL

        done = []
        with self.db.transaction() as cur:
            old = migrate_unpartitioned(cur)
            entries = partition_entries or PARTITION_ENTRIES
            for statement in (*DDL, *partition_ddl(entries), *index_ddl(), *owner_index_ddl()):
                cur.execute(statement)
            if old is not None:
                take_over_unpartitioned(cur)
                done.append(f"audit: {old} entries taken over into the partitioned ledger")
            for statement in (*CHECKPOINT_DDL, *VERIFICATION_DDL):
                cur.execute(statement)
            superuser = cur.execute(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
            ).fetchone()["rolsuper"]
            if superuser:
                for statement in EVENT_DDL:
                    cur.execute(statement)
            else:
                done.append("audit: no superuser, so no event triggers against DETACH and DROP")
        return done

    def position(self, origin: str, conn: psycopg.Connection | None = None) -> int:
        if conn is not None:
            return conn.execute(POSITION, (origin,)).fetchone()["position"]
        with self.db.transaction() as cur:
            return cur.execute(POSITION, (origin,)).fetchone()["position"]

    def apply(
        self, origin: str, events: Sequence[Mapping[str, Any]], after: int | None = None
    ) -> None:
        """Append entries for `events` of `origin`; returns once they are committed. Appends
        are serialised on a transaction lock, so the head read under it is the head the entries
        chain to, and the origin's position read with it is the position they follow on: with
        `after`, a position other than `after` raises `PositionMoved` and appends nothing
        (another instance came first). A duplicate (origin, position) violates the key of
        `audit.ledger_origin_position` and appends nothing. An event about a dossier not in the
        ledger yet stops the batch there: what came before it is written, then
        `DossierNotInLedgerYet` is raised (catch-up goes on from the position).

        Appends of other origins that wait at the same moment (their consumers run side by
        side, and would each wait for the lock) go in the same transaction, each in turn as if
        alone, each with its own outcome (group commit): one lock, one read of the head and one
        commit for all of them. A transaction that fails fails every one of them."""
        self._appends.write([_Append(origin, events, after)])

    def _append_together(self, batch: Sequence[_Append]) -> list[Exception | None]:
        """Append `batch` in one transaction; per request what it raises (None: appended)."""
        outcomes, written = self._append_all(batch)
        if written is not None:
            if self._partitions_end - written < PARTITION_HEADROOM:
                with self.db.transaction() as cur:
                    self._make_partitions(cur, written + 1)
            self._checkpoint_when_due(written)
        return outcomes

    def _append_all(self, batch: Sequence[_Append]) -> tuple[list[Exception | None], int | None]:
        """One transaction for `batch`: per request what it raises (None: appended), and the
        seq of the last entry written (None: none). The gemeenten of a request's dossiers are
        read in one query, after the entries of the requests before it are written; entries
        go in as INSERTs of arrays (a small batch) or with COPY. Partitions are made ahead when
        the last one nears its end."""
        columns = (*FIELDS, "prev_hash", "entry_hash")
        if self.describe is not None:
            columns = (*FIELDS_V2, "prev_hash", "entry_hash")
        small = sum(len(request.events) for request in batch) <= SMALL_BATCH
        checked = sorted({request.origin for request in batch if request.after is not None})
        outcomes: list[Exception | None] = []
        pending = _Pending(columns, small)
        with self.db.transaction(pipelined=small) as cur:
            with cur.connection.pipeline():
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("audit.ledger"),))
                if checked:
                    moved = cur.connection.cursor()
                    moved.execute(POSITIONS, (checked,))
                cur.execute("SELECT seq, entry_hash FROM audit.ledger ORDER BY seq DESC LIMIT 1")
            positions: dict[str, int] = {}
            if checked:
                positions = {row["origin"]: row["position"] for row in moved.fetchall()}
                moved.close()
            head = cur.fetchone()
            seq, prev_hash = (head["seq"] + 1, head["entry_hash"]) if head else (1, GENESIS)
            for request in batch:
                origin = request.origin
                if request.after is not None and positions[origin] != request.after:
                    outcomes.append(
                        PositionMoved(
                            f"{origin}: the ledger's position is {positions[origin]},"
                            f" not {request.after}"
                        )
                    )
                    continue
                entered = [_entered_as(event) for event in request.events]
                unknown = {
                    e["subject"]
                    for parts in entered
                    for e in parts
                    if e.get("subject") and not e.get("gemeente")
                }
                if unknown:
                    self._flush(cur, pending)  # so that the read sees them
                gemeenten = _gemeenten_of_dossiers(cur, unknown)
                not_yet: DossierNotInLedgerYet | None = None
                for parts in entered:
                    try:
                        parts = [
                            _with_gemeente_of_dossier(gemeenten, e)
                            if e.get("subject") and not e.get("gemeente")
                            else e
                            for e in parts
                        ]
                    except DossierNotInLedgerYet as exc:
                        # What comes before it is written; it (all its entries) and what
                        # follows wait.
                        not_yet = exc
                        break
                    first = None
                    for part in parts:
                        entry = entry_from_event(seq, origin, part, self.describe)
                        entry_hash = chain_hash(prev_hash, entry)
                        entry["prev_hash"], entry["entry_hash"] = prev_hash, entry_hash
                        pending.rows.append(entry)
                        first = first or entry
                        seq, prev_hash = seq + 1, entry_hash
                    pending.firsts.append((origin, first["origin_position"], first["seq"]))
                    positions[origin] = first["origin_position"]
                outcomes.append(not_yet)
            self._flush(cur, pending)
        return outcomes, pending.last_seq

    def _flush(self, cur: psycopg.Cursor, pending: _Pending) -> None:
        """Write the entries made so far in this transaction (partitions first, when needed)."""
        if not pending.rows:
            return
        last = pending.rows[-1]["seq"]
        if self._partitions_end is None or last + 1 > self._partitions_end:
            self._make_partitions(cur, last + 1)
        _write(cur, pending.columns, pending.rows, pending.firsts, pending.small)
        pending.last_seq = last
        pending.rows, pending.firsts = [], []

    def _make_partitions(self, cur: psycopg.Cursor, needed: int) -> None:
        """Partitions up to beyond `needed` (the administrator's function does it)."""
        row = cur.execute("SELECT audit.ledger_partitions_ahead(%s) AS upper", (needed,))
        self._partitions_end = row.fetchone()["upper"]

    def _checkpoint_when_due(self, head: int) -> None:
        """Bound the unsigned tail in entries: sign when it reached `checkpoint_every`."""
        if self.checkpoint_key is None or self.checkpoint_every <= 0:
            return
        if self._signed_size is None:
            with self.db.transaction() as cur:
                row = cur.execute("SELECT coalesce(max(size), 0) AS size FROM audit.checkpoints")
                self._signed_size = row.fetchone()["size"]
        if head - self._signed_size >= self.checkpoint_every:
            signed = self.checkpoint(self.checkpoint_key)
            self._signed_size = signed["size"] if signed else head

    def entries_for_dossier(self, dossier_id: str, gemeenten: tuple[str, ...]) -> list[dict]:
        with self.db.transaction() as cur:
            cur.execute(
                "SELECT * FROM audit.ledger WHERE dossier_id = %s AND gemeente = ANY(%s)"
                " ORDER BY seq",
                (dossier_id, list(gemeenten)),
            )
            return [dict(row) for row in cur.fetchall()]

    def verify(self) -> tuple[int, int | None]:
        """Recompute the stored chain (see `verify_rows`)."""
        with self.db.transaction() as cur:
            cur.execute("SELECT * FROM audit.ledger ORDER BY seq")
            return verify_rows(cur)

    def checkpoint(self, key: Any) -> dict[str, Any] | None:
        """Sign the ledger's size and head hash, unless the last checkpoint already did."""
        from services.audit.checkpoints import sign

        with self.db.transaction() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("audit.ledger"),))
            head = cur.execute(
                "SELECT seq, entry_hash FROM audit.ledger ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            last = cur.execute(
                "SELECT number, size FROM audit.checkpoints ORDER BY number DESC LIMIT 1"
            ).fetchone()
            if head is None or (last and last["size"] == head["seq"]):
                return None
            signed = sign((last["number"] + 1) if last else 1, head["seq"], head["entry_hash"], key)
            cur.execute(
                "INSERT INTO audit.checkpoints (number, size, head_hash, signed_at, key_id,"
                " signature) VALUES (%(number)s, %(size)s, %(head_hash)s, %(signed_at)s,"
                " %(key_id)s, %(signature)s)",
                signed,
            )
            return signed

    def checkpoints(self) -> list[dict[str, Any]]:
        with self.db.transaction() as cur:
            cur.execute("SELECT * FROM audit.checkpoints ORDER BY number")
            return [dict(row) for row in cur.fetchall()]

    def verify_all(
        self, checkpoints: Sequence[Mapping[str, Any]], public_key: Any, workers: int = 1
    ) -> Any:
        """Recompute the chain, streaming it, against `checkpoints` (see checkpoints.verify).
        With `workers` > 1, segments between signed checkpoints are verified in parallel, one
        process each, each from its checkpoint's head hash (see checkpoints.segments)."""
        from services.audit import checkpoints as chk

        good, findings = chk.check_signatures(checkpoints, public_key)
        heads = {c["size"]: c for c in checkpoints}
        parts = chk.segments(good, workers)
        if len(parts) == 1:
            checked, finding = verify_segment(self.db.conninfo, heads, 0, GENESIS, None)
            results = [(0, None, checked, finding)]
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(len(parts), mp_context=context) as pool:
                futures = [
                    pool.submit(verify_segment, self.db.conninfo, heads, start, head, end)
                    for start, head, end in parts
                ]
                results = [
                    (start, end, *future.result())
                    for (start, _, end), future in zip(parts, futures, strict=True)
                ]
        return chk.merge(results, checkpoints, findings)


def verify_segment(
    conninfo: str,
    heads: Mapping[int, Mapping[str, Any]],
    start: int,
    start_hash: str,
    end: int | None,
) -> tuple[int, Any]:
    """Verify entries `start + 1` to `end` (or the last) on a connection of its own, streaming
    them with a server-side cursor as tuples (see checkpoints.verify_chain)."""
    from psycopg.rows import tuple_row

    from services.audit.checkpoints import VERIFY_COLUMNS, verify_chain

    bounded = "" if end is None else " AND seq <= %(end)s"
    with (
        psycopg.connect(conninfo, row_factory=tuple_row) as conn,
        conn.cursor(name="ledger_verify", binary=True) as rows,
    ):
        rows.execute(
            f"SELECT {', '.join(VERIFY_COLUMNS)} FROM audit.ledger"
            f" WHERE seq > %(start)s{bounded} ORDER BY seq",
            {"start": start, "end": end},
        )
        with _prefetching(rows, 20_000) as prefetched:
            return verify_chain(prefetched, heads, start, start_hash, end)


@contextmanager
def _prefetching(rows: psycopg.Cursor, size: int) -> Iterator[Iterator[tuple]]:
    """The cursor's rows, the next `size` fetched by a thread while the caller works on these
    (the database's part of streaming then overlaps hashing)."""
    batches: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def fetch() -> None:
        try:
            while not stop.is_set():
                batch = rows.fetchmany(size)
                while not stop.is_set():
                    try:
                        batches.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if not batch:
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            batches.put(exc)

    def taken() -> Iterator[tuple]:
        while True:
            batch = batches.get()
            if isinstance(batch, BaseException):
                raise batch
            if not batch:
                return
            yield from batch

    fetcher = threading.Thread(target=fetch, name="ledger-verify-fetch", daemon=True)
    fetcher.start()
    try:
        yield taken()
    finally:
        stop.set()
        fetcher.join()


# Gateway events about a dossier that can only exist after intake registered it: a read that was
# answered, a command that was carried out.
_READS = ("nl.wegwijs.gateway.gegevens.ingezien.v1", "nl.wegwijs.gateway.inzagelog.geopend.v1")
_COMMAND = "nl.wegwijs.gateway.opdracht.behandeld.v1"
# The events that give a dossier its gemeente: its registration, and each accepted move.
_OWNERS = ("nl.wegwijs.intake.dossier.geregistreerd.v1", "nl.wegwijs.intake.dossier.verhuisd.v1")
# The same, written into the statements that read them, so the planner sees they are what
# `ledger_dossier_owner` holds (a bound parameter would leave it the whole dossier's entries).
OWNER_TYPES = sql.SQL(", ").join(map(sql.Literal, _OWNERS))


def owner_index_ddl() -> list[sql.Composable]:
    """A dossier's registration and accepted moves, which say its gemeente, by a partial index
    of their own: found among however many entries years of reads gave the dossier."""
    return [
        sql.SQL(
            "CREATE INDEX IF NOT EXISTS ledger_dossier_owner ON audit.ledger (dossier_id, seq)"
            " WHERE event_type IN ({})"
        ).format(OWNER_TYPES)
    ]


# A list read: one event for the several dossiers a list showed (services/gateway/access_log.py).
_LIST_READ = "nl.wegwijs.gateway.lijst.ingezien.v1"


def _entered_as(event: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """What an origin's event is entered in the ledger as: itself; a list read as a read of each
    dossier it showed, in the order shown, each with the list's id, position and payload hash,
    so that who saw a dossier, and the person's own inzage, find it as any other read. The
    entries of one event are appended together or not at all."""
    if event["type"] != _LIST_READ:
        return [event]
    data = event.get("data") or {}
    reads = [
        {
            **event,
            "type": _READS[0],
            "subject": shown["dossier_id"],
            "data": {
                "dossier_id": shown["dossier_id"],
                "endpoint": data.get("endpoint", ""),
                "categories": shown.get("categories", []),
            },
        }
        for shown in data.get("dossiers", [])
    ]
    return reads or [event]


def _dossier_exists(event: Mapping[str, Any]) -> bool:
    if event["type"] == _COMMAND:
        return (event.get("data") or {}).get("result") == "uitgevoerd"
    return event["type"] in _READS


@functools.cache
def _insert_arrays(columns: tuple[str, ...]) -> str:
    """The INSERT of one array per column, rendered once: composing it anew for every append
    cost more CPU than the rest of the write (56 parts, each identifier escaped)."""
    return (
        sql.SQL("INSERT INTO audit.ledger ({}) SELECT * FROM unnest({})")
        .format(
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(", ").join(
                sql.SQL("{}::{}[]").format(sql.Placeholder(), sql.SQL(_TYPES.get(c, "text")))
                for c in columns
            ),
        )
        .as_string()
    )


def _write(
    cur: psycopg.Cursor,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    firsts: Sequence[tuple[str, int, int]],
    pipelined: bool,
) -> None:
    """Write the entries and each event's first (origin, position, seq): in a pipelined
    transaction as two INSERTs of arrays sent together (one round trip, however many entries a
    list read fans out to), else with COPY (a backlog's thousands)."""
    if pipelined:
        cur.execute(_insert_arrays(tuple(columns)), [[row[c] for row in rows] for c in columns])
        cur.execute(
            "INSERT INTO audit.ledger_origin_position (origin, origin_position, seq)"
            " SELECT * FROM unnest(%s::text[], %s::bigint[], %s::bigint[])",
            [list(column) for column in zip(*firsts, strict=True)],
        )
        return
    with cur.copy(f"COPY audit.ledger ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])
    with cur.copy(
        "COPY audit.ledger_origin_position (origin, origin_position, seq) FROM STDIN"
    ) as copy:
        for first in firsts:
            copy.write_row(first)


def _gemeenten_of_dossiers(cur: psycopg.Cursor, dossiers: set[str]) -> dict[str, str]:
    """Each dossier's gemeente now: of its registration or its latest accepted move (a read or
    command after a move is the new gemeente's), else of its first entry with one."""
    if not dossiers:
        return {}
    cur.execute(
        sql.SQL(
            "SELECT DISTINCT ON (dossier_id) dossier_id, gemeente FROM audit.ledger"
            " WHERE dossier_id = ANY(%s) AND event_type IN ({}) AND gemeente <> ''"
            " ORDER BY dossier_id, seq DESC"
        ).format(OWNER_TYPES),
        (list(dossiers),),
    )
    found = {row["dossier_id"]: row["gemeente"] for row in cur.fetchall()}
    if missing := dossiers - found.keys():
        cur.execute(
            "SELECT DISTINCT ON (dossier_id) dossier_id, gemeente FROM audit.ledger"
            " WHERE dossier_id = ANY(%s) AND gemeente <> '' ORDER BY dossier_id, seq",
            (list(missing),),
        )
        found.update({row["dossier_id"]: row["gemeente"] for row in cur.fetchall()})
    return found


def _with_gemeente_of_dossier(
    gemeenten: Mapping[str, str], event: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The event with the gemeente earlier entries give its dossier, where the event does not say
    it (the gateway leaves that to the dossier's own registration: a command or a read is filed
    under the dossier's gemeente, whoever acted), so that the gemeente's auditors see it. A read
    refused on an unknown dossier, or a register event (partners, subscriptions), has none."""
    gemeente = gemeenten.get(event["subject"])
    if gemeente:
        return {**event, "gemeente": gemeente}
    if _dossier_exists(event):
        raise DossierNotInLedgerYet(f"dossier {event['subject']} is not in the ledger yet")
    return event


def verify_rows(rows: Iterable[Mapping[str, Any]]) -> tuple[int, int | None]:
    """Recompute a chain given in seq order; returns (entries that verified, seq of the first bad
    entry or None). A changed field, a missing, inserted or moved entry each break it there."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for row in rows:
        if row["seq"] != expected_seq or row["prev_hash"] != prev_hash:
            return checked, row["seq"]
        if chain_hash(prev_hash, row) != row["entry_hash"]:
            return checked, row["seq"]
        prev_hash, expected_seq, checked = row["entry_hash"], expected_seq + 1, checked + 1
    return checked, None
