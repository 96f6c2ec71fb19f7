"""Handhaving of PIP obligations, and each gemeente's own monitoring lead times and ladder.

The ladder is configuration (`infra/pip-handhaving.json`, versioned), never code: after so many
recorded breaches a measure becomes due, and the regievoerder takes or waives it with a reason.
What taking a measure asks is law, in `rules.MEASURE_RULES`: a culpability assessment that finds
the breach culpable, a warning taken before a fine, a hearing (zienswijze) and an amount for a
fine, and the decision by the role the law gives it (a Participatiewet measure is the
klantmanager's: the regievoerder refers it, and the klantmanager records what they decided:
`record_participatiewet_decision`). The breaches of one dossier are their own
aggregate, `Enforcement`, beside its PIP.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from eventsourcing.domain import event

from services.common import settings
from services.common.aggregate import ChainAggregate
from services.common.documents.issued import DocumentIssued, IssuesDocuments
from services.common.errors import Conflict, Forbidden, InvalidInput, NotFound, field_error
from services.contracts.pip import MEASURES
from services.pip.rules import MEASURE_RULES, PIP_FINE_MAX_EUR

FINE = "boete"
WARNING = "waarschuwing"
_ENFORCEMENT_NAMESPACE = uuid.UUID("5d0b7e4a-2c1f-4b8e-9a6d-3e7f1c2b4a90")


@dataclass(frozen=True)
class Policy:
    """One gemeente's monitoring lead times and ladder."""

    version: str
    gemeente: str
    pip_deadline_warning_days: int
    termijn_end_warning_days: int
    ladder: tuple[tuple[int, str], ...]  # (after how many breaches, measure)

    def due_after(self, breaches: int) -> str | None:
        """The measure of the highest rung reached: each rung holds from its number of
        breaches on, so breaches past the top rung make its measure due again."""
        reached = [(after, measure) for after, measure in self.ladder if after <= breaches]
        return max(reached)[1] if reached else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "gemeente": self.gemeente,
            "pip_deadline_warning_days": self.pip_deadline_warning_days,
            "termijn_end_warning_days": self.termijn_end_warning_days,
            "ladder": [{"after_breaches": a, "measure": m} for a, m in self.ladder],
        }


@dataclass(frozen=True)
class Handhaving:
    version: str
    default: Mapping[str, Any]
    per_gemeente: Mapping[str, Mapping[str, Any]]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Handhaving:
        data = json.loads(Path(path or settings.PIP_HANDHAVING_FILE.get()).read_text("utf-8"))
        config = cls(data["version"], data["region_default"], data.get("gemeenten", {}))
        for gemeente in ("", *config.per_gemeente):
            config.for_gemeente(gemeente)  # refuse a bad file at start, not at the first breach
        return config

    def longest_lead_days(self) -> int:
        """The longest warning lead time of any gemeente: how far ahead the timer must look."""
        policies = [self.for_gemeente(g) for g in ("", *self.per_gemeente)]
        return max(max(p.pip_deadline_warning_days, p.termijn_end_warning_days) for p in policies)

    def for_gemeente(self, gemeente: str) -> Policy:
        own = self.per_gemeente.get(gemeente, {})
        monitoring = {**self.default["monitoring"], **own.get("monitoring", {})}
        ladder = tuple(
            (int(step["after_breaches"]), step["measure"])
            for step in own.get("ladder", self.default["ladder"])
        )
        unknown = {m for _, m in ladder} - set(MEASURES)
        if unknown:
            raise ValueError(f"unknown measures in the handhaving file: {sorted(unknown)}")
        check_warning_first(gemeente or "region_default", ladder)
        return Policy(
            self.version,
            gemeente,
            int(monitoring["pip_deadline_warning_days"]),
            int(monitoring["termijn_end_warning_days"]),
            ladder,
        )


def check_warning_first(whose: str, ladder: tuple[tuple[int, str], ...]) -> None:
    """A ladder may not make a fine due before (or without) a warning: a fine follows a warning
    taken on an earlier breach (rules.MEASURE_RULES)."""
    warnings = [after for after, measure in ladder if measure == WARNING]
    for after, measure in ladder:
        if MEASURE_RULES[measure].warning_first and not any(w < after for w in warnings):
            raise ValueError(
                f"the handhaving ladder of {whose} makes a {measure} due after {after} breaches"
                " without a warning on an earlier rung; a fine follows a warning"
            )


class Enforcement(ChainAggregate, IssuesDocuments):
    """The breaches of PIP obligations of one dossier and the measures decided on them."""

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return enforcement_id(dossier_id)

    class DocumentIssued(DocumentIssued):
        """The document of a measure taken (a warning, a fine) was issued."""

    @event("Opened")
    def __init__(self, dossier_id: uuid.UUID, gemeente: str):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.breaches: list[dict[str, Any]] = []

    @event("HandedOver")
    def hand_over(self, to_gemeente: str, moved_on: date) -> None:
        """The person moved and the new gemeente accepted: the breaches and measures are
        theirs now, unchanged."""
        self.gemeente = to_gemeente

    def record_breach(
        self, obligation: str, description: str, on: date, policy: Policy
    ) -> str | None:
        """Record a breach of a PIP obligation; returns the measure the gemeente's ladder makes
        due, if any."""
        number = len(self.breaches) + 1
        self._breach(number=number, obligation=obligation, description=description, on=on)
        measure = policy.due_after(number)
        if measure:
            self._measure_due(number=number, measure=measure, policy_version=policy.version)
        return measure

    @event("BreachRecorded")
    def _breach(self, number: int, obligation: str, description: str, on: date) -> None:
        self.breaches.append(
            {
                "number": number,
                "obligation": obligation,
                "description": description,
                "on": on,
                "measure": None,
                "decision": None,
            }
        )

    @event("MeasureDue")
    def _measure_due(self, number: int, measure: str, policy_version: str) -> None:
        self.breaches[number - 1]["measure"] = measure

    def decide_measure(self, number: int, decision: dict[str, Any], today: date) -> None:
        """Take, waive or (a Participatiewet measure) refer the measure due on breach `number`;
        refused with every missing part named when the law's conditions are not met."""
        breach = self._due(number)
        measure = breach["measure"]
        rule = MEASURE_RULES[measure]
        if decision["take"] and rule.decided_by != "regievoerder":
            raise Forbidden(
                f"a {measure} is decided by the {rule.decided_by} ({rule.law}), not in the PIP;"
                " refer the breach to them: take false with refer_to_klantmanager true"
            )
        if decision["referred_to"] and rule.decided_by != decision["referred_to"]:
            raise InvalidInput(
                [
                    field_error(
                        "refer_to_klantmanager",
                        f"only a Participatiewet measure is referred; a {measure} is decided by"
                        f" the {rule.decided_by}",
                    )
                ]
            )
        if decision["take"]:
            missing = self._missing_to_take(breach, rule, decision, today)
            if missing:
                raise InvalidInput(missing)
        self._measure_decided(
            number=number,
            measure=measure,
            taken=decision["take"],
            reason=decision["reason"],
            culpability=decision["culpability"] or {},
            hearing=decision["hearing"],
            amount_eur=decision["amount_eur"] if decision["take"] else None,
            referred_to=decision["referred_to"],
        )

    def record_participatiewet_decision(
        self, number: int, decision: dict[str, Any], today: date
    ) -> None:
        """The klantmanager's decision on breach `number`, referred to them for a Participatiewet
        measure: recorded once; lowering the benefit needs a culpable breach and a hearing."""
        breach = next((b for b in self.breaches if b["number"] == number), None)
        if breach is None:
            raise NotFound(f"the PIP has no breach {number}")
        referred = (breach["decision"] or {}).get("referred_to") == "klantmanager"
        if not referred:
            raise Conflict(
                f"breach {number} was not referred to the klantmanager; the regievoerder refers a"
                " due Participatiewet measure first"
            )
        if breach.get("participatiewet") is not None:
            raise Conflict(f"the klantmanager's decision on breach {number} is already recorded")
        problems = []
        if decision["decided_on"] < breach["on"]:
            problems.append(
                field_error("decided_on", f"must not be before the breach ({breach['on']})")
            )
        if decision["lowered"]:
            problems += _lowering_problems(breach, decision)
        if problems:
            raise InvalidInput(problems)
        self._participatiewet_decided(
            number=number,
            lowered=decision["lowered"],
            decided_on=decision["decided_on"],
            reason=decision["reason"],
            culpability=decision["culpability"] or {},
            hearing=decision["hearing"],
        )

    @event("ParticipatiewetDecided")
    def _participatiewet_decided(
        self,
        number: int,
        lowered: bool,
        decided_on: date,
        reason: str,
        culpability: dict[str, Any],
        hearing: dict[str, Any] | None,
    ) -> None:
        self.breaches[number - 1]["participatiewet"] = {
            "lowered": lowered,
            "decided_on": decided_on,
            "reason": reason,
            "culpability": copy.deepcopy(culpability),
            "hearing": copy.deepcopy(hearing),
        }

    def _due(self, number: int) -> dict[str, Any]:
        due = [b for b in self.breaches if b["measure"] and b["decision"] is None]
        breach = next((b for b in due if b["number"] == number), None)
        if breach is None:
            numbers = ", ".join(str(b["number"]) for b in due) or "none"
            if all(b["number"] != number for b in self.breaches):
                raise NotFound(f"the PIP has no breach {number}; measures due: {numbers}")
            raise Conflict(f"breach {number} has no measure due; measures due: {numbers}")
        return breach

    def _missing_to_take(
        self, breach: dict[str, Any], rule: Any, decision: dict[str, Any], today: date
    ) -> list[dict[str, str]]:
        """What taking the breach's measure still needs, each named by its field."""
        missing = []
        culpability = decision["culpability"]
        if not culpability or culpability.get("culpable") is not True:
            missing.append(
                field_error(
                    "culpability",
                    "a measure is taken only for a culpable breach (Awb 5:41): give a culpability"
                    " assessment with culpable true and the circumstances"
                    + (" (a fine: exceptional ones)" if breach["measure"] == FINE else "")
                    + "; otherwise waive it",
                )
            )
        if rule.warning_first and not self._warning_taken_before(breach["number"]):
            missing.append(
                field_error(
                    "warning",
                    f"a {breach['measure']} follows a warning taken on an earlier breach; none"
                    " was taken: take the warning first, or waive this measure",
                )
            )
        if breach["measure"] == FINE:
            missing += _fine_problems(breach, decision, today)
        return missing

    def _warning_taken_before(self, number: int) -> bool:
        return any(
            b["measure"] == WARNING and b["decision"] and b["decision"]["taken"]
            for b in self.breaches[: number - 1]
        )

    @event("MeasureDecided")
    def _measure_decided(
        self,
        number: int,
        measure: str,
        taken: bool,
        reason: str,
        culpability: dict[str, Any],
        hearing: dict[str, Any] | None = None,
        amount_eur: int | None = None,
        referred_to: str | None = None,
    ) -> None:
        breach = self.breaches[number - 1]
        breach["decision"] = {
            "taken": taken,
            "reason": reason,
            "culpability": copy.deepcopy(culpability),
            "hearing": copy.deepcopy(hearing),
            "amount_eur": amount_eur,
            "referred_to": referred_to,
        }


def _fine_problems(
    breach: dict[str, Any], decision: dict[str, Any], today: date
) -> list[dict[str, str]]:
    """A fine's hearing (Awb 5:53) and amount (at most PIP_FINE_MAX_EUR)."""
    problems = []
    hearing = decision["hearing"]
    if hearing is None:
        problems.append(
            field_error(
                "hearing",
                "a fine that can exceed 340 euros needs the person's zienswijze first (Awb 5:53):"
                " give the day they were heard and what they said",
            )
        )
    elif not breach["on"] <= hearing["on"] <= today:
        problems.append(
            field_error(
                "hearing/on", f"must be between the breach ({breach['on']}) and today ({today})"
            )
        )
    if decision["amount_eur"] is None:
        problems.append(
            field_error("amount_eur", f"a fine needs its amount: 1 to {PIP_FINE_MAX_EUR} euros")
        )
    return problems


def _lowering_problems(breach: dict[str, Any], decision: dict[str, Any]) -> list[dict[str, str]]:
    """What lowering a benefit needs: a culpable breach (Participatiewet art. 18) and the person
    heard before the decision (Awb 4:8)."""
    problems = []
    culpability = decision["culpability"]
    if not culpability or culpability.get("culpable") is not True:
        problems.append(
            field_error(
                "culpability",
                "the benefit is lowered only for a culpable breach (Participatiewet art. 18):"
                " give the assessment with culpable true and the circumstances",
            )
        )
    hearing = decision["hearing"]
    if hearing is None:
        problems.append(
            field_error(
                "hearing",
                "lowering a benefit needs the person heard first (Awb 4:8): give the day and"
                " what they said",
            )
        )
    elif not breach["on"] <= hearing["on"] <= decision["decided_on"]:
        problems.append(
            field_error(
                "hearing/on",
                f"must be between the breach ({breach['on']}) and the decision"
                f" ({decision['decided_on']})",
            )
        )
    return problems


def enforcement_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_ENFORCEMENT_NAMESPACE, str(dossier_id))
