"""The cost of one command: CPU per registration with its whole cascade, where it goes, the
gateway's rate beside eventsourcing `save`, and propagation at half that rate.

`.venv/bin/python -m bench.hotpath` runs it alone: its own platform (database and vhost
`wegwijs_hotpath`, gateway on 31200, services from 31300), fresh each time. It measures
- registrations through the gateway, closed loop (CLIENTS clients, SECONDS seconds), and the
  same-run baseline: eventsourcing `save` of two aggregates in a plain process (bench/baselines);
- CPU from /proc (utime + stime) of every process the platform uses over that run until the
  cascade has settled (every stored event in the audit ledger): the services and the gateway,
  the Werkplek and the OpenID Connect provider, RabbitMQ's beam.smp, and the PostgreSQL backends
  connected to this database (sampled every 0.2 s, so short-lived backends count too); less the
  CPU the same processes burn at rest over a window of the same length, measured right after.
  Divided by the registrations: CPU per registration, whole cascade included. RabbitMQ and
  PostgreSQL are shared with whatever else runs on the machine: their share is noisy there;
- where it goes: a second closed-loop run with py-spy sampling every Python process (its own
  CPU is not counted), per process the share of /proc CPU, and within it the milliseconds per
  registration by group (the library or platform module running on the CPU, leaf first);
- propagation at half the sustained gateway rate: stored registration -> audit ledger entry,
  and -> the draft PIP's ledger entry (two hops), p50/p95/p99.
Prints a table and JSON (`--json` prints only the JSON). `make bench` runs `measure` on its own
platform (bench/run.py) and puts the results and the targets in bench/results.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import eventlet

from bench.run import baselines, latencies, paced, percentiles, ratio, throughput, two_hop_latencies
from services.common import settings
from tests.platform import ROOT, Layout, Platform

# Production pool sizes (settings' defaults), as bench/run.py's platform.
HOTPATH = Layout(
    "wegwijs_hotpath",
    gateway_port=31200,
    service_port_base=31300,
    pg_pool_overflow=settings.PG_POOL_OVERFLOW.default,
    pg_max_connections=settings.PG_MAX_CONNECTIONS.default,
)
CLIENTS = 4
SECONDS = 15.0
PROFILE_SECONDS = 10.0
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

    def __init__(self, platform: Platform):
        self.platform = platform
        self.dbname = platform.layout.name
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._group: dict[int, str] = {}
        self._running = False
        self._thread: Any = None

    def _groups_now(self) -> dict[int, str]:
        found = {p.popen.pid: name for name, p in self.platform.processes.items()}
        for pid in _pids():
            comm = _comm(pid)
            if comm == "beam.smp":
                found[pid] = "rabbitmq"
            elif comm == "postgres":
                line = _cmdline(pid)
                # backends of this database, not the bench's own (as the administrator)
                if f" {self.dbname} " in line and not line.startswith("postgres: postgres "):
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


def closed_loop(platform: Platform, clients: int, seconds: float) -> dict[str, Any]:
    """Registrations by `clients` clients for `seconds`, with the CPU of everything until the
    cascade has settled, and the CPU at rest over as long a window right after."""
    meter = CpuMeter(platform)
    meter.start()
    rate = throughput(platform.register, clients=clients, seconds=seconds)
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


# py-spy ---------------------------------------------------------------------------------------
GROUPS = (
    # (what a frame's file path contains, the group it counts for); first match wins
    ("/json/", "json"),
    ("/psycopg", "psycopg"),
    ("/psycopg_pool", "psycopg"),
    ("/kombu/", "kombu/amqp"),
    ("/amqp/", "kombu/amqp"),
    ("/eventsourcing/", "eventsourcing"),
    ("/nameko/", "nameko"),
    ("/eventlet/", "eventlet"),
    ("/greenlet", "eventlet"),
    ("/logging/", "logging"),
    ("/cryptography/", "signing (cryptography/jwt)"),
    ("/jwt/", "signing (cryptography/jwt)"),
    ("/nacl/", "signing (cryptography/jwt)"),
    ("/prometheus_client/", "prometheus"),
    ("/werkzeug/", "http (werkzeug)"),
    ("/jsonschema", "jsonschema"),
    ("/pydantic", "pydantic"),
    ("/uuid.py", "uuid"),
    ("/hashlib", "hashlib"),
    ("/ssl.py", "ssl"),
    ("/socket.py", "socket"),
    ("/selectors.py", "socket"),
)


def group_of(frame: str) -> str:
    """The group of one py-spy frame `function (path:line)`."""
    path = frame[frame.rfind("(") + 1 :]
    if "/services/" in path:
        return "wegwijs " + path[path.rfind("/services/") + 10 :].split(":")[0]
    for needle, group in GROUPS:
        if needle in path:
            return group
    if "site-packages/" in path:
        return path.split("site-packages/")[1].split("/")[0].split(".")[0]
    return "python stdlib/other"


def _leaf_group(stack: str) -> str:
    """The group on the CPU: the leaf's, unless the leaf is the standard library, then the
    nearest caller's that is not (json.dumps called by the outbox counts as json)."""
    frames = stack.split(";")
    for frame in reversed(frames):
        group = group_of(frame)
        if group != "python stdlib/other":
            return group
    return "python stdlib/other"


def profile(platform: Platform, clients: int, seconds: float) -> dict[str, Any]:
    """A closed-loop run with py-spy on every Python process of the platform: per process, the
    milliseconds per registration (from /proc) and how its samples split over groups."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return {"error": "py-spy is not installed (.venv/bin/pip install py-spy)"}
    out = Path(tempfile.mkdtemp(prefix="hotpath-"))
    spies = {}
    for name, process in platform.processes.items():
        if name == "oidc":
            continue
        spies[name] = subprocess.Popen(
            [
                spy,
                "record",
                "--pid",
                str(process.popen.pid),
                "--rate",
                "250",
                "--format",
                "raw",
                "--nonblocking",
                "--duration",
                str(int(seconds + 600)),
                "--output",
                str(out / f"{name}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    eventlet.sleep(1.0)
    try:
        run = closed_loop(platform, clients, seconds)
    finally:
        for spy_process in spies.values():
            spy_process.send_signal(2)  # SIGINT: py-spy writes what it has
        for spy_process in spies.values():
            try:
                spy_process.wait(60)
            except subprocess.TimeoutExpired:
                spy_process.kill()
    table: dict[str, Any] = {}
    per_process = run["cpu_ms_per_registration_by_process"]
    for name, ms in per_process.items():
        samples: Counter[str] = Counter()
        path = out / f"{name}.txt"
        if path.exists():
            for line in path.read_text().splitlines():
                stack, _, count = line.rpartition(" ")
                if stack and count.isdigit():
                    samples[_leaf_group(stack)] += int(count)
        total = sum(samples.values())
        table[name] = {
            "ms_per_registration": ms,
            "groups_ms": {g: round(ms * c / total, 2) for g, c in samples.most_common(8) if total},
        }
    shutil.rmtree(out, ignore_errors=True)
    return {"run": run, "table": table}


# the whole measure ------------------------------------------------------------------------------
def measure(platform: Platform, base: dict[str, Any], with_profile: bool = True) -> dict[str, Any]:
    """Everything this module measures, on a running `platform`, with `base` from
    bench.baselines (same run)."""
    for _ in range(20):
        platform.register()
    platform.wait_ledger_complete(deadline=300)
    save = base["eventsourcing_save"]["per_second"]
    print("hotpath: closed-loop registrations, CPU from /proc ...", flush=True)
    cpu = closed_loop(platform, CLIENTS, SECONDS)
    gateway = cpu["registrations"]
    start_seq = platform.ledger_count()
    print("hotpath: propagation at half the sustained rate ...", flush=True)
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
        print("hotpath: the same with py-spy on every Python process ...", flush=True)
        results["profile"] = profile(platform, CLIENTS, PROFILE_SECONDS)
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
    lines = ["", "where the CPU of one registration goes (py-spy run; ms per registration):"]
    for name, entry in table.items():
        groups = ", ".join(f"{g} {ms}" for g, ms in entry["groups_ms"].items())
        lines.append(f"  {name:<12}{entry['ms_per_registration']:>8} ms  {groups}")
    return lines


def print_table(r: dict[str, Any]) -> None:
    print(f"\n{'measure':<58}{'value':>12}  {'unit':<5}{'ratio':>14}")
    for label, value, unit, ratio_text in rows(r):
        print(f"{label:<58}{value:>12}  {unit:<5}{ratio_text:>14}")
    for line in profile_lines(r):
        print(line)
    for target, met in r["targets"].items():
        print(f"target {target}: {'met' if met else 'NOT met'}")


def main() -> int:
    os.environ.update(HOTPATH.env())
    platform = Platform(HOTPATH)
    print("hotpath: fresh database and vhost, starting the platform ...", flush=True)
    platform.reset_infrastructure()
    base = baselines(platform, HOTPATH.name)
    platform.start_all()
    try:
        results = measure(platform, base, with_profile="--no-profile" not in sys.argv)
    finally:
        platform.stop_all()
    if "--json" in sys.argv:
        print(json.dumps(results, indent=2))
    else:
        print_table(results)
        out = ROOT / ".run" / "hotpath.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
