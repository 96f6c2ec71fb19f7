"""The gateway: the only HTTP entry. Authenticates, authorises, forwards over RPC with the actor
context, and answers errors as RFC 9457 problem documents."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import eventlet
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu import Connection
from kombu.exceptions import OperationalError
from nameko.exceptions import RemoteError, UnknownService
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy
from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Request, Response

from services.common import metrics, remote, settings  # noqa: F401 - remote registers errors
from services.common.access import Action, require
from services.common.context import CONTEXT_KEY, CommandContext, bind_current
from services.common.errors import ChainError
from services.common.runtime import ChainRuntime
from services.gateway.auth import authenticate
from services.gateway.openapi import openapi_document
from services.gateway.problems import (
    GatewayTimeout,
    MalformedJson,
    ServiceUnavailable,
    from_error,
    problem,
)

log = logging.getLogger(__name__)

SERVICES = ("intake", "pip", "matching", "consent", "audit")
# A request not picked up within half the gateway's patience expires in its queue, so a command
# that waited out a service outage is not carried out after the caller was told it failed.
RPC_OPTIONS = {"expiration": float(settings.RPC_TIMEOUT_SECONDS.get()) / 2}


class ApiHandler(HttpRequestHandler):
    """An HTTP entrypoint whose errors are problem documents."""

    def response_from_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ChainError):
            return from_error(exc)
        log.error("unhandled_gateway_error", exc_info=exc)
        return problem(
            500, "Internal error", "the gateway could not complete the request", "interne-fout"
        )


api = ApiHandler.decorator


class ActorBinding(DependencyProvider):
    """Lets a gateway worker attach the caller's context to every RPC call it makes."""

    def get_dependency(self, worker_ctx: Any) -> Callable[[CommandContext], None]:
        def bind(ctx: CommandContext) -> None:
            worker_ctx.data[CONTEXT_KEY] = ctx.to_header()
            bind_current(ctx)

        return bind


def json_response(status: int, body: Any, **headers: str) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)


def read_json(request: Request) -> Any:
    try:
        return json.loads(request.get_data(as_text=True) or "null")
    except json.JSONDecodeError as exc:
        raise MalformedJson(
            f"the body is not valid JSON: {exc.msg} at position {exc.pos}"
        ) from None


class GatewayService:
    name = "gateway"

    chain = ChainRuntime()
    bind = ActorBinding()
    intake = RpcProxy("intake", **RPC_OPTIONS)
    pip = RpcProxy("pip", **RPC_OPTIONS)
    matching = RpcProxy("matching", **RPC_OPTIONS)
    consent = RpcProxy("consent", **RPC_OPTIONS)
    audit = RpcProxy("audit", **RPC_OPTIONS)

    def _authorise(self, request: Request, action: Action, activity: str) -> CommandContext:
        ctx = authenticate(
            request.headers.get("Authorization"), activity, request.headers.get("traceparent")
        )
        require(ctx, action)
        self.bind(ctx)
        return ctx

    def _call(self, method: Callable[..., Any], *args: Any) -> Any:
        timeout = float(settings.RPC_TIMEOUT_SECONDS.get())
        try:
            with eventlet.Timeout(timeout, GatewayTimeout(f"no answer within {timeout:g} s")):
                return method(*args)
        except UnknownService as exc:
            raise ServiceUnavailable(f"service not running: {exc}") from None
        except (OSError, OperationalError, AmqpConnectionError) as exc:
            log.warning("broker_unreachable", extra={"error": repr(exc)})
            raise ServiceUnavailable("the message broker is unreachable; try again later") from None
        except RemoteError as exc:
            log.error("remote_error", extra={"exc_type": exc.exc_type, "value": exc.value})
            raise

    @api("POST", "/api/v1/dossiers", expected_exceptions=ChainError)
    def register_dossier(self, request: Request) -> Response:
        self._authorise(request, Action.REGISTER_DOSSIER, "registratie")
        result = self._call(self.intake.register, read_json(request))
        return json_response(201, result, Location=f"/api/v1/dossiers/{result['id']}")

    @api("GET", "/api/v1/dossiers", expected_exceptions=ChainError)
    def list_dossiers(self, request: Request) -> Response:
        self._authorise(request, Action.READ_DOSSIER, "dossier-inzien")
        return json_response(200, {"dossiers": self._call(self.intake.dossiers, 100)})

    @api("GET", "/api/v1/dossiers/<string:dossier_id>", expected_exceptions=ChainError)
    def get_dossier(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.READ_DOSSIER, "dossier-inzien")
        return json_response(200, self._call(self.intake.dossier, dossier_id))

    @api("PATCH", "/api/v1/dossiers/<string:dossier_id>", expected_exceptions=ChainError)
    def correct_dossier(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.REGISTER_DOSSIER, "registratie")
        return json_response(200, self._call(self.intake.correct, dossier_id, read_json(request)))

    @api("GET", "/api/v1/dossiers/<string:dossier_id>/view", expected_exceptions=ChainError)
    def get_dossier_view(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.VIEW_DOSSIER, "dossier-inzien")
        return json_response(200, self._call(self.intake.dossier_view, dossier_id))

    @api("GET", "/api/v1/dossiers/<string:dossier_id>/household", expected_exceptions=ChainError)
    def get_household(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.READ_DOSSIER, "dossier-inzien")
        return json_response(200, self._call(self.intake.household, dossier_id))

    @api("GET", "/api/v1/dossiers/<string:dossier_id>/pip", expected_exceptions=ChainError)
    def get_pip(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.READ_PIP, "pip-inzien")
        return json_response(200, self._call(self.pip.pip, dossier_id))

    # the brede intake (each step answers with the intake as the actor may see it) -------------
    @api("GET", "/api/v1/dossiers/<string:dossier_id>/intake", expected_exceptions=ChainError)
    def get_intake(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.READ_INTAKE, "brede-intake")
        return json_response(200, self._call(self.intake.brede_intake, dossier_id))

    @api(
        "PUT",
        "/api/v1/dossiers/<string:dossier_id>/intake/leerbaarheidstoets",
        expected_exceptions=ChainError,
    )
    def put_leerbaarheidstoets(self, request: Request, dossier_id: str) -> Response:
        return self._intake_step(request, self.intake.record_leerbaarheidstoets, dossier_id)

    @api(
        "POST",
        "/api/v1/dossiers/<string:dossier_id>/intake/education",
        expected_exceptions=ChainError,
    )
    def post_education(self, request: Request, dossier_id: str) -> Response:
        return self._intake_step(request, self.intake.add_education, dossier_id)

    @api("POST", "/api/v1/dossiers/<string:dossier_id>/intake/work", expected_exceptions=ChainError)
    def post_work(self, request: Request, dossier_id: str) -> Response:
        return self._intake_step(request, self.intake.add_work, dossier_id)

    @api(
        "PUT",
        "/api/v1/dossiers/<string:dossier_id>/intake/personal-circumstances",
        expected_exceptions=ChainError,
    )
    def put_personal_circumstances(self, request: Request, dossier_id: str) -> Response:
        return self._intake_step(request, self.intake.record_personal_circumstances, dossier_id)

    @api(
        "PUT",
        "/api/v1/dossiers/<string:dossier_id>/intake/domains/<string:domain>",
        expected_exceptions=ChainError,
    )
    def put_life_domain(self, request: Request, dossier_id: str, domain: str) -> Response:
        self._authorise(request, Action.RECORD_INTAKE, "brede-intake")
        body = read_json(request)
        return json_response(
            200, self._call(self.intake.record_life_domain, dossier_id, domain, body)
        )

    @api(
        "POST",
        "/api/v1/dossiers/<string:dossier_id>/intake/practical-items/<string:item>/close",
        expected_exceptions=ChainError,
    )
    def close_practical_item(self, request: Request, dossier_id: str, item: str) -> Response:
        self._authorise(request, Action.RECORD_INTAKE, "brede-intake")
        body = read_json(request)
        return json_response(
            200, self._call(self.intake.close_practical_item, dossier_id, item, body)
        )

    @api(
        "POST",
        "/api/v1/dossiers/<string:dossier_id>/intake/complete",
        expected_exceptions=ChainError,
    )
    def post_complete(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.RECORD_INTAKE, "brede-intake")
        return json_response(200, self._call(self.intake.complete_intake, dossier_id))

    @api("PUT", "/api/v1/dossiers/<string:dossier_id>/intake/route", expected_exceptions=ChainError)
    def put_route(self, request: Request, dossier_id: str) -> Response:
        return self._intake_step(request, self.intake.choose_route, dossier_id)

    def _intake_step(
        self, request: Request, method: Callable[..., Any], dossier_id: str
    ) -> Response:
        self._authorise(request, Action.RECORD_INTAKE, "brede-intake")
        return json_response(200, self._call(method, dossier_id, read_json(request)))

    @api(
        "POST",
        "/api/v1/dossiers/<string:dossier_id>/intake/conversations",
        expected_exceptions=ChainError,
    )
    def post_conversation(self, request: Request, dossier_id: str) -> Response:
        return self._intake_step(request, self.intake.plan_conversation, dossier_id)

    @api(
        "PUT",
        "/api/v1/dossiers/<string:dossier_id>/intake/conversations/<int:number>/attendance",
        expected_exceptions=ChainError,
    )
    def put_attendance(self, request: Request, dossier_id: str, number: int) -> Response:
        self._authorise(request, Action.RECORD_INTAKE, "brede-intake")
        body = read_json(request)
        return json_response(
            200, self._call(self.intake.record_attendance, dossier_id, number, body)
        )

    @api(
        "PUT",
        "/api/v1/dossiers/<string:dossier_id>/intake/sanctions/<string:step>",
        expected_exceptions=ChainError,
    )
    def put_sanction(self, request: Request, dossier_id: str, step: str) -> Response:
        self._authorise(request, Action.RECORD_INTAKE, "brede-intake")
        body = read_json(request)
        return json_response(200, self._call(self.intake.decide_sanction, dossier_id, step, body))

    @api("POST", "/api/v1/dossiers/<string:dossier_id>/signals", expected_exceptions=ChainError)
    def post_signal(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.GIVE_SIGNAL, "signalering")
        return json_response(
            201, self._call(self.intake.give_signal, dossier_id, read_json(request))
        )

    @api("GET", "/api/v1/dossiers/<string:dossier_id>/signals", expected_exceptions=ChainError)
    def get_signals(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.READ_SIGNALS, "signalen-inzien")
        return json_response(200, self._call(self.intake.signals, dossier_id))

    @api("GET", "/api/v1/audit/dossiers/<string:dossier_id>", expected_exceptions=ChainError)
    def audit_dossier(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.READ_AUDIT, "audit-controle")
        entries = self._call(self.audit.dossier_entries, dossier_id)
        return json_response(200, {"dossier_id": dossier_id, "entries": entries})

    @api("GET", "/health")
    def health(self, request: Request) -> Response:
        checks: dict[str, str] = {}
        try:
            self.chain.runtime.health()
            checks["postgres"] = "ok"
        except Exception:
            log.exception("health_postgres_down")
            checks["postgres"] = "down"
        try:
            with Connection(settings.AMQP_URI.get(), connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1)
            checks["rabbitmq"] = "ok"
        except Exception:
            log.exception("health_rabbitmq_down")
            checks["rabbitmq"] = "down"
        pile = eventlet.GreenPile()
        for name in SERVICES:
            pile.spawn(self._service_health, name)
        checks.update(dict(pile))
        healthy = all(v == "ok" for v in checks.values())
        return json_response(
            200 if healthy else 503, {"status": "ok" if healthy else "down", "checks": checks}
        )

    def _service_health(self, name: str) -> tuple[str, str]:
        try:
            with eventlet.Timeout(3):
                getattr(self, name).health()
            return name, "ok"
        except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - reported as down
            log.warning("health_service_down", extra={"target": name, "error": repr(exc)})
            return name, "down"

    @api("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(200, openapi_document())

    @api("GET", "/metrics")
    def prometheus_metrics(self, request: Request) -> Response:
        body, content_type = metrics.exposition()
        return Response(body, status=200, content_type=content_type)
