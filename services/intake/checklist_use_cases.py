"""The household checklist's use cases, mixed into the Intake application (`application.py`):
opening it with the household, reading it, closing its items, and keeping it and the members'
brede intakes agreeing (`household_checklist.py`)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from services.common.access import (
    Action,
    may_close_practical_item,
    require,
    require_for_gemeente,
)
from services.common.context import CommandContext
from services.common.errors import Forbidden, NotFound
from services.common.fields import validated
from services.common.visibility import may_see_domain
from services.contracts.intake import ChecklistClosing
from services.intake.brede_intake import BredeIntake, intake_id
from services.intake.domain import Dossier
from services.intake.household_checklist import (
    CHECKLIST_ITEMS,
    SCHOOL,
    HouseholdChecklist,
    checklist_id,
    entry_key,
)

_WHEN = {"Opened", "ItemOpened", "ItemClosed"}


class ChecklistUseCases:
    """The household checklist's use cases, on the Intake application (mixed in)."""

    ACTIVITY = "brede-intake"

    # opening, with the household -------------------------------------------------------------
    def _checklist_on_registering(
        self, dossier: Dossier, household: uuid.UUID | None, relation: str, today: date
    ) -> HouseholdChecklist:
        """The checklist of the household `dossier` founds (`household` None) or joins; called
        inside the registration's command. A household registered before the checklist existed
        gets one when its next member joins."""
        if household is None:
            checklist = HouseholdChecklist.open_for(
                dossier_id=dossier.id, gemeente=dossier.gemeente
            )
        else:
            checklist = self._checklist_or_new(household, dossier.gemeente)
            checklist.add_member(dossier.id, relation)
            if relation == "kind":
                own = {"given_name": dossier.given_name, "birth_date": dossier.birth_date}
                checklist.know_children([own], today)
        checklist.know_children(dossier.profile.get("children", []), today)
        return checklist

    def _checklist_or_new(self, household: uuid.UUID, gemeente: str) -> HouseholdChecklist:
        try:
            return self.repository.get(checklist_id(household))
        except AggregateNotFoundError:
            return HouseholdChecklist.open_for(dossier_id=household, gemeente=gemeente)

    def _members_intakes(self, checklist: HouseholdChecklist) -> list[BredeIntake]:
        intakes = []
        for member in checklist.members:
            try:
                intakes.append(self.repository.get(intake_id(member)))
            except AggregateNotFoundError:
                continue
        return intakes

    # reading ---------------------------------------------------------------------------------
    def household_checklist(self, ctx: CommandContext, dossier_id: str) -> dict[str, Any]:
        """The checklist of the dossier's household, with the items the caller's role may see,
        who closed each and when."""
        require(ctx, Action.READ_INTAKE)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.READ_INTAKE, dossier.gemeente)
        try:
            checklist = self.repository.get(checklist_id(household_of(dossier)))
        except AggregateNotFoundError:
            raise NotFound("this household has no checklist yet") from None
        return self._checklist_view(ctx, checklist)

    def _checklist_view(self, ctx: CommandContext, checklist: HouseholdChecklist) -> dict[str, Any]:
        roles = ctx.actor.roles
        when: dict[str, dict[str, Any]] = {}
        for e in self.events.get(checklist.id):
            name = type(e).__name__
            actor = e.context["actor"]
            if name == "Opened":
                for item in e.items:
                    when[entry_key(item)] = {"opened_at": e.timestamp}
            elif name == "ItemOpened":
                when[entry_key(e.item, e.child)] = {"opened_at": e.timestamp}
            elif name == "ItemClosed":
                when[entry_key(e.item, e.child)].update(
                    closed_at=e.timestamp,
                    closed_by=actor["user_id"],
                    closed_role=",".join(actor["roles"]),
                )
        items = []
        for key, state in checklist.entries.items():
            spec = CHECKLIST_ITEMS[state["item"]]
            if not may_see_domain(roles, spec.domain):
                continue
            moments = when.get(key, {})
            child = state["child"] and checklist.children.get(state["child"])
            items.append(
                {
                    "item": spec.item,
                    "label": spec.label,
                    "domain": spec.domain,
                    "child": child
                    and {
                        "key": state["child"],
                        "given_name": child["given_name"],
                        "birth_date": child["birth_date"].isoformat(),
                    },
                    "open": state["open"],
                    "opened_at": moments["opened_at"].isoformat(),
                    "opened_because": state["because"],
                    "closed_at": None if state["open"] else _iso(moments.get("closed_at")),
                    "closed_by": None if state["open"] else moments.get("closed_by"),
                    "closed_role": None if state["open"] else moments.get("closed_role"),
                    "note": state["note"],
                    "may_close": state["open"] and may_close_practical_item(roles, spec.domain),
                }
            )
        return {
            "household_id": str(checklist.dossier_id),
            "gemeente": checklist.gemeente,
            "members": len(checklist.members),
            "open": sum(1 for i in items if i["open"]),
            "items": items,
        }

    # closing ---------------------------------------------------------------------------------
    def close_checklist_item(
        self, ctx: CommandContext, dossier_id: str, item: str, data: Any
    ) -> dict[str, Any]:
        """Close an item of the household's checklist with a note (the regievoerder any item,
        the klantmanager those of their domains); the same item open in a member's brede intake
        is closed with it."""
        closing = validated(ChecklistClosing, data)
        note, child = closing.note.strip(), (closing.child or "").strip()
        require(ctx, Action.CLOSE_PRACTICAL_ITEM)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.CLOSE_PRACTICAL_ITEM, dossier.gemeente)
        spec = CHECKLIST_ITEMS.get(item)
        if spec is not None and not may_close_practical_item(ctx.actor.roles, spec.domain):
            raise Forbidden(f"your role does not close practical items of {spec.domain}")
        household = household_of(dossier)
        if checklist_id(household) not in self.repository:
            raise NotFound("this household has no checklist yet")

        def load() -> tuple[Any, ...]:
            checklist = self.repository.get(checklist_id(household))
            return (checklist, *self._members_intakes(checklist))

        def close(aggregates: tuple[Any, ...]) -> None:
            checklist, *intakes = aggregates
            checklist.close(item, note, child)
            if item != SCHOOL:
                for intake in intakes:
                    if intake.practical_items.get(item, {}).get("open", False):
                        intake.close_practical_item(item, note)

        saved = self._update(ctx.for_activity(self.ACTIVITY), load, close)
        return self._checklist_view(ctx, saved[0])


def household_of(dossier: Dossier) -> uuid.UUID:
    return dossier.household_id or dossier.id


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None
