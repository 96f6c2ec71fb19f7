"""The one handler every route of the table is carried out by: authenticate and authorise,
validate the path, the query and the body against their models, call the service, put the read
in the access log, answer. A command is accounted for by the entrypoint (http.ApiHandler)."""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from werkzeug.wrappers import Request, Response

from services.common import settings
from services.common.errors import ChainError, InvalidInput, field_error
from services.common.fields import validated
from services.contracts.base import field_errors
from services.gateway.http import api, json_response, raw_body, read_json
from services.gateway.routing import Call, Route

log = logging.getLogger(__name__)


class AnswerDrifted(ChainError):
    """A service answered something its published model does not allow (checked in
    development only: WEGWIJS_CHECK_ANSWERS)."""

    status = 500
    title = "Answer does not match its contract"
    slug = "antwoord-wijkt-af"


def entrypoints(routes: tuple[Route, ...]) -> dict[str, Any]:
    """One entrypoint method per route, by the route's name, for the gateway's class."""
    methods = {}
    for route in routes:
        if route.name in methods:
            raise ValueError(f"two routes are called {route.name}")
        methods[route.name] = _entrypoint(route)
    return methods


def _entrypoint(route: Route) -> Any:
    def handle(self: Any, request: Request, **path: Any) -> Response:
        return carry_out(self, route, request, path)

    handle.__name__ = handle.__qualname__ = route.name
    handle.__doc__ = route.summary
    return api(route.method, route.rule, expected_exceptions=ChainError)(handle)


def carry_out(gateway: Any, route: Route, request: Request, path: dict[str, Any]) -> Response:
    ctx = gateway._authorise(request, route.action, route.activity)
    path = {name: _path_value(route, name, path[name]) for name in route.path_names}
    body = _read_body(route, request) if route.body is not None else None
    if route.subject is not None:  # known before anything is refused, so a refusal has it too
        gateway.command_subject = _subject(route, body) or gateway.command_subject
    query = _query(route, request)
    if route.body is not None:
        _validate_body(route, body)
    call = Call(gateway, request, ctx, path, query, body)
    if callable(route.call):
        answer = route.call(call)
    else:
        args = [*path.values()]
        if query is not None:
            args += list(query.model_dump(mode="json").values())
        if route.body is not None:
            args.append(body)
        answer = call.invoke(route.call, *args)
    if route.subject is not None:
        gateway.command_subject = route.subject(body, answer) or gateway.command_subject
    if route.read is not None:
        reads = route.read.reads(path.get("dossier_id", ""), answer)
        if reads:
            gateway._log_reads(ctx, route.read.endpoint, reads)
    if isinstance(answer, Response):  # the call answered itself (an export, say)
        return answer
    if route.answer is not None and _checking():
        check_answer(route, answer)
    if route.render is not None:
        return route.render(call, answer)
    headers = {"Location": route.location(answer)} if route.location else {}
    return json_response(route.status, answer, **headers)


def check_answer(route: Route, answer: Any) -> None:
    """Raise AnswerDrifted when `answer` is not what the route's answer model allows."""
    try:
        route.answer.model_validate_json(json.dumps(answer), strict=True)
    except ValidationError as exc:
        wrong = field_errors(exc)
        log.error("answer_drifted", extra={"route": route.operation, "errors": wrong})
        raise AnswerDrifted(
            f"{route.operation}: "
            + "; ".join(f"{e['field'] or 'answer'}: {e['detail']}" for e in wrong)
        ) from None


def _checking() -> bool:
    return settings.CHECK_ANSWERS.get() == "1" and settings.is_development()


def _path_value(route: Route, name: str, value: Any) -> Any:
    kind = route.params.get(name)
    if kind is None or kind in (int, "path"):
        return value
    try:
        return TypeAdapter(kind).validate_python(value)
    except ValidationError as exc:
        raise InvalidInput([field_error(name, e["detail"]) for e in field_errors(exc)]) from None


def _query(route: Route, request: Request) -> BaseModel | None:
    if route.query is None:
        return None
    names = {spec.alias or name for name, spec in route.query.model_fields.items()}
    given = {k: v for k, v in request.args.items() if k in names}
    try:
        return route.query.model_validate(given, strict=False)
    except ValidationError as exc:
        raise InvalidInput(field_errors(exc)) from None


def _read_body(route: Route, request: Request) -> Any:
    """The body as JSON; no body at all is an empty object where the model needs no field."""
    if not raw_body(request) and not any(
        spec.is_required() for spec in route.body.model_fields.values()
    ):
        return {}
    return _whole_numbers(read_json(request))


def _whole_numbers(value: Any) -> Any:
    """`value` with every number without a fraction as a whole number (JSON's 8.0 is the
    integer 8, as JSON Schema has it)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value


def _subject(route: Route, body: Any) -> tuple[str, str] | None:
    """What a command is about, from the body as sent (which may be anything yet)."""
    try:
        return route.subject(body, None)
    except (TypeError, KeyError, AttributeError, ValueError):
        return None


def _validate_body(route: Route, body: Any) -> None:
    """Refuse the body as sent (cleaned by read_json) unless its model takes it; the service is
    given what the client wrote, not the model's rendering of it."""
    validated(route.body, body)
