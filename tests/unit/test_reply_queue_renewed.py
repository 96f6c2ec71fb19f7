"""On a cluster, a process connected again to the broker takes its RPC replies on a queue of a new
name, and a call still waiting for a reply on the old one is told at once that it is lost.

There, the reply queue declared again under its old name, right after its node went, can be
removed moments later by another node's clean-up of the node that went (rabbitmq-server issues
9798 and 11000), silently, with the consumer still attached: the gateway then answered every
request with 504 (the cluster test, `test_rabbit_cluster.py`, in CI). A queue of a new name is not
the old one's, so no clean-up can take it. On one node the old queue outlives the connection, and
a reply on its way still arrives: nothing changes there."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from services.common import consuming
from services.common.consuming import WatchedQueueConsumer
from services.common.proxies import PlatformReplyListener, ReplyLost

KEY = re.compile(r"^reply\.gateway\.[0-9a-f-]{36}$")


class _Consumer:
    def __init__(self, queues, callbacks, accept):
        self.queues = queues

    def qos(self, prefetch_count):
        pass


@pytest.fixture
def on_a_cluster(monkeypatch):
    monkeypatch.setattr(consuming.settings, "broker_cluster", lambda: True)


def _listener_and_consumer() -> tuple[PlatformReplyListener, WatchedQueueConsumer]:
    container = SimpleNamespace(service_name="gateway", max_workers=10, accept=["json"])
    consumer = WatchedQueueConsumer()
    consumer.container = container
    listener = PlatformReplyListener()
    listener.container = container
    listener.queue_consumer = consumer
    listener.setup()
    return listener, consumer


def _declared(consumer: WatchedQueueConsumer) -> list[str]:
    """kombu's consumers made on a (re)connection: the queues they declare and bind."""
    return [q.name for c in consumer.get_consumers(_Consumer, channel=None) for q in c.queues]


def _connected(consumer: WatchedQueueConsumer) -> list[str]:
    """A whole (re)connection: consumers made, then ready."""
    declared = _declared(consumer)
    connection = SimpleNamespace(connected=True)
    consumer.on_consume_ready(None, SimpleNamespace(connection=connection), [])
    return declared


def test_the_first_connection_consumes_the_queue_made_at_setup(on_a_cluster):
    listener, consumer = _listener_and_consumer()
    made = listener.queue.name
    assert _connected(consumer) == [made]
    assert KEY.match(listener.routing_key)
    assert listener.routing_key == listener.queue.routing_key


def test_on_a_cluster_every_connection_after_the_first_consumes_a_queue_of_a_new_name(
    on_a_cluster,
):
    listener, consumer = _listener_and_consumer()
    names = [_connected(consumer) for _ in range(3)]
    assert len({name for (name,) in names}) == 3
    # calls sent from now on name the new key as their reply-to, bound to the new queue
    assert KEY.match(listener.routing_key)
    assert listener.queue.routing_key == listener.routing_key
    assert listener.queue.name == names[-1][0]


def test_calls_name_the_old_key_until_the_new_queue_is_consumed(on_a_cluster):
    listener, consumer = _listener_and_consumer()
    _connected(consumer)
    old = listener.routing_key
    _declared(consumer)  # the new queue declared, not yet consumed: a reply could not reach it
    assert listener.routing_key == old
    consumer.on_consume_ready(None, SimpleNamespace(connection=SimpleNamespace(connected=True)), [])
    assert listener.routing_key == listener.queue.routing_key != old


def test_a_call_waiting_when_the_connection_went_is_told_at_once_its_reply_is_lost(on_a_cluster):
    listener, consumer = _listener_and_consumer()
    _connected(consumer)
    waiting = listener.get_reply_event("call-1")
    _connected(consumer)  # connected again: its reply went to the old queue, which nobody reads
    with pytest.raises(ReplyLost):
        waiting.wait()
    later = listener.get_reply_event("call-2")  # sent on the new connection: it waits
    assert not later.ready()


def test_on_one_node_the_queue_and_the_calls_waiting_stay_as_they_were():
    listener, consumer = _listener_and_consumer()
    first = _connected(consumer)
    waiting = listener.get_reply_event("call-1")
    assert _connected(consumer) == first
    assert not waiting.ready()  # its reply still comes, to the same queue
