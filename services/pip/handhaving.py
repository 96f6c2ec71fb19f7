"""Handhaving of PIP obligations, and each gemeente's own monitoring lead times and ladder.

The ladder is configuration (`infra/pip-handhaving.json`, versioned), never code: after so many
recorded breaches a measure becomes due, and the regievoerder takes or waives it with a reason. A
fine is taken only with a culpability assessment that finds the breach culpable in exceptional
circumstances. The breaches of one dossier are their own aggregate, `Enforcement`, beside its PIP.
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
from services.common.errors import Conflict, InvalidInput, NotFound, field_error
from services.contracts.pip import MEASURES

FINE = "boete"
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
        return Policy(
            self.version,
            gemeente,
            int(monitoring["pip_deadline_warning_days"]),
            int(monitoring["termijn_end_warning_days"]),
            ladder,
        )


class Enforcement(ChainAggregate):
    """The breaches of PIP obligations of one dossier and the measures decided on them."""

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return enforcement_id(dossier_id)

    @event("Opened")
    def __init__(self, dossier_id: uuid.UUID, gemeente: str):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.breaches: list[dict[str, Any]] = []

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

    def decide_measure(
        self, number: int, take: bool, reason: str, culpability: dict[str, Any] | None
    ) -> None:
        due = [b for b in self.breaches if b["measure"] and b["decision"] is None]
        breach = next((b for b in due if b["number"] == number), None)
        if breach is None:
            numbers = ", ".join(str(b["number"]) for b in due) or "none"
            if all(b["number"] != number for b in self.breaches):
                raise NotFound(f"the PIP has no breach {number}; measures due: {numbers}")
            raise Conflict(f"breach {number} has no measure due; measures due: {numbers}")
        culpable = bool(culpability) and culpability.get("culpable") is True
        if take and breach["measure"] == FINE and not culpable:
            raise InvalidInput(
                [
                    field_error(
                        "culpability",
                        "a fine needs a culpability assessment that finds the breach "
                        "culpable (culpable: true) and names the exceptional circumstances",
                    )
                ]
            )
        self._measure_decided(
            number=number,
            measure=breach["measure"],
            taken=take,
            reason=reason,
            culpability=culpability or {},
        )

    @event("MeasureDecided")
    def _measure_decided(
        self, number: int, measure: str, taken: bool, reason: str, culpability: dict[str, Any]
    ) -> None:
        breach = self.breaches[number - 1]
        breach["decision"] = {
            "taken": taken,
            "reason": reason,
            "culpability": copy.deepcopy(culpability),
        }


def enforcement_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_ENFORCEMENT_NAMESPACE, str(dossier_id))
