"""Bearer JWT authentication: tokens in, a CommandContext out.

A token is taken when its OpenID Connect provider (WEGWIJS_OIDC_ISSUER) signed it with RS256, or,
in development only, when it is one of `wegwijs token`'s HS256 tokens (WEGWIJS_JWT_SECRET)."""

from __future__ import annotations

import re
import time
from typing import Any

import jwt

from services.common import settings
from services.common.access import ROLES
from services.common.context import Actor, CommandContext, new_trace_id
from services.common.errors import Unauthenticated
from services.common.oidc import provider_keys

_TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
_GEMEENTE = re.compile(r"^[0-9]{4}$")
_OIN = re.compile(r"^([0-9]{20})?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def actor_of(claims: dict[str, Any]) -> Actor:
    """The actor a token's claims describe; raises Unauthenticated for a claim of the wrong type
    or shape, or a token made to live longer than the platform allows."""
    for name in ("exp", "iat"):
        if type(claims[name]) is not int:
            raise Unauthenticated(f"the bearer token's `{name}` must be a number of seconds")
    lifetime = claims["exp"] - claims["iat"]
    longest = int(settings.JWT_MAX_LIFETIME_SECONDS.get())
    if lifetime > longest:
        raise Unauthenticated(
            f"the bearer token is valid for {lifetime} s; at most {longest} s is accepted"
        )
    roles, gemeenten = claims.get("roles", []), claims.get("gemeenten", [])
    if not _texts(roles) or not _texts(gemeenten):
        raise Unauthenticated("the bearer token's `roles` and `gemeenten` must be lists of text")
    if not all(_GEMEENTE.match(g) for g in gemeenten):
        raise Unauthenticated("the bearer token's `gemeenten` must be CBS codes of 4 digits")
    sub, name, org = claims["sub"], claims.get("name", ""), claims.get("org", "")
    if not all(isinstance(v, str) and not _CONTROL.search(v) for v in (sub, name, org)):
        raise Unauthenticated(
            "the bearer token's `sub`, `name` and `org` must be text without a control character"
        )
    if not sub.strip() or len(sub) > 200 or len(name) > 200 or not _OIN.match(org):
        raise Unauthenticated("the bearer token's `sub`, `name` or `org` is not acceptable")
    return Actor(
        user_id=sub,
        display_name=name,
        roles=tuple(r for r in roles if r in ROLES),
        organisation=org,
        gemeenten=tuple(gemeenten),
    )


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


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


_REQUIRED = {"require": ["exp", "iat", "sub", "iss", "aud"]}


def verified_claims(token: str) -> dict[str, Any]:
    """The claims of a bearer token its provider signed (RS256), or in development one of the
    HS256 development tokens; raises Unauthenticated for any other."""
    try:
        header = jwt.get_unverified_header(token)
        audience = settings.JWT_AUDIENCE.get()
        if header.get("alg") == "RS256":
            key = provider_keys().key(str(header.get("kid", "")))
            return jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=audience,
                issuer=provider_keys().issuer,
                options=_REQUIRED,
            )
        if header.get("alg") == "HS256" and settings.is_development():
            return jwt.decode(
                token,
                settings.JWT_SECRET.get(),
                algorithms=["HS256"],
                audience=audience,
                issuer=settings.JWT_ISSUER.get(),
                options=_REQUIRED,
            )
    except jwt.PyJWTError as exc:
        raise Unauthenticated(f"the bearer token is not valid: {exc}") from None
    raise Unauthenticated(
        "the bearer token must be signed with RS256 by the platform's identity provider"
    )


def authenticate(
    authorization: str | None, activity: str, traceparent: str | None
) -> CommandContext:
    """The context of a request with `Authorization: Bearer <token>`; raises Unauthenticated."""
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthenticated("send a bearer token: Authorization: Bearer <JWT>")
    actor = actor_of(verified_claims(authorization.removeprefix("Bearer ").strip()))
    # The chain's trace is always its own: a client's traceparent could otherwise file its
    # actions under someone else's trace. A valid one is kept as a link.
    link = traceparent if traceparent and _TRACEPARENT.match(traceparent) else ""
    return CommandContext(
        actor=actor, activity=activity, correlation_id=new_trace_id(), trace_link=link
    )
