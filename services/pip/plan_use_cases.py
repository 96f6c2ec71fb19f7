"""Drafting, the deadline's extension, establishing and revising: the regievoerder's use cases,
mixed into the Pips application (`application.py`)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from services.common.access import Action
from services.common.context import CommandContext
from services.common.errors import InvalidInput, field_error
from services.pip.contents import (
    body_object,
    day_field,
    parse_establishment,
    parse_goal,
    parse_revision,
    parse_sections,
    raise_if,
    required_texts,
)
from services.pip.domain import REVISION_KINDS


class PlanUseCases:
    """The PIP as a plan and a decision (Wet inburgering art. 15)."""

    ACTIVITY = "pip-opstellen"

    def change_sections(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        """Replace some sections of the draft (leerroute, modules, ontzorgen, ...)."""
        errors: list = []
        sections = parse_sections(data, errors)
        raise_if(errors)
        if not sections:
            raise InvalidInput([field_error("", "name at least one section to change")])
        return self._draft(ctx, dossier_id, lambda pip: pip.change_sections(sections))

    def add_goal(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        errors: list = []
        goal = parse_goal(data, errors)
        raise_if(errors)
        goal_id = str(uuid.uuid4())
        return self._draft(ctx, dossier_id, lambda pip: pip.add_goal(goal_id, goal))

    def change_goal(
        self, ctx: CommandContext, dossier_id: str, goal_id: str, data: Any
    ) -> dict[str, Any]:
        errors: list = []
        changes = parse_goal(data, errors, partial=True)
        raise_if(errors)
        return self._draft(ctx, dossier_id, lambda pip: pip.change_goal(goal_id, changes))

    def remove_goal(self, ctx: CommandContext, dossier_id: str, goal_id: str) -> dict[str, Any]:
        return self._draft(ctx, dossier_id, lambda pip: pip.remove_goal(goal_id))

    def request_extension(
        self, ctx: CommandContext, dossier_id: str, data: Any, today: date | None = None
    ) -> dict[str, Any]:
        """Postpone the deadline while waiting for a third party's information."""
        today = today or self.today()
        data = body_object(data)
        errors = required_texts(data, ("awaited", "from_party"))
        requested_on = day_field(data, "requested_on", today, errors)
        raise_if(errors)
        return self._draft(
            ctx,
            dossier_id,
            lambda pip: pip.request_extension(
                awaited=data["awaited"].strip(),
                from_party=data["from_party"].strip(),
                requested_on=requested_on,
                today=today,
            ),
        )

    def information_arrived(
        self, ctx: CommandContext, dossier_id: str, data: Any, today: date | None = None
    ) -> dict[str, Any]:
        errors: list = []
        arrived_on = day_field(body_object(data), "arrived_on", today or self.today(), errors)
        raise_if(errors)
        return self._draft(ctx, dossier_id, lambda pip: pip.information_arrived(arrived_on))

    def establish(
        self, ctx: CommandContext, dossier_id: str, data: Any, today: date | None = None
    ) -> dict[str, Any]:
        """Vaststellen: the PIP becomes a decision; the termijn runs from the next day."""
        today = today or self.today()
        decision = parse_establishment(data, today)
        return self._draft(ctx, dossier_id, lambda pip: pip.establish(today=today, **decision))

    def revise(
        self, ctx: CommandContext, dossier_id: str, data: Any, today: date | None = None
    ) -> dict[str, Any]:
        """Bijstellen: a new version with a reason; the termijn does not move."""
        today = today or self.today()
        revision = parse_revision(data, REVISION_KINDS)
        decided_on = revision["decided_on"] or today
        add_goals = {str(uuid.uuid4()): goal for goal in revision["add_goals"]}
        # Errors about new and changed goals name them as the request did.
        labels = {goal_id: f"add_goals[{i}]" for i, goal_id in enumerate(add_goals)}
        labels |= {goal_id: f"change_goals.{goal_id}" for goal_id in revision["change_goals"]}
        return self._draft(
            ctx,
            dossier_id,
            lambda pip: pip.revise(
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
            ),
        )

    def _draft(self, ctx: CommandContext, dossier_id: str, change: Any) -> dict[str, Any]:
        return self._change(ctx, Action.DRAFT_PIP, self.ACTIVITY, dossier_id, change)
