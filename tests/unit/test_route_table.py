"""The gateway is a route table: one declaration per route, from which both the entrypoints and
the OpenAPI document are made."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.contracts import intake as c
from services.contracts.base import field_errors
from services.gateway.openapi import openapi_document
from services.gateway.routes import ROUTES


def _operations(document):
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                yield operation


def test_every_link_names_an_operation_and_its_parameters():
    document = openapi_document()
    operations = {op["operationId"]: op for op in _operations(document)}
    linked = 0
    for operation in operations.values():
        for response in operation["responses"].values():
            for name, link in response.get("links", {}).items():
                target = operations.get(link["operationId"])
                assert target is not None, (operation["operationId"], name)
                parameters = {p["name"] for p in target.get("parameters", ())}
                assert set(link["parameters"]) <= parameters, (operation["operationId"], name)
                linked += 1
    assert linked >= 6


def test_each_route_is_declared_once_and_has_its_own_operation():
    keys = [(route.method, route.path) for route in ROUTES]
    assert len(keys) == len(set(keys))
    assert len({route.operation for route in ROUTES}) == len(ROUTES)


def test_every_command_route_that_takes_a_body_names_its_model():
    for route in ROUTES:
        if route.method in ("POST", "PUT", "PATCH"):
            # Completing, establishing and ending a subscription say all there is by their path.
            nothing_to_say = ("/complete", "/establish", "/subscriptions/{subscription_id}/end")
            assert route.body is not None or route.path.endswith(nothing_to_say), route.operation


def test_a_refused_body_names_each_field_in_the_services_words():
    with pytest.raises(ValidationError) as refused:
        c.Registration.model_validate_json(
            '{"bsn": "12", "given_name": "", "languages": [{"language": "ti", "level": "B9"}],'
            ' "birth_date": "1990-02-30", "inburgeringsplicht": "yes", "colour": 1}'
        )
    errors = {e["field"]: e["detail"] for e in field_errors(refused.value)}
    assert errors["bsn"] == "must match ^[0-9]{9}$"
    assert errors["given_name"] == "must not be empty"
    assert errors["v_nummer"] == "is required"
    assert errors["languages/0/level"].startswith("must be one of: A0, A1")
    assert errors["birth_date"] == "must be a date written as YYYY-MM-DD"
    assert errors["inburgeringsplicht"] == "must be true or false"
    assert errors["colour"] == "is not a field of this request"


def test_the_body_itself_must_be_an_object():
    with pytest.raises(ValidationError) as refused:
        c.Registration.model_validate_json("[1, 2]")
    assert field_errors(refused.value) == [
        {"field": "", "detail": "the body must be a JSON object"}
    ]


def test_every_committed_generated_document_is_what_wegwijs_contracts_makes(tmp_path):
    from services.tools import contracts

    assert contracts.stale() == [], "run `wegwijs contracts`"
    (tmp_path / "infra").mkdir()
    register = contracts.ROOT / contracts.REGISTER_FILE
    (tmp_path / contracts.REGISTER_FILE).write_text(register.read_text(encoding="utf-8"))
    written = contracts.write(tmp_path)  # the register, copied as it is, is not stale
    assert sorted(written) == sorted(set(contracts.documents()) - {contracts.REGISTER_FILE})
    assert contracts.stale(tmp_path) == []


def test_every_example_in_the_document_is_taken_by_its_model():
    import json

    bodies = {route.body for route in ROUTES if route.body is not None}
    shown = 0
    for model in bodies:
        extra = model.model_config.get("json_schema_extra")
        for example in (extra or {}).get("examples", []) if isinstance(extra, dict) else []:
            model.model_validate_json(json.dumps(example))
            shown += 1
    assert shown >= 3
