"""Consent keeps the partners' subscriptions in memory and asks PostgreSQL about them only when its
store announced new events (`wake.Generations`): while the store is quiet, the feed's check of an
event asks nothing; another instance's new subscription is seen once its notification arrives;
without a reliable listener every check asks again. On a database of its own, with a real
listener."""

from __future__ import annotations

import time

import eventlet
import psycopg
import pytest

from services.common import settings
from services.common.context import acting
from services.common.envelope import context_of_event
from services.common.wake import Generations, Listener
from services.consent.application import Consent
from services.tools.migrate import migrate
from tests.platform import TEST_DB
from tests.unit.test_consent import VWN, _admin
from tests.unit.test_consent_feeds import GOAL_ADDED, _goal_event, _subscribe

DBNAME = f"{TEST_DB}_kept_subscriptions"
DEADLINE_SECONDS = 10.0


def _drop() -> None:
    with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")


@pytest.fixture(scope="module")
def instances():
    """Two consent instances on one database: ours, whose listener counts its store's
    announcements, and another one."""
    _drop()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEGWIJS_PG_DBNAME", DBNAME)
        migrate()
        ours, other = Consent.on_postgres(), Consent.on_postgres()
        listener = Listener(settings.postgres_conninfo(), "test-kept-subscriptions")
        ours.generations = Generations(listener)
        listener.on(ours.schema, lambda: ours.generations.bump())
        listening = eventlet.spawn(listener.run)
        try:
            _until(lambda: listener.reliable, "the listener listens")
            before = ours.generations.current
            other.register_partner(
                _admin(),
                {
                    "oin": VWN,
                    "name": "VluchtelingenWerk",
                    "kind": "maatschappelijke-begeleiding",
                    "gemeenten": ["0344"],
                },
            )
            _until(lambda: ours.generations.current != before, "the partner is announced")
            yield ours, other
        finally:
            listening.kill()
            ours.close()
            other.close()
    _drop()


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"not within {DEADLINE_SECONDS} s: {what}"
        eventlet.sleep(0.02)


def _takes(app: Consent, event: dict) -> bool:
    """Whether the feed takes `event` (as the consumer asks, on behalf of the event's actor)."""
    with acting(context_of_event(event)):
        return app.reacts_to("pip", event)


def _counting_reads(app: Consent, patch: pytest.MonkeyPatch) -> list[str]:
    """Every read of the subscriptions' stored version by `app`, from now on (not the loads
    of the subscriptions themselves when that version moved)."""
    reads: list[str] = []
    select = app.recorder.select_events

    def counted(originator_id, *args, **kwargs):
        if kwargs.get("desc") and kwargs.get("limit") == 1:  # the newest version, not a load
            reads.append(str(originator_id))
        return select(originator_id, *args, **kwargs)

    patch.setattr(app.recorder, "select_events", counted)
    return reads


def test_a_quiet_store_is_not_asked_and_a_new_subscription_is_seen(instances, monkeypatch):
    ours, other = instances
    goal = _goal_event("6a0e2b9c-51a4-4c0e-9f1e-3a1f7f0e0d11", "werk")
    assert not _takes(ours, goal), "no subscription yet"
    reads = _counting_reads(ours, monkeypatch)
    for _ in range(20):
        assert not _takes(ours, goal)
    assert reads == [], "the store announced nothing, so nothing was asked"

    made = _subscribe(other, types=(GOAL_ADDED,), gemeenten=("0344",))
    _until(lambda: _takes(ours, goal), "another instance's subscription is seen")
    assert reads, "the announcement made it ask"
    asked = len(reads)
    for _ in range(20):
        assert _takes(ours, goal)
    assert len(reads) == asked, "quiet again: kept"

    other.end_subscription(_admin(), VWN, made["id"])
    _until(lambda: not _takes(ours, goal), "the end of the subscription is seen")


def test_without_a_reliable_listener_every_check_asks(instances, monkeypatch):
    ours, other = instances
    monkeypatch.setattr(ours, "generations", Generations(None))
    goal = _goal_event("0b7f3c52-8f0e-4d59-a0b4-6d1c2e9f4a21", "werk", gemeente="0344")
    assert not _takes(ours, goal)
    reads = _counting_reads(ours, monkeypatch)
    made = _subscribe(other, types=(GOAL_ADDED,), gemeenten=("0344",))
    assert _takes(ours, goal), "seen at the very next check"
    other.end_subscription(_admin(), VWN, made["id"])
    assert not _takes(ours, goal), "its end too"
    assert len(reads) == 2, "each of the two checks asked the stored version"
