"""The brede intake's forms on the Werkplek (issue 16): each made from its part's published
model, in Dutch, and a form's values sent as the API takes them."""

from __future__ import annotations

from typing import get_args

import pytest

from services.contracts import intake as contract
from services.werkplek.dossier_handhaving import BREACH, MEASURE_FORMS, PARTICIPATIEWET
from services.werkplek.dossier_intake_parts import (
    ATTENDANCE,
    COMPLETION,
    EXCUSE,
    PARTS,
    SANCTION,
    TOETS_NOT_TAKEN,
    fields_of,
)

EVERY_PART = [*PARTS.values(), ATTENDANCE]


@pytest.mark.parametrize("part", EVERY_PART, ids=lambda part: part.slug)
def test_every_field_of_every_part_is_in_the_form_with_a_dutch_label(part):
    names = [f.name for f in part.fields]

    assert names == list(part.model.model_fields)
    assert all(f.label and "_" not in f.label for f in part.fields)


def test_every_choice_is_the_contract_s_value_written_out_in_dutch():
    level = {f.name: f for f in PARTS["opleiding"].fields}["level"]

    assert [value for value, _ in level.choices] == list(get_args(contract.EducationLevel))
    assert dict(level.choices)["wo"] == "Universiteit (wo)"
    income = {f.name: f for f in PARTS["domeinen/financien"].fields}["income"]
    assert dict(income.choices)["geen"] == "Geen inkomen"


def test_every_life_domain_has_a_page():
    assert {slug for slug in PARTS if slug.startswith("domeinen/")} == {
        f"domeinen/{domain}" for domain in contract.LIFE_DOMAINS
    }


def test_a_form_is_sent_as_the_api_takes_it_and_what_is_left_empty_is_left_out():
    form = {"partner": "ja", "children": "2", "childcare_needed": "nee", "notes": " ", "csrf": "x"}

    body = PARTS["domeinen/gezin"].body(form)

    assert body == {"partner": True, "children": 2, "childcare_needed": False}


def test_a_number_that_is_no_number_goes_to_the_api_to_be_refused_at_its_field():
    body = PARTS["opleiding"].body({"country": "Syrië", "years": "drie"})

    assert body["years"] == "drie"
    [years] = [f for f in PARTS["opleiding"].fields if f.name == "years"]
    assert years.problem("Dit klopt niet. Kijk het nog eens na.") == (
        "Vul een heel getal in van 0 tot en met 30."
    )


def test_a_recorded_part_fills_its_form_again_and_is_shown_in_dutch():
    recorded = {"income": "bijstand", "debts": True, "huurtoeslag_applied": False}
    part = PARTS["domeinen/financien"]

    assert part.form_values(recorded)["debts"] == "ja"
    assert part.form_values(recorded)["notes"] == ""
    assert ("Inkomen", "Bijstandsuitkering") in part.facts(recorded)
    assert ("Heeft schulden?", "ja") in part.facts(recorded)


def test_an_optional_field_says_so_and_a_field_required_in_some_cases_explains_when():
    labels = {f.name: f for f in fields_of(contract.RouteChoice)}

    assert labels["route"].asked == "Leerroute"
    assert labels["reason"].hint.startswith("Verplicht als")
    notes = {f.name: f for f in PARTS["domeinen/huisvesting"].fields}["notes"]
    assert notes.asked == "Toelichting (niet verplicht)"


ENFORCEMENT_FORMS = [
    TOETS_NOT_TAKEN,
    COMPLETION,
    EXCUSE,
    SANCTION,
    BREACH,
    PARTICIPATIEWET,
    *MEASURE_FORMS.values(),
]


@pytest.mark.parametrize("part", ENFORCEMENT_FORMS, ids=lambda part: part.form_title)
def test_every_field_of_the_enforcement_forms_has_a_dutch_label(part):
    assert part.fields
    assert all(f.label and "_" not in f.label for f in part.fields)
    assert all(dict(f.choices) for f in part.fields if f.kind == "choice")


def test_a_nested_object_is_a_group_of_fields_and_sent_as_one_object():
    names = [(f.name, f.group) for f in SANCTION.fields]
    assert ("culpability_culpable", "culpability") in names
    assert ("hearing_invited_on", "hearing") in names
    legends = [legend for legend, _, _ in SANCTION.groups]
    assert legends == ["", "Verwijtbaarheid", "Zienswijze"]

    waived = SANCTION.body({"take": "nee", "reason": "Eerste keer.", "culpability_reasoning": " "})
    taken = SANCTION.body(
        {
            "take": "ja",
            "reason": "Weer niet gekomen.",
            "culpability_culpable": "ja",
            "culpability_reasoning": "Geen bericht.",
            "hearing_invited_on": "2026-11-20",
            "hearing_response": "geen-reactie",
        }
    )

    assert waived == {"take": False, "reason": "Eerste keer."}, "an empty group is left out"
    assert taken["culpability"] == {"culpable": True, "reasoning": "Geen bericht."}
    assert taken["hearing"] == {"invited_on": "2026-11-20", "response": "geen-reactie"}


def test_the_fields_of_a_group_say_when_they_are_needed_in_its_hint_not_as_optional():
    culpable = {f.name: f for f in SANCTION.fields}["culpability_culpable"]
    assert culpable.asked == "Is het de persoon te verwijten?"
    assert not culpable.offers_unknown


def test_a_benefit_measure_is_only_sent_on_to_the_klantmanager():
    referral = MEASURE_FORMS["maatregel-participatiewet"]

    assert [f.name for f in referral.fields] == ["reason"]
    assert referral.body({"reason": "Voor de klantmanager.", "take": "ja"}) == {
        "take": False,
        "refer_to_klantmanager": True,
        "reason": "Voor de klantmanager.",
    }
