"""Each gemeente's own monitoring lead times and handhaving ladder for PIP obligations.

Configuration (`infra/pip-handhaving.json`, versioned), never code: after so many recorded breaches
a measure becomes due, and the regievoerder takes or waives it with a reason. A fine is taken only
with a culpability assessment that finds the breach culpable in exceptional circumstances.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.common import settings

MEASURES = ("waarschuwing", "boete", "maatregel-participatiewet")
FINE = "boete"


@dataclass(frozen=True)
class Policy:
    """One gemeente's monitoring lead times and ladder."""

    version: str
    gemeente: str
    pip_deadline_warning_days: int
    termijn_end_warning_days: int
    ladder: tuple[tuple[int, str], ...]  # (after how many breaches, measure)

    def due_after(self, breaches: int) -> str | None:
        for after, measure in self.ladder:
            if after == breaches:
                return measure
        return None

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
