"""nameko entrypoints that survive the broker going away mid-message.

nameko treats an error while acknowledging a message or sending an RPC reply as fatal and kills
the service's container. When RabbitMQ restarts, that is exactly what happens to whatever was in
flight. Here such an error is logged instead: the broker redelivers the unacknowledged message
when the connection is back, the tracking consumer recognises a delivered event as a duplicate,
and a command delivered again meets the state the first delivery committed (a registration, for
one, meets its own BSN claim).
"""

from __future__ import annotations

import logging
from typing import Any

from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError
from nameko.messaging import Consumer
from nameko.rpc import Rpc

from services.common import wire  # noqa: F401 - plain JSON on the wire
from services.common.hygiene import clean_arguments

log = logging.getLogger(__name__)

BROKER_GONE = (OSError, OperationalError, AmqpConnectionError)


class ResilientRpc(Rpc):
    def handle_message(self, body: Any, message: Any) -> Any:
        """Refuse control characters in any argument (InvalidInput, answered to the caller),
        also from a caller that skipped the gateway; text goes on NFC-normalised."""
        if isinstance(body, dict) and isinstance(body.get("args"), list):
            method = getattr(self.container.service_cls, self.method_name)
            args, kwargs = clean_arguments(method, body["args"], body.get("kwargs") or {})
            body = {**body, "args": args, "kwargs": kwargs}
        return super().handle_message(body, message)

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_GONE as exc:
            log.warning("rpc_reply_lost", extra={"method": self.method_name, "error": repr(exc)})
            return result, exc_info


class ResilientConsumer(Consumer):
    def handle_result(
        self, message: Any, worker_ctx: Any, result: Any = None, exc_info: Any = None
    ) -> Any:
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_GONE as exc:
            log.warning("ack_lost", extra={"method": self.method_name, "error": repr(exc)})
            return result, exc_info


rpc = ResilientRpc.decorator
consume = ResilientConsumer.decorator
