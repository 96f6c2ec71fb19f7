"""Drafting, the deadline's extension, establishing and revising: the regievoerder's use cases,
mixed into the Pips application (`application.py`)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from services.common.access import Action
from services.common.context import CommandContext
from services.common.fields import validated
from services.contracts import pip as c
from services.pip import contents, letters
from services.pip.addressee import Addressee, once


class PlanUseCases:
    """The PIP as a plan and a decision (Wet inburgering art. 15)."""

    ACTIVITY = "pip-opstellen"

    def change_sections(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        """Replace some sections of the draft (leerroute, modules, ontzorgen, ...)."""
        sections = contents.sections(validated(c.PipSections, data))
        return self._draft(ctx, dossier_id, lambda pip: pip.change_sections(sections))

    def add_goal(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        goal = contents.goal(validated(c.Goal, data))
        goal_id = str(uuid.uuid4())
        return self._draft(ctx, dossier_id, lambda pip: pip.add_goal(goal_id, goal))

    def change_goal(
        self, ctx: CommandContext, dossier_id: str, goal_id: str, data: Any
    ) -> dict[str, Any]:
        changes = contents.goal(validated(c.GoalChange, data))
        return self._draft(ctx, dossier_id, lambda pip: pip.change_goal(goal_id, changes))

    def remove_goal(self, ctx: CommandContext, dossier_id: str, goal_id: str) -> dict[str, Any]:
        return self._draft(ctx, dossier_id, lambda pip: pip.remove_goal(goal_id))

    def request_extension(
        self,
        ctx: CommandContext,
        dossier_id: str,
        data: Any,
        today: date | None = None,
        addressee: Addressee | None = None,
    ) -> dict[str, Any]:
        """Postpone the deadline while waiting for a third party's information; the person is
        sent the notice."""
        today = today or self.today()
        extension = validated(c.Extension, data)
        requested_on = contents.day_or_today(extension.requested_on, "requested_on", today)
        name = once(addressee)

        def extend(pip: Any) -> None:
            pip.request_extension(
                awaited=extension.awaited.strip(),
                from_party=extension.from_party.strip(),
                requested_on=requested_on,
                today=today,
            )
            pip.issue_document(letters.verlenging(pip, name(), today))

        return self._draft(ctx, dossier_id, extend)

    def information_arrived(
        self,
        ctx: CommandContext,
        dossier_id: str,
        data: Any,
        today: date | None = None,
        addressee: Addressee | None = None,
    ) -> dict[str, Any]:
        """The awaited information arrived: the deadline moves, and the person is sent the new
        last day."""
        today = today or self.today()
        arrival = validated(c.Arrival, data)
        arrived_on = contents.day_or_today(arrival.arrived_on, "arrived_on", today)
        name = once(addressee)

        def arrived(pip: Any) -> None:
            pip.information_arrived(arrived_on)
            pip.issue_document(letters.verlenging(pip, name(), today))

        return self._draft(ctx, dossier_id, arrived)

    def establish(
        self,
        ctx: CommandContext,
        dossier_id: str,
        data: Any,
        today: date | None = None,
        addressee: Addressee | None = None,
    ) -> dict[str, Any]:
        """Vaststellen: the PIP becomes a decision, sent as the beschikking; the termijn runs
        from the next day."""
        today = today or self.today()
        decision = validated(c.Establishment, data)
        decided_on = contents.day_or_today(decision.decided_on, "decided_on", today)
        reason = (decision.backdating_reason or "").strip()
        name = once(addressee)

        def establish(pip: Any) -> None:
            pip.establish(decided_on=decided_on, today=today, backdating_reason=reason)
            pip.issue_document(letters.beschikking(pip, name(), today))

        return self._draft(ctx, dossier_id, establish)

    def revise(
        self,
        ctx: CommandContext,
        dossier_id: str,
        data: Any,
        today: date | None = None,
        addressee: Addressee | None = None,
    ) -> dict[str, Any]:
        """Bijstellen: a new version with a reason, sent as a new beschikking; the termijn does
        not move. Its kind's evidence is checked by the contract; what the kind asks of the
        PIP, by the PIP."""
        today = today or self.today()
        revision = contents.revision(validated(c.Revision, data))
        decided_on = revision["decided_on"] or today
        add_goals = {str(uuid.uuid4()): goal for goal in revision["add_goals"]}
        # Errors about new and changed goals name them as the request did.
        labels = {goal_id: f"add_goals/{i}" for i, goal_id in enumerate(add_goals)}
        labels |= {goal_id: f"change_goals.{goal_id}" for goal_id in revision["change_goals"]}
        name = once(addressee)

        def revise(pip: Any) -> None:
            pip.revise(
                kind=revision["kind"],
                explanation=revision["explanation"],
                decided_on=decided_on,
                today=today,
                sections=revision["sections"],
                add_goals=add_goals,
                change_goals=revision["change_goals"],
                withdraw_goals=revision["withdraw_goals"],
                evidence=revision["evidence"],
                backdating_reason=revision["backdating_reason"],
                labels=labels,
            )
            pip.issue_document(letters.wijziging(pip, name(), today))

        return self._draft(ctx, dossier_id, revise)

    def _draft(self, ctx: CommandContext, dossier_id: str, change: Any) -> dict[str, Any]:
        return self._change(ctx, Action.DRAFT_PIP, self.ACTIVITY, dossier_id, change)
