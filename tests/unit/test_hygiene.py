"""The rules for text and JSON from outside, the RPC wire format, the CSV cell and the rate
limit, each on its own."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from uuid import UUID

import pytest
from kombu import serialization

from services.common import wire
from services.common.errors import InvalidInput
from services.common.hygiene import (
    MAX_DEPTH,
    clean,
    clean_arguments,
    nests_deeper_than,
    printable,
    refusal,
)
from services.common.values import CsvText, csv_cell
from services.gateway.rate_limit import TokenBuckets, retry_after


@pytest.mark.parametrize(
    "text",
    ["Ab\u0000cd", "bel\u0007", "esc\u001b[31m", "del\u007f", "next line\u0085", "Me\ud800ron"],
    ids=["NUL", "BEL", "ESC", "DEL", "C1", "lone surrogate"],
)
def test_control_characters_and_lone_surrogates_are_refused(text):
    assert refusal(text)
    with pytest.raises(InvalidInput) as refused:
        clean({"given_name": text})
    assert [e["field"] for e in refused.value.errors] == ["given_name"]


def test_a_lone_surrogate_is_told_apart_from_a_control_character():
    assert "lone surrogate" in refusal("\udc00")
    assert "control character (U+0000)" in refusal("\u0000")


@pytest.mark.parametrize("text", ["Kidane", "regel 1\nregel 2\r\n\tverder", "Ərəbcə 👋", ""])
def test_text_people_write_is_taken(text):
    assert refusal(text) is None
    assert clean({"note": text}) == {"note": text}


def test_text_is_nfc_normalised_in_keys_and_values_all_the_way_down():
    decomposed = "Rene\u0301e"
    cleaned = clean({"children": [{"given_name": decomposed}], decomposed: 1})
    assert cleaned == {"children": [{"given_name": "Ren\u00e9e"}], "Ren\u00e9e": 1}


def test_a_refused_field_is_named_by_its_json_pointer():
    body = {"contact": {"phone": "06\u0000"}, "languages": [{"language": "ti"}, {"level": "\x01"}]}
    with pytest.raises(InvalidInput) as refused:
        clean(body)
    assert [e["field"] for e in refused.value.errors] == ["contact/phone", "languages/1/level"]


def test_a_control_character_in_a_property_name_is_refused_naming_its_parent():
    with pytest.raises(InvalidInput) as refused:
        clean({"contact": {"ph\u0000one": "06"}})
    [error] = refused.value.errors
    assert error["field"] == "contact" and "property name" in error["detail"]


def test_json_deeper_than_the_limit_is_refused():
    deep: list = []
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(InvalidInput) as refused:
        clean({"x": deep})
    assert "deeper" in refused.value.errors[0]["detail"]
    assert clean({"x": [[["fine"]]]}) == {"x": [[["fine"]]]}


def test_depth_is_measured_in_the_text_without_counting_brackets_inside_strings():
    assert nests_deeper_than("[" * 40 + "]" * 40)
    assert not nests_deeper_than('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
    assert not nests_deeper_than('{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
    assert nests_deeper_than('{"a": ' + "[" * 33 + "]" * 33 + "}")


def test_rpc_arguments_are_named_by_parameter_or_by_their_own_keys():
    def correct(self, dossier_id: str, data: dict) -> None: ...

    args, _ = clean_arguments(correct, ["d-1", {"reason": "Rene\u0301e"}], {})
    assert args == ["d-1", {"reason": "Ren\u00e9e"}]
    with pytest.raises(InvalidInput) as refused:
        clean_arguments(correct, ["d\u0000", {"reason": "a\u0000"}], {})
    assert [e["field"] for e in refused.value.errors] == ["dossier_id", "reason"]
    with pytest.raises(InvalidInput) as by_keyword:
        clean_arguments(correct, [], {"dossier_id": "\u0000"})
    assert by_keyword.value.errors[0]["field"] == "dossier_id"


def test_printable_keeps_a_message_about_bad_data_storable():
    assert printable("bad \u0000 value") == "bad \ufffd value"


# the RPC wire format --------------------------------------------------------------------------
def test_a_wire_format_marker_stays_plain_data():
    marker = {"given_name": {"__type__": "bytes", "__value__": "x"}, "x": {"__type__": "nope"}}
    body = serialization.dumps(marker, serializer="json")
    assert serialization.loads(body[2], body[0], body[1]) == marker
    assert wire.loads(wire.dumps(marker)) == marker


def test_dates_uuids_and_times_travel_as_text():
    value = {
        "on": date(2026, 11, 29),
        "at": datetime(2026, 11, 29, 10, 0),
        "id": UUID(int=1),
    }
    assert json.loads(wire.dumps(value)) == {
        "on": "2026-11-29",
        "at": "2026-11-29T10:00:00",
        "id": "00000000-0000-0000-0000-000000000001",
    }
    with pytest.raises(TypeError):
        wire.dumps({"raw": object()})


# the CSV cell ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cell",
    ["medewerker\rx", "a\nb", 'zei "ja"', "a,b", "\r=1+1", "plain", ""],
)
def test_every_csv_cell_reads_back_as_written_in_an_outside_parser(cell):
    out = CsvText()
    out.writerow(["before", cell, "after"])
    [row] = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    expected = "'" + cell if cell.startswith("\r") else cell
    assert row == ["before", expected, "after"]


def test_a_csv_cell_cannot_start_a_formula():
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell(None) == "" and csv_cell(3) == "3"


# the rate limit -------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_token_gets_its_burst_then_waits_for_the_rate():
    clock = Clock()
    buckets = TokenBuckets(rate=2, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    wait = buckets.take("a")
    assert wait == pytest.approx(0.5)
    assert retry_after(wait) == "1"
    clock.now += 0.5
    assert buckets.take("a") == 0
    assert buckets.take("b") == 0, "another token has its own bucket"


def test_a_bucket_refills_no_higher_than_the_burst():
    clock = Clock()
    buckets = TokenBuckets(rate=10, burst=2, clock=clock)
    buckets.take("a")
    clock.now += 3600
    assert [buckets.take("a") for _ in range(3)][-1] > 0


def test_the_least_recently_used_buckets_go_first_when_too_many_are_kept():
    clock = Clock()
    buckets = TokenBuckets(rate=1, burst=1, clock=clock, max_keys=2)
    buckets.take("a")
    buckets.take("b")
    buckets.take("c")
    assert buckets.take("a") == 0, "a was forgotten: a fresh bucket"
    assert buckets.take("c") > 0
