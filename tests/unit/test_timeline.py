"""The dossier's timeline says in Dutch what each event is, and who did it written out; the
Werkplek groups it by day in Dutch time."""

from __future__ import annotations

from pathlib import Path

from services.audit.timeline import DESCRIPTIONS, NOT_ON_TIMELINE, who
from services.common.access import ROLES
from services.common.dutch import ROLES as ROLE_NAMES
from services.contracts.events import REGISTER
from services.werkplek.dossier_tijdlijn import by_day

PUBLISHED = {
    path.name.removesuffix(".json")
    for path in (Path(__file__).resolve().parents[2] / "contracts" / "events").glob("nl.*.json")
}
NAMES = {"00000001000000000344": "Gemeente Utrecht"}


def test_every_event_type_the_platform_publishes_has_a_dutch_description():
    published = set(REGISTER) | PUBLISHED

    assert published - set(DESCRIPTIONS) == set(), "add a Dutch text to timeline.DESCRIPTIONS"
    assert set(DESCRIPTIONS) - published == set(), "texts of event types no longer published"
    assert all(
        text and text[0].isupper() and not text.endswith(".") for text in DESCRIPTIONS.values()
    )


def test_what_the_timeline_leaves_out_are_published_event_types():
    assert set(DESCRIPTIONS) >= NOT_ON_TIMELINE
    assert "nl.wegwijs.gateway.gegevens.ingezien.v1" in NOT_ON_TIMELINE
    assert "nl.wegwijs.intake.signaal.gegeven.v1" not in NOT_ON_TIMELINE


def test_every_role_has_a_dutch_name():
    assert set(ROLES) - set(ROLE_NAMES) == set()


def test_who_is_written_out_with_role_and_organisation():
    anna = who("anna", "regievoerder", "00000001000000000344", NAMES)
    partner = who("mila", "coordinator", "00000003000000000101", NAMES)
    token = who("test-klantmanager", "klantmanager", "", NAMES)
    system = who("system:pip", "system", "", NAMES)

    assert anna["description"] == "anna (regievoerder, Gemeente Utrecht)"
    assert partner["description"] == "mila (coördinator, organisatie 00000003000000000101)"
    assert token["description"] == "test-klantmanager (klantmanager)"
    assert (system["user"], system["description"]) == (None, "Wegwijs (automatisch)")


def test_the_werkplek_groups_items_by_the_day_in_dutch_time():
    items = [
        {"seq": 3, "time": "2026-03-12T23:30:00+00:00", "what": "PIP vastgesteld"},
        {"seq": 2, "time": "2026-03-12T13:05:00+00:00", "what": "Signaal gegeven"},
        {"seq": 1, "time": "2026-03-11T22:59:00+00:00", "what": "Persoon ingeschreven"},
    ]

    days = by_day(items)

    assert [(day, [i["seq"] for i in group]) for day, group in days] == [
        ("13 maart 2026", [3]),
        ("12 maart 2026", [2]),
        ("11 maart 2026", [1]),
    ]
    assert [i["clock"] for _, group in days for i in group] == [
        "00.30 uur",
        "14.05 uur",
        "23.59 uur",
    ]
