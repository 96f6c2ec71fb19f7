"""A service's reactions to another service's events on PostgreSQL: a batch that follows on a
position the consumer knew is recorded only when that is still the recorded position (another
instance may have moved it), and otherwise writes nothing. On a database of its own."""

from __future__ import annotations

import uuid
from datetime import date

import psycopg
import pytest

from services.common import settings
from services.common.errors import NotFound
from services.common.tracking import PositionMoved
from services.pip.application import Pips
from services.tools.migrate import migrate
from tests.pip_fixtures import registered
from tests.platform import TEST_DB
from tests.unit.test_applications import context

DBNAME = f"{TEST_DB}_position_after"
DUO, BRP = date(2026, 9, 1), date(2026, 9, 14)


@pytest.fixture(scope="module")
def pips():
    with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEGWIJS_PG_DBNAME", DBNAME)
        migrate()
        app = Pips.on_postgres()
        try:
            yield app
        finally:
            app.close()
    with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")


def _has_pip(pips: Pips, dossier_id: str) -> bool:
    try:
        pips.pip(context("regievoerder"), dossier_id)
    except NotFound:
        return False
    return True


def test_a_batch_is_recorded_only_after_the_position_it_follows_on(pips):
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    one, two = registered(first, DUO, BRP), registered(second, DUO, BRP)
    recorded = pips.tracked_position("intake")
    pips.process("intake", [one], after=recorded)
    at = pips.tracked_position("intake")
    assert at > recorded and _has_pip(pips, first)

    with pytest.raises(PositionMoved):
        pips.process("intake", [two], after=recorded)  # another instance recorded `one`

    assert pips.tracked_position("intake") == at
    assert not _has_pip(pips, second), "nothing of the batch was written"
    pips.process("intake", [two], after=at)
    assert _has_pip(pips, second)
