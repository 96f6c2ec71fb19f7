"""What makes a plan a PIP that can be decided, and what a revision may change. No I/O: the
aggregate asks these before it records an establishment or a revision."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from services.common.errors import Conflict, InvalidInput, field_error
from services.contracts.pip import AFSCHALEN_TARGET
from services.pip import rules
from services.pip.contents import HEALTH_DOMAIN

REQUIRED_SECTIONS = ("leerroute", "modules", "ontzorgen", "guidance", "monitoring")


def plan_problems(
    plan: dict[str, Any],
    decided_on: date,
    termijn_end: date,
    check_goals: dict[str, str] | None = None,
) -> list[dict[str, str]]:
    """What keeps `plan` from being a PIP decided on `decided_on`. `check_goals` limits the
    due-date check to those goals, each named as the caller knows it (a revision leaves earlier
    goals' dates alone); by default every goal is checked."""
    errors = [
        field_error(section, "is required before the PIP can be established")
        for section in REQUIRED_SECTIONS
        if section not in plan
    ]
    if "leerroute" in plan:
        route = rules.ROUTES[plan["leerroute"]["route"]]
        end = plan["leerroute"]["end_date"]
        if not decided_on < end <= termijn_end:
            errors.append(
                field_error(
                    "leerroute.end_date",
                    f"must be after {decided_on} and within the inburgeringstermijn "
                    f"(until {termijn_end})",
                )
            )
        if "modules" in plan:
            errors += [field_error(f, d) for f, d in rules.module_problems(route, plan["modules"])]
    goals = plan["goals"]
    if not goals:
        errors.append(field_error("goals", "a PIP needs at least one goal, each with an owner"))
    elif not any(g["domain"] == HEALTH_DOMAIN for g in goals.values()):
        errors.append(
            field_error(
                "goals",
                "a PIP needs at least one goal on health (domain gezondheid), prevention included",
            )
        )
    labels = check_goals if check_goals is not None else {g: f"goals.{g}" for g in goals}
    for goal_id, label in labels.items():
        if goals[goal_id]["due_on"] <= decided_on:
            errors.append(field_error(f"{label}/due_on", f"must be after {decided_on}"))
    return errors


def establishment_problems(plan: dict[str, Any], decided_on: date) -> list[dict[str, str]]:
    """What keeps `plan` from being established on `decided_on`."""
    errors = plan_problems(plan, decided_on, rules.termijn(decided_on)[1])
    leerroute = plan.get("leerroute")
    if leerroute and leerroute["language_target"] not in (
        rules.ROUTES[leerroute["route"]].language_targets
    ):
        errors.append(
            field_error(
                "leerroute.language_target",
                "A2 in the B1-route comes only from afschalen, by a revision",
            )
        )
    return errors


def revised_plan(
    current: dict[str, Any],
    sections: dict[str, Any],
    add_goals: dict[str, dict[str, Any]],
    change_goals: dict[str, dict[str, Any]],
    withdraw_goals: list[str],
) -> dict[str, Any]:
    """A new plan: `current` with the sections replaced and the goals added, changed and
    withdrawn (a copy: the current version stays as it was)."""
    plan = copy.deepcopy(current)
    plan.update(copy.deepcopy(sections))
    goals = plan["goals"]
    unknown = [g for g in (*change_goals, *withdraw_goals) if g not in goals]
    if unknown:
        raise InvalidInput([field_error("goals", f"not goals of this PIP: {', '.join(unknown)}")])
    for goal_id, changes in change_goals.items():
        goals[goal_id].update(copy.deepcopy(changes))
    for goal_id in withdraw_goals:
        del goals[goal_id]
    for goal_id, goal in add_goals.items():
        goals[goal_id] = {"id": goal_id, **copy.deepcopy(goal)}
    return plan


def check_revision(
    kind: str,
    decided_on: date,
    established_on: date,
    current: dict[str, Any],
    plan: dict[str, Any],
    evidence: dict[str, Any],
    recorded_on: date,
    nt2_hours_logged: int,
) -> None:
    """A revision's kind must match what it changes, within the law's limits: a route switch
    recorded within the termijn's first 18 months, afschalen on the hours the PIP's log holds
    (`nt2_hours_logged`, up to `decided_on`)."""
    route_before, route_after = current["leerroute"]["route"], plan["leerroute"]["route"]
    target_before = current["leerroute"]["language_target"]
    target_after = plan["leerroute"]["language_target"]
    switches = route_before != route_after
    lowered = ("b1", AFSCHALEN_TARGET)
    lowers = (route_after, target_after) == lowered and (route_before, target_before) != lowered
    if kind == "verhuizing" and (switches or target_before != target_after):
        raise InvalidInput(
            [field_error("sections/leerroute", "stays the same on a move to another gemeente")]
        )
    if lowers and kind != "afschalen":
        raise InvalidInput(
            [
                field_error(
                    "kind",
                    "must be afschalen to reach A2 in the B1-route (a route switch goes to B1 "
                    "at B1 first)",
                )
            ]
        )
    if switches and kind != "routewijziging":
        raise InvalidInput(
            [field_error("kind", "must be routewijziging when the leerroute changes")]
        )
    if kind == "routewijziging":
        if not switches:
            raise InvalidInput(
                [
                    field_error(
                        "sections.leerroute.route", f"must differ from the current {route_before}"
                    )
                ]
            )
        last_day = rules.last_route_switch_day(established_on)
        if recorded_on > last_day:
            # decided_on <= recorded_on: a switch dated past the limit is recorded past it too.
            raise Conflict(
                f"a route switch is allowed up to 1.5 years into the inburgeringstermijn, "
                f"so until {last_day}; this PIP was established on {established_on}. It is "
                f"recorded today ({recorded_on}): a switch recorded after that day is refused, "
                f"whatever its decided_on ({decided_on}) or backdating_reason says"
            )
    if kind == "afschalen":
        if not lowers:
            raise InvalidInput(
                [
                    field_error(
                        "sections.leerroute.language_target",
                        "afschalen lowers a B1-route's target from B1 to A2",
                    )
                ]
            )
        check_afschalen_hours(evidence.get("nt2_hours"), nt2_hours_logged, decided_on)


def check_afschalen_hours(typed: int | None, logged: int, decided_on: date) -> None:
    """Afschalen counts the NT2 hours the PIP's log holds; a typed figure must be the same."""
    module = rules.AFSCHALEN_HOURS_MODULE
    where = f"POST .../pip/modules/{module}/hours"
    if typed is not None and typed != logged:
        raise InvalidInput(
            [
                field_error(
                    "evidence/nt2_hours",
                    f"says {typed} hours of NT2, but the PIP's log of {module} hours holds "
                    f"{logged} up to {decided_on}: afschalen counts the log. Record the missing "
                    f"hours in the log ({where}) or correct the figure, then revise again",
                )
            ]
        )
    if logged < rules.AFSCHALEN_MIN_NT2_HOURS:
        raise InvalidInput(
            [
                field_error(
                    "evidence/nt2_hours",
                    f"afschalen needs at least {rules.AFSCHALEN_MIN_NT2_HOURS} hours of NT2 at a "
                    f"certified school; the PIP's log of {module} hours holds {logged} up to "
                    f"{decided_on} ({where})",
                )
            ]
        )
