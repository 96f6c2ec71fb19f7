"""Intake conversations, no-shows and the gemeente's own sanction ladder.

The ladder is configuration per gemeente (`infra/sanction-ladders.json`), never code: after so many
unexcused no-shows a step becomes due; the regievoerder then takes it or waives it, with a reason.
What the law asks of every ladder (a fine only after a warning: `rules.py`) is checked when the
file is loaded: a ladder that breaks it is refused, naming its gemeente.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.common import settings
from services.common.fields import validated
from services.contracts.intake import SANCTION_STEPS, Invitation
from services.intake.rules import ladder_problem


@dataclass(frozen=True)
class Ladder:
    version: str
    gemeente: str
    steps: tuple[tuple[int, str], ...]  # (after how many no-shows, step)

    def due_after(self, no_shows: int) -> str | None:
        for after, step in self.steps:
            if after == no_shows:
                return step
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "gemeente": self.gemeente,
            "steps": [{"after_no_shows": a, "step": s} for a, s in self.steps],
        }


@dataclass(frozen=True)
class Ladders:
    version: str
    default: tuple[tuple[int, str], ...]
    per_gemeente: Mapping[str, tuple[tuple[int, str], ...]]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Ladders:
        data = json.loads(Path(path or settings.SANCTION_LADDERS_FILE.get()).read_text("utf-8"))

        def steps(raw: list[dict[str, Any]], whose: str) -> tuple[tuple[int, str], ...]:
            parsed = tuple((int(s["after_no_shows"]), s["step"]) for s in raw)
            unknown = {s for _, s in parsed} - set(SANCTION_STEPS)
            if unknown:
                raise ValueError(f"unknown sanction steps in the ladder file: {sorted(unknown)}")
            if problem := ladder_problem(parsed):
                raise ValueError(f"the sanction ladder of {whose} is refused: {problem}")
            return parsed

        return cls(
            version=data["version"],
            default=steps(data["region_default"], "the region (region_default)"),
            per_gemeente={
                g: steps(s, f"gemeente {g}") for g, s in data.get("gemeenten", {}).items()
            },
        )

    def for_gemeente(self, gemeente: str) -> Ladder:
        return Ladder(self.version, gemeente, self.per_gemeente.get(gemeente, self.default))


def parse_invitation(data: Any) -> dict[str, Any]:
    """An invitation to a conversation, its shape checked by its published model."""
    invitation = validated(Invitation, data)
    return {"planned_on": invitation.planned_on, "purpose": invitation.purpose.strip()}
