"""G6 for every read model of every service: kept up to date event by event, rebuilt alone, or
rebuilt with the others of its service from one pass (`wegwijs rebuild --all`), a read model holds
the same rows. On a database of its own, with a stream made through the services' domain (the
rebuild bench's, bench/stream.py, small)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from bench import stream
from services.common import settings
from services.common.db import Database
from services.common.projection import Projector
from services.tools.migrate import applications as read_models
from services.tools.migrate import migrate_database
from tests.platform import TEST_DB

DBNAME = f"{TEST_DB}_rebuild"
# Matching's pool numbers every change from a sequence that only grows, so a reader holding the
# pool in memory sees a rebuilt row as changed (services/matching/pool.py).
NOT_FROM_EVENTS = {"changed"}


@pytest.fixture(scope="module")
def region():
    with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEGWIJS_PG_DBNAME", DBNAME)
        patch.setenv("WEGWIJS_BENCH_BSN_START", "993000000")
        migrate_database()
        db = Database(settings.postgres_conninfo(identity=settings.ADMIN)).open()
        try:
            with stream.applications() as apps:
                stream.Region(apps).make(12)
                projectors = {
                    schema: Projector(apps[schema], db, projections)
                    for schema, (_cls, projections) in read_models().items()
                    if schema in apps and projections
                }
                yield db, projectors
        finally:
            db.close()
    with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")


def _rows(db: Database, projector: Projector) -> dict[str, list[str]]:
    """Every row of every table of the projector's read models, in a stable order."""
    tables = {}
    with db.transaction() as cur:
        for projection in projector.projections.values():
            for table in projection.tables:
                cur.execute(
                    sql.SQL("SELECT * FROM {}").format(sql.Identifier(projector.schema, table))
                )
                tables[table] = sorted(
                    repr(sorted((k, v) for k, v in row.items() if k not in NOT_FROM_EVENTS))
                    for row in cur.fetchall()
                )
    return tables


def test_every_read_model_rebuilt_alone_or_all_at_once_holds_the_same_rows(region):
    db, projectors = region
    for schema, projector in projectors.items():
        assert projector.run() > 0, schema
        kept = _rows(db, projector)
        assert any(kept.values()), f"{schema}: the stream fills its read models"

        assert projector.rebuild_all() > 0
        assert _rows(db, projector) == kept, f"{schema}: rebuilt all at once"
        for name in projector.projections:
            projector.rebuild(name)
            assert _rows(db, projector) == kept, f"{schema}: {name} rebuilt alone"
        assert projector.quarantined == 0
        assert projector.run() == 0, f"{schema}: a rebuild records where it got to"


def test_a_rebuilt_read_model_has_its_statistics_at_once(region):
    """A table made anew has no statistics until autovacuum comes by; the planner would guess
    at the worklists' first counts. A rebuild analyses what it made."""
    db, projectors = region
    projector = projectors["intake"]
    projector.rebuild("dossier_index")
    with db.transaction() as cur:
        cur.execute(
            "SELECT c.reltuples, s.n_live_tup, s.last_analyze IS NOT NULL AS analysed"
            " FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid"
            " WHERE c.oid = 'intake.dossier_index'::regclass"
        )
        found = cur.fetchone()
    assert found["analysed"]
    assert found["reltuples"] >= 12, "the planner knows how many dossiers there are"
