"""Who listens to whom and who calls whom: the one declaration the broker's users, queues,
bindings and permissions are made from (`broker.py`), and calls are checked against (`calls.py`).
Pure data."""

from __future__ import annotations

from collections.abc import Mapping

# Whose integration events each process consumes (one durable queue `<consumer>.from.<origin>`).
CONSUMES: Mapping[str, tuple[str, ...]] = {
    "pip": ("intake", "matching"),
    "matching": ("intake", "pip"),
    "consent": ("intake", "pip", "matching"),
    "audit": ("intake", "pip", "matching", "consent", "gateway"),
}
# Processes that publish integration events (they keep an event store with an outbox).
PUBLISHES = ("intake", "pip", "matching", "consent", "gateway")

# RPC methods only processes call on each other (a consumer closing a gap or catching up).
INTERNAL_METHODS = frozenset({"notifications"})
# Any method but the internal ones: what the gateway may call on the processes behind it.
USER_FACING = "*"

# Who calls which methods of whom. A process may answer only its callers, and the broker lets a
# process publish only these calls (topic permissions on the RPC exchange).
CALLS: Mapping[str, Mapping[str, tuple[str, ...] | str]] = {
    "gateway": {
        "intake": USER_FACING,
        "pip": USER_FACING,
        "matching": USER_FACING,
        "consent": USER_FACING,
        "audit": USER_FACING,
    },
    # Service to service, on behalf of the user whose call it serves: outlooks and decisions;
    # whether a begeleider is the dossier's active guide; what lets the gemeente accept a
    # health signal, from intake's signals and a guide's (`signal_basis`, issue 17).
    "matching": {"consent": ("sharing_outlook", "decide", "withheld_from_guide", "signal_basis")},
    "intake": {
        "matching": ("is_active_guide",),
        "consent": ("withheld_from_guide", "signal_basis"),
    },
    # pip asks intake the person's name for the letter its decision is sent with (issue 17).
    "pip": {
        "matching": ("is_active_guide",),
        "consent": ("withheld_from_guide",),
        "intake": ("addressee",),
    },
}


def calls_of(caller: str) -> dict[str, tuple[str, ...] | str]:
    """What `caller` may call: its declared calls, and `notifications` of every origin it
    consumes."""
    allowed: dict[str, tuple[str, ...] | str] = dict(CALLS.get(caller, {}))
    for origin in CONSUMES.get(caller, ()):
        methods = allowed.get(origin, ())
        if methods != USER_FACING:
            allowed[origin] = (*methods, "notifications")
    return allowed


def may_call(caller: str, target: str, method: str) -> bool:
    methods = calls_of(caller).get(target, ())
    if methods == USER_FACING:
        return method not in INTERNAL_METHODS
    return method in methods


def callers_of(target: str) -> tuple[str, ...]:
    """The processes that call `target` (and so receive its replies)."""
    from services.common.settings import PROCESSES

    return tuple(p for p in PROCESSES if target in calls_of(p))
