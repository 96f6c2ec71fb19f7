"""HTTP plumbing of the gateway: an entrypoint whose errors are problem documents, and JSON/CSV
bodies in and out."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg
from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Request, Response

from services.common import settings
from services.common.errors import ChainError, NotFound, Unavailable
from services.common.hygiene import MAX_DEPTH, clean, nests_deeper_than
from services.gateway.command_keys import HEADER as KEY_HEADER
from services.gateway.command_keys import REPLAYED_HEADER, StoredAnswer
from services.gateway.edge import CONTENT_SECURITY_POLICY, ApiServer
from services.gateway.problems import MalformedJson, PayloadTooLarge, from_error, problem

log = logging.getLogger(__name__)

# The gateway's own database went away for a moment (a restart, a failover): try again.
DATABASE_AWAY = Unavailable("the database is not reachable just now; try again")

COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RECEIVED_AT = "wegwijs.received_at"
TRACE_ID = "wegwijs.trace_id"
# The command's Idempotency-Key (the client's, or the one the gateway made), said in the answer.
COMMAND_KEY = "wegwijs.command_key"
# The route as the API declares it (no values from the path).
ROUTE = "wegwijs.route"
_RAW_BODY = "wegwijs.raw_body"


class Replay(ChainError):
    """A command answered before: its first answer is the answer (see command_keys.py)."""

    status = 200

    def __init__(self, answer: StoredAnswer):
        super().__init__("answered before")
        self.answer = answer

    def response(self) -> Response:
        response = Response(self.answer.body, status=self.answer.status)
        response.headers.update(self.answer.headers)
        response.headers[REPLAYED_HEADER] = "true"
        return response


class ApiHandler(HttpRequestHandler):
    """An HTTP entrypoint whose errors are problem documents, which takes ids in the path in one
    canonical form only, and which has the service account for every command it answers
    (`log_command`) and every read of a dossier it refuses (`log_refused_read`) before the answer
    leaves."""

    server = ApiServer()

    def handle_request(self, request: Request) -> Response:
        request.environ[RECEIVED_AT] = datetime.now(UTC).isoformat()
        request.environ[ROUTE] = self.url
        response = super().handle_request(request)
        if key := request.environ.get(COMMAND_KEY):
            response.headers[KEY_HEADER] = f'"{key}"'
        if trace_id := request.environ.get(TRACE_ID):
            # W3C Trace Context: the trace the chain filed this request under.
            response.headers["traceresponse"] = f"00-{trace_id}-{secrets.token_hex(8)}-01"
        return response

    def get_entrypoint_parameters(self, request: Request) -> tuple[tuple, dict[str, Any]]:
        """Every `<..._id>` of the path as a lower-case hyphenated UUID, whichever way it was
        written (upper case, `urn:uuid:`, braces, bare hex): a read or a command is accounted
        for under the id its dossier has. Anything that is no UUID is not found."""
        args, kwargs = super().get_entrypoint_parameters(request)
        for name, value in kwargs.items():
            if name.endswith("_id"):
                kwargs[name] = canonical_id(value)
        return args, kwargs

    def handle_result(self, event: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        service = worker_ctx.service
        status = _status(result, exc_info)
        dossier_id = worker_ctx.kwargs.get("dossier_id", "")
        try:
            if isinstance(exc_info and exc_info[1], Replay):
                pass  # answered before, and accounted for then
            elif self.method in COMMAND_METHODS and hasattr(service, "log_command"):
                [request] = worker_ctx.args
                answer = result if exc_info is None else self.response_from_exception(exc_info[1])
                service.log_command(
                    self.method,
                    self.url,
                    status,
                    request.environ[RECEIVED_AT],
                    dossier_id,
                    answer if isinstance(answer, Response) else None,
                )
            elif self.method == "GET" and dossier_id and status in (403, 404):
                service.log_refused_read(self.url, status, dossier_id)
        except Exception:  # the answer must leave, whatever happened to its record
            log.exception("request_not_logged", extra={"route": self.url, "status": status})
        return super().handle_result(event, worker_ctx, result, exc_info)

    def response_from_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Replay):
            return exc.response()
        if isinstance(exc, ChainError):
            return from_error(exc)
        if isinstance(exc, psycopg.OperationalError):
            log.warning("database_unreachable", extra={"error_type": type(exc).__name__})
            return from_error(DATABASE_AWAY)
        log.error("unhandled_gateway_error", exc_info=exc)
        return problem(
            500, "Internal error", "the gateway could not complete the request", "interne-fout"
        )


api = ApiHandler.decorator


def canonical_uuid(value: str) -> str:
    """`value` as a lower-case hyphenated UUID, whichever way it was written, or '' when it is
    none."""
    try:
        return str(uuid.UUID(value))
    except (TypeError, ValueError, AttributeError):
        return ""


def canonical_id(value: str) -> str:
    """An id of the path in canonical form; one that is no UUID is not found."""
    if found := canonical_uuid(value):
        return found
    raise NotFound("no such thing: the id in the path is not a UUID")


def _status(result: Any, exc_info: Any) -> int:
    """The status the client is answered."""
    if exc_info is None:
        return int(result.status_code) if isinstance(result, Response) else 200
    exc = exc_info[1]
    if isinstance(exc, psycopg.OperationalError):
        return DATABASE_AWAY.status
    return from_error(exc).status_code if isinstance(exc, ChainError) else 500


def json_response(status: int, body: Any, **headers: str) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)


def raw_body(request: Request) -> bytes:
    """The body as sent, at most WEGWIJS_MAX_BODY_BYTES, read once."""
    if (cached := request.environ.get(_RAW_BODY)) is not None:
        return cached
    limit = int(settings.MAX_BODY_BYTES.get())
    if (request.content_length or 0) > limit:
        raise PayloadTooLarge(f"the body is larger than {limit} bytes")
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise PayloadTooLarge(f"the body is larger than {limit} bytes")
    request.environ[_RAW_BODY] = raw
    return raw


def read_json(request: Request) -> Any:
    """The body as JSON, at most WEGWIJS_MAX_BODY_BYTES and MAX_DEPTH deep, every text
    NFC-normalised; control characters and lone surrogates refused naming the field."""
    raw = raw_body(request)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedJson(
            f"the body is not UTF-8: invalid byte at position {exc.start}"
        ) from None
    if nests_deeper_than(text):
        raise MalformedJson(f"the body nests arrays and objects more than {MAX_DEPTH} deep")
    try:
        body = json.loads(text or "null")
    except json.JSONDecodeError as exc:
        raise MalformedJson(
            f"the body is not valid JSON: {exc.msg} at position {exc.pos}"
        ) from None
    return clean(body)


def html_response(page: str) -> Response:
    """An HTML page whose policy allows only its own inline styles, by their hashes."""
    styles = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    )
    policy = CONTENT_SECURITY_POLICY
    if styles:
        policy += f"; style-src {styles}"
    return Response(
        page, status=200, mimetype="text/html", headers={"Content-Security-Policy": policy}
    )


def csv_response(body: str, filename: str) -> Response:
    return Response(
        body,
        status=200,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
