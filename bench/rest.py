"""The platform at rest: the PostgreSQL connections it holds, the CPU it burns while unused.

Runnable alone (`.venv/bin/python -m bench.rest`) and part of `make bench` (bench/run.py). It
starts its own platform (database and vhost `wegwijs_rest`, gateway on 29000, services from
29100; WEGWIJS_REST_LAYOUT=name:gateway:service-base picks another), registers a few people so
every pool and loop has worked, waits until every consumer and the ledger have taken it all in
and the pools have closed what they no longer need, and then measures over a window:

- connections: the rows of pg_stat_activity on the platform's database held by its processes'
  login roles (`<database>_<process>`), sampled every two seconds of the window (the most, the
  mean, and per role and application at its end), against the budget the platform declares
  (`settings.connections_at_rest`);
- CPU: utime + stime from /proc of every process the platform started (the services, the
  gateway, the Werkplek, the OpenID Connect provider, with their children) and of the PostgreSQL
  backends serving them, over the window, in ms of CPU per second;
- baseline, in the same window: a plain Python process that wakes ten times a second and does
  nothing (what a cheap timer costs on this machine now), printed with the ratio.

Prints a table and one JSON object (the last line), which bench/run.py takes into its results.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from services.common import settings
from tests.platform import Layout, Platform, person

TICKS = os.sysconf("SC_CLK_TCK")
WINDOW_SECONDS = float(os.environ.get("WEGWIJS_REST_WINDOW_SECONDS") or 60)
# How long the pools may take to close what they no longer need after the last request: each
# closes one unused connection per idle period, so a few periods.
SETTLE_SECONDS = 240.0
REGISTRATIONS = 5


def _layout() -> Layout:
    chosen = os.environ.get("WEGWIJS_REST_LAYOUT") or "wegwijs_rest:29000:29100"
    name, gateway, base = chosen.split(":")
    return Layout(name, gateway_port=int(gateway), service_port_base=int(base))


# The platform as `make up` runs it: these settings at their defaults, not at the tests' values.
AS_DEPLOYED = (
    "WEGWIJS_RELAY_POLL_SECONDS",
    "WEGWIJS_CATCHUP_SECONDS",
    "WEGWIJS_MONITOR_SECONDS",
    "WEGWIJS_PG_CONNECTIONS",
    "WEGWIJS_PG_IDLE_SECONDS",
)


def as_deployed(platform: Platform) -> None:
    for setting in settings.declared():
        if setting.name in AS_DEPLOYED:
            platform.env[setting.name] = setting.default


def cpu_ticks(pid: int) -> int:
    """utime + stime of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def descendants(roots: list[int]) -> set[int]:
    """The processes in `roots` and every process below them."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[1])
    found = set(roots)
    grew = True
    while grew:
        below = {pid for pid, parent in parents.items() if parent in found} - found
        found |= below
        grew = bool(below)
    return found


def _sql(platform: Platform, query: str, *params: object) -> list[dict]:
    """A query of the bench's own, tried again while PostgreSQL is full (other platforms on
    the machine may take every connection for a moment)."""
    for _ in range(60):
        try:
            return platform.sql(query, *params)
        except psycopg.OperationalError:
            time.sleep(1)
    return platform.sql(query, *params)


def connections(platform: Platform) -> list[dict]:
    """The platform's processes' connections, grouped by role, application and state."""
    return _sql(
        platform,
        "SELECT usename AS role, application_name AS application, state, count(*) AS n"
        " FROM pg_stat_activity WHERE datname = %s AND usename LIKE %s"
        " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        platform.layout.name,
        f"{platform.layout.name}\\_%",
    )


def backend_pids(platform: Platform) -> set[int]:
    rows = _sql(
        platform,
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND usename LIKE %s",
        platform.layout.name,
        f"{platform.layout.name}\\_%",
    )
    return {r["pid"] for r in rows}


def total(rows: list[dict]) -> int:
    return sum(r["n"] for r in rows)


def settle(platform: Platform, budget: int) -> tuple[float, list[dict]]:
    """Wait until the connections are within the budget at rest and stay so for a while (or
    SETTLE_SECONDS pass); returns how long it took and the connections then."""
    started = time.monotonic()
    steady_since, last = None, None
    while time.monotonic() - started < SETTLE_SECONDS:
        rows = connections(platform)
        n = total(rows)
        if n != last:
            steady_since, last = time.monotonic(), n
        if n <= budget and time.monotonic() - steady_since >= 10:
            break
        time.sleep(1)
    return round(time.monotonic() - started, 1), connections(platform)


BASELINE = "import time\nwhile True:\n    time.sleep(0.1)\n"


def measure(platform: Platform, window: float = WINDOW_SECONDS) -> dict:
    """Measure the settled platform at rest over `window` seconds."""
    # Before the platform declared one, the target is the budget.
    budget = settings.connections_at_rest() if hasattr(settings, "connections_at_rest") else 12
    for _ in range(REGISTRATIONS):
        platform.register(person())
    platform.wait_ledger_complete(deadline=120)
    settled_after, _ = settle(platform, budget)
    baseline = subprocess.Popen([sys.executable, "-c", BASELINE])
    try:
        time.sleep(1)  # its start-up is not part of the window
        owner = {
            pid: name
            for name, process in platform.processes.items()
            for pid in descendants([process.popen.pid])
        }
        pids = set(owner)
        backends_before = backend_pids(platform)
        before = {pid: cpu_ticks(pid) for pid in pids | backends_before}
        baseline_before = cpu_ticks(baseline.pid)
        started = time.monotonic()
        samples = []  # the connections, every two seconds of the window
        while time.monotonic() - started < window:
            samples.append(total(connections(platform)))
            time.sleep(2)
        elapsed = time.monotonic() - started
        baseline_ticks = cpu_ticks(baseline.pid) - baseline_before
        backends_after = backend_pids(platform)
        by_process: dict[str, int] = {}
        for pid in pids:
            by_process[owner[pid]] = by_process.get(owner[pid], 0) + cpu_ticks(pid) - before[pid]
        processes_ticks = sum(by_process.values())
        # A backend opened during the window counts whole; one closed in it is not seen.
        backends_ticks = sum(
            max(cpu_ticks(pid) - before.get(pid, 0), 0) for pid in backends_before | backends_after
        )
        rows = connections(platform)
    finally:
        baseline.kill()
        baseline.wait()

    def per_second(ticks: int) -> float:
        return round(ticks * 1000 / TICKS / elapsed, 2)

    cpu = per_second(processes_ticks + backends_ticks)
    base = per_second(baseline_ticks)
    return {
        "window_seconds": round(elapsed, 1),
        "settled_after_seconds": settled_after,
        "connections": {
            # the most seen in the window (a timer's work may hold one more for a while)
            "at_rest": max(samples),
            "mean": round(sum(samples) / len(samples), 1),
            "least": min(samples),
            "budget_at_rest": budget,
            "by_role": rows,
        },
        "cpu_ms_per_second": {
            "platform": cpu,
            "processes": per_second(processes_ticks),
            "postgres_backends": per_second(backends_ticks),
            # where it goes: per process (with its children)
            "by_process": {name: per_second(ticks) for name, ticks in sorted(by_process.items())},
            "baseline_idle_python": base,
            # Against a timer that costs next to nothing the ratio is large; it is there to show
            # how noisy the machine was (the baseline rises with it).
            "ratio_to_baseline": round(cpu / base, 1) if base else None,
        },
    }


def rows_of(r: dict) -> list[tuple[str, object, str, str]]:
    cpu = r["cpu_ms_per_second"]
    ratio = "" if cpu["ratio_to_baseline"] is None else f"{cpu['ratio_to_baseline']:.1f}"
    return [
        (
            "connections at rest, most in the window (budget)",
            r["connections"]["at_rest"],
            "",
            str(r["connections"]["budget_at_rest"]),
        ),
        ("connections at rest, mean over the window", r["connections"]["mean"], "", ""),
        (
            f"baseline: idle python, 10 wakeups/s, {r['window_seconds']} s",
            cpu["baseline_idle_python"],
            "ms/s",
            "1.0",
        ),
        ("CPU at rest, whole platform", cpu["platform"], "ms/s", ratio),
        ("  of which the platform's processes", cpu["processes"], "ms/s", ""),
        ("  of which their PostgreSQL backends", cpu["postgres_backends"], "ms/s", ""),
    ]


def targets(r: dict) -> dict[str, bool]:
    return {
        "connections_at_rest_at_most_12": r["connections"]["at_rest"] <= 12,
        "idle_cpu_at_most_20_ms_per_second": r["cpu_ms_per_second"]["platform"] <= 20,
    }


def main() -> int:
    layout = _layout()
    os.environ.update(layout.env())  # tokens made here are checked by this platform
    platform = Platform(layout)
    as_deployed(platform)
    print(f"rest: fresh database and vhost {layout.name}, starting the platform ...", flush=True)
    platform.reset_infrastructure()
    try:
        platform.start_all()
        print("rest: a few registrations, then waiting until it is at rest ...", flush=True)
        result = measure(platform)
    finally:
        platform.stop_all()
    for label, value, unit, extra in rows_of(result):
        print(f"{label:<52}{value:>10}  {unit:<5}{extra:>8}")
    for name, ms in result["cpu_ms_per_second"]["by_process"].items():
        print(f"  CPU at rest of {name:<36}{ms:>10}  ms/s")
    for row in result["connections"]["by_role"]:
        print(f"  {row['role']:<28}{row['application']:<24}{row['state'] or '':<22}{row['n']:>3}")
    for target, met in targets(result).items():
        print(f"target {target}: {'met' if met else 'NOT met'}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
