"""The platform on a RabbitMQ cluster: WEGWIJS_AMQP_URI names every node, each process is given
all of them (as its own user) to fail over to, and every durable queue is a quorum queue."""

from __future__ import annotations

import logging

import pytest
from kombu import Connection

from services.common import broker, settings
from services.common.logs import JsonFormatter

NODES = "amqp://rabbit-a:5672/region;amqp://rabbit-b:5673/region;amqp://rabbit-c:5674/region"


@pytest.fixture
def cluster(monkeypatch):
    monkeypatch.setenv("WEGWIJS_AMQP_URI", NODES)
    monkeypatch.setenv("WEGWIJS_PIP_AMQP_PASSWORD", "pip-secret/1")


def test_each_process_is_given_every_node_as_its_own_user(cluster):
    uri = settings.amqp_uri("pip")
    connection = Connection(uri)
    alternates = [Connection(alt) for alt in connection.alt]
    assert [(c.hostname, c.port) for c in alternates] == [
        ("rabbit-a", 5672),
        ("rabbit-b", 5673),
        ("rabbit-c", 5674),
    ]
    assert {(c.userid, c.password, c.virtual_host) for c in alternates} == {
        ("region-pip", "pip-secret/1", "region")
    }


def test_the_vhost_and_the_users_are_the_clusters_not_a_nodes(cluster):
    assert settings.vhost() == "region"
    assert settings.broker_user("pip") == "region-pip"
    assert settings.broker_cluster()


def test_a_partner_feed_is_reached_on_every_node(cluster):
    uri = settings.uri_on_vhost(settings.amqp_uri("consent"), "region-partner-1")
    assert [Connection(alt).virtual_host for alt in Connection(uri).alt] == ["region-partner-1"] * 3


def test_every_durable_queue_is_a_quorum_queue_on_a_cluster(cluster):
    queues = broker.platform_definitions()["queues"]
    queues += broker.partner_definitions("0" * 20, "x" * 20)["queues"]
    assert len(queues) > 10
    assert [q["name"] for q in queues if q["arguments"] != {"x-queue-type": "quorum"}] == []


def test_on_one_node_the_queues_stay_as_they_were(monkeypatch):
    monkeypatch.setenv("WEGWIJS_AMQP_URI", "amqp://127.0.0.1:5672/region")
    assert not settings.broker_cluster()
    assert settings.amqp_uri("pip").count("amqp://") == 1
    assert {str(q["arguments"]) for q in broker.platform_definitions()["queues"]} == {"{}"}


def test_no_node_password_reaches_the_log(cluster):
    # nameko logs a failed connection with its whole URI, masking only the first password
    uri = settings.amqp_uri("pip").replace("pip-secret%2F1", "********", 1)
    record = logging.makeLogRecord({"msg": "Error connecting to broker at %s", "args": (uri,)})
    line = JsonFormatter("pip").format(record)
    assert "pip-secret" not in line
    assert "rabbit-c:5674" in line
