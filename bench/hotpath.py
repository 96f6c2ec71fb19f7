"""The cost of one command: CPU per registration with its whole cascade, where it goes, the
gateway's rate beside eventsourcing `save`, and propagation at half that rate.

`.venv/bin/python -m bench.hotpath` runs it alone: its own RabbitMQ node (`wegwijs-hotpath` on
port 5699, started and stopped by it, data in .run/hotpath), its own database and vhost
(`wegwijs_hotpath`), gateway on 31200, services from 31300; fresh each time. It measures
- REGISTRATIONS registrations through the gateway by CLIENTS clients, closed loop (each sends
  the next as soon as it has its answer), and the same-run baseline: eventsourcing `save` of two
  aggregates in a plain process (bench/baselines);
- CPU from /proc (utime + stime) of every process of the platform from the first registration
  until the cascade has settled (every stored event in the audit ledger): the services and the
  gateway, the Werkplek and the OpenID Connect provider, the broker's beam.smp (its own node, so
  no other platform's work counts) and the PostgreSQL backends connected to this database
  (sampled every 0.2 s, so short-lived backends count too); less the CPU the same processes
  burn at rest over a window as long, measured right after. Divided by the registrations: CPU
  per registration, whole cascade included. CPU seconds hardly depend on how busy the machine
  is; the rates and latencies do;
- where it goes: the same again with every Python process sampling its own running code
  (services/common/profiling.py, WEGWIJS_PROFILE_DIR), then at rest as long: per process the
  milliseconds per registration (loaded less rest), by group (the library or platform module
  on the CPU) and by the innermost Wegwijs function;
- propagation at half the sustained closed-loop rate: stored registration -> audit ledger entry,
  and -> the draft PIP's ledger entry (two hops), p50/p95/p99.
Prints a table (and writes .run/hotpath/results.json); `--json` prints only the JSON, which is
how `make bench` (bench/run.py) takes it into bench/results.json with the four targets;
`--no-profile` leaves out the sampled run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import eventlet

from bench.run import (
    baselines,
    latencies,
    paced,
    percentiles,
    ratio,
    throughput,
    two_hop_latencies,
)
from services.common import settings
from tests.platform import ROOT, Layout, Platform

BROKER_NODE = "wegwijs-hotpath@localhost"
BROKER_PORT = 5699
RUN = ROOT / ".run" / "hotpath"


@dataclass(frozen=True)
class PrivateBrokerLayout(Layout):
    """A layout whose platform uses a RabbitMQ node of its own (BROKER_NODE on BROKER_PORT),
    so that beam.smp's CPU is this platform's alone; and samples where its CPU goes."""

    def env(self) -> dict[str, str]:
        return {
            **super().env(),
            "WEGWIJS_AMQP_URI": f"amqp://127.0.0.1:{BROKER_PORT}/{self.name}",
            "WEGWIJS_RABBITMQCTL": f"rabbitmqctl -n {BROKER_NODE}",
            "WEGWIJS_PROFILE_DIR": str(RUN / "profile"),
            # Production's polling, not the tests' quicker one: at rest the platform then burns
            # what a deployment burns, and the rest subtracted from a loaded run is smaller.
            "WEGWIJS_RELAY_POLL_SECONDS": settings.RELAY_POLL_SECONDS.default,
            "WEGWIJS_CATCHUP_SECONDS": settings.CATCHUP_SECONDS.default,
        }


# Production pool sizes (settings' defaults), as bench/run.py's platform.
HOTPATH = PrivateBrokerLayout(
    "wegwijs_hotpath",
    gateway_port=31200,
    service_port_base=31300,
    pg_connections=settings.PG_CONNECTIONS.default,
    pg_idle_seconds=settings.PG_IDLE_SECONDS.default,
)
CLIENTS = 4
REGISTRATIONS = 200  # per closed-loop run, or as many as MAX_SECONDS allow
MAX_SECONDS = 60.0
PROFILE_REGISTRATIONS = 100
SAMPLE_EVERY = 0.2
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REGISTERED = "nl.wegwijs.intake.dossier.geregistreerd.v1"


# /proc ------------------------------------------------------------------------------------------
def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def _cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="ignore")
        )
    except OSError:
        return ""


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


class CpuMeter:
    """CPU seconds per process group of one platform, sampled from /proc while it runs."""

    def __init__(self, platform: Platform, broker_pid: int | None):
        self.platform = platform
        self.broker_pid = broker_pid
        self.dbname = platform.layout.name
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._group: dict[int, str] = {}
        self._running = False
        self._thread: Any = None

    def _groups_now(self) -> dict[int, str]:
        found = {p.popen.pid: name for name, p in self.platform.processes.items()}
        if self.broker_pid:
            found[self.broker_pid] = "rabbitmq"
        for pid in _pids():
            if _comm(pid) == "postgres":
                # `postgres: 15/main: <user> <database> <client> <state>`: backends of this
                # database, not the bench's own (as the administrator)
                words = _cmdline(pid).split()
                if self.dbname in words[2:4] and "postgres" not in words[2:3]:
                    found[pid] = "postgresql"
        return found

    def _sample(self, discover: bool) -> None:
        if discover:
            for pid, group in self._groups_now().items():
                if pid not in self._group:
                    self._group[pid] = group
                    # a backend born during the window started from nothing
                    self._first[pid] = 0.0 if self._running else (_cpu_seconds(pid) or 0.0)
        for pid in self._group:
            value = _cpu_seconds(pid)
            if value is not None:
                self._last[pid] = value

    def _loop(self) -> None:
        n = 0
        while self._running:
            self._sample(discover=n % 5 == 0)  # a new backend is looked for every second
            n += 1
            eventlet.sleep(SAMPLE_EVERY)

    def start(self) -> None:
        self._first, self._last, self._group = {}, {}, {}
        self._sample(discover=True)
        self._running = True
        self._started = time.perf_counter()
        self._thread = eventlet.spawn(self._loop)

    def stop(self) -> dict[str, Any]:
        self._sample(discover=True)
        self._running = False
        self._thread.wait()
        self._sample(discover=False)
        per_group: dict[str, float] = defaultdict(float)
        for pid, group in self._group.items():
            per_group[group] += max(self._last.get(pid, 0.0) - self._first.get(pid, 0.0), 0.0)
        return {
            "seconds": round(time.perf_counter() - self._started, 3),
            "cpu_seconds": {g: round(v, 3) for g, v in sorted(per_group.items())},
            "total_cpu_seconds": round(sum(per_group.values()), 3),
        }


def registrations(platform: Platform, clients: int, count: int, seconds: float) -> dict:
    """`count` registrations by `clients` clients, each registering again as soon as it has
    its answer (closed loop), or as many as `seconds` allow."""
    return throughput(platform.register, clients, seconds, count)


def closed_loop(
    platform: Platform, broker_pid: int | None, clients: int, count: int
) -> dict[str, Any]:
    """`count` closed-loop registrations, with the CPU of everything until the cascade has
    settled, and the CPU at rest over as long a window right after."""
    meter = CpuMeter(platform, broker_pid)
    meter.start()
    rate = registrations(platform, clients, count, MAX_SECONDS)
    platform.wait_ledger_complete(deadline=300)
    loaded = meter.stop()
    eventlet.sleep(1.0)
    meter.start()
    eventlet.sleep(loaded["seconds"])
    idle = meter.stop()
    net = {
        g: loaded["cpu_seconds"].get(g, 0.0) - idle["cpu_seconds"].get(g, 0.0)
        for g in loaded["cpu_seconds"]
    }
    n = max(rate["operations"], 1)
    return {
        "registrations": rate,
        "window_seconds": loaded["seconds"],
        "cpu_loaded": loaded,
        "cpu_idle_same_window": idle,
        "cpu_ms_per_registration": round(sum(net.values()) * 1000 / n, 2),
        "cpu_ms_per_registration_by_process": {
            g: round(v * 1000 / n, 2) for g, v in sorted(net.items(), key=lambda kv: -kv[1])
        },
        "idle_cpu_ms_per_second": round(
            idle["total_cpu_seconds"] * 1000 / max(idle["seconds"], 1e-9), 1
        ),
    }


# where it goes -----------------------------------------------------------------------------------
def profile(platform: Platform, broker_pid: int | None, clients: int, count: int) -> dict[str, Any]:
    """Closed-loop registrations with every Python process sampling itself
    (services/common/profiling, turned on by a file in WEGWIJS_PROFILE_DIR), then the platform
    at rest as long: per process its CPU per registration (from /proc, the rest subtracted) and
    where it went, per group and per Wegwijs function (loaded minus rest, in ms)."""
    directory = Path(platform.env.get("WEGWIJS_PROFILE_DIR") or "")
    if not directory.name:
        return {"error": "the platform was started without WEGWIJS_PROFILE_DIR"}
    directory.mkdir(parents=True, exist_ok=True)
    switch = directory / "sampling"
    meter = CpuMeter(platform, broker_pid)

    def sampled(work) -> tuple[dict[str, Any], dict[str, Any]]:
        for old in directory.glob("*.profile.json"):
            old.unlink()
        switch.touch()
        eventlet.sleep(1.0)  # every sampler has seen it
        meter.start()
        try:
            outcome = work()
        finally:
            cpu = meter.stop()
            switch.unlink()
        eventlet.sleep(3.0)  # every sampler has written its last counts
        reports = {
            f.name.removesuffix(".profile.json"): json.loads(f.read_text())
            for f in directory.glob("*.profile.json")
        }
        return {"cpu": cpu, "outcome": outcome}, reports

    def load() -> dict[str, Any]:
        rate = registrations(platform, clients, count, MAX_SECONDS)
        platform.wait_ledger_complete(deadline=300)
        return rate

    loaded, loaded_reports = sampled(load)
    window = loaded["cpu"]["seconds"]
    idle, idle_reports = sampled(lambda: eventlet.sleep(window))
    rate = loaded["outcome"]
    n = max(rate["operations"], 1)
    table: dict[str, Any] = {}
    for name, cpu in loaded["cpu"]["cpu_seconds"].items():
        busy_ms = cpu * 1000 / n
        rest_ms = idle["cpu"]["cpu_seconds"].get(name, 0.0) * 1000 / n
        entry: dict[str, Any] = {
            "ms_per_registration": round(busy_ms - rest_ms, 2),
            "loaded_ms": round(busy_ms, 2),
            "rest_ms": round(rest_ms, 2),
        }
        for key, field in (("groups_ms", "groups"), ("wegwijs_functions_ms", "functions")):
            net = _net(loaded_reports.get(name), busy_ms, idle_reports.get(name), rest_ms, field)
            if net:
                entry[key] = net
        table[name] = entry
    table = dict(sorted(table.items(), key=lambda kv: -kv[1]["ms_per_registration"]))
    return {"registrations": rate, "window_seconds": window, "table": table}


def _net(
    loaded: dict | None, loaded_ms: float, rest: dict | None, rest_ms: float, field: str
) -> dict[str, float]:
    """ms per registration per key of `field`: the loaded run's share less the rest's."""
    if not loaded:
        return {}
    shares: dict[str, float] = defaultdict(float)
    for report, ms, sign in ((loaded, loaded_ms, 1), (rest, rest_ms, -1)):
        if not report or not report.get("busy"):
            continue
        for key, count in report[field].items():
            shares[key] += sign * ms * count / report["busy"]
    top = sorted(shares.items(), key=lambda kv: -kv[1])[:8]
    return {k: round(v, 2) for k, v in top}


# the whole measure ------------------------------------------------------------------------------
def measure(
    platform: Platform, base: dict[str, Any], broker_pid: int | None, with_profile: bool = True
) -> dict[str, Any]:
    """Everything this module measures, on a running `platform` whose broker runs as
    `broker_pid`, with `base` from bench.baselines (same run)."""
    for _ in range(20):
        platform.register()
    platform.wait_ledger_complete(deadline=300)
    save = base["eventsourcing_save"]["per_second"]
    say("hotpath: closed-loop registrations, CPU from /proc ...")
    cpu = closed_loop(platform, broker_pid, CLIENTS, REGISTRATIONS)
    gateway = cpu["registrations"]
    start_seq = platform.ledger_head()
    say("hotpath: propagation at half the sustained rate ...")
    pacing = paced(platform, max(gateway["per_second"] / 2, 1.0))
    platform.wait_ledger_complete(deadline=300)
    one_hop = percentiles(latencies(platform, start_seq, REGISTERED))
    two_hop = percentiles(two_hop_latencies(platform, start_seq))
    results: dict[str, Any] = {
        "baseline_eventsourcing_save_per_second": save,
        "gateway": {**gateway, "ratio_to_eventsourcing_save": ratio(gateway["per_second"], save)},
        "cpu": cpu,
        "propagation": {
            "paced": pacing,
            "commit_to_ledger": one_hop,
            "commit_to_draft_pip_ledger_entry": two_hop,
        },
    }
    if with_profile:
        say("hotpath: the same with every Python process sampling where its CPU goes ...")
        results["profile"] = profile(platform, broker_pid, CLIENTS, PROFILE_REGISTRATIONS)
    results["targets"] = targets(results)
    return results


def targets(r: dict[str, Any]) -> dict[str, bool]:
    return {
        "cpu_per_registration_at_most_10_ms": r["cpu"]["cpu_ms_per_registration"] <= 10,
        "gateway_registrations_at_least_200_per_second": r["gateway"]["per_second"] >= 200,
        "propagation_p99_within_50_ms": r["propagation"]["commit_to_ledger"]["p99_ms"] <= 50,
        "two_hop_p99_within_100_ms": r["propagation"]["commit_to_draft_pip_ledger_entry"]["p99_ms"]
        <= 100,
    }


def rows(r: dict[str, Any]) -> list[tuple[str, object, str, str]]:
    """Table rows (label, value, unit, ratio) for bench/run.py's table and this module's."""
    cpu, gw, prop = r["cpu"], r["gateway"], r["propagation"]
    out: list[tuple[str, object, str, str]] = [
        (
            "baseline: eventsourcing save (2 aggregates)",
            r["baseline_eventsourcing_save_per_second"],
            "/s",
            "1.000",
        ),
        (
            f"registrations via gateway, closed loop ({gw['clients']} clients)",
            gw["per_second"],
            "/s",
            f"{gw['ratio_to_eventsourcing_save']:.3f}",
        ),
        (
            "CPU per registration, whole cascade, all processes",
            cpu["cpu_ms_per_registration"],
            "ms",
            "",
        ),
    ]
    for name, ms in cpu["cpu_ms_per_registration_by_process"].items():
        out.append((f"  of which {name}", ms, "ms", ""))
    out.append(("CPU at rest, all processes", cpu["idle_cpu_ms_per_second"], "ms/s", ""))
    for label, key in (
        ("commit -> ledger", "commit_to_ledger"),
        ("commit -> draft PIP in ledger", "commit_to_draft_pip_ledger_entry"),
    ):
        for p in ("p50_ms", "p95_ms", "p99_ms"):
            out.append(
                (f"{label} {p[:3]} at {prop['paced']['rate_per_second']}/s", prop[key][p], "ms", "")
            )
    return out


def profile_lines(r: dict[str, Any]) -> list[str]:
    table = (r.get("profile") or {}).get("table") or {}
    lines = [
        "",
        "where the CPU of one registration goes (sampled run; ms per registration, loaded"
        " less rest):",
    ]
    for name, entry in table.items():
        lines.append(
            f"  {name:<11}{entry['ms_per_registration']:>8} ms"
            f"  (loaded {entry['loaded_ms']}, rest {entry['rest_ms']})"
        )
        for key in ("groups_ms", "wegwijs_functions_ms"):
            if entry.get(key):
                lines.append("      " + ", ".join(f"{g} {ms}" for g, ms in entry[key].items()))
    return lines


def print_table(r: dict[str, Any]) -> None:
    print(f"\n{'measure':<58}{'value':>12}  {'unit':<5}{'ratio':>14}")
    for label, value, unit, ratio_text in rows(r):
        print(f"{label:<58}{value:>12}  {unit:<5}{ratio_text:>14}")
    for line in profile_lines(r):
        print(line)
    for target, met in r["targets"].items():
        print(f"target {target}: {'met' if met else 'NOT met'}")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@contextmanager
def private_broker():
    """A RabbitMQ node of the bench's own (BROKER_NODE, BROKER_PORT, no plugins, its data under
    .run/hotpath); yields the OS pid of its beam.smp. Stopped, and only it, at the end."""
    home = RUN / "rabbitmq"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    (home / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{BROKER_PORT}\n")
    (home / "enabled_plugins").write_text("[].\n")
    if _has_user("rabbitmq"):  # rabbitmq-server run as root becomes that user
        for path in (home, *home.iterdir()):
            shutil.chown(path, "rabbitmq", "rabbitmq")
    env = {
        **os.environ,
        "RABBITMQ_NODENAME": BROKER_NODE,
        "RABBITMQ_NODE_PORT": str(BROKER_PORT),
        "RABBITMQ_DIST_PORT": str(BROKER_PORT + 20000),
        "RABBITMQ_MNESIA_BASE": str(home / "mnesia"),
        "RABBITMQ_LOG_BASE": str(home / "log"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(home / "enabled_plugins"),
        "RABBITMQ_CONFIG_FILE": str(home / "rabbitmq.conf"),
        "RABBITMQ_CONF_ENV_FILE": "/dev/null",
    }
    ctl = ["rabbitmqctl", "-n", BROKER_NODE]
    subprocess.run([*ctl, "stop"], capture_output=True, timeout=60)  # left from a killed run
    server = subprocess.Popen(
        ["rabbitmq-server"],
        env=env,
        stdout=(home / "server.out").open("ab"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        # 69 until the node is there at all; then it waits for the broker to have started
        while subprocess.run([*ctl, "await_startup"], capture_output=True, timeout=200).returncode:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"RabbitMQ node {BROKER_NODE} did not start: see {home}")
            time.sleep(1)
        pid = subprocess.run(
            [*ctl, "eval", "os:getpid()."], capture_output=True, text=True, check=True
        ).stdout
        yield int(pid.strip().strip('"'))
    finally:
        subprocess.run([*ctl, "stop"], capture_output=True, timeout=120)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def main() -> int:
    os.environ.update(HOTPATH.env())
    platform = Platform(HOTPATH)
    say("hotpath: its own RabbitMQ node, a fresh database and vhost, starting the platform ...")
    with private_broker() as broker_pid:
        platform.reset_infrastructure()
        base = baselines(platform, HOTPATH.name)
        platform.start_all()
        try:
            results = measure(
                platform, base, broker_pid, with_profile="--no-profile" not in sys.argv
            )
        finally:
            platform.stop_all()
    if "--json" in sys.argv:
        print(json.dumps(results, indent=2))
        return 0
    print_table(results)
    out = RUN / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
