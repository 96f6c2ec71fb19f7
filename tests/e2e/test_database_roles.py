"""Every process reaches PostgreSQL as its own role, with no more rights than it needs: none is a
superuser, audit may only read and append to the ledger, and no process reads another's schema
(issue 13, finding 4)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from services.common import settings
from services.common.settings import PROCESSES
from tests.platform import TEST

LEDGER_CHANGES = (
    "ALTER TABLE audit.ledger DISABLE TRIGGER ledger_append_only",
    "ALTER TABLE audit.ledger DISABLE TRIGGER ALL",
    "UPDATE audit.ledger SET actor = 'niemand' WHERE seq = 1",
    "DELETE FROM audit.ledger WHERE seq = 1",
    "TRUNCATE audit.ledger",
    "DROP TABLE audit.ledger",
    "ALTER TABLE audit.ledger ADD COLUMN sneaky text",
    "DELETE FROM audit.checkpoints",
    "CREATE TABLE audit.shadow (seq bigint)",
)


def _as(process: str) -> psycopg.Connection:
    return psycopg.connect(settings.postgres_conninfo(TEST.name, identity=process), autocommit=True)


def test_no_connection_of_the_running_platform_is_a_superuser(platform):
    platform.register()
    platform.wait_ledger_complete()
    rows = platform.sql(
        "SELECT a.usename, r.rolsuper FROM pg_stat_activity a JOIN pg_roles r"
        " ON r.oid = a.usesysid WHERE a.datname = %s AND a.pid <> pg_backend_pid()",
        TEST.name,
    )

    assert rows, "the platform is connected"
    assert not [r for r in rows if r["rolsuper"]], rows
    assert {r["usename"] for r in rows} <= {settings.database_role(p) for p in PROCESSES}


def test_no_role_of_a_process_may_create_roles_or_databases(platform):
    for process in PROCESSES:
        role = platform.sql(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles"
            " WHERE rolname = %s",
            settings.database_role(process),
        )[0]
        assert not any(role.values()), (process, role)


@pytest.mark.parametrize("statement", LEDGER_CHANGES)
def test_audit_s_role_cannot_change_the_ledger(platform, statement):
    platform.register()
    platform.wait_ledger_complete()
    before = platform.sql("SELECT * FROM audit.ledger ORDER BY seq LIMIT 5")

    with _as("audit") as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute(statement)

    assert platform.sql("SELECT * FROM audit.ledger ORDER BY seq LIMIT 5") == before


def test_audit_s_role_appends_and_reads_the_ledger(platform):
    with _as("audit") as conn:
        assert conn.execute("SELECT count(*) FROM audit.ledger").fetchone()[0] >= 0
        assert conn.execute("SELECT has_table_privilege('audit.ledger', 'INSERT')").fetchone()[0]


@pytest.mark.parametrize(
    ("process", "foreign"),
    [
        ("intake", "consent.consent_events"),
        ("intake", "audit.ledger"),
        ("pip", "intake.intake_events"),
        ("gateway", "intake.dossier_index"),
        ("consent", "matching.matching_events"),
        ("matching", "gateway.accesslogs_events"),
        ("audit", "intake.intake_events"),
    ],
)
def test_a_process_cannot_read_another_process_schema(platform, process, foreign):
    with _as(process) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute(f"SELECT * FROM {foreign} LIMIT 1")


def test_each_process_owns_its_own_schema_and_not_the_audit_trail(platform):
    owners = {
        row["nspname"]: row["owner"]
        for row in platform.sql(
            "SELECT n.nspname, r.rolname AS owner FROM pg_namespace n"
            " JOIN pg_roles r ON r.oid = n.nspowner"
        )
    }
    for schema in ("intake", "pip", "matching", "consent", "gateway"):
        assert owners[schema] == settings.database_role(schema)
    ledger_owner = platform.scalar(
        "SELECT r.rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
        " WHERE c.oid = 'audit.ledger'::regclass"
    )
    assert ledger_owner not in {settings.database_role(p) for p in PROCESSES}
