"""The household's practical checklist, the klantmanager's domains and the goals of taking part
(issue 17), on the in-memory store: what the e2e tests cannot reach (events stored before, the
Werkplek's form for goals)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from eventsourcing.persistence import StoredEvent

from services.common.access import may_close_practical_item, may_record_life_domain
from services.common.context import acting
from services.common.errors import Forbidden
from services.intake.brede_intake import BredeIntake
from services.intake.household_checklist import (
    CHECKLIST_ITEMS,
    HOUSEHOLD_ITEMS,
    HouseholdChecklist,
    child_key,
)
from services.werkplek.dossier_intake_parts import PARTS
from tests.unit.test_applications import context
from tests.unit.test_intake_domain import TODAY, VALID


def test_a_social_network_recorded_before_goals_is_read_with_no_goals(intake):
    """A `LifeDomainRecorded` of sociaal_netwerk stored before issue 17 held only
    `contacts_in_nl`: it is read (upcast) with an empty list of goals."""
    with acting(context()):
        intake_aggregate = BredeIntake(dossier_id=VALID_ID, gemeente="0344")
        intake_aggregate._record_domain(domain="sociaal_netwerk", facts={"contacts_in_nl": True})
    stored = [intake.mapper.to_stored_event(e) for e in intake_aggregate.collect_events()][-1]
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2
    version_1 = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )

    read = intake.mapper.to_domain_event(version_1)

    assert read.facts == {"goals": [], "contacts_in_nl": True}


VALID_ID = "7d1f1b6e-1111-4c3b-9a55-1234567890ab"


def test_who_records_and_closes_which_domain():
    participatiewet = ("financien", "werk_en_reintegratie", "participatie_en_ambities")
    for domain in participatiewet:
        assert may_record_life_domain(("klantmanager",), domain)
        assert may_close_practical_item(("klantmanager",), domain)
    for domain in ("gezondheid", "verblijfsintentie", "gezin", "onderwijs_kinderen"):
        assert not may_record_life_domain(("klantmanager",), domain)
        assert may_record_life_domain(("regievoerder",), domain)
    assert not may_record_life_domain(("begeleider",), "werk_en_reintegratie")


def test_a_klantmanager_recording_health_is_refused_and_nothing_is_stored(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    before = len(intake.notification_log.select(start=1, limit=10))
    with pytest.raises(Forbidden):
        intake.record_life_domain(
            context("klantmanager"),
            dossier_id,
            "gezondheid",
            {"health_insurance": True, "gp_registered": True},
        )
    assert len(intake.notification_log.select(start=1, limit=10)) == before


def test_every_checklist_item_has_a_dutch_label_and_a_life_domain():
    from services.contracts.intake import LIFE_DOMAINS, PRACTICAL_ITEMS

    assert set(CHECKLIST_ITEMS) <= set(PRACTICAL_ITEMS)
    for item in CHECKLIST_ITEMS.values():
        assert item.label and item.label[0].isupper(), item.item
        assert item.domain in LIFE_DOMAINS, item.item
    assert len(HOUSEHOLD_ITEMS) == 10


def test_children_get_child_items_and_a_school_enrolment_each_by_age():
    today = date(2026, 11, 28)
    with acting(context()):
        checklist = HouseholdChecklist.open_for(dossier_id=VALID_ID, gemeente="0344")
        checklist.know_children(
            [
                {"given_name": "Baby", "birth_date": date(2025, 6, 1)},  # 1: child items only
                {"given_name": "Vier", "birth_date": date(2022, 11, 1)},  # just 4: school
                {"given_name": "Groot", "birth_date": date(2008, 11, 1)},  # 18: nothing
            ],
            today,
        )
        # The same child known again, from its own dossier: no second enrolment.
        checklist.know_children([{"given_name": " vier ", "birth_date": date(2022, 11, 1)}], today)
    keys = set(checklist.entries)
    assert {"kinderbijslag-aanvragen", "kindgebonden-budget-aanvragen"} <= keys
    assert keys - {i.item for i in HOUSEHOLD_ITEMS} == {
        "kinderbijslag-aanvragen",
        "kindgebonden-budget-aanvragen",
        f"schoolinschrijving:{child_key('Vier', date(2022, 11, 1))}",
    }


def test_the_werkplek_form_sends_goals_one_a_line_and_shows_them_again():
    part = PARTS["domeinen/sociaal_netwerk"]
    [goals] = [f for f in part.fields if f.name == "goals"]

    body = part.body({"goals": "Naar het taalcafé - Buurthuis De Pijler\n\nMoestuin - Buren\n"})

    assert goals.kind == "goals" and goals.required
    assert body["goals"] == [
        {"what": "Naar het taalcafé", "with_whom": "Buurthuis De Pijler"},
        {"what": "Moestuin", "with_whom": "Buren"},
    ]
    assert part.form_values(body)["goals"] == (
        "Naar het taalcafé - Buurthuis De Pijler\nMoestuin - Buren"
    )
    assert part.body({"goals": "Meedoen"})["goals"] == [{"what": "Meedoen"}]  # API names it
