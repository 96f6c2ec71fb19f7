"""A process whose broker node went down in the middle of acknowledging a message lives on: the
broker delivers the message again, and the process connects to another node. nameko lets the
socket's error through (it catches only amqp's own ConnectionError), and an RPC reply listener's
failed acknowledgement then killed the whole gateway."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from kombu import Connection

from services.common.consuming import WatchedQueueConsumer


class _Channel:
    connection = object()

    def __init__(self, error: Exception):
        self.error = error

    def basic_ack(self, *args, **kwargs):
        raise self.error

    def basic_reject(self, *args, **kwargs):
        raise self.error


class _Message:
    def __init__(self, error: Exception):
        self.channel = _Channel(error)

    def ack(self):
        self.channel.basic_ack()

    def requeue(self):
        self.channel.basic_reject()


@pytest.mark.parametrize(
    "error",
    [ConnectionResetError(104, "Connection reset by peer"), BrokenPipeError(32, "Broken pipe")],
)
def test_an_acknowledgement_lost_with_its_node_does_not_raise(error):
    consumer = WatchedQueueConsumer()
    consumer.ack_message(_Message(error))
    consumer.requeue_message(_Message(error))


def test_an_error_of_the_process_itself_still_raises():
    with pytest.raises(ValueError):
        WatchedQueueConsumer().ack_message(_Message(ValueError("a bug")))


class _Established:
    connected = True


def _consuming_on(established: _Established) -> WatchedQueueConsumer:
    consumer = WatchedQueueConsumer()
    consumer._consumers = {"a provider": object()}  # consuming something: no stop requested
    consumer.on_consume_ready(None, SimpleNamespace(connection=established), [])
    return consumer


def test_a_connection_an_acknowledgement_found_gone_is_lost_for_the_consumer_loop_too():
    # py-amqp marks its connection closed when a write fails (a worker's ack meeting the reset);
    # kombu's next wait would then open a new connection without consumers, quietly.
    established = _Established()
    consumer = _consuming_on(established)
    consumer.on_iteration()  # connected: the loop waits for messages
    established.connected = False
    with pytest.raises(Connection("amqp://").connection_errors):
        consumer.on_iteration()  # kombu's loop connects again, consumers and all


def test_once_connected_again_only_the_new_connection_counts():
    gone, new = _Established(), _Established()
    consumer = _consuming_on(gone)
    gone.connected = False
    consumer.on_consume_ready(None, SimpleNamespace(connection=new), [])  # kombu connected again
    consumer.on_iteration()
