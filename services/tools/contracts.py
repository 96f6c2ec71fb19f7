"""`wegwijs contracts`: write the published documents that are made from the code, so none of
them is written by hand. `--check` changes nothing and fails when a committed one differs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def documents() -> dict[str, Callable[[], Any]]:
    """Each generated document by its path under the repository, and what makes it."""
    from services.consent.asyncapi import asyncapi_document
    from services.gateway.openapi import openapi_document

    return {
        "contracts/openapi.json": openapi_document,
        "contracts/asyncapi.json": asyncapi_document,
    }


def rendered(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def stale(root: Path = ROOT) -> list[str]:
    """The documents whose committed text is not what the code makes."""
    found = []
    for name, make in documents().items():
        path = root / name
        if not path.exists() or path.read_text(encoding="utf-8") != rendered(make()):
            found.append(name)
    return found


def write(root: Path = ROOT) -> list[str]:
    """Write every document that changed; returns their paths."""
    changed = stale(root)
    made = documents()
    for name in changed:
        (root / name).write_text(rendered(made[name]()), encoding="utf-8")
    return changed
