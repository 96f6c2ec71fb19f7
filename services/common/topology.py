"""Who listens to whom and who calls whom: the one declaration the broker's users, queues,
bindings and permissions are made from (`broker.py`), and calls are checked against (`calls.py`).
Pure data."""

from __future__ import annotations

import hashlib
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

# Of these origins a consumer takes only the event types named: its queue is bound to each
# (`<origin>.<type>`), so the rest never reach it. An origin not named here: every event
# (`<origin>.#`). Consent takes everything (a partner may subscribe to any category), and audit
# keeps the whole chain. The relay tells each such consumer, with every event it takes, where
# the previous one it takes lies (`Previous`), so the positions in between are no gap to it.
TAKES: Mapping[str, Mapping[str, frozenset[str]]] = {
    "pip": {
        "intake": frozenset(
            {
                "nl.wegwijs.intake.dossier.geregistreerd.v1",
                "nl.wegwijs.intake.dossier.gecorrigeerd.v1",
                "nl.wegwijs.intake.dossier.verhuisd.v1",
                "nl.wegwijs.intake.brede-intake.afgerond.v1",
                "nl.wegwijs.intake.route.gekozen.v1",
                "nl.wegwijs.intake.praktische-zaak.geopend.v1",
                "nl.wegwijs.intake.praktische-zaak.gesloten.v1",
                "nl.wegwijs.intake.signaal.gegeven.v1",
            }
        ),
        "matching": frozenset({"nl.wegwijs.matching.activiteit.vastgelegd.v1"}),
    },
    "matching": {
        "intake": frozenset(
            {
                "nl.wegwijs.intake.dossier.geregistreerd.v1",
                "nl.wegwijs.intake.dossier.verhuisd.v1",
                "nl.wegwijs.intake.route.gekozen.v1",
                "nl.wegwijs.intake.huishouden.gekoppeld.v1",
            }
        ),
        "pip": frozenset(
            {
                "nl.wegwijs.pip.vastgesteld.v1",
                "nl.wegwijs.pip.bijgesteld.v1",
                "nl.wegwijs.pip.doel.voortgang-vastgelegd.v1",
            }
        ),
    },
}


def takes(consumer: str, origin: str) -> frozenset[str] | None:
    """The event types of `origin` that `consumer` takes; None for every one."""
    return TAKES.get(consumer, {}).get(origin)


def taken_key(consumer: str, origin: str) -> str:
    """`consumer`'s key in the relay's header for `origin`: its name and a fingerprint of the
    types it takes, so a header made with another release's types is not taken for its own."""
    types = "\n".join(sorted(takes(consumer, origin) or ()))
    return f"{consumer}:{hashlib.sha256(types.encode()).hexdigest()[:12]}"


def selective_consumers(origin: str) -> tuple[str, ...]:
    """The consumers that take only some of `origin`'s event types."""
    return tuple(
        c for c, origins in sorted(CONSUMES.items()) if origin in origins and takes(c, origin)
    )


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
