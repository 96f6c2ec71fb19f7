"""When a consumer pulls from an origin (without a query to decide), how a process's connection
budget is split, and that idle connections are all closed after one quiet period."""

from __future__ import annotations

import threading
from collections import deque
from types import SimpleNamespace

import pytest

from services.common import runtime, settings
from services.common.db import close_when_idle
from services.common.runtime import ChainRuntime


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Consumer:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.delivered_at: float | None = None
        self.passed: set[str] = set()  # origins whose position moved in memory only

    def unrecorded(self, origin: str) -> bool:
        return origin in self.passed

    def idle_for(self, origin: str) -> float:
        if self.delivered_at is None:
            return float("inf")
        return self.clock.now - self.delivered_at


@pytest.fixture
def chain(monkeypatch):
    monkeypatch.setenv(settings.CATCHUP_SECONDS.name, "5")
    monkeypatch.setenv(settings.CATCHUP_FALLBACK_SECONDS.name, "60")
    clock = Clock()
    monkeypatch.setattr(runtime.time, "monotonic", clock)
    chain = ChainRuntime.__new__(ChainRuntime)
    chain._awaited_since, chain._announced_at, chain._caught_up_at = {}, {}, {}
    chain.consumer = Consumer(clock)
    chain.listener = SimpleNamespace(reliable=False)
    chain.clock = clock
    return chain


def due(chain) -> bool:
    return chain._catch_up_due("intake", chain.clock.now)


def caught_up(chain) -> None:
    chain._caught_up_at["intake"] = chain.clock.now


def test_a_consumer_pulls_at_start(chain):
    assert due(chain)


def test_a_quiet_origin_is_pulled_from_only_after_the_fallback(chain):
    caught_up(chain)
    chain.clock.now += 59
    assert not due(chain)
    chain.clock.now += 2
    assert due(chain)


def test_while_the_listener_is_reliable_a_quiet_origin_is_pulled_from_only_now_and_then(chain):
    chain.listener.reliable = True
    caught_up(chain)
    chain.clock.now += 599
    assert not due(chain)
    chain.clock.now += 2
    assert due(chain), "a safety net, every ten fallback periods"


def test_an_announced_event_not_delivered_in_time_is_pulled(chain):
    chain.listener.reliable = True
    caught_up(chain)
    chain.clock.now += 10
    chain._announced("intake")
    chain.clock.now += 4
    assert not due(chain)
    chain.clock.now += 1.5
    assert due(chain)
    caught_up(chain)
    chain.clock.now += 1
    assert not due(chain), "pulled once, not again"


def test_a_position_moved_by_events_without_effect_is_written_once_deliveries_pause(chain):
    chain.listener.reliable = True
    caught_up(chain)
    chain.clock.now += 10
    chain.consumer.delivered_at = chain.clock.now
    chain.consumer.passed.add("intake")
    chain.clock.now += 4
    assert not due(chain), "deliveries may still follow"
    chain.clock.now += 1.5
    assert due(chain), "not ten minutes later: the tracking record would say the consumer lags"


def test_an_announced_event_delivered_in_time_is_not_pulled(chain):
    caught_up(chain)
    chain.clock.now += 10
    chain._announced("intake")
    chain.clock.now += 0.5
    chain.consumer.delivered_at = chain.clock.now
    chain.clock.now += 30
    assert not due(chain)


def test_an_event_announced_after_the_last_delivery_is_awaited_in_turn(chain):
    caught_up(chain)
    chain._announced("intake")
    chain.clock.now += 0.5
    chain.consumer.delivered_at = chain.clock.now
    chain.clock.now += 0.5
    chain._announced("intake")  # its delivery is lost
    chain.clock.now += 1
    assert not due(chain)
    chain.clock.now += 4.5
    assert due(chain)


def test_announcements_that_keep_coming_without_deliveries_are_pulled(chain):
    caught_up(chain)
    for _ in range(12):
        chain._announced("intake")
        chain.clock.now += 0.5
    assert due(chain)


def test_the_budget_is_split_between_listening_the_event_store_and_the_rest():
    assert settings.pool_sizes(12) == (3, 8)
    assert settings.pool_sizes(10) == (3, 6)
    assert settings.pool_sizes(4) == (2, 1)
    with pytest.raises(SystemExit):
        settings.pool_sizes(3)
    assert settings.connections_at_rest(6) == 6


class Pool:
    """What close_when_idle relies on of a psycopg_pool.ConnectionPool."""

    def __init__(self, connections: int, unused: int) -> None:
        self._lock = threading.Lock()
        self._pool = deque(f"c{i}" for i in range(unused))
        self._nconns = connections
        self._nconns_min = unused
        self._min_size = 0
        self.closed: list[str] = []

    def _close_connection(self, conn: str) -> None:
        self.closed.append(conn)


def test_every_connection_unused_for_a_whole_period_is_closed_at_once():
    pool = Pool(connections=5, unused=3)
    close_when_idle(pool, 30)
    assert pool.max_idle == 30
    pool._shrink_pool()
    assert pool.closed == ["c0", "c1", "c2"]
    assert pool._nconns == 2
    pool._shrink_pool()
    assert pool.closed == ["c0", "c1", "c2"], "the two in use stay"


def test_a_failed_batch_is_caught_up_when_no_delivery_follows(chain, monkeypatch):
    monkeypatch.setattr(runtime, "context_of_event", lambda event: None)
    monkeypatch.setattr(runtime, "bind_current", lambda ctx: None)
    chain.listener.reliable = True
    caught_up(chain)
    chain.clock.now += 10

    def conflict(origin: str, event: dict, previous: int | None = None) -> bool:
        chain.consumer.delivered_at = chain.clock.now
        raise RuntimeError("duplicate key value violates unique constraint")

    chain.consumer.receive = conflict
    with pytest.raises(RuntimeError):
        runtime.Worker(chain, None).receive("intake", {})
    chain.clock.now += 4
    assert not due(chain)
    chain.clock.now += 1.5
    assert due(chain), "what failed comes back by catching up"
