"""A consumer that reacts to a few of its origin's event types is bound to those alone, and the
relay tells it, with each event it takes, where the previous one it takes lies."""

from __future__ import annotations

import pytest

from services.common import broker, topology
from services.common.envelope import PREVIOUS_HEADER, sequence_string
from services.common.outbox import Previous
from services.common.runtime import Worker
from services.contracts.events import base as events
from services.matching.application import Matching
from services.pip.application import Pips

REGISTERED = "nl.wegwijs.intake.dossier.geregistreerd.v1"
STEP = "nl.wegwijs.intake.leefgebied.vastgelegd.v1"
ROUTE = "nl.wegwijs.intake.route.gekozen.v1"
COMPLETED = "nl.wegwijs.intake.brede-intake.afgerond.v1"


def intake_event(position: int, type: str) -> dict:
    return {"sequence": sequence_string(position), "type": type, "origin": "intake"}


def test_every_type_a_consumer_takes_is_a_published_event_of_that_origin():
    for consumer, origins in topology.TAKES.items():
        for origin, types in origins.items():
            assert origin in topology.CONSUMES[consumer]
            for type in types:
                assert type in events.REGISTER, f"{consumer} takes {type}, which nobody publishes"
                assert events.REGISTER[type].origin == origin


@pytest.mark.parametrize(
    ("app", "consumer"), [(Pips, "pip"), (Matching, "matching")], ids=["pip", "matching"]
)
def test_a_service_reacts_to_no_type_its_queues_are_not_bound_to(app, consumer):
    for origin in topology.CONSUMES[consumer]:
        taken = topology.takes(consumer, origin)
        for type in events.REGISTER:
            if app.reacts_to(None, origin, {"type": type}):
                assert type in taken, f"{consumer} reacts to {type} but does not take it"


def test_a_selective_consumers_queue_is_bound_to_each_type_it_takes_and_no_other():
    definitions = broker.platform_definitions()
    keys = {
        b["routing_key"] for b in definitions["bindings"] if b["destination"] == "pip.from.intake"
    }
    assert keys == {f"intake.{t}" for t in topology.takes("pip", "intake")}
    audit = {
        b["routing_key"] for b in definitions["bindings"] if b["destination"] == "audit.from.intake"
    }
    assert audit == {"intake.#"}, "audit keeps every event"


def test_a_queue_still_bound_to_every_event_is_found_stale():
    definitions = broker.platform_definitions()
    found = [
        {"source_name": "wegwijs.events", "destination_name": q, "routing_key": key}
        for q, key in [
            ("pip.from.intake", "intake.#"),  # bound before consumers took some types only
            ("audit.from.intake", "intake.#"),
            ("pip.from.intake", f"intake.{REGISTERED}"),
        ]
    ]
    assert broker.stale_event_queues(definitions, found) == {"pip.from.intake"}


PIP, MATCHING = topology.taken_key("pip", "intake"), topology.taken_key("matching", "intake")


def test_the_relay_names_the_previous_event_each_selective_consumer_takes():
    previous = Previous("intake", 10)
    headers = [
        previous.header(intake_event(11, REGISTERED)),  # pip and matching
        previous.header(intake_event(12, STEP)),  # neither
        previous.header(intake_event(13, COMPLETED)),  # pip only
        previous.header(intake_event(14, ROUTE)),  # both
    ]
    assert headers == [
        {PREVIOUS_HEADER: {MATCHING: 10, PIP: 10}},
        None,
        {PREVIOUS_HEADER: {PIP: 11}},
        {PREVIOUS_HEADER: {MATCHING: 11, PIP: 13}},
    ]


def test_what_the_relay_recorded_holds_for_the_next_pass_and_nothing_beyond_its_position():
    first = Previous("intake", 10)
    first.header(intake_event(11, REGISTERED))
    first.header(intake_event(12, STEP))
    recorded = dict(first.last)  # stored with position 12
    assert Previous("intake", 12, recorded).header(intake_event(13, ROUTE)) == {
        PREVIOUS_HEADER: {MATCHING: 11, PIP: 11}
    }
    # A position set back by hand below what was recorded: nothing before it is known.
    assert Previous("intake", 10, recorded).header(intake_event(11, ROUTE)) == {
        PREVIOUS_HEADER: {MATCHING: 10, PIP: 10}
    }
    # No row yet, or one of a release whose consumers took other types: the start position.
    assert Previous("intake", 12, {"pip:000000000000": 3}).header(intake_event(13, ROUTE)) == {
        PREVIOUS_HEADER: {MATCHING: 12, PIP: 12}
    }


def test_an_origin_every_consumer_takes_whole_gets_no_header():
    previous = Previous("consent", 0)
    event = {"sequence": sequence_string(1), "type": "nl.wegwijs.consent.x.v1"}
    assert previous.header(event) is None


def test_a_header_made_for_other_types_than_the_consumer_takes_is_not_believed():
    """Another release of the relay took other types for pip: pip goes by position - 1."""

    class Runtime:
        service = "pip"

    other = topology.taken_key("pip", "intake").split(":")[0] + ":0123456789ab"
    assert Worker(Runtime(), None, {PREVIOUS_HEADER: 0, other: 5})._previous("intake") is None
    assert Worker(Runtime(), None, {PIP: 5})._previous("intake") == 5
    assert Worker(Runtime(), None, {PIP: True})._previous("intake") is None
