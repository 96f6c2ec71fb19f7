"""Progress by each part's owner, monitoring of deadlines and termijnen, and handhaving: mixed
into the Pips application (`application.py`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.common.access import Action, Role
from services.common.active_guide import GuideCheck, require_active_guide
from services.common.context import CommandContext, system_context
from services.common.errors import Forbidden, InvalidInput, NotFound, field_error
from services.common.fields import validated
from services.contracts import pip as c
from services.pip import letters
from services.pip.addressee import Addressee, once
from services.pip.contents import day_or_today
from services.pip.domain import Pip, pip_id
from services.pip.handhaving import Enforcement, enforcement_id

# Owner roles held by the gemeente's own staff: tenancy already tells them apart.
GEMEENTE_ROLES = frozenset({Role.REGIEVOERDER, Role.KLANTMANAGER})


def owner_source(ctx: CommandContext, owner: dict[str, str], what: str) -> str:
    """Who records progress on a part: its owner, or the regievoerder. An owner outside the
    gemeente is recognised by its OIN (the PIP must name it): a role alone could be anyone's.
    Returns which of the two recorded it."""
    if ctx.actor.has_role(Role.REGIEVOERDER):
        return "regievoerder"
    has_role = owner.get("role") in ctx.actor.roles
    if owner.get("oin"):
        if has_role and owner["oin"] == ctx.actor.organisation:
            return "eigenaar"
    elif has_role and owner.get("role") in GEMEENTE_ROLES:
        return "eigenaar"
    unnamed = "" if owner.get("oin") else "; the PIP names no OIN for this owner"
    raise Forbidden(
        f"progress on {what} is recorded by its owner ({owner.get('role')} of "
        f"{owner.get('organisation')}) or by the regievoerder{unnamed}"
    )


def measure_decision(given: c.MeasureDecision) -> dict[str, Any]:
    """A decision on a due measure as the Enforcement keeps it."""
    if given.refer_to_klantmanager and given.take:
        raise InvalidInput(
            [
                field_error(
                    "take",
                    "must be false with refer_to_klantmanager: the klantmanager takes or waives"
                    " the measure",
                )
            ]
        )
    culpability, hearing = given.culpability, given.hearing
    return {
        "take": given.take,
        "reason": given.reason.strip(),
        "culpability": culpability
        and {"culpable": culpability.culpable, "circumstances": culpability.circumstances.strip()},
        "hearing": hearing and {"on": hearing.on, "summary": hearing.summary.strip()},
        "amount_eur": given.amount_eur,
        "referred_to": "klantmanager" if given.refer_to_klantmanager else None,
    }


class ProgressUseCases:
    PROGRESS = "pip-voortgang"
    MONITORING = "pip-monitoring"
    HANDHAVING = "handhaving"

    def record_goal_progress(
        self,
        ctx: CommandContext,
        dossier_id: str,
        goal_id: str,
        data: Any,
        guides: GuideCheck | None = None,
    ) -> dict[str, Any]:
        """Progress on a goal, by its owner (a begeleider: only as the dossier's active guide,
        asked of `guides`) or the regievoerder."""
        progress = validated(c.GoalProgress, data)
        status, note = progress.status, progress.note.strip()
        on = day_or_today(progress.on, "on", self.today())
        pip = self._get(ctx, Action.RECORD_PROGRESS, dossier_id)
        require_active_guide(ctx, Action.RECORD_PROGRESS, pip.dossier_id, guides)
        goal = pip.current_plan()["goals"].get(goal_id)
        if goal is None:
            raise NotFound("the PIP in force has no goal with this id")
        source = owner_source(ctx, goal["owner"], "this goal")
        return self._change(
            ctx,
            Action.RECORD_PROGRESS,
            self.PROGRESS,
            dossier_id,
            lambda p: p.record_goal_progress(goal_id, status, on, note, self.today(), source),
        )

    def record_module_hours(
        self,
        ctx: CommandContext,
        dossier_id: str,
        module: str,
        data: Any,
        guides: GuideCheck | None = None,
    ) -> dict[str, Any]:
        done = validated(c.ModuleHours, data)
        hours, note = done.hours, done.note.strip()
        on = day_or_today(done.on, "on", self.today())
        pip = self._get(ctx, Action.RECORD_PROGRESS, dossier_id)
        require_active_guide(ctx, Action.RECORD_PROGRESS, pip.dossier_id, guides)
        planned = pip.current_plan().get("modules", {}).get(module)
        if planned is not None:
            owner_source(ctx, planned["provider"], f"module {module}")
        return self._change(
            ctx,
            Action.RECORD_PROGRESS,
            self.PROGRESS,
            dossier_id,
            lambda p: p.record_module_hours(module, hours, on, note, self.today()),
        )

    # handhaving ----------------------------------------------------------------------------------
    def record_breach(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        """A breach of a PIP obligation; the gemeente's ladder says which measure is due."""
        breach = validated(c.Breach, data)
        obligation, description = breach.obligation.strip(), breach.description.strip()
        on = day_or_today(breach.on, "on", self.today())
        pip = self._get(ctx, Action.DRAFT_PIP, dossier_id)
        pip.check_established()
        pip.check_progress_date(on, self.today())
        policy = self.handhaving.for_gemeente(pip.gemeente)
        return self._enforce(
            ctx, pip, lambda e: e.record_breach(obligation, description, on, policy)
        )

    def decide_measure(
        self,
        ctx: CommandContext,
        dossier_id: str,
        number: int,
        data: Any,
        addressee: Addressee | None = None,
    ) -> dict[str, Any]:
        """Take, waive or refer the measure due on a breach; a warning or fine taken is sent
        to the person as a document."""
        if not isinstance(number, int) or isinstance(number, bool):  # a path parameter
            raise InvalidInput([field_error("number", "must be the whole number of a breach")])
        decision = measure_decision(validated(c.MeasureDecision, data))
        today = self.today()
        pip = self._get(ctx, Action.DRAFT_PIP, dossier_id)
        name = once(addressee)

        def decide(enforcement: Enforcement) -> None:
            enforcement.decide_measure(number, decision, today)
            if document := letters.measure(enforcement, number, name, today):
                enforcement.issue_document(document)

        return self._enforce(ctx, pip, decide)

    def record_participatiewet_decision(
        self, ctx: CommandContext, dossier_id: str, number: int, data: Any
    ) -> dict[str, Any]:
        """The klantmanager records their Participatiewet decision on a breach referred to them."""
        if not isinstance(number, int) or isinstance(number, bool):  # a path parameter
            raise InvalidInput([field_error("number", "must be the whole number of a breach")])
        given = validated(c.ParticipatiewetDecision, data)
        culpability, hearing = given.culpability, given.hearing
        decision = {
            "lowered": given.lowered,
            "decided_on": given.decided_on,
            "reason": given.reason.strip(),
            "culpability": culpability
            and {
                "culpable": culpability.culpable,
                "circumstances": culpability.circumstances.strip(),
            },
            "hearing": hearing and {"on": hearing.on, "summary": hearing.summary.strip()},
        }
        today = self.today()
        pip = self._get(ctx, Action.DECIDE_PARTICIPATIEWET, dossier_id)
        return self._enforce(
            ctx, pip, lambda e: e.record_participatiewet_decision(number, decision, today)
        )

    def _enforce(
        self, ctx: CommandContext, pip: Pip, change: Callable[[Enforcement], Any]
    ) -> dict[str, Any]:
        """Change the dossier's Enforcement (opened with its first breach); show the PIP."""

        def load() -> Enforcement:
            try:
                return self.repository.get(enforcement_id(pip.dossier_id))
            except AggregateNotFoundError:
                return Enforcement(dossier_id=pip.dossier_id, gemeente=pip.gemeente)

        self._update(ctx.for_activity(self.HANDHAVING), load, change)
        return self._view(ctx, pip)

    # monitoring ----------------------------------------------------------------------------------
    def monitor(self, dossier_id: UUID | str, today: date | None = None) -> list[str]:
        """Mark the PIP's deadline or termijn as near or passed on `today`, once; the service's
        timer calls this for the candidates its read model names."""
        today = today or self.today()
        ctx = system_context("pip", self.MONITORING)
        marks: list[str] = []

        def mark(pip: Pip) -> None:
            marks[:] = pip.monitor(today, self.handhaving.for_gemeente(pip.gemeente))

        self._update(ctx, lambda: self.repository.get(pip_id(dossier_id)), mark)
        return marks
