"""A process connected again to the broker takes its RPC replies on a queue of a new name.

On a cluster, the reply queue declared again under its old name, right after its node went, can
be removed moments later by another node's clean-up of the node that went (rabbitmq-server
issues 9798 and 11000), silently, with the consumer still attached: the gateway then answered
every request with 504 (the cluster test, `test_rabbit_cluster.py`, in CI). A queue of a new name
is not the old one's, so no clean-up can take it."""

from __future__ import annotations

import re
from types import SimpleNamespace

from services.common.consuming import WatchedQueueConsumer
from services.common.proxies import PlatformReplyListener

KEY = re.compile(r"^reply\.gateway\.[0-9a-f-]{36}$")


class _Consumer:
    def __init__(self, queues, callbacks, accept):
        self.queues = queues

    def qos(self, prefetch_count):
        pass


def _listener_and_consumer() -> tuple[PlatformReplyListener, WatchedQueueConsumer]:
    container = SimpleNamespace(service_name="gateway", max_workers=10, accept=["json"])
    consumer = WatchedQueueConsumer()
    consumer.container = container
    listener = PlatformReplyListener()
    listener.container = container
    listener.queue_consumer = consumer
    listener.setup()
    return listener, consumer


def _consumed(consumer: WatchedQueueConsumer) -> list[str]:
    return [q.name for c in consumer.get_consumers(_Consumer, channel=None) for q in c.queues]


def test_the_first_connection_consumes_the_queue_made_at_setup():
    listener, consumer = _listener_and_consumer()
    made = listener.queue.name
    assert _consumed(consumer) == [made]
    assert KEY.match(listener.routing_key)


def test_every_connection_after_the_first_consumes_a_reply_queue_of_a_new_name():
    listener, consumer = _listener_and_consumer()
    first = _consumed(consumer)
    key = listener.routing_key
    second = _consumed(consumer)
    third = _consumed(consumer)
    assert len({*first, *second, *third}) == 3
    # calls sent from now on name the new key as their reply-to, bound to the new queue
    assert listener.routing_key != key and KEY.match(listener.routing_key)
    assert listener.queue.routing_key == listener.routing_key
    assert listener.queue.name == third[0]
