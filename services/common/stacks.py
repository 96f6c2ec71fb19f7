"""What every greenthread of a process is doing, written to its log on `kill -USR2 <pid>`.

A process that stops answering while its hub still runs (a worker pool full of workers waiting
on something that never comes, a consumer stuck in a call) shows nothing in its log and nothing
to an OS-level profiler, which sees only the hub. The signal's handler runs between two
greenthread switches and logs one `greenthread_stacks` line holding the stack of each live
greenthread (innermost frame last), so an operator, or a test that found a process hanging,
can see where each one waits.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import ipaddress
import logging
import os
import signal
import traceback
from pathlib import Path
from typing import Any

import greenlet
from eventlet import hubs

log = logging.getLogger(__name__)

SIGNAL = signal.SIGUSR2


def stacks() -> list[str]:
    """The stack of every live greenthread but the running one, each as text, after the file
    descriptors it waits on in the hub (and what each is now: a descriptor closed and reused
    by another connection leaves its waiter stranded)."""
    waits = _waits()
    found = []
    for obj in gc.get_objects():
        if isinstance(obj, greenlet.greenlet) and obj.gr_frame is not None:
            waiting = "".join(f"waits to {w}\n" for w in waits.get(id(obj), ()))
            found.append(waiting + "".join(traceback.format_stack(obj.gr_frame)))
    return found


def _waits() -> dict[int, list[str]]:
    """Per greenthread (by id), the descriptors it waits on: `read fd 7 (socket:[123])`."""
    hub = hubs.get_hub()
    peers = _tcp_peers()
    found: dict[int, list[str]] = {}
    for evtype, bucket in getattr(hub, "listeners", {}).items():
        for fileno, listener in bucket.items():
            try:
                what = os.readlink(f"/proc/self/fd/{fileno}")
            except OSError:
                what = "closed"
            what = peers.get(what, what)
            waiter = getattr(listener, "greenlet", None)
            found.setdefault(id(waiter), []).append(f"{evtype} fd {fileno} ({what})")
    return found


def _dump(signum: int, frame: Any) -> None:
    """Runs inside whichever greenthread the signal interrupted: in a context of its own (so
    the line is not credited to that greenthread's request), and raising nothing into it."""
    with contextlib.suppress(Exception):  # a diagnostic must not break the code it interrupts
        contextvars.Context().run(_log, frame)


def _log(frame: Any) -> None:
    running = "".join(traceback.format_stack(frame)) if frame is not None else ""
    log.warning("greenthread_stacks", extra={"running": running, "waiting": stacks()})


def install() -> None:
    """Log the stacks on SIGUSR2 (signals are handled in the main thread only; elsewhere this
    does nothing)."""
    with contextlib.suppress(ValueError):
        signal.signal(SIGNAL, _dump)


def _tcp_peers() -> dict[str, str]:
    """`socket:[inode]` -> `tcp 127.0.0.1:5672 (state 01)` for this process's TCP sockets
    (/proc/self/net/tcp and tcp6): which server a waiting socket is connected to, and whether it
    still is (01 established, 08 the peer closed it)."""
    found = {}
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/self/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            remote, state, inode = fields[2], fields[3], fields[9]
            address, port = remote.split(":")
            raw = bytes.fromhex(address)
            if table == "tcp":
                ip = ".".join(str(b) for b in reversed(raw))
            else:  # four 32-bit words, each in host (little-endian) order
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                ip = str(ipaddress.IPv6Address(words))
            found[f"socket:[{inode}]"] = f"{table} {ip}:{int(port, 16)} (state {state})"
    return found
