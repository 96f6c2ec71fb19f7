"""Where a process's CPU goes, for `bench/hotpath.py` (development only, WEGWIJS_PROFILE_DIR).

While the file `<dir>/sampling` exists, the process's CPU-time timer (ITIMER_PROF: user and
system time, all threads) raises SIGPROF every 5 ms of CPU it uses (as the kernel's clock tick
sees it: the counts are shares, not milliseconds), and the handler counts the frame the main
thread runs (the greenthread on the CPU). A tick that falls in a system call (a
send to PostgreSQL) is handled as the call returns, in the frame that made it: so the counts
are CPU time, where it was spent, also on a busy machine where a process waits for a core. A
thread looks for that file twice a second, so a platform started with profiling costs next to
nothing until the bench turns it on. Ticks in eventlet's hub waiting for I/O or a timer are idle
and dropped; every other tick is counted under the group of its innermost frame that is not the
standard library (json.dumps called by the outbox counts as `json`), and under the innermost
Wegwijs function on its stack. Every two seconds the counts are written to
`<dir>/<service>.profile.json`, replacing the file, and once more when sampling stops; counting
starts afresh each time the file appears.
"""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from pathlib import Path
from typing import Any

from eventlet import patcher

from services.common import settings

INTERVAL = 0.005
WRITE_EVERY = 2.0
# (what a frame's file path contains, its group); the first match wins
GROUPS = (
    ("/json/", "json"),
    ("/psycopg_pool/", "psycopg"),
    ("/psycopg/", "psycopg"),
    ("/kombu/", "kombu/amqp"),
    ("/amqp/", "kombu/amqp"),
    ("/eventsourcing/", "eventsourcing"),
    ("/nameko/", "nameko"),
    ("/eventlet/", "eventlet"),
    ("/logging/", "logging"),
    ("/cryptography/", "signing (cryptography, jwt)"),
    ("/jwt/", "signing (cryptography, jwt)"),
    ("/prometheus_client/", "prometheus"),
    ("/werkzeug/", "werkzeug"),
    ("/jsonschema", "jsonschema"),
    ("/uuid.py", "uuid"),
    ("/dataclasses.py", "dataclasses"),
)
# Wegwijs modules that only adapt a library, counted as that library: psycopg's wait for the
# server (its generators run inside it).
ADAPTERS = (("/services/common/pgwait.py", "psycopg"),)
_ADAPTED = tuple(suffix for suffix, _ in ADAPTERS)
# The hub waiting: no CPU in use.
_IDLE = ("/eventlet/hubs/",)
_started = False


def group_of(path: str) -> str | None:
    """The group of a source file, None for the standard library and the like."""
    for suffix, group in ADAPTERS:
        if path.endswith(suffix):
            return group
    if "/services/" in path:
        return "wegwijs " + path[path.rfind("/services/") + 1 :].removesuffix(".py")
    for needle, group in GROUPS:
        if needle in path:
            return group
    if "site-packages/" in path:
        return path.split("site-packages/")[1].split("/")[0].removesuffix(".py")
    return None


def classify(frame: Any) -> tuple[str, str] | None:
    """(group on the CPU, innermost Wegwijs function) of a sampled stack; None when idle."""
    leaf_group = wegwijs = None
    depth = 0
    while frame is not None and depth < 200:
        path = frame.f_code.co_filename
        if depth == 0 and any(idle in path for idle in _IDLE):
            return None
        if leaf_group is None:
            leaf_group = group_of(path)
        if wegwijs is None and "/services/" in path and not path.endswith(_ADAPTED):
            module = path[path.rfind("/services/") + 1 :].removesuffix(".py")
            wegwijs = f"{module}:{frame.f_code.co_name}"
        if leaf_group is not None and wegwijs is not None:
            break
        frame = frame.f_back
        depth += 1
    return (leaf_group or "python (standard library)", wegwijs or "(outside wegwijs code)")


def start(service: str) -> bool:
    """Start sampling this process when WEGWIJS_PROFILE_DIR asks for it (development only)."""
    global _started
    directory = settings.PROFILE_DIR.get()
    if _started or not directory or settings.ENVIRONMENT.get() != "development":
        return False
    _started = True
    threading = patcher.original("threading")
    real_sleep = patcher.original("time").sleep
    out = Path(directory) / f"{service}.profile.json"
    out.parent.mkdir(parents=True, exist_ok=True)

    switch = out.parent / "sampling"

    def write(total: int, groups: Counter[str], functions: Counter[str]) -> None:
        # Copies first (one step each): the handler counts on meanwhile, in the main thread.
        groups, functions = Counter(dict(groups)), Counter(dict(functions))
        report = {
            "pid": os.getpid(),
            "samples": total,
            "busy": sum(groups.values()),  # ticks of 5 ms of CPU, as every count
            "groups": dict(groups.most_common()),
            "functions": dict(functions.most_common(40)),
        }
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(report))
        tmp.replace(out)

    groups: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    ticks = [0]

    def tick(signum: int, frame: Any) -> None:
        ticks[0] += 1
        found = classify(frame) if frame is not None else None
        if found is not None:
            groups[found[0]] += 1
            functions[found[1]] += 1

    signal.signal(signal.SIGPROF, tick)  # the main thread's handler: start() runs there
    signal.siginterrupt(signal.SIGPROF, False)  # system calls go on, also in C libraries

    def session() -> None:
        groups.clear()
        functions.clear()
        ticks[0] = 0
        signal.setitimer(signal.ITIMER_PROF, INTERVAL, INTERVAL)
        try:
            while switch.exists():
                real_sleep(WRITE_EVERY)
                write(ticks[0], groups, functions)
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            write(ticks[0], groups, functions)

    def sample() -> None:
        while True:
            real_sleep(0.5)
            if switch.exists():
                try:
                    session()
                except OSError:
                    continue

    threading.Thread(target=sample, name="wegwijs-profile", daemon=True).start()
    return True
