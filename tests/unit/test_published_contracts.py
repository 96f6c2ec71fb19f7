"""The published contracts as the official tools of their standards read them (issue 15): the
AsyncAPI parser (`@asyncapi/parser` 3) takes `contracts/asyncapi.json` without an error, Ajv 8
(JSON Schema 2020-12) compiles every event and partner schema, each `$ref` resolved by `$id`, and
Redocly's linter (recommended rules) finds neither error nor warning in `contracts/openapi.json`.
The tools are Node.js packages `make install` installs from `package-lock.json`; the scripts are
in `tools/contracts/`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"


def _node(script: str, *args: str) -> tuple[int, dict]:
    node = shutil.which("node")
    assert node, "Node.js runs the contract tools (the machine has Node.js 20)"
    assert (ROOT / "node_modules" / "@asyncapi" / "parser").exists(), "run `make install`"
    done = subprocess.run(
        [node, str(ROOT / "tools" / "contracts" / script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    return done.returncode, json.loads(done.stdout or "{}")


def test_the_official_asyncapi_parser_reads_the_partner_feed_document_without_an_error():
    code, found = _node("check_asyncapi.mjs", str(CONTRACTS / "asyncapi.json"))

    assert found["errors"] == [] and code == 0, found["errors"][:5]


def test_ajv_compiles_every_event_and_partner_schema():
    folders = [CONTRACTS / "events", CONTRACTS / "partner"]
    code, found = _node("compile_schemas.mjs", *map(str, folders))

    assert found["failures"] == [] and code == 0, found["failures"][:5]
    assert found["compiled"] == sum(len(list(f.glob("*.json"))) for f in folders)


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for item in node for r in _refs(item)]
    return []


def test_python_jsonschema_takes_every_schema_and_resolves_every_reference_by_id():
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schemas = [
        json.loads(p.read_text())
        for folder in ("events", "partner")
        for p in sorted((CONTRACTS / folder).glob("*.json"))
    ]
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
    for schema in schemas:
        Draft202012Validator.check_schema(schema)
        resolver = registry.resolver(base_uri=schema["$id"])
        for ref in _refs(schema):
            assert resolver.lookup(ref).contents is not None, (schema["$id"], ref)


def test_redocly_finds_no_error_and_no_warning_in_the_openapi_document():
    done = subprocess.run(
        [
            str(ROOT / "node_modules" / ".bin" / "redocly"),
            "lint",
            str(CONTRACTS / "openapi.json"),
            "--format=json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"},
    )
    totals = json.loads(done.stdout)["totals"]

    assert (totals["errors"], totals["warnings"]) == (0, 0), done.stdout[:2000]
