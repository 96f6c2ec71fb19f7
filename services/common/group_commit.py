"""Group commit: what several greenthreads save at about the same moment, written in one
transaction.

Each caller hands in its items and waits. The caller whose turn it is writes every item waiting
at that moment, its own included, and tells each waiting caller how it went: one transaction, one
table lock and one round trip of INSERTs for many requests under load, and no waiting at all when
a caller is alone (its items go at once). A write that fails fails every caller of the batch, as
it would have failed each of them alone; none of them may go on as if it were written.

With `outcomes=True` the write also says how it went for each item: it returns a list as long as
the items, None or the exception for that item (the audit ledger's batches of several origins,
one of which may be refused while the others are written), and each caller gets what its own
items got.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from eventlet.event import Event
from eventlet.semaphore import Semaphore

T = TypeVar("T")


class GroupCommit(Generic[T]):
    def __init__(self, write: Callable[[Sequence[T]], Any], outcomes: bool = False):
        self._write = write
        self._outcomes = outcomes
        self._waiting: list[tuple[Sequence[T], Event]] = []
        self._turn = Semaphore()

    def write(self, items: Sequence[T]) -> None:
        """Write `items` (with whatever else is waiting); returns once they are written, raises
        what the write raised (or, with `outcomes`, what it said of the first of them refused)."""
        done = Event()
        self._waiting.append((items, done))
        with self._turn:
            if not done.ready():
                batch, self._waiting = self._waiting, []
                try:
                    outcomes = self._write([item for waiting, _ in batch for item in waiting])
                except BaseException as exc:
                    # The writer's own interruption (its greenthread killed, a timeout) is
                    # its own: the others learn only that the write failed.
                    failure = (
                        exc
                        if isinstance(exc, Exception)
                        else ConnectionAbortedError(f"the write was interrupted: {exc!r}")
                    )
                    for _, each in batch:
                        each.send_exception(exc if each is done else failure)
                    if not isinstance(exc, Exception):
                        raise
                else:
                    results = iter(outcomes) if self._outcomes else None
                    for waiting, each in batch:
                        own = [next(results) for _ in waiting] if results is not None else []
                        failed = next((o for o in own if o is not None), None)
                        if failed is None:
                            each.send(None)
                        else:
                            each.send_exception(failed)
        done.wait()
