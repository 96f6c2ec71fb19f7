"""The PIP's forms: the values a form starts with (the PIP as the API has it) and the bodies the
API takes (from the values sent). Each form field is named after the API's path of its value
(`leerroute/end_date` is the field `leerroute_end_date`), so the API's problems land at their
fields. A value left empty is left out of the body: the API then says what is required."""

from __future__ import annotations

from typing import Any

from services.contracts import pip as contract

# The empty rows a form shows for more preconditions.
PRECONDITION_ROWS_EMPTY = 1
YES, NO = "ja", "nee"


def _given(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value not in ("", None)}


def _number(value: str) -> int | str:
    """A whole number as a number; anything else as written, for the API to refuse."""
    text = value.strip()
    return int(text) if text.isdigit() else text


def _filled(values: dict[str, Any], name: str, parts: tuple[str, ...]) -> bool:
    return any(str(values.get(f"{name}_{part}", "")).strip() for part in parts)


# who is responsible ------------------------------------------------------------------------
OWNER_PARTS = ("organisation", "role")


def owner_body(values: dict[str, Any], name: str) -> dict[str, Any]:
    return _given(
        organisation=values.get(f"{name}_organisation", ""), role=values.get(f"{name}_role", "")
    )


def owner_values(owner: dict[str, Any] | None, name: str) -> dict[str, str]:
    owner = owner or {}
    return {f"{name}_{part}": str(owner.get(part, "")) for part in OWNER_PARTS}


# the sections ------------------------------------------------------------------------------
LEERROUTE_PARTS = ("route", "language_target", "end_date")
MODULE_PARTS = ("hours", "hours_per_week", "provider_organisation", "provider_role")
ONTZORGEN_PARTS = ("applies", "from", "months", "authorised", "reason")
PRECONDITION_PARTS = ("kind", "description", "arranged_by_organisation", "arranged_by_role")
GUIDANCE_PARTS = ("how", "hours_per_week", "by_organisation", "by_role")
MONITORING_PARTS = ("method", "every_weeks", "by_organisation", "by_role")


def compact_preconditions(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The values with the filled rows of preconditions first, numbered from 0, so that the
    API's numbers (`preconditions/1/kind`) name the rows the form shows."""
    rows, others = [], {}
    name = f"{prefix}preconditions"
    for key, value in values.items():
        if key.startswith(f"{name}_"):
            continue
        others[key] = value
    index = 0
    while any(f"{name}_{index}_{part}" in values for part in PRECONDITION_PARTS):
        if _filled(values, f"{name}_{index}", PRECONDITION_PARTS):
            rows.append(
                {part: values.get(f"{name}_{index}_{part}", "") for part in PRECONDITION_PARTS}
            )
        index += 1
    for i, row in enumerate(rows):
        others |= {f"{name}_{i}_{part}": value for part, value in row.items()}
    return others


def sections_body(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The sections the form fills in, each whole (the preconditions compacted first): a section
    left empty is left out, the preconditions are always there (an empty list: none)."""
    body: dict[str, Any] = {}
    name = f"{prefix}leerroute"
    if _filled(values, name, (*LEERROUTE_PARTS, "provider_organisation", "provider_role")):
        body["leerroute"] = _given(
            route=values.get(f"{name}_route", ""),
            language_target=values.get(f"{name}_language_target", ""),
            end_date=values.get(f"{name}_end_date", ""),
        )
        provider = owner_body(values, f"{name}_provider")
        if provider:
            body["leerroute"]["provider"] = provider
    modules = {}
    for module in contract.MODULES:
        name = f"{prefix}modules_{module}"
        if _filled(values, name, MODULE_PARTS):
            modules[module] = _given(
                hours=_number(values.get(f"{name}_hours", "")),
                hours_per_week=_number(values.get(f"{name}_hours_per_week", "")),
                provider=owner_body(values, f"{name}_provider"),
            )
    if modules:
        body["modules"] = modules
    name = f"{prefix}ontzorgen"
    if _filled(values, name, ONTZORGEN_PARTS):
        applies = values.get(f"{name}_applies", "")
        if applies == YES:
            body["ontzorgen"] = _given(
                applies=True,
                **{"from": values.get(f"{name}_from", "")},
                months=_number(values.get(f"{name}_months", "")),
                authorised=values.get(f"{name}_authorised") == YES,
            )
        elif applies == NO:
            body["ontzorgen"] = _given(applies=False, reason=values.get(f"{name}_reason", ""))
        else:
            body["ontzorgen"] = {}
    name = f"{prefix}preconditions"
    body["preconditions"] = [
        _given(
            kind=values.get(f"{name}_{i}_kind", ""),
            description=values.get(f"{name}_{i}_description", ""),
            arranged_by=owner_body(values, f"{name}_{i}_arranged_by"),
        )
        for i in range(_rows(values, name))
    ]
    name = f"{prefix}guidance"
    if _filled(values, name, GUIDANCE_PARTS):
        body["guidance"] = _given(
            by=owner_body(values, f"{name}_by"),
            how=values.get(f"{name}_how", ""),
            hours_per_week=_number(values.get(f"{name}_hours_per_week", "")),
        )
    name = f"{prefix}monitoring"
    if _filled(values, name, MONITORING_PARTS):
        body["monitoring"] = _given(
            method=values.get(f"{name}_method", ""),
            every_weeks=_number(values.get(f"{name}_every_weeks", "")),
            by=owner_body(values, f"{name}_by"),
        )
    return body


def _rows(values: dict[str, Any], name: str) -> int:
    """How many filled rows of `name` the (compacted) values have."""
    count = 0
    while _filled(values, f"{name}_{count}", PRECONDITION_PARTS):
        count += 1
    return count


def sections_values(plan: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """The form's values for the sections as the plan has them."""
    values: dict[str, str] = {}
    leerroute = plan.get("leerroute")
    if leerroute:
        name = f"{prefix}leerroute"
        values |= {f"{name}_{part}": str(leerroute.get(part) or "") for part in LEERROUTE_PARTS}
        if leerroute.get("provider"):
            values |= owner_values(leerroute["provider"], f"{name}_provider")
    for module, planned in (plan.get("modules") or {}).items():
        name = f"{prefix}modules_{module}"
        values |= {
            f"{name}_hours": str(planned["hours"]),
            f"{name}_hours_per_week": str(planned["hours_per_week"]),
            **owner_values(planned["provider"], f"{name}_provider"),
        }
    ontzorgen = plan.get("ontzorgen")
    if ontzorgen:
        name = f"{prefix}ontzorgen"
        values[f"{name}_applies"] = YES if ontzorgen["applies"] else NO
        values[f"{name}_from"] = str(ontzorgen.get("from") or "")
        values[f"{name}_months"] = str(ontzorgen.get("months") or "")
        values[f"{name}_authorised"] = YES if ontzorgen.get("authorised") else ""
        values[f"{name}_reason"] = ontzorgen.get("reason") or ""
    for i, precondition in enumerate(plan.get("preconditions") or []):
        name = f"{prefix}preconditions_{i}"
        values |= {
            f"{name}_kind": precondition["kind"],
            f"{name}_description": precondition["description"],
            **owner_values(precondition["arranged_by"], f"{name}_arranged_by"),
        }
    guidance = plan.get("guidance")
    if guidance:
        name = f"{prefix}guidance"
        values |= {
            f"{name}_how": guidance["how"],
            f"{name}_hours_per_week": str(guidance["hours_per_week"]),
            **owner_values(guidance["by"], f"{name}_by"),
        }
    monitoring = plan.get("monitoring")
    if monitoring:
        name = f"{prefix}monitoring"
        values |= {
            f"{name}_method": monitoring["method"],
            f"{name}_every_weeks": str(monitoring["every_weeks"]),
            **owner_values(monitoring["by"], f"{name}_by"),
        }
    return values


def precondition_rows(values: dict[str, Any], prefix: str = "") -> int:
    """How many rows of preconditions a form shows: those filled in and an empty one."""
    return _rows(values, f"{prefix}preconditions") + PRECONDITION_ROWS_EMPTY


# goals -------------------------------------------------------------------------------------
GOAL_PARTS = ("description", "measure", "domain", "term", "phase", "due_on")


def goal_body(values: dict[str, Any], prefix: str = "", change: bool = False) -> dict[str, Any]:
    """A goal from the form (`prefix` before each field); a change says `prevention` either
    way, a new goal only when it is one."""
    body = _given(
        **{part: values.get(f"{prefix}{part}", "") for part in GOAL_PARTS},
        owner=owner_body(values, f"{prefix}owner"),
    )
    if "phase" in body:
        body["phase"] = _number(body["phase"])
    prevention = values.get(f"{prefix}prevention") == YES
    if change or prevention:
        body["prevention"] = prevention
    return body


def goal_values(goal: dict[str, Any], prefix: str = "") -> dict[str, str]:
    return {
        **{f"{prefix}{part}": str(goal[part]) for part in GOAL_PARTS},
        **owner_values(goal["owner"], f"{prefix}owner"),
        f"{prefix}prevention": YES if goal.get("prevention") else "",
    }


def new_goal_given(values: dict[str, Any], prefix: str) -> bool:
    return _filled(values, prefix.rstrip("_"), (*GOAL_PARTS, "owner_organisation", "owner_role"))


# a revision --------------------------------------------------------------------------------
# What a revision may change of each goal on its form.
REVISED_GOAL_PARTS = ("phase", "due_on")
NEW_GOAL = "add_goals_0_"


def revision_values(pip: dict[str, Any]) -> dict[str, Any]:
    """A revision's form as it starts: the plan in force, nothing withdrawn."""
    values: dict[str, Any] = {
        **sections_values(pip["plan"], "sections_"),
        "withdraw_goals": [],
    }
    for goal in pip["plan"]["goals"]:
        name = f"change_goals_{goal['id']}"
        values |= {f"{name}_{part}": str(goal[part]) for part in REVISED_GOAL_PARTS}
        values |= owner_values(goal["owner"], f"{name}_owner")
    return values


def revision_body(values: dict[str, Any], pip: dict[str, Any]) -> dict[str, Any]:
    """The revision the form asks for: its kind, reason and date, the sections that differ from
    the plan in force, the goals changed, withdrawn and added, and the evidence its kind needs."""
    before = revision_values(pip)
    body = _given(
        kind=values.get("kind", ""),
        explanation=values.get("explanation", ""),
        decided_on=values.get("decided_on", ""),
        backdating_reason=values.get("backdating_reason", ""),
    )
    now, then = sections_body(values, "sections_"), sections_body(before, "sections_")
    sections = {name: section for name, section in now.items() if section != then.get(name)}
    if sections:
        body["sections"] = sections
    changes = {}
    for goal in pip["plan"]["goals"]:
        name = f"change_goals_{goal['id']}"
        change = {
            part: values.get(f"{name}_{part}", "")
            for part in REVISED_GOAL_PARTS
            if values.get(f"{name}_{part}", "") != before[f"{name}_{part}"]
        }
        if "phase" in change:
            change["phase"] = _number(change["phase"])
        owner = owner_body(values, f"{name}_owner")
        if owner != owner_body(before, f"{name}_owner"):
            change["owner"] = owner
        if change:
            changes[goal["id"]] = change
    if changes:
        body["change_goals"] = changes
    if values.get("withdraw_goals"):
        body["withdraw_goals"] = list(values["withdraw_goals"])
    if new_goal_given(values, NEW_GOAL):
        body["add_goals"] = [goal_body(values, NEW_GOAL)]
    kind = values.get("kind")
    if kind == "afschalen":
        body["evidence"] = _given(
            nt2_hours=_number(values.get("evidence_nt2_hours", "")),
            school=values.get("evidence_school", ""),
            certified=values.get("evidence_certified") == YES,
            effort=values.get("evidence_effort", ""),
        )
    elif kind == "verhuizing":
        body["evidence"] = _given(to_gemeente=values.get("evidence_to_gemeente", ""))
    return body
