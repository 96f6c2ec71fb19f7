"""The brede intake's use cases: mixed into the Intake application (`application.py`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from services.common.access import (
    Action,
    may_close_practical_item,
    may_record_life_domain,
    require,
    require_for_gemeente,
)
from services.common.clock import today_in_amsterdam
from services.common.context import CommandContext
from services.common.errors import Forbidden, NotFound
from services.common.fields import validated
from services.contracts.intake import (
    Attendance,
    ClosingNote,
    CompletionChoice,
    Excuse,
    SanctionDecision,
)
from services.intake import letters
from services.intake.brede_intake import BredeIntake, intake_id
from services.intake.checklist_use_cases import household_of
from services.intake.conversations import parse_invitation
from services.intake.household_checklist import HouseholdChecklist
from services.intake.life_domains import PRACTICAL_ITEMS, items_that_hold, parse_domain
from services.intake.rules import TOETS_EXEMPTION_GROUNDS
from services.intake.step_parsers import (
    parse_education,
    parse_leerbaarheidstoets,
    parse_personal_circumstances,
    parse_route_choice,
    parse_toets_exemption,
    parse_work,
)
from services.intake.views import brede_intake_as_seen


class BredeIntakeUseCases:
    """The brede intake's use cases, on the Intake application (mixed in below)."""

    ACTIVITY = "brede-intake"

    def record_leerbaarheidstoets(
        self, ctx: CommandContext, dossier_id: str, data: Any, today: date | None = None
    ) -> dict[str, Any]:
        step = parse_leerbaarheidstoets(data, today or today_in_amsterdam())
        return self._change_intake(ctx, dossier_id, lambda i: i.record_leerbaarheidstoets(**step))

    def record_toets_not_taken(
        self, ctx: CommandContext, dossier_id: str, data: Any, today: date | None = None
    ) -> dict[str, Any]:
        """The leerbaarheidstoets is not taken: its ground (`rules.TOETS_EXEMPTION_GROUNDS`)
        and a note."""
        step = parse_toets_exemption(data, today or today_in_amsterdam())
        return self._change_intake(ctx, dossier_id, lambda i: i.record_toets_not_taken(**step))

    def add_education(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        entry = parse_education(data)
        return self._change_intake(ctx, dossier_id, lambda i: i.add_education(**entry))

    def add_work(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        entry = parse_work(data)
        return self._change_intake(ctx, dossier_id, lambda i: i.add_work(**entry))

    def record_personal_circumstances(
        self, ctx: CommandContext, dossier_id: str, data: Any
    ) -> dict[str, Any]:
        step = parse_personal_circumstances(data)
        return self._change_intake(
            ctx, dossier_id, lambda i: i.record_personal_circumstances(**step)
        )

    def record_life_domain(
        self, ctx: CommandContext, dossier_id: str, domain: str, data: Any
    ) -> dict[str, Any]:
        """Record a life domain's facts: the regievoerder any domain, the klantmanager those of
        the Participatiewet (`may_record_life_domain`). The facts settle the practical items
        they speak about, in the intake and on the household's checklist."""
        require(ctx, Action.RECORD_LIFE_DOMAIN)
        if not may_record_life_domain(ctx.actor.roles, domain):
            raise Forbidden(f"your role does not record the life domain {domain}")
        facts = parse_domain(domain, data)

        def record(intake: BredeIntake, checklist: HouseholdChecklist) -> None:
            intake.record_domain(domain, facts)
            checklist.follow_facts(domain, facts, items_that_hold(domain, facts))

        return self._change_intake(
            ctx, dossier_id, record, Action.RECORD_LIFE_DOMAIN, with_checklist=True
        )

    def close_practical_item(
        self, ctx: CommandContext, dossier_id: str, item: str, data: Any
    ) -> dict[str, Any]:
        """Close an open practical item with a note on how it was resolved: the regievoerder
        any item, the klantmanager those of their domains (`may_close_practical_item`); the
        household's checklist closes it too."""
        note = validated(ClosingNote, data).note.strip()
        rule = PRACTICAL_ITEMS.get(item)

        def close(intake: BredeIntake, checklist: HouseholdChecklist) -> None:
            if rule is not None and not may_close_practical_item(ctx.actor.roles, rule.domain):
                raise Forbidden(f"your role does not close practical items of {rule.domain}")
            intake.close_practical_item(item, note)
            if checklist.has_open(item):
                checklist.close(item, note)

        return self._change_intake(
            ctx, dossier_id, close, Action.CLOSE_PRACTICAL_ITEM, with_checklist=True
        )

    def plan_conversation(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        invitation = parse_invitation(data)
        return self._change_intake(
            ctx,
            dossier_id,
            lambda i: i.plan_conversation(number=len(i.conversations) + 1, **invitation),
        )

    def record_attendance(
        self,
        ctx: CommandContext,
        dossier_id: str,
        number: int,
        data: Any,
        today: date | None = None,
    ) -> dict[str, Any]:
        """Whether the person came (Attendance), from the conversation's day on: attended; an
        absence they excused (not counted toward the ladder); or a no-show with a note."""
        attendance = validated(Attendance, data)
        day = today or today_in_amsterdam()
        if attendance.attended:
            return self._change_intake(ctx, dossier_id, lambda i: i.record_attended(number, day))
        note = attendance.note.strip()
        if attendance.excused:
            return self._change_intake(
                ctx, dossier_id, lambda i: i.record_excused(number, note, day)
            )
        dossier = self._get(dossier_id)
        ladder = self.ladders.for_gemeente(dossier.gemeente)
        return self._change_intake(
            ctx, dossier_id, lambda i: i.record_no_show(number, note, ladder, day)
        )

    def excuse_absence(
        self, ctx: CommandContext, dossier_id: str, number: int, data: Any
    ) -> dict[str, Any]:
        """An excuse after a recorded no-show (a doctor's note): an excused absence, and a
        ladder step no longer due is withdrawn."""
        reason = validated(Excuse, data).reason.strip()
        return self._change_intake(ctx, dossier_id, lambda i: i.excuse_no_show(number, reason))

    def decide_sanction(
        self, ctx: CommandContext, dossier_id: str, step: str, data: Any
    ) -> dict[str, Any]:
        """Take or waive a due step; a fine only after a warning, with culpability and the
        hearing (`rules.py`). A warning or fine taken is sent to the person as a document."""
        decision = validated(SanctionDecision, data)
        culpability = decision.culpability and decision.culpability.model_dump()
        hearing = decision.hearing and decision.hearing.model_dump(mode="json", exclude_none=True)
        today = today_in_amsterdam()

        def decide(intake: BredeIntake) -> None:
            reason = decision.reason.strip()
            intake.decide_sanction(step, decision.take, reason, culpability, hearing)
            dossier = self._get(dossier_id)
            name = f"{dossier.given_name} {dossier.family_name}"
            if document := letters.sanction(intake, step, name, today):
                intake.issue_document(document)

        return self._change_intake(ctx, dossier_id, decide)

    def complete_intake(
        self,
        ctx: CommandContext,
        dossier_id: str,
        data: Any = None,
        today: date | None = None,
    ) -> dict[str, Any]:
        """Complete the intake with its route advice; `data` (CompletionChoice) carries the
        regievoerder's route where a toets not taken gives no advice."""
        choice = validated(CompletionChoice, data or {})
        chosen = {"route": choice.route or "", "reason": (choice.reason or "").strip()}
        dossier = self._get(dossier_id)
        age = _age(dossier.birth_date, today or today_in_amsterdam())
        return self._change_intake(ctx, dossier_id, lambda i: i.complete(age, chosen))

    def choose_route(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        choice = parse_route_choice(data)
        return self._change_intake(ctx, dossier_id, lambda i: i.choose_route(**choice))

    def brede_intake(self, ctx: CommandContext, dossier_id: str) -> dict[str, Any]:
        """The intake as the actor may see it: health only for a role that may read it."""
        require(ctx, Action.READ_INTAKE)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.READ_INTAKE, dossier.gemeente)
        try:
            intake = self.repository.get(intake_id(dossier.id))
        except AggregateNotFoundError:
            raise NotFound("no brede intake for this dossier yet") from None
        return self._intake_view(ctx, intake)

    def _change_intake(
        self,
        ctx: CommandContext,
        dossier_id: str,
        change: Callable[..., Any],
        action: Action = Action.RECORD_INTAKE,
        with_checklist: bool = False,
    ) -> dict[str, Any]:
        """Change the dossier's brede intake (started by its first step); `with_checklist`:
        together with its household's checklist, `change(intake, checklist)`. A household
        registered before the checklist existed gets one here."""
        require(ctx, action)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, action, dossier.gemeente)

        def load() -> Any:
            intake = self._load_or(intake_id(dossier.id), BredeIntake, dossier)
            if not with_checklist:
                return intake
            checklist = self._checklist_or_new(household_of(dossier), dossier.gemeente)
            checklist.add_member(dossier.id, dossier.relation or "eerste")
            return intake, checklist

        saved = self._update(
            ctx.for_activity(self.ACTIVITY),
            load,
            (lambda both: change(*both)) if with_checklist else change,
        )
        return self._intake_view(ctx, saved[0] if with_checklist else saved)

    def _intake_view(
        self, ctx: CommandContext, intake: BredeIntake, complete: bool = False
    ) -> dict[str, Any]:
        """The intake as `ctx` may see it (`services.common.visibility`); `complete` for a
        caller that filters it itself."""
        history = [
            {
                "step": type(e).__name__,
                "by": e.context["actor"]["user_id"],
                "role": ",".join(e.context["actor"]["roles"]),
                "at": e.timestamp.isoformat(),
                "about": _about(e),
            }
            for e in self.events.get(intake.id)
        ]
        lbt = intake.leerbaarheidstoets
        whole = {
            "dossier_id": str(intake.dossier_id),
            "gemeente": intake.gemeente,
            "leerbaarheidstoets": lbt and {**lbt, "taken_on": lbt["taken_on"].isoformat()},
            "leerbaarheidstoets_not_taken": _toets_not_taken(intake.toets_not_taken),
            "education": intake.education,
            "work": intake.work,
            "personal_circumstances": dict(intake.personal_circumstances or {}) or None,
            "domains": dict(intake.domains),
            "practical_items": [
                {
                    "item": item,
                    "label": PRACTICAL_ITEMS[item].label,
                    "domain": PRACTICAL_ITEMS[item].domain,
                    "open": state["open"],
                    "note": state["note"],
                    "may_close": state["open"]
                    and may_close_practical_item(ctx.actor.roles, PRACTICAL_ITEMS[item].domain),
                }
                for item, state in intake.practical_items.items()
            ],
            "conversations": [
                {**c, "planned_on": c["planned_on"].isoformat()} for c in intake.conversations
            ],
            "sanctions": intake.sanctions,
            "sanction_ladder": self.ladders.for_gemeente(intake.gemeente).as_dict(),
            "missing_parts": intake.missing_parts(),
            "complete": intake.route_advice is not None,
            "route_advice": intake.route_advice,
            "route_choice": intake.route_choice,
            "history": history,
            "version": intake.version,
        }
        return whole if complete else brede_intake_as_seen(whole, ctx.actor.roles)


def _toets_not_taken(state: dict[str, Any] | None) -> dict[str, Any] | None:
    if state is None:
        return None
    ground = TOETS_EXEMPTION_GROUNDS[state["ground"]]
    return {
        "ground": ground.code,
        "label": ground.label,
        "articles": ground.articles,
        "health": ground.health,
        "note": state["note"],
        "recorded_on": state["recorded_on"].isoformat(),
    }


# The attribute of a step's event that says what it is about, where the intake has several.
_ABOUT = {
    "LifeDomainRecorded": "domain",
    "PracticalItemOpened": "item",
    "PracticalItemClosed": "item",
    "ConversationPlanned": "number",
    "ConversationAttended": "number",
    "ConversationMissed": "number",
    "AbsenceExcused": "number",
    "SanctionStepDue": "step",
    "SanctionStepWithdrawn": "step",
    "SanctionStepDecided": "step",
    "DocumentIssued": "kind",
}


def _about(step: Any) -> str | None:
    attribute = _ABOUT.get(type(step).__name__)
    return None if attribute is None else str(getattr(step, attribute))


def _age(birth_date: date, today: date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
