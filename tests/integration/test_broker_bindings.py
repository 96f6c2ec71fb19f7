"""migrate on a vhost made before pip and matching took only some types (issue 18): their queues
still have the binding to every event of the origin, which an import of definitions does not
remove. With no consumer reading them, migrate makes them again with only today's bindings; while
one reads, it leaves them (correct, only not cheaper) and says so."""

from __future__ import annotations

import json
import uuid

import pytest
from kombu import Connection

from services.common import broker, settings
from tests.platform import rabbitmqctl


@pytest.fixture
def scratch_vhost(monkeypatch):
    name = f"wegwijs_bindings_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("WEGWIJS_AMQP_URI", f"amqp://127.0.0.1:5672/{name}")
    yield name
    rabbitmqctl("delete_vhost", name)


def _bound(vhost: str, queue: str) -> set[str]:
    listed = rabbitmqctl(
        "-q", "list_bindings", "-p", vhost, "--formatter", "json",
        "source_name", "destination_name", "routing_key",
    )  # fmt: skip
    events = settings.EVENTS_EXCHANGE.get()
    return {
        b["routing_key"]
        for b in json.loads(listed)
        if b["source_name"] == events and b["destination_name"] == queue
    }


def _as_before(vhost: str) -> None:
    """The vhost as an older migrate left it: pip's queue for intake bound to every event."""
    definitions = broker.platform_definitions()
    definitions["bindings"].append(
        {
            "source": settings.EVENTS_EXCHANGE.get(),
            "vhost": vhost,
            "destination": "pip.from.intake",
            "destination_type": "queue",
            "routing_key": "intake.#",
            "arguments": {},
        }
    )
    broker.import_definitions(definitions)


def test_a_queue_no_consumer_reads_is_made_again_with_only_todays_bindings(scratch_vhost):
    _as_before(scratch_vhost)
    assert "intake.#" in _bound(scratch_vhost, "pip.from.intake")

    said = broker.provision_platform()

    assert _bound(scratch_vhost, "pip.from.intake") == set(broker.event_keys("pip", "intake"))
    assert any("pip.from.intake" in line and "again" in line for line in said), said


def test_a_queue_a_consumer_reads_is_left_as_it_is_and_migrate_says_so(scratch_vhost):
    _as_before(scratch_vhost)
    with Connection(settings.amqp_uri("pip")) as conn:  # as pip
        channel = conn.channel()
        channel.basic_consume("pip.from.intake", callback=lambda message: None)

        said = broker.provision_platform()

        assert "intake.#" in _bound(scratch_vhost, "pip.from.intake")
        assert any("while the platform is stopped" in line for line in said), said
