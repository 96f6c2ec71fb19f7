"""The event documents made from the register: the two CloudEvents envelopes (envelope.py), each
event type's JSON Schema (its envelope with its `data` inlined, self-contained but for the shared
envelope, which Ajv and Python's jsonschema both resolve by `$id`), pip's plan outline, and the
category map."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, NoDefault

from services.contracts.categories_vocabulary import COMMENT, VERSION, VOCABULARY
from services.contracts.events import ALL, REGISTER, EventType, plan
from services.contracts.events.envelope import (
    CHAIN,
    CLOUDEVENT_ID,
    DIALECT,
    PARTNER,
    PARTNER_CLOUDEVENT_ID,
    CloudEvent,
    PartnerCloudEvent,
)

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


class _Envelopes(GenerateJsonSchema):
    """pydantic's JSON Schema of an envelope as the published one writes it: the model's title,
    description, `$schema` and `$id`; no titles on fields; no `default: null` on an attribute
    that may be left out; no `type` beside a `const` or `enum` (which say it), nor
    `additionalProperties: true` on an object (which is what it means); the keywords in the
    order `envelope_schema` gives them."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def get_default_value(self, schema: Any) -> Any:
        default = super().get_default_value(schema)
        return NoDefault if default is None else default

    def literal_schema(self, schema: Any) -> Any:
        made = super().literal_schema(schema)
        made.pop("type", None)
        return made

    def dict_schema(self, schema: Any) -> Any:
        made = super().dict_schema(schema)
        if made.get("additionalProperties") is True:
            del made["additionalProperties"]
        return made

    def sort(self, value: Any, parent_key: str | None = None) -> Any:
        return value  # as made: `envelope_schema` orders the keywords


_DOCUMENT = (
    "$schema",
    "$id",
    "title",
    "description",
    "type",
    "required",
    "properties",
    "additionalProperties",
)
_ATTRIBUTE = ("type", "const", "enum", "format", "pattern", "minLength", "description")


def _ordered(node: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """`node` with the keys of `order` first, in that order, then the others as they were."""
    keys = [k for k in order if k in node] + [k for k in node if k not in order]
    return {k: node[k] for k in keys}


def envelope_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The published JSON Schema of an envelope (envelope.py)."""
    schema = model.model_json_schema(schema_generator=_Envelopes)
    schema["properties"] = {
        name: _ordered(attribute, _ATTRIBUTE) for name, attribute in schema["properties"].items()
    }
    return _ordered(schema, _DOCUMENT)


def envelope_schemas() -> dict[str, dict[str, Any]]:
    """The two envelopes, by their file under contracts/."""
    return {
        "events/cloudevent.v1.json": envelope_schema(CloudEvent),
        "partner/cloudevent.v1.json": envelope_schema(PartnerCloudEvent),
    }


def data_schema(model: type[BaseModel]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the schema of `data`, the definitions it refers to as `#/$defs/...`)."""
    schema = model.model_json_schema(
        by_alias=True, ref_template="#/$defs/{model}", schema_generator=_Schemas
    )
    return schema, schema.pop("$defs", {})


def event_schema(event_type: EventType) -> dict[str, Any]:
    data, definitions = data_schema(event_type.model)
    if event_type.partner:
        base, envelope = PARTNER, PARTNER_CLOUDEVENT_ID
        properties = {"type": {"const": event_type.type}, "data": data}
    else:
        base, envelope = CHAIN, CLOUDEVENT_ID
        properties = {
            "type": {"const": event_type.type},
            "origin": {"const": event_type.origin},
            "data": data,
        }
    document: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": base + event_type.type,
        "title": event_type.title,
        "allOf": [{"$ref": envelope}],
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
