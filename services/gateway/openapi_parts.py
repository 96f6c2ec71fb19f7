"""Pieces the OpenAPI modules share."""

from __future__ import annotations

from typing import Any

DATE = {"type": "string", "format": "date", "examples": ["2026-09-01"]}
CEFR = ("A0", "A1", "A2", "B1", "B2", "C1", "C2")
PROBLEM_REF = {"$ref": "#/components/responses/Problem"}
DOSSIER_ID = {
    "name": "dossier_id",
    "in": "path",
    "required": True,
    "description": "The dossier's pseudonymous id (UUID); the only identifier that leaves intake.",
    "schema": {"type": "string", "format": "uuid"},
}


def error_responses(*statuses: int) -> dict[str, Any]:
    return {str(status): PROBLEM_REF for status in statuses}


def ok_response(status: int, description: str, schema_name: str) -> dict[str, Any]:
    return {
        str(status): {
            "description": description,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}
            },
        }
    }
