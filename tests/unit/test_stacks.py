"""kill -USR2 on a service: each greenthread's stack in its log, to see where a process waits."""

from __future__ import annotations

import logging
import os
import signal

import eventlet
from eventlet.event import Event
from eventlet.green import socket

from services.common import stacks


def waits_for_an_answer_that_never_comes(never: Event) -> None:
    never.wait()


def reads_a_socket_nobody_writes_to(sock) -> None:
    sock.recv(1)


def test_the_signal_logs_where_each_greenthread_waits(caplog):
    never = Event()
    waiting = eventlet.spawn(waits_for_an_answer_that_never_comes, never)
    ours, theirs = socket.socketpair()
    fileno = ours.fileno()
    reading = eventlet.spawn(reads_a_socket_nobody_writes_to, ours)
    eventlet.sleep(0)  # both run up to their wait
    previous = signal.getsignal(stacks.SIGNAL)
    stacks.install()
    try:
        with caplog.at_level(logging.WARNING, logger=stacks.__name__):
            os.kill(os.getpid(), stacks.SIGNAL)
            eventlet.sleep(0)
    finally:
        signal.signal(stacks.SIGNAL, previous)
        waiting.kill()
        reading.kill()
        ours.close()
        theirs.close()
    (record,) = [r for r in caplog.records if r.getMessage() == "greenthread_stacks"]
    assert any("waits_for_an_answer_that_never_comes" in stack for stack in record.waiting)
    (reader,) = [stack for stack in record.waiting if "reads_a_socket_nobody" in stack]
    assert reader.startswith(f"waits to read fd {fileno} ("), reader
    assert "test_the_signal_logs_where_each_greenthread_waits" in record.running
