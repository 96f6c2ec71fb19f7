"""What readers see of a guidance: the regievoerder all of it, a klantmanager all but health and
confidential signals, the active guide the plan, their own log and their own signals. Which goals
and signals a role sees is declared in `services.common.visibility`. No I/O."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.common.values import jsonable
from services.common.visibility import may_read_signal, may_see_domain
from services.matching.domain import Guidance

# What an organisation's coordinator sees of a proposal: never the regievoerder's note, the
# score, or anyone's reasons (they stay with the gemeente).
_FOR_ORGANISATION = (
    "id",
    "kind",
    "candidate_id",
    "organisation",
    "told",
    "status",
    "started_on",
    "ended_on",
    "outcome",
)


def proposal_view(
    guidance: Guidance, proposal: dict[str, Any], roles: Iterable[str] = ("regievoerder",)
) -> dict[str, Any]:
    if "regievoerder" in roles or "klantmanager" in roles:
        shown = dict(proposal)
    else:
        shown = {k: proposal[k] for k in _FOR_ORGANISATION}
        shown["answered"] = {side: a["accepted"] for side, a in proposal["answers"].items()}
    return jsonable({"dossier_id": str(guidance.dossier_id), **shown})


def _may_read_signal(roles: Iterable[str], user_id: str, signal: dict[str, Any]) -> bool:
    """A guide reads their own signals; the gemeente's staff those their roles may read."""
    roles = tuple(roles)
    if signal["by"] == user_id:
        return True
    staff = "regievoerder" in roles or "klantmanager" in roles
    return staff and may_read_signal(roles, signal["domain"], signal["sensitivity"])


def guide_history(guidance: Guidance) -> list[dict[str, Any]]:
    """Every guide the person had, in order, with why it ended or changed (aandachtspunt b)."""
    return [
        {
            "guide_id": p["candidate_id"],
            "organisation": p["organisation"],
            "from": p["started_on"],
            "until": p["ended_on"],
            "outcome": p["outcome"],
            "reason": p["end_reason"],
            "change_reason": p["change_reason"],
        }
        for p in sorted(
            (
                p
                for p in guidance.proposals.values()
                if p["kind"] == "begeleider" and p["started_on"] is not None
            ),
            key=lambda p: p["started_on"],
        )
    ]


def guidance_view(guidance: Guidance, roles: Iterable[str], user_id: str) -> dict[str, Any]:
    roles = tuple(roles)
    staff = "regievoerder" in roles or "klantmanager" in roles
    active = guidance.active_guide()
    signals = [s for s in guidance.signals if _may_read_signal(roles, user_id, s)]
    view: dict[str, Any] = {
        "dossier_id": str(guidance.dossier_id),
        "gemeente": guidance.gemeente,
        "profile": guidance.profile,
        "route": guidance.route or None,
        "phase": guidance.phase(),
        "plan_decided_on": guidance.plan_decided_on,
        "goals": [
            {"goal_id": goal_id, **goal}
            for goal_id, goal in sorted(guidance.goals.items())
            if may_see_domain(roles, goal["domain"])
        ],
        "guide": active
        and {
            "guide_id": active["candidate_id"],
            "organisation": active["organisation"],
            "since": active["started_on"],
            "proposal_id": active["id"],
        },
        "guide_history": guide_history(guidance),
        "placements": [
            {
                "placement_id": p["candidate_id"],
                "organisation": p["organisation"],
                "since": p["started_on"],
                "proposal_id": p["id"],
            }
            for p in guidance.proposals.values()
            if p["kind"] == "plaatsing" and p["status"] == "gestart"
        ],
        # A guide reads their own log; earlier guides' reflections stay with the gemeente.
        "activities": guidance.activities
        if staff
        else [a for a in guidance.activities if a["by"] == user_id],
        "signals": signals,
        "signals_withheld": len(guidance.signals) - len(signals),
        "version": guidance.version,
    }
    if staff:
        view["proposals"] = list(guidance.proposals.values())
    return jsonable(view)
