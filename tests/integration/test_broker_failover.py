"""A process given several RabbitMQ nodes reaches the first one that runs, however many before
it are down (the machine's own RabbitMQ stands in for the last node; ports 1 and 2 are closed)."""

from __future__ import annotations

import pytest

from services.common.outbox import Publisher
from services.consent.relay import PartnerPublisher

DOWN_THEN_UP = "amqp://guest:guest@127.0.0.1:1/;amqp://guest:guest@127.0.0.1:2/;" + (
    "amqp://guest:guest@127.0.0.1:5672/"
)


def test_the_outbox_publisher_reaches_the_third_node_when_two_are_down():
    publisher = Publisher(DOWN_THEN_UP)
    try:
        publisher._ensure()
        assert publisher._connection.connected
        assert publisher._connection.port == 5672
    finally:
        publisher.close()


def test_the_partner_feeds_reach_the_third_node_when_two_are_down():
    publisher = PartnerPublisher(DOWN_THEN_UP)
    try:
        # the partner's vhost does not exist here: the node answered, and refused the vhost
        with pytest.raises(Exception) as refused:
            publisher._producer("0" * 20)
        assert "vhost" in str(refused.value).lower() or "access" in str(refused.value).lower()
    finally:
        publisher.close()
