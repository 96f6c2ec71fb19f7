"""A begeleider reads and records only on the dossiers they are the active guide of; past guides
keep nothing. Who guides whom is known to matching only, so intake and pip ask it.

matching answers for the calling actor only, from the context that travels with the call, so
nothing is asked or told about anyone else. The check applies where begeleider is the actor's only
role that allows the action: the gemeente's staff, and professionals who may give a signal about
any dossier of their gemeente, are not asked about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from services.common.access import Action, Role, allows_role
from services.common.context import CommandContext
from services.common.errors import NotFound
from services.common.visibility import withhold

log = logging.getLogger(__name__)

# Whether the caller is the active guide of a dossier (by its id).
GuideCheck = Callable[[str], bool]


class MatchingGuides:
    """The question put to matching over RPC (each call signed as the caller's context), and,
    for an active guide, to consent: what the protocol and consents withhold from their
    organisation."""

    def __init__(self, matching: Any, consent: Any = None) -> None:
        self._matching = matching
        self._consent = consent

    def __call__(self, dossier_id: str) -> bool:
        return self._matching.is_active_guide(str(dossier_id)) is True

    def withheld(self, dossier_id: str) -> list[str]:
        if self._consent is None:
            return []
        return list(self._consent.withheld_from_guide(str(dossier_id)))


def require_active_guide(
    ctx: CommandContext, action: Action, dossier_id: Any, guides: GuideCheck | None
) -> None:
    """Refuse, as "not found", a begeleider who is not the dossier's active guide. Without a way
    to ask (`guides` None) a begeleider is refused too."""
    roles = ctx.actor.roles
    if Role.BEGELEIDER not in roles:
        return
    if any(allows_role(role, action) for role in roles if role != Role.BEGELEIDER):
        return
    if guides is not None and guides(str(dossier_id)):
        # The active guide sees only what the protocol and the person's consents allow.
        withhold(getattr(guides, "withheld", lambda _: [])(str(dossier_id)))
        return
    log.info(
        "not_the_active_guide",
        extra={"dossier_id": str(dossier_id), "action": action.value, "user": ctx.actor.user_id},
    )
    raise NotFound("no such dossier")
