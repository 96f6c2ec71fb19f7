"""Answers as the OpenAPI document describes them (issue 15, Schemathesis' findings): a brede
intake just begun has no leerbaarheidstoets, personal circumstances, route advice or route
choice yet (null), and a PIP shown as it is has no `as_of` (null); each answer validates against
its documented schema."""

from __future__ import annotations

import jsonschema
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from services.gateway.openapi import openapi_document
from tests.e2e.http import send
from tests.platform import eventually, person
from tests.unit.test_brede_intake import EDUCATION

DOCUMENT = "urn:wegwijs:openapi"


def _validator(schema_name: str) -> jsonschema.Validator:
    # An OpenAPI 3.1 schema is JSON Schema 2020-12 (the document itself names no dialect).
    registry = Registry().with_resource(DOCUMENT, DRAFT202012.create_resource(openapi_document()))
    return jsonschema.Draft202012Validator(
        {"$ref": f"{DOCUMENT}#/components/schemas/{schema_name}"},
        registry=registry,
        format_checker=jsonschema.FormatChecker(),
    )


def test_a_new_dossiers_intake_and_draft_pip_answer_as_documented(platform):
    dossier_id = platform.register(person("0344"))
    base = f"/api/v1/dossiers/{dossier_id}/intake"
    assert send(platform, "POST", f"{base}/education", EDUCATION).status_code == 200

    intake = send(platform, "GET", base)
    pip = eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/pip"),
        lambda r: r.status_code == 200,
        what="the draft PIP",
    )

    assert intake.status_code == 200
    assert intake.json()["route_advice"] is None and intake.json()["route_choice"] is None
    assert intake.json()["leerbaarheidstoets"] is None
    assert pip.json()["as_of"] is None
    for answer, schema in ((intake, "BredeIntake"), (pip, "Pip")):
        errors = [e.message for e in _validator(schema).iter_errors(answer.json())]
        assert errors == [], (schema, errors[:5])
