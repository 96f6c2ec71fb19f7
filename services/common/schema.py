"""Create the database, one schema per service, every table the services need, one login role per
process with only its own rights, and the broker's users and topology."""

from __future__ import annotations

from psycopg import sql

from services.common import grants, settings
from services.common.db import Database, ensure_database

SCHEMAS = ("intake", "pip", "matching", "consent", "audit", "gateway")


def applications() -> dict[str, tuple[type, tuple]]:
    """Each event-sourced service's Application class and its read models, by schema."""
    # Imported here: the service packages import this module's siblings.
    from services.consent.application import Consent
    from services.consent.projections import PROJECTIONS as CONSENT_PROJECTIONS
    from services.gateway.access_log import AccessLogs
    from services.intake.application import Intake
    from services.intake.projections import DossierIndex
    from services.matching.application import Matching
    from services.matching.pool import PROJECTIONS as MATCHING_PROJECTIONS
    from services.pip.application import Pips
    from services.pip.projections import PROJECTIONS as PIP_PROJECTIONS

    return {
        "intake": (Intake, (DossierIndex(),)),
        "pip": (Pips, PIP_PROJECTIONS),
        "matching": (Matching, MATCHING_PROJECTIONS),
        "consent": (Consent, CONSENT_PROJECTIONS),
        "gateway": (AccessLogs, ()),
    }


def migrate() -> list[str]:
    """Idempotent: safe to run on every start. Returns what it did, for the operator. Runs as
    the administrator (of PostgreSQL and of the broker); nothing else does."""
    from services.common.broker import provision_platform

    done = migrate_database()
    done += provision_platform()
    return done


def migrate_database() -> list[str]:
    from services.audit.ledger import Ledger
    from services.common.calls import create_nonce_table
    from services.common.commands import create_outcome_table
    from services.common.outbox import create_outbox_table
    from services.common.projection import Projector
    from services.gateway.command_keys import create_tables as create_command_keys

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
        for app_class, projections in applications().values():
            app = app_class.on_postgres(create_tables=True, identity=settings.ADMIN)
            try:
                create_outbox_table(db, app.schema)
                with db.transaction() as cur:
                    create_outcome_table(cur, app.schema)
                Projector(app, db, projections).create_tables()
            finally:
                app.close()
            done.append(f"{app.schema}: event store, command outcomes, outbox, read models")
        with db.transaction() as cur:
            create_command_keys(cur)
        Ledger(db).create_tables()
        done.append("audit: ledger (append-only)")
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
