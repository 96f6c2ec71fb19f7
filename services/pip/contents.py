"""The contents of a PIP as the PIP keeps them: plain values made from a request its published
model took (services.contracts.pip, through services.common.fields.validated), and the one rule
on a request's dates the model cannot say: not after today. No I/O.

Sections: `leerroute`, `modules`, `ontzorgen`, `preconditions`, `guidance`, `monitoring`; and the
goals, each with a measure, a due date, a Piëzo phase and an owner (aandachtspunt e).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from services.common.errors import InvalidInput, field_error
from services.contracts import pip as c
from services.contracts.base import Body
from services.contracts.pip import LANGUAGE_TARGETS, MODULES, SECTIONS

HEALTH_DOMAIN = "gezondheid"


def owner(given: c.Owner) -> dict[str, str]:
    """Who is responsible: an organisation and a role, and its OIN when that organisation
    records its own progress (see progress_use_cases.owner_source)."""
    kept = {"organisation": given.organisation.strip(), "role": given.role}
    if given.oin is not None:
        kept["oin"] = given.oin
    return kept


def _leerroute(given: c.Leerroute) -> dict[str, Any]:
    leerroute = {
        "route": given.route,
        "language_target": given.language_target or LANGUAGE_TARGETS[given.route][0],
        "end_date": given.end_date,
    }
    if given.provider is not None:
        leerroute["provider"] = owner(given.provider)
    return leerroute


def _modules(given: Body) -> dict[str, dict[str, Any]]:
    modules = {}
    for name in MODULES:  # in the contract's order
        if name in given.model_fields_set:
            module = getattr(given, name)
            modules[name] = {
                "hours": module.hours,
                "hours_per_week": module.hours_per_week,
                "provider": owner(module.provider),
            }
    return modules


def _ontzorgen(given: c.Ontzorgen) -> dict[str, Any]:
    if not given.applies:
        return {"applies": False, "reason": given.reason.strip()}
    return {"applies": True, "from": given.from_, "months": given.months, "authorised": True}


def _preconditions(given: list[c.Precondition]) -> list[dict[str, Any]]:
    return [
        {
            "kind": precondition.kind,
            "description": precondition.description.strip(),
            "arranged_by": owner(precondition.arranged_by),
        }
        for precondition in given
    ]


def _guidance(given: c.PipGuidance) -> dict[str, Any]:
    return {"by": owner(given.by), "how": given.how.strip(), "hours_per_week": given.hours_per_week}


def _monitoring(given: c.Monitoring) -> dict[str, Any]:
    return {"method": given.method, "every_weeks": given.every_weeks, "by": owner(given.by)}


_SECTIONS: dict[str, Callable[[Any], Any]] = {
    "leerroute": _leerroute,
    "modules": _modules,
    "ontzorgen": _ontzorgen,
    "preconditions": _preconditions,
    "guidance": _guidance,
    "monitoring": _monitoring,
}


def sections(given: c.Sections) -> dict[str, Any]:
    """The sections the request names, each replaced whole."""
    return {
        name: _SECTIONS[name](getattr(given, name))
        for name in SECTIONS
        if name in given.model_fields_set
    }


def goal(given: c.Goal | c.GoalChange) -> dict[str, Any]:
    """A goal (`prevention` false when left out), or of a change only the fields it names."""
    named = given.model_fields_set if isinstance(given, c.GoalChange) else type(given).model_fields
    kept: dict[str, Any] = {}
    for name in type(given).model_fields:
        if name not in named:
            continue
        value = getattr(given, name)
        if name == "owner":
            value = owner(value)
        elif name in ("description", "measure"):
            value = value.strip()
        elif name == "prevention":
            value = value is True
        kept[name] = value
    return kept


def revision(given: c.Revision) -> dict[str, Any]:
    """A revision: its kind and explanation, the sections it replaces, the goals it adds,
    changes and withdraws, and for afschalen or a move the evidence the law asks."""
    return {
        "kind": given.kind,
        "explanation": given.explanation.strip(),
        "backdating_reason": (given.backdating_reason or "").strip(),
        "decided_on": given.decided_on,
        "sections": sections(given.sections) if given.sections is not None else {},
        "add_goals": [goal(new) for new in given.add_goals or ()],
        "change_goals": {
            str(goal_id): goal(change) for goal_id, change in (given.change_goals or {}).items()
        },
        "withdraw_goals": [str(goal_id) for goal_id in given.withdraw_goals or ()],
        "evidence": _evidence(given.kind, given.evidence),
    }


def _evidence(kind: str, evidence: dict[str, Any]) -> dict[str, Any]:
    """What pip keeps of the evidence its model took for `kind` (AfschalenEvidence,
    MoveEvidence); a revision of another kind has none."""
    if kind == "afschalen":
        return {
            "nt2_hours": evidence.get("nt2_hours"),  # checked against the PIP's log
            "school": evidence["school"].strip(),
            "certified": True,
            "effort": evidence["effort"].strip(),
        }
    if kind == "verhuizing":
        return {"to_gemeente": evidence["to_gemeente"]}
    return {}


def day_or_today(day: date | None, name: str, today: date) -> date:
    """`day` (today when left out), refused when it is after today."""
    if day is None:
        return today
    if day > today:
        raise InvalidInput([field_error(name, f"must not be in the future (today is {today})")])
    return day
