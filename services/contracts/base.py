"""The two kinds of model every contract is made of, and what a refused body is told.

- `Body`: what a client sends. Strict (no text for a number, no number for a date, no `"yes"`
  for a boolean) and closed (a field the contract does not name is refused), so the published
  schema and what the gateway takes are the same thing.
- `Answer`: what a service answers or publishes. Open to fields added later (a client ignores
  what it does not know), so a v1 answer keeps its meaning when it grows.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


def omittable(description: str | None = None, **extra: Any) -> Any:
    """A field that may be left out but is not null when given (the service refuses a null
    there); the documents write no `default: null` for it."""
    return Field(None, description=description, json_schema_extra=extra or None)


def when(field: str, value: Any, then: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema rule: an object whose `field` is `value` is also `then`."""
    return {"if": {"properties": {field: {"const": value}}, "required": [field]}, "then": then}


def problem(field: str, detail: str) -> InitErrorDetails:
    """What is wrong with `field` of the object in hand, for a model's own rule over several
    fields: `raise ValidationError.from_exception_data(name, [problem(...), ...])`."""
    return InitErrorDetails(type=PydanticCustomError(field, detail), loc=(field,), input=None)


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """Each wrong field of a body as `{field, detail}`, in the words the services use: the
    field as a path (`languages/0/level`; empty for the body itself) and what is accepted."""
    found = []
    for item in error.errors(include_url=False):
        loc = [str(part) for part in item["loc"] if not _is_variant(part)]
        found.append({"field": "/".join(loc), "detail": _detail(item, not loc)})
    return found


def _is_variant(part: Any) -> bool:
    # pydantic names the variant of a union or a tagged union in the location ("str", "int",
    # "function-after[...]"); a client only knows the fields.
    return isinstance(part, str) and (part in _TYPE_NAMES or "[" in part)


_TYPE_NAMES = {"str", "int", "float", "bool", "list", "dict", "date", "uuid", "none", "literal"}


def _detail(item: dict[str, Any], is_body: bool) -> str:
    kind, ctx = item["type"], item.get("ctx") or {}
    if is_body and kind in ("model_type", "model_attributes_type", "dict_type"):
        return "the body must be a JSON object"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of this request"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'|(\d+)", str(ctx.get("expected", "")))
        return "must be one of: " + ", ".join(a or b for a, b in options)
    if kind in ("string_type", "string_sub_type"):
        return "must be text"
    if kind == "string_too_short":
        return "must not be empty" if ctx.get("min_length") == 1 else item["msg"]
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx.get('pattern')}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be a whole number"
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false"
    if kind.startswith("datetime_") or kind.startswith("timezone_"):
        return "must be an ISO 8601 date-time with an offset, such as 2026-11-01T00:00:00+01:00"
    if kind.startswith("date_") or kind == "date_type":
        return "must be a date written as YYYY-MM-DD"
    if kind.startswith("uuid_"):
        return "must be a UUID"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    if kind == "too_short":
        least = ctx.get("min_length")
        return f"must have at least {least} item{'s' if least != 1 else ''}"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items"
    if kind in ("list_type", "tuple_type"):
        return "must be a list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be an object"
    return item["msg"]
