"""What people send to matching: a guide, a placement, a person's matching profile, a proposal and
its answers, an activity and a signal, each checked by its published model
(services.common.fields.validated), then for what the contract cannot say. Each parser returns the
clean value or raises InvalidInput naming every wrong field and what it accepts. No I/O."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, get_args

from pydantic import BaseModel

from services.common.errors import InvalidInput, field_error
from services.common.fields import validated
from services.contracts import matching as contract
from services.contracts.matching import (
    ActivityRequest,
    GuidanceSignal,
    GuideChange,
    GuideDetails,
    MatchEnd,
    MatchStart,
    PlacementChange,
    PlacementDetails,
    ProposalAnswer,
    ProposalRequest,
)
from services.contracts.values import PIEZO_PHASES, ROUTES

Errors = list[dict[str, str]]

# Each enumeration as matching's contract defines it (services/contracts/matching.py). The PIP's
# routes and phases are the chain's; its goal domains come from pip's event contract: a guide's
# interests are matched against them.
DAYS: tuple[str, ...] = get_args(contract.Day)
PHASES: tuple[int, ...] = PIEZO_PHASES
GOAL_DOMAINS: tuple[str, ...] = get_args(contract.GoalDomain)
SIGNAL_DOMAINS: tuple[str, ...] = get_args(contract.SignalDomain)
CANDIDATE_KINDS: tuple[str, ...] = get_args(contract.CandidateKind)
GUIDE_OUTCOMES: tuple[str, ...] = get_args(contract.GuideOutcome)
PLACEMENT_OUTCOMES: tuple[str, ...] = get_args(contract.PlacementOutcome)


def raise_if(errors: Errors) -> None:
    if errors:
        raise InvalidInput(errors)


# a guide and a placement: their shape checked by their published models (the details, or the
# change that names only what changes), then what the contract cannot say ----------------------
def parse_guide(data: Any, region: tuple[str, ...], today: date, partial: bool = False) -> dict:
    """A guide's details; `partial` for a change naming only what changes. Then the gemeenten
    of this region, and a VOG and training not in the future. Dates as ISO text."""
    details = _named(validated(GuideChange if partial else GuideDetails, data), partial)
    errors: Errors = []
    if "gemeenten" in details:
        if not set(details["gemeenten"]) <= set(region):
            errors.append(
                field_error("gemeenten", f"must be a non-empty list of: {', '.join(region)}")
            )
        else:
            details["gemeenten"] = sorted(set(details["gemeenten"]), key=region.index)
    vog = details.get("vog_issued_on")
    if vog is not None and vog > today:
        errors.append(_future("vog_issued_on", today))
    for name, done in details.get("training", {}).items():
        if done > today:
            errors.append(_future(f"training/{name}", today))
    raise_if(errors)
    return _cleaned(details, _GUIDE_VALUES)


def parse_placement(data: Any, region: tuple[str, ...], partial: bool = False) -> dict[str, Any]:
    """A placement's details; `partial` for a change naming only what changes. Then a gemeente
    of this region, and an end not before the start. Dates as ISO text."""
    details = _named(validated(PlacementChange if partial else PlacementDetails, data), partial)
    errors: Errors = []
    if "gemeente" in details and details["gemeente"] not in region:
        errors.append(field_error("gemeente", f"must be one of: {', '.join(region)}"))
    starts, ends = details.get("starts_on"), details.get("ends_on")
    if starts and ends and ends < starts:
        errors.append(field_error("ends_on", "must not be before starts_on"))
    raise_if(errors)
    return _cleaned(details, _PLACEMENT_VALUES)


def _named(given: BaseModel, partial: bool) -> dict[str, Any]:
    """Every field of the details, or only those a change names, in the model's order."""
    named = given.model_fields_set if partial else type(given).model_fields
    return {name: getattr(given, name) for name in type(given).model_fields if name in named}


def _cleaned(details: dict[str, Any], clean: Mapping[str, Callable[[Any], Any]]) -> dict:
    return {name: clean.get(name, _same)(value) for name, value in details.items()}


def _future(field: str, today: date) -> dict[str, str]:
    return field_error(field, f"must not be in the future (today is {today})")


def _same(value: Any) -> Any:
    return value


def _none_as_empty(value: str | None) -> str:
    return value or ""


def _hours(value: float) -> float:
    """Whole hours as a whole number (4, not 4.0): the model reads every number as a float."""
    return int(value) if value == int(value) else value


def _words(value: list[str]) -> list[str]:
    return sorted({word.strip().lower() for word in value})


def _iso(on: date | None) -> str | None:
    return on.isoformat() if on else None


def _in_order(allowed: tuple[Any, ...]) -> Callable[[list[Any]], list[Any]]:
    """Each value once, in the contract's order."""
    return lambda values: sorted(set(values), key=allowed.index)


_GUIDE_VALUES: dict[str, Callable[[Any], Any]] = {
    "name": str.strip,
    "user_id": _none_as_empty,
    "languages": dict,
    "area": _none_as_empty,
    "hours_per_week": _hours,
    "days": _in_order(DAYS),
    "interests": _in_order(GOAL_DOMAINS),
    "skills": _words,
    "phases": _in_order(PHASES),
    "routes": _in_order(ROUTES),
    "training": lambda done: {name: on.isoformat() for name, on in done.items()},
    "vog_issued_on": _iso,
}
_PLACEMENT_VALUES: dict[str, Callable[[Any], Any]] = {
    "title": str.strip,
    "area": _none_as_empty,
    "hours_per_week": _hours,
    "skills": _words,
    "starts_on": _iso,
    "ends_on": _iso,
}


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
