"""The gateway: the only HTTP entry. Authenticates, authorises, forwards over RPC with the actor
context, and answers errors as RFC 9457 problem documents."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

import eventlet
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu import Connection
from kombu.exceptions import OperationalError
from nameko.exceptions import RemoteError, UnknownService
from werkzeug.wrappers import Request, Response

from services.common import metrics, remote, settings  # noqa: F401 - remote registers errors
from services.common.access import Action, require, require_system
from services.common.context import CommandContext, bind_current, current_context
from services.common.entrypoints import rpc
from services.common.errors import EXPECTED, GivenUp, NotFound, Unauthenticated
from services.common.proxies import PlatformRpcProxy, ReplyLost
from services.common.runtime import ChainRuntime
from services.gateway.access_log import PUBLICATIONS as ACCESS_PUBLICATIONS
from services.gateway.access_log import AccessLogs
from services.gateway.auth import authenticate
from services.gateway.command_keys import HEADER as KEY_HEADER
from services.gateway.command_keys import (
    SETTLED_FAILED,
    Key,
    StoredAnswer,
    answer_headers,
    body_text,
    command_state,
    fingerprint,
    new_key,
    parse_key,
)
from services.gateway.edge import claim_refusal
from services.gateway.handler import entrypoints
from services.gateway.http import (
    COMMAND_KEY,
    COMMAND_METHODS,
    RECEIVED_AT,
    ROUTE,
    TRACE_ID,
    Replay,
    api,
    canonical_uuid,
    json_response,
    raw_body,
)
from services.gateway.openapi import openapi_document
from services.gateway.problems import GatewayTimeout, ServiceUnavailable
from services.gateway.routes import ROUTES
from services.gateway.settle import CommandKeyStore, settle_after

log = logging.getLogger(__name__)


SERVICES = ("intake", "pip", "matching", "consent", "audit")
# A request not picked up within half the gateway's patience expires in its queue, so a command
# that waited out a service outage is not carried out after the caller was told it failed.
RPC_OPTIONS = {"expiration": float(settings.RPC_TIMEOUT_SECONDS.get()) / 2}


# Every route of the table, as an entrypoint carried out by handler.carry_out.
RouteTable = type("RouteTable", (), entrypoints(ROUTES))


class GatewayService(RouteTable):
    name = "gateway"
    # A route that makes a dossier, or acts on one its path does not name, says which
    # (dossier id, gemeente) its command was about (nameko makes a service instance per request).
    command_subject: tuple[str, str] | None = None
    # The command in hand under its Idempotency-Key, the service method it was sent to, and
    # whether it was settled (and accounted for) before.
    command_key: Key | None = None
    command_target: str = ""
    command_settled: bool = False
    command_given_up: bool = False

    chain = ChainRuntime(AccessLogs, ACCESS_PUBLICATIONS)
    command_keys = CommandKeyStore()
    # Each call is signed with the gateway's own key, as the context of the request in hand.
    intake = PlatformRpcProxy("intake", **RPC_OPTIONS)
    pip = PlatformRpcProxy("pip", **RPC_OPTIONS)
    matching = PlatformRpcProxy("matching", **RPC_OPTIONS)
    consent = PlatformRpcProxy("consent", **RPC_OPTIONS)
    audit = PlatformRpcProxy("audit", **RPC_OPTIONS)

    def _authorise(self, request: Request, action: Action, activity: str) -> CommandContext:
        ctx = authenticate(
            request.headers.get("Authorization"), activity, request.headers.get("traceparent")
        )
        if reason := claim_refusal(ctx.actor):
            raise Unauthenticated(reason)
        request.environ[TRACE_ID] = ctx.correlation_id
        bind_current(ctx)  # before the check: a refused command is accounted for too
        require(ctx, action)
        if request.method in COMMAND_METHODS:
            ctx = self._begin_command(request, ctx)
        return ctx

    def _begin_command(self, request: Request, ctx: CommandContext) -> CommandContext:
        """Take the command under its Idempotency-Key (see command_keys.py): answer it as it was
        answered before, or carry it out under the key's command id."""
        key = parse_key(request.headers.get(KEY_HEADER)) or new_key()
        request.environ[COMMAND_KEY] = key
        found, answer = self.command_keys.begin(
            ctx,
            key,
            fingerprint(request.method, request.path, raw_body(request)),
            request.method,
            request.environ[ROUTE],
            request.environ[RECEIVED_AT],
            canonical_uuid((request.path_values or {}).get("dossier_id", "")),
        )
        if answer is not None and answer.settled == SETTLED_FAILED:
            # Given up: a new attempt.
            found = self.command_keys.retry_after_abandon(found, request.environ[RECEIVED_AT])
        elif answer is not None and answer.settled:
            # Settled after its answer got lost, and already in the ledger: the service answers
            # with its outcome again, and nothing is recorded twice.
            self.command_settled = True
        elif answer is not None:
            raise Replay(answer)
        self.command_key = found
        ctx = ctx.for_command(found.command_id)
        bind_current(ctx)
        return ctx

    def _call(self, method: Callable[..., Any], *args: Any) -> Any:
        if self.command_key is not None:  # on its way: from now on its outcome may be unknown
            self.command_target = f"{method.service_name}.{method.method_name}"
        timeout = float(settings.RPC_TIMEOUT_SECONDS.get())
        try:
            with eventlet.Timeout(timeout, GatewayTimeout(f"no answer within {timeout:g} s")):
                return method(*args)
        except UnknownService as exc:
            raise ServiceUnavailable(f"service not running: {exc}") from None
        except ReplyLost:
            # Sent, so it may have taken effect: as unknown as after the timeout, only sooner.
            raise GatewayTimeout("no answer: the connection to the broker went meanwhile") from None
        except (OSError, OperationalError, AmqpConnectionError) as exc:
            log.warning("broker_unreachable", extra={"error": repr(exc)})
            raise ServiceUnavailable("the message broker is unreachable; try again later") from None
        except GivenUp:
            self.command_given_up = True
            raise
        except RemoteError as exc:
            # Only the kind: the remote message may quote what the caller sent.
            log.error("remote_error", extra={"exc_type": exc.exc_type})
            raise

    def _log_read(
        self,
        ctx: CommandContext,
        endpoint: str,
        dossier_id: str,
        gemeente: str,
        categories: Iterable[str],
    ) -> None:
        self._log_reads(ctx, endpoint, [(dossier_id, gemeente, categories)])

    def _log_reads(
        self,
        ctx: CommandContext,
        endpoint: str,
        reads: Iterable[tuple[str, str, Iterable[str]]],
    ) -> None:
        """Record what was read before it is answered: a read that cannot be recorded is not
        answered (503), so no read escapes the access log."""
        try:
            self.chain.app.record(ctx, endpoint, reads)
        except Exception as exc:  # noqa: BLE001 - whatever failed, the read is not answered
            log.error("read_not_logged", extra={"endpoint": endpoint, "error": repr(exc)})
            raise ServiceUnavailable(
                "the read could not be recorded in the access log, so it is not answered;"
                " try again later"
            ) from None

    def log_refused_read(self, route: str, status: int, dossier_id: str) -> None:
        """Account for a read of a dossier the API refused (see ApiHandler); nobody to account
        for when the request carried no valid token."""
        ctx = current_context()
        if ctx is not None:
            self.chain.app.record_refused_read(ctx, route, status, dossier_id)

    def log_command(
        self,
        method: str,
        route: str,
        status: int,
        received_at: str,
        dossier_id: str,
        answer: Response | None = None,
    ) -> None:
        """Account for a command the API is about to answer (see ApiHandler), and keep its
        answer under its key. A command whose outcome is not known yet (no answer in time, or a
        failure once it was on its way) is accounted for when it is settled. A command that took
        effect is answered even when this fails: its own events name who asked it."""
        ctx = current_context()
        if ctx is None:  # not authenticated: nobody to account for
            return
        if self.command_settled:
            return
        key = self.command_key
        if key is not None and status >= 500 and self.command_target:
            self.command_keys.unknown(key, status)
            return
        # A command about a dossier is filed under the dossier's own gemeente, whoever asked it
        # and for whichever gemeente they act: audit takes it from the dossier's registration.
        subject_id, gemeente = self.command_subject or (dossier_id, "")
        subject_id = canonical_uuid(subject_id)
        if not subject_id:
            gemeente = self._gemeente_of(ctx)
        kept = None
        if key is not None and answer is not None:
            body = body_text(answer.get_data())
            # A failure before the command was sent anywhere, or a command the services had
            # just given up: it did not take effect, and the same key again is a new attempt
            # (not this answer again).
            failed = SETTLED_FAILED if status >= 500 or self.command_given_up else ""
            kept = StoredAnswer(status, answer_headers(answer.headers), body, settled=failed)
        try:
            self.chain.app.record_command(
                ctx,
                method,
                route,
                status,
                received_at,
                dossier_id=subject_id,
                gemeente=gemeente,
                answer=(key.command_id, kept) if key is not None and kept is not None else None,
                result=SETTLED_FAILED if self.command_given_up else "",
            )
        except Exception:
            log.exception("command_not_logged", extra={"route": route, "status": status})
            if key is not None:  # the settler records it, with what the client was answered
                with suppress(Exception):
                    self.command_keys.unknown(key, status)

    @staticmethod
    def _gemeente_of(ctx: CommandContext) -> str:
        """The dossier's gemeente where the answer does not say it: the one the reader acts
        for (the service already refused a dossier of another gemeente)."""
        return ctx.actor.gemeenten[0] if len(ctx.actor.gemeenten) == 1 else ""

    @rpc(expected_exceptions=EXPECTED)
    def notifications(self, start: int, limit: int) -> list[dict[str, Any]]:
        """The access log's integration events from `start` on, for audit's catch-up."""
        require_system(self.chain.ctx)
        return self.chain.runtime.relay.cloudevents(int(start), min(int(limit), 1000))

    def command_state(self, ctx: CommandContext, key: str) -> dict[str, Any]:
        """What came of one's own command, by its Idempotency-Key: for a client that got no
        answer, or 504, or 503. A command whose answer can no longer come is settled now."""
        found = self.command_keys.find(ctx.actor.user_id, key)
        if found is None:
            raise NotFound(
                "no command of yours has this Idempotency-Key (keys are kept for 24 hours)"
            )
        command, answer = found
        if answer is None and self._settle_due(command):
            answer = self.command_keys.settle(command)
        return command_state(key, command, answer)

    def _settle_due(self, command: Key) -> bool:
        received = datetime.fromisoformat(command.received_at)
        return (datetime.now(UTC) - received).total_seconds() > settle_after()

    @api("GET", "/health")
    def health(self, request: Request) -> Response:
        """Healthy when PostgreSQL answers, RabbitMQ takes a connection, the gateway's own
        consumer (its answers come in on it) is consuming, and every service answers that it
        is healthy itself (PostgreSQL and its consumer) within three seconds. `checks` says
        which part is down, `details` why."""
        checks: dict[str, str] = {}
        details: dict[str, Any] = {}
        try:
            own = self.chain.runtime.health()
            checks["postgres"] = "ok"
            checks["gateway"] = own["status"]
            if own["status"] != "ok":
                details["gateway"] = own
        except Exception:
            log.exception("health_postgres_down")
            checks["postgres"] = checks["gateway"] = "down"
        try:
            uri = settings.AMQP_URI.get()
            with Connection(uri, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=settings.node_attempts(uri))
            checks["rabbitmq"] = "ok"
        except Exception:
            log.exception("health_rabbitmq_down")
            checks["rabbitmq"] = "down"
        pile = eventlet.GreenPile()
        for name in SERVICES:
            pile.spawn(self._service_health, name)
        for name, report in pile:
            checks[name] = "ok" if report.get("status") == "ok" else "down"
            if checks[name] != "ok":
                details[name] = report
        healthy = all(v == "ok" for v in checks.values())
        body: dict[str, Any] = {"status": "ok" if healthy else "down", "checks": checks}
        if details:
            body["details"] = details
        return json_response(200 if healthy else 503, body)

    def _service_health(self, name: str) -> tuple[str, dict[str, Any]]:
        try:
            with eventlet.Timeout(3):
                return name, getattr(self, name).health()
        except eventlet.Timeout:
            log.warning("health_service_down", extra={"target": name, "error": "no answer"})
            return name, {"status": "down", "reason": "no answer within 3 s"}
        except Exception as exc:  # noqa: BLE001 - reported as down
            log.warning("health_service_down", extra={"target": name, "error": repr(exc)})
            return name, {"status": "down", "reason": type(exc).__name__}

    @api("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(200, openapi_document())

    @api("GET", "/metrics")
    def prometheus_metrics(self, request: Request) -> Response:
        body, content_type = metrics.exposition()
        return Response(body, status=200, content_type=content_type)
