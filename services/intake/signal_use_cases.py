"""The use cases of signals: mixed into the Intake application (`application.py`)."""

from __future__ import annotations

from typing import Any

from services.common.access import Action, allows_role, require, require_for_gemeente
from services.common.active_guide import GuideCheck, require_active_guide
from services.common.context import CommandContext
from services.intake.signals import SignalLog, may_read, parse_signal, signal_log_id


class SignalUseCases:
    # signals --------------------------------------------------------------------------------
    def give_signal(
        self, ctx: CommandContext, dossier_id: str, data: Any, guides: GuideCheck | None = None
    ) -> dict[str, Any]:
        """A professional's signal about a dossier, with their user id and role as author (a
        begeleider: only as the dossier's active guide, asked of `guides`)."""
        require(ctx, Action.GIVE_SIGNAL)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.GIVE_SIGNAL, dossier.gemeente)
        require_active_guide(ctx, Action.GIVE_SIGNAL, dossier.id, guides)
        signal = parse_signal(data)
        role = next(r for r in ctx.actor.roles if allows_role(r, Action.GIVE_SIGNAL))
        log = self._update(
            ctx.for_activity("signalering"),
            lambda: self._load_or(signal_log_id(dossier.id), SignalLog, dossier),
            lambda log: log.give(author=ctx.actor.user_id, author_role=role, **signal),
        )
        return {"dossier_id": str(dossier.id), "signals": len(log.signals)}

    def signals(
        self, ctx: CommandContext, dossier_id: str, guides: GuideCheck | None = None
    ) -> dict[str, Any]:
        """The signals the reader's role may read (a begeleider: only as the dossier's active
        guide, asked of `guides`); the read itself is recorded."""
        require(ctx, Action.READ_SIGNALS)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.READ_SIGNALS, dossier.gemeente)
        require_active_guide(ctx, Action.READ_SIGNALS, dossier.id, guides)
        shown: list[dict[str, Any]] = []

        def read(log: SignalLog) -> None:
            shown[:] = [
                {**vars_of(e), "at": e.timestamp.isoformat()}
                for e in self.events.get(log.id)
                if isinstance(e, SignalLog.SignalGiven) and may_read(ctx.actor.roles, vars_of(e))
            ]
            log.record_read(
                reader=ctx.actor.user_id,
                shown=len(shown),
                withheld=len(log.signals) - len(shown),
                domains=sorted({s["domain"] for s in shown}),
            )

        log = self._update(
            ctx.for_activity("signalen-inzien"),
            lambda: self._load_or(signal_log_id(dossier.id), SignalLog, dossier),
            read,
        )
        return {
            "dossier_id": str(dossier.id),
            "signals": shown,
            "withheld": len(log.signals) - len(shown),
        }


def vars_of(given: Any) -> dict[str, Any]:
    """The fields of a SignalGiven event."""
    return {
        k: getattr(given, k) for k in ("author", "author_role", "domain", "text", "sensitivity")
    }
