"""Create the database, one schema per service, the tables every event-sourced service needs, one
login role per process with only its own rights. Which services there are, and the tables only
one of them has, are the caller's: `services/tools/migrate.py`, which knows every service."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from psycopg import sql

from services.common import grants, settings
from services.common.calls import create_nonce_table
from services.common.commands import create_outcome_table
from services.common.db import Database, ensure_database
from services.common.outbox import create_outbox_table
from services.common.projection import Projector
from services.common.wake import create_notify_trigger

SCHEMAS = ("intake", "pip", "matching", "consent", "audit", "gateway")

# A service's own tables beyond the common ones: made as the administrator, before each schema is
# handed over to its process's role; returns what it did for the operator, or None to say nothing.
OwnTables = Callable[[Database], str | None]


def migrate_database(
    applications: Iterable[tuple[type, tuple]], own_tables: Iterable[OwnTables] = ()
) -> list[str]:
    """Idempotent. `applications`: each event-sourced service's Application class and its read
    models; each gets its event store, command outcomes, outbox and read models."""
    done = []
    if ensure_database():
        done.append("created database")
    db = Database(settings.postgres_conninfo(identity=settings.ADMIN)).open()
    try:
        with db.transaction() as cur:
            roles = grants.ensure_roles(cur)
            grants.grant_database(cur, settings.PG_DBNAME.get())
        done.append(f"login roles {', '.join(roles)}")
        with db.transaction() as cur:
            for schema in SCHEMAS:
                cur.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
                )
        done.append(f"schemas {', '.join(SCHEMAS)}")
        for app_class, projections in applications:
            app = app_class.on_postgres(create_tables=True, identity=settings.ADMIN)
            try:
                create_outbox_table(db, app.schema)
                with db.transaction() as cur:
                    create_outcome_table(cur, app.schema)
                    create_notify_trigger(cur, app.schema, app.recorder.events_table_name)
                Projector(app, db, projections).create_tables()
            finally:
                app.close()
            done.append(
                f"{app.schema}: event store (notifying on commit), command outcomes, outbox,"
                " read models"
            )
        for make in own_tables:
            line = make(db)
            if line:
                done.append(line)
        with db.transaction() as cur:
            for schema in SCHEMAS:
                create_nonce_table(cur, schema)
            for schema in SCHEMAS:
                if schema == grants.AUDIT_SCHEMA:
                    grants.grant_audit(cur)
                else:
                    grants.hand_over_schema(cur, schema, schema)
        done.append("each schema owned by its own process's role; audit may only read and append")
    finally:
        db.close()
    return done
