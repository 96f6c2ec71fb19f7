"""The steps of the brede intake as requests: their shape checked by their published models
(services.common.fields.validated), then what the contract cannot say. No I/O here."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.common.errors import InvalidInput, field_error
from services.common.fields import validated
from services.contracts.intake import (
    EducationEntry,
    Leerbaarheidstoets,
    PersonalCircumstances,
    RouteChoice,
    ToetsExemption,
    WorkEntry,
)


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


def parse_toets_exemption(data: Any, today: date) -> dict[str, Any]:
    exemption = validated(ToetsExemption, data)
    return {"ground": exemption.ground, "note": exemption.note.strip(), "recorded_on": today}
