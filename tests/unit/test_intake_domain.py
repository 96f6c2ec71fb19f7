"""Registration rules of intake, with no I/O."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import InvalidInput
from services.contracts.values import passes_elfproef
from services.intake.domain import parse_registration

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
        parse_registration(data, REGION, TODAY)
    return [e["field"] for e in refused.value.errors]


@pytest.mark.parametrize("bsn", ["999990019", "999990032", "111222333", "123456782"])
def test_bsns_that_pass_the_elfproef_are_accepted(bsn):
    assert passes_elfproef(bsn)


@pytest.mark.parametrize("bsn", ["123456789", "999990018", "000000000", "12345678", "99999001a"])
def test_bsns_that_fail_the_elfproef_or_the_format_are_refused(bsn):
    assert not passes_elfproef(bsn)


def test_a_valid_registration_is_parsed_with_dates_and_trimmed_names():
    registration, _, _ = parse_registration(VALID, REGION, TODAY)
    assert registration.given_name == "Amanuel"
    assert registration.birth_date == date(1994, 3, 12)
    assert registration.gemeente == "0344"


def test_every_wrong_field_is_reported_at_once():
    # Every field of the wrong shape at once (its published model), in the model's order; then,
    # when the shape is right, every rule the model cannot say at once.
    shape = {**VALID, "bsn": "12345678", "gemeente": "344", "birth_date": "12-03-1994"}
    assert _fields(shape) == ["bsn", "birth_date", "gemeente"]
    # The 11-proef is the BSN's own shape (contracts' Bsn): named with every other wrong field.
    elfproef = {**VALID, "bsn": "123456789", "family_name": " "}
    assert _fields(elfproef) == ["bsn", "family_name"]
    rules = {**VALID, "gemeente": "0000", "birth_date": "1899-12-31"}
    assert _fields(rules) == ["gemeente", "birth_date"]


@pytest.mark.parametrize("missing", list(VALID))
def test_a_missing_field_is_named(missing):
    data = {k: v for k, v in VALID.items() if k != missing}
    assert _fields(data) == [missing]


@pytest.mark.parametrize("written", ["12-03-1994", "19940312", "1994-W10-6", "0", "86400"])
def test_a_date_is_written_yyyy_mm_dd_and_digits_are_no_date(written):
    assert _fields({**VALID, "birth_date": written}) == ["birth_date"]


def test_a_date_after_today_is_refused_but_today_is_fine():
    assert _fields({**VALID, "duo_notice_date": "2026-11-29"}) == ["duo_notice_date"]
    assert parse_registration({**VALID, "brp_registration_date": "2026-11-28"}, REGION, TODAY)


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_a_name_is_1_to_200_characters_and_not_blank(name):
    assert _fields({**VALID, "family_name": name}) == ["family_name"]


def test_a_number_where_text_belongs_is_refused():
    assert _fields({**VALID, "bsn": 999990019}) == ["bsn"]


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidInput) as refused:
        parse_registration(["not", "an", "object"], REGION, TODAY)
    assert "JSON object" in refused.value.errors[0]["detail"]
