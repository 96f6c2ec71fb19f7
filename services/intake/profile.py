"""What a gemeente learns about a person at registration beyond the legal minimum, and the
household they belong to. Every field is optional; what is given is checked. No I/O here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, get_args

from services.common.errors import field_error
from services.contracts.intake import MigrantKind, Relation, Sex
from services.contracts.values import CEFR

SEXES: tuple[str, ...] = get_args(Sex)
MIGRANT_KINDS: tuple[str, ...] = get_args(MigrantKind)
RELATIONS: tuple[str, ...] = get_args(Relation)
CONTACT_FIELDS = ("phone", "email", "address")


def parse_profile(data: Mapping[str, Any], today: date) -> tuple[dict[str, Any], list]:
    """The profile fields present in `data`, checked; returns (profile, field errors)."""
    profile: dict[str, Any] = {}
    errors: list[dict[str, str]] = []

    def choice(name: str, allowed: tuple[str, ...]) -> None:
        if name in data and data[name] is not None:
            if data[name] in allowed:
                profile[name] = data[name]
            else:
                errors.append(field_error(name, f"must be one of: {', '.join(allowed)}"))

    choice("sex", SEXES)
    choice("dutch_level", CEFR)
    choice("migrant_kind", MIGRANT_KINDS)
    if data.get("country_of_origin") is not None:
        value = data["country_of_origin"]
        if isinstance(value, str) and 0 < len(value.strip()) <= 100:
            profile["country_of_origin"] = value.strip()
        else:
            errors.append(field_error("country_of_origin", "must be text of 1 to 100 characters"))
    if data.get("inburgeringsplicht") is not None:
        if isinstance(data["inburgeringsplicht"], bool):
            profile["inburgeringsplicht"] = data["inburgeringsplicht"]
        else:
            errors.append(field_error("inburgeringsplicht", "must be true or false"))
    for name in ("coa_link_date", "housing_date"):
        if data.get(name) is not None:
            value, problem = _past_date(data[name], today)
            if problem:
                errors.append(field_error(name, problem))
            else:
                profile[name] = value
    if data.get("languages") is not None:
        languages, problems = _languages(data["languages"])
        errors += problems
        profile["languages"] = languages
    if data.get("contact") is not None:
        contact = data["contact"]
        if not isinstance(contact, Mapping) or set(contact) - set(CONTACT_FIELDS):
            errors.append(
                field_error("contact", f"must be an object with {', '.join(CONTACT_FIELDS)}")
            )
        elif not all(isinstance(v, str) and len(v) <= 200 for v in contact.values()):
            errors.append(
                field_error("contact", "every contact detail must be text of at most 200")
            )
        else:
            profile["contact"] = {k: v.strip() for k, v in contact.items()}
    if data.get("children") is not None:
        children, problems = _children(data["children"], today)
        errors += problems
        profile["children"] = children
    return profile, errors


def _past_date(value: Any, today: date) -> tuple[date | None, str]:
    try:
        parsed = date.fromisoformat(value)
    except (TypeError, ValueError):
        return None, "must be a date as YYYY-MM-DD"
    if parsed > today:
        return None, f"must not be in the future (today is {today})"
    return parsed, ""


def _languages(value: Any) -> tuple[list[dict[str, str]], list]:
    if not isinstance(value, list):
        return [], [field_error("languages", "must be a list of {language, level}")]
    languages, errors = [], []
    for i, item in enumerate(value):
        ok = (
            isinstance(item, Mapping)
            and isinstance(item.get("language"), str)
            and 0 < len(item["language"].strip()) <= 50
            and item.get("level") in (*CEFR, "moedertaal")
        )
        if not ok:
            errors.append(
                field_error(
                    f"languages/{i}",
                    f"must be {{language, level}} with level one of: {', '.join(CEFR)}, moedertaal",
                )
            )
        else:
            languages.append({"language": item["language"].strip(), "level": item["level"]})
    return languages, errors


def _children(value: Any, today: date) -> tuple[list[dict[str, Any]], list]:
    if not isinstance(value, list):
        return [], [field_error("children", "must be a list of {given_name, birth_date}")]
    children, errors = [], []
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            errors.append(field_error(f"children/{i}", "must be {given_name, birth_date}"))
            continue
        born, problem = _past_date(item.get("birth_date"), today)
        if problem:
            errors.append(field_error(f"children/{i}/birth_date", problem))
            continue
        name = item.get("given_name") or ""
        if not isinstance(name, str) or len(name) > 200:
            errors.append(field_error(f"children/{i}/given_name", "must be text"))
            continue
        children.append({"given_name": name.strip(), "birth_date": born})
    return children, errors


def parse_household_link(data: Mapping[str, Any]) -> tuple[dict[str, str] | None, list]:
    """`household_of` (the dossier of a household member registered before) and `relation`."""
    if data.get("household_of") in (None, ""):
        return None, []
    errors = []
    if not isinstance(data["household_of"], str):
        errors.append(field_error("household_of", "must be the id of a dossier"))
    if data.get("relation") not in RELATIONS:
        errors.append(field_error("relation", f"must be one of: {', '.join(RELATIONS)}"))
    if errors:
        return None, errors
    return {"household_of": data["household_of"], "relation": data["relation"]}, []
