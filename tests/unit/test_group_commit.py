"""Group commit: saves at the same moment go in one write; a failed write fails each of them."""

from __future__ import annotations

import eventlet
import pytest

from services.common.group_commit import GroupCommit


class Store:
    def __init__(self, fail: bool = False):
        self.writes: list[list[str]] = []
        self.fail = fail

    def write(self, items):
        eventlet.sleep(0.01)  # a real write waits on its database here
        if self.fail:
            raise ConnectionError("the database went away")
        self.writes.append(list(items))


def test_a_caller_alone_writes_at_once():
    store = Store()
    commit = GroupCommit(store.write)
    commit.write(["a"])
    commit.write(["b", "c"])
    assert store.writes == [["a"], ["b", "c"]]


def test_callers_at_the_same_moment_share_the_writes_and_each_returns_once_written():
    store = Store()
    commit = GroupCommit(store.write)
    returned = []

    def caller(name: str) -> None:
        commit.write([name])
        assert any(name in write for write in store.writes), "returned before it was written"
        returned.append(name)

    pool = eventlet.GreenPool()
    for n in range(10):
        pool.spawn(caller, f"read-{n}")
    pool.waitall()
    assert sorted(returned) == sorted(f"read-{n}" for n in range(10))
    assert sorted(i for write in store.writes for i in write) == sorted(returned)
    assert len(store.writes) < 10, "the callers waiting while one wrote went together"


def test_a_failed_write_fails_every_caller_of_its_batch():
    store = Store(fail=True)
    commit = GroupCommit(store.write)
    failures = []

    def caller(name: str) -> None:
        with pytest.raises(ConnectionError):
            commit.write([name])
        failures.append(name)

    pool = eventlet.GreenPool()
    for n in range(5):
        pool.spawn(caller, f"read-{n}")
    pool.waitall()
    assert len(failures) == 5
    assert store.writes == []


def test_a_writer_interrupted_tells_the_others_only_that_the_write_failed():
    second_started = eventlet.event.Event()
    writes = []

    def write(items):
        writes.append(list(items))
        if len(writes) == 1:
            eventlet.sleep(0.05)  # meanwhile the next two wait, to go together
        else:
            second_started.send()
            eventlet.sleep(10)

    commit = GroupCommit(write)
    first = eventlet.spawn(commit.write, ["first"])
    eventlet.sleep(0)
    writer = eventlet.spawn(commit.write, ["writer"])
    waiting = eventlet.spawn(commit.write, ["waiting"])
    second_started.wait()
    assert writes[1] == ["writer", "waiting"]
    writer.kill()
    first.wait()
    with pytest.raises(ConnectionAbortedError):
        waiting.wait()


def test_with_outcomes_each_caller_gets_what_its_own_items_got():
    """The write says per item how it went: a caller with a refused item gets that refusal, the
    others return as written (the audit ledger: one origin refused, the others appended)."""

    def write(items):
        eventlet.sleep(0.01)
        return [ValueError(item) if item.startswith("x") else None for item in items]

    commit = GroupCommit(write, outcomes=True)
    results: dict[str, object] = {}

    def caller(items: list[str]) -> None:
        try:
            commit.write(items)
            results[items[0]] = "written"
        except ValueError as exc:
            results[items[0]] = f"refused {exc}"

    callers = [eventlet.spawn(caller, items) for items in (["a"], ["b"], ["x1", "c"], ["d", "x2"])]
    for each in callers:
        each.wait()
    assert results == {"a": "written", "b": "written", "x1": "refused x1", "d": "refused x2"}
