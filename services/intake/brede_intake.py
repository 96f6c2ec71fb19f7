"""The brede intake (Wet inburgering art. 14): its three legal parts, completion and route advice.

Filled in steps, by different people; every step is an event that records its author. The intake is
complete when the three legal parts are present: the leerbaarheidstoets, the education and work
history, and the personal circumstances. Completion gives an explainable route advice; the advice
never decides: the regievoerder's choice is recorded, with a reason when it differs from the advice
or from the leerbaarheidstoets. No I/O here.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, get_args

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate
from services.common.errors import Conflict, InvalidInput, field_error
from services.common.fields import validated
from services.contracts.intake import (
    EducationEntry,
    EducationLevel,
    Leerbaarheidstoets,
    PersonalCircumstances,
    RouteChoice,
    WorkEntry,
)
from services.intake.conversations import Ladder
from services.intake.life_domains import PRACTICAL_RULES, items_that_hold

_INTAKE_NAMESPACE = uuid.UUID("3f0c1b7e-8d2a-4c6e-b5a4-7e9d1c2f3a61")

# The leerbaarheidstoets is an indicator, not a verdict: how quickly the person is expected to
# learn Dutch. The routes each outcome points to; choosing another one needs a reason.
LBT_INDICATES = {"hoog": ("b1", "onderwijs"), "gemiddeld": ("b1",), "laag": ("z",)}
EDUCATION_LEVELS: tuple[str, ...] = get_args(EducationLevel)  # lowest first
ONDERWIJSROUTE_MAX_AGE = 28  # the onderwijsroute is meant for young people heading to mbo/hbo/wo
_STUDY_READY = ("voortgezet", "mbo", "hbo", "wo")


@dataclass(frozen=True)
class RouteAdvice:
    """An advised leerroute with the facts and the rule that led to it."""

    route: str
    rule: str
    reasons: tuple[str, ...]
    facts: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reasons"] = list(self.reasons)
        return data


def advise_route(lbt_outcome: str, highest_education: str, age: int) -> RouteAdvice:
    """The route advice from the leerbaarheidstoets, the education history and the age."""
    facts = {
        "leerbaarheidstoets": lbt_outcome,
        "hoogste_opleiding": highest_education,
        "leeftijd": age,
    }
    if lbt_outcome == "laag":
        return RouteAdvice(
            "z",
            "lbt-laag",
            (
                "De leerbaarheidstoets is laag: B1 binnen de inburgeringstermijn is niet"
                " te verwachten.",
            ),
            facts,
        )
    if lbt_outcome == "hoog" and age < ONDERWIJSROUTE_MAX_AGE and highest_education in _STUDY_READY:
        return RouteAdvice(
            "onderwijs",
            "lbt-hoog-jong-vooropgeleid",
            (
                "De leerbaarheidstoets is hoog.",
                f"De persoon is {age} jaar, jonger dan {ONDERWIJSROUTE_MAX_AGE}.",
                f"De hoogste opleiding ({highest_education}) geeft toegang tot vervolgonderwijs.",
            ),
            facts,
        )
    return RouteAdvice(
        "b1",
        "standaard-b1",
        (
            f"De leerbaarheidstoets is {lbt_outcome}: B1 is haalbaar.",
            "De voorwaarden voor de onderwijsroute (toets hoog, jonger dan "
            f"{ONDERWIJSROUTE_MAX_AGE}, vooropleiding) zijn niet alle vervuld.",
        ),
        facts,
    )


# The three legal parts and the route choice: their shape checked by their published models
# (services.common.fields.validated), then what the contract cannot say.
def parse_leerbaarheidstoets(data: Any, today: date) -> dict[str, Any]:
    toets = validated(Leerbaarheidstoets, data)
    if toets.taken_on > today:
        raise InvalidInput(
            [field_error("taken_on", f"must not be in the future (today is {today})")]
        )
    return {"taken_on": toets.taken_on, "outcome": toets.outcome}


def parse_education(data: Any) -> dict[str, Any]:
    entry = validated(EducationEntry, data)
    return {
        "country": entry.country.strip(),
        "level": entry.level,
        "years": entry.years,
        "diploma": entry.diploma,
        "recognition_requested": entry.recognition_requested,
    }


def parse_work(data: Any) -> dict[str, Any]:
    entry = validated(WorkEntry, data)
    return {
        "country": entry.country.strip(),
        "occupation": entry.occupation.strip(),
        "years": entry.years,
    }


def parse_personal_circumstances(data: Any) -> dict[str, Any]:
    given = validated(PersonalCircumstances, data)
    return {
        "summary": given.summary.strip(),
        "physical_health": (given.physical_health or "").strip(),
        "mental_health": (given.mental_health or "").strip(),
    }


def parse_route_choice(data: Any) -> dict[str, Any]:
    choice = validated(RouteChoice, data)
    return {"route": choice.route, "reason": (choice.reason or "").strip()}


class BredeIntake(ChainAggregate):
    """One dossier's brede intake; its id follows from the dossier's."""

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return intake_id(dossier_id)

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

    # the three legal parts ----------------------------------------------------------------
    @event("LeerbaarheidstoetsRecorded")
    def record_leerbaarheidstoets(self, taken_on: date, outcome: str) -> None:
        self.leerbaarheidstoets = {"taken_on": taken_on, "outcome": outcome}

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
            elif rule.item not in holding and is_open:
                self._close_item(item=rule.item, note=f"opgelost volgens leefgebied {domain}")

    @event("LifeDomainRecorded")
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
                if conversation["outcome"] is not None:
                    raise Conflict(f"conversation {number} is already {conversation['outcome']}")
                return conversation
        raise InvalidInput([field_error("number", f"there is no conversation {number}")])

    def record_attended(self, number: int) -> None:
        self._conversation(number)
        self._attended(number=number)

    @event("ConversationAttended")
    def _attended(self, number: int) -> None:
        self._conversation(number)["outcome"] = "bijgewoond"

    def record_no_show(self, number: int, note: str, ladder: Ladder) -> str | None:
        """Record a no-show; returns the sanction step that the gemeente's ladder makes due."""
        self._conversation(number)
        self._missed(number=number, note=note)
        step = ladder.due_after(self.no_shows())
        if step:
            self._step_due(step=step, no_shows=self.no_shows(), ladder_version=ladder.version)
        return step

    def no_shows(self) -> int:
        return sum(1 for c in self.conversations if c["outcome"] == "niet verschenen")

    @event("ConversationMissed")
    def _missed(self, number: int, note: str) -> None:
        conversation = self._conversation(number)
        conversation["outcome"] = "niet verschenen"
        conversation["note"] = note

    @event("SanctionStepDue")
    def _step_due(self, step: str, no_shows: int, ladder_version: str) -> None:
        self.sanctions.append(
            {"step": step, "no_shows": no_shows, "ladder_version": ladder_version, "decision": None}
        )

    def decide_sanction(self, step: str, take: bool, reason: str) -> None:
        due = [s for s in self.sanctions if s["step"] == step and s["decision"] is None]
        if not due:
            open_steps = [s["step"] for s in self.sanctions if s["decision"] is None]
            raise InvalidInput(
                [field_error("step", f"is not due; due: {', '.join(open_steps) or 'none'}")]
            )
        self._decided(step=step, taken=take, reason=reason)

    @event("SanctionStepDecided")
    def _decided(self, step: str, taken: bool, reason: str) -> None:
        for sanction in self.sanctions:
            if sanction["step"] == step and sanction["decision"] is None:
                sanction["decision"] = "genomen" if taken else "afgezien"
                sanction["reason"] = reason
                return

    # completion and route ------------------------------------------------------------------
    def missing_parts(self) -> list[str]:
        missing = []
        if self.leerbaarheidstoets is None:
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

    def complete(self, age: int) -> RouteAdvice:
        self.check_can_complete()
        advice = advise_route(self.leerbaarheidstoets["outcome"], self.highest_education(), age)
        self._complete(route_advice=advice.as_dict(), summary=self.summary())
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
        indicated = LBT_INDICATES[self.leerbaarheidstoets["outcome"]]
        departs = route != self.route_advice["route"] or route not in indicated
        if departs and not reason:
            raise InvalidInput(
                [
                    field_error(
                        "reason",
                        f"is required when the route differs from the advice "
                        f"({self.route_advice['route']}) or from what the leerbaarheidstoets "
                        f"indicates ({', '.join(indicated)})",
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
