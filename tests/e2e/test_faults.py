"""Exactly once as the client sees it, under faults (issue 14): a few seconds of load from
closed-loop clients, a fault in the middle, and then, for every request, what it caused.

Each client registers people, adds work entries to the brede intake and lists dossiers, each
command under an Idempotency-Key of its own, which it sends again (same key, same body) after a
5xx or no answer, as a careful client does. Afterwards, per fault:
- lost: a command answered 2xx whose effect is not stored;
- doubled: a command whose effect is stored more than once;
- applied though told it failed: a command answered 4xx, or settled as `mislukt` when the
  client asked `GET /api/v1/commands/{key}`, whose effect is stored;
- unsettled: a command that ends with neither an answer nor a settled outcome;
- unread: a dossier in a 200 list that has no access record under that request's trace;
and the ledger holds one command record per command whose `result` says whether it took effect.
Every one of these must be zero. The figures are printed (run with -s to see them).
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import eventlet
import pytest
import requests

from services.common import settings
from services.gateway.command_keys import scope_of
from tests.e2e.http import as_role, trace_of
from tests.platform import eventually, extra_port, person, rabbitmqctl

CLIENTS = 4
LOAD_SECONDS = 6.0
# How long a client keeps sending a command again after the load ended.
RETRY_SECONDS = 40.0
USER = "e2e-regievoerder"


@dataclass
class Command:
    kind: str  # "register" or "work"
    key: str
    tag: str  # the family name registered, or the occupation added
    dossier_id: str = ""
    answers: list[int] = field(default_factory=list)  # 0: no answer

    @property
    def final(self) -> int | None:
        """The answer that settled it for the client: the last 2xx or 4xx, if any."""
        settled = [a for a in self.answers if 200 <= a < 500]
        return settled[-1] if settled else None


@dataclass
class Read:
    trace: str
    dossiers: list[str]


class Load:
    """Closed-loop clients against the gateway, until `stop()`; each keeps retrying the
    command in hand (same key) until it is answered 2xx or 4xx or RETRY_SECONDS have passed."""

    def __init__(self, platform, dossiers: list[str]):
        self.platform = platform
        self.dossiers = dossiers
        self.commands: list[Command] = []
        self.reads: list[Read] = []
        self.unanswered_reads: list[int] = []  # the status of each list not answered 200
        self.running = True
        self.retry_until = float("inf")
        self.threads = [eventlet.spawn(self._client, n) for n in range(CLIENTS)]

    def stop(self) -> None:
        self.running = False
        self.retry_until = time.monotonic() + RETRY_SECONDS
        for thread in self.threads:
            thread.wait()

    def _client(self, number: int) -> None:
        http = requests.Session()
        turn = 0
        while self.running:
            turn += 1
            if turn % 3 == 0:
                self._list(http)
            else:
                self._command(http, self._next_command(number, turn))

    def _next_command(self, number: int, turn: int) -> Command:
        tag = f"F{uuid.uuid4().hex[:10]}"
        if turn % 3 == 1:
            return Command("register", str(uuid.uuid4()), tag)
        dossier = self.dossiers[(number + turn) % len(self.dossiers)]
        return Command("work", str(uuid.uuid4()), tag, dossier)

    def _command(self, http: requests.Session, command: Command) -> None:
        self.commands.append(command)
        if command.kind == "register":
            path, body = "/api/v1/dossiers", person("0344", family_name=command.tag)
        else:
            path = f"/api/v1/dossiers/{command.dossier_id}/intake/work"
            body = {"country": "Syrië", "occupation": command.tag, "years": 2}
        headers = {**as_role(), "Idempotency-Key": f'"{command.key}"'}
        while time.monotonic() < self.retry_until:
            try:
                status = http.post(
                    self.platform.url + path, data=json.dumps(body), headers=headers, timeout=15
                ).status_code
            except requests.RequestException:
                status = 0
            command.answers.append(status)
            if 200 <= status < 500:
                return
            eventlet.sleep(0.3)

    def _list(self, http: requests.Session) -> None:
        try:
            answer = http.get(
                self.platform.url + "/api/v1/dossiers?limit=20", headers=as_role(), timeout=15
            )
        except requests.RequestException:
            self.unanswered_reads.append(0)
            return
        if answer.status_code != 200:
            self.unanswered_reads.append(answer.status_code)
        else:
            self.reads.append(Read(trace_of(answer), [d["id"] for d in answer.json()["dossiers"]]))


@pytest.fixture(scope="module")
def dossiers(platform) -> list[str]:
    return [platform.register(person("0344")) for _ in range(4)]


def _under_load(platform, dossiers: list[str], fault) -> Load:
    """Load for LOAD_SECONDS with `fault()` in the middle; then every client gets its answers."""
    load = Load(platform, dossiers)
    eventlet.sleep(LOAD_SECONDS / 3)
    fault()
    eventlet.sleep(LOAD_SECONDS / 3)
    load.stop()
    return load


def _stored_effects(platform) -> Counter:
    """How often each tag of the load is stored: registrations by family name, work entries
    by occupation."""
    found: Counter = Counter()
    for row in platform.sql(
        "SELECT topic, state FROM intake.intake_events WHERE topic LIKE %s OR topic LIKE %s",
        "%Dossier.Registered",
        "%BredeIntake.WorkAdded",
    ):
        state = json.loads(bytes(row["state"]))
        tag = state.get("occupation") or state.get("family_name")
        if isinstance(tag, str) and tag.startswith("F"):
            found[tag] += 1
    return found


def _settled_state(platform, command: Command) -> str:
    """What the gateway says came of a command the client got no answer to (it settles it)."""
    answer = eventually(
        lambda: platform.http.get(
            f"{platform.url}/api/v1/commands/{command.key}", headers=as_role(), timeout=15
        ),
        lambda r: r.status_code == 200 and r.json()["state"] != "onderweg",
        deadline=60,
        what=f"command {command.key} settled",
    )
    return answer.json()["state"]


def _settled(platform, load: Load) -> None:
    """Until the gateway has an outcome for every command of the load: a command whose record
    could not be written when it was answered is settled (and recorded) a little later."""
    ids = [_command_id(platform, c.key) for c in load.commands]
    eventually(
        lambda: platform.scalar(
            "SELECT count(*) FROM unnest(%s::text[]) AS c(id) WHERE NOT EXISTS"
            " (SELECT 1 FROM gateway.command_outcomes o WHERE o.command_id = c.id)",
            ids,
        ),
        lambda open_: open_ == 0,
        deadline=60,
        what="every command of the load settled at the gateway",
    )


def _verify(platform, load: Load, fault: str) -> dict[str, int]:
    """Every figure of the module's text, printed; each must be zero."""
    platform.wait_healthy()
    _settled(platform, load)
    stored = _stored_effects(platform)
    figures = Counter(requests=len(load.commands) + len(load.reads), reads=len(load.reads))
    records = _command_records(platform)
    for command in load.commands:
        figures["commands"] += 1
        times = stored[command.tag]
        final = command.final
        if final is None:
            state = _settled_state(platform, command)
            figures[f"settled {state}"] += 1
            applied_told = state == "uitgevoerd"
        else:
            applied_told = final < 400
            figures["answered 2xx" if final < 400 else "answered 4xx"] += 1
        figures["retried"] += len(command.answers) > 1
        figures["lost"] += applied_told and times == 0
        figures["doubled"] += times > 1
        figures["applied though told it failed"] += not applied_told and times > 0
        mine = records.get(_command_id(platform, command.key), [])
        figures["ledger records not one"] += len(mine) != 1
        result = "uitgevoerd" if times else ("geweigerd" if final and final < 500 else "mislukt")
        figures["ledger result wrong"] += [r["result"] for r in mine] != [result]
    figures["unread"] = _unaccounted_reads(platform, load.reads)
    print(f"\nfault: {fault}: {dict(figures)}")
    return figures


def _command_id(platform, key: str) -> str:
    rows = platform.sql(
        "SELECT command_id FROM gateway.command_keys WHERE scope = %s", scope_of(USER, key)
    )
    return rows[0]["command_id"] if rows else ""


def _command_records(platform) -> dict[str, list[dict]]:
    """The gateway's command records, by command id (each becomes one ledger entry)."""
    found: dict[str, list[dict]] = {}
    for row in platform.sql(
        "SELECT state FROM gateway.accesslogs_events WHERE topic LIKE %s",
        "%HandledCommand.Handled",
    ):
        state = json.loads(bytes(row["state"]))
        if state.get("command_id"):
            status = state["status"]
            result = state.get("result") or (
                "uitgevoerd" if status < 400 else "geweigerd" if status < 500 else "mislukt"
            )
            found.setdefault(state["command_id"], []).append({"status": status, "result": result})
    return found


def _unaccounted_reads(platform, reads: list[Read]) -> int:
    """Dossiers answered in a 200 list without an access record under that list's trace."""
    platform.wait_ledger_complete(deadline=120)
    missing = 0
    for read in reads:
        recorded = {
            row["dossier_id"]
            for row in platform.sql(
                "SELECT dossier_id FROM audit.ledger WHERE correlation_id = %s AND event_type = %s",
                read.trace,
                "nl.wegwijs.gateway.gegevens.ingezien.v1",
            )
        }
        missing += len(set(read.dossiers) - recorded)
    return missing


FIGURES_THAT_MUST_BE_ZERO = (
    "lost",
    "doubled",
    "applied though told it failed",
    "ledger records not one",
    "ledger result wrong",
    "unread",
)


def _assert_exactly_once(figures: dict[str, int]) -> None:
    assert {k: figures[k] for k in FIGURES_THAT_MUST_BE_ZERO} == dict.fromkeys(
        FIGURES_THAT_MUST_BE_ZERO, 0
    ), figures
    assert figures["commands"] > 10 and figures["reads"] > 3, figures


def test_without_a_fault_every_request_is_answered_and_every_read_recorded(platform, dossiers):
    """The baseline: concurrent readers of the same dossiers and writers, no fault: no 5xx at
    all, and every dossier a list showed has its access record (reads never conflict)."""
    load = _under_load(platform, dossiers, lambda: None)
    figures = _verify(platform, load, "none")
    _assert_exactly_once(figures)
    assert load.unanswered_reads == []
    assert [c.answers for c in load.commands if c.answers != [c.answers[0]]] == []
    assert {c.answers[0] for c in load.commands} <= {200, 201}


def test_every_broker_connection_closed_mid_load(platform, dossiers):
    def close_all() -> None:
        rabbitmqctl(
            "close_all_connections", "--vhost", platform.layout.name, "--limit", "1000", "x"
        )

    load = _under_load(platform, dossiers, close_all)
    _assert_exactly_once(_verify(platform, load, "every broker connection closed"))


def test_a_service_killed_between_commit_and_acknowledgement(platform, dossiers):
    """intake commits a work entry and dies before it answers or acknowledges; the broker
    gives the call to the other intake instance, which answers with the stored outcome."""
    second = platform.start("intake", name="intake-b", port=extra_port(30))
    platform.stop("intake")
    doomed = platform.start("intake", env={"WEGWIJS_FAULT_AFTER_COMMIT": "add_work"})
    try:

        def crash() -> None:
            eventually(
                lambda: doomed.popen.poll(),
                lambda code: code == -signal.SIGKILL,
                deadline=20,
                what="intake killed itself after a commit",
            )

        load = _under_load(platform, dossiers, crash)
    finally:
        platform.stop("intake")
        platform.start("intake")
        platform.stop(second.name)
    figures = _verify(platform, load, "intake SIGKILLed between commit and acknowledgement")
    assert "fault_injected_kill_after_commit" in doomed.log.read_text()
    _assert_exactly_once(figures)


def test_the_gateway_stopped_past_the_rpc_timeout(platform, dossiers):
    gateway = platform.processes["gateway"]
    pause = float(platform.layout.env()["WEGWIJS_RPC_TIMEOUT_SECONDS"]) + 2

    def stop_and_go() -> None:
        gateway.popen.send_signal(signal.SIGSTOP)
        eventlet.sleep(pause)
        gateway.popen.send_signal(signal.SIGCONT)

    load = _under_load(platform, dossiers, stop_and_go)
    _assert_exactly_once(_verify(platform, load, f"gateway stopped {pause:g} s"))


@pytest.mark.database_outage
def test_postgresql_restarted_mid_load(platform, dossiers):
    def restart() -> None:
        version = next(Path("/etc/postgresql").iterdir()).name
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
            check=True,
            capture_output=True,
            timeout=120,
        )

    load = _under_load(platform, dossiers, restart)
    _assert_exactly_once(_verify(platform, load, "PostgreSQL restarted"))


@pytest.mark.broker_outage
def test_rabbitmq_stopped_and_started_mid_load(platform, dossiers):
    def stop_and_start() -> None:
        rabbitmqctl("stop_app")
        eventlet.sleep(2)
        rabbitmqctl("start_app")

    load = _under_load(platform, dossiers, stop_and_start)
    _assert_exactly_once(_verify(platform, load, "RabbitMQ stopped and started"))


def test_health_says_which_service_lost_its_broker_connection(platform):
    """intake's broker user may hold no connection: intake cannot consume, and both its own
    /health and the gateway's say so, naming it; once it may again, both are green."""
    user = settings.broker_user("intake")
    vhost = platform.layout.name
    intake = platform.processes["intake"]
    rabbitmqctl("set_user_limits", user, '{"max-connections": 0}')
    try:
        listed = rabbitmqctl(
            "-q", "list_connections", "--no-table-headers", "-p", vhost, "user", "pid"
        )
        for line in listed.splitlines():
            owner, _, pid = line.partition("\t")
            if owner == user:  # (gone already, perhaps: then nothing to close)
                subprocess.run(
                    ["rabbitmqctl", "close_connection", pid, "fault suite"],
                    capture_output=True,
                    timeout=60,
                )
        gateway = eventually(
            lambda: platform.http.get(f"{platform.url}/health", timeout=15),
            lambda r: r.status_code == 503 and r.json()["checks"]["intake"] == "down",
            what="the gateway's /health names intake",
        )
        own = requests.get(f"http://127.0.0.1:{intake.port}/health", timeout=5)
        assert own.status_code == 503
        assert own.json()["broker"] == "not consuming"
        assert {k for k, v in gateway.json()["checks"].items() if v != "ok"} == {"intake"}
    finally:
        rabbitmqctl("clear_user_limits", user, "max-connections")
    platform.wait_healthy()
    assert requests.get(f"http://127.0.0.1:{intake.port}/health", timeout=5).status_code == 200


def _post_work(platform, dossier_id: str, key: str, occupation: str) -> requests.Response:
    return platform.http.post(
        f"{platform.url}/api/v1/dossiers/{dossier_id}/intake/work",
        data=json.dumps({"country": "Eritrea", "occupation": occupation, "years": 1}),
        headers={**as_role(), "Idempotency-Key": f'"{key}"'},
        timeout=30,
    )


def test_a_command_answered_504_that_took_effect_is_settled_as_done(platform, dossiers):
    """intake commits the work entry but answers only after the gateway gave up (504). Asked by
    its key, the gateway settles it as done; the ledger's one record says so, with the 504 the
    client got; the same key again answers as the command did, and adds nothing."""
    platform.stop("intake")
    slow = platform.start("intake", env={"WEGWIJS_FAULT_AFTER_COMMIT": "add_work:8"})
    key, occupation = str(uuid.uuid4()), f"F{uuid.uuid4().hex[:10]}"
    try:
        answered = _post_work(platform, dossiers[0], key, occupation)
        assert answered.status_code == 504, answered.text
        assert answered.headers["Idempotency-Key"] == f'"{key}"'
        state = _settled_state(platform, Command("work", key, occupation))
    finally:
        platform.stop("intake")
        platform.start("intake")

    assert state == "uitgevoerd"
    assert "fault_injected_pause_after_commit" in slow.log.read_text()
    assert _stored_effects(platform)[occupation] == 1
    assert [
        (r["status"], r["result"]) for r in _command_records(platform)[_command_id(platform, key)]
    ] == [(504, "uitgevoerd")]
    again = _post_work(platform, dossiers[0], key, occupation)
    assert again.status_code == 200, again.text
    assert [w["occupation"] for w in again.json()["work"]].count(occupation) == 1
    assert _stored_effects(platform)[occupation] == 1


def test_a_command_that_missed_its_moment_is_given_up_for_good_and_can_be_sent_again(
    platform, dossiers
):
    """intake is stopped (SIGSTOP) while a command waits for it: 504. When intake goes on, the
    call has expired and is refused; asked by its key, the command is settled as given up
    (`mislukt`), and it never takes effect. The same key again is a new attempt, done once."""
    intake = platform.processes["intake"]
    key, occupation = str(uuid.uuid4()), f"F{uuid.uuid4().hex[:10]}"
    intake.popen.send_signal(signal.SIGSTOP)
    try:
        answered = _post_work(platform, dossiers[1], key, occupation)
    finally:
        intake.popen.send_signal(signal.SIGCONT)
    assert answered.status_code == 504, answered.text

    assert _settled_state(platform, Command("work", key, occupation)) == "mislukt"
    platform.wait_ledger_complete()
    assert _stored_effects(platform)[occupation] == 0
    given_up = _command_id(platform, key)
    again = _post_work(platform, dossiers[1], key, occupation)
    assert again.status_code == 200, again.text
    assert _stored_effects(platform)[occupation] == 1
    records = _command_records(platform)
    assert [(r["status"], r["result"]) for r in records[given_up]] == [(504, "mislukt")]
    redone = _command_id(platform, key)
    assert [(r["status"], r["result"]) for r in records[redone]] == [(200, "uitgevoerd")]
