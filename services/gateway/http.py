"""HTTP plumbing of the gateway: an entrypoint whose errors are problem documents, and JSON/CSV
bodies in and out."""

from __future__ import annotations

import json
import logging
from typing import Any

from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Request, Response

from services.common.errors import ChainError
from services.gateway.problems import MalformedJson, from_error, problem

log = logging.getLogger(__name__)


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
