"""The partitioned ledger on PostgreSQL: each partition refuses what the ledger refuses, also to
the administrator, no DDL takes entries away, audit's role gets the partitions it needs through
the administrator's function, and `wegwijs migrate` takes a ledger from before partitioning over
with every entry, still verifying. Each case has a database of its own."""

from __future__ import annotations

import time
import uuid

import eventlet
import psycopg
import pytest
from psycopg.rows import dict_row

from services.audit import ledger as ledger_module
from services.audit.checkpoints import CHECKPOINT_DDL, signing_key
from services.audit.ledger import GENESIS, Ledger, chain_hash, entry_from_event
from services.common import settings
from services.common.db import Database, lock_key
from services.common.tracking import PositionMoved
from services.tools.migrate import migrate_database
from tests.ledger_fixtures import registration_event
from tests.platform import TEST

DBNAME = f"{TEST.name}_ledger_partitions"
# Small partitions, so a few dozen entries span several.
PARTITION = 10


def _event(position: int, origin_subject: str | None = None) -> dict:
    return registration_event(position, origin_subject)


def _admin(autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(
        settings.postgres_conninfo(DBNAME), autocommit=autocommit, row_factory=dict_row
    )


def _fresh(monkeypatch) -> None:
    with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")
    monkeypatch.setenv("WEGWIJS_PG_DBNAME", DBNAME)
    monkeypatch.setattr(ledger_module, "PARTITION_ENTRIES", PARTITION)


def _partitions() -> list[str]:
    with _admin() as conn:
        return [
            r["relname"]
            for r in conn.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = 'audit.ledger'::regclass ORDER BY c.relname"
            )
        ]


def _entries() -> list[dict]:
    with _admin() as conn:
        return conn.execute("SELECT * FROM audit.ledger ORDER BY seq").fetchall()


def _verify(db: Database):
    ledger = Ledger(db)
    return ledger.verify_all(ledger.checkpoints(), signing_key().public_key())


@pytest.fixture
def ledger(monkeypatch):
    """A partitioned ledger of 25 entries (partitions of 10), appended by audit's own role."""
    _fresh(monkeypatch)
    migrate_database()
    db = Database(settings.postgres_conninfo(identity="audit")).open()
    ledger = Ledger(db, checkpoint_key=signing_key(), checkpoint_every=10)
    for start in range(1, 26, 5):
        ledger.apply("intake", [_event(p) for p in range(start, start + 5)])
    yield ledger
    db.close()


def test_audit_s_role_appends_across_partitions_made_ahead_by_the_administrator_s_function(
    ledger,
):
    partitions = _partitions()
    assert len(partitions) >= 4, "entries 1-25 in partitions of 10, and one more ahead"
    assert len(_entries()) == 25
    with (
        psycopg.connect(settings.postgres_conninfo(identity="audit")) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(
            "CREATE TABLE audit.ledger_extra PARTITION OF audit.ledger"
            " FOR VALUES FROM (1000) TO (2000)"
        )
    report = _verify(ledger.db)
    assert report.clean and report.checked == 25, report.findings


def test_a_redelivered_event_is_written_once(ledger):
    with pytest.raises(psycopg.errors.UniqueViolation):
        ledger.apply("intake", [_event(25)])
    assert ledger.position("intake") == 25
    assert len(_entries()) == 25
    ledger.apply("pip", [_event(1)])  # another origin's position 1 is its own
    assert ledger.position("pip") == 1 and len(_entries()) == 26


def test_events_that_follow_on_a_position_another_instance_moved_are_not_appended(ledger):
    """A consumer that knows the position applies without its lock; the ledger appends only
    when the position is still the one the events follow on."""
    with pytest.raises(PositionMoved):
        ledger.apply("intake", [_event(24), _event(25), _event(26)], after=23)
    assert ledger.position("intake") == 25
    assert len(_entries()) == 25
    ledger.apply("intake", [_event(26)], after=25)
    assert ledger.position("intake") == 26 and len(_entries()) == 26


def _read_of(dossier_id: str, position: int) -> dict:
    """The gateway's record of a read of the dossier: it leaves the gemeente to the ledger."""
    return {
        **registration_event(position, dossier_id, actor="u-lezer"),
        "type": "nl.wegwijs.gateway.gegevens.ingezien.v1",
        "gemeente": "",
    }


def test_appends_of_origins_waiting_together_share_a_transaction_each_with_its_own_outcome(
    ledger,
):
    """While one append holds the ledger's lock, the others wait in the process; the next one
    writes all of them in one transaction, in turn as if alone: a read files under the gemeente
    of a registration appended just before it in that transaction, and one origin whose position
    moved fails alone."""
    dossier = str(uuid.uuid4())
    appends = {
        "intake": ([_event(26)], 25),
        "pip": ([_event(1, dossier)], 0),
        "matching": ([_event(6)], 5),  # its position is 0: another instance came first
        "gateway": ([_read_of(dossier, 1)], 0),
    }
    outcomes: dict[str, object] = {}

    def append(origin: str) -> None:
        events, after = appends[origin]
        try:
            ledger.apply(origin, events, after=after)
            outcomes[origin] = "appended"
        except Exception as exc:  # noqa: BLE001 - the outcome is what is asserted
            outcomes[origin] = exc

    with _admin(autocommit=False) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("audit.ledger"),))
        first = eventlet.spawn(append, "intake")
        _until(lambda: _waiting_for_lock() == 1, "intake's append waits for the lock")
        others = [eventlet.spawn(append, origin) for origin in ("pip", "matching", "gateway")]
        # They wait in the process (or, were each its own transaction, for the lock).
        _until(
            lambda: _waiting_in_process(ledger) == 3 or _waiting_for_lock() == 4,
            "the other appends wait",
        )
        holder.rollback()
    for greenthread in (first, *others):
        greenthread.wait()

    assert outcomes["intake"] == outcomes["pip"] == outcomes["gateway"] == "appended"
    assert isinstance(outcomes["matching"], PositionMoved)
    entries = {(e["origin"], e["origin_position"]): e for e in _entries_with_xmin()}
    assert ("matching", 6) not in entries and ledger.position("matching") == 0
    read = entries[("gateway", 1)]
    assert read["gemeente"] == "0344", "filed under the registration appended just before"
    assert read["xmin"] == entries[("pip", 1)]["xmin"] != entries[("intake", 26)]["xmin"]
    report = _verify(ledger.db)
    assert report.clean and report.checked == 28, report.findings


def _waiting_in_process(ledger: Ledger) -> int:
    """Appends waiting for the one in hand (`GroupCommit`)."""
    return sum(len(items) for items, _ in getattr(ledger, "_appends", None)._waiting)


def _waiting_for_lock() -> int:
    with _admin() as conn:
        return conn.execute(
            "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ).fetchone()["n"]


def _entries_with_xmin() -> list[dict]:
    with _admin() as conn:
        return conn.execute(
            "SELECT origin, origin_position, gemeente, xmin::text AS xmin FROM audit.ledger"
        ).fetchall()


def _until(condition, what: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        eventlet.sleep(0.01)


PARTITION_ONE = "audit.ledger_p000000000001"
REFUSED = {
    "update": [f"UPDATE {PARTITION_ONE} SET actor = 'niemand'"],
    "delete": [f"DELETE FROM {PARTITION_ONE}"],
    "truncate": [f"TRUNCATE {PARTITION_ONE}"],
    "truncate ledger": ["TRUNCATE audit.ledger"],
    "detach": [f"ALTER TABLE audit.ledger DETACH PARTITION {PARTITION_ONE}"],
    "rename, then detach": [
        f"ALTER TABLE {PARTITION_ONE} RENAME TO onschuldig",
        "ALTER TABLE audit.ledger DETACH PARTITION audit.onschuldig",
    ],
    "drop": [f"DROP TABLE {PARTITION_ONE}"],
    "drop ledger": ["DROP TABLE audit.ledger"],
    "drop the truncate trigger": [f"DROP TRIGGER ledger_partition_no_truncate ON {PARTITION_ONE}"],
    "drop positions": ["DROP TABLE audit.ledger_origin_position"],
    "delete positions": ["DELETE FROM audit.ledger_origin_position"],
}


@pytest.mark.parametrize("statements", REFUSED.values(), ids=REFUSED.keys())
def test_the_administrator_cannot_take_entries_away_from_a_partition(ledger, statements):
    before = _entries()
    with _admin(autocommit=False) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        for statement in statements:
            conn.execute(statement)
    assert _entries() == before
    assert _verify(ledger.db).clean


def test_migrate_takes_a_ledger_from_before_partitioning_over_with_every_entry(monkeypatch):
    _fresh(monkeypatch)
    # The ledger as it was before partitioning: one table, unique (origin, origin_position).
    from services.audit.ledger import FIELDS_V2

    migrate_database()
    with _admin() as conn:
        conn.execute("DROP EVENT TRIGGER ledger_no_drop")
        conn.execute("DROP EVENT TRIGGER ledger_no_detach")
        conn.execute("DROP SCHEMA audit CASCADE")
        conn.execute("CREATE SCHEMA audit")
        conn.execute(_OLD_DDL)
        for statement in CHECKPOINT_DDL:
            conn.execute(statement)
        prev = GENESIS
        columns = (*FIELDS_V2, "prev_hash", "entry_hash")
        for seq in range(1, 36):
            entry = {**entry_from_event(seq, "intake", _event(seq)), "entry_format": 2}
            for name in FIELDS_V2:
                entry.setdefault(name, "")
            entry_hash = chain_hash(prev, entry)
            conn.execute(
                f"INSERT INTO audit.ledger ({', '.join(columns)}) VALUES"
                f" ({', '.join(['%s'] * len(columns))})",
                [*(entry[c] for c in FIELDS_V2), prev, entry_hash],
            )
            prev = entry_hash
    old = _entries()
    admin = Database(settings.postgres_conninfo(DBNAME)).open()
    try:
        Ledger(admin).checkpoint(signing_key())
    finally:
        admin.close()

    migrate_database()

    with _admin() as conn:
        kind = conn.execute("SELECT relkind FROM pg_class WHERE oid = 'audit.ledger'::regclass")
        assert kind.fetchone()["relkind"] == "p"
    assert _entries() == old
    assert len(_partitions()) >= 4
    db = Database(settings.postgres_conninfo(identity="audit")).open()
    try:
        report = _verify(db)
        assert report.clean and report.checked == 35, report.findings
        appending = Ledger(db)
        assert appending.position("intake") == 35
        with pytest.raises(psycopg.errors.UniqueViolation):
            appending.apply("intake", [_event(35)])
        appending.apply("intake", [_event(36)])
        assert _verify(db).clean and len(_entries()) == 36
    finally:
        db.close()
    migrate_database()  # again: nothing to take over, nothing lost
    assert len(_entries()) == 36


_OLD_DDL = """
CREATE TABLE audit.ledger (
    seq bigint PRIMARY KEY, origin text NOT NULL, origin_position bigint NOT NULL,
    event_id text NOT NULL, event_type text NOT NULL, dossier_id text NOT NULL,
    gemeente text NOT NULL, actor text NOT NULL, actor_roles text NOT NULL,
    organisation text NOT NULL, activity text NOT NULL, legal_basis text NOT NULL,
    correlation_id text NOT NULL, event_time text NOT NULL, ledger_time text NOT NULL,
    payload_hash text NOT NULL, prev_hash text NOT NULL, entry_hash text NOT NULL,
    entry_format smallint NOT NULL DEFAULT 1,
    trace_id text NOT NULL DEFAULT '', span_id text NOT NULL DEFAULT '',
    processing_activity text NOT NULL DEFAULT '', subject_type text NOT NULL DEFAULT '',
    system text NOT NULL DEFAULT '', receiving_party text NOT NULL DEFAULT '',
    result text NOT NULL DEFAULT '', confidentiality text NOT NULL DEFAULT '',
    retention text NOT NULL DEFAULT '',
    UNIQUE (origin, origin_position)
);
CREATE INDEX ledger_dossier ON audit.ledger (dossier_id, seq);
CREATE INDEX ledger_correlation ON audit.ledger (correlation_id, seq);
CREATE INDEX ledger_timeline_0123456789 ON audit.ledger (dossier_id, event_time, seq);
CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit ledger is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON audit.ledger
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON audit.ledger
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
"""


def test_a_read_of_a_dossier_not_in_the_ledger_yet_waits_and_what_came_before_is_written(ledger):
    from services.audit.describe import EntryDescriber
    from services.audit.ledger import DossierNotInLedgerYet

    known = _entries()[0]["dossier_id"]

    def read(position: int, dossier: str) -> dict:
        return {
            **_event(position, dossier),
            "type": "nl.wegwijs.gateway.gegevens.ingezien.v1",
            "gemeente": "",
            "data": {},
        }

    describing = Ledger(ledger.db, EntryDescriber())
    with pytest.raises(DossierNotInLedgerYet):
        describing.apply("gateway", [read(1, known), read(2, str(uuid.uuid4())), read(3, known)])
    assert describing.position("gateway") == 1
    assert _entries()[-1]["gemeente"] == "0344", "filed under its dossier's gemeente"
    assert _verify(ledger.db).clean


def test_a_read_is_filed_under_the_gemeente_of_the_dossier_s_latest_move(ledger):
    """A read names no gemeente: it is filed under the dossier's gemeente now, which its
    registration and accepted moves say (found by their own index, however many reads the
    dossier had). A dossier with neither: the gemeente of its first entry that names one."""
    from services.audit.describe import EntryDescriber

    moved, unregistered = _entries()[0]["dossier_id"], str(uuid.uuid4())

    def read(position: int, dossier: str) -> dict:
        return {
            **_event(position, dossier),
            "type": "nl.wegwijs.gateway.gegevens.ingezien.v1",
            "gemeente": "",
            "data": {},
        }

    def move(position: int, to: str) -> dict:
        return {**_event(position, moved), "type": ledger_module._OWNERS[1], "gemeente": to}

    corrected = {**_event(28, unregistered), "type": "nl.wegwijs.intake.dossier.gecorrigeerd.v1"}
    describing = Ledger(ledger.db, EntryDescriber())
    describing.apply("intake", [move(26, "0356"), move(27, "0363"), corrected])
    describing.apply("gateway", [read(p, moved) for p in range(1, 4)])
    describing.apply("gateway", [read(4, unregistered)])

    filed = [(e["dossier_id"], e["gemeente"]) for e in _entries()[-4:]]
    assert filed == [(moved, "0363")] * 3 + [(unregistered, "0344")]
    assert _verify(ledger.db).clean


def test_a_list_read_is_one_read_entry_per_dossier_written_together_once(ledger):
    """The gateway records a list that showed several dossiers as one event; the ledger holds a
    read of each dossier (who saw it finds it), all or none, and a redelivery adds nothing."""
    from services.audit.describe import EntryDescriber
    from services.audit.ledger import DossierNotInLedgerYet
    from services.audit.queries import readers

    known = [e["dossier_id"] for e in _entries()[:3]]
    unknown = str(uuid.uuid4())

    def listed(position: int, dossiers: list[str]) -> dict:
        return {
            **_event(position, ""),
            "subject": "",
            "type": "nl.wegwijs.gateway.lijst.ingezien.v1",
            "gemeente": "",
            "actor": "lijst-lezer",
            "data": {
                "endpoint": "werkvoorraad",
                "dossiers": [{"dossier_id": d, "categories": ["identiteit"]} for d in dossiers],
            },
        }

    describing = Ledger(ledger.db, EntryDescriber())
    describing.apply("gateway", [listed(1, known)])
    entries = _entries()[25:]
    assert [e["dossier_id"] for e in entries] == known
    assert {e["event_type"] for e in entries} == {"nl.wegwijs.gateway.gegevens.ingezien.v1"}
    assert {e["gemeente"] for e in entries} == {"0344"}, "each filed under its dossier's gemeente"
    assert {e["origin_position"] for e in entries} == {1}
    assert {e["processing_activity"] for e in entries} == {"urn:wegwijs:verwerking:dossier-inzien"}

    with pytest.raises(psycopg.errors.UniqueViolation):
        describing.apply("gateway", [listed(1, known)])
    with pytest.raises(DossierNotInLedgerYet):
        describing.apply("gateway", [listed(2, [known[0], unknown])])
    assert len(_entries()) == 28, "nothing of a list with a dossier not in the ledger yet"
    assert describing.position("gateway") == 1

    with _admin() as conn:
        for dossier in known:
            seen = readers(conn.cursor(), dossier, ["0344"])
            assert [r["actor"] for r in seen] == ["lijst-lezer"]
    assert _verify(ledger.db).clean
