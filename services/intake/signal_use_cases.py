"""The use cases of signals: mixed into the Intake application (`application.py`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from services.common.access import Action, allows_role, require, require_for_gemeente
from services.common.active_guide import GuideCheck, require_active_guide
from services.common.context import CommandContext
from services.common.signal_basis import BasisCheck, legal_basis_of, signal_basis
from services.intake.signals import (
    SIGNAL_GIVEN,
    SignalLog,
    may_read,
    parse_signal,
    signal_log_id,
)


class SignalUseCases:
    # signals --------------------------------------------------------------------------------
    def give_signal(
        self,
        ctx: CommandContext,
        dossier_id: str,
        data: Any,
        guides: GuideCheck | None = None,
        bases: BasisCheck | None = None,
    ) -> dict[str, Any]:
        """A professional's signal about a dossier, with their user id and role as author (a
        begeleider: only as the dossier's active guide, asked of `guides`). A signal about a
        special category (health) only on the basis the protocol names for the sender, asked of
        `bases` (consent) and kept with it; without a way to ask, it is refused."""
        require(ctx, Action.GIVE_SIGNAL)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.GIVE_SIGNAL, dossier.gemeente)
        require_active_guide(ctx, Action.GIVE_SIGNAL, dossier.id, guides)
        signal = parse_signal(data)
        role = next(r for r in ctx.actor.roles if allows_role(r, Action.GIVE_SIGNAL))
        basis = signal_basis(SIGNAL_GIVEN, signal["domain"], str(dossier.id), bases)
        activity = ctx.for_activity("signalering")
        if basis is not None:
            activity = replace(activity, legal_basis=legal_basis_of(basis))
        log = self._update(
            activity,
            lambda: self._load_or(signal_log_id(dossier.id), SignalLog, dossier),
            lambda log: log.give(author=ctx.actor.user_id, author_role=role, basis=basis, **signal),
        )
        return {"dossier_id": str(dossier.id), "signals": len(log.signals), "basis": basis}

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
    """The fields of a SignalGiven event (`basis` None when stored before it was kept)."""
    return {
        **{
            k: getattr(given, k) for k in ("author", "author_role", "domain", "text", "sensitivity")
        },
        "basis": getattr(given, "basis", None),
    }
