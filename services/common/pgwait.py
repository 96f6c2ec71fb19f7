"""How psycopg waits for the server in a process under eventlet.

psycopg's own C wait would stall eventlet's hub, so `services/__init__.py` has it wait through
`select`, which eventlet makes green. That works, but costs a green `select` per round trip:
listeners for three fd lists and a timer for the poll interval, set up and torn down each time.
`wait` here hands the connection's socket to the hub directly (`trampoline`, as eventlet's own
sockets do): no timer, one listener. A wait for reading and writing at once (a pipeline sends
each statement after such a wait: the socket is nearly always writable) first asks the kernel
without waiting, and only when the socket is neither readable nor writable goes through green
`select`, as the hub cannot park on both. A wait with a timeout (psycopg passes one only where it
must give up, as when polling for notifications) goes through psycopg's `wait_select`.

A pipeline (several statements, one round trip) sends its statements in one go here
(`communicate`). psycopg sends each statement as it is executed, so a transaction of eight
statements went out as a dozen packets, each a system call here and a wake-up of the server
there. Here a statement waits in libpq's buffer until the pipeline syncs or a result is fetched
(psycopg then asks the server to flush, and sends the buffer with that request); libpq itself
sends a buffer that grows beyond 8 kB.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import psycopg._pipeline_base
from eventlet import patcher
from eventlet.green import select
from eventlet.hubs import trampoline
from psycopg import errors, pq, waiting
from psycopg.abc import PipelineCommand, PQGen
from psycopg.pq.abc import PGconn, PGresult

_COPY = (pq.ExecStatus.COPY_IN, pq.ExecStatus.COPY_OUT, pq.ExecStatus.COPY_BOTH)


# The kernel's own poll, for a look that does not wait (eventlet's would still go to the hub).
_real_select = patcher.original("select")
_BOTH = _real_select.POLLIN | _real_select.POLLOUT


def _ready_now(fileno: int) -> int:
    """Whether `fileno` can be read or written now (psycopg's READY_ flags), without waiting."""
    poller = _real_select.poll()
    poller.register(fileno, _BOTH)
    ready = 0
    for _, events in poller.poll(0):
        if events & (_real_select.POLLIN | _real_select.POLLERR | _real_select.POLLHUP):
            ready |= waiting.READY_R
        if events & _real_select.POLLOUT:
            ready |= waiting.READY_W
    return ready


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
                ready = _ready_now(fileno)
                if not ready:
                    readable, writable, _ = select.select([fileno], [fileno], [])
                    ready = (waiting.READY_R if readable else 0) | (
                        waiting.READY_W if writable else 0
                    )
            state = gen.send(ready)
    except StopIteration as done:
        return done.value
    except OSError as exc:  # as psycopg's own waits say it: the connection is gone
        raise errors.OperationalError("connection socket closed") from exc


def communicate(pgconn: PGconn, commands: deque[PipelineCommand]) -> PQGen[list[list[PGresult]]]:
    """psycopg's `pipeline_communicate`, sending only at a sync: the queued statements go into
    libpq's buffer, and only when one of them is the pipeline's sync is the buffer sent, in as
    few packets as the socket takes. Returns the results received meanwhile, each statement's as
    a list, and a sync as a list of its own; the pipeline fetches the rest (a fetch before the
    sync sends the buffer itself, with its flush request)."""
    sync = any(command == pgconn.pipeline_sync for command in commands)
    while commands:
        commands.popleft()()
    results: list[list[PGresult]] = []
    if not sync:
        return results
    while True:
        ready = yield waiting.WAIT_RW
        if ready & waiting.READY_R:
            pgconn.consume_input()
            while notify := pgconn.notifies():  # as psycopg's loop does
                if pgconn.notify_handler:
                    pgconn.notify_handler(notify)
            statement: list[PGresult] = []
            while not pgconn.is_busy():
                result = pgconn.get_result()
                if result is None:  # the end of one statement's results
                    if not statement:
                        break
                    results.append(statement)
                    statement = []
                elif result.status == pq.ExecStatus.PIPELINE_SYNC:
                    results.append([result])
                elif result.status in _COPY:
                    raise errors.NotSupportedError("COPY cannot be used in pipeline mode")
                else:
                    statement.append(result)
        if ready & waiting.READY_W and pgconn.flush() == 0:
            return results


def install() -> bool:
    """Make psycopg wait, and send a pipeline, this way in a process eventlet has
    monkey-patched; True if it does."""
    if not patcher.is_monkey_patched("socket"):
        return False
    waiting.wait = wait
    psycopg._pipeline_base.pipeline_communicate = communicate
    return True
