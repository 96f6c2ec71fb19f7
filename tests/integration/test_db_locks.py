"""The session locks `Database` hands out are released whatever happens in their block, and a
leader's writes are committed as it makes them (services/common/db.py)."""

from __future__ import annotations

import psycopg
import pytest

from services.common import settings
from services.common.db import Database, lock_key

CONNINFO = settings.postgres_conninfo("postgres")


@pytest.fixture()
def db():
    database = Database(CONNINFO, max_size=1).open()
    yield database
    database.close()


def _free(name: str) -> bool:
    """Whether another session can take the lock now."""
    with psycopg.connect(CONNINFO, autocommit=True) as other:
        key = lock_key(name)
        taken = other.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]
        if taken:
            other.execute("SELECT pg_advisory_unlock(%s)", (key,))
        return taken


def test_a_leader_whose_first_read_fails_leaves_the_lock_free(db):
    failing = "SELECT * FROM nosuch"
    with pytest.raises(psycopg.errors.UndefinedTable), db.leading("test:lead", failing):
        pass
    assert _free("test:lead")
    with db.leading("test:lead", "SELECT 1 AS one") as lead:
        assert lead is not None and lead.row == {"one": 1}, "the pool's connection leads again"


def test_a_leader_failing_midway_leaves_the_lock_free_and_what_it_wrote_written(db):
    with psycopg.connect(CONNINFO, autocommit=True) as other:
        other.execute("DROP TABLE IF EXISTS public.test_lead_position")
        other.execute("CREATE TABLE public.test_lead_position (n int)")
        try:
            with (
                pytest.raises(psycopg.errors.UndefinedTable),
                db.leading("test:lead", "SELECT 1 AS one") as lead,
            ):
                assert lead is not None
                conn = lead.conn
                conn.execute("INSERT INTO public.test_lead_position VALUES (1)")
                assert not _free("test:lead"), "held while leading"
                # committed as written: another session sees it while the leader leads
                seen = other.execute("SELECT count(*) FROM public.test_lead_position")
                assert seen.fetchone()[0] == 1
                conn.execute("SELECT * FROM nosuch")
            assert _free("test:lead")
        finally:
            other.execute("DROP TABLE public.test_lead_position")


def test_a_second_leader_is_told_so(db):
    with psycopg.connect(CONNINFO, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (lock_key("test:lead"),))
        with db.leading("test:lead", "SELECT 1 AS one") as lead:
            assert lead is None
    assert _free("test:lead")


def test_a_waiting_lock_is_released_when_its_block_fails(db):
    with pytest.raises(psycopg.errors.UndefinedTable), db.advisory_lock("test:wait") as conn:
        assert not _free("test:wait")
        conn.execute("SELECT * FROM nosuch")
    assert _free("test:wait")


def test_a_leader_gets_every_row_of_its_first_read(db):
    with db.leading("test:lead", "SELECT n FROM generate_series(1, 3) AS n") as lead:
        assert [row["n"] for row in lead.rows] == [1, 2, 3] and lead.row == {"n": 1}
    assert _free("test:lead")
