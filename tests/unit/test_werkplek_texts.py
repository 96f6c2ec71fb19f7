"""Dutch for people on the Werkplek's pages (issue 16): dates, periods, languages and
organisations written out, and the API's field problems said again at B1 level."""

from __future__ import annotations

import pytest

from services.werkplek import texts


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("2026-03-12", "12 maart 2026"),
        ("2028-02-29", "29 februari 2028"),
        ("2026-11-29T23:30:00+00:00", "30 november 2026"),  # past midnight in Amsterdam
        ("", ""),
    ],
)
def test_a_date_is_written_out(given, written):
    assert texts.as_date(given) == written


def test_a_moment_is_written_in_dutch_time():
    assert texts.as_moment("2026-07-01T12:05:00+00:00") == "1 juli 2026 om 14.05 uur"


@pytest.mark.parametrize(
    ("period", "words"),
    [
        ("P5Y", "5 jaar"),
        ("P1Y6M", "1 jaar en 6 maanden"),
        ("P1M2W3D", "1 maand, 2 weken en 3 dagen"),
    ],
)
def test_a_period_is_written_in_words(period, words):
    assert texts.as_period(period) == words


def test_languages_and_organisations_are_named():
    assert texts.language("ti") == "Tigrinya"
    assert texts.language("xx") == "xx"
    assert texts.organisation("00000001000000000344") == "Gemeente Utrecht"
    assert texts.gemeente("0321") == "Houten"


@pytest.mark.parametrize(
    ("field", "detail", "dutch"),
    [
        ("bsn", "must be 9 digits that pass the 11-proef", "Dit is geen geldig BSN."),
        ("bsn", "is required", "Vul dit in."),
        ("birth_date", "must not be in the future (today is 2026-11-29)", "toekomst"),
        ("given_name", "must not be empty", "Vul dit in."),
        ("sex", "must be text", "Dit klopt niet"),
    ],
)
def test_a_field_problem_is_said_at_b1_level(field, detail, dutch):
    assert dutch in texts.field_problem(field, detail)
