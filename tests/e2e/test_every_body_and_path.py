"""Every operation of the OpenAPI document, fed what it does not take: each documented body
property as an object, as a list and as text with a NUL, and each path parameter with a NUL,
is answered with a 4xx problem document (never a 5xx) and stores nothing.

The operations and their properties come from the document itself, so a new operation is
covered as soon as it is documented; the table below says who may call it and on what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest

from services.common.clock import today_in_amsterdam
from services.gateway.openapi import openapi_document
from tests.e2e.http import as_role, send
from tests.e2e.test_input_hygiene import stored
from tests.e2e.test_matching import (  # noqa: F401 - organisations is a fixture
    GUIDES_ORG,
    PLACES_ORG,
    _guide,
    _guide_user,
    _match,
    _placement,
    _semhar,
    organisations,
)
from tests.e2e.test_pip import _completed_intake, _draft
from tests.platform import person

DOCUMENT = openapi_document()
METHODS = ("get", "post", "put", "patch", "delete")
GUIDE_USER = "e2e-hygiene-guide"
NUL_TEXT = "a\u0000b"

# Who calls each operation that takes a body: (role, organisation; "guide": the active guide).
CALLERS: dict[str, tuple[str, str]] = {
    **{
        op: ("regievoerder", "")
        for op in [
            "registerDossier",
            "correctDossier",
            "assignRegievoerder",
            "proposeMove",
            "acceptMove",
            "declineMove",
            "leaveRegion",
            "putLeerbaarheidstoets",
            "putLeerbaarheidstoetsExemption",
            "postEducation",
            "postWork",
            "putPersonalCircumstances",
            "putLifeDomainHuisvesting",
            "putLifeDomainGezondheid",
            "putLifeDomainFinancien",
            "putLifeDomainGezin",
            "putLifeDomainSociaalNetwerk",
            "putLifeDomainVerblijfsintentie",
            "putLifeDomainVerwachtingen",
            "putLifeDomainWerkEnReintegratie",
            "putLifeDomainParticipatieEnAmbities",
            "putLifeDomainOnderwijsKinderen",
            "closePracticalItem",
            "closeChecklistItem",
            "planConversation",
            "putAttendance",
            "excuseAbsence",
            "decideSanction",
            "completeBredeIntake",
            "putRoute",
            "changePipSections",
            "addGoal",
            "changeGoal",
            "requestExtension",
            "informationArrived",
            "establishPip",
            "revisePip",
            "recordGoalProgress",
            "recordModuleHours",
            "recordBreach",
            "decideMeasure",
            "giveConsent",
            "changeConsent",
            "withdrawConsent",
            "decideSharing",
            "setMatchingProfile",
            "propose",
            "answerProposal",
            "startMatch",
            "endMatch",
        ]
    },
    "giveSignal": ("huisarts", ""),
    "recordParticipatiewetDecision": ("klantmanager", ""),
    "registerPartner": ("admin", ""),
    "subscribePartner": ("admin", ""),
    "registerGuide": ("coordinator", GUIDES_ORG),
    "changeGuide": ("coordinator", GUIDES_ORG),
    "withdrawGuide": ("coordinator", GUIDES_ORG),
    "offerPlacement": ("coordinator", PLACES_ORG),
    "changePlacement": ("coordinator", PLACES_ORG),
    "closePlacement": ("coordinator", PLACES_ORG),
    "logActivity": ("guide", GUIDES_ORG),
    "giveGuidanceSignal": ("guide", GUIDES_ORG),
}


def _operations(with_body: bool) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
        if method in METHODS and ("requestBody" in operation) == with_body
    ]


def _schema(ref_or_schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in ref_or_schema:
        return DOCUMENT["components"]["schemas"][ref_or_schema["$ref"].rpartition("/")[2]]
    return ref_or_schema


def _properties(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The documented body properties a client sends (not the read-only ones an answer
    holds), of every alternative of a oneOf too."""
    schema = _schema(operation["requestBody"]["content"]["application/json"]["schema"])
    found = dict(schema.get("properties", {}))
    for alternative in schema.get("oneOf", []):
        found.update(_schema(alternative).get("properties", {}))
    return {name: s for name, s in found.items() if not _schema(s).get("readOnly")}


def _types(schema: dict[str, Any]) -> set[str]:
    declared = _schema(schema).get("type", ())
    return {declared} if isinstance(declared, str) else set(declared)


def plausible(schema: dict[str, Any]) -> Any:
    """A value of the documented shape (not necessarily one the service takes)."""
    schema = _schema(schema)
    if "enum" in schema:
        return schema["enum"][0]
    if "examples" in schema:
        return schema["examples"][0]
    if schema.get("format") == "date":
        return today_in_amsterdam().isoformat()
    if schema.get("format") == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    types = _types(schema)
    for kind, value in (("boolean", True), ("integer", 1), ("number", 1), ("string", "x")):
        if kind in types:
            return value
    if "array" in types:
        return [plausible(schema["items"])] if "items" in schema else []
    if "object" in types:
        return {name: plausible(s) for name, s in schema.get("properties", {}).items()}
    return "x"


def wrong_values(schema: dict[str, Any]) -> dict[str, Any]:
    """What the property does not take: an object, a list, text with a NUL (inside an object
    or a list where those are what it takes)."""
    types = _types(schema)
    values: dict[str, Any] = {"text with NUL": NUL_TEXT}
    values["object"] = {"x": NUL_TEXT} if "object" in types else {}
    values["list"] = [NUL_TEXT] if "array" in types else []
    return values


@pytest.fixture(scope="module")
def world(platform, organisations) -> dict[str, str]:  # noqa: F811
    """A resource for every path parameter: a person with an established PIP, a started match
    and a consent; one with a draft PIP; one halfway through the brede intake; a guide, a
    placement, a proposal, a breach, a planned conversation."""
    today = today_in_amsterdam()
    matched = _semhar(platform)
    guide_id = _guide(platform, "Hygiëne", user_id=GUIDE_USER, languages={"ti": "C2"})
    started = _match(platform, matched, "begeleider", guide_id, GUIDES_ORG)
    start = f"/api/v1/dossiers/{matched}/proposals/{started['id']}/start"
    assert send(platform, "POST", start, {}).status_code == 200
    placement_id = _placement(platform, "Hygiëne", capacity=3)
    proposed = send(
        platform,
        "POST",
        f"/api/v1/dossiers/{matched}/proposals",
        {"kind": "plaatsing", "candidate_id": placement_id},
    )
    assert proposed.status_code == 201, proposed.text
    pip = f"/api/v1/dossiers/{matched}/pip"
    breach = {"obligation": "Taalles", "description": "Twee weken afwezig."}
    assert send(platform, "POST", f"{pip}/breaches", breach).status_code == 201
    goals = send(platform, "GET", pip).json()["plan"]["goals"]
    consents = send(platform, "GET", f"/api/v1/dossiers/{matched}/consents").json()

    drafted = _completed_intake(platform, today - timedelta(weeks=6))
    _draft(platform, drafted, today)
    draft_goals = send(platform, "GET", f"/api/v1/dossiers/{drafted}/pip").json()["plan"]["goals"]

    halfway = platform.register(person("0344"))
    planned = send(
        platform,
        "POST",
        f"/api/v1/dossiers/{halfway}/intake/conversations",
        {"planned_on": today.isoformat(), "purpose": "Brede intake"},
    )
    assert planned.status_code == 200, planned.text
    platform.wait_ledger_complete()
    return {
        "matched": matched,
        "drafted": drafted,
        "halfway": halfway,
        "goal_id": goals[0]["id"],
        "draft_goal_id": draft_goals[0]["id"],
        "consent_id": consents["consents"][0]["id"],
        "guide_id": guide_id,
        "placement_id": placement_id,
        "proposal_id": proposed.json()["id"],
    }


def _path(path: str, world: dict[str, str]) -> str:
    """The path with a real resource for each parameter."""
    dossier = world["halfway"] if "/intake" in path or path.endswith("/signals") else ""
    if "/pip" in path and "/pip/goals/{goal_id}/progress" not in path:
        dossier = world["drafted"]
    if any(part in path for part in ("/revisions", "/breaches", "/progress", "/modules")):
        dossier = world["matched"]
    if any(part in path for part in ("/consents", "/proposals", "/guidance", "/matching")):
        dossier = world["matched"]
    goal = world["goal_id"] if dossier == world["matched"] else world["draft_goal_id"]
    values = {
        "dossier_id": dossier or world["halfway"],
        "goal_id": goal,
        "consent_id": world["consent_id"],
        "guide_id": world["guide_id"],
        "placement_id": world["placement_id"],
        "proposal_id": world["proposal_id"],
        "domain": "huisvesting",
        "item": "huurtoeslag-aanvragen",
        "step": "waarschuwing",
        "module": "nt2",
        "number": "1",
        "oin": GUIDES_ORG,
    }
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def _headers(operation_id: str) -> dict[str, str]:
    role, organisation = CALLERS[operation_id]
    if role == "guide":
        return _guide_user(GUIDE_USER)
    return as_role(role, "0344", organisation)


def test_every_operation_with_a_body_has_a_caller_in_the_table():
    documented = {op["operationId"] for _, _, op in _operations(with_body=True)}
    assert documented == set(CALLERS), "a new operation needs a row in CALLERS"


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    _operations(with_body=True),
    ids=[op["operationId"] for _, _, op in _operations(with_body=True)],
)
def test_a_body_property_of_the_wrong_shape_is_a_4xx_problem_and_stores_nothing(
    platform, world, method, path, operation
):
    target = _path(path, world)
    headers = _headers(operation["operationId"])
    properties = _properties(operation)
    base = {name: plausible(schema) for name, schema in properties.items()}
    bodies = {"the body as a list": [base], "the body as text": NUL_TEXT}
    for name, schema in sorted(properties.items()):
        for kind, value in wrong_values(schema).items():
            bodies[f"{name} as {kind}"] = {**base, name: value}
    wrong = []
    for what, body in bodies.items():
        before = stored(platform)
        answer = send(platform, method, target, body, headers)
        problem = answer.headers.get("Content-Type") == "application/problem+json"
        if not (400 <= answer.status_code < 500 and problem) or stored(platform) != before:
            wrong.append(f"{what}: {answer.status_code} {answer.text[:200]}")
    assert not wrong, "\n".join(wrong)


WITH_PATH_PARAMETERS = [o for o in _operations(True) + _operations(False) if "{" in o[1]]


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    WITH_PATH_PARAMETERS,
    ids=[op["operationId"] for _, _, op in WITH_PATH_PARAMETERS],
)
def test_a_nul_in_a_path_parameter_is_a_404_problem(platform, method, path, operation):
    headers = as_role("regievoerder")
    for parameter in [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]:
        target = path.replace("{" + parameter + "}", quote(NUL_TEXT))
        for other in [p["name"] for p in operation["parameters"] if p["in"] == "path"]:
            target = target.replace("{" + other + "}", "1")
        answer = send(platform, method, target, None, headers)
        assert answer.status_code == 404, (target, answer.status_code, answer.text)
        assert answer.headers["Content-Type"] == "application/problem+json"
