"""Every setting of the platform, declared once with its default and help text.

Settings come from environment variables only. Nothing here connects to anything: reading a
setting is a dictionary lookup, so importing a module never opens a connection.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    def get(self) -> str:
        return os.environ.get(self.name, self.default)


_DECLARED: dict[str, Setting] = {}


def _declare(name: str, default: str, help: str) -> Setting:
    setting = Setting(name, default, help)
    _DECLARED[name] = setting
    return setting


AMQP_URI = _declare(
    "WEGWIJS_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/", "RabbitMQ connection URI."
)
EVENTS_EXCHANGE = _declare(
    "WEGWIJS_EVENTS_EXCHANGE", "wegwijs.events", "Topic exchange carrying integration events."
)
PG_HOST = _declare("WEGWIJS_PG_HOST", "127.0.0.1", "PostgreSQL host.")
PG_PORT = _declare("WEGWIJS_PG_PORT", "5432", "PostgreSQL port.")
PG_DBNAME = _declare("WEGWIJS_PG_DBNAME", "wegwijs", "PostgreSQL database holding every schema.")
PG_USER = _declare("WEGWIJS_PG_USER", "postgres", "PostgreSQL user.")
PG_PASSWORD = _declare("WEGWIJS_PG_PASSWORD", "", "PostgreSQL password (empty: trust or .pgpass).")
PG_POOL_SIZE = _declare(
    "WEGWIJS_PG_POOL_SIZE", "2", "Event-store connections a service process keeps open."
)
PG_POOL_OVERFLOW = _declare(
    "WEGWIJS_PG_POOL_OVERFLOW",
    "8",
    "Event-store connections a service process may open beyond WEGWIJS_PG_POOL_SIZE in a burst.",
)
PG_MAX_CONNECTIONS = _declare(
    "WEGWIJS_PG_MAX_CONNECTIONS",
    "12",
    "Other connections (relays, consumers, read models, queries) a service process may open; "
    "all processes together must stay below PostgreSQL's max_connections.",
)
GATEWAY_ADDRESS = _declare(
    "WEGWIJS_GATEWAY_ADDRESS", "127.0.0.1:8000", "host:port the HTTP gateway listens on."
)
HTTP_ADDRESS = _declare(
    "WEGWIJS_HTTP_ADDRESS",
    "",
    "host:port for a service process's /metrics and /health; empty: 127.0.0.1 and the port"
    " WEGWIJS_HTTP_PORT_BASE + the service's number (intake 1, pip 2, matching 3, consent 4,"
    " audit 5).",
)
HTTP_PORT_BASE = _declare(
    "WEGWIJS_HTTP_PORT_BASE",
    "8100",
    "Where the services' default /metrics and /health ports start (see WEGWIJS_HTTP_ADDRESS).",
)
JWT_SECRET = _declare(
    "WEGWIJS_JWT_SECRET",
    "wegwijs-development-key-not-for-production",
    "HMAC key that signs and checks bearer tokens (HS256). Development default only.",
)
JWT_ISSUER = _declare("WEGWIJS_JWT_ISSUER", "wegwijs-dev", "Expected `iss` of bearer tokens.")
JWT_AUDIENCE = _declare("WEGWIJS_JWT_AUDIENCE", "wegwijs", "Expected `aud` of bearer tokens.")
REGION_FILE = _declare(
    "WEGWIJS_REGION_FILE",
    str(ROOT / "infra" / "region.json"),
    "JSON file naming the region and its gemeenten (CBS code, name, OIN).",
)
CONTEXT_KEY = _declare(
    "WEGWIJS_CONTEXT_KEY",
    "wegwijs-development-context-key",
    "HMAC key with which services sign the actor context they pass each other; a context"
    " without a valid signature is refused. Development default only.",
)
SANCTION_LADDERS_FILE = _declare(
    "WEGWIJS_SANCTION_LADDERS_FILE",
    str(ROOT / "infra" / "sanction-ladders.json"),
    "JSON file with each gemeente's sanction ladder for intake no-shows (versioned).",
)
PIP_HANDHAVING_FILE = _declare(
    "WEGWIJS_PIP_HANDHAVING_FILE",
    str(ROOT / "infra" / "pip-handhaving.json"),
    "JSON file with each gemeente's PIP monitoring lead times and handhaving ladder (versioned).",
)
SHARING_PROTOCOL_FILE = _declare(
    "WEGWIJS_SHARING_PROTOCOL_FILE",
    str(ROOT / "infra" / "sharing-protocol.json"),
    "JSON file with the region's information-sharing protocol and gemeente overrides (versioned).",
)
PUBLIC_URL = _declare(
    "WEGWIJS_PUBLIC_URL",
    "",
    "The gateway's address as partners reach it, for the dataref of partner feed events; empty"
    " means http://<WEGWIJS_GATEWAY_ADDRESS>.",
)


def public_url() -> str:
    return (PUBLIC_URL.get() or f"http://{GATEWAY_ADDRESS.get()}").rstrip("/")


PARTNER_EXCHANGE = _declare(
    "WEGWIJS_PARTNER_EXCHANGE",
    "wegwijs.partners",
    "Direct exchange of the partner feeds; each partner's queue is bound with its OIN.",
)
MONITOR_SECONDS = _declare(
    "WEGWIJS_MONITOR_SECONDS",
    "60",
    "How often pip looks for PIP deadlines and inburgeringstermijnen that are near or passed.",
)
BSN_INDEX_KEY = _declare(
    "WEGWIJS_BSN_INDEX_KEY",
    "wegwijs-development-bsn-index-key",
    "Secret that turns a BSN into the id of its uniqueness claim, so ids reveal no BSN.",
)
SYSTEM_OIN = _declare(
    "WEGWIJS_SYSTEM_OIN",
    "00000009999999999000",
    "OIN of the organisation running the platform; used in CloudEvents `source`.",
)
RELAY_POLL_SECONDS = _declare(
    "WEGWIJS_RELAY_POLL_SECONDS",
    "0.5",
    "How often an outbox relay looks for events stored by other processes.",
)
CATCHUP_SECONDS = _declare(
    "WEGWIJS_CATCHUP_SECONDS",
    "5",
    "How long an origin may be quiet before its consumer pulls from the origin's notification"
    " log to close gaps (it always does on start; while deliveries flow, gaps show themselves).",
)
RPC_TIMEOUT_SECONDS = _declare(
    "WEGWIJS_RPC_TIMEOUT_SECONDS", "10", "How long the gateway waits for a service to answer."
)
LOG_LEVEL = _declare("WEGWIJS_LOG_LEVEL", "INFO", "Log level of every process.")
RUN_DIR = _declare(
    "WEGWIJS_RUN_DIR", str(ROOT / ".run"), "Where `wegwijs up` keeps pid files and logs."
)


PROCESSING_REGISTER_FILE = _declare(
    "WEGWIJS_PROCESSING_REGISTER_FILE",
    str(ROOT / "infra" / "processing-register.json"),
    "JSON file with the register of processing activities (verwerkingsregister, versioned).",
)
AUDIT_SIGNING_KEY = _declare(
    "WEGWIJS_AUDIT_SIGNING_KEY",
    "d2Vnd2lqcy1kZXZlbG9wbWVudC1hdWRpdC1rZXktMzI=",
    "Ed25519 private key (32 bytes, base64) that signs audit checkpoints. Development default"
    " only.",
)
AUDIT_PUBLIC_KEY = _declare(
    "WEGWIJS_AUDIT_PUBLIC_KEY",
    "",
    "Ed25519 public key (base64) `wegwijs audit verify` checks checkpoints with; empty means the"
    " one belonging to WEGWIJS_AUDIT_SIGNING_KEY. An outside verifier sets the key it was given.",
)
TOKEN = _declare(
    "WEGWIJS_TOKEN",
    "",
    "Bearer token the command-line clients of the API send (`wegwijs audit entries`, `wegwijs"
    " audit readers`), when no --token is given: the auditor's own, naming their gemeenten.",
)
CHECKPOINT_SECONDS = _declare(
    "WEGWIJS_CHECKPOINT_SECONDS",
    "300",
    "How often audit signs a checkpoint of the ledger (when it grew).",
)

MAX_BODY_BYTES = _declare(
    "WEGWIJS_MAX_BODY_BYTES",
    "1048576",
    "Largest request body the gateway reads (bytes); a larger one is answered 413.",
)
RATE_LIMIT_PER_SECOND = _declare(
    "WEGWIJS_RATE_LIMIT_PER_SECOND",
    "50",
    "Requests a second one bearer token may make on one gateway process, sustained (a token"
    " bucket kept in memory per process, keyed by a hash of the Authorization header).",
)
RATE_LIMIT_BURST = _declare(
    "WEGWIJS_RATE_LIMIT_BURST",
    "600",
    "Requests one bearer token may make at once before WEGWIJS_RATE_LIMIT_PER_SECOND applies;"
    " beyond both the gateway answers 429 with Retry-After.",
)

SECRETS = (JWT_SECRET, CONTEXT_KEY, BSN_INDEX_KEY, AUDIT_SIGNING_KEY)


def development_secrets_in_use() -> list[str]:
    """Names of the secrets still at their published development default."""
    return [s.name for s in SECRETS if s.get() == s.default]


def declared() -> list[Setting]:
    """All settings, in declaration order."""
    return list(_DECLARED.values())


def postgres_conninfo(dbname: str | None = None) -> str:
    parts = {
        "host": PG_HOST.get(),
        "port": PG_PORT.get(),
        "dbname": dbname or PG_DBNAME.get(),
        "user": PG_USER.get(),
    }
    if PG_PASSWORD.get():
        parts["password"] = PG_PASSWORD.get()
    return " ".join(f"{k}={v}" for k, v in parts.items())


def eventsourcing_env(schema: str, create_tables: bool = False) -> dict[str, str]:
    """The environment an eventsourcing Application needs to store in `schema`. Only
    `wegwijs migrate` creates tables; services never run DDL."""
    return {
        "CREATE_TABLE": "y" if create_tables else "n",
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": PG_DBNAME.get(),
        "POSTGRES_HOST": PG_HOST.get(),
        "POSTGRES_PORT": PG_PORT.get(),
        "POSTGRES_USER": PG_USER.get(),
        "POSTGRES_PASSWORD": PG_PASSWORD.get(),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_POOL_SIZE": PG_POOL_SIZE.get(),
        "POSTGRES_MAX_OVERFLOW": PG_POOL_OVERFLOW.get(),
        "POSTGRES_LOCK_TIMEOUT": "5",
    }
