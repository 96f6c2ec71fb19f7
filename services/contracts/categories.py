"""Data categories, and which category each field of each integration event belongs to.

The mapping is a contract (`contracts/data-categories.v2.json`). A field's category is fixed, or
follows its value (a goal on `gezondheid` is health), or, for a list of goals or items, follows
each element. An event as such also reveals a category (a health signal was given, progress on a
health goal was recorded); it is shared only when that one is permitted. Categories the contract
marks `never_shared` (`intern`, `handhaving`) go to no partner. No I/O except loading the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# The repository's root: this file is services/contracts/categories.py.
MAPPING_FILE = Path(__file__).resolve().parents[2] / "contracts" / "data-categories.v2.json"
NEVER_SHARED = "intern"
_ABSENT = object()


def _of(spec: Any, value: Any) -> str:
    """The category a spec gives a scalar value (`_ABSENT` when the data does not hold it)."""
    if isinstance(spec, str):
        return spec
    if value is _ABSENT and "absent" in spec:
        return spec["absent"]
    return spec["by_value"].get(str(value), spec["default"])


def _possible(spec: Any) -> set[str]:
    """Every category a spec can give, whatever the value."""
    if isinstance(spec, str):
        return {spec}
    values = spec.get("by_value") or spec.get("each_by_value")
    return {spec["default"], *values.values(), *([spec["absent"]] if "absent" in spec else [])}


@dataclass(frozen=True)
class EventCategories:
    event: Any
    fields: Mapping[str, Any]

    def event_category(self, data: Mapping[str, Any]) -> str:
        spec = self.event
        if isinstance(spec, str):
            return spec
        return _of(spec, data.get(spec["field"], _ABSENT))

    def possible_event_categories(self) -> frozenset[str]:
        """Every category an event of this type can be in, whatever its data."""
        return frozenset(_possible(self.event))

    def categories_in(self, data: Mapping[str, Any]) -> set[str]:
        """Every category the event's data (and the event itself) reveals."""
        found = {self.event_category(data)}
        for name, value in data.items():
            spec = self.fields[name]
            if isinstance(spec, Mapping) and "items_by" in spec:
                found |= {_of(spec, item.get(spec["items_by"])) for item in value or []}
            elif isinstance(spec, Mapping) and "each_by_value" in spec:
                found |= {_each(spec, item) for item in value or []}
            else:
                found.add(_of(spec, value))
        return found

    def permitted_data(self, data: Mapping[str, Any], permitted: Iterable[str]) -> dict[str, Any]:
        """The data with only the fields (and list elements) of permitted categories."""
        allowed = set(permitted) - {NEVER_SHARED}
        kept: dict[str, Any] = {}
        for name, value in data.items():
            spec = self.fields[name]
            if isinstance(spec, Mapping) and "items_by" in spec:
                kept[name] = [
                    i for i in value or [] if _of(spec, i.get(spec["items_by"])) in allowed
                ]
            elif isinstance(spec, Mapping) and "each_by_value" in spec:
                kept[name] = [i for i in value or [] if _each(spec, i) in allowed]
            elif _of(spec, value) in allowed:
                kept[name] = value
        return kept


def _each(spec: Mapping[str, Any], value: Any) -> str:
    return spec["each_by_value"].get(str(value), spec["default"])


@dataclass(frozen=True)
class Categories:
    version: str
    labels: Mapping[str, Mapping[str, Any]]
    events: Mapping[str, EventCategories]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Categories:
        return _load(str(path or MAPPING_FILE))

    def names(self) -> tuple[str, ...]:
        """The categories that can be shared, and so consented to (not `never_shared`)."""
        return tuple(c for c in self.labels if c not in self.never_shared())

    def never_shared(self) -> frozenset[str]:
        """The categories that go to no partner, whatever the protocol or a consent says."""
        return frozenset(c for c, spec in self.labels.items() if spec.get("never_shared"))

    def special(self) -> frozenset[str]:
        return frozenset(c for c, spec in self.labels.items() if spec.get("special"))

    def of_event(self, event_type: str) -> EventCategories:
        try:
            return self.events[event_type]
        except KeyError:
            raise LookupError(f"{event_type} has no data categories in the contract") from None


@cache
def _load(path: str) -> Categories:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Categories(
        version=data["version"],
        labels=data["categories"],
        events={t: EventCategories(e["event"], e["fields"]) for t, e in data["events"].items()},
    )
