"""nameko entrypoints of the platform: RPC calls are taken only with a valid signed context, from
the queue migrate declared; commands take effect once; and no entrypoint dies with the broker.

`rpc` is a query: it changes nothing (or only records that it was read), and a signed call is
taken once. `command` changes state: it is carried out once per command id, and a delivery or a
retry of a command that has an outcome is answered with that outcome (`commands.py`).

nameko treats an error while acknowledging a message or sending an RPC reply as fatal and kills
the service's container. When RabbitMQ restarts, that is exactly what happens to whatever was in
flight. Here such an error is logged instead: the broker redelivers the unacknowledged message
when the connection is back, the tracking consumer recognises a delivered event as a duplicate,
and a command delivered again is answered with its first outcome.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from nameko.exceptions import ContainerBeingKilled, MalformedRequest
from nameko.messaging import Consumer
from nameko.rpc import Rpc, RpcConsumer

from services.common import (
    broker,
    wire,  # noqa: F401 - plain JSON on the wire
)
from services.common.commands import Call, answer_of, answered_before
from services.common.consuming import BROKER_GONE, WatchedQueueConsumer
from services.common.context import CONTEXT_KEY
from services.common.errors import InvalidInput, Unauthenticated, Unavailable
from services.common.hygiene import clean_arguments
from services.common.proxies import VERIFIED

log = logging.getLogger(__name__)


class PlatformRpcConsumer(RpcConsumer):
    """Takes calls from the service's queue as migrate declared it; declares nothing."""

    queue_consumer = WatchedQueueConsumer()

    def setup(self) -> None:
        if self.queue is None:
            self.queue = broker.rpc_queue(self.container.service_name)
            self.queue_consumer.register_provider(self)
            self._registered = True


class ResilientRpc(Rpc):
    rpc_consumer = PlatformRpcConsumer()
    # A command is carried out once per command id; a query's signed call is taken once.
    is_command = False

    def handle_message(self, body: Any, message: Any) -> None:
        """Check the call's signed context in a thread of its own (it records the nonce in the
        database), then run it, or answer Unauthenticated without running it."""
        self.container.spawn_managed_thread(lambda: self._checked(body, message))

    def _checked(self, body: Any, message: Any) -> None:
        try:
            self._run_checked(body, message)
        except ContainerBeingKilled:
            self.rpc_consumer.requeue_message(message)
        except Exception:  # noqa: BLE001 - answered, as nameko answers a malformed call
            self.handle_result(message, None, None, sys.exc_info())

    def _run_checked(self, body: Any, message: Any) -> None:
        try:
            args, kwargs = body["args"], body["kwargs"]
        except (KeyError, TypeError):
            raise MalformedRequest("the call carries no `args` and `kwargs`") from None
        headers = self.unpack_message_headers(message)
        runtime = _runtime_of(self.container)
        try:
            ctx = runtime.verify_call(
                self.method_name,
                args,
                kwargs,
                headers.get(CONTEXT_KEY),
                reply_to=message.properties.get("reply_to", ""),
                command=self.is_command,
            )
        except Unauthenticated as refused:
            raise Unauthenticated(str(refused)) from None
        except Exception as exc:  # noqa: BLE001 - the nonce store is down: try again later
            log.warning("call_check_failed", extra={"method": self.method_name, "error": repr(exc)})
            raise Unavailable("the call could not be checked now; nothing was done") from None
        headers[VERIFIED] = ctx
        # Checked as signed, then refused with InvalidInput for control characters in any
        # argument (also from a caller that skipped the gateway); text goes on NFC-normalised.
        method = getattr(self.container.service_cls, self.method_name)
        args, kwargs = clean_arguments(method, args, kwargs)
        self.check_signature(args, kwargs)
        if self.is_command and self._answered_before(runtime, ctx, args, kwargs, message):
            return
        self.container.spawn_worker(
            self,
            args,
            kwargs,
            context_data=headers,
            handle_result=lambda worker_ctx, result, exc_info: self.handle_result(
                message, worker_ctx, *self.concluded(runtime, worker_ctx, result, exc_info)
            ),
        )

    def concluded(self, runtime: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        """What the caller is answered: a command's outcome, once written; a query's result."""
        if self.is_command:
            return runtime.conclude(worker_ctx, result, exc_info)
        return result, exc_info

    def _answered_before(
        self, runtime: Any, ctx: Any, args: Any, kwargs: Any, message: Any
    ) -> bool:
        """Answer a command that has an outcome with that outcome, without running it."""
        try:
            found = answered_before(
                runtime.app, Call(ctx.command_id, self.method_name, args, kwargs)
            )
        except InvalidInput:
            raise
        except Exception as exc:  # noqa: BLE001 - the database is down: nothing was done
            log.warning(
                "outcome_check_failed", extra={"method": self.method_name, "error": repr(exc)}
            )
            raise Unavailable("the command could not be checked now; nothing was done") from None
        if found is None:
            return False
        log.info("command_answered_again", extra={"method": self.method_name})
        self.handle_result(message, None, *answer_of(found))
        return True

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_GONE as exc:
            log.warning("rpc_reply_lost", extra={"method": self.method_name, "error": repr(exc)})
            return result, exc_info


class CommandRpc(ResilientRpc):
    is_command = True


def _runtime_of(container: Any) -> Any:
    from services.common.runtime import ChainRuntime

    return next(d for d in container.dependencies if isinstance(d, ChainRuntime))


class ResilientConsumer(Consumer):
    queue_consumer = WatchedQueueConsumer()

    def handle_result(
        self, message: Any, worker_ctx: Any, result: Any = None, exc_info: Any = None
    ) -> Any:
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_GONE as exc:
            log.warning("ack_lost", extra={"method": self.method_name, "error": repr(exc)})
            return result, exc_info


rpc = ResilientRpc.decorator
command = CommandRpc.decorator
consume = ResilientConsumer.decorator
