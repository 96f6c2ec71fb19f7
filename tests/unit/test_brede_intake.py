"""The brede intake: legal parts, completion, explainable route advice, the route choice."""

from __future__ import annotations

import pytest

from services.common.errors import Conflict, InvalidInput
from services.intake.application import Intake
from services.intake.route_advice import advise_route
from tests.unit.test_applications import context
from tests.unit.test_intake_domain import TODAY, VALID

LBT = {"taken_on": "2026-11-02", "outcome": "gemiddeld"}
EDUCATION = {
    "country": "Eritrea",
    "level": "voortgezet",
    "years": 10,
    "diploma": True,
    "recognition_requested": False,
}
CIRCUMSTANCES = {
    "summary": "Woont sinds oktober in Utrecht; gezin volgt.",
    "physical_health": "Rugklachten, onder behandeling bij de huisarts.",
    "mental_health": "Slaapproblemen.",
}


@pytest.mark.parametrize(
    ("lbt", "education", "age", "route", "rule"),
    [
        ("laag", "wo", 24, "z", "lbt-laag"),
        ("hoog", "voortgezet", 22, "onderwijs", "lbt-hoog-jong-vooropgeleid"),
        ("hoog", "voortgezet", 28, "b1", "standaard-b1"),
        ("hoog", "basis", 20, "b1", "standaard-b1"),
        ("gemiddeld", "wo", 20, "b1", "standaard-b1"),
    ],
)
def test_the_route_advice_follows_its_rules_and_names_the_facts(lbt, education, age, route, rule):
    advice = advise_route(lbt, education, age)
    assert (advice.route, advice.rule) == (route, rule)
    assert advice.facts == {
        "leerbaarheidstoets": lbt,
        "hoogste_opleiding": education,
        "leeftijd": age,
    }
    assert advice.reasons


def _complete_parts(app: Intake, dossier_id, by=None) -> None:
    app.record_leerbaarheidstoets(by or context(), dossier_id, LBT, today=TODAY)
    app.add_education(by or context(), dossier_id, EDUCATION)
    app.record_personal_circumstances(by or context(), dossier_id, CIRCUMSTANCES)


def test_completion_needs_all_three_legal_parts_and_names_the_missing_ones(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    intake.record_leerbaarheidstoets(context(), dossier_id, LBT, today=TODAY)
    with pytest.raises(InvalidInput) as refused:
        intake.complete_intake(context(), dossier_id, today=TODAY)
    assert [e["field"] for e in refused.value.errors] == [
        "education_and_work_history",
        "personal_circumstances",
    ]


def test_a_complete_intake_gives_advice_and_each_step_names_its_author(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    first = context()
    second = context()
    second = type(second)(
        actor=type(second.actor)("u-collega", "Collega", ("regievoerder",), "", ("0344",)),
        activity="brede-intake",
    )
    intake.record_leerbaarheidstoets(first, dossier_id, LBT, today=TODAY)
    intake.add_education(second, dossier_id, EDUCATION)
    intake.record_personal_circumstances(second, dossier_id, CIRCUMSTANCES)

    view = intake.complete_intake(first, dossier_id, today=TODAY)

    assert view["complete"] is True
    assert view["route_advice"]["route"] == "b1"
    # registration (dossier, BSN claim, household checklist), then the intake's five events
    completed = intake.mapper.to_domain_event(intake.notification_log.select(start=8, limit=1)[0])
    assert completed.summary == {
        "domains": [],
        "education_entries": 1,
        "work_entries": 0,
        "open_practical_items": [],
        "conversations": 0,
        "no_shows": 0,
    }
    assert view["route_advice"]["facts"]["leeftijd"] == 32
    authors = [(h["step"], h["by"]) for h in view["history"]]
    assert authors == [
        ("Started", "u-regievoerder"),
        ("LeerbaarheidstoetsRecorded", "u-regievoerder"),
        ("EducationAdded", "u-collega"),
        ("PersonalCircumstancesRecorded", "u-collega"),
        ("Completed", "u-regievoerder"),
    ]
    with pytest.raises(Conflict):
        intake.complete_intake(first, dossier_id, today=TODAY)


def test_a_route_other_than_the_advice_needs_a_reason(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _complete_parts(intake, dossier_id)
    intake.complete_intake(context(), dossier_id, today=TODAY)

    with pytest.raises(InvalidInput) as refused:
        intake.choose_route(context(), dossier_id, {"route": "z"})
    assert refused.value.errors[0]["field"] == "reason"

    view = intake.choose_route(
        context(), dossier_id, {"route": "z", "reason": "Analfabeet in eigen taal."}
    )
    assert view["route_choice"] == {
        "route": "z",
        "reason": "Analfabeet in eigen taal.",
        "advised": "b1",
    }


def test_the_advised_route_needs_no_reason(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _complete_parts(intake, dossier_id)
    intake.complete_intake(context(), dossier_id, today=TODAY)
    assert (
        intake.choose_route(context(), dossier_id, {"route": "b1"})["route_choice"]["route"] == "b1"
    )


def test_a_route_is_chosen_only_after_completion(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    with pytest.raises(Conflict):
        intake.choose_route(context(), dossier_id, {"route": "b1"})


def test_a_klantmanager_sees_the_intake_without_health(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _complete_parts(intake, dossier_id)

    seen_by_klantmanager = intake.brede_intake(context("klantmanager"), dossier_id)
    seen_by_regievoerder = intake.brede_intake(context(), dossier_id)

    assert set(seen_by_klantmanager["personal_circumstances"]) == {"summary"}
    assert seen_by_regievoerder["personal_circumstances"]["mental_health"] == "Slaapproblemen."


@pytest.mark.parametrize(
    ("step", "body", "field"),
    [
        ("record_leerbaarheidstoets", {**LBT, "outcome": "uitstekend"}, "outcome"),
        ("record_leerbaarheidstoets", {**LBT, "taken_on": "2026-11-31"}, "taken_on"),
        ("record_leerbaarheidstoets", {**LBT, "taken_on": "2027-01-01"}, "taken_on"),
        ("add_education", {**EDUCATION, "level": "master"}, "level"),
        ("add_education", {**EDUCATION, "years": -1}, "years"),
        ("add_education", {**EDUCATION, "diploma": "ja"}, "diploma"),
        ("add_work", {"country": "Syrië", "years": 3}, "occupation"),
        ("record_personal_circumstances", {"summary": ""}, "summary"),
    ],
)
def test_an_invalid_step_names_its_field_and_changes_nothing(intake, step, body, field):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    before = len(intake.notification_log.select(start=1, limit=10))
    kwargs = {"today": TODAY} if step == "record_leerbaarheidstoets" else {}
    with pytest.raises(InvalidInput) as refused:
        getattr(intake, step)(context(), dossier_id, body, **kwargs)
    assert [e["field"] for e in refused.value.errors] == [field]
    assert len(intake.notification_log.select(start=1, limit=10)) == before


FINANCES = {
    "income": "bijstand",
    "debts": True,
    "huurtoeslag_applied": False,
    "zorgtoeslag_applied": True,
    "advance_needed": False,
}
HEALTH = {"health_insurance": True, "gp_registered": True, "mental": "Slaapproblemen."}


def _open_items(view) -> set[str]:
    return {i["item"] for i in view["practical_items"] if i["open"]}


def test_recorded_finances_open_the_practical_matters_they_reveal(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)

    view = intake.record_life_domain(context(), dossier_id, "financien", FINANCES)

    assert _open_items(view) == {"huurtoeslag-aanvragen", "schulden-aanpakken"}
    assert view["domains"]["financien"]["income"] == "bijstand"


def test_a_matter_closes_when_the_facts_change_or_by_hand_with_a_note(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    intake.record_life_domain(context(), dossier_id, "financien", FINANCES)

    view = intake.record_life_domain(
        context(), dossier_id, "financien", {**FINANCES, "huurtoeslag_applied": True}
    )
    assert _open_items(view) == {"schulden-aanpakken"}

    with pytest.raises(InvalidInput) as refused:
        intake.close_practical_item(context(), dossier_id, "schulden-aanpakken", {"note": ""})
    assert refused.value.errors[0]["field"] == "note"
    view = intake.close_practical_item(
        context(), dossier_id, "schulden-aanpakken", {"note": "Doorverwezen naar schuldhulp."}
    )
    assert _open_items(view) == set()
    closed = {i["item"]: i["note"] for i in view["practical_items"]}
    assert closed["schulden-aanpakken"] == "Doorverwezen naar schuldhulp."
    assert closed["huurtoeslag-aanvragen"] == "opgelost volgens leefgebied financien"


def test_the_health_domain_is_hidden_from_a_klantmanager(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    intake.record_life_domain(context(), dossier_id, "gezondheid", HEALTH)
    intake.record_life_domain(context(), dossier_id, "financien", FINANCES)

    intake.record_life_domain(
        context(), dossier_id, "gezondheid", {**HEALTH, "health_insurance": False}
    )

    as_klantmanager = intake.brede_intake(context("klantmanager"), dossier_id)
    as_regievoerder = intake.brede_intake(context(), dossier_id)

    assert set(as_klantmanager["domains"]) == {"financien"}
    assert "gezondheid" in as_regievoerder["domains"]
    items = {i["item"] for i in as_klantmanager["practical_items"]}
    assert "zorgverzekering-regelen" not in items, "an open 'no health insurance' is health"
    assert "huurtoeslag-aanvragen" in items
    assert "zorgverzekering-regelen" in {i["item"] for i in as_regievoerder["practical_items"]}


def test_each_step_names_what_it_is_about_and_a_klantmanager_sees_no_health_step(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    intake.record_life_domain(
        context(), dossier_id, "gezondheid", {**HEALTH, "gp_registered": False}
    )
    intake.record_life_domain(context(), dossier_id, "financien", FINANCES)

    def steps(view):
        return [(h["step"], h["about"]) for h in view["history"] if h["about"]]

    as_regievoerder = steps(intake.brede_intake(context(), dossier_id))
    as_klantmanager = steps(intake.brede_intake(context("klantmanager"), dossier_id))

    health = [("LifeDomainRecorded", "gezondheid"), ("PracticalItemOpened", "huisarts-kiezen")]
    assert as_regievoerder[:2] == health
    assert ("LifeDomainRecorded", "financien") in as_klantmanager
    assert as_klantmanager == as_regievoerder[2:]


@pytest.mark.parametrize(
    ("domain", "body", "field"),
    [
        ("vrije-tijd", {"notes": "x"}, "domain"),
        ("financien", {**FINANCES, "debts": "veel"}, "debts"),
        ("financien", {k: v for k, v in FINANCES.items() if k != "income"}, "income"),
        ("verblijfsintentie", {"intention": "misschien"}, "intention"),
        (
            "gezin",
            {
                "partner": True,
                "children": 25,
                "childcare_needed": False,
                "one_to_one_offered": True,
            },
            "children",
        ),
        ("huisvesting", {"situation": "zelfstandig", "huurprijs": 700}, "huurprijs"),
    ],
)
def test_an_invalid_life_domain_names_its_field_and_changes_nothing(intake, domain, body, field):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    with pytest.raises(InvalidInput) as refused:
        intake.record_life_domain(context(), dossier_id, domain, body)
    assert [e["field"] for e in refused.value.errors] == [field]
    assert len(intake.notification_log.select(start=1, limit=10)) == 3  # the registration's


def test_the_schemas_name_every_domain_and_practical_matter():
    import json
    from pathlib import Path

    from services.contracts.intake import LIFE_DOMAINS, PRACTICAL_ITEMS
    from services.intake.household_checklist import CHECKLIST_ITEMS
    from services.intake.life_domains import PRACTICAL_ITEMS as RULES

    assert set(RULES) | set(CHECKLIST_ITEMS) == set(PRACTICAL_ITEMS)

    events = Path(__file__).resolve().parents[2] / "contracts" / "events"
    domain_schema = json.loads(
        (events / "nl.wegwijs.intake.leefgebied.vastgelegd.v1.json").read_text()
    )
    assert domain_schema["properties"]["data"]["properties"]["domain"]["enum"] == list(LIFE_DOMAINS)
    for kind in ("geopend", "gesloten"):
        item_schema = json.loads(
            (events / f"nl.wegwijs.intake.praktische-zaak.{kind}.v1.json").read_text()
        )
        assert item_schema["properties"]["data"]["properties"]["item"]["enum"] == list(
            PRACTICAL_ITEMS
        )


def test_a_fact_declared_in_the_contract_is_taken_and_kept_by_intake(intake):
    """A life domain's facts are declared once, in services/contracts/intake.py: a field added
    there (whether a child still has to be enrolled at a school) is checked and kept by intake
    with no other change, and the OpenAPI document is made from the same declaration."""
    from services.gateway.openapi import openapi_document

    dossier_id = intake.register(context(), VALID, today=TODAY)
    family = {
        "partner": True,
        "children": 2,
        "childcare_needed": False,
        "one_to_one_offered": True,
        "school_enrolment_needed": True,
    }
    view = intake.record_life_domain(context(), dossier_id, "gezin", family)
    assert view["domains"]["gezin"]["school_enrolment_needed"] is True
    with pytest.raises(InvalidInput) as refused:
        intake.record_life_domain(
            context(), dossier_id, "gezin", {**family, "school_enrolment_needed": "ja"}
        )
    assert refused.value.errors[0]["field"] == "school_enrolment_needed"
    gezin = openapi_document()["components"]["schemas"]["Gezin"]["properties"]
    assert gezin["school_enrolment_needed"]["anyOf"][0] == {"type": "boolean"}
