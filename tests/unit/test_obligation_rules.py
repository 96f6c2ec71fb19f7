"""The rule table of who is inburgeringsplichtig (Wi 2021 art. 3-5; issue 17, point 1)."""

from __future__ import annotations

from datetime import date

import pytest

from services.intake.rules import (
    NOT_OBLIGATED,
    NOT_YET,
    OBLIGATED,
    obligation_on,
    pension_date,
)

TODAY = date(2026, 11, 29)
NOTICE = date(2026, 9, 1)


def test_a_child_of_seven_is_not_yet_obligated_and_will_be_at_eighteen():
    child = obligation_on(TODAY, date(2019, 5, 3), NOTICE, duo_established=False)

    assert child.status == NOT_YET and not child.obligated
    assert child.starts_on == date(2037, 5, 3)
    assert "18" in child.reason


def test_an_adult_of_forty_five_is_obligated_from_duos_notice():
    adult = obligation_on(TODAY, date(1981, 4, 2), NOTICE)

    assert adult.status == OBLIGATED and adult.starts_on == NOTICE
    assert "Wi 2021 art. 3" in adult.articles


def test_a_sixteen_year_old_is_obligated_only_when_duo_established_it():
    born = date(2010, 6, 1)

    assert obligation_on(TODAY, born, NOTICE).status == NOT_YET
    established = obligation_on(TODAY, born, NOTICE, duo_established=True)
    assert established.status == OBLIGATED and established.starts_on == NOTICE


def test_a_notice_before_the_sixteenth_birthday_counts_from_that_birthday():
    born = date(2010, 10, 1)  # sixteen on 1 October 2026, after the notice

    assert obligation_on(TODAY, born, NOTICE, True).starts_on == date(2026, 10, 1)
    assert obligation_on(date(2026, 9, 30), born, NOTICE, True).status == NOT_YET


def test_the_obligation_starts_at_eighteen_when_the_notice_came_before():
    born = date(2008, 11, 1)  # eighteen on 1 November 2026

    assert obligation_on(TODAY, born, NOTICE).starts_on == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("born", "reached"),
    [
        (date(1955, 6, 10), date(2021, 10, 10)),  # 66 years and 4 months
        (date(1956, 3, 31), date(2022, 10, 31)),  # 66 years and 7 months
        (date(1956, 12, 31), date(2023, 10, 31)),  # 66 years and 10 months
        (date(1960, 7, 15), date(2027, 7, 15)),  # 67 years
        (date(1961, 2, 28), date(2028, 5, 28)),  # 67 years and 3 months
        (date(1984, 2, 29), date(2051, 5, 29)),
    ],
)
def test_the_pension_age_follows_the_table_by_date_of_birth(born, reached):
    assert pension_date(born) == reached


def test_a_person_past_the_pension_age_has_no_obligation():
    past = obligation_on(TODAY, date(1958, 3, 1), NOTICE, duo_established=True)

    assert past.status == NOT_OBLIGATED and past.starts_on is None
    assert past.ends_on == date(2025, 3, 1)
    assert "pensioengerechtigde leeftijd" in past.reason


def test_the_obligation_ends_the_day_the_pension_age_is_reached():
    born = date(1960, 1, 10)  # 67 on 10 January 2027

    assert obligation_on(date(2027, 1, 9), born, NOTICE).status == OBLIGATED
    assert obligation_on(date(2027, 1, 10), born, NOTICE).status == NOT_OBLIGATED


@pytest.mark.parametrize(
    ("exemption", "article"), [("vrijstelling", "art. 4"), ("ontheffing", "art. 5")]
)
def test_an_exemption_ends_the_obligation_with_its_article(exemption, article):
    exempt = obligation_on(TODAY, date(1990, 1, 1), NOTICE, exemption=exemption)

    assert exempt.status == NOT_OBLIGATED and article in exempt.articles


def test_duos_finding_of_no_obligation_counts_for_an_adult_not_for_a_child():
    assert obligation_on(TODAY, date(1990, 1, 1), NOTICE, False).status == NOT_OBLIGATED
    assert obligation_on(TODAY, date(2012, 1, 1), NOTICE, False).status == NOT_YET
