"""pip and matching take only a few types of their origins' events (issue 18): their queues are
bound to those types alone, and the relay tells them where the previous event they take lies,
so the positions in between are no gap that they would ask the origin for."""

from __future__ import annotations

from datetime import date

from services.common import settings, topology
from tests.e2e.test_pip import _completed_intake
from tests.platform import TEST, rabbitmqctl


def _bound(queue: str) -> set[str]:
    """The routing keys `queue` is bound with on the events exchange."""
    rows = rabbitmqctl(
        "list_bindings", "-p", TEST.name, "source_name", "destination_name", "routing_key",
        "--quiet", "--no-table-headers",
    )  # fmt: skip
    events = settings.EVENTS_EXCHANGE.get()
    found = (r.split("\t") for r in rows.splitlines() if r)
    return {key for source, name, key in found if source == events and name == queue}


def test_each_consumers_queue_is_bound_to_what_it_takes(platform):
    for consumer, origins in topology.CONSUMES.items():
        for origin in origins:
            taken = topology.takes(consumer, origin)
            expected = {f"{origin}.{t}" for t in taken} if taken else {f"{origin}.#"}
            assert _bound(f"{consumer}.from.{origin}") == expected, (consumer, origin)


def _gaps(process) -> int:
    return process.log.read_text().count('"consumer_gap"')


def _deliveries(process, entrypoint: str) -> float:
    return process.metric("wegwijs_entrypoint_latency_seconds_count", entrypoint=entrypoint)


def test_a_brede_intake_reaches_pip_with_only_what_pip_takes_and_no_gap(platform):
    _completed_intake(platform, date(2026, 9, 1))  # the relay and the consumers are going
    platform.wait_ledger_complete()
    pip, matching = platform.processes["pip"], platform.processes["matching"]
    gaps = _gaps(pip), _gaps(matching)
    delivered = _deliveries(pip, "on_intake_event"), _deliveries(matching, "on_intake_event")
    head = platform.scalar("SELECT max(origin_position) FROM audit.ledger WHERE origin = 'intake'")

    # Registered, the brede intake's steps, completed: pip has its starting points.
    _completed_intake(platform, date(2026, 9, 2))
    platform.wait_ledger_complete()

    stored = [
        row["event_type"]
        for row in platform.sql(
            "SELECT event_type FROM audit.ledger WHERE origin = 'intake' AND origin_position > %s",
            head,
        )
    ]
    for process, before in zip((pip, matching), delivered, strict=True):
        taken = topology.takes(process.service, "intake")
        assert _deliveries(process, "on_intake_event") - before == sum(
            t in taken for t in stored
        ), f"{process.service} got what it takes of {stored}, and nothing else"
    assert len(stored) > sum(t in topology.takes("pip", "intake") for t in stored)
    assert (_gaps(pip), _gaps(matching)) == gaps, "nothing between was asked of intake"
