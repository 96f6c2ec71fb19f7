"""The gateway's door, below the routes: every answer, whichever route or none, is a problem
document when it is an error and carries the same protective headers; a flood from one token is
answered 429; a path or query with control characters never reaches a route.

`ApiServer` is nameko's web server with this WSGI application; `ApiHandler` (http.py) uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from services.common import settings
from services.common.context import Actor
from services.common.errors import InvalidInput, field_error
from services.common.hygiene import refusal
from services.gateway.problems import from_error, problem
from services.gateway.rate_limit import TokenBuckets, key_of, retry_after

PROTECTIVE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# Nothing an answer of the API loads or embeds; an HTML page widens this for its own styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

StartResponse = Callable[..., Any]


class RoutingProblems(WsgiApp):
    """nameko's router, answering a path no route has (404) or a method the route does not
    take (405, with `Allow`) as problem documents instead of werkzeug's HTML pages."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except MethodNotAllowed as exc:
            allowed = ", ".join(sorted(exc.valid_methods or ()))
            response = problem(
                405,
                "Method not allowed",
                f"{request.method} is not an operation of this path; it takes {allowed}",
                "methode-niet-toegestaan",
            )
            response.headers["Allow"] = allowed
            return response(environ, start_response)
        except NotFound:
            return _not_found()(environ, start_response)
        except HTTPException as exc:  # a redirect to the canonical path, for one
            if (exc.code or 500) < 400:
                return exc(environ, start_response)
            return problem(
                exc.code or 400, exc.name, exc.description or exc.name, "ongeldig-verzoek"
            )(environ, start_response)
        request.path_values = values
        return provider.handle_request(request)(environ, start_response)


class Door:
    """WSGI middleware in front of the router: rate limit, path and query hygiene, and the
    protective headers on whatever is answered."""

    def __init__(self, app: Callable[..., Iterable[bytes]], buckets: TokenBuckets):
        self.app = app
        self.buckets = buckets

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def protected(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            names = {name.lower() for name, _ in headers}
            headers = [h for h in headers if h[0].lower() != "cache-control"]
            headers += list(PROTECTIVE_HEADERS.items())
            if "content-security-policy" not in names:
                headers.append(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
            return start_response(status, headers, *exc_info)

        refused = self._refusal(environ)
        if refused is not None:
            return refused(environ, protected)
        return self.app(environ, protected)

    def _refusal(self, environ: dict[str, Any]) -> Response | None:
        authorization = environ.get("HTTP_AUTHORIZATION")
        if authorization:
            wait = self.buckets.take(key_of(authorization))
            if wait:
                response = problem(
                    429,
                    "Too many requests",
                    "this token sent more requests than the gateway takes; try again after"
                    f" {retry_after(wait)} s",
                    "te-veel-verzoeken",
                )
                response.headers["Retry-After"] = retry_after(wait)
                return response
        try:
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
        except UnicodeError:
            return _not_found()
        if refusal(path):
            return _not_found()
        errors = []
        query = parse_qsl(
            environ.get("QUERY_STRING", ""), keep_blank_values=True, errors="surrogateescape"
        )
        for name, value in query:
            if reason := refusal(name):
                errors.append(field_error("query", f"a parameter name {reason}"))
            elif reason := refusal(value):
                errors.append(field_error(name, reason))
        return from_error(InvalidInput(errors)) if errors else None


def claim_refusal(actor: Actor) -> str | None:
    """Why a token's claims cannot act in the chain: a control character in who acted would be
    stored with every event and the ledger, which cannot hold it."""
    claims = [
        ("sub", actor.user_id),
        ("name", actor.display_name),
        ("org", actor.organisation),
        *(("roles", role) for role in actor.roles),
        *(("gemeenten", gemeente) for gemeente in actor.gemeenten),
    ]
    for claim, text in claims:
        if reason := refusal(text):
            return f"the token's {claim} claim {reason}"
    return None


def _not_found() -> Response:
    return problem(404, "Not found", "no such resource", "niet-gevonden")


class ApiServer(WebServer):
    """nameko's web server with the door in front of its router."""

    def get_wsgi_app(self) -> Callable[..., Iterable[bytes]]:
        buckets = TokenBuckets(
            rate=float(settings.RATE_LIMIT_PER_SECOND.get()),
            burst=float(settings.RATE_LIMIT_BURST.get()),
        )
        return Door(RoutingProblems(self), buckets)
