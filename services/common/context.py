"""Who did what, for whom and why: the actor context that travels with every command.

The gateway builds a `CommandContext` from the bearer token; each RPC call carries it in nameko
context data (under `CONTEXT_KEY`), signed for that one call by the caller (`calls.py`); every
stored domain event records it.
"""

from __future__ import annotations

import contextvars
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

CONTEXT_KEY = "wegwijs_context"

SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class Actor:
    """A person or system acting in the chain."""

    user_id: str
    display_name: str
    roles: tuple[str, ...]
    organisation: str  # OIN of the organisation the actor works for
    gemeenten: tuple[str, ...]  # CBS codes of the gemeenten the actor acts for

    def acts_for(self, gemeente: str) -> bool:
        return gemeente in self.gemeenten

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


@dataclass(frozen=True)
class CommandContext:
    """The actor plus the why (processing activity, legal basis) and the trace of one action."""

    actor: Actor
    activity: str
    correlation_id: str = field(default_factory=lambda: new_trace_id())
    legal_basis: str = ""
    # A client's own W3C traceparent, kept as a link: never the chain's trace (correlation_id).
    trace_link: str = ""
    # The command this context carries out (see services/common/commands.py); "" for a query.
    command_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Built field by field: every stored event records it, and `dataclasses.asdict`
        (a deep copy) cost more than the rest of storing a read in the access log."""
        actor = self.actor
        data: dict[str, Any] = {
            "actor": {
                "user_id": actor.user_id,
                "display_name": actor.display_name,
                "roles": list(actor.roles),
                "organisation": actor.organisation,
                "gemeenten": list(actor.gemeenten),
            },
            "activity": self.activity,
            "correlation_id": self.correlation_id,
            "legal_basis": self.legal_basis,
            "trace_link": self.trace_link,
        }
        if self.command_id:
            data["command_id"] = self.command_id
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CommandContext:
        actor = dict(data["actor"])
        actor["roles"] = tuple(actor.get("roles", ()))
        actor["gemeenten"] = tuple(actor.get("gemeenten", ()))
        return cls(
            actor=Actor(**actor),
            activity=data["activity"],
            correlation_id=data["correlation_id"],
            legal_basis=data.get("legal_basis", ""),
            trace_link=data.get("trace_link", ""),
            command_id=data.get("command_id", ""),
        )

    def for_activity(self, activity: str) -> CommandContext:
        return replace(self, activity=activity)

    def for_command(self, command_id: str) -> CommandContext:
        return replace(self, command_id=command_id)


def new_trace_id() -> str:
    """A W3C Trace Context trace id: 32 lowercase hex digits, not all zero."""
    return secrets.token_hex(16)


def system_context(
    service: str, activity: str, correlation_id: str | None = None
) -> CommandContext:
    """The context a service acts in on its own behalf (relaying, catching up, timers)."""
    actor = Actor(
        user_id=f"system:{service}",
        display_name=f"Wegwijs {service}",
        roles=(SYSTEM_ROLE,),
        organisation="",
        gemeenten=(),
    )
    return CommandContext(
        actor=actor, activity=activity, correlation_id=correlation_id or new_trace_id()
    )


_current: contextvars.ContextVar[CommandContext | None] = contextvars.ContextVar(
    "wegwijs_command_context", default=None
)


def current_context() -> CommandContext | None:
    return _current.get()


def bind_current(ctx: CommandContext) -> None:
    """Make `ctx` the context of the running greenthread (a nameko worker) until it ends."""
    _current.set(ctx)


@contextmanager
def acting(ctx: CommandContext) -> Iterator[CommandContext]:
    """Run a block on behalf of `ctx`: events triggered inside record it."""
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
