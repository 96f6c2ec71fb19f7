"""The brede intake: legal parts, completion, explainable route advice, the route choice."""

from __future__ import annotations

import pytest

from services.common.errors import Conflict, InvalidInput
from services.intake.application import Intake
from services.intake.brede_intake import advise_route
from tests.unit.test_applications import context, intake  # noqa: F401
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


def test_completion_needs_all_three_legal_parts_and_names_the_missing_ones(intake):  # noqa: F811
    dossier_id = intake.register(context(), VALID, today=TODAY)
    intake.record_leerbaarheidstoets(context(), dossier_id, LBT, today=TODAY)
    with pytest.raises(InvalidInput) as refused:
        intake.complete_intake(context(), dossier_id, today=TODAY)
    assert [e["field"] for e in refused.value.errors] == [
        "education_and_work_history",
        "personal_circumstances",
    ]


def test_a_complete_intake_gives_advice_and_each_step_names_its_author(intake):  # noqa: F811
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


def test_a_route_other_than_the_advice_needs_a_reason(intake):  # noqa: F811
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


def test_the_advised_route_needs_no_reason(intake):  # noqa: F811
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _complete_parts(intake, dossier_id)
    intake.complete_intake(context(), dossier_id, today=TODAY)
    assert (
        intake.choose_route(context(), dossier_id, {"route": "b1"})["route_choice"]["route"] == "b1"
    )


def test_a_route_is_chosen_only_after_completion(intake):  # noqa: F811
    dossier_id = intake.register(context(), VALID, today=TODAY)
    with pytest.raises(Conflict):
        intake.choose_route(context(), dossier_id, {"route": "b1"})


def test_a_klantmanager_sees_the_intake_without_health(intake):  # noqa: F811
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
def test_an_invalid_step_names_its_field_and_changes_nothing(intake, step, body, field):  # noqa: F811
    dossier_id = intake.register(context(), VALID, today=TODAY)
    before = len(intake.notification_log.select(start=1, limit=10))
    kwargs = {"today": TODAY} if step == "record_leerbaarheidstoets" else {}
    with pytest.raises(InvalidInput) as refused:
        getattr(intake, step)(context(), dossier_id, body, **kwargs)
    assert [e["field"] for e in refused.value.errors] == [field]
    assert len(intake.notification_log.select(start=1, limit=10)) == before
