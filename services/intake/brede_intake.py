"""The brede intake (Wet inburgering art. 14): its three legal parts, completion and route advice.

Filled in steps, by different people; every step is an event that records its author. The intake is
complete when the three legal parts are present: the leerbaarheidstoets (or why it was not
taken, on a ground of the law: `rules.py`), the education and work history, and the personal
circumstances. Completion gives an explainable route advice (`route_advice.py`); the advice never
decides: the regievoerder's choice is recorded, with a reason when it differs from the advice or
from the leerbaarheidstoets. Conversations, no-shows and the sanction ladder are here too, with
the rules of fair enforcement (`rules.py`). No I/O here.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date
from typing import Any

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate
from services.common.documents.issued import DocumentIssued, IssuesDocuments
from services.common.errors import Conflict, InvalidInput, field_error
from services.intake.conversations import Ladder
from services.intake.life_domains import PRACTICAL_RULES, items_that_hold
from services.intake.route_advice import (
    EDUCATION_LEVELS,
    LBT_INDICATES,
    RouteAdvice,
    advise_route,
    advise_without_toets,
)
from services.intake.rules import (
    FINE,
    NO_ADVICE_RULE,
    WARNING,
    hearing_basis,
    may_record_attendance,
)

_INTAKE_NAMESPACE = uuid.UUID("3f0c1b7e-8d2a-4c6e-b5a4-7e9d1c2f3a61")


class BredeIntake(ChainAggregate, IssuesDocuments):
    """One dossier's brede intake; its id follows from the dossier's."""

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return intake_id(dossier_id)

    class DocumentIssued(DocumentIssued):
        """The document of a sanction step taken (a warning, a fine) was issued."""

    @event("Started")
    def __init__(self, dossier_id: uuid.UUID, gemeente: str):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.leerbaarheidstoets: dict[str, Any] | None = None
        self.education: list[dict[str, Any]] = []
        self.work: list[dict[str, Any]] = []
        self.personal_circumstances: dict[str, Any] | None = None
        self.route_advice: dict[str, Any] | None = None
        self.route_choice: dict[str, Any] | None = None
        self.domains: dict[str, dict[str, Any]] = {}
        self.practical_items: dict[str, dict[str, Any]] = {}
        self.conversations: list[dict[str, Any]] = []
        self.summary_at_completion: dict[str, Any] | None = None
        self.sanctions: list[dict[str, Any]] = []
        self.toets_not_taken: dict[str, Any] | None = None

    @event("HandedOver")
    def hand_over(self, to_gemeente: str) -> None:
        """The dossier moved to `to_gemeente` (verhuizing): this part is theirs now."""
        self.gemeente = to_gemeente

    # the three legal parts ----------------------------------------------------------------
    @event("LeerbaarheidstoetsRecorded")
    def record_leerbaarheidstoets(self, taken_on: date, outcome: str) -> None:
        self.leerbaarheidstoets = {"taken_on": taken_on, "outcome": outcome}
        self.toets_not_taken = None  # taken after all: the toets stands

    def record_toets_not_taken(self, ground: str, note: str, recorded_on: date) -> None:
        """The leerbaarheidstoets is not taken, on a ground of the law (`rules.py`)."""
        if self.leerbaarheidstoets is not None:
            raise Conflict(
                "the leerbaarheidstoets was taken; its outcome stands (record it again to"
                " correct it)"
            )
        self._toets_not_taken(ground=ground, note=note, recorded_on=recorded_on)

    @event("LeerbaarheidstoetsNotTaken")
    def _toets_not_taken(self, ground: str, note: str, recorded_on: date) -> None:
        self.toets_not_taken = {"ground": ground, "note": note, "recorded_on": recorded_on}

    @event("EducationAdded")
    def add_education(
        self, country: str, level: str, years: int, diploma: bool, recognition_requested: bool
    ) -> None:
        self.education.append(
            {
                "country": country,
                "level": level,
                "years": years,
                "diploma": diploma,
                "recognition_requested": recognition_requested,
            }
        )

    @event("WorkAdded")
    def add_work(self, country: str, occupation: str, years: int) -> None:
        self.work.append({"country": country, "occupation": occupation, "years": years})

    @event("PersonalCircumstancesRecorded")
    def record_personal_circumstances(
        self, summary: str, physical_health: str, mental_health: str
    ) -> None:
        self.personal_circumstances = {
            "summary": summary,
            "physical_health": physical_health,
            "mental_health": mental_health,
        }

    # life domains and the practical matters they reveal -------------------------------------
    def record_domain(self, domain: str, facts: dict[str, Any]) -> None:
        self._record_domain(domain=domain, facts=facts)
        holding = items_that_hold(domain, facts)
        for rule in PRACTICAL_RULES:
            if rule.domain != domain:
                continue
            is_open = self.practical_items.get(rule.item, {}).get("open", False)
            if rule.item in holding and not is_open:
                self._open_item(item=rule.item)
            elif rule.item not in holding and is_open and rule.settles_by_facts:
                self._close_item(item=rule.item, note=f"opgelost volgens leefgebied {domain}")

    class LifeDomainRecorded(ChainAggregate.Event):
        """Version 2: sociaal_netwerk holds the goals of taking part (issue 17); one recorded
        before (only `contacts_in_nl`) is read with no goals."""

        domain: str
        facts: dict[str, Any]

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            if state.get("domain") == "sociaal_netwerk":
                state["facts"] = {"goals": [], **state["facts"]}

    @event(LifeDomainRecorded)
    def _record_domain(self, domain: str, facts: dict[str, Any]) -> None:
        self.domains[domain] = facts

    def close_practical_item(self, item: str, note: str) -> None:
        if not self.practical_items.get(item, {}).get("open", False):
            open_items = [i for i, state in self.practical_items.items() if state["open"]]
            raise InvalidInput(
                [
                    field_error(
                        "item", f"is not an open item; open: {', '.join(open_items) or 'none'}"
                    )
                ]
            )
        if not note:
            raise InvalidInput([field_error("note", "is required: say how it was resolved")])
        self._close_item(item=item, note=note)

    @event("PracticalItemOpened")
    def _open_item(self, item: str) -> None:
        self.practical_items[item] = {"open": True, "note": ""}

    @event("PracticalItemClosed")
    def _close_item(self, item: str, note: str) -> None:
        self.practical_items[item] = {"open": False, "note": note}

    # conversations, no-shows and the sanction ladder ----------------------------------------
    @event("ConversationPlanned")
    def plan_conversation(self, number: int, planned_on: date, purpose: str) -> None:
        self.conversations.append(
            {"number": number, "planned_on": planned_on, "purpose": purpose, "outcome": None}
        )

    def _conversation(self, number: int) -> dict[str, Any]:
        for conversation in self.conversations:
            if conversation["number"] == number:
                return conversation
        raise InvalidInput([field_error("number", f"there is no conversation {number}")])

    def _open_conversation(self, number: int, today: date) -> dict[str, Any]:
        """The conversation whose outcome is to be recorded: one without an outcome, whose day
        has come (`rules.may_record_attendance`)."""
        conversation = self._conversation(number)
        if conversation["outcome"] is not None:
            raise Conflict(f"conversation {number} is already {conversation['outcome']}")
        if not may_record_attendance(conversation["planned_on"], today):
            raise InvalidInput(
                [
                    field_error(
                        "number",
                        f"conversation {number} is planned for "
                        f"{conversation['planned_on'].isoformat()}: whether the person came is "
                        "recorded from that day on",
                    )
                ]
            )
        return conversation

    def record_attended(self, number: int, today: date) -> None:
        self._open_conversation(number, today)
        self._attended(number=number)

    @event("ConversationAttended")
    def _attended(self, number: int) -> None:
        self._conversation(number)["outcome"] = "bijgewoond"

    def record_no_show(self, number: int, note: str, ladder: Ladder, today: date) -> str | None:
        """Record a no-show; returns the sanction step that the gemeente's ladder makes due."""
        self._open_conversation(number, today)
        self._missed(number=number, note=note)
        step = ladder.due_after(self.no_shows())
        if step:
            self._step_due(step=step, no_shows=self.no_shows(), ladder_version=ladder.version)
        return step

    def record_excused(self, number: int, reason: str, today: date) -> None:
        """An absence the person excused beforehand: it does not count toward the ladder."""
        self._open_conversation(number, today)
        self._excused(number=number, reason=reason)

    def excuse_no_show(self, number: int, reason: str) -> None:
        """An excuse after a recorded no-show turns it into an excused absence; a step that is
        no longer due and not yet decided is withdrawn."""
        conversation = self._conversation(number)
        if conversation["outcome"] != "niet verschenen":
            raise Conflict(
                f"conversation {number} is {conversation['outcome'] or 'not recorded yet'}: an"
                " excuse afterwards is for a recorded no-show"
            )
        self._excused(number=number, reason=reason)
        for sanction in self.sanctions:
            if sanction["decision"] is None and sanction["no_shows"] > self.no_shows():
                self._step_withdrawn(step=sanction["step"], no_shows=self.no_shows())

    def no_shows(self) -> int:
        return sum(1 for c in self.conversations if c["outcome"] == "niet verschenen")

    @event("ConversationMissed")
    def _missed(self, number: int, note: str) -> None:
        conversation = self._conversation(number)
        conversation["outcome"] = "niet verschenen"
        conversation["note"] = note

    @event("AbsenceExcused")
    def _excused(self, number: int, reason: str) -> None:
        conversation = self._conversation(number)
        conversation["outcome"] = "afgemeld"
        conversation["note"] = reason

    @event("SanctionStepDue")
    def _step_due(self, step: str, no_shows: int, ladder_version: str) -> None:
        self.sanctions.append(
            {"step": step, "no_shows": no_shows, "ladder_version": ladder_version, "decision": None}
        )

    @event("SanctionStepWithdrawn")
    def _step_withdrawn(self, step: str, no_shows: int) -> None:
        for sanction in self.sanctions:
            if sanction["step"] == step and sanction["decision"] is None:
                sanction["decision"] = "ingetrokken"
                sanction["reason"] = f"niet meer aan de orde: {no_shows} keer niet verschenen"
                return

    def decide_sanction(
        self,
        step: str,
        take: bool,
        reason: str,
        culpability: dict[str, Any] | None = None,
        hearing: dict[str, Any] | None = None,
    ) -> None:
        due = [s for s in self.sanctions if s["step"] == step and s["decision"] is None]
        if not due:
            open_steps = [s["step"] for s in self.sanctions if s["decision"] is None]
            raise InvalidInput(
                [field_error("step", f"is not due; due: {', '.join(open_steps) or 'none'}")]
            )
        if take and step == FINE:
            self.check_fine(culpability, hearing)
        self._decided(
            step=step,
            taken=take,
            reason=reason,
            culpability=dict(culpability or {}),
            hearing={**hearing, "basis": hearing_basis()} if take and hearing else {},
        )

    def check_fine(
        self, culpability: dict[str, Any] | None, hearing: dict[str, Any] | None
    ) -> None:
        """A fine is taken only after a warning was taken, with a culpability assessment that
        finds the person to blame, and after the hearing (`rules.py`); every missing one named."""
        missing = []
        if not any(s["step"] == WARNING and s["decision"] == "genomen" for s in self.sanctions):
            missing.append(
                field_error("warning", "a fine is taken only after a warning (waarschuwing) was")
            )
        if not culpability:
            missing.append(
                field_error("culpability", "is required to take a fine: is the person to blame")
            )
        elif culpability.get("culpable") is not True:
            missing.append(
                field_error(
                    "culpability",
                    "finds the person not to blame: waive the fine (take: false) instead",
                )
            )
        if not hearing:
            missing.append(field_error("hearing", f"is required before a fine: {hearing_basis()}"))
        if missing:
            raise InvalidInput(missing)

    class SanctionStepDecided(ChainAggregate.Event):
        """Version 2 added the culpability assessment and the hearing; a version 1 event
        (stored before issue 17) is read with both empty."""

        step: str
        taken: bool
        reason: str
        culpability: dict[str, Any]
        hearing: dict[str, Any]

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("culpability", {})
            state.setdefault("hearing", {})

    @event(SanctionStepDecided)
    def _decided(
        self,
        step: str,
        taken: bool,
        reason: str,
        culpability: dict[str, Any],
        hearing: dict[str, Any],
    ) -> None:
        for sanction in self.sanctions:
            if sanction["step"] == step and sanction["decision"] is None:
                sanction["decision"] = "genomen" if taken else "afgezien"
                sanction["reason"] = reason
                sanction["culpability"] = copy.deepcopy(culpability)
                sanction["hearing"] = copy.deepcopy(hearing)
                return

    # completion and route ------------------------------------------------------------------
    def missing_parts(self) -> list[str]:
        missing = []
        if self.leerbaarheidstoets is None and self.toets_not_taken is None:
            missing.append("leerbaarheidstoets")
        if not self.education and not self.work:
            missing.append("education_and_work_history")
        if self.personal_circumstances is None:
            missing.append("personal_circumstances")
        return missing

    def check_can_complete(self) -> None:
        if self.route_advice is not None:
            raise Conflict("the brede intake is already complete")
        if missing := self.missing_parts():
            raise InvalidInput(
                [
                    field_error(part, "must be recorded before the brede intake can be completed")
                    for part in missing
                ]
            )

    def highest_education(self) -> str:
        levels = [e["level"] for e in self.education] or ["geen"]
        return max(levels, key=EDUCATION_LEVELS.index)

    def complete(self, age: int, chosen: dict[str, str] | None = None) -> RouteAdvice:
        """Complete with the route advice; without a toets, from its ground, or (a ground that
        gives no advice) with the regievoerder's route `chosen`, which is then recorded."""
        self.check_can_complete()
        if self.leerbaarheidstoets is not None:
            advice = advise_route(self.leerbaarheidstoets["outcome"], self.highest_education(), age)
        else:
            ground = self.toets_not_taken["ground"]
            advice = advise_without_toets(ground, self.highest_education(), age, chosen or {})
        self._complete(route_advice=advice.as_dict(), summary=self.summary())
        if advice.rule == NO_ADVICE_RULE:
            self.choose_route(advice.route, chosen["reason"])
        return advice

    def summary(self) -> dict[str, Any]:
        """What the intake covered, without its contents: for the PIP to start from."""
        return {
            "domains": sorted(self.domains),
            "education_entries": len(self.education),
            "work_entries": len(self.work),
            "open_practical_items": sorted(i for i, s in self.practical_items.items() if s["open"]),
            "conversations": len(self.conversations),
            "no_shows": self.no_shows(),
        }

    @event("Completed")
    def _complete(
        self, route_advice: dict[str, Any], summary: dict[str, Any] | None = None
    ) -> None:
        self.route_advice = route_advice
        self.summary_at_completion = summary

    def check_route_choice(self, route: str, reason: str) -> None:
        if self.route_advice is None:
            raise Conflict("a route is chosen after the brede intake is complete")
        toets, advised = self.leerbaarheidstoets, self.route_advice["route"]
        indicated = LBT_INDICATES[toets["outcome"]] if toets else (advised,)
        departs = route != advised or route not in indicated
        if departs and not reason:
            basis = (
                f"or from what the leerbaarheidstoets indicates ({', '.join(indicated)})"
                if toets
                else "(given without a leerbaarheidstoets)"
            )
            raise InvalidInput(
                [
                    field_error(
                        "reason",
                        f"is required when the route differs from the advice ({advised}) {basis}",
                    )
                ]
            )

    def choose_route(self, route: str, reason: str) -> None:
        self.check_route_choice(route, reason)
        self._choose_route(route=route, reason=reason, advised=self.route_advice["route"])

    @event("RouteChosen")
    def _choose_route(self, route: str, reason: str, advised: str) -> None:
        self.route_choice = {"route": route, "reason": reason, "advised": advised}


def intake_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_INTAKE_NAMESPACE, str(dossier_id))
