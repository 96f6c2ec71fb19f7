"""The OpenAPI operations and component schemas the route table makes: each route's parameters,
request body, answers (with `links` to what a created thing has) and errors, and the JSON
Schema of every model they name, as pydantic writes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from services.gateway.routing import Route

REF = "#/components/schemas/{model}"
# What the door refuses in any text (services/common/hygiene.py), said in every text's schema:
# no control character but tab, line feed and carriage return.
_CONTROL = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F"
NO_CONTROL = rf"^[^{_CONTROL}]*$"
NOT_BLANK = rf"^[^{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"
PROBLEM_REF = {"$ref": "#/components/responses/Problem"}
ID_DESCRIPTIONS = {
    "dossier_id": "The dossier's pseudonymous id (UUID); the only identifier that leaves intake."
}


class _Schemas(GenerateJsonSchema):
    """pydantic's JSON Schema without a title on every field (the field's name says it)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def generate(self, schema: Any, mode: Any = "validation") -> Any:
        return _no_null_defaults(super().generate(schema, mode))


def _no_null_defaults(node: Any) -> Any:
    """A field that may be left out says nothing of a default (`default: null` on a field that
    does not take null would say it takes it)."""
    if isinstance(node, list):
        return [_no_null_defaults(item) for item in node]
    if isinstance(node, dict):
        return {
            key: _no_null_defaults(value)
            for key, value in node.items()
            if not (key == "default" and value is None)
        }
    return node


def operations(routes: Iterable[Route]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(paths, component schemas) of `routes`."""
    paths: dict[str, Any] = {}
    models: dict[type[BaseModel], str] = {}
    for route in routes:
        for model in _models(route):
            models.setdefault(model, "validation" if model is not route.answer else "serialization")
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return paths, schemas(models.items())


def schemas(models: Iterable[tuple[type[BaseModel], str]]) -> dict[str, Any]:
    _, document = models_json_schema(
        [(model, mode) for model, mode in models],
        ref_template=REF,
        schema_generator=_Schemas,
    )
    return text_rules(_no_null_defaults(document.get("$defs", {})))


def text_rules(node: Any) -> Any:
    """`node` with the door's rule for text in every free text's schema (one with a format, a
    set of values or a pattern of its own says more already; a non-blank one keeps saying so)."""
    if isinstance(node, list):
        return [text_rules(item) for item in node]
    if not isinstance(node, dict):
        return node
    found = {key: text_rules(value) for key, value in node.items()}
    kinds = found.get("type")
    is_text = kinds == "string" or (isinstance(kinds, list) and "string" in kinds)
    free_keys = found.get("additionalProperties") not in (None, False)
    if kinds == "object" and free_keys:  # a key is text too
        names = found.setdefault("propertyNames", {})
        if not {"pattern", "enum", "const"} & set(names):
            names["pattern"] = NO_CONTROL
    if is_text and not {"format", "enum", "const"} & set(found):
        if "pattern" not in found:
            found["pattern"] = NO_CONTROL
        elif found["pattern"] == r"\S":
            found["pattern"] = NOT_BLANK
        elif found["pattern"] == r"^$|\S":  # empty, or not blank
            found["pattern"] = f"^$|{NOT_BLANK}"
    return found


def _models(route: Route) -> list[type[BaseModel]]:
    found = []
    if route.body is not None:
        found.append(route.body)
    if route.answer is not None:
        found.append(route.answer)
    return found


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": route.summary, "operationId": route.operation}
    if route.description:
        operation["description"] = route.description
    if route.public:
        operation["security"] = []
    parameters = [_path_parameter(route, name) for name in route.path_names]
    if route.query is not None:
        parameters += _query_parameters(route.query)
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(route.body)}},
        }
    operation["responses"] = {
        str(route.status): _answer(route),
        **{str(status): PROBLEM_REF for status in sorted(_errors(route))},
    }
    return operation


def _errors(route: Route) -> set[int]:
    """What the route declares, and what the door answers for any route of its kind: 404 for
    an id in the path that is no UUID, 422 for a query or path value the model refuses."""
    found = set(route.errors)
    if any(name not in route.params for name in route.path_names):
        found.add(404)
    if route.query is not None or any(
        kind not in (int, str, "path") for kind in route.params.values()
    ):
        found.add(422)
    return found


def _answer(route: Route) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": route.answer_description or route.summary + "."}
    if route.media is not None:
        answer["content"] = {media: {"schema": schema} for media, schema in route.media.items()}
    elif route.answer is not None:
        answer["content"] = {"application/json": {"schema": _ref(route.answer)}}
    if route.location is not None:
        answer["headers"] = {
            "Location": {"description": "Where it is.", "schema": {"type": "string"}}
        }
    if route.links:
        answer["links"] = {
            name: {"operationId": operation, "parameters": dict(parameters)}
            for name, (operation, parameters) in route.links.items()
        }
    return answer


def _path_parameter(route: Route, name: str) -> dict[str, Any]:
    kind = route.params.get(name)
    if kind is None:
        schema: dict[str, Any] = {"type": "string", "format": "uuid"}
    elif kind == "path":
        schema = {"type": "string", "minLength": 1, "maxLength": 255}
    else:
        schema = TypeAdapter(kind).json_schema()
    parameter = {"name": name, "in": "path", "required": True, "schema": schema}
    if name in ID_DESCRIPTIONS:
        parameter["description"] = ID_DESCRIPTIONS[name]
    return parameter


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(schema_generator=_Schemas)
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        parameter = {"name": name, "in": "query", "required": name in required}
        if description := prop.pop("description", None):
            parameter["description"] = description
        parameter["schema"] = text_rules(prop)
        parameters.append(parameter)
    return parameters
