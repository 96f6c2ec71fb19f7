"""psycopg's waits under eventlet (services/common/pgwait.py)."""

from __future__ import annotations

import socket
from collections import deque

from psycopg import waiting

from services.common import pgwait


def _pipeline(states: list[int]):
    """A psycopg generator that waits for each of `states` and returns what it was told."""
    told = []
    for state in states:
        told.append((yield state))
    return told


def test_a_wait_for_reading_and_writing_on_a_writable_socket_does_not_go_to_the_hub(monkeypatch):
    """A pipeline waits for both before each statement it sends; the socket is writable."""
    ours, theirs = socket.socketpair()
    with ours, theirs:

        def hub_select(*args):
            raise AssertionError("went to the hub")

        monkeypatch.setattr(pgwait.select, "select", hub_select)
        told = pgwait.wait(_pipeline([waiting.WAIT_RW] * 3), ours.fileno())
        assert told == [waiting.READY_W] * 3
        theirs.send(b"answer")
        assert pgwait.wait(_pipeline([waiting.WAIT_RW]), ours.fileno()) == [
            waiting.READY_R | waiting.READY_W
        ]


def test_a_wait_for_both_on_a_socket_that_is_neither_goes_to_the_hub(monkeypatch):
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.setblocking(False)
        while True:  # fill the send buffer: not writable, and nothing to read
            try:
                ours.send(b"x" * 65536)
            except BlockingIOError:
                break
        asked = []

        def hub_select(r, w, x):
            asked.append((r, w))
            return [], w, []

        monkeypatch.setattr(pgwait.select, "select", hub_select)
        assert pgwait.wait(_pipeline([waiting.WAIT_RW]), ours.fileno()) == [waiting.READY_W]
        assert asked == [([ours.fileno()], [ours.fileno()])]


class FakePGconn:
    """What `communicate` uses of libpq's connection: it logs what is sent and flushed."""

    notify_handler = None

    def __init__(self):
        self.log: list[str] = []

    def pipeline_sync(self) -> None:
        self.log.append("sync")

    def flush(self) -> int:
        self.log.append("flush")
        return 0

    def consume_input(self) -> None:
        pass

    def notifies(self):
        return None

    def is_busy(self) -> bool:
        return False

    def get_result(self):
        return None


def _sent(pgconn: FakePGconn, statement: str):
    return lambda: pgconn.log.append(statement)


def _run(gen, ready):
    try:
        next(gen)
        while True:
            gen.send(ready)
    except StopIteration as done:
        return done.value


def test_a_pipeline_s_statements_wait_in_the_buffer_until_its_sync_and_go_out_together():
    pgconn = FakePGconn()
    commands = deque([_sent(pgconn, "BEGIN"), _sent(pgconn, "INSERT")])
    assert _run(pgwait.communicate(pgconn, commands), waiting.READY_W) == []
    assert pgconn.log == ["BEGIN", "INSERT"], "buffered, not flushed"
    commands.extend([_sent(pgconn, "SELECT"), pgconn.pipeline_sync])
    _run(pgwait.communicate(pgconn, commands), waiting.READY_W)
    assert pgconn.log == ["BEGIN", "INSERT", "SELECT", "sync", "flush"]
