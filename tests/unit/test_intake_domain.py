"""Registration rules of intake, with no I/O."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import InvalidInput
from services.intake.domain import Registration, passes_elfproef

TODAY = date(2026, 11, 28)
REGION = ("0344", "0356", "0321")
VALID = {
    "bsn": "999990019",
    "v_nummer": "2001234567",
    "given_name": " Amanuel ",
    "family_name": "Tesfay",
    "birth_date": "1994-03-12",
    "gemeente": "0344",
    "duo_notice_date": "2026-09-01",
    "brp_registration_date": "2026-09-15",
}


def _fields(data) -> list[str]:
    with pytest.raises(InvalidInput) as refused:
        Registration.parse(data, REGION, TODAY)
    return [e["field"] for e in refused.value.errors]


@pytest.mark.parametrize("bsn", ["999990019", "999990032", "111222333", "123456782"])
def test_bsns_that_pass_the_elfproef_are_accepted(bsn):
    assert passes_elfproef(bsn)


@pytest.mark.parametrize("bsn", ["123456789", "999990018", "000000000", "12345678", "99999001a"])
def test_bsns_that_fail_the_elfproef_or_the_format_are_refused(bsn):
    assert not passes_elfproef(bsn)


def test_a_valid_registration_is_parsed_with_dates_and_trimmed_names():
    registration = Registration.parse(VALID, REGION, TODAY)
    assert registration.given_name == "Amanuel"
    assert registration.birth_date == date(1994, 3, 12)
    assert registration.gemeente == "0344"


def test_every_wrong_field_is_reported_at_once():
    data = {**VALID, "bsn": "123456789", "gemeente": "0000", "birth_date": "12-03-1994"}
    assert _fields(data) == ["bsn", "gemeente", "birth_date"]


@pytest.mark.parametrize("missing", list(VALID))
def test_a_missing_field_is_named(missing):
    data = {k: v for k, v in VALID.items() if k != missing}
    assert _fields(data) == [missing]


def test_a_date_after_today_is_refused_but_today_is_fine():
    assert _fields({**VALID, "duo_notice_date": "2026-11-29"}) == ["duo_notice_date"]
    assert Registration.parse({**VALID, "brp_registration_date": "2026-11-28"}, REGION, TODAY)


def test_a_number_where_text_belongs_is_refused():
    assert _fields({**VALID, "bsn": 999990019}) == ["bsn"]


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidInput) as refused:
        Registration.parse(["not", "an", "object"], REGION, TODAY)
    assert "JSON object" in refused.value.errors[0]["detail"]
