"""HTTP plumbing of the gateway: an entrypoint whose errors are problem documents, and JSON/CSV
bodies in and out."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Request, Response

from services.common.errors import ChainError
from services.gateway.problems import MalformedJson, from_error, problem

log = logging.getLogger(__name__)

COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RECEIVED_AT = "wegwijs.received_at"


class ApiHandler(HttpRequestHandler):
    """An HTTP entrypoint whose errors are problem documents, and which has the service account
    for every command it answers (`log_command`) before the answer leaves."""

    def handle_request(self, request: Request) -> Response:
        request.environ[RECEIVED_AT] = datetime.now(UTC).isoformat()
        return super().handle_request(request)

    def handle_result(self, event: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        log_command = getattr(worker_ctx.service, "log_command", None)
        if self.method in COMMAND_METHODS and log_command is not None:
            try:
                [request] = worker_ctx.args
                log_command(
                    self.method,
                    self.url,
                    _status(result, exc_info),
                    request.environ[RECEIVED_AT],
                    worker_ctx.kwargs.get("dossier_id", ""),
                )
            except Exception:  # the answer must leave, whatever happened to its record
                log.exception("command_not_logged", extra={"route": self.url})
        return super().handle_result(event, worker_ctx, result, exc_info)

    def response_from_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ChainError):
            return from_error(exc)
        log.error("unhandled_gateway_error", exc_info=exc)
        return problem(
            500, "Internal error", "the gateway could not complete the request", "interne-fout"
        )


api = ApiHandler.decorator


def _status(result: Any, exc_info: Any) -> int:
    """The status the client is answered."""
    if exc_info is None:
        return int(result.status_code) if isinstance(result, Response) else 200
    exc = exc_info[1]
    return from_error(exc).status_code if isinstance(exc, ChainError) else 500


def json_response(status: int, body: Any, **headers: str) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)


def read_json(request: Request) -> Any:
    try:
        return json.loads(request.get_data(as_text=True) or "null")
    except json.JSONDecodeError as exc:
        raise MalformedJson(
            f"the body is not valid JSON: {exc.msg} at position {exc.pos}"
        ) from None


def csv_response(body: str, filename: str) -> Response:
    return Response(
        body,
        status=200,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
