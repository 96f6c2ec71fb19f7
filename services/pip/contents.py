"""The contents of a PIP as the regievoerder enters them: each section parsed and checked into
plain values, with every error naming its field and what is accepted. No I/O.

Sections: `leerroute`, `modules`, `ontzorgen`, `preconditions`, `guidance`, `monitoring`; and the
goals, each with a measure, a due date, a Piëzo phase and an owner (aandachtspunt e).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from services.common.errors import InvalidInput, field_error
from services.contracts.pip import (
    AFSCHALEN_TARGET,
    GOAL_DOMAINS,
    MODULES,
    MONITORING_METHODS,
    OWNER_ROLES,
    PRECONDITION_KINDS,
    SECTIONS,
    TERMS,
)
from services.pip.rules import ONTZORGEN_MIN_MONTHS, PHASES, ROUTES

HEALTH_DOMAIN = "gezondheid"
_OIN = re.compile(r"^[0-9]{20}$")

Errors = list[dict[str, str]]


def _text(value: Any, name: str, errors: Errors, limit: int = 2000, required: bool = True) -> str:
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or not 0 < len(value.strip()) <= limit:
        errors.append(field_error(name, f"must be text of 1 to {limit} characters"))
        return ""
    return value.strip()


def _int(value: Any, name: str, errors: Errors, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors.append(field_error(name, f"must be a whole number from {low} to {high}"))
        return low
    return value


def _date(value: Any, name: str, errors: Errors) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append(field_error(name, "must be a date as YYYY-MM-DD"))
        return None


def _choice(value: Any, name: str, errors: Errors, allowed: tuple) -> Any:
    # Only text or whole numbers: `true == 1` and `1.0 == 1` must not pass for phase 1.
    exact = isinstance(value, str | int) and not isinstance(value, bool)
    if not exact or value not in allowed:
        errors.append(field_error(name, f"must be one of: {', '.join(map(str, allowed))}"))
    return value


def _object(value: Any, name: str, errors: Errors) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        errors.append(
            field_error(name or "", f"{'must' if name else 'the body must'} be an object")
        )
        return {}
    return value


def _unknown(data: Mapping[str, Any], name: str, known: tuple[str, ...], errors: Errors) -> None:
    for key in data:
        if key not in known:
            errors.append(
                field_error(
                    f"{name}.{key}" if name else key, f"is unknown; known: {', '.join(known)}"
                )
            )


def parse_owner(value: Any, name: str, errors: Errors) -> dict[str, str]:
    """Who is responsible: an organisation and a role, and its OIN when that organisation
    records its own progress (see progress_use_cases.owner_source)."""
    if isinstance(value, Mapping) and not value:
        errors.append(field_error(name, "is required: organisation and role"))
        return {}
    data = _object(value, name, errors)
    if not data:
        return {}
    _unknown(data, name, ("organisation", "role", "oin"), errors)
    owner = {
        "organisation": _text(data.get("organisation"), f"{name}.organisation", errors, 200),
        "role": _choice(data.get("role"), f"{name}.role", errors, OWNER_ROLES),
    }
    oin = data.get("oin")
    if oin is not None:
        if not isinstance(oin, str) or not _OIN.match(oin):
            errors.append(field_error(f"{name}.oin", "must be an OIN of 20 digits"))
        owner["oin"] = oin
    return owner


def parse_leerroute(value: Any, errors: Errors) -> dict[str, Any]:
    data = _object(value, "leerroute", errors)
    _unknown(data, "leerroute", ("route", "language_target", "end_date", "provider"), errors)
    route = _choice(data.get("route"), "leerroute.route", errors, tuple(ROUTES))
    known = isinstance(route, str) and route in ROUTES
    targets = ROUTES[route].language_targets if known else ()
    if route == "b1":
        targets = (*targets, AFSCHALEN_TARGET)  # only by a revision: see Pip.check_revision
    target = data.get("language_target") or (targets[0] if targets else None)
    if targets:
        _choice(target, "leerroute.language_target", errors, targets)
    leerroute = {
        "route": route,
        "language_target": target,
        "end_date": _date(data.get("end_date"), "leerroute.end_date", errors),
    }
    if data.get("provider") is not None:
        leerroute["provider"] = parse_owner(data["provider"], "leerroute.provider", errors)
    return leerroute


def parse_modules(value: Any, errors: Errors) -> dict[str, dict[str, Any]]:
    data = _object(value, "modules", errors)
    _unknown(data, "modules", tuple(MODULES), errors)
    modules = {}
    for module, raw in data.items():
        if module not in MODULES:
            continue
        name = f"modules.{module}"
        entry = _object(raw, name, errors)
        _unknown(entry, name, ("hours", "hours_per_week", "provider"), errors)
        modules[module] = {
            "hours": _int(entry.get("hours"), f"{name}.hours", errors, 0, 2000),
            "hours_per_week": _int(
                entry.get("hours_per_week"), f"{name}.hours_per_week", errors, 1, 40
            ),
            "provider": parse_owner(entry.get("provider"), f"{name}.provider", errors),
        }
    return modules


def parse_ontzorgen(value: Any, errors: Errors) -> dict[str, Any]:
    data = _object(value, "ontzorgen", errors)
    _unknown(data, "ontzorgen", ("applies", "from", "months", "authorised", "reason"), errors)
    applies = data.get("applies")
    if not isinstance(applies, bool):
        errors.append(field_error("ontzorgen.applies", "must be true or false"))
        return {}
    if not applies:
        return {"applies": False, "reason": _text(data.get("reason"), "ontzorgen.reason", errors)}
    if data.get("authorised") is not True:
        errors.append(
            field_error(
                "ontzorgen.authorised", "must be true: ontzorgen needs the person's machtiging"
            )
        )
    return {
        "applies": True,
        "from": _date(data.get("from"), "ontzorgen.from", errors),
        "months": _int(data.get("months"), "ontzorgen.months", errors, ONTZORGEN_MIN_MONTHS, 60),
        "authorised": True,
    }


def parse_preconditions(value: Any, errors: Errors) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        errors.append(field_error("preconditions", "must be a list (empty when there are none)"))
        return []
    parsed = []
    for index, raw in enumerate(value):
        name = f"preconditions[{index}]"
        data = _object(raw, name, errors)
        _unknown(data, name, ("kind", "description", "arranged_by"), errors)
        parsed.append(
            {
                "kind": _choice(data.get("kind"), f"{name}.kind", errors, PRECONDITION_KINDS),
                "description": _text(data.get("description"), f"{name}.description", errors),
                "arranged_by": parse_owner(data.get("arranged_by"), f"{name}.arranged_by", errors),
            }
        )
    return parsed


def parse_guidance(value: Any, errors: Errors) -> dict[str, Any]:
    data = _object(value, "guidance", errors)
    _unknown(data, "guidance", ("by", "how", "hours_per_week"), errors)
    return {
        "by": parse_owner(data.get("by"), "guidance.by", errors),
        "how": _text(data.get("how"), "guidance.how", errors),
        "hours_per_week": _int(
            data.get("hours_per_week"), "guidance.hours_per_week", errors, 0, 40
        ),
    }


def parse_monitoring(value: Any, errors: Errors) -> dict[str, Any]:
    data = _object(value, "monitoring", errors)
    _unknown(data, "monitoring", ("method", "every_weeks", "by"), errors)
    return {
        "method": _choice(data.get("method"), "monitoring.method", errors, MONITORING_METHODS),
        "every_weeks": _int(data.get("every_weeks"), "monitoring.every_weeks", errors, 1, 26),
        "by": parse_owner(data.get("by"), "monitoring.by", errors),
    }


_PARSERS: dict[str, Callable[[Any, Errors], Any]] = {
    "leerroute": parse_leerroute,
    "modules": parse_modules,
    "ontzorgen": parse_ontzorgen,
    "preconditions": parse_preconditions,
    "guidance": parse_guidance,
    "monitoring": parse_monitoring,
}


def parse_sections(data: Any, errors: Errors) -> dict[str, Any]:
    """Some of the sections, each replaced whole."""
    if not isinstance(data, Mapping):
        errors.append(field_error("", "the body must be a JSON object of sections"))
        return {}
    _unknown(data, "", SECTIONS, errors)
    return {name: _PARSERS[name](data[name], errors) for name in SECTIONS if name in data}


GOAL_FIELDS = ("domain", "term", "description", "measure", "due_on", "phase", "owner", "prevention")


def parse_goal(value: Any, errors: Errors, name: str = "", partial: bool = False) -> dict[str, Any]:
    """A goal; `partial` for a change that names only the fields it changes."""
    data = _object(value, name, errors)
    _unknown(data, name, GOAL_FIELDS, errors)
    prefix = f"{name}." if name else ""
    goal: dict[str, Any] = {}
    checks: dict[str, Callable[[Any, str], Any]] = {
        "domain": lambda v, n: _choice(v, n, errors, GOAL_DOMAINS),
        "term": lambda v, n: _choice(v, n, errors, TERMS),
        "description": lambda v, n: _text(v, n, errors),
        "measure": lambda v, n: _text(v, n, errors, 500),
        "due_on": lambda v, n: _date(v, n, errors),
        "phase": lambda v, n: _choice(v, n, errors, PHASES),
        "owner": lambda v, n: parse_owner(v, n, errors),
    }
    for field, check in checks.items():
        if field in data or not partial:
            goal[field] = check(data.get(field), prefix + field)
    if "prevention" in data:
        if not isinstance(data["prevention"], bool):
            errors.append(field_error(prefix + "prevention", "must be true or false"))
        goal["prevention"] = data["prevention"] is True
    elif not partial:
        goal["prevention"] = False
    return goal


def raise_if(errors: Errors) -> None:
    if errors:
        raise InvalidInput(errors)


def _goal_list(value: Any, name: str, errors: Errors) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(field_error(name, "must be a list of goals"))
        return []
    return [parse_goal(goal, errors, f"{name}[{i}]") for i, goal in enumerate(value)]


def parse_revision(data: Any, kinds: tuple[str, ...]) -> dict[str, Any]:
    """A revision: its kind and explanation, the sections it replaces, the goals it adds,
    changes and withdraws, and for afschalen or a move the evidence the law asks."""
    errors: Errors = []
    data = _object(data, "", errors)
    raise_if(errors)
    _unknown(
        data,
        "",
        (
            "kind",
            "explanation",
            "decided_on",
            "sections",
            "add_goals",
            "change_goals",
            "withdraw_goals",
            "evidence",
            "backdating_reason",
        ),
        errors,
    )
    kind = _choice(data.get("kind"), "kind", errors, kinds)
    revision: dict[str, Any] = {
        "kind": kind,
        "explanation": _text(data.get("explanation"), "explanation", errors),
        "backdating_reason": _text(
            data.get("backdating_reason"), "backdating_reason", errors, 500, required=False
        ),
        "decided_on": _date(data["decided_on"], "decided_on", errors)
        if "decided_on" in data
        else None,
        "sections": _prefixed("sections", parse_sections, data.get("sections", {}), errors),
        "add_goals": _goal_list(data.get("add_goals"), "add_goals", errors),
        "change_goals": {},
        "withdraw_goals": [],
        "evidence": {},
    }
    changes = data.get("change_goals", {})
    if not isinstance(changes, Mapping):
        errors.append(field_error("change_goals", "must be an object of goal id: changed fields"))
    else:
        revision["change_goals"] = {
            str(goal_id): parse_goal(change, errors, f"change_goals.{goal_id}", partial=True)
            for goal_id, change in changes.items()
        }
    withdraw = data.get("withdraw_goals", [])
    if not isinstance(withdraw, list) or not all(isinstance(g, str) for g in withdraw):
        errors.append(field_error("withdraw_goals", "must be a list of goal ids"))
    elif len(set(withdraw)) != len(withdraw):
        errors.append(field_error("withdraw_goals", "names a goal more than once"))
    else:
        revision["withdraw_goals"] = withdraw
    evidence = _object(data.get("evidence", {}), "evidence", errors)
    if kind == "afschalen":
        revision["evidence"] = _afschalen_evidence(evidence, errors)
    elif kind == "verhuizing":
        to = evidence.get("to_gemeente")
        if not isinstance(to, str) or not re.fullmatch(r"[0-9]{4}", to):
            errors.append(field_error("evidence.to_gemeente", "must be a 4-digit gemeentecode"))
        revision["evidence"] = {"to_gemeente": to}
    raise_if(errors)
    return revision


def _prefixed(prefix: str, parse: Callable[[Any, Errors], Any], value: Any, errors: Errors) -> Any:
    """Parse a nested part, naming its errors' fields from the body's top."""
    own: Errors = []
    parsed = parse(value, own)
    for error in own:
        error["field"] = f"{prefix}.{error['field']}" if error["field"] else prefix
    errors.extend(own)
    return parsed


def _afschalen_evidence(evidence: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    _unknown(evidence, "evidence", ("nt2_hours", "school", "certified", "effort"), errors)
    if evidence.get("certified") is not True:
        errors.append(
            field_error(
                "evidence.certified", "must be true: the NT2 hours count at a certified school"
            )
        )
    return {
        "nt2_hours": _int(evidence.get("nt2_hours"), "evidence.nt2_hours", errors, 0, 5000),
        "school": _text(evidence.get("school"), "evidence.school", errors, 200),
        "certified": evidence.get("certified") is True,
        "effort": _text(evidence.get("effort"), "evidence.effort", errors),
    }


def body_object(data: Any) -> dict[str, Any]:
    """A request body that must be a JSON object (or nothing)."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput([field_error("", "the body must be a JSON object")])
    return data


def required_texts(data: dict[str, Any], names: tuple[str, ...]) -> list[dict[str, str]]:
    return [
        field_error(name, "must be text of 1 to 500 characters")
        for name in names
        if not isinstance(data.get(name), str) or not 0 < len(data[name].strip()) <= 500
    ]


def day_field(data: dict[str, Any], name: str, today: date, errors: list) -> date:
    """The date in `data[name]`, today when left out; never in the future."""
    if data.get(name) is None:
        return today
    try:
        day = date.fromisoformat(data[name])
    except (TypeError, ValueError):
        errors.append(field_error(name, "must be a date as YYYY-MM-DD"))
        return today
    if day > today:
        errors.append(field_error(name, f"must not be in the future (today is {today})"))
    return day


def note_field(data: dict[str, Any], errors: Errors, name: str = "note", label: str = "") -> str:
    """A short required note; `label` names the field in the error when it is nested."""
    note = data.get(name)
    if not isinstance(note, str) or not 0 < len(note.strip()) <= 500:
        errors.append(field_error(label or name, "must be a short note of 1 to 500 characters"))
        return ""
    return note.strip()


def parse_establishment(data: Any, today: date) -> dict[str, Any]:
    """`decided_on` (today when left out) and, for an earlier date, `backdating_reason`."""
    errors: Errors = []
    data = body_object(data)
    _unknown(data, "", ("decided_on", "backdating_reason"), errors)
    decided_on = day_field(data, "decided_on", today, errors)
    reason = _text(data.get("backdating_reason"), "backdating_reason", errors, 500, required=False)
    raise_if(errors)
    return {"decided_on": decided_on, "backdating_reason": reason}
