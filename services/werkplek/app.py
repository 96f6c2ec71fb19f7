"""The Werkplek: Dutch web pages for the people in the chain, on the gateway's API.

A Starlette application under uvicorn (`wegwijs run werkplek`). People log in at the OpenID
Connect provider; the session stays here (sessions.py); every page calls the gateway with the
person's own access token (gateway.py); every form carries the session's CSRF token.
"""

from __future__ import annotations

import contextlib
import hmac
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from services.common import settings
from services.common.errors import ChainError
from services.werkplek import (
    begeleiding,
    beheer,
    beleid,
    dossier,
    dossier_handhaving,
    dossier_intake,
    dossier_matching,
    dossier_pip,
    dossier_tijdlijn,
    dossier_toestemmingen,
    dossier_verhuizing,
    klantmanager,
    pages,
    texts,
    toezicht,
)
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.login import Provider
from services.werkplek.sessions import IDLE_SECONDS, Session, Sessions

# Each part of the Werkplek: its pages and its menu entries.
AREAS = (
    pages,
    dossier,
    dossier_intake,
    dossier_pip,
    dossier_handhaving,
    dossier_toestemmingen,
    dossier_tijdlijn,
    dossier_matching,
    dossier_verhuizing,
    klantmanager,
    begeleiding,
    beleid,
    toezicht,
    beheer,
)
HERE = Path(__file__).resolve().parent
COOKIE = "werkplek_sessie"
LOGIN_COOKIE = "werkplek_login"
DESIGN = {  # the NL Design System's CSS, from npm (package-lock.json), never committed
    "utrecht.css": "node_modules/@utrecht/component-library-css/dist/index.css",
    "theme.css": "node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css",
}
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; form-action 'self' "
    "{issuer}; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters.update(
    datum=texts.as_date,
    moment=texts.as_moment,
    periode=texts.as_period,
    taal=texts.language,
    rol=texts.role,
    gemeente=texts.gemeente,
    organisatie=texts.organisation,
    relatie=texts.relation,
)


class Werkplek:
    """What every page needs: the sessions, the provider, the HTTP client and the gateway."""

    def __init__(self) -> None:
        self.url = settings.werkplek_url()
        self.secure = self.url.startswith("https://")
        self.gateway_url = f"http://{settings.GATEWAY_ADDRESS.get()}"
        idle = float(settings.WERKPLEK_IDLE_SECONDS.get() or IDLE_SECONDS)
        self.sessions = Sessions(idle_seconds=idle)
        self.provider = Provider(
            settings.OIDC_ISSUER.get(), settings.OIDC_CLIENT_SECRET.get(), self.url
        )
        self.client = httpx.AsyncClient(timeout=15)

    def session_of(self, request: Request) -> Session | None:
        return self.sessions.get(request.cookies.get(COOKIE))

    async def gateway(self, session: Session) -> Gateway:
        """The gateway, called with the session's access token, refreshed when it runs out."""
        if session.access_expires - time.time() < 60 and session.refresh_token:
            tokens = await self.provider.refresh(self.client, session.refresh_token)
            session.access_token = tokens.access_token
            session.access_expires = tokens.access_expires
            session.refresh_token = tokens.refresh_token or session.refresh_token
            session.id_token = tokens.id_token
        return Gateway(self.client, self.gateway_url, session.access_token)

    def menu(self, session: Session | None) -> list[tuple[str, str]]:
        """The menu entries of the person's roles: (label, path)."""
        if session is None:
            return []
        roles = set(session.roles)
        return [
            (label, path)
            for area in AREAS
            for label, path, allowed in area.MENU
            if roles & set(allowed)
        ]

    def render(
        self,
        request: Request,
        template: str,
        session: Session | None = None,
        status: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        html = templates.get_template(template).render(
            request=request,
            session=session,
            path=request.url.path,
            region=texts.region_name(),
            menu=self.menu(session),
            **context,
        )
        return HTMLResponse(html, status_code=status)


def _safe_return(path: str | None) -> str:
    """Only a path on this site to return to after logging in (no open redirect)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def _login_redirect(request: Request) -> RedirectResponse:
    """To the login, and back here after. A session that ended (idle, or refused by the
    gateway) asks the provider for the password again, not for its own session."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    again = "&opnieuw=1" if request.cookies.get(COOKIE) else ""
    response = RedirectResponse(f"/inloggen?terug={quote(target)}{again}", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def login(request: Request) -> Response:
    werkplek: Werkplek = request.app.state.werkplek
    key, attempt = werkplek.sessions.start_login(_safe_return(request.query_params.get("terug")))
    url = await werkplek.provider.authorization_url(
        werkplek.client,
        attempt.state,
        attempt.nonce,
        attempt.verifier,
        again=request.query_params.get("opnieuw") == "1",
    )
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        LOGIN_COOKIE, key, max_age=600, httponly=True, samesite="lax", secure=werkplek.secure
    )
    return response


async def callback(request: Request) -> Response:
    werkplek: Werkplek = request.app.state.werkplek
    attempt = werkplek.sessions.finish_login(request.cookies.get(LOGIN_COOKIE, ""))
    state = request.query_params.get("state", "")
    code = request.query_params.get("code", "")
    if attempt is None or not code or not hmac.compare_digest(state, attempt.state):
        return werkplek.render(
            request,
            "melding.html",
            status=400,
            title="Inloggen is niet gelukt",
            message="Uw inlogpoging is verlopen of niet compleet. Probeer het opnieuw.",
            link=("/inloggen", "Opnieuw inloggen"),
        )
    try:
        tokens = await werkplek.provider.exchange(
            werkplek.client, code, attempt.verifier, attempt.nonce
        )
    except ChainError:
        return werkplek.render(
            request,
            "melding.html",
            status=400,
            title="Inloggen is niet gelukt",
            message="De inlogdienst gaf geen geldige toegang. Probeer het opnieuw.",
            link=("/inloggen", "Opnieuw inloggen"),
        )
    session = werkplek.sessions.create(
        claims=tokens.claims,
        access_token=tokens.access_token,
        access_expires=tokens.access_expires,
        refresh_token=tokens.refresh_token,
        id_token=tokens.id_token,
    )
    response = RedirectResponse(attempt.return_to, status_code=303)
    response.delete_cookie(LOGIN_COOKIE)
    response.set_cookie(
        COOKIE, session.id, httponly=True, samesite="lax", secure=werkplek.secure, path="/"
    )
    return response


async def logout(request: Request) -> Response:
    werkplek: Werkplek = request.app.state.werkplek
    session = werkplek.session_of(request)
    if session is None:
        return RedirectResponse("/uitgelogd", status_code=303)
    form = await request.form()
    if not hmac.compare_digest(str(form.get("csrf", "")), session.csrf):
        return _refused(request, session)
    werkplek.sessions.end(session.id)
    response = RedirectResponse(
        await werkplek.provider.logout_url(werkplek.client, session.id_token), status_code=303
    )
    response.delete_cookie(COOKIE, path="/")
    return response


async def logged_out(request: Request) -> Response:
    werkplek: Werkplek = request.app.state.werkplek
    return werkplek.render(
        request,
        "melding.html",
        title="U bent uitgelogd",
        message="U bent uitgelogd bij Wegwijs. Werkt u op een gedeelde computer? Sluit dan de"
        " browser.",
        link=("/inloggen", "Opnieuw inloggen"),
    )


def _refused(request: Request, session: Session) -> Response:
    return request.app.state.werkplek.render(
        request,
        "melding.html",
        session=session,
        status=403,
        title="Dit formulier is niet meer geldig",
        message="Het formulier is verlopen of komt niet van Wegwijs. Er is niets opgeslagen. "
        "Open de pagina opnieuw en probeer het nog een keer.",
        link=("/", "Naar de startpagina"),
    )


def page(handler: Callable[..., Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """A page for logged-in people: the session is found (or the person sent to log in), a form
    is refused without its CSRF token, and the gateway's refusals become pages."""

    async def endpoint(request: Request) -> Response:
        werkplek: Werkplek = request.app.state.werkplek
        session = werkplek.session_of(request)
        if session is None:
            if request.method != "GET":
                return RedirectResponse("/inloggen", status_code=303)
            return _login_redirect(request)
        form = None
        if request.method == "POST":
            form = await request.form()
            if not hmac.compare_digest(str(form.get("csrf", "")), session.csrf):
                return _refused(request, session)
        try:
            gateway = await werkplek.gateway(session)
            return await handler(request, werkplek, session, gateway, form)
        except Problem as problem:
            return _problem_page(request, werkplek, session, problem)
        except ChainError:  # the provider would not refresh the token: log in again
            werkplek.sessions.end(session.id)
            return _login_redirect(request)

    return endpoint


def _problem_page(
    request: Request, werkplek: Werkplek, session: Session, problem: Problem
) -> Response:
    if problem.status == 401:
        werkplek.sessions.end(session.id)
        return _login_redirect(request)
    titles = {
        403: ("U mag dit niet zien", "Uw rol of gemeente geeft geen toegang tot deze gegevens."),
        404: ("Niet gevonden", "Deze gegevens bestaan niet, of u mag ze niet zien."),
    }
    failed = (
        "Er ging iets mis",
        "Wegwijs kon dit nu niet doen. Er is niets veranderd. Probeer het later nog eens.",
    )
    title, message = titles.get(problem.status, failed)
    status = problem.status if problem.status in titles else 502
    return werkplek.render(
        request,
        "melding.html",
        session=session,
        status=status,
        title=title,
        message=message,
        link=("/", "Naar de startpagina"),
    )


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def design(request: Request) -> Response:
    name = request.path_params["name"]
    if name == "werkplek.css":
        return FileResponse(HERE / "static" / "werkplek.css", media_type="text/css")
    if name not in DESIGN:
        return Response(status_code=404)
    return FileResponse(settings.ROOT / DESIGN[name], media_type="text/css")


def _with_headers(app: Starlette, issuer: str) -> Callable:
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(issuer))

    async def asgi(scope: dict, receive: Callable, send: Callable) -> None:
        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                # A header the page set itself stays (a document's stricter policy, which
                # allows its own inline style by its hash).
                own = {name for name, _ in headers}
                for name, value in HEADERS.items():
                    key = name.lower().encode()
                    if key not in own:
                        headers.append((key, value.format(issuer=origin).encode()))
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_headers)

    return asgi


def create_app() -> Callable:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.werkplek = Werkplek()
        yield
        await app.state.werkplek.client.aclose()

    routes = [
        Route("/health", health),
        Route("/ontwerp/{name}", design),
        Route("/inloggen", login),
        Route("/auth/callback", callback),
        Route("/uitloggen", logout, methods=["POST"]),
        Route("/uitgelogd", logged_out),
        *(
            Route(path, page(handler), methods=methods)
            for area in AREAS
            for path, handler, methods in area.PAGES
        ),
    ]
    starlette = Starlette(routes=routes, lifespan=lifespan)
    return _with_headers(starlette, settings.OIDC_ISSUER.get())


app = create_app()
