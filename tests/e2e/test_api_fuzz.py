"""Schemathesis generates requests from the published OpenAPI document and sends them to the
running platform, each with a token of a role the operation is for: whatever it sends, the
gateway answers with a documented status, a documented content type and a body that fits the
documented schema, never a server error; it refuses what the document forbids, and takes what
the document allows (or answers 401, 403, 404 or 409 for who asks or what there is).

Bounded (a few examples per operation and mode) so the suite stays fast; `WEGWIJS_FUZZ_EXAMPLES`
raises it for a deeper run.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from services.common.access import allows_role
from services.common.clock import today_in_amsterdam
from services.gateway.auth import issue_token
from services.gateway.openapi import KEY_PARAMETER
from services.gateway.routes import ROUTES

CONTRACT = Path(__file__).resolve().parents[2] / "contracts" / "openapi.json"
EXAMPLES = int(os.environ.get("WEGWIJS_FUZZ_EXAMPLES", "6"))
ROLE_ORDER = (
    "regievoerder",
    "klantmanager",
    "begeleider",
    "coordinator",
    "beleidsmedewerker",
    "auditor",
    "admin",
    "partner",
)
ACTIONS = {route.operation: route.action for route in ROUTES}
KEY_PATTERN = KEY_PARAMETER["schema"]["pattern"]


def _date_rules(document: dict) -> dict[str, tuple[int | None, date | None]]:
    """The fields the document marks `x-not-after: today` (JSON Schema cannot say it), each with
    how many days before today it may be at most (`x-not-before-days-ago`) and the day it may not
    be before (`x-not-before`), where the document says."""
    found: dict[str, tuple[int | None, date | None]] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                if "x-not-after" in (text := json.dumps(prop)):
                    days = re.search(r'"x-not-before-days-ago": (\d+)', text)
                    since = re.search(r'"x-not-before": "([0-9-]{10})"', text)
                    found[name] = (
                        int(days.group(1)) if days else None,
                        date.fromisoformat(since.group(1)) if since else None,
                    )
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


PAST_DATES = _date_rules(json.loads(CONTRACT.read_text(encoding="utf-8")))


def documented_rules(value: object) -> object:
    """A generated body kept within what the document says but JSON Schema cannot, so that a
    refusal is a finding: a date marked not after today (and not before so many days ago), an
    end not before its start (`x-not-before-field`), a consent's end within 3 years of its start
    (the document says so in words), a BSN in the `bsn` format (the 11-proef).
    Schemathesis honours the format while it fuzzes, not in its coverage phase."""
    if isinstance(value, list):
        return [documented_rules(item) for item in value]
    if not isinstance(value, dict):
        return value
    kept = {
        key: _clamped(item, PAST_DATES[key]) if key in PAST_DATES else documented_rules(item)
        for key, item in value.items()
    }
    if _day(kept.get("ends_on")) and _day(kept.get("starts_on")):
        kept["ends_on"] = max(kept["ends_on"], kept["starts_on"])
    if until := _day(kept.get("valid_until")):  # a consent: "At most 3 years after valid_from"
        start = _day(kept.get("valid_from")) or today_in_amsterdam()
        latest = start + timedelta(days=3 * 365)
        kept["valid_until"] = min(max(until, start), latest).isoformat()
    if isinstance(kept.get("bsn"), str) and re.fullmatch("[0-9]{9}", kept["bsn"]):
        kept["bsn"] = _passing_elfproef(int(kept["bsn"]))
    return kept


def _passing_elfproef(number: int) -> str:
    while not passes_elfproef(f"{number:09d}"):
        number = number + 1 if number < 999_999_999 else 100_000_000
    return f"{number:09d}"


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _clamped(value: object, rule: tuple[int | None, date | None]) -> object:
    if isinstance(value, dict):  # a map of dates (training: date done)
        return {key: _clamped(item, rule) for key, item in value.items()}
    day = _day(value)
    if day is None:
        return value
    days_ago, since = rule
    today = today_in_amsterdam()
    earliest = max(
        today - timedelta(days=days_ago) if days_ago is not None else date.min,
        since or date.min,
    )
    return min(max(day, earliest), today).isoformat()


# What JSON Schema cannot say, said as a format: a BSN passes the 11-proef.
def passes_elfproef(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total != 0 and total % 11 == 0


schemathesis.openapi.format(
    "bsn", st.integers(100_000_000, 999_999_999).map(str).filter(passes_elfproef)
)

schema = schemathesis.openapi.from_path(CONTRACT)


def role_for(operation_id: str) -> str:
    """The first role the operation is for (a read of the API's own description: any)."""
    action = ACTIONS.get(operation_id)
    if action is None:
        return "regievoerder"
    return next(role for role in ROLE_ORDER if allows_role(role, action))


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]


def prepare(case: schemathesis.Case) -> None:
    """A case as a client sends it: a new Idempotency-Key for each command (a malformed one is
    left for the gateway to refuse), and the body within what JSON Schema cannot say."""
    key = (case.headers or {}).get("Idempotency-Key")
    if key is not None and re.fullmatch(KEY_PATTERN, key):
        case.headers["Idempotency-Key"] = f'"{uuid.uuid4()}"'
    if isinstance(case.body, dict):
        case.body = documented_rules(case.body)


# The organisation a coordinator's or a partner's token names (claim `org`).
ORGANISATION = "00000003000000000077"


def authorised(case: schemathesis.Case) -> dict[str, str]:
    role = role_for(case.operation.definition.raw.get("operationId", ""))
    organisation = ORGANISATION if role in ("coordinator", "partner") else ""
    token = issue_token(role, ["0344"], user_id=f"fuzz-{role}", organisation=organisation)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.late
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_documented(case, platform):
    prepare(case)
    case.call_and_validate(base_url=platform.url, headers=authorised(case), checks=CHECKS)


@pytest.mark.late
def test_following_the_links_every_step_answers_as_documented(platform):
    """Schemathesis' state machine follows the document's `links`: a registration's id into the
    dossier's sub-resources, a guide's or placement's id into their own, each step checked."""
    workflow = schema.as_state_machine()
    assert workflow.bundles, "the document has no links to follow"

    class Workflow(workflow):
        def before_call(self, case: schemathesis.Case) -> None:
            prepare(case)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict:
            return {"base_url": platform.url, "headers": authorised(case)}

        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Workflow.run(
        settings=settings(
            max_examples=EXAMPLES * 4,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )
