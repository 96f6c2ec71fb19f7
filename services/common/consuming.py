"""Whether a process is consuming from the broker right now (for /health)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from nameko.messaging import QueueConsumer


class WatchedQueueConsumer(QueueConsumer):
    """nameko's queue consumer (one connection for every queue a process consumes), which knows
    whether it is consuming right now: from the moment its consumers are ready until its
    connection fails. A process whose consumer is not consuming is not healthy."""

    consuming = False

    def on_consume_ready(self, connection: Any, channel: Any, consumers: Any, **kwargs: Any):
        super().on_consume_ready(connection, channel, consumers, **kwargs)
        self.consuming = True

    @contextmanager
    def consumer_context(self, **kwargs: Any) -> Iterator[Any]:
        try:
            with super().consumer_context(**kwargs) as context:
                yield context
        finally:
            self.consuming = False


def consuming(container: Any) -> bool:
    """Whether the process's queue consumer is consuming now."""
    return any(
        extension.consuming
        for extension in container.extensions
        if isinstance(extension, WatchedQueueConsumer)
    )
