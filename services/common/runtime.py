"""The eventsourcing-on-nameko bridge: one `ChainRuntime` per service process.

It owns the service's Application, its outbox relay and its tracking consumer; it gives each worker
the application and the actor context that came with the call, measures every entrypoint, and
stamps the correlation id on the worker's log lines.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

import eventlet
from eventlet.queue import Empty, Full, LightQueue
from eventlet.semaphore import Semaphore
from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import IntegrityError
from kombu import Queue
from nameko.extensions import DependencyProvider
from psycopg import sql

from services.common import broker, metrics, profiling, settings, stacks
from services.common.application import ChainApplication
from services.common.calls import (
    NonceStore,
    RefusedCall,
    log_refusal,
    public_keys_from_settings,
    verify_call,
)
from services.common.commands import Call, abandonment, conclude, start_unit
from services.common.consuming import consuming
from services.common.context import CommandContext, bind_current, system_context
from services.common.db import Database, application_name
from services.common.envelope import PREVIOUS_HEADER, Publication, context_of_event, is_position
from services.common.errors import Unavailable
from services.common.outbox import OutboxRelay, Publisher
from services.common.projection import Projection, Projector
from services.common.proxies import VERIFIED, PlatformClient
from services.common.secrets import refuse_unfit
from services.common.topology import taken_key
from services.common.tracking import Sink, TrackingConsumer
from services.common.visibility import withhold_nothing
from services.common.wake import Generations, Listener

log = logging.getLogger(__name__)

FORGET_EVERY_SECONDS = 600.0
# After a failed pass the relay and the read models try again this soon (RabbitMQ or PostgreSQL
# may be back), not only at the next notification.
RETRY_SECONDS = 1.0
# While the listener is reliable a quiet origin is pulled from only after this many fallback
# periods: nothing can have been missed, but a consumer that failed in an unforeseen way still
# recovers by itself.
SAFETY_FACTOR = 10
# Polled all the time; logging each call would drown the log.
QUIET_ENTRYPOINTS = frozenset(
    {"health", "http_health", "http_metrics", "prometheus_metrics", "monitor", "adopt_protocol"}
)


def events_from(origin: str, consumer: str) -> Queue:
    """The durable queue on which `consumer` receives the integration events of `origin` it
    takes (declared and bound by migrate: `broker.event_keys`)."""
    return broker.events_queue(consumer, origin)


def context_of(worker_ctx: Any) -> CommandContext | None:
    """The caller's context, as the RPC entrypoint verified it (None for other entrypoints)."""
    return worker_ctx.data.get(VERIFIED)


def _fault_after_commit(method: str) -> None:
    """The fault suite's faults between a command's commit and its answer (development only):
    `<method>` kills the process, `<method>:<seconds>` holds the answer back that long."""
    injected, _, pause = settings.FAULT_AFTER_COMMIT.get().partition(":")
    if method != injected or settings.ENVIRONMENT.get() != "development":
        return
    if pause:
        log.warning("fault_injected_pause_after_commit", extra={"method": method})
        eventlet.sleep(float(pause))
        return
    log.warning("fault_injected_kill_after_commit", extra={"method": method})
    os.kill(os.getpid(), signal.SIGKILL)


def _run_again(worker_ctx: Any) -> tuple[Any, Any]:
    method = getattr(worker_ctx.service, worker_ctx.entrypoint.method_name)
    try:
        return method(*worker_ctx.args, **worker_ctx.kwargs), None
    except Exception:  # noqa: BLE001 - concluded like the first run's error
        return None, sys.exc_info()


class EventSourcedSink:
    """A consumer whose effects are new events of its own Application (plus the tracking record)."""

    def __init__(self, app: ChainApplication):
        self.app = app

    def position(self, origin: str, conn: Any = None) -> int:
        return self.app.tracked_position(origin, conn)

    def apply(self, origin: str, events: Sequence[Mapping[str, Any]], after: int) -> None:
        self.app.process(origin, events, after=after)

    def affects(self, origin: str, event: Mapping[str, Any]) -> bool:
        return self.app.reacts_to(origin, event)

    def advance(self, origin: str, position: int) -> None:
        self.app.advance(origin, position)


class Worker:
    """What a service method gets: its application and the caller's context."""

    def __init__(
        self,
        runtime: ChainRuntime,
        ctx: CommandContext | None,
        previous: Mapping[str, Any] | None = None,
    ):
        self.runtime = runtime
        self.ctx = ctx
        # For a delivered event: the relay's header, where the previous event of its origin
        # lies that each selective consumer takes (`outbox.Previous`).
        self.previous = previous or {}

    @property
    def app(self) -> ChainApplication:
        return self.runtime.app

    def _previous(self, origin: str) -> int | None:
        """Where the previous event of `origin` lies that this service takes, if the relay
        took the same types for it as this release does."""
        if not self.previous:
            return None
        found = self.previous.get(taken_key(self.runtime.service, origin))
        return found if is_position(found) else None

    def receive(self, origin: str, event: Mapping[str, Any]) -> None:
        """Hand a delivered integration event to the tracking consumer, logging under the
        correlation id of the command that caused it."""
        bind_current(context_of_event(event))
        try:
            self.runtime.consumer.receive(origin, event, previous=self._previous(origin))
        except Exception:
            # The batch failed (a conflict, say): its events come back by catching up, which
            # is due when no delivery follows within WEGWIJS_CATCHUP_SECONDS.
            self.runtime._announced(origin)
            raise


class ChainRuntime(DependencyProvider):
    def __init__(
        self,
        app_class: type[ChainApplication] | None = None,
        publications: Mapping[type, Publication] | None = None,
        origins: tuple[str, ...] = (),
        sink_factory: Callable[[ChainRuntime], Sink] | None = None,
        projections: tuple[Projection, ...] = (),
        relays: tuple[Callable[[ChainRuntime], Any], ...] = (),
    ):
        self.app_class = app_class
        self.publications = publications or {}
        self.origins = origins
        self.sink_factory = sink_factory
        self.projections = projections
        # More relays of the service's own log beside the outbox (consent's partner feeds):
        # each is made from the runtime and has `relay()` and `close()`.
        self.relay_factories = relays
        self.extra_relays: list[Any] = []
        self.app: ChainApplication | None = None
        self.relay: OutboxRelay | None = None
        self.consumer: TrackingConsumer | None = None
        self.projector: Projector | None = None
        self._started: dict[Any, float] = {}

    # lifecycle ----------------------------------------------------------------------------
    def setup(self) -> None:
        self.service = self.container.service_name
        self._check_identity()
        profiling.start(self.service)  # only with WEGWIJS_PROFILE_DIR, in development
        stacks.install()  # kill -USR2: every greenthread's stack in the log
        self.db = Database().open()
        self.nonces = NonceStore(self.db, self.service)
        self.public_keys = public_keys_from_settings()
        self._nudges: LightQueue = LightQueue(maxsize=1)
        self._projection_nudges: LightQueue = LightQueue(maxsize=1)
        # Per origin: when its event store first announced events not yet delivered here, and
        # when it last announced any; when this consumer last caught up (monotonic seconds).
        self._awaited_since: dict[str, float] = {}
        self._announced_at: dict[str, float] = {}
        self._caught_up_at: dict[str, float] = {}
        self.listener = Listener(settings.postgres_conninfo(), application_name("listen"))
        self._rpc_lock = Semaphore()
        self._rpc: Any = None
        self._rpc_proxy: PlatformClient | None = None
        if self.app_class is not None:
            self.app = self.app_class.on_postgres()
            self.app.on_stored = self._stored
            self.app.generations = Generations(self.listener)
            self.listener.on(self.app.schema, self.app.generations.bump)
            self.publisher = Publisher(self.container.config["AMQP_URI"])
            self.relay = OutboxRelay(
                self.service, self.app, self.publications, self.db, self.publisher
            )
            self.projector = Projector(self.app, self.db, self.projections)
            self.extra_relays = [factory(self) for factory in self.relay_factories]
            # The relay (and the partner feeds) and the read models wake when any instance
            # stored new events, on PostgreSQL's notification (services.common.wake).
            self.listener.on(self.app.schema, self.nudge)
            if self.projections:
                self.listener.on(self.app.schema, self._nudge_projector)
        if self.origins:
            sink = self.sink_factory(self) if self.sink_factory else EventSourcedSink(self.app)
            self.consumer = TrackingConsumer(self.service, sink, self.db, self.fetch)
            for origin in self.origins:  # each origin's schema is named after it
                self.listener.on(origin, lambda origin=origin: self._announced(origin))

    def _check_identity(self) -> None:
        """Run only as the process it is, with its own broker user and fit secrets."""
        if settings.process() != self.service:
            raise SystemExit(
                f"wegwijs {self.service}: {settings.SERVICE.name} is {settings.process()!r};"
                " start it with `wegwijs run`"
            )
        refuse_unfit(self.service)
        user = urlsplit(self.container.config["AMQP_URI"].split(";")[0]).username
        if user != settings.broker_user(self.service):
            raise SystemExit(
                f"wegwijs {self.service}: connects to the broker as {user!r}, not as its own"
                f" user {settings.broker_user(self.service)!r}"
            )

    def verify_call(
        self,
        method: str,
        args: Any,
        kwargs: Any,
        header: Any,
        reply_to: str = "",
        command: bool = False,
    ) -> CommandContext:
        """The context of an RPC call whose signed context holds; raises Unauthenticated. A
        query's nonce is taken once; a command's context comes back with its command id (the
        caller's, or else the call's nonce, which a redelivery keeps)."""
        try:
            call = verify_call(
                header, self.service, method, args, kwargs, self.public_keys, reply_to=reply_to
            )
            if not command:
                self.nonces.take(call)
        except RefusedCall as refused:
            log_refusal(self.service, method, refused)
            raise
        if command:
            return call.context.for_command(
                call.context.command_id or f"{call.caller}:{call.nonce}"
            )
        return call.context

    def conclude(self, worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        """Write what a command collected with its outcome, and answer with that outcome (see
        `commands.conclude`)."""
        method = worker_ctx.entrypoint.method_name
        return conclude(
            self.app,
            Call(context_of(worker_ctx).command_id, method, worker_ctx.args, worker_ctx.kwargs),
            result,
            exc_info,
            run_again=lambda: _run_again(worker_ctx),
            after_commit=lambda: _fault_after_commit(method),
        )

    def start(self) -> None:
        if self.relay is not None:
            self.container.spawn_managed_thread(self._relay_loop)
            self.container.spawn_managed_thread(self._forget_loop)
            if self.projections:
                self.container.spawn_managed_thread(self._projection_loop)
        if self.consumer is not None:
            self.container.spawn_managed_thread(self._catch_up_loop)
        if self.listener.channels:
            self.container.spawn_managed_thread(self.listener.run)

    def stop(self) -> None:
        # The RPC client only when no call is on it: nameko kills the catch-up loop only after
        # this, and two greenthreads cannot share its socket. A client in use closes with the
        # process.
        if self._rpc_proxy is not None and self._rpc_lock.acquire(blocking=False):
            try:
                if self._rpc_proxy is not None:
                    self._rpc_proxy.stop()
                    self._rpc_proxy = self._rpc = None
            finally:
                self._rpc_lock.release()
        if self.relay is not None:
            self.publisher.close()
        for extra in self.extra_relays:
            extra.close()
        if self.app is not None:
            self.app.close()
        self.db.close()

    def kill(self) -> None:
        self.stop()

    # workers ------------------------------------------------------------------------------
    def get_dependency(self, worker_ctx: Any) -> Worker:
        previous = worker_ctx.data.get(PREVIOUS_HEADER)
        return Worker(
            self, context_of(worker_ctx), previous if isinstance(previous, Mapping) else None
        )

    def worker_setup(self, worker_ctx: Any) -> None:
        self._started[worker_ctx] = time.perf_counter()
        withhold_nothing()
        ctx = context_of(worker_ctx)
        if ctx is not None:
            bind_current(ctx)
        if getattr(worker_ctx.entrypoint, "is_command", False):
            # What the command saves is written with its outcome (`conclude`).
            start_unit()

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        started = self._started.pop(worker_ctx, None)
        if started is not None:
            entrypoint = worker_ctx.entrypoint.method_name
            outcome = "ok" if exc_info is None else type(exc_info[1]).__name__
            elapsed = time.perf_counter() - started
            metrics.ENTRYPOINT_LATENCY.labels(self.service, entrypoint, outcome).observe(elapsed)
            if entrypoint not in QUIET_ENTRYPOINTS:
                log.info(
                    "entrypoint_done",
                    extra={
                        "entrypoint": entrypoint,
                        "outcome": outcome,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )

    def _stored(self) -> None:
        """The application stored events. Without notifications (PostgreSQL away, or a store
        migrate has not given its trigger yet) this process's own commits still go out at once;
        with them, the event store's notification wakes the relay (once). What the application
        keeps of its own store is read again at once, not only when the notification comes."""
        self.app.generations.bump()
        if not self.listener.reliable:
            self.nudge()

    def nudge(self) -> None:
        """Tell the relay there may be new events: the event store's notification does, for
        every instance's commits (and a fallback timer, for a notification missed)."""
        with suppress(Full):
            self._nudges.put_nowait(None)

    def _nudge_projector(self) -> None:
        with suppress(Full):
            self._projection_nudges.put_nowait(None)

    def _announced(self, origin: str) -> None:
        """An origin's event store committed new events: their delivery is awaited."""
        now = time.monotonic()
        self._announced_at[origin] = now
        self._awaited_since.setdefault(origin, now)

    # background work ----------------------------------------------------------------------
    def _relay_loop(self) -> None:
        fallback = float(settings.RELAY_POLL_SECONDS.get())
        wait = fallback
        while True:
            try:
                self._nudges.get(timeout=wait)
            except Empty:
                if wait == fallback and self.listener.reliable:
                    continue  # nothing was announced, and nothing can have been missed
            wait = fallback
            for relay in (self.relay, *self.extra_relays):
                try:
                    relay.relay()
                except Exception as exc:  # noqa: BLE001 - keep relaying after any fault
                    log.warning(
                        "outbox_relay_failed",
                        extra={"relay": type(relay).__name__, "error": repr(exc)},
                    )
                    wait = RETRY_SECONDS

    def _forget_loop(self) -> None:
        """Drop command outcomes older than commands.KEEP_HOURS, now and then."""
        while True:
            try:
                if forgotten := self.app.recorder.forget_outcomes():
                    log.info("command_outcomes_forgotten", extra={"outcomes": forgotten})
            except Exception as exc:  # noqa: BLE001 - the next round tries again
                log.warning("forget_outcomes_failed", extra={"error_type": type(exc).__name__})
            eventlet.sleep(FORGET_EVERY_SECONDS)

    def _projection_loop(self) -> None:
        """Keep read models close behind the event store; a read that must see its own writes
        runs the projector itself first."""
        fallback = float(settings.RELAY_POLL_SECONDS.get())
        wait = fallback
        while True:
            try:
                self._projection_nudges.get(timeout=wait)
            except Empty:
                if wait == fallback and self.listener.reliable:
                    continue
            wait = fallback
            try:
                self.projector.run()
            except Exception as exc:  # noqa: BLE001 - the next round tries again
                # The kind only: a database error may quote the data it choked on.
                log.warning("projection_failed", extra={"error_type": type(exc).__name__})
                wait = RETRY_SECONDS

    def _catch_up_loop(self) -> None:
        every = float(settings.CATCHUP_SECONDS.get())
        while True:
            for origin in self.origins:
                if not self._catch_up_due(origin, time.monotonic()):
                    continue
                try:
                    caught = self.consumer.catch_up(origin)
                    self._caught_up_at[origin] = time.monotonic()
                    if caught:
                        log.info("consumer_caught_up", extra={"origin": origin, "events": caught})
                except Exception as exc:  # noqa: BLE001 - the next round tries again
                    self._caught_up_at.pop(origin, None)  # so it does, as at start
                    log.warning(
                        "consumer_catch_up_failed", extra={"origin": origin, "error": repr(exc)}
                    )
            eventlet.sleep(every)

    def _catch_up_due(self, origin: str, now: float) -> bool:
        """Whether to pull from `origin` now: at start; when it announced events (a notification
        of its event store), or a delivered batch failed, and no delivery came within
        WEGWIJS_CATCHUP_SECONDS after; when events without effect moved its position in memory
        and no delivery came for WEGWIJS_CATCHUP_SECONDS (to write the position down); and when
        it has been quiet for
        WEGWIJS_CATCHUP_FALLBACK_SECONDS (ten times that while the listener is reliable, when
        no notification can have been missed). Looking costs no query."""
        caught_up = self._caught_up_at.get(origin)
        if caught_up is None:
            return True
        every = float(settings.CATCHUP_SECONDS.get())
        if self.consumer.unrecorded(origin) and self.consumer.idle_for(origin) >= every:
            return True  # events without effect moved the position: write it down
        seen = max(now - self.consumer.idle_for(origin), caught_up)
        awaited = self._awaited_since.get(origin)
        announced = self._announced_at.get(origin, caught_up)
        if awaited is not None and seen >= awaited:
            # Delivered (or pulled) since: what was announced after that is awaited next, from
            # then on (at the latest).
            awaited = seen if announced >= seen else None
            if awaited is None:
                self._awaited_since.pop(origin, None)
            else:
                self._awaited_since[origin] = awaited
        if awaited is not None and now - awaited >= every:
            self._awaited_since.pop(origin, None)
            return True
        quiet = float(settings.CATCHUP_FALLBACK_SECONDS.get())
        if self.listener.reliable:
            quiet *= SAFETY_FACTOR  # no announcement can have been missed: a safety net only
        return now - max(seen, announced) >= quiet

    def fetch(self, origin: str, start: int, limit: int) -> list[dict[str, Any]]:
        """Pull part of an origin's notification log over RPC, as the origin's own system."""
        with self._rpc_lock:
            if self._rpc is None:
                self._rpc_proxy = PlatformClient(
                    self.service,
                    lambda: system_context(self.service, "replicatie"),
                    timeout=float(settings.RPC_TIMEOUT_SECONDS.get()),
                    amqp_uri=self.container.config["AMQP_URI"],
                )
                self._rpc = self._rpc_proxy.start()
            try:
                return getattr(self._rpc, origin).notifications(start, limit)
            except Exception:
                self._rpc_proxy.stop()
                self._rpc_proxy = None
                self._rpc = None
                raise

    def settle(self, command_id: str) -> str:
        """What came of a command whose caller lost the answer: "uitgevoerd" (it took effect),
        "geweigerd" (it was refused) or "mislukt" (it has no outcome; from now on it never will,
        so a delivery still under way cannot carry it out after all)."""
        if self.app is None:  # a service without state carries out no commands
            return "mislukt"
        found = self.app.outcome(command_id)
        if found is None:
            try:
                self.app.commit(ProcessingEvent(), abandonment(command_id))
                log.info("command_abandoned", extra={"command_id": command_id})
                return "mislukt"
            except IntegrityError:  # it was just written after all
                found = self.app.outcome(command_id)
                if found is None:
                    raise Unavailable("the command's outcome cannot be read now") from None
        if found.abandoned:
            return "mislukt"
        return "uitgevoerd" if found.error is None else "geweigerd"

    def health(self) -> dict[str, Any]:
        """The process as it is now: PostgreSQL answers, and the broker connection its calls
        and events come in on is consuming. Raises when PostgreSQL does not answer."""
        with self.db.transaction() as cur:
            cur.execute(sql.SQL("SELECT 1 AS ok"))
            cur.fetchone()
        broker_ok = consuming(self.container)
        report: dict[str, Any] = {
            "service": self.service,
            "status": "ok" if broker_ok else "down",
            "postgres": "ok",
            "broker": "consuming" if broker_ok else "not consuming",
        }
        if self.relay is not None:
            head = self.app.recorder.max_notification_id() or 0
            report["outbox_lag"] = head - self.relay.position()
        return report
