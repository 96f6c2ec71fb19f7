"""A read model on PostgreSQL never stops at an event it cannot take: the event is set aside
with its position, type and error, counted, and the events after it are projected; a database
that is away for a moment sets nothing aside. On a database of its own."""

from __future__ import annotations

from typing import Any

import eventlet
import psycopg
import pytest
from psycopg import Cursor, OperationalError, sql

from services.common import metrics, settings
from services.common.db import Database, lock_key
from services.common.projection import Projection, Projector
from services.intake.application import Intake
from services.intake.domain import Dossier
from services.tools.migrate import migrate
from tests.platform import TEST_DB, eventually, person
from tests.unit.test_applications import context

DBNAME = f"{TEST_DB}_quarantine"


class Names(Projection):
    """Each registered given name; "Vergif" cannot be taken, "Storing" meets a database away."""

    name = "names"
    tables = ("names",)
    away = False

    def create_statements(self, schema: str) -> list[sql.Composable]:
        table = sql.Identifier(schema, "names")
        return [sql.SQL("CREATE TABLE IF NOT EXISTS {} (given_name text NOT NULL)").format(table)]

    def apply(self, cur: Cursor, schema: str, domain_event: Any) -> None:
        if not isinstance(domain_event, Dossier.Registered):
            return
        if domain_event.given_name == "Vergif":
            raise ValueError(f"cannot take {domain_event.given_name}")
        if domain_event.given_name == "Storing" and self.away:
            raise OperationalError("the database went away")
        cur.execute(
            sql.SQL("INSERT INTO {} VALUES (%s)").format(sql.Identifier(schema, "names")),
            (domain_event.given_name,),
        )


@pytest.fixture(scope="module")
def store():
    with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEGWIJS_PG_DBNAME", DBNAME)
        migrate()
        app, db = Intake.on_postgres(), Database().open()
        projector = Projector(app, db, (Names(),))
        projector.create_tables()
        try:
            yield app, db, projector
        finally:
            app.close()
            db.close()
    with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")


def _names(db: Database) -> list[str]:
    with db.transaction() as cur:
        cur.execute("SELECT given_name FROM intake.names ORDER BY given_name")
        return [row["given_name"] for row in cur.fetchall()]


def _set_aside(db: Database) -> list[tuple]:
    with db.transaction() as cur:
        cur.execute(
            "SELECT projection, event_type, error FROM intake.projection_quarantine"
            " ORDER BY position"
        )
        return [(r["projection"], r["event_type"], r["error"]) for r in cur.fetchall()]


def _quarantined() -> float:
    return metrics.PROJECTION_QUARANTINED.labels("intake", "names")._value.get()


def test_an_event_a_read_model_cannot_take_is_set_aside_and_the_next_ones_projected(store):
    app, db, projector = store
    counted = _quarantined()
    for given_name in ("Amal", "Vergif", "Berhane"):
        app.register(context(), person("0344", given_name=given_name))

    projector.run()

    assert _names(db) == ["Amal", "Berhane"]
    assert _set_aside(db) == [("names", "Dossier.Registered", "ValueError: cannot take Vergif")]
    assert _quarantined() == counted + 1
    assert projector.rebuild("names") > 0
    assert _names(db) == ["Amal", "Berhane"]
    assert len(_set_aside(db)) == 1, "a rebuild tries it again and sets it aside again"


def test_a_database_away_for_a_moment_sets_nothing_aside(store):
    app, db, projector = store
    projector.run()
    before = _set_aside(db)
    Names.away = True
    app.register(context(), person("0344", given_name="Storing"))
    try:
        with pytest.raises(OperationalError):
            projector.run()
    finally:
        Names.away = False
    assert "Storing" not in _names(db)

    projector.run()

    assert "Storing" in _names(db)
    assert _set_aside(db) == before


def test_a_read_model_up_to_date_is_not_locked_again_and_one_behind_is(store):
    """A read runs the projector first; when this process brought every read model up to the
    head of the log, that costs no lock (readers do not queue behind each other), and an event
    stored since is still projected before the read."""
    app, db, projector = store
    projector.run()
    key = lock_key("projection:intake:names")
    with psycopg.connect(settings.postgres_conninfo(DBNAME), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (key,))  # as another instance projecting
        try:
            nothing_new = eventlet.spawn(projector.run)
            eventually(lambda: nothing_new.dead, bool, deadline=5, what="answered, not waiting")
            app.register(context(), person("0344", given_name="Daniel"))
            behind = eventlet.spawn(projector.run)
            eventlet.sleep(0.3)
            assert not behind.dead, "something new: it waits for the other to finish"
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", (key,))
    assert nothing_new.wait() == 0
    assert behind.wait() > 0
    assert "Daniel" in _names(db)


def test_reads_at_once_take_turns_in_the_process_and_one_run_serves_them_all(store):
    """Many users' reads run the projector at once: one asks PostgreSQL for the read models'
    lock, the others wait for it in the process and find their head taken when it is done,
    without a transaction of their own."""
    app, db, projector = store
    projector.run()
    key = lock_key("projection:intake:names")
    app.register(context(), person("0344", given_name="Eyerusalem"))
    with psycopg.connect(settings.postgres_conninfo(DBNAME), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (key,))  # as another instance projecting
        try:
            runs = [eventlet.spawn(projector.run) for _ in range(4)]

            def waiting() -> int:
                return holder.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                ).fetchone()[0]

            eventually(waiting, lambda n: n >= 1, deadline=5, what="one run waits for the lock")
            eventlet.sleep(0.3)
            assert waiting() == 1, "the other runs wait in the process, not in PostgreSQL"
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", (key,))
    *others, first = sorted(run.wait() for run in runs)
    assert first > 0 and others == [0, 0, 0], "one run read the new events, the others nothing"
    assert "Eyerusalem" in _names(db)
