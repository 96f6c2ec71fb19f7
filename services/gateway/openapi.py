"""The OpenAPI 3.1 document of the gateway; contracts/openapi.json is this, written out."""

from __future__ import annotations

import copy
from typing import Any

from services.common.region import Region
from services.contracts.gateway import Health, Problem
from services.gateway.openapi_build import PROBLEM_REF, operations, schemas
from services.gateway.routes import ROUTES

EDGE = (
    " Every answer carries Cache-Control: no-store, X-Content-Type-Options: nosniff,"
    " Referrer-Policy: no-referrer and a Content-Security-Policy; every error, an unknown path"
    " (404) or method (405) too, is a problem document. A token sending more than the gateway"
    " takes is answered 429 with Retry-After. The chain files each request under a trace of its"
    " own, answered in the W3C `traceresponse` header; a client's `traceparent` is kept as a link."
)
METHODS = ("get", "post", "put", "patch", "delete")
COMMANDS = ("post", "put", "patch", "delete")
IDEMPOTENCY = (
    " Every command (POST, PUT, PATCH, DELETE) takes an `Idempotency-Key` header (IETF draft"
    ' httpapi-idempotency-key-header), for example `Idempotency-Key: "<a new UUID>"`: a command'
    " sent again with the same key, by the same user, takes effect at most once and is answered"
    " as the first time (with `Idempotent-Replayed: true`); the same key with another request is"
    " 422. Without a key the gateway makes one. Every command's answer says its key. Keys are"
    " kept 24 hours. A client that got no answer, 503 or 504 asks"
    " `GET /api/v1/commands/{key}` what came of it, or sends the same request with the same key."
)
_KEY_TEXT = r"[!#-\[\]-~]{1,255}"
KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "The client's own key for this command (an RFC 8941 string, 1 to 255 visible"
    " ASCII characters): the same key again is the same command.",
    # An sf-string of visible ASCII without quote or backslash (a bare token is taken too).
    "schema": {"type": "string", "pattern": f'^("{_KEY_TEXT}"|{_KEY_TEXT})$'},
}
KEY_HEADER = {
    "description": "The command's key: the client's, or the one the gateway made.",
    "schema": {"type": "string"},
}


def openapi_document() -> dict[str, Any]:
    """The API, with what the gateway's door may answer on any operation: 429 to a flooding
    token, and 400 or 413 for a body that is not JSON, nests too deep or is too large."""
    # A copy: operations and responses may be module-level constants shared between calls.
    document = _region_gemeenten(copy.deepcopy(_api_document()), Region.load().codes())
    for item in document["paths"].values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            operation["responses"].setdefault("429", PROBLEM_REF)
            if method in COMMANDS:
                operation["parameters"] = [*operation.get("parameters", []), KEY_PARAMETER]
                operation["responses"].setdefault("400", PROBLEM_REF)
                operation["responses"].setdefault("422", PROBLEM_REF)
                for status, response in operation["responses"].items():
                    if "$ref" not in response:
                        headers = response.setdefault("headers", {})
                        headers["Idempotency-Key"] = KEY_HEADER
                        if status.startswith("2"):
                            headers["Idempotent-Replayed"] = {
                                "description": "`true` when this is the first answer again.",
                                "schema": {"type": "string", "enum": ["true"]},
                            }
            if "requestBody" in operation:
                operation["responses"].setdefault("400", PROBLEM_REF)
                operation["responses"].setdefault("413", PROBLEM_REF)
    return document


def _region_gemeenten(node: Any, codes: tuple[str, ...]) -> Any:
    """A gemeente of this region (`format: regiogemeente` in the models) as the codes of the
    region this platform serves: contracts/openapi.json names the demo region's."""
    if isinstance(node, list):
        return [_region_gemeenten(item, codes) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("format") == "regiogemeente":
        rest = {k: v for k, v in node.items() if k not in ("format", "pattern")}
        return {**rest, "enum": list(codes)}
    return {key: _region_gemeenten(value, codes) for key, value in node.items()}


def _api_document() -> dict[str, Any]:
    route_paths, route_schemas = operations(ROUTES)
    route_schemas |= schemas([(Problem, "serialization"), (Health, "serialization")])
    health = {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Wegwijs API",
            "version": "1.0.0",
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
            "description": "The civic-integration chain of statushouders (Wet inburgering 2021)."
            + EDGE
            + IDEMPOTENCY,
        },
        "servers": [{"url": "http://127.0.0.1:8000"}],
        "security": [{"bearer": []}],
        "paths": {
            **route_paths,  # made from the route table
            "/health": {
                "get": {
                    "summary": "200 only when RabbitMQ, PostgreSQL and every service answer",
                    "operationId": "health",
                    "security": [],
                    "responses": {
                        "200": {"description": "Everything answers.", "content": health},
                        "503": {"description": "Something does not answer.", "content": health},
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1 document."}},
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics of the gateway",
                    "operationId": "metrics",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "Prometheus text exposition format.",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
            "responses": {
                "Problem": {
                    "description": "What was wrong, as an RFC 9457 problem document.",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                }
            },
            "schemas": {
                **route_schemas,
            },
        },
    }
