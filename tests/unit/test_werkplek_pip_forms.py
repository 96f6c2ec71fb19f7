"""The PIP's forms on the Werkplek (issue 16): the plan shown in a form is sent back as the API
takes it, a revision sends only what changed, and the API's problems land at their fields in
Dutch."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import date

from services.contracts import pip as contract
from services.werkplek import pip_forms, pip_problems
from services.werkplek.gateway import Problem
from tests.pip_fixtures import goal, sections

DAY = date(2026, 11, 2)
HEALTH, LANGUAGE = str(uuid.uuid4()), str(uuid.uuid4())


def _as_shown(requested: dict) -> dict:
    """The sections as the API answers them: the language target filled in, hours done."""
    plan = copy.deepcopy(requested)
    plan["leerroute"]["language_target"] = "B1"
    for module in plan["modules"].values():
        module["hours_done"] = 0
    return plan


def _pip() -> dict:
    goals = [
        {**goal(DAY), "id": HEALTH, "prevention": False, "status": "open", "history": []},
        {**goal(DAY, "taal", phase=1), "id": LANGUAGE, "prevention": False, "status": "open"},
    ]
    return {"gemeente": "0344", "plan": {**_as_shown(sections(DAY)), "goals": goals}}


def test_the_sections_shown_in_the_form_are_sent_back_as_the_api_takes_them():
    values = pip_forms.sections_values(_pip()["plan"])

    body = pip_forms.sections_body(values)

    assert body == _as_shown(sections(DAY)) | {"modules": sections(DAY)["modules"]}
    contract.PipSections.model_validate_json(json.dumps(body))


def test_a_section_left_empty_is_left_out_and_a_wrong_number_is_sent_for_the_api_to_refuse():
    values = {"guidance_how": "Wekelijks thuis.", "guidance_hours_per_week": "twee"}

    body = pip_forms.sections_body(values)

    assert body == {
        "preconditions": [],
        "guidance": {"by": {}, "how": "Wekelijks thuis.", "hours_per_week": "twee"},
    }


def test_preconditions_filled_in_below_an_empty_row_are_sent_first():
    values = {
        "preconditions_0_kind": "",
        "preconditions_0_description": "",
        "preconditions_1_kind": "vervoer",
        "preconditions_1_description": "Een fiets.",
        "preconditions_1_arranged_by_organisation": "Gemeente Utrecht",
        "preconditions_1_arranged_by_role": "regievoerder",
    }

    compacted = pip_forms.compact_preconditions(values)

    assert pip_forms.sections_body(compacted)["preconditions"] == [
        {
            "kind": "vervoer",
            "description": "Een fiets.",
            "arranged_by": {"organisation": "Gemeente Utrecht", "role": "regievoerder"},
        }
    ]
    assert pip_forms.precondition_rows(compacted) == 2


def test_ontzorgen_without_the_person_s_machtiging_is_sent_as_such():
    values = {"ontzorgen_applies": "ja", "ontzorgen_from": "2026-12-01", "ontzorgen_months": "6"}

    body = pip_forms.sections_body(values)

    assert body["ontzorgen"] == {
        "applies": True,
        "from": "2026-12-01",
        "months": 6,
        "authorised": False,
    }


def test_a_revision_sends_only_what_changed():
    pip = _pip()
    values = {
        **pip_forms.revision_values(pip),
        "kind": "anders",
        "explanation": "Sneller dan gedacht.",
        f"change_goals_{LANGUAGE}_phase": "3",
        "withdraw_goals": [HEALTH],
    }

    body = pip_forms.revision_body(values, pip)

    assert body == {
        "kind": "anders",
        "explanation": "Sneller dan gedacht.",
        "change_goals": {LANGUAGE: {"phase": 3}},
        "withdraw_goals": [HEALTH],
    }
    contract.Revision.model_validate_json(json.dumps(body))


def test_a_route_change_sends_the_leerroute_whole_and_afschalen_its_evidence():
    pip = _pip()
    values = {
        **pip_forms.revision_values(pip),
        "kind": "afschalen",
        "explanation": "600 uur les gehad.",
        "sections_leerroute_language_target": "A2",
        "evidence_nt2_hours": "640",
        "evidence_school": "Taalschool Utrecht",
        "evidence_certified": "ja",
        "evidence_effort": "Elke les aanwezig.",
    }

    body = pip_forms.revision_body(values, pip)

    assert body["sections"] == {"leerroute": {**pip["plan"]["leerroute"], "language_target": "A2"}}
    assert body["evidence"]["nt2_hours"] == 640
    contract.Revision.model_validate_json(json.dumps(body))


def test_the_api_s_problems_land_at_their_fields_in_dutch_with_the_goal_named():
    refused = Problem(
        422,
        errors=[
            {
                "field": "leerroute.end_date",
                "detail": "must be after 2026-11-02 and within the "
                "inburgeringstermijn (until 2029-11-02)",
            },
            {"field": f"goals.{LANGUAGE}/due_on", "detail": "must be after 2026-11-02"},
            {"field": "modules/nt2/hours", "detail": "must be a whole number"},
            {
                "field": "backdating_reason",
                "detail": "is required for a decision dated more "
                "than 14 days before today (2026-11-02); it is kept with the decision",
            },
        ],
    )

    problems = pip_problems.problems_of(refused)
    labels = pip_problems.labels_of(problems, _pip()["plan"]["goals"])

    assert problems == {
        "leerroute_end_date": "Kies een datum na het vaststellen en binnen de "
        "inburgeringstermijn van drie jaar.",
        f"goals_{LANGUAGE}_due_on": "Kies een datum na de datum van het besluit.",
        "modules_nt2_hours": "Vul een heel getal in.",
        "backdating_reason": "Schrijf op waarom het besluit een datum heeft van meer dan 14 "
        "dagen geleden.",
    }
    assert labels[f"goals_{LANGUAGE}_due_on"] == "Doel 'Doel op taal.', klaar op"
    assert labels["modules_nt2_hours"] == (
        "Onderdelen van de leerroute, Nederlandse taal (NT2), uren in totaal"
    )
    assert pip_problems.links_of(problems, "/p")[f"goals_{LANGUAGE}_due_on"] == (
        f"/p/doelen/{LANGUAGE}"
    )


def test_what_cannot_be_done_now_is_said_in_dutch():
    refused = Problem(409, detail="the PIP is established after the brede intake is completed")

    assert pip_problems.problems_of(refused) == {
        "_": "Het PIP kan pas worden vastgesteld als de brede intake is afgerond."
    }
