"""A whole Wegwijs platform for tests: its own database, its own RabbitMQ vhost, its own ports.

Each service runs as its own `nameko run` process, exactly as `make up` starts it, so the tests
exercise real RabbitMQ, real PostgreSQL and real HTTP.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import jwt
import psycopg
import requests
from psycopg.rows import dict_row

from services.common import settings, topology
from services.common.secrets import development_secrets
from services.gateway.auth import issue_token
from services.tools.cli import APPS, SERVICES

ROOT = Path(__file__).resolve().parents[1]
# How long a process may take to answer once started. Several suites on one loaded machine (a
# developer running them side by side) may need more than the 60 s a clean run needs.
START_SECONDS = float(os.environ.get("WEGWIJS_TEST_START_SECONDS") or 60)
T = TypeVar("T")


@dataclass(frozen=True)
class Layout:
    """Where one platform lives: its database and vhost (both `name`) and its ports."""

    name: str
    gateway_port: int
    service_port_base: int
    # Two platforms run side by side in the tests (`test_two_commands`), with extra instances,
    # on one PostgreSQL: a smaller budget per process than in production (WEGWIJS_PG_CONNECTIONS;
    # its share for queries and locks stays above the most origins one consumer tracks, audit's
    # five, each of which may hold a lock connection while it writes on another), and idle
    # connections closed sooner, so a test sees the platform come to rest quickly.
    pg_connections: str = "10"
    pg_idle_seconds: str = "5"
    # A platform on a RabbitMQ cluster (tests/rabbit_cluster.py): every node's URI, and the
    # rabbitmqctl that administers it; empty: the machine's own RabbitMQ.
    amqp_uri: str = ""
    rabbitmqctl: str = ""

    def env(self) -> dict[str, str]:
        return {
            **TEST_SECRETS,
            "WEGWIJS_ENV_FILE": "",
            "WEGWIJS_PG_DBNAME": self.name,
            "WEGWIJS_AMQP_URI": self.amqp_uri or f"amqp://127.0.0.1:5672/{self.name}",
            "WEGWIJS_GATEWAY_ADDRESS": f"127.0.0.1:{self.gateway_port}",
            "WEGWIJS_HTTP_PORT_BASE": str(self.service_port_base),
            "WEGWIJS_RUN_DIR": str(ROOT / ".run" / self.name),
            "WEGWIJS_CATCHUP_SECONDS": "1",
            "WEGWIJS_CHECK_ANSWERS": "1",
            "WEGWIJS_RPC_TIMEOUT_SECONDS": "5",
            "WEGWIJS_LOG_LEVEL": "INFO",
            "WEGWIJS_PG_CONNECTIONS": self.pg_connections,
            "WEGWIJS_PG_IDLE_SECONDS": self.pg_idle_seconds,
            # The monitoring timer marks deadlines of the tests' dossiers at moments no test
            # chooses; the monitoring test starts its own pip instances with a short interval.
            "WEGWIJS_MONITOR_SECONDS": "86400",
            # The development OpenID Connect provider and the Werkplek, on this layout's ports.
            "WEGWIJS_OIDC_ISSUER": f"http://127.0.0.1:{self.oidc_port}",
            "WEGWIJS_WERKPLEK_ADDRESS": f"127.0.0.1:{self.werkplek_port}",
            **({"WEGWIJS_RABBITMQCTL": self.rabbitmqctl} if self.rabbitmqctl else {}),
        }

    @property
    def oidc_port(self) -> int:
        return self.service_port_base + 90

    @property
    def werkplek_port(self) -> int:
        return self.service_port_base + 80


# Fresh development secrets for this test run, shared by every platform it starts (tokens the
# tests issue are checked by each); development mode comes with them.
TEST_SECRETS = development_secrets()
if os.environ.get("WEGWIJS_TEST_ATTACHED") == "1":  # the browser tests' own pytest process
    TEST_SECRETS = {name: os.environ[name] for name in TEST_SECRETS}


def _test_layout() -> Layout:
    """The session's platform: `wegwijs_test` on ports 18000 and 18100 and up, or, for checkouts
    whose suites run side by side on one machine, WEGWIJS_TEST_LAYOUT=name:gateway:service-base."""
    name, gateway, base = (
        os.environ.get("WEGWIJS_TEST_LAYOUT") or "wegwijs_test:18000:18100"
    ).split(":")
    return Layout(name, gateway_port=int(gateway), service_port_base=int(base))


TEST = _test_layout()
TEST_DB = TEST.name


def extra_port(offset: int) -> int:
    """A port for an extra service instance a test starts (from the layout's service base + 10)."""
    return TEST.service_port_base + 10 + offset


TEST_ENV = TEST.env()


def eventually(
    probe: Callable[[], T], until: Callable[[T], bool], deadline: float = 30, what: str = ""
) -> T:
    """Poll `probe` until `until(result)` holds; fail with the last result after `deadline` s."""
    end = time.monotonic() + deadline
    while True:
        result = probe()
        if until(result):
            return result
        if time.monotonic() > end:
            raise AssertionError(f"not within {deadline} s: {what or until}; last: {result!r}")
        time.sleep(0.05)


def rabbitmqctl(*args: str, command: str = "rabbitmqctl") -> str:
    done = subprocess.run(
        [*shlex.split(command), *args], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout


_bsns = (
    str(n)
    # The browser tests' own processes (one per file) register on the same platform, each from
    # its own start (test_werkplek.py gives it).
    for n in itertools.count(int(os.environ.get("WEGWIJS_TEST_BSN_START") or 999900000))
    if (sum(int(d) * w for d, w in zip(str(n), (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True)) % 11)
    == 0
)


def person(gemeente: str = "0344", **overrides: Any) -> dict[str, Any]:
    """A synthetic person with a valid, unused test BSN."""
    bsn = next(_bsns)
    return {
        "bsn": bsn,
        "v_nummer": f"3{bsn}",
        "given_name": "Test",
        "family_name": f"Persoon {bsn[-4:]}",
        "birth_date": "1990-05-17",
        "gemeente": gemeente,
        "duo_notice_date": "2026-09-01",
        "brp_registration_date": "2026-09-15",
        **overrides,
    }


class Process:
    def __init__(self, service: str, name: str, popen: subprocess.Popen, log: Path):
        self.service, self.name, self.popen, self.log = service, name, popen, log
        self.port = 0

    def metric(self, name: str, **labels: str) -> float:
        """The value of one Prometheus sample of this process (0 if absent)."""
        text = requests.get(f"http://127.0.0.1:{self.port}/metrics", timeout=5).text
        wanted = {f'{k}="{v}"' for k, v in labels.items()}
        total = 0.0
        for line in text.splitlines():
            if not line.startswith(name + "{") and not line.startswith(name + " "):
                continue
            series, _, value = line.rpartition(" ")
            found = set(series[series.find("{") + 1 : series.rfind("}")].split(","))
            if wanted <= found:
                total += float(value)
        return total

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        self.signal(sig)
        self.wait(timeout)

    def signal(self, sig: int = signal.SIGTERM) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)

    def wait(self, timeout: float = 20) -> None:
        """Until it has ended; killed when it takes longer than `timeout` seconds."""
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)


def _handles(pid: int, sig: int) -> bool:
    """Whether process `pid` has a handler for `sig` (SigCgt in /proc/<pid>/status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(
        (line.split()[1] for line in status.splitlines() if line.startswith("SigCgt")), "0"
    )
    return bool(int(caught, 16) >> (sig - 1) & 1)


_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_DOSSIER_PATH = re.compile(rf"^/api/v1/(audit/|partner/)?dossiers/({_UUID})(/[^?]*)?$")


def _dossiers_read(url: str, response: requests.Response) -> list[str]:
    """The dossiers whose data an answered GET showed."""
    parts = urlsplit(url)
    if parts.path == "/api/v1/dossiers":
        return [d["id"] for d in response.json()["dossiers"]]
    if parts.path == "/api/v1/practical-items":
        return sorted({i["dossier_id"] for i in response.json()["items"]})
    if parts.path == "/api/v1/guidance":
        return [g["dossier_id"] for g in response.json()["guidances"]]
    if parts.path.startswith("/api/v1/reports/"):
        return sorted(set(re.findall(_UUID, response.text)))
    if parts.path == "/api/v1/audit/entries":
        asked = parse_qs(parts.query).get("dossier_id", [])
        shown = response.json()["entries"] if "json" in response.headers["Content-Type"] else []
        csv_rows = response.text.count("\n") - 1 if not shown else 0
        return asked if shown or csv_rows > 0 else []
    found = _DOSSIER_PATH.match(parts.path)
    if not found:
        return []
    scope, dossier_id, rest = found.group(1), found.group(2), found.group(3) or ""
    if rest == "/household":
        return [m["id"] for m in response.json()["members"]]
    if scope == "audit/" and rest in ("", "/readers"):
        body = response.json()
        return [dossier_id] if body.get("entries") or body.get("readers") else []
    return [dossier_id]


# Each event-sourced service's event store, and whom each consumer follows (the ChainRuntime
# origins of the services; audit's ledger is counted against every store).
EVENT_TABLES = {
    "intake": ("intake", "intake_events"),
    "pip": ("pip", "pips_events"),
    "matching": ("matching", "matching_events"),
    "consent": ("consent", "consent_events"),
    "gateway": ("gateway", "accesslogs_events"),
}
CONSUMERS = {
    "pip": ("intake", "matching"),
    "matching": ("intake", "pip"),
    "consent": ("intake", "pip", "matching"),
}


class Platform:
    def __init__(self, layout: Layout = TEST) -> None:
        self.layout = layout
        self.env = {**os.environ, **layout.env()}
        self.processes: dict[str, Process] = {}
        self.run_dir = Path(self.env["WEGWIJS_RUN_DIR"])
        self.url = f"http://127.0.0.1:{layout.gateway_port}"
        self.http = requests.Session()
        # (dossier id, user id) -> how often the API answered a read of that dossier's data
        self.reads: Counter[tuple[str, str]] = Counter()
        self.http.hooks["response"].append(self._note_reads)

    # lifecycle ----------------------------------------------------------------------------
    def reset_infrastructure(self) -> None:
        """A fresh database and vhost: no state from an earlier run."""
        self._kill_leftovers()
        with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.layout.name} WITH (FORCE)")
        vhost, ctl = self.layout.name, self.layout.rabbitmqctl or "rabbitmqctl"
        for existing in rabbitmqctl(
            "list_vhosts", "--quiet", "--no-table-headers", command=ctl
        ).split():
            if existing == vhost or existing.startswith(f"{vhost}-partner-"):
                rabbitmqctl("delete_vhost", existing, command=ctl)
        self.cli("migrate")  # makes the vhost, its users, permissions and topology
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def _kill_leftovers(self) -> None:
        """Processes of this layout that an interrupted earlier run left behind: they would
        consume from the new vhost and write to the new database. Recognised by their pid file
        and, so that a reused pid is never hit, by this layout's database in their environment."""
        for pid_file in self.run_dir.glob("*.pid"):
            with contextlib.suppress(ValueError, OSError):
                pid = int(pid_file.read_text())
                environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                if f"WEGWIJS_PG_DBNAME={self.layout.name}".encode() in environ:
                    os.kill(pid, signal.SIGKILL)

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "services.tools.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def start(
        self,
        service: str,
        name: str | None = None,
        port: int | None = None,
        wait: bool = True,
        env: dict[str, str] | None = None,
    ) -> Process:
        name = name or service
        if service == "gateway":
            port = self.layout.gateway_port
        elif service == "oidc":
            port = self.layout.oidc_port
        elif service == "werkplek":
            port = self.layout.werkplek_port
        elif port is None:
            port = self.layout.service_port_base + SERVICES[service][1]
        self.run_dir.mkdir(parents=True, exist_ok=True)
        log = self.run_dir / f"{name}.log"
        address = [] if service in APPS else ["--http-address", f"127.0.0.1:{port}"]
        popen = subprocess.Popen(
            [sys.executable, "-m", "services.tools.cli", "run", service, *address],
            env={**self.env, **(env or {})},
            cwd=ROOT,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        (self.run_dir / f"{name}.pid").write_text(str(popen.pid))
        process = Process(service, name, popen, log)
        process.port = port
        self.processes[name] = process
        if wait:
            self.wait_answering(process)
        return process

    def wait_answering(self, process: Process) -> None:
        port, name, log = process.port, process.name, process.log
        path = "/.well-known/openid-configuration" if process.service == "oidc" else "/health"
        eventually(
            lambda: self._answers(f"http://127.0.0.1:{port}{path}"),
            bool,
            deadline=START_SECONDS,
            what=f"{name} answers /health (log {log})",
        )

    def _answers(self, url: str) -> bool:
        """Whether the process serves HTTP. A slow answer is not yet one: the gateway's /health
        waits up to 3 s for a service whose RPC consumer is still starting."""
        try:
            return requests.get(url, timeout=5).status_code in (200, 503)
        except requests.RequestException:
            return False

    def start_all(self) -> None:
        started = [self.start(service, wait=False) for service in (*SERVICES, *APPS)]
        for process in started:
            self.wait_answering(process)
        self.wait_healthy()

    def wait_healthy(self) -> None:
        try:
            eventually(
                lambda: self.http.get(f"{self.url}/health", timeout=10).status_code,
                lambda status: status == 200,
                deadline=START_SECONDS,
                what="gateway /health is 200",
            )
        except AssertionError:
            self.dump_stacks()  # where each process waits, in its log
            raise

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        self.processes.pop(name).stop(sig)

    def dump_stacks(self) -> None:
        """Have every service write each greenthread's stack to its log (services/common/stacks),
        for a test that found the platform not answering: where each process waits."""
        # Only a process that handles the signal by now: before its runtime's setup, SIGUSR2
        # would end it.
        services = [p for p in self.processes.values() if _handles(p.popen.pid, signal.SIGUSR2)]
        for process in services:
            process.signal(signal.SIGUSR2)
        with contextlib.suppress(AssertionError):
            eventually(
                lambda: [p.name for p in services if "greenthread_stacks" not in p.log.read_text()],
                lambda waiting: waiting == [],
                deadline=10,
                what="every service logged its stacks",
            )

    def stop_all(self) -> None:
        """Stop every process, all at once: each one's graceful stop takes seconds."""
        stopping = [self.processes.pop(name) for name in list(self.processes)]
        for process in stopping:
            process.signal()
        for process in stopping:
            process.wait()

    # HTTP ---------------------------------------------------------------------------------
    def token(self, role: str = "regievoerder", *gemeenten: str) -> str:
        return issue_token(role, list(gemeenten or ("0344",)), user_id=f"test-{role}")

    def headers(self, role: str = "regievoerder", *gemeenten: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, *gemeenten)}", **extra}

    def get(self, path: str, role: str = "regievoerder", *gemeenten: str) -> requests.Response:
        return self.http.get(self.url + path, headers=self.headers(role, *gemeenten), timeout=15)

    def post(self, path: str, body: Any, role: str = "regievoerder", *gemeenten: str, **extra: str):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        headers = {**self.headers(role, *gemeenten, **extra), "Content-Type": "application/json"}
        return self.http.post(self.url + path, data=data, headers=headers, timeout=15)

    def register(self, who: dict[str, Any] | None = None, **extra: str) -> str:
        who = who or person()
        response = self.post("/api/v1/dossiers", who, "regievoerder", who["gemeente"], **extra)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def _note_reads(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """Count each answered read of a dossier's data, by whom: what the test client saw,
        worked out from the requests and answers, not from the gateway's code."""
        request = response.request
        if request.method != "GET" or response.status_code != 200:
            return
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        if not token:
            return
        user = jwt.decode(token, options={"verify_signature": False})["sub"]
        for dossier_id in _dossiers_read(request.url, response):
            self.reads[(dossier_id, user)] += 1

    # PostgreSQL ---------------------------------------------------------------------------
    def sql(self, query: str, *params: Any) -> list[dict[str, Any]]:
        conninfo = settings.postgres_conninfo(self.layout.name)
        with psycopg.connect(conninfo, row_factory=dict_row) as conn:
            return conn.execute(query, params).fetchall()

    def execute(self, statement: str, *params: Any) -> None:
        """A statement that answers no rows, as the administrator."""
        with psycopg.connect(settings.postgres_conninfo(self.layout.name)) as conn:
            conn.execute(statement, params)

    def scalar(self, query: str, *params: Any) -> Any:
        row = self.sql(query, *params)[0]
        return next(iter(row.values()))

    def stored_events(self, schema: str, table: str) -> int:
        return self.scalar(f"SELECT count(*) FROM {schema}.{table}")

    def ledger_count(self, origin: str | None = None) -> int:
        """Stored events in the ledger (a list read is one event, entered once per dossier)."""
        if origin is None:
            return self.scalar("SELECT count(*) FROM audit.ledger_origin_position")
        return self.scalar(
            "SELECT count(*) FROM audit.ledger_origin_position WHERE origin = %s", origin
        )

    def ledger_positions(self, origin: str) -> list[int]:
        """The origin positions of the events the ledger holds, in ledger order, once each (a
        list read is entered once per dossier it showed)."""
        rows = self.sql(
            "SELECT origin_position FROM audit.ledger_origin_position WHERE origin = %s"
            " ORDER BY seq",
            origin,
        )
        return [r["origin_position"] for r in rows]

    def ledger_head(self) -> int:
        """The last entry's seq (0 for an empty ledger)."""
        return self.scalar("SELECT coalesce(max(seq), 0) FROM audit.ledger")

    def wait_ledger_complete(self, deadline: float = 60) -> None:
        """Until every consumer has taken in every event of the origins it follows, and every
        stored event of every service is in the ledger: the platform has settled (a consumer
        reacting late can no longer add events behind the test's back)."""

        def unsettled() -> tuple[int, int]:
            heads = self._heads()
            stored = sum(
                self.stored_events(schema, table) for schema, table in EVENT_TABLES.values()
            )
            unledgered = stored - self.ledger_count()
            # Stores that moved meanwhile: whatever was read may be old already.
            return self.consumers_behind() + (self._heads() != heads), unledgered

        eventually(unsettled, lambda n: n == (0, 0), deadline=deadline, what="platform settled")

    def consumers_behind(self) -> int:
        """How many events the consumers have still to take in: a consumer that takes only some
        types of an origin (`topology.TAKES`) is done at the last of those, which the ledger
        knows (the stored position may stay below the origin's head until it pulls once, as
        the events beyond are not for it)."""
        return sum(
            self._untaken(consumer, origin)
            for consumer, origins in CONSUMERS.items()
            for origin in origins
        )

    def _untaken(self, consumer: str, origin: str) -> int:
        """How many events of `origin` that `consumer` takes lie beyond its stored position."""
        tracked, taken = self._tracked(consumer, origin), topology.takes(consumer, origin)
        if not taken:
            return max(self._head(origin) - tracked, 0)
        return self.scalar(  # the ledger's entries beyond it, by the origin position's key
            "SELECT count(*) FROM audit.ledger_origin_position p"
            " JOIN audit.ledger l ON l.seq = p.seq"
            " WHERE p.origin = %s AND p.origin_position > %s AND l.event_type = ANY(%s)",
            origin,
            tracked,
            sorted(taken),
        )

    def _heads(self) -> list[int]:
        return [self._head(origin) for origin in EVENT_TABLES]

    def _head(self, origin: str) -> int:
        schema, table = EVENT_TABLES[origin]
        return self.scalar(f"SELECT coalesce(max(notification_id), 0) FROM {schema}.{table}")

    def _tracked(self, consumer: str, origin: str) -> int:
        schema, table = EVENT_TABLES[consumer]
        tracking = table.replace("_events", "_tracking")
        rows = self.sql(
            f"SELECT notification_id FROM {schema}.{tracking} WHERE application_name = %s", origin
        )
        return rows[0]["notification_id"] if rows else 0
