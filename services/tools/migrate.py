"""`wegwijs migrate`: the database, its schemas, every service's tables and login roles (through
`services/common/schema.py`), and the broker's users and topology. Idempotent: run at every start
(`wegwijs up`, the test platform, the bench). Runs as the administrator (of PostgreSQL and of the
broker); nothing else does."""

from __future__ import annotations

from services.audit.ledger import Ledger
from services.common import schema
from services.common.broker import provision_platform
from services.common.db import Database
from services.consent.application import Consent
from services.consent.projections import PROJECTIONS as CONSENT_PROJECTIONS
from services.gateway.access_log import AccessLogs
from services.gateway.command_keys import create_tables as create_command_keys
from services.intake.application import Intake
from services.intake.projections import PROJECTIONS as INTAKE_PROJECTIONS
from services.matching.application import Matching
from services.matching.pool import PROJECTIONS as MATCHING_PROJECTIONS
from services.pip.application import Pips
from services.pip.projections import PROJECTIONS as PIP_PROJECTIONS


def applications() -> dict[str, tuple[type, tuple]]:
    """Each event-sourced service's Application class and its read models, by schema."""
    return {
        "intake": (Intake, INTAKE_PROJECTIONS),
        "pip": (Pips, PIP_PROJECTIONS),
        "matching": (Matching, MATCHING_PROJECTIONS),
        "consent": (Consent, CONSENT_PROJECTIONS),
        "gateway": (AccessLogs, ()),
    }


def _command_keys(db: Database) -> None:
    """The gateway's idempotency keys and the answers they keep."""
    with db.transaction() as cur:
        create_command_keys(cur)


def _ledger(db: Database) -> str:
    done = Ledger(db).create_tables()
    return "; ".join(["audit: ledger (append-only, partitioned by seq range)", *done])


def migrate_database() -> list[str]:
    return schema.migrate_database(applications().values(), (_command_keys, _ledger))


def migrate() -> list[str]:
    """Idempotent: safe to run on every start. Returns what it did, for the operator."""
    done = migrate_database()
    done += provision_platform()
    return done
