"""Schemathesis generates requests from the published OpenAPI document and sends them to the
running platform, each with a token of a role the operation is for: whatever it sends, the
gateway answers with a documented status, a documented content type and a body that fits the
documented schema, never a server error, and refuses what the document forbids.

Bounded (a few examples per operation and mode) so the suite stays fast; `WEGWIJS_FUZZ_EXAMPLES`
raises it for a deeper run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from services.common.access import allows_role
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


@pytest.mark.late
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_documented(case, platform):
    role = role_for(case.operation.definition.raw.get("operationId", ""))
    case.call_and_validate(
        base_url=platform.url,
        headers={"Authorization": f"Bearer {platform.token(role, '0344')}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
        ],
    )
