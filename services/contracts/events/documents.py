"""The event documents made from the register: each event type's JSON Schema (the CloudEvents
envelope with its `data` inlined, self-contained but for the shared envelope, which Ajv and
Python's jsonschema both resolve by `$id`), pip's plan outline, and the category map."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from services.contracts.categories_vocabulary import COMMENT, VERSION, VOCABULARY
from services.contracts.events import ALL, REGISTER, EventType, plan

DIALECT = "https://json-schema.org/draft/2020-12/schema"
CHAIN = "urn:wegwijs:contracts:events:"
PARTNER = "urn:wegwijs:contracts:partner:"
assert ALL  # every module imported: the register is complete


class _Schemas(GenerateJsonSchema):
    """pydantic's JSON Schema as the published v1 schemas write it: no titles on models or
    fields, and no `default: null` on a field that may be left out."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def generate(self, schema: Any, mode: Any = "validation") -> Any:
        return _tidy(super().generate(schema, mode))


def _tidy(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _tidy(v)
            for k, v in node.items()
            if not (k == "title" and isinstance(v, str)) and not (k == "default" and v is None)
        }
    if isinstance(node, list):
        return [_tidy(v) for v in node]
    return node


def data_schema(model: type[BaseModel]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the schema of `data`, the definitions it refers to as `#/$defs/...`)."""
    schema = model.model_json_schema(
        by_alias=True, ref_template="#/$defs/{model}", schema_generator=_Schemas
    )
    return schema, schema.pop("$defs", {})


def event_schema(event_type: EventType) -> dict[str, Any]:
    data, definitions = data_schema(event_type.model)
    if event_type.partner:
        base, properties = PARTNER, {"type": {"const": event_type.type}, "data": data}
    else:
        properties = {
            "type": {"const": event_type.type},
            "origin": {"const": event_type.origin},
            "data": data,
        }
        base = CHAIN
    document: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": base + event_type.type,
        "title": event_type.title,
        "allOf": [{"$ref": base + "cloudevent.v1"}],
        "properties": properties,
    }
    if event_type.envelope_required:
        document["required"] = list(event_type.envelope_required)
    if definitions:
        document["$defs"] = definitions
    return document


def event_schemas() -> dict[str, dict[str, Any]]:
    """Each event type's schema, by its file under contracts/ (events/ or partner/)."""
    return {
        f"{'partner' if e.partner else 'events'}/{e.type}.json": event_schema(e)
        for e in REGISTER.values()
    }


def plan_schema() -> dict[str, Any]:
    """pip-plan.v1: the outline of a plan and of a goal, for those who want it on its own."""
    schema, definitions = data_schema(plan.Plan)
    names = {"Owner": "owner", "Goal": "goal"}
    schema, definitions = _renamed(schema, names), _renamed(definitions, names)
    return {
        "$schema": DIALECT,
        "$id": CHAIN + "pip-plan.v1",
        "title": "Shared parts of pip's integration events: the outline of a plan and of a goal"
        " (structure, never the words people wrote)",
        "$defs": {
            "owner": definitions["owner"],
            "goal": definitions["goal"],
            "plan": schema,
        },
    }


def _renamed(node: Any, names: dict[str, str]) -> Any:
    """`node` with its `#/$defs/<name>` references under other names."""
    if isinstance(node, dict):
        return {
            names.get(k, k): (
                "#/$defs/" + names.get(v.removeprefix("#/$defs/"), v.removeprefix("#/$defs/"))
                if k == "$ref"
                else _renamed(v, names)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_renamed(v, names) for v in node]
    return node


def category_map() -> dict[str, Any]:
    """contracts/data-categories.v2.json: the categories, and every field's of every event."""
    return {
        "$comment": COMMENT,
        "version": VERSION,
        "categories": VOCABULARY,
        "events": {
            e.type: {"event": e.category, "fields": dict(e.fields)}
            for e in REGISTER.values()
            if not e.partner
        },
    }
