"""The audit ledger on PostgreSQL: append-only, and a chain that verifies after real traffic."""

from __future__ import annotations

import psycopg
import pytest

from services.audit.ledger import Ledger
from services.common import settings
from services.common.db import Database
from tests.platform import TEST_DB

REFUSED = [
    "UPDATE audit.ledger SET actor = 'someone-else'",
    "DELETE FROM audit.ledger",
    "TRUNCATE audit.ledger",
]


@pytest.mark.parametrize("statement", REFUSED, ids=["update", "delete", "truncate"])
def test_postgresql_refuses_to_change_the_ledger(platform, statement):
    platform.register()
    platform.wait_ledger_complete()
    before = platform.sql("SELECT * FROM audit.ledger ORDER BY seq")

    with (
        psycopg.connect(settings.postgres_conninfo(TEST_DB)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"),
    ):
        conn.execute(statement)

    assert platform.sql("SELECT * FROM audit.ledger ORDER BY seq") == before


def test_the_chain_verifies_after_concurrent_appends_from_every_origin(platform):
    for _ in range(5):
        platform.register()
    platform.wait_ledger_complete()
    # Services may still append (consent decides partner feeds as other tests' events arrive):
    # the chain verified must hold at least every entry there was.
    appended = platform.ledger_count()
    db = Database(settings.postgres_conninfo(TEST_DB)).open()
    try:
        checked, first_bad = Ledger(db).verify()
    finally:
        db.close()
    assert first_bad is None
    assert checked >= appended


def test_entries_carry_the_logboek_fields(platform):
    dossier_id = platform.register()
    platform.wait_ledger_complete()
    entries = {
        e["event_type"]: e
        for e in platform.sql(
            "SELECT * FROM audit.ledger WHERE dossier_id = %s ORDER BY seq", dossier_id
        )
    }
    registered = entries["nl.wegwijs.intake.dossier.geregistreerd.v1"]
    draft = entries["nl.wegwijs.pip.concept.geopend.v1"]
    assert registered["entry_format"] == draft["entry_format"] == 3
    assert registered["processing_activity"] == "urn:wegwijs:verwerking:registratie"
    assert draft["processing_activity"] == "urn:wegwijs:verwerking:pip-opstellen"
    assert registered["trace_id"] == draft["trace_id"] == registered["correlation_id"]
    assert len(registered["span_id"]) == 16 and registered["span_id"] != draft["span_id"]
    assert registered["system"].endswith(":systeem:wegwijs-intake")
    assert registered["subject_type"] == "dossier" and registered["result"] == "vastgelegd"
    assert registered["confidentiality"] == "persoonsgegevens" and registered["retention"] == "P5Y"
