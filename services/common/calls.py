"""Signed calls: the context a process sends with an RPC call is bound to that one call.

The caller signs, with its own Ed25519 key, the actor context together with who calls (the
caller), what (target service and method), a digest of the arguments, where the answer goes (the
reply key), when (issue time and a short expiry, at most the RPC timeout) and a nonce. The
receiving process takes the call only when the signature is its caller's, the caller may make
this call (`topology.may_call`), the method and the arguments are the signed ones, the answer goes
where the caller said, the time is right, and (for a query) the nonce was never seen before by any
instance of the receiving service (a table in its own schema); a command is carried out once by
its command id instead (`commands.py`). Anything else is refused, and
logged without the call's arguments. A service therefore cannot sign as the gateway, and a context
captured on the way cannot be replayed, reused on another method or with other arguments, or
delivered late.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from psycopg import Cursor, sql

from services.common import settings, topology
from services.common.context import SYSTEM_ROLE, CommandContext
from services.common.errors import Unauthenticated

log = logging.getLogger(__name__)

# A call issued this far in the future still counts (clocks of two machines differ a little).
CLOCK_SKEW_SECONDS = 2.0


class RefusedCall(Unauthenticated):
    """A call whose signed context does not hold; `reason` says which check failed."""

    def __init__(self, reason: str):
        super().__init__(f"the call's signed context was refused: {reason}")
        self.reason = reason


def call_lifetime() -> float:
    """How long a signed context stays valid: the RPC timeout, no longer."""
    return float(settings.RPC_TIMEOUT_SECONDS.get())


def args_digest(args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
    """The arguments as the receiver decodes them (JSON), hashed: both sides compute the same."""
    canonical = json.dumps(
        {"args": list(args), "kwargs": dict(kwargs)},
        sort_keys=True,
        separators=(",", ":"),
        default=_as_text,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _as_text(value: Any) -> str:
    """Dates and the like as the wire carries them."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def sign_call(
    caller: str,
    key: Ed25519PrivateKey,
    ctx: CommandContext,
    target: str,
    method: str,
    args: Sequence[Any],
    kwargs: Mapping[str, Any],
    now: float | None = None,
    reply_to: str = "",
) -> str:
    """The header value for one call: base64 of the signed statement, a dot, the signature."""
    issued = time.time() if now is None else now
    statement = {
        "caller": caller,
        "target": f"{target}.{method}",
        "args": args_digest(args, kwargs),
        "reply": reply_to,
        "iat": round(issued, 3),
        "exp": round(issued + call_lifetime(), 3),
        "nonce": secrets.token_hex(16),
        "context": ctx.as_dict(),
    }
    body = base64.urlsafe_b64encode(json.dumps(statement, separators=(",", ":")).encode())
    signature = base64.urlsafe_b64encode(key.sign(body))
    return f"{body.decode()}.{signature.decode()}"


@dataclass(frozen=True)
class VerifiedCall:
    caller: str
    nonce: str
    expires: float
    context: CommandContext


def verify_call(
    header: Any,
    service: str,
    method: str,
    args: Sequence[Any],
    kwargs: Mapping[str, Any],
    public_keys: Mapping[str, Ed25519PublicKey],
    now: float | None = None,
    reply_to: str | None = None,
) -> VerifiedCall:
    """Check everything but the nonce (see `NonceStore`); raises RefusedCall. `reply_to` is
    where the message asks the answer to go (None: not checked, for a call without answer)."""
    if not isinstance(header, str) or "." not in header:
        raise RefusedCall("the call carries no signed context")
    body, _, signature = header.encode().partition(b".")
    try:
        statement = json.loads(base64.urlsafe_b64decode(body))
        caller = statement["caller"]
        public_key = public_keys[caller]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise RefusedCall("the context is not a statement of a known caller") from None
    try:
        public_key.verify(base64.urlsafe_b64decode(signature), body)
    except (InvalidSignature, ValueError, binascii.Error):
        raise RefusedCall(f"the signature is not {caller}'s") from None
    if statement.get("target") != f"{service}.{method}":
        raise RefusedCall(f"it was signed for {statement.get('target')}, not {service}.{method}")
    if not topology.may_call(caller, service, method):
        raise RefusedCall(f"{caller} may not call {service}.{method}")
    if statement.get("args") != args_digest(args, kwargs):
        raise RefusedCall("the arguments are not the signed ones")
    now = time.time() if now is None else now
    issued, expires = float(statement["iat"]), float(statement["exp"])
    if issued > now + CLOCK_SKEW_SECONDS or expires - issued > call_lifetime() + 0.001:
        raise RefusedCall("its times are not those of a call made now")
    if now > expires:
        raise RefusedCall("it expired")
    if reply_to is not None and statement.get("reply", "") != reply_to:
        raise RefusedCall("its answer would go elsewhere than the caller said")
    context = CommandContext.from_dict(statement["context"])
    if context.actor.has_role(SYSTEM_ROLE) and context.actor.user_id != f"system:{caller}":
        raise RefusedCall(f"{caller} may act as a system only as itself")
    return VerifiedCall(caller, str(statement["nonce"]), expires, context)


def public_keys_from_settings() -> dict[str, Ed25519PublicKey]:
    return _public_keys(settings.CALL_PUBLIC_KEYS.get())


@cache
def _public_keys(text: str) -> dict[str, Ed25519PublicKey]:
    keys = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition(":")
        keys[name] = Ed25519PublicKey.from_public_bytes(base64.b64decode(value))
    return keys


def signing_key_of(identity: str) -> Ed25519PrivateKey:
    """The process's own call key from settings."""
    return _private_key(settings.CALL_KEYS[identity].get())


@cache
def _private_key(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))


def create_nonce_table(cur: Cursor, schema: str) -> None:
    cur.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (nonce text PRIMARY KEY,"
            " expires_at double precision NOT NULL)"
        ).format(sql.Identifier(schema, "call_nonces"))
    )


class NonceStore:
    """The nonces a service has taken, shared by all its instances, kept until they expire."""

    PURGE_EVERY_SECONDS = 60.0

    def __init__(self, db: Any, schema: str):
        self.db = db
        self.table = sql.Identifier(schema, "call_nonces")
        self._purged = 0.0

    def take(self, call: VerifiedCall) -> None:
        """Record the call's nonce; raises RefusedCall when it was taken before."""
        with self.db.transaction() as cur:
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (nonce, expires_at) VALUES (%s, %s)"
                    " ON CONFLICT (nonce) DO NOTHING RETURNING nonce"
                ).format(self.table),
                (f"{call.caller}:{call.nonce}", call.expires),
            )
            fresh = cur.fetchone() is not None
            if time.monotonic() - self._purged > self.PURGE_EVERY_SECONDS:
                self._purged = time.monotonic()
                cur.execute(
                    sql.SQL("DELETE FROM {} WHERE expires_at < %s").format(self.table),
                    (time.time() - CLOCK_SKEW_SECONDS,),
                )
        if not fresh:
            raise RefusedCall("it was delivered before: a replay")


def log_refusal(service: str, method: str, refused: RefusedCall) -> None:
    """A refused call, named by its target and the reason; never its arguments."""
    log.warning("call_refused", extra={"target": f"{service}.{method}", "reason": refused.reason})
