"""Bearer JWT authentication: tokens in, a CommandContext out."""

from __future__ import annotations

import re
import time
from typing import Any

import jwt

from services.common import settings
from services.common.access import ROLES
from services.common.context import Actor, CommandContext, new_trace_id
from services.common.errors import Unauthenticated

_TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")


def issue_token(
    role: str,
    gemeenten: list[str],
    user_id: str = "",
    name: str = "",
    organisation: str = "",
    ttl_seconds: int = 8 * 3600,
) -> str:
    """A development token signed with the key from settings."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; known roles: {', '.join(ROLES)}")
    now = int(time.time())
    claims = {
        "iss": settings.JWT_ISSUER.get(),
        "aud": settings.JWT_AUDIENCE.get(),
        "sub": user_id or f"{role}-{'-'.join(gemeenten) or 'regio'}",
        "name": name or f"Demo {role}",
        "roles": [role],
        "org": organisation,
        "gemeenten": gemeenten,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, settings.JWT_SECRET.get(), algorithm="HS256")


def authenticate(
    authorization: str | None, activity: str, traceparent: str | None
) -> CommandContext:
    """The context of a request with `Authorization: Bearer <token>`; raises Unauthenticated."""
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthenticated("send a bearer token: Authorization: Bearer <JWT>")
    try:
        claims: dict[str, Any] = jwt.decode(
            authorization.removeprefix("Bearer ").strip(),
            settings.JWT_SECRET.get(),
            algorithms=["HS256"],
            audience=settings.JWT_AUDIENCE.get(),
            issuer=settings.JWT_ISSUER.get(),
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
    except jwt.PyJWTError as exc:
        raise Unauthenticated(f"the bearer token is not valid: {exc}") from None
    roles = tuple(r for r in claims.get("roles", []) if r in ROLES)
    actor = Actor(
        user_id=str(claims["sub"]),
        display_name=str(claims.get("name", "")),
        roles=roles,
        organisation=str(claims.get("org", "")),
        gemeenten=tuple(str(g) for g in claims.get("gemeenten", [])),
    )
    # The chain's trace is always its own: a client's traceparent could otherwise file its
    # actions under someone else's trace. A valid one is kept as a link.
    link = traceparent if traceparent and _TRACEPARENT.match(traceparent) else ""
    return CommandContext(
        actor=actor, activity=activity, correlation_id=new_trace_id(), trace_link=link
    )
