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

log = logging.getLogger(__name__)

# Whether the caller is the active guide of a dossier (by its id).
GuideCheck = Callable[[str], bool]


class MatchingGuides:
    """The question put to matching over nameko RPC (the proxy forwards the caller's context)."""

    def __init__(self, matching: Any) -> None:
        self._matching = matching

    def __call__(self, dossier_id: str) -> bool:
        return self._matching.is_active_guide(str(dossier_id)) is True


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
        return
    log.info(
        "not_the_active_guide",
        extra={"dossier_id": str(dossier_id), "action": action.value, "user": ctx.actor.user_id},
    )
    raise NotFound("no such dossier")
