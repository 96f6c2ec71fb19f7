"""Whether a process is consuming from the broker right now (for /health)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError
from nameko.messaging import QueueConsumer

from services.common import settings

log = logging.getLogger(__name__)

# What the broker's going away raises: nameko catches only amqp's ConnectionError, not the
# socket's own (a reset, a broken pipe) nor kombu's.
BROKER_GONE = (OSError, OperationalError, AmqpConnectionError)


class WatchedQueueConsumer(QueueConsumer):
    """nameko's queue consumer (one connection for every queue a process consumes), which knows
    whether it is consuming right now: from the moment its consumers are ready until its
    connection fails. A process whose consumer is not consuming is not healthy."""

    consuming = False

    def ack_message(self, message: Any) -> None:
        """Acknowledge; when the node went meanwhile, the broker delivers the message again (a
        reply's listener, an RPC call's or an event's consumer must not die of it: nameko kills
        the whole process for an error in any of them)."""
        try:
            super().ack_message(message)
        except BROKER_GONE as exc:
            log.warning("ack_lost", extra={"error": repr(exc)})

    def requeue_message(self, message: Any) -> None:
        try:
            super().requeue_message(message)
        except BROKER_GONE as exc:
            log.warning("requeue_lost", extra={"error": repr(exc)})

    connections = 0

    def get_consumers(self, consumer_cls: Any, channel: Any) -> Any:
        """After any (re)connection. From the second on, on a cluster, a provider whose queue
        is its own (a reply listener's: `renew_queue`) gets a queue of a new name first. On one
        node the old queue outlives the connection, and a reply on its way still arrives."""
        self.connections += 1
        if self.connections > 1 and settings.broker_cluster():
            for provider in self._providers:
                renew = getattr(provider, "renew_queue", None)
                if renew is not None:
                    renew()
        return super().get_consumers(consumer_cls, channel)

    # The broker connection (py-amqp's) the consumers were set up on, while consuming.
    _established: Any = None

    def on_consume_ready(self, connection: Any, channel: Any, consumers: Any, **kwargs: Any):
        super().on_consume_ready(connection, channel, consumers, **kwargs)
        self._established = channel.connection
        self.consuming = True
        for provider in self._providers:
            ready = getattr(provider, "queue_ready", None)
            if ready is not None:
                ready()

    def on_iteration(self) -> None:
        """Before each wait for messages: a connection an acknowledgement found gone is a lost
        connection here too. Without this, kombu's next wait would find the connection marked
        closed and quietly open a new one, without a single consumer on it: the process would
        look connected, and take no call or event again (seen on a cluster when a worker's
        acknowledgement met the node's going before this loop did)."""
        super().on_iteration()
        established = self._established
        if established is not None and not established.connected:
            raise AmqpConnectionError("the broker connection went (an acknowledgement found it)")

    @contextmanager
    def consumer_context(self, **kwargs: Any) -> Iterator[Any]:
        try:
            with super().consumer_context(**kwargs) as context:
                yield context
        finally:
            self.consuming = False
            self._established = None


def consuming(container: Any) -> bool:
    """Whether the process's queue consumer is consuming now."""
    return any(
        extension.consuming
        for extension in container.extensions
        if isinstance(extension, WatchedQueueConsumer)
    )
