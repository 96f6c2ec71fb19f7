"""What a gemeente learns about a person at registration beyond the legal minimum, and the
household they belong to. Every field is optional; its shape is checked by the published model
of the request (a registration or a correction), its dates here. No I/O here."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from services.common.errors import field_error
from services.contracts import intake as contract
from services.contracts.intake import PROFILE_FIELDS


def profile_of(facts: BaseModel) -> dict[str, Any]:
    """The profile fields `facts` gives (a null is not given), text trimmed."""
    profile = {name: getattr(facts, name) for name in PROFILE_FIELDS}
    profile = {name: value for name, value in profile.items() if value is not None}
    if "country_of_origin" in profile:
        profile["country_of_origin"] = profile["country_of_origin"].strip()
    if "languages" in profile:
        profile["languages"] = [
            {"language": known.language.strip(), "level": known.level}
            for known in profile["languages"]
        ]
    if "contact" in profile:
        given = profile["contact"].model_dump(exclude_none=True)
        profile["contact"] = {name: detail.strip() for name, detail in given.items()}
    if "children" in profile:
        profile["children"] = [
            {"given_name": (child.given_name or "").strip(), "birth_date": child.birth_date}
            for child in profile["children"]
        ]
    return profile


def future_dates(facts: BaseModel, today: date, within: str = "") -> list[dict[str, str]]:
    """The profile's dates in `facts` after today (a child's birth date too), each named by its
    path under `within`."""
    dates = {name: getattr(facts, name) for name in ("coa_link_date", "housing_date", "children")}
    for i, child in enumerate(dates.pop("children") or []):
        dates[f"children/{i}/birth_date"] = child.birth_date
    return [
        field_error(f"{within}{name}", f"must not be in the future (today is {today})")
        for name, value in dates.items()
        if value is not None and value > today
    ]


def household_link(given: contract.Registration) -> dict[str, str] | None:
    """`household_of` (the dossier of a household member registered before) and `relation`,
    when the registration names a household."""
    if given.household_of is None:
        return None
    return {"household_of": str(given.household_of), "relation": given.relation}
