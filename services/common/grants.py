"""Who may do what in PostgreSQL: one login role per process, each reaching only its own schema.

`wegwijs migrate` runs this as the administrator after it made the tables. Each of intake, pip,
matching, consent and gateway owns its own schema and what is in it (so `wegwijs rebuild` can
remake its read models as that role). The audit schema and its ledger belong to the administrator:
audit's role may only read and append to the ledger and its checkpoints, so no running process can
change, delete, truncate, alter or disable the triggers of the audit trail. No role is a superuser,
may create roles or databases, or reaches another process's schema.
"""

from __future__ import annotations

from psycopg import Cursor, sql

from services.common import settings
from services.common.settings import PROCESSES

AUDIT_SCHEMA = "audit"
# What audit's role may do with each table of its schema: read and append, nothing else.
AUDIT_TABLES = {
    "ledger": ("SELECT", "INSERT"),
    "ledger_origin_position": ("SELECT", "INSERT"),
    "checkpoints": ("SELECT", "INSERT"),
    "verifications": ("SELECT", "INSERT"),
    "call_nonces": ("SELECT", "INSERT", "DELETE"),
}


def ensure_roles(cur: Cursor) -> list[str]:
    """Make (or bring in line) each process's login role; returns their names."""
    made = []
    for process in PROCESSES:
        role = settings.database_role(process)
        password = settings.PG_PASSWORDS[process].get() or None
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
        verb = "ALTER" if cur.fetchone() else "CREATE"
        cur.execute(
            sql.SQL(
                "{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
                " PASSWORD {}"
            ).format(sql.SQL(verb), sql.Identifier(role), sql.Literal(password))
        )
        made.append(role)
    return made


def grant_database(cur: Cursor, dbname: str) -> None:
    """Only the platform's roles may connect; nobody but the administrator makes schemas."""
    database = sql.Identifier(dbname)
    cur.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(database))
    for process in PROCESSES:
        cur.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                database, sql.Identifier(settings.database_role(process))
            )
        )
    cur.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")


def hand_over_schema(cur: Cursor, schema: str, process: str) -> None:
    """Make `process`'s role the owner of `schema` and of everything in it."""
    role = sql.Identifier(settings.database_role(process))
    cur.execute(sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(sql.Identifier(schema), role))
    # Tables, views and standalone sequences (a table takes its own sequences and indexes along).
    cur.execute(
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid"
        " AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))",
        (schema,),
    )
    for row in cur.fetchall():
        kind = sql.SQL("SEQUENCE" if row["relkind"] == "S" else "TABLE")
        cur.execute(
            sql.SQL("ALTER {} {} OWNER TO {}").format(
                kind, sql.Identifier(schema, row["relname"]), role
            )
        )
    # Composite types (eventsourcing's stored event type) and functions.
    cur.execute(
        "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        " JOIN pg_class c ON c.oid = t.typrelid WHERE n.nspname = %s AND c.relkind = 'c'",
        (schema,),
    )
    for row in cur.fetchall():
        cur.execute(
            sql.SQL("ALTER TYPE {} OWNER TO {}").format(
                sql.Identifier(schema, row["typname"]), role
            )
        )
    cur.execute(
        "SELECT p.oid::regprocedure::text AS signature FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s",
        (schema,),
    )
    for row in cur.fetchall():
        cur.execute(
            sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(sql.SQL(row["signature"]), role)
        )


def grant_audit(cur: Cursor) -> None:
    """Audit's role reads and appends; the administrator keeps owning the audit trail."""
    role = sql.Identifier(settings.database_role("audit"))
    owner = sql.Identifier(settings.database_role(settings.ADMIN))
    schema = sql.Identifier(AUDIT_SCHEMA)
    cur.execute(sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(schema, owner))
    cur.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(schema, role))
    cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, role))
    for table, privileges in AUDIT_TABLES.items():
        cur.execute(
            sql.SQL("GRANT {} ON {} TO {}").format(
                sql.SQL(", ").join(sql.SQL(p) for p in privileges),
                sql.Identifier(AUDIT_SCHEMA, table),
                role,
            )
        )
    # The ledger's next partitions, made as the administrator (SECURITY DEFINER).
    cur.execute(
        sql.SQL("GRANT EXECUTE ON FUNCTION audit.ledger_partitions_ahead(bigint) TO {}").format(
            role
        )
    )
