"""How psycopg waits for the server in a process under eventlet.

psycopg's own C wait would stall eventlet's hub, so `services/__init__.py` has it wait through
`select`, which eventlet makes green. That works, but costs a green `select` per round trip:
listeners for three fd lists and a timer for the poll interval, set up and torn down each time.
`wait` here hands the connection's socket to the hub directly (`trampoline`, as eventlet's own
sockets do): no timer, one listener. A wait for reading and writing at once, which the hub cannot
park on, goes through green `select`; so does a wait with a timeout (psycopg passes one only
where it must give up, as when polling for notifications), through psycopg's `wait_select`.
"""

from __future__ import annotations

from typing import Any

from eventlet import patcher
from eventlet.green import select
from eventlet.hubs import trampoline
from psycopg import errors, waiting


def wait(gen: Any, fileno: int, interval: float = 0.0, timeout: float | None = None) -> Any:
    """Consume psycopg's generator `gen`, parking this greenthread on `fileno` whenever it
    would block; returns what `gen` returns."""
    if timeout is not None:
        return waiting.wait_select(gen, fileno, interval=interval, timeout=timeout)
    try:
        state = next(gen)
        while True:
            if state == waiting.WAIT_R:
                trampoline(fileno, read=True)
                ready = waiting.READY_R
            elif state == waiting.WAIT_W:
                trampoline(fileno, write=True)
                ready = waiting.READY_W
            else:  # both (a pipeline sending while answers come in): the hub parks on one only
                readable, writable, _ = select.select([fileno], [fileno], [])
                ready = (waiting.READY_R if readable else 0) | (waiting.READY_W if writable else 0)
            state = gen.send(ready)
    except StopIteration as done:
        return done.value
    except OSError as exc:  # as psycopg's own waits say it: the connection is gone
        raise errors.OperationalError("connection socket closed") from exc


def install() -> bool:
    """Make psycopg wait this way in a process eventlet has monkey-patched; True if it does."""
    if not patcher.is_monkey_patched("socket"):
        return False
    waiting.wait = wait
    return True
