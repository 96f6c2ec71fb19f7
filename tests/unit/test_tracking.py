"""The tracking consumer's rules, with an in-memory sink and origin log (fakes, not mocks)."""

from __future__ import annotations

from contextlib import contextmanager

import eventlet
import pytest

from services.common.envelope import sequence_string
from services.common.tracking import PositionMoved, TrackingConsumer


class NoLocks:
    taken = 0

    @contextmanager
    def advisory_lock(self, name: str):
        self.taken += 1
        yield True


class ListSink:
    def __init__(self):
        self.applied: list[int] = []
        self.positions: dict[str, int] = {}
        self.calls = 0

    def position(self, origin: str, conn=None) -> int:
        self.reads = getattr(self, "reads", 0) + 1
        return self.positions.get(origin, 0)

    def apply(self, origin: str, events, after: int) -> None:
        self.calls += 1
        eventlet.sleep(0)  # a real sink waits on its database here
        if self.positions.get(origin, 0) != after:
            raise PositionMoved(f"{origin} is at {self.positions.get(origin, 0)}, not {after}")
        self.applied.extend(int(e["sequence"]) for e in events)
        self.positions[origin] = int(events[-1]["sequence"])


def event(position: int) -> dict:
    return {"sequence": sequence_string(position), "type": "t"}


class OriginLog:
    """The origin's notification log; ids missing from `stored` were rolled back."""

    def __init__(self, stored: list[int]):
        self.stored = stored
        self.pulls: list[tuple[int, int]] = []

    def fetch(self, origin: str, start: int, limit: int) -> list[dict]:
        self.pulls.append((start, limit))
        return [event(p) for p in self.stored if p >= start][:limit]


def consumer(log: OriginLog) -> tuple[TrackingConsumer, ListSink]:
    sink = ListSink()
    return TrackingConsumer("test", sink, NoLocks(), log.fetch), sink


def test_the_next_event_is_applied_at_once_without_asking_the_origin():
    log = OriginLog([1, 2])
    tracking, sink = consumer(log)
    assert tracking.receive("o", event(1))
    assert tracking.receive("o", event(2))
    assert sink.applied == [1, 2]
    assert log.pulls == []


def test_once_the_position_is_known_a_delivery_is_applied_without_lock_or_read():
    log = OriginLog([1, 2, 3])
    sink, locks = ListSink(), NoLocks()
    tracking = TrackingConsumer("test", sink, locks, log.fetch)
    assert tracking.receive("o", event(1))  # the careful way: the position is not known yet
    taken, reads = locks.taken, sink.reads
    assert tracking.receive("o", event(2))
    assert tracking.receive("o", event(3))
    assert sink.applied == [1, 2, 3]
    assert (locks.taken, sink.reads) == (taken, reads)


def test_when_another_instance_moved_the_position_the_careful_way_applies_only_whats_new():
    log = OriginLog([1, 2, 3, 4])
    sink, locks = ListSink(), NoLocks()
    tracking = TrackingConsumer("test", sink, locks, log.fetch)
    assert tracking.receive("o", event(1))
    # Another instance applies 2 and 3 (it got 3 and filled the gap); this one then gets 2.
    sink.applied.extend([2, 3])
    sink.positions["o"] = 3
    taken = locks.taken
    assert not tracking.receive("o", event(2)), "2 is applied already: no effect"
    assert locks.taken == taken + 1, "went the careful way"
    assert tracking.receive("o", event(4))
    assert sink.applied == [1, 2, 3, 4]
    assert locks.taken == taken + 1, "knows the position again: straight away"


def test_a_delivery_after_a_gap_reads_the_position_before_asking_the_origin():
    log = OriginLog([1, 2, 3])
    sink, locks = ListSink(), NoLocks()
    tracking = TrackingConsumer("test", sink, locks, log.fetch)
    assert tracking.receive("o", event(1))
    # Another instance applies 2; this one then gets 3: no gap once the position is read.
    sink.applied.append(2)
    sink.positions["o"] = 2
    taken = locks.taken
    assert tracking.receive("o", event(3))
    assert locks.taken == taken + 1, "went the careful way"
    assert log.pulls == [], "2 was not asked of the origin"
    assert sink.applied == [1, 2, 3]


def test_a_duplicate_has_no_effect():
    tracking, sink = consumer(OriginLog([1, 2]))
    tracking.receive("o", event(1))
    assert not tracking.receive("o", event(1))
    assert sink.applied == [1]


def test_a_gap_is_filled_from_the_origin_before_the_newer_event():
    log = OriginLog([1, 2, 3, 4])
    tracking, sink = consumer(log)
    tracking.receive("o", event(1))
    tracking.receive("o", event(4))
    assert sink.applied == [1, 2, 3, 4]
    assert log.pulls


def test_ids_the_origin_never_committed_do_not_stall_the_consumer():
    tracking, sink = consumer(OriginLog([1, 4, 5]))
    tracking.receive("o", event(1))
    tracking.receive("o", event(4))
    tracking.receive("o", event(5))
    assert sink.applied == [1, 4, 5]


def test_catching_up_applies_everything_beyond_the_position_in_order():
    tracking, sink = consumer(OriginLog(list(range(1, 451))))
    assert tracking.catch_up("o") == 450
    assert sink.applied == list(range(1, 451))
    assert tracking.catch_up("o") == 0


class BusyLog(OriginLog):
    """An origin under load: each time it is asked, it has stored one more event meanwhile
    (for its first hundred answers)."""

    def fetch(self, origin: str, start: int, limit: int) -> list[dict]:
        found = super().fetch(origin, start, limit)
        if len(self.pulls) <= 100:
            self.stored.append(self.stored[-1] + 1)
        return found


def test_catching_up_under_load_ends_at_the_head_it_found_and_leaves_the_rest_to_deliveries():
    """Catching up holds the origin's turn (its deliveries wait) and its lock: it must not go
    on for as long as the origin keeps storing. A batch that is not full was the head when it
    was read; what is stored after it comes by delivery (and by catching up again, if not)."""
    log = BusyLog(list(range(1, 451)))
    tracking, sink = consumer(log)
    assert tracking.catch_up("o") == 452, "batches of 200, 200 and the 52 there were then"
    assert len(log.pulls) == 3
    assert tracking.receive("o", event(453)), "the next one is delivered and follows on"
    assert sink.applied == list(range(1, 454)) and len(log.pulls) == 3


def test_deliveries_arriving_while_a_batch_is_applied_are_applied_together_in_order():
    log = OriginLog(list(range(1, 21)))
    tracking, sink = consumer(log)
    arrivals = list(range(1, 21))
    arrivals[3], arrivals[4] = arrivals[4], arrivals[3]  # 5 is delivered before 4
    pool = eventlet.GreenPool()
    outcomes = list(pool.imap(lambda p: tracking.receive("o", event(p)), arrivals))
    assert sink.applied == list(range(1, 21))
    assert outcomes == [True] * 20
    assert log.pulls == [], "4 and 5 arrived in one batch: nothing to pull"
    assert sink.calls <= 3


class FailingSink(ListSink):
    def apply(self, origin, events, after):
        eventlet.sleep(0)
        raise RuntimeError("database down")


def test_a_failing_batch_fails_every_delivery_in_it_and_moves_nothing():
    sink = FailingSink()
    tracking = TrackingConsumer("test", sink, NoLocks(), OriginLog([1, 2, 3]).fetch)
    pool = eventlet.GreenPool()
    threads = [pool.spawn(tracking.receive, "o", event(p)) for p in (1, 2, 3)]
    for thread in threads:
        with pytest.raises(RuntimeError, match="database down"):
            thread.wait()
    assert sink.position("o") == 0


def test_after_a_failure_the_next_delivery_brings_the_missed_events_in_order():
    class FlakySink(ListSink):
        failures = 1

        def apply(self, origin, events, after):
            if self.failures:
                self.failures -= 1
                raise RuntimeError("database down")
            super().apply(origin, events, after)

    log = OriginLog([1, 2, 3])
    sink = FlakySink()
    tracking = TrackingConsumer("test", sink, NoLocks(), log.fetch)
    with pytest.raises(RuntimeError):
        tracking.receive("o", event(1))
    assert tracking.receive("o", event(3))
    assert sink.applied == [1, 2, 3]


def test_two_origins_are_tracked_apart():
    tracking, sink = consumer(OriginLog([1, 2]))
    tracking.receive("a", event(1))
    assert tracking.receive("b", event(1)), "position 1 of b is not a duplicate of a's"
    assert sink.positions == {"a": 1, "b": 1}


class SelectiveSink(ListSink):
    """A sink that reacts only to events of type "t" (as pip and matching react to a few types
    of their origins' events) and records a passed position when asked."""

    def __init__(self):
        super().__init__()
        self.advanced: list[tuple[str, int]] = []

    def affects(self, origin: str, event) -> bool:
        return event["type"] == "t"

    def advance(self, origin: str, position: int) -> None:
        self.advanced.append((origin, position))
        self.positions[origin] = max(self.positions.get(origin, 0), position)


def other(position: int) -> dict:
    return {"sequence": sequence_string(position), "type": "other"}


def selective(log: OriginLog) -> tuple[TrackingConsumer, SelectiveSink]:
    sink = SelectiveSink()
    return TrackingConsumer("test", sink, NoLocks(), log.fetch), sink


def test_events_without_effect_pass_without_a_write_and_the_next_effect_covers_them():
    log = OriginLog([1, 2, 3, 4])
    tracking, sink = selective(log)
    assert tracking.receive("o", event(1))
    calls = sink.calls
    assert tracking.receive("o", other(2))
    assert tracking.receive("o", other(3))
    assert sink.calls == calls  # nothing written for them
    assert tracking.unrecorded("o")
    assert tracking.receive("o", event(4))  # follows on 3: no gap, nothing asked of the origin
    assert log.pulls == []
    assert sink.applied == [1, 4]
    assert sink.positions["o"] == 4
    assert not tracking.unrecorded("o")


def test_a_quiet_origin_gets_the_position_events_without_effect_moved_recorded():
    log = OriginLog([1, 2, 3])
    tracking, sink = selective(log)
    tracking.receive("o", event(1))
    tracking.receive("o", other(2))
    tracking.receive("o", other(3))
    assert sink.positions["o"] == 1
    assert tracking.unrecorded("o")  # the runtime catches up once deliveries pause
    assert tracking.catch_up("o") == 0
    assert not tracking.unrecorded("o")
    assert sink.advanced == [("o", 3)]
    assert sink.positions["o"] == 3
    assert log.pulls == [(4, 200)]  # from the passed position on, not again from 2


def test_an_event_without_effect_after_a_gap_fills_the_gap_the_ordinary_way():
    log = OriginLog([1, 2, 3])
    tracking, sink = selective(log)
    tracking.receive("o", event(1))
    assert tracking.receive("o", other(3))
    assert log.pulls  # 2 might have had an effect: asked of the origin
    assert sink.applied == [1, 2, 3]


def test_without_a_known_position_an_event_without_effect_goes_the_ordinary_way():
    """After a restart the consumer knows no position until it has read the stored one."""
    tracking, sink = selective(OriginLog([1]))
    assert tracking.receive("o", other(1))
    assert sink.applied == [1]


def test_a_sink_that_writes_batches_cheaply_catches_up_a_thousand_events_a_transaction():
    class BatchSink(ListSink):
        pull_batch = 1000

    log = OriginLog(list(range(1, 2501)))
    sink = BatchSink()
    tracking = TrackingConsumer("test", sink, NoLocks(), log.fetch)
    assert tracking.catch_up("o") == 2500
    assert sink.applied == list(range(1, 2501))
    assert sink.calls == 3 and {limit for _, limit in log.pulls} == {1000}


def test_a_delivery_at_or_below_what_was_applied_is_a_duplicate_without_asking_the_sink():
    class CountingSink(ListSink):
        asked = 0

        def position(self, origin: str, conn=None) -> int:
            self.asked += 1
            return super().position(origin, conn)

    log = OriginLog(list(range(1, 301)))
    sink = CountingSink()
    tracking = TrackingConsumer("test", sink, NoLocks(), log.fetch)
    assert tracking.catch_up("o") == 300
    asked = sink.asked
    # The queue's backlog, delivered after catch-up took it in: each a duplicate, no round trip.
    assert not any(tracking.receive("o", event(p)) for p in range(1, 301))
    assert sink.asked == asked and sink.applied == list(range(1, 301))
    assert tracking.receive("o", event(301)) is True
    assert sink.applied[-1] == 301


def test_deliveries_of_what_was_applied_already_do_not_hold_catching_up_back():
    log = OriginLog(list(range(1, 101)))
    tracking, _ = consumer(log)
    assert tracking.idle_for("o") == float("inf")
    tracking.catch_up("o")
    for p in range(1, 101):  # the queue's backlog, taken in by catch-up already
        tracking.receive("o", event(p))
    assert tracking.idle_for("o") == float("inf"), "the origin brought nothing new"
    log.stored.append(101)
    tracking.receive("o", event(101))
    assert tracking.idle_for("o") < 1


class BulkSink(ListSink):
    bulk_first = True
    pull_batch = 1000


def test_a_bulk_sink_pulls_each_origins_backlog_before_its_first_delivery():
    """After a restart, the backlog that built up while the service was away is applied in
    pulled batches, not delivery by delivery; the queue's copies of it are duplicates."""
    log = OriginLog(list(range(1, 2501)))
    sink = BulkSink()
    tracking = TrackingConsumer("test", sink, NoLocks(), log.fetch)
    pool = eventlet.GreenPool()
    outcomes = list(pool.imap(lambda p: tracking.receive("o", event(p)), range(1, 31)))
    assert sink.applied == list(range(1, 2501))
    assert sink.calls == 3, "three pulls of 1,000 at most, no transaction per delivery"
    assert not any(outcomes), "every delivery was in the backlog pulled first"
    pulls = len(log.pulls)
    log.stored.append(2501)
    assert tracking.receive("o", event(2501)), "from then on, the next event applies at once"
    assert len(log.pulls) == pulls


def test_a_bulk_sink_takes_deliveries_one_by_one_when_the_origin_does_not_answer():
    def unanswered(origin, start, limit):
        raise TimeoutError("no answer")

    sink = BulkSink()
    tracking = TrackingConsumer("test", sink, NoLocks(), unanswered)
    assert tracking.receive("o", event(1))
    assert tracking.receive("o", event(2))
    assert sink.applied == [1, 2]


def test_a_sink_whose_affects_fails_takes_the_ordinary_way_and_no_delivery_waits_for_ever():
    """`affects` may ask a database (consent's subscriptions): when it fails, the deliveries of
    the batch are decided the ordinary way, each answered."""

    class AskingSink(ListSink):
        def affects(self, origin, event):
            raise RuntimeError("database down")

    sink = AskingSink()
    tracking = TrackingConsumer("test", sink, NoLocks(), OriginLog([1, 2, 3, 4]).fetch)
    tracking.receive("o", event(1))  # the position known done: passes are tried from here on
    pool = eventlet.GreenPool()
    with eventlet.Timeout(5):
        outcomes = list(pool.imap(lambda p: tracking.receive("o", event(p)), (2, 3, 4)))
    assert outcomes == [True, True, True]
    assert sink.applied == [1, 2, 3, 4]


def test_a_bulk_catch_up_tries_again_what_must_wait_for_another_origin():
    class NotYet(RuntimeError):
        pass

    class WaitingSink(BulkSink):
        retry_later = (NotYet,)
        refusals = 2

        def apply(self, origin, events, after):
            if self.refusals:
                self.refusals -= 1
                raise NotYet("the registration is still on its way")
            super().apply(origin, events, after)

    log = OriginLog(list(range(1, 1201)))
    sink = WaitingSink()
    tracking = TrackingConsumer("test", sink, NoLocks(), log.fetch)
    assert not tracking.receive("o", event(1)), "pulled in bulk after two refusals"
    assert sink.applied == list(range(1, 1201))
    assert sink.calls == 2


# A consumer bound to some types of its origin only gets, with each delivery, where the previous
# event it takes lies (the relay's header): the positions between are no gap to it.


def test_a_delivery_whose_previous_taken_event_is_done_follows_on_without_asking_the_origin():
    log = OriginLog([1, 2, 3, 4, 5])  # 2, 3 and 4 are of types this consumer is not bound to
    tracking, sink = consumer(log)
    assert tracking.receive("o", event(1))
    assert tracking.receive("o", event(5), previous=1)
    assert log.pulls == []
    assert sink.applied == [1, 5]
    assert sink.positions["o"] == 5


def test_without_a_known_position_a_delivery_after_its_previous_event_is_read_not_pulled():
    """After a restart: the stored position is read (the careful way); what lies between the
    previous event and this one is not asked of the origin."""
    log = OriginLog([1, 2, 3])
    tracking, sink = consumer(log)
    sink.positions["o"] = 1
    assert tracking.receive("o", event(3), previous=1)
    assert log.pulls == []
    assert sink.applied == [3]


def test_a_previous_event_not_yet_done_is_pulled_and_only_up_to_it():
    log = OriginLog([1, 2, 3, 4, 5, 6])
    tracking, sink = consumer(log)
    assert tracking.receive("o", event(1))
    # 3 was lost on the way; 4 and 5 are not for this consumer.
    assert tracking.receive("o", event(6), previous=3)
    assert log.pulls == [(2, 200)]
    assert sink.applied == [1, 2, 3, 6], "up to 3 from the origin, then 6; not 4 and 5"


def test_events_without_effect_and_a_previous_event_pass_in_memory_together():
    log = OriginLog([1, 2, 3, 4, 5])
    tracking, sink = selective(log)
    assert tracking.receive("o", event(1))
    calls = sink.calls
    assert tracking.receive("o", other(3), previous=1)
    assert tracking.receive("o", other(5), previous=3)
    assert sink.calls == calls, "nothing written for them"
    assert log.pulls == []
    assert tracking.unrecorded("o")


def test_a_previous_position_at_or_beyond_the_event_itself_is_not_believed():
    log = OriginLog([1, 2, 3])
    tracking, sink = consumer(log)
    assert tracking.receive("o", event(1))
    assert tracking.receive("o", event(3), previous=7)
    assert log.pulls, "taken as position - 1: 2 is asked of the origin"
    assert sink.applied == [1, 2, 3]
