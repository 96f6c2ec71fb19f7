"""Calls from one process to another: nameko RPC proxies that sign each call (`calls.py`), reply
on keys only their own process may bind (`reply.<process>.<uuid>`), and declare nothing but
their own reply queue.

`PlatformRpcProxy` is the dependency a service uses inside a worker: it signs with the context
of the call in hand (`current_context()`), or the service's own system context when there is
none. `PlatformClient` is the same for code outside a worker (a consumer catching up, tests).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kombu import Queue
from nameko.rpc import RPC_REPLY_QUEUE_TTL, MethodProxy, ReplyListener, RpcProxy, ServiceProxy
from nameko.standalone.rpc import ClusterRpcProxy, SingleThreadedReplyListener

from services.common import broker, settings
from services.common.calls import sign_call, signing_key_of
from services.common.commands import step_id
from services.common.consuming import WatchedQueueConsumer
from services.common.context import CONTEXT_KEY, CommandContext, current_context, system_context
from services.common.envelope import PREVIOUS_HEADER

# Worker data the entrypoint leaves for the worker: the verified context (never sent on).
VERIFIED = "wegwijs_verified_context"


class _OwnReplyKeys:
    """Replies come back on `reply.<process>.<uuid>`, a key only this process may bind."""

    def setup(self) -> None:
        self.renew_queue()
        self.routing_key = self.queue.routing_key
        self.queue_consumer.register_provider(self)

    def renew_queue(self) -> None:
        """A reply queue of a new name, bound with a key of its own. The queue consumer asks
        for one on every connection after the first on a cluster
        (`WatchedQueueConsumer.get_consumers`): there, a queue declared again under the name it
        had on a node that just went can be removed by another node's clean-up of that node
        moments later, silently, with the consumer still attached (rabbitmq-server issues 9798
        and 11000), and no reply would reach this process again. Calls go on naming the old key
        until the new queue is consumed (`queue_ready`)."""
        process = self.container.service_name
        reply_id = str(uuid.uuid4())
        # Transient: on a cluster, a durable classic queue whose node went stays declared but
        # unreachable, and the listener, connected again to another node, could not declare it.
        self.queue = Queue(
            broker.reply_queue_name(process, reply_id),
            exchange=broker.rpc_exchange(),
            routing_key=broker.reply_key(process, reply_id),
            durable=False,
            queue_arguments={"x-expires": RPC_REPLY_QUEUE_TTL},
        )


class ReplyLost(Exception):
    """The broker connection a call's reply was to come back on went before the reply came, so
    it never will. Whether the call took effect is not known, as after a timeout."""


class PlatformReplyListener(_OwnReplyKeys, ReplyListener):
    # The process's one queue consumer (see entrypoints.WatchedQueueConsumer).
    queue_consumer = WatchedQueueConsumer()

    def queue_ready(self) -> None:
        """The queue is declared, bound and consumed (`WatchedQueueConsumer.on_consume_ready`).
        After a renewal, calls from now on name its key; every call still waiting named the old
        one, whose queue nobody reads any more, and gets `ReplyLost` at once instead of waiting
        out its timeout."""
        if self.routing_key == self.queue.routing_key:
            return
        self.routing_key = self.queue.routing_key
        for correlation_id in list(self._reply_events):
            self._reply_events.pop(correlation_id).send_exception(
                ReplyLost("the broker connection went before the reply came")
            )


class _StandaloneReplyListener(_OwnReplyKeys, SingleThreadedReplyListener):
    pass


# How a proxy makes the header of one call: (target, method, args, kwargs, reply key) -> signed
# context.
Signer = Callable[[str, str, Sequence[Any], Mapping[str, Any], str], str]


def signer_for(caller: str, context_of: Callable[[], CommandContext]) -> Signer:
    """Sign each call with `caller`'s own key, as the context `context_of()` gives then."""

    def sign(
        target: str, method: str, args: Sequence[Any], kwargs: Mapping[str, Any], reply_to: str
    ) -> str:
        ctx = context_of()
        if ctx.command_id and caller != "gateway":
            # A call a service makes while carrying out a command is a step of that command:
            # the same step again (a redelivery, a retry) has the same id, another step another.
            ctx = ctx.for_command(step_id(ctx.command_id, target, method, args, kwargs))
        key = signing_key_of(caller)
        return sign_call(caller, key, ctx, target, method, args, kwargs, reply_to=reply_to)

    return sign


class SignedMethodProxy(MethodProxy):
    """One call, with the header its signer makes for this target, method and arguments."""

    signer: Signer

    def _call(self, *args: Any, **kwargs: Any) -> Any:
        self._signed = self.signer(
            self.service_name, self.method_name, args, kwargs, self.reply_listener.routing_key
        )
        return super()._call(*args, **kwargs)

    def get_message_headers(self, worker_ctx: Any) -> dict[str, Any]:
        headers = super().get_message_headers(worker_ctx)
        headers.pop(self._get_header_name(VERIFIED), None)
        headers.pop(self._get_header_name(CONTEXT_KEY), None)
        headers.pop(self._get_header_name(PREVIOUS_HEADER), None)  # an event's, not the call's
        if self._signed is not None:
            headers[self._get_header_name(CONTEXT_KEY)] = self._signed
        return headers


class SignedServiceProxy(ServiceProxy):
    def __init__(self, *args: Any, signer: Signer, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.signer = signer

    def __getattr__(self, name: str) -> SignedMethodProxy:
        method = SignedMethodProxy(
            self.worker_ctx, self.service_name, name, self.reply_listener, **self.options
        )
        method.signer = self.signer
        return method


class PlatformRpcProxy(RpcProxy):
    """A service's proxy to another: each call signed as the context of the call in hand."""

    rpc_reply_listener = PlatformReplyListener()

    def get_dependency(self, worker_ctx: Any) -> SignedServiceProxy:
        service = self.container.service_name

        def context_of() -> CommandContext:
            return current_context() or system_context(service, "systeem")

        return SignedServiceProxy(
            worker_ctx,
            self.target_service,
            self.rpc_reply_listener,
            signer=signer_for(service, context_of),
            **self.options,
        )


class _ClusterProxy:
    def __init__(self, worker_ctx: Any, reply_listener: Any, signer: Signer):
        self._worker_ctx = worker_ctx
        self._reply_listener = reply_listener
        self._signer = signer

    def __getattr__(self, name: str) -> SignedServiceProxy:
        return SignedServiceProxy(self._worker_ctx, name, self._reply_listener, signer=self._signer)

    def __getitem__(self, name: str) -> SignedServiceProxy:
        return getattr(self, name)


class PlatformClient(ClusterRpcProxy):
    """Calls from outside a worker, as process `caller` (its broker user and call key), each
    signed as `context_of()`: `with PlatformClient("audit", ...) as rpc: rpc.intake.x()`. A
    `signer` of one's own replaces the signing (tests send forged or replayed headers)."""

    def __init__(
        self,
        caller: str,
        context_of: Callable[[], CommandContext] | None = None,
        timeout: float | None = None,
        amqp_uri: str | None = None,
        signer: Signer | None = None,
    ):
        config = {"AMQP_URI": amqp_uri or settings.amqp_uri(caller)}
        super().__init__(config, timeout=timeout, reply_listener_cls=_StandaloneReplyListener)
        self._worker_ctx.container.service_name = caller
        signer = signer or signer_for(caller, context_of or (lambda: system_context(caller, "")))
        self._proxy = _ClusterProxy(self._worker_ctx, self._reply_listener, signer)
