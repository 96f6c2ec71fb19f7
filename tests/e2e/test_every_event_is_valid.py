"""Every integration event the platform published in this test run validates against its own
schema in `contracts/events/` and against the official CloudEvents 1.0 JSON Schema (vendored
from github.com/cloudevents/spec, `cloudevents/formats/cloudevents.json`, Apache-2.0, as
`infra/cloudevents.schema.json`). The events are read from each origin's notification log, as a
consumer catching up reads them."""

from __future__ import annotations

import json
from collections import Counter

import jsonschema
import pytest
from referencing import Registry, Resource

from services.common.context import system_context
from services.common.proxies import PlatformClient
from tests.platform import ROOT

ORIGINS = ("intake", "pip", "matching", "consent", "gateway")
EVENTS = ROOT / "contracts" / "events"


def _published(origin: str, rpc) -> list[dict]:
    events, start = [], 1
    while page := getattr(rpc, origin).notifications(start, 1000):
        events += page
        start = int(page[-1]["sequence"]) + 1
    return events


@pytest.mark.last
def test_every_event_of_the_run_validates_against_its_schema_and_cloudevents_1_0(platform):
    platform.register()  # alone, it would still have an event to check
    platform.wait_ledger_complete()
    schemas = {p.stem: json.loads(p.read_text()) for p in EVENTS.glob("*.json")}
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values()
    )
    cloudevents = jsonschema.Draft7Validator(
        json.loads((ROOT / "infra" / "cloudevents.schema.json").read_text()),
        format_checker=jsonschema.FormatChecker(),
    )
    own: dict[str, jsonschema.Validator] = {}
    invalid: Counter = Counter()
    checked: Counter = Counter()
    with PlatformClient("audit", lambda: system_context("audit", "replicatie")) as rpc:
        for origin in ORIGINS:
            for event in _published(origin, rpc):
                kind = event["type"]
                if kind not in own:
                    own[kind] = jsonschema.Draft202012Validator(
                        schemas[kind], registry=registry, format_checker=jsonschema.FormatChecker()
                    )
                checked[origin] += 1
                for error in [*own[kind].iter_errors(event), *cloudevents.iter_errors(event)]:
                    invalid[(kind, error.message[:120])] += 1

    assert not invalid, dict(invalid.most_common(10))
    assert all(checked[origin] for origin in ORIGINS), checked
