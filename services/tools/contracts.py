"""`wegwijs contracts`: write the published documents that are made from the code, so none of
them is written by hand: the OpenAPI and AsyncAPI documents, the two CloudEvents envelopes and
every event's JSON Schema, pip's plan outline, the category map, and which event types each
processing activity of the register produces. `--check` changes nothing and fails when a
committed one differs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
REGISTER_FILE = "infra/processing-register.json"


def documents(root: Path = ROOT) -> dict[str, Any]:
    """Each generated document by its path under the repository."""
    from services.consent.asyncapi import asyncapi_document
    from services.contracts.events.documents import (
        category_map,
        envelope_schemas,
        event_schemas,
        plan_schema,
    )
    from services.gateway.openapi import openapi_document

    made = {
        "contracts/openapi.json": openapi_document(),
        "contracts/asyncapi.json": asyncapi_document(),
        "contracts/events/pip-plan.v1.json": plan_schema(),
        "contracts/data-categories.v2.json": category_map(),
        REGISTER_FILE: processing_register(root),
    }
    made |= {f"contracts/{name}": schema for name, schema in envelope_schemas().items()}
    made |= {f"contracts/{name}": schema for name, schema in event_schemas().items()}
    return made


def processing_register(root: Path = ROOT) -> dict[str, Any]:
    """The register of processing activities as written, with each activity's event types as
    the event models say (an event's activity is declared with its model)."""
    from services.contracts.events import REGISTER

    register = json.loads((root / REGISTER_FILE).read_text(encoding="utf-8"))
    for activity in register["activities"]:
        activity["event_types"] = sorted(
            e.type for e in REGISTER.values() if e.activity == activity["slug"]
        )
    return register


def rendered(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def stale(root: Path = ROOT) -> list[str]:
    """The documents whose committed text is not what the code makes."""
    found = []
    for name, document in documents(root).items():
        path = root / name
        if not path.exists() or path.read_text(encoding="utf-8") != rendered(document):
            found.append(name)
    return found


def write(root: Path = ROOT) -> list[str]:
    """Write every document that changed; returns their paths."""
    made = documents(root)
    changed = stale(root)
    for name in changed:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(rendered(made[name]), encoding="utf-8")
    return changed
