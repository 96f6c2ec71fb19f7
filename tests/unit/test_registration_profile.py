"""Registration as a gemeente receives it: profile, household, and corrections with a reason."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidInput, NotFound
from tests.unit.test_applications import context
from tests.unit.test_intake_domain import TODAY, VALID

PROFILE = {
    "sex": "v",
    "country_of_origin": "Eritrea",
    "languages": [
        {"language": "Tigrinya", "level": "moedertaal"},
        {"language": "Arabisch", "level": "A2"},
    ],
    "dutch_level": "A0",
    "migrant_kind": "asielstatushouder",
    "inburgeringsplicht": True,
    "coa_link_date": "2026-08-20",
    "housing_date": "2026-09-15",
    "contact": {"phone": "06-12345678"},
    "children": [{"given_name": "Sara", "birth_date": "2021-04-02"}],
}


def test_a_registration_with_a_profile_shows_it_in_the_dossier(intake):
    dossier_id = intake.register(context(), {**VALID, **PROFILE}, today=TODAY)
    dossier = intake.dossier(context(), dossier_id)
    assert dossier["profile"]["languages"][0] == {"language": "Tigrinya", "level": "moedertaal"}
    assert dossier["profile"]["children"] == [{"given_name": "Sara", "birth_date": "2021-04-02"}]
    assert dossier["household_id"] == str(dossier_id)


def test_a_partner_with_an_own_obligation_gets_an_own_dossier_in_the_same_household(intake):
    first = intake.register(context(), VALID, today=TODAY)
    partner = intake.register(
        context(),
        {**VALID, "bsn": "999990032", "household_of": str(first), "relation": "partner"},
        today=TODAY,
    )
    seen = intake.dossier(context(), partner)
    assert seen["household_id"] == str(first)
    assert seen["relation"] == "partner"


def test_every_problem_of_minimum_profile_and_household_is_reported_at_once(intake):
    # Of the shape (the published model), in its order: a household named without a relation
    # too.
    body = {
        **VALID,
        "bsn": "123456789",  # 9 digits, but not passing the 11-proef
        "dutch_level": "B3",
        "languages": [{"language": "Tigrinya", "level": "vloeiend"}],
        "household_of": "3f0c1b7e-8d2a-4c6e-b5a4-7e9d1c2f3a61",
    }
    with pytest.raises(InvalidInput) as refused:
        intake.register(context(), body, today=TODAY)
    assert [e["field"] for e in refused.value.errors] == [
        "bsn",
        "languages/0/level",
        "dutch_level",
        "relation",
    ]
    # What the model cannot say: no date of the profile after today.
    body = {
        **VALID,
        "coa_link_date": "2026-11-29",
        "children": [{"given_name": "Sara", "birth_date": "2026-12-01"}],
    }
    with pytest.raises(InvalidInput) as refused:
        intake.register(context(), body, today=TODAY)
    assert [e["field"] for e in refused.value.errors] == [
        "coa_link_date",
        "children/0/birth_date",
    ]


def test_a_household_of_another_gemeente_is_refused(intake):
    elsewhere = intake.register(
        context("regievoerder", "0356"), {**VALID, "gemeente": "0356"}, today=TODAY
    )
    # Not found for this gemeente, as a dossier of another gemeente is for its regievoerder.
    with pytest.raises(NotFound, match="household_of: no dossier of this gemeente"):
        intake.register(
            context(),
            {**VALID, "bsn": "999990032", "household_of": str(elsewhere), "relation": "partner"},
            today=TODAY,
        )


def test_a_correction_needs_a_reason_and_keeps_the_history(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    with pytest.raises(InvalidInput) as refused:
        intake.correct(context(), dossier_id, {"changes": {"family_name": "Tesfai"}})
    assert refused.value.errors[0]["field"] == "reason"

    corrected = intake.correct(
        context(),
        dossier_id,
        {
            "changes": {"family_name": "Tesfai", "dutch_level": "A1"},
            "reason": "Spelling volgens BRP.",
        },
    )

    assert corrected["family_name"] == "Tesfai"
    assert corrected["profile"]["dutch_level"] == "A1"
    assert corrected["corrections"] == [
        {"fields": ["dutch_level", "family_name"], "reason": "Spelling volgens BRP."}
    ]
    topics = [n.topic for n in intake.notification_log.select(start=1, limit=10)]
    assert topics[-1].endswith("Dossier.Corrected"), "a correction is an event, not an overwrite"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"bsn": "999990032"}, "changes/bsn"),
        ({"birth_date": "2030-01-01"}, "changes/birth_date"),
        ({"birth_date": "1899-12-31"}, "changes/birth_date"),
        ({"sex": "q"}, "changes/sex"),
        ({"v_nummer": "12345"}, "changes/v_nummer"),
        ({"given_name": "  "}, "changes/given_name"),
    ],
)
def test_an_invalid_correction_names_its_field(intake, changes, field):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    with pytest.raises(InvalidInput) as refused:
        intake.correct(context(), dossier_id, {"changes": changes, "reason": "x"})
    assert [e["field"] for e in refused.value.errors] == [field]
