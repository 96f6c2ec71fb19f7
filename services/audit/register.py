"""The register of processing activities (verwerkingsregister, AVG art. 30): what each activity is
for, on which legal basis, which data categories, how long it is kept, and which integration event
types it produces. Versioned configuration (`infra/processing-register.json`); every event type
belongs to exactly one activity, which a test checks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.common import settings


@dataclass(frozen=True)
class Activity:
    id: str  # a URI
    slug: str
    name: str
    purpose: str
    legal_basis: str
    data_categories: tuple[str, ...]
    retention: str  # ISO 8601 duration
    event_types: tuple[str, ...]


@dataclass(frozen=True)
class ProcessingRegister:
    version: str
    activities: tuple[Activity, ...]

    @classmethod
    def load(cls, path: str | Path | None = None) -> ProcessingRegister:
        data = json.loads(
            Path(path or settings.PROCESSING_REGISTER_FILE.get()).read_text(encoding="utf-8")
        )
        return cls(
            version=data["version"],
            activities=tuple(
                Activity(
                    **{
                        **a,
                        "data_categories": tuple(a["data_categories"]),
                        "event_types": tuple(a["event_types"]),
                    }
                )
                for a in data["activities"]
            ),
        )

    def of_event_type(self, event_type: str) -> Activity:
        for activity in self.activities:
            if event_type in activity.event_types:
                return activity
        raise LookupError(f"{event_type} belongs to no processing activity in the register")

    def by_type(self) -> Mapping[str, list[str]]:
        """Each event type with the activities naming it (one, when the register is right)."""
        found: dict[str, list[str]] = {}
        for activity in self.activities:
            for event_type in activity.event_types:
                found.setdefault(event_type, []).append(activity.slug)
        return found

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "activities": [a.__dict__ for a in self.activities]}
