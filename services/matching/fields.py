"""What people send to matching, checked field by field: a guide, a placement, a person's matching
profile, a proposal and its answers, an activity and a signal. Each parser returns the clean value
or raises InvalidInput naming every wrong field and what it accepts. No I/O."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, get_args

from services.common.errors import InvalidInput, field_error
from services.common.fields import validated
from services.contracts import matching as contract
from services.contracts.matching import (
    ActivityRequest,
    GuidanceSignal,
    MatchEnd,
    MatchStart,
    ProposalAnswer,
    ProposalRequest,
)
from services.contracts.values import CEFR, PIEZO_PHASES, ROUTES
from services.matching.ranking import LANGUAGE_NAMES, PLACEMENT_KINDS

Errors = list[dict[str, str]]

# Each enumeration as matching's contract defines it (services/contracts/matching.py). The PIP's
# routes and phases are the chain's; its goal domains come from pip's event contract: a guide's
# interests are matched against them.
DAYS: tuple[str, ...] = get_args(contract.Day)
GUIDE_KINDS: tuple[str, ...] = get_args(contract.GuideKind)
PHASES: tuple[int, ...] = PIEZO_PHASES
GOAL_DOMAINS: tuple[str, ...] = get_args(contract.GoalDomain)
SIGNAL_DOMAINS: tuple[str, ...] = get_args(contract.SignalDomain)
CANDIDATE_KINDS: tuple[str, ...] = get_args(contract.CandidateKind)
GUIDE_OUTCOMES: tuple[str, ...] = get_args(contract.GuideOutcome)
PLACEMENT_OUTCOMES: tuple[str, ...] = get_args(contract.PlacementOutcome)
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_PC4 = re.compile(r"^[1-9][0-9]{3}$")
_GEMEENTE = re.compile(r"^[0-9]{4}$")
_USER = re.compile(r"^[A-Za-z0-9._@:-]{1,200}$")


def body(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidInput([field_error("", "the body must be a JSON object")])
    return data


def raise_if(errors: Errors) -> None:
    if errors:
        raise InvalidInput(errors)


def _unknown(data: Mapping[str, Any], allowed: tuple[str, ...], errors: Errors) -> None:
    for name in sorted(set(data) - set(allowed)):
        errors.append(field_error(name, f"is not a known field; known: {', '.join(allowed)}"))


def text(
    data: Mapping[str, Any], name: str, errors: Errors, limit: int = 200, required: bool = True
) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not 0 < len(value.strip()) <= limit:
        errors.append(field_error(name, f"must be text of 1 to {limit} characters"))
        return ""
    return value.strip()


def choice(
    data: Mapping[str, Any],
    name: str,
    allowed: tuple[Any, ...],
    errors: Errors,
    default: Any = None,
) -> Any:
    value = data.get(name, default)
    # Only text or whole numbers: `true == 1` must not pass for phase 1.
    if isinstance(value, bool) or value not in allowed:
        errors.append(field_error(name, f"must be one of: {', '.join(map(str, allowed))}"))
        return default
    return value


def flag(data: Mapping[str, Any], name: str, errors: Errors) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        errors.append(field_error(name, "must be true or false"))
        return False
    return value


def number(
    data: Mapping[str, Any],
    name: str,
    low: float,
    high: float,
    errors: Errors,
    whole: bool = False,
    default: Any = None,
) -> Any:
    value = data.get(name, default)
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
        what = "a whole number" if whole else "a number"
        errors.append(field_error(name, f"must be {what} from {low:g} to {high:g}"))
        return default
    return value


def day(
    data: Mapping[str, Any],
    name: str,
    errors: Errors,
    required: bool = True,
    default: date | None = None,
) -> date | None:
    value = data.get(name)
    if value is None:
        if required and default is None:
            errors.append(field_error(name, "must be a date as YYYY-MM-DD"))
        return default
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append(field_error(name, "must be a date as YYYY-MM-DD"))
        return None


def subset(
    data: Mapping[str, Any],
    name: str,
    allowed: tuple[Any, ...],
    errors: Errors,
    required: bool = False,
) -> list[Any]:
    value = data.get(name, [])
    ok = isinstance(value, list) and all(not isinstance(v, bool) and v in allowed for v in value)
    if not ok or (required and not value):
        empty = "a non-empty " if required else "a "
        errors.append(field_error(name, f"must be {empty}list of: {', '.join(map(str, allowed))}"))
        return []
    return sorted(set(value), key=allowed.index)


def languages(
    data: Mapping[str, Any], name: str, errors: Errors, required: bool = True
) -> dict[str, str]:
    """`{code: level}`: ISO 639 codes (`ti`, `ar`, `prs`), CEFR levels (C2 for a mother tongue)."""
    value = data.get(name, {} if not required else None)
    problem = (
        f"must be an object of ISO 639 language codes (such as "
        f"{', '.join(sorted(LANGUAGE_NAMES)[:4])}) to a CEFR level ({', '.join(CEFR)})"
    )
    if not isinstance(value, Mapping) or (required and not value):
        errors.append(field_error(name, problem))
        return {}
    clean = {}
    for code, grade in value.items():
        if not isinstance(code, str) or not _LANGUAGE.match(code):
            errors.append(field_error(f"{name}/{code}", problem))
        elif not isinstance(grade, str) or grade.upper() not in CEFR:
            errors.append(field_error(f"{name}/{code}", f"must be one of: {', '.join(CEFR)}"))
        else:
            clean[code] = grade.upper()
    return clean


def area(data: Mapping[str, Any], errors: Errors) -> str:
    value = data.get("area", "")
    if value in ("", None):
        return ""
    if not isinstance(value, str) or not _PC4.match(value):
        errors.append(field_error("area", "must be a PC4 postcode area (four digits, as 3431)"))
        return ""
    return value


def gemeenten(data: Mapping[str, Any], allowed: tuple[str, ...], errors: Errors) -> list[str]:
    return subset(data, "gemeenten", allowed, errors, required=True)


# a guide ----------------------------------------------------------------------------------------
GUIDE_FIELDS: tuple[str, ...] = tuple(contract.GuideDetails.model_fields)


def parse_guide(data: Any, region: tuple[str, ...], today: date, partial: bool = False) -> dict:
    """A guide's details; `partial` for a change naming only what changes. Dates as ISO text."""
    data = body(data)
    errors: Errors = []
    _unknown(data, GUIDE_FIELDS, errors)
    checks: dict[str, Callable[[], Any]] = {
        "name": lambda: text(data, "name", errors),
        "kind": lambda: choice(data, "kind", GUIDE_KINDS, errors, "vrijwilliger"),
        "user_id": lambda: _user(data, errors),
        "languages": lambda: languages(data, "languages", errors),
        "gemeenten": lambda: gemeenten(data, region, errors),
        "area": lambda: area(data, errors),
        "hours_per_week": lambda: number(data, "hours_per_week", 0, 40, errors, default=0),
        "days": lambda: subset(data, "days", DAYS, errors),
        "interests": lambda: subset(data, "interests", GOAL_DOMAINS, errors),
        "skills": lambda: _words(data, "skills", errors),
        "phases": lambda: subset(data, "phases", PHASES, errors),
        "routes": lambda: subset(data, "routes", ROUTES, errors),
        "training": lambda: _training(data, today, errors),
        "vog_issued_on": lambda: _past(data, "vog_issued_on", today, errors),
        "max_caseload": lambda: number(data, "max_caseload", 1, 50, errors, whole=True),
    }
    details = {name: check() for name, check in checks.items() if not partial or name in data}
    if partial and not details and not errors:
        errors.append(
            field_error("", f"name at least one field to change: {', '.join(GUIDE_FIELDS)}")
        )
    raise_if(errors)
    return details


def _user(data: Mapping[str, Any], errors: Errors) -> str:
    value = data.get("user_id", "")
    if value in ("", None):
        return ""
    if not isinstance(value, str) or not _USER.match(value):
        errors.append(field_error("user_id", "must be the guide's account id (as in their token)"))
        return ""
    return value


def _words(data: Mapping[str, Any], name: str, errors: Errors) -> list[str]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(
        isinstance(v, str) and 0 < len(v.strip()) <= 60 for v in value
    ):
        errors.append(field_error(name, "must be a list of short words (at most 60 characters)"))
        return []
    return sorted({v.strip().lower() for v in value})


def _past(data: Mapping[str, Any], name: str, today: date, errors: Errors) -> str | None:
    if data.get(name) is None:
        return None
    on = day(data, name, errors)
    if on is not None and on > today:
        errors.append(field_error(name, f"must not be in the future (today is {today})"))
        return None
    return on.isoformat() if on else None


def _training(data: Mapping[str, Any], today: date, errors: Errors) -> dict[str, str]:
    """`{training: date completed}` (aandachtspunt j)."""
    value = data.get("training", {})
    if not isinstance(value, Mapping):
        errors.append(field_error("training", "must be an object of training name to date done"))
        return {}
    done = {}
    for name, on in value.items():
        if not isinstance(name, str) or not 0 < len(name) <= 100:
            errors.append(field_error("training", "training names must be text of 1 to 100"))
            continue
        when = _past({name: on}, name, today, errors)
        if when:
            done[name] = when
    return done


# a placement ------------------------------------------------------------------------------------
PLACEMENT_FIELDS: tuple[str, ...] = tuple(contract.PlacementDetails.model_fields)


def parse_placement(data: Any, region: tuple[str, ...], partial: bool = False) -> dict[str, Any]:
    data = body(data)
    errors: Errors = []
    _unknown(data, PLACEMENT_FIELDS, errors)
    checks: dict[str, Callable[[], Any]] = {
        "title": lambda: text(data, "title", errors),
        "kind": lambda: choice(data, "kind", PLACEMENT_KINDS, errors),
        "gemeente": lambda: choice(data, "gemeente", region, errors),
        "area": lambda: area(data, errors),
        "hours_per_week": lambda: number(data, "hours_per_week", 1, 40, errors),
        "dutch_required": lambda: choice(data, "dutch_required", CEFR, errors, "A0"),
        "adapted_low_dutch": lambda: flag(data, "adapted_low_dutch", errors),
        "z_route_suitable": lambda: flag(data, "z_route_suitable", errors),
        "for_women": lambda: flag(data, "for_women", errors),
        "childcare": lambda: flag(data, "childcare", errors),
        "skills": lambda: _words(data, "skills", errors),
        "capacity": lambda: number(data, "capacity", 1, 500, errors, whole=True),
        "starts_on": lambda: _iso(day(data, "starts_on", errors, required=False)),
        "ends_on": lambda: _iso(day(data, "ends_on", errors, required=False)),
    }
    details = {name: check() for name, check in checks.items() if not partial or name in data}
    starts, ends = details.get("starts_on"), details.get("ends_on")
    if starts and ends and ends < starts:
        errors.append(field_error("ends_on", "must not be before starts_on"))
    if partial and not details and not errors:
        errors.append(
            field_error("", f"name at least one field to change: {', '.join(PLACEMENT_FIELDS)}")
        )
    raise_if(errors)
    return details


def _iso(on: date | None) -> str | None:
    return on.isoformat() if on else None


# a person's matching profile ----------------------------------------------------------------------
def parse_profile(data: Any) -> dict[str, Any]:
    """What matching may use of the person, as the regievoerder agreed it with them: its shape
    checked by its published model."""
    profile = validated(contract.MatchingProfile, data)
    return {
        "languages": dict(profile.languages),
        "dutch_level": profile.dutch_level,
        "area": profile.area or "",
        "days": sorted(set(profile.days), key=DAYS.index),
        "needs_childcare": profile.needs_childcare,
        "women_only": profile.women_only,
    }


# proposals, the activity log and signals: their shape checked by their published models
# (services.common.fields.validated), then what the contract cannot say --------------------------
def parse_proposal(data: Any) -> dict[str, Any]:
    proposal = validated(ProposalRequest, data)
    return {
        "kind": proposal.kind,
        "candidate_id": str(proposal.candidate_id),
        "note": (proposal.note or "").strip(),
    }


def parse_answer(data: Any) -> dict[str, Any]:
    answer = validated(ProposalAnswer, data)  # declining needs a reason
    return {
        "side": answer.side,
        "accepted": answer.accepted,
        "reason": (answer.reason or "").strip(),
    }


def parse_start(data: Any, today: date) -> dict[str, Any]:
    start = validated(MatchStart, data)
    on = start.on or today
    if on > today:
        raise InvalidInput([field_error("on", f"must not be in the future (today is {today})")])
    return {"on": on, "change_reason": (start.change_reason or "").strip()}


def parse_end(data: Any, kind: str, today: date) -> dict[str, Any]:
    end = validated(MatchEnd, data)
    outcomes = GUIDE_OUTCOMES if kind == "begeleider" else PLACEMENT_OUTCOMES
    if end.outcome not in outcomes:
        raise InvalidInput([field_error("outcome", f"must be one of: {', '.join(outcomes)}")])
    on = end.on or today
    if on > today:
        raise InvalidInput([field_error("on", f"must not be in the future (today is {today})")])
    return {"on": on, "outcome": end.outcome, "reason": end.reason.strip()}


def parse_activity(data: Any, today: date) -> dict[str, Any]:
    """Learning by doing: which PIP goal, what was done, what the person did themselves, and a
    short reflection."""
    activity = validated(ActivityRequest, data)
    on = activity.on or today
    if on > today:
        raise InvalidInput([field_error("on", f"must not be in the future (today is {today})")])
    return {
        "goal_id": activity.goal_id,
        "on": on,
        "activity": activity.activity.strip(),
        "did_themselves": activity.did_themselves.strip(),
        "reflection": activity.reflection.strip(),
    }


def parse_signal(data: Any) -> dict[str, Any]:
    """A guide's signal, and where they referred the person if they did (signaller and
    referrer)."""
    signal = validated(GuidanceSignal, data)
    return {
        "domain": signal.domain,
        "text": signal.text.strip(),
        "sensitivity": signal.sensitivity,
        "referred_to": (signal.referred_to or "").strip(),
    }
