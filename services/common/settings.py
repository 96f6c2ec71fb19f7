"""Every setting of the platform, declared once with its default and help text.

Settings come from environment variables only. Nothing here connects to anything: reading a
setting is a dictionary lookup, so importing a module never opens a connection.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    # A secret is never printed, and outside development a process refuses to start when one
    # it needs is empty, at its published default or shorter than `min_length`.
    secret: bool = False
    min_length: int = 0

    def get(self) -> str:
        return os.environ.get(self.name, self.default)


_DECLARED: dict[str, Setting] = {}


def _declare(
    name: str, default: str, help: str, secret: bool = False, min_length: int = 0
) -> Setting:
    setting = Setting(name, default, help, secret, min_length)
    _DECLARED[name] = setting
    return setting


# The processes of the platform; each has its own broker user, database role and call key.
PROCESSES = ("intake", "pip", "matching", "consent", "audit", "gateway")
# Who an operator's command acts as when it is none of the processes (`wegwijs migrate`).
ADMIN = "admin"

ENVIRONMENT = _declare(
    "WEGWIJS_ENVIRONMENT",
    "production",
    "`development` for a development or test platform: secrets may keep their published"
    " defaults and `wegwijs token` issues development tokens. Anything else is production: every"
    " process refuses to start with a default, empty or too short secret, and names it.",
)
SERVICE = _declare(
    "WEGWIJS_SERVICE",
    "",
    "Which process this is (intake, pip, matching, consent, audit or gateway); `wegwijs run`"
    " sets it. It picks the process's own broker user, database role and call key. Empty: an"
    " operator's command (migrate), which acts as the administrator.",
)
ENV_FILE = _declare(
    "WEGWIJS_ENV_FILE",
    str(ROOT / ".secrets" / "development.env"),
    "A file of KEY=value lines the `wegwijs` command reads for settings the environment does not"
    " set. `wegwijs up` writes it with fresh secrets for development when it is missing (mode"
    " 0600, ignored by git). Empty: no file.",
)
AMQP_URI = _declare(
    "WEGWIJS_AMQP_URI",
    "amqp://127.0.0.1:5672/wegwijs",
    "RabbitMQ host, port and the platform's own vhost. Each process connects as its own user"
    " (<vhost>-<process>, password WEGWIJS_<PROCESS>_AMQP_PASSWORD); `wegwijs run` puts them in"
    " the URI the process gets. A RabbitMQ cluster: one URI per node, separated by `;` (the same"
    " vhost in each), e.g. `amqp://rabbit-a:5672/wegwijs;amqp://rabbit-b:5672/wegwijs;"
    "amqp://rabbit-c:5672/wegwijs`: every process then fails over to the next node when its node"
    " goes, and `wegwijs migrate` makes every durable queue a quorum queue (replicated on the"
    " nodes).",
)
RABBITMQCTL = _declare(
    "WEGWIJS_RABBITMQCTL",
    "rabbitmqctl",
    "The command (with arguments) with which `wegwijs migrate` and `wegwijs partner add`"
    " administer the broker: they import the platform's users, permissions, exchanges, queues"
    " and bindings as definitions. For a broker elsewhere, e.g. `docker compose exec -T rabbitmq"
    " rabbitmqctl`; empty when the broker loads `wegwijs broker-definitions` itself. No running"
    " process administers the broker.",
)
EVENTS_EXCHANGE = _declare(
    "WEGWIJS_EVENTS_EXCHANGE", "wegwijs.events", "Topic exchange carrying integration events."
)
PG_HOST = _declare("WEGWIJS_PG_HOST", "127.0.0.1", "PostgreSQL host.")
PG_PORT = _declare("WEGWIJS_PG_PORT", "5432", "PostgreSQL port.")
PG_DBNAME = _declare("WEGWIJS_PG_DBNAME", "wegwijs", "PostgreSQL database holding every schema.")
PG_ADMIN_USER = _declare(
    "WEGWIJS_PG_ADMIN_USER",
    "postgres",
    "PostgreSQL role `wegwijs migrate` connects as: it makes the database, the schemas, the"
    " tables and one login role per process (<database>_<process>). No running process uses it.",
)
PG_ADMIN_PASSWORD = _declare(
    "WEGWIJS_PG_ADMIN_PASSWORD",
    "",
    "Password of WEGWIJS_PG_ADMIN_USER (empty in development: trust or .pgpass).",
    secret=True,
    min_length=16,
)
PG_CONNECTIONS = _declare(
    "WEGWIJS_PG_CONNECTIONS",
    "12",
    "The most PostgreSQL connections one process (one instance of a service, or the gateway)"
    " opens: one listens for new events, a third of the rest (at least two) serve its event"
    " store and the others its queries, read models, positions and locks. They are opened when"
    " needed and closed after WEGWIJS_PG_IDLE_SECONDS unused, so at rest a process holds one."
    " PostgreSQL's max_connections must exceed the sum over every process (README).",
)
PG_IDLE_SECONDS = _declare(
    "WEGWIJS_PG_IDLE_SECONDS",
    "30",
    "After how many seconds unused a process closes a PostgreSQL connection (each is closed"
    " within twice this time).",
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
    secret=True,
    min_length=32,
)
JWT_MAX_LIFETIME_SECONDS = _declare(
    "WEGWIJS_JWT_MAX_LIFETIME_SECONDS",
    "43200",
    "The longest a bearer token may be valid, from its `iat` to its `exp`; a token made to last"
    " longer is refused.",
)
JWT_ISSUER = _declare(
    "WEGWIJS_JWT_ISSUER",
    "wegwijs-dev",
    "`iss` of the development tokens `wegwijs token` makes (HS256, development only).",
)
JWT_AUDIENCE = _declare("WEGWIJS_JWT_AUDIENCE", "wegwijs", "Expected `aud` of bearer tokens.")
OIDC_ISSUER = _declare(
    "WEGWIJS_OIDC_ISSUER",
    "http://127.0.0.1:8090",
    "The OpenID Connect provider whose RS256 tokens the gateway takes (its discovery document"
    " names the keys) and where the Werkplek logs people in. Development runs its own"
    " (infra/oidc); a deployment points this at its own provider.",
)
OIDC_CLIENT_SECRET = _declare(
    "WEGWIJS_OIDC_CLIENT_SECRET",
    "wegwijs-development-werkplek-client-secret",
    "The Werkplek's client secret at the OpenID Connect provider (client id `werkplek`).",
    secret=True,
    min_length=32,
)
WERKPLEK_ADDRESS = _declare(
    "WEGWIJS_WERKPLEK_ADDRESS",
    "127.0.0.1:8080",
    "host:port the Werkplek web application listens on.",
)
WERKPLEK_URL = _declare(
    "WEGWIJS_WERKPLEK_URL",
    "",
    "The Werkplek's address as people's browsers reach it (its login callback is registered"
    " at the provider under it); empty means http://<WEGWIJS_WERKPLEK_ADDRESS>.",
)
REGION_FILE = _declare(
    "WEGWIJS_REGION_FILE",
    str(ROOT / "infra" / "region.json"),
    "JSON file naming the region and its gemeenten (CBS code, name, OIN).",
)
CALL_PUBLIC_KEYS = _declare(
    "WEGWIJS_CALL_PUBLIC_KEYS",
    "",
    "The Ed25519 public key (base64) of every process that makes calls, as"
    " `process:key,process:key`; a call is taken only when it is signed by its caller's key.",
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


WERKPLEK_IDLE_SECONDS = _declare(
    "WEGWIJS_WERKPLEK_IDLE_SECONDS",
    "900",
    "After how many seconds without a request a Werkplek session ends (15 minutes).",
)


def werkplek_url() -> str:
    return (WERKPLEK_URL.get() or f"http://{WERKPLEK_ADDRESS.get()}").rstrip("/")


def public_url() -> str:
    return (PUBLIC_URL.get() or f"http://{GATEWAY_ADDRESS.get()}").rstrip("/")


PARTNER_EXCHANGE = _declare(
    "WEGWIJS_PARTNER_EXCHANGE",
    "wegwijs.partners",
    "Direct exchange of the partner feeds; each partner's queue is bound with its OIN.",
)
MONITOR_SECONDS = _declare(
    "WEGWIJS_MONITOR_SECONDS",
    "300",
    "How often pip looks for PIP deadlines and inburgeringstermijnen that are near or passed,"
    " and consent for consents whose period ended (both counted in days: every five minutes is"
    " soon enough, and leaves a platform at rest alone).",
)
BSN_INDEX_KEY = _declare(
    "WEGWIJS_BSN_INDEX_KEY",
    "wegwijs-development-bsn-index-key",
    "Secret that turns a BSN into the id of its uniqueness claim, so ids reveal no BSN.",
    secret=True,
    min_length=32,
)
SYSTEM_OIN = _declare(
    "WEGWIJS_SYSTEM_OIN",
    "00000009999999999000",
    "OIN of the organisation running the platform; used in CloudEvents `source`.",
)
RELAY_POLL_SECONDS = _declare(
    "WEGWIJS_RELAY_POLL_SECONDS",
    "30",
    "The fallback: how often the outbox relay and the read models look for new events while"
    " the process's listening connection is down. Every insert into an event store notifies"
    " (LISTEN/NOTIFY), which wakes them at once, whichever process or instance wrote; while the"
    " process listens nothing can be missed and nothing polls.",
)
CATCHUP_SECONDS = _declare(
    "WEGWIJS_CATCHUP_SECONDS",
    "5",
    "How long a consumer waits for the delivery of an event its origin announced (a"
    " notification of the origin's event store) before it pulls from the origin's notification"
    " log to close the gap (it always does on start; while deliveries flow, gaps show"
    " themselves).",
)
CATCHUP_FALLBACK_SECONDS = _declare(
    "WEGWIJS_CATCHUP_FALLBACK_SECONDS",
    "60",
    "How long an origin may be quiet, without deliveries or notifications, before its consumer"
    " pulls from the origin's notification log anyway, while the process's listening connection"
    " is down (a notification may be missed); ten times as long while it listens.",
)
RPC_TIMEOUT_SECONDS = _declare(
    "WEGWIJS_RPC_TIMEOUT_SECONDS", "10", "How long the gateway waits for a service to answer."
)
LOG_LEVEL = _declare("WEGWIJS_LOG_LEVEL", "INFO", "Log level of every process.")
FAULT_AFTER_COMMIT = _declare(
    "WEGWIJS_FAULT_AFTER_COMMIT",
    "",
    "Fault injection, for the fault suite and only in development: a service method (such as"
    " `add_work`) after whose commit the process kills itself before it answers or acknowledges"
    " the call, as a crash at the worst moment would; `add_work:7` holds its answer back seven"
    " seconds instead (a slow answer). Ignored outside development.",
)
PROFILE_DIR = _declare(
    "WEGWIJS_PROFILE_DIR",
    "",
    "Profiling, for `bench/hotpath.py` and only in development: a directory where each process"
    " writes, every two seconds, where its CPU goes (`<service>.profile.json`: samples of the"
    " running code, 200 a second, by group). Empty: no profiling. Ignored outside development.",
)
CHECK_ANSWERS = _declare(
    "WEGWIJS_CHECK_ANSWERS",
    "",
    "`1`, only in development (the test platform sets it): the gateway checks every answer"
    " against its published model before it leaves, and answers 500 naming the field where a"
    " service's answer drifted from the contract. Ignored outside development.",
)
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
    secret=True,
    min_length=44,
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
SNAPSHOT_EVERY = _declare(
    "WEGWIJS_SNAPSHOT_EVERY",
    "100",
    "Every this many events of one aggregate (a dossier, a PIP, a brede intake) its service"
    " stores a snapshot of it, so loading it reads the last snapshot and the events after it"
    " instead of its whole history. Snapshots may be lost or deleted: the events alone give the"
    " same aggregate. 0: no new snapshots.",
)
CHECKPOINT_ENTRIES = _declare(
    "WEGWIJS_CHECKPOINT_ENTRIES",
    "1000",
    "Audit also signs a checkpoint as soon as this many entries were appended since the last"
    " one, so the unsigned tail of the ledger is bounded in entries as well as in seconds.",
)
VERIFY_SECONDS = _declare(
    "WEGWIJS_VERIFY_SECONDS",
    "3600",
    "How often audit recomputes the whole ledger against its checkpoints and records the outcome"
    " (`audit.verifications`, shown to auditors at GET /api/v1/audit/status).",
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


def _per_process(suffix: str, help: str, min_length: int) -> dict[str, Setting]:
    return {
        process: _declare(
            f"WEGWIJS_{process.upper()}_{suffix}",
            "",
            help.format(process=process),
            secret=True,
            min_length=min_length,
        )
        for process in PROCESSES
    }


AMQP_PASSWORDS = _per_process(
    "AMQP_PASSWORD",
    "Password of {process}'s own RabbitMQ user, which may use only {process}'s queues and publish"
    " only what {process} must.",
    16,
)
PG_PASSWORDS = _per_process(
    "PG_PASSWORD",
    "Password of {process}'s own PostgreSQL login role, which reaches only {process}'s schema.",
    16,
)
CALL_KEYS = _per_process(
    "CALL_KEY",
    "Ed25519 private key (32 bytes, base64) with which {process} signs every call it makes to"
    " another process; its public key is in WEGWIJS_CALL_PUBLIC_KEYS.",
    44,
)


def declared() -> list[Setting]:
    """All settings, in declaration order."""
    return list(_DECLARED.values())


def secret_names() -> frozenset[str]:
    return frozenset(s.name for s in _DECLARED.values() if s.secret)


def is_development() -> bool:
    return ENVIRONMENT.get() == "development"


def process() -> str:
    """The process this is (`WEGWIJS_SERVICE`), or ADMIN for an operator's command."""
    return SERVICE.get() or ADMIN


def broker_nodes() -> list[str]:
    """`host:port` of each RabbitMQ node in WEGWIJS_AMQP_URI, in the order given."""
    nodes = []
    for uri in AMQP_URI.get().split(";"):
        parts = urlsplit(uri.strip())
        nodes.append(f"{parts.hostname or '127.0.0.1'}:{parts.port or 5672}")
    return nodes


def broker_cluster() -> bool:
    """Whether the platform runs on a RabbitMQ cluster (WEGWIJS_AMQP_URI names several nodes):
    then every durable queue is a quorum queue."""
    return len(broker_nodes()) > 1


def vhost() -> str:
    return urlsplit(AMQP_URI.get().split(";")[0].strip()).path.lstrip("/") or "/"


def broker_uri(user: str, password: str, on_vhost: str | None = None) -> str:
    """The URI of every node (failover alternates, separated by `;`) with these credentials, on
    the platform's vhost or `on_vhost`."""
    credentials = f"{quote(user, safe='')}:{quote(password, safe='')}"
    path = "/" + quote(vhost() if on_vhost is None else on_vhost, safe="")
    scheme = urlsplit(AMQP_URI.get()).scheme or "amqp"
    return ";".join(
        urlunsplit((scheme, f"{credentials}@{node}", path, "", "")) for node in broker_nodes()
    )


def node_attempts(uri: str) -> int:
    """How many more attempts a connection to `uri` makes after its first, so that it tries
    every node once (kombu goes on to the next node at once, and waits only between rounds)."""
    return max(uri.count(";"), 1)


def uri_on_vhost(uri: str, on_vhost: str) -> str:
    """The same broker URI (each of its nodes, with the same credentials) on another vhost."""
    path = "/" + quote(on_vhost, safe="")
    return ";".join(urlunsplit((*urlsplit(u.strip())[:2], path, "", "")) for u in uri.split(";"))


def broker_user(identity: str) -> str:
    """The RabbitMQ user of a process (or of the administrator) of this platform: users are
    per broker, so their names carry the platform's vhost."""
    return f"{vhost()}-{identity}"


def amqp_uri(identity: str | None = None) -> str:
    """The broker URI with the user and password of a process (default: this one)."""
    identity = identity or process()
    return broker_uri(broker_user(identity), AMQP_PASSWORDS[identity].get())


def database_role(identity: str) -> str:
    """The PostgreSQL login role of a process of this platform (roles are per cluster, so their
    names carry the platform's database); the administrator's is WEGWIJS_PG_ADMIN_USER."""
    return PG_ADMIN_USER.get() if identity == ADMIN else f"{PG_DBNAME.get()}_{identity}"


def _database_password(identity: str) -> str:
    return PG_ADMIN_PASSWORD.get() if identity == ADMIN else PG_PASSWORDS[identity].get()


def postgres_conninfo(dbname: str | None = None, identity: str | None = None) -> str:
    """Connection parameters for `identity` (default: this process) on `dbname`."""
    identity = identity or process()
    parts = {
        "host": PG_HOST.get(),
        "port": PG_PORT.get(),
        "dbname": dbname or PG_DBNAME.get(),
        "user": database_role(identity),
    }
    if password := _database_password(identity):
        parts["password"] = password
    return " ".join(f"{k}={v}" for k, v in parts.items())


# What one process holds open at rest: the connection that listens for new events.
CONNECTIONS_AT_REST_PER_PROCESS = 1


def pool_sizes(budget: int | None = None) -> tuple[int, int]:
    """How WEGWIJS_PG_CONNECTIONS is split: (event store, the others); one more listens."""
    budget = budget if budget is not None else int(PG_CONNECTIONS.get())
    if budget < 4:
        raise SystemExit(f"{PG_CONNECTIONS.name} is {budget}; a process needs at least 4")
    event_store = max(2, (budget - 1) // 3)
    return event_store, budget - 1 - event_store


def connections_at_rest(processes: int = len(PROCESSES)) -> int:
    """What a platform of `processes` processes holds in PostgreSQL while nobody uses it."""
    return processes * CONNECTIONS_AT_REST_PER_PROCESS


def eventsourcing_env(
    schema: str, create_tables: bool = False, identity: str | None = None
) -> dict[str, str]:
    """The environment an eventsourcing Application needs to store in `schema`, connected as
    `identity` (default: this process). Only `wegwijs migrate` creates tables; services never run
    DDL."""
    identity = identity or process()
    return {
        "CREATE_TABLE": "y" if create_tables else "n",
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        # Writes a command's outcome with its events (services/common/commands.py).
        "PROCESS_RECORDER_TOPIC": "services.common.commands:PostgresOutcomeRecorder",
        "POSTGRES_DBNAME": PG_DBNAME.get(),
        "POSTGRES_HOST": PG_HOST.get(),
        "POSTGRES_PORT": PG_PORT.get(),
        "POSTGRES_USER": database_role(identity),
        "POSTGRES_PASSWORD": _database_password(identity),
        "POSTGRES_SCHEMA": schema,
        # Opened when needed (see `pool_sizes`); the Application closes idle ones.
        "POSTGRES_POOL_SIZE": "0",
        "POSTGRES_MAX_OVERFLOW": str(pool_sizes()[0]),
        "POSTGRES_LOCK_TIMEOUT": "5",
    }
