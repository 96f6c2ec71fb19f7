"""An auditor's query is checked before it reaches the ledger: unknown filters, bad times and
pages are named, and times are compared in UTC like the stored ones."""

from __future__ import annotations

import pytest

from services.audit.queries import parse_query
from services.common.errors import InvalidInput


def test_times_with_an_offset_become_utc_and_the_page_has_defaults():
    query = parse_query({"dossier_id": "d", "from": "2026-11-01T00:00:00+01:00"})
    assert query == {
        "dossier_id": "d",
        "from": "2026-10-31T23:00:00+00:00",
        "after": 0,
        "limit": 100,
    }


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-11-01T00:00:00"}, "to"),  # no offset: which time zone?
        ({"limit": "100000"}, "limit"),
        ({"after": "-1"}, "after"),
        ({"bsn": "123456782"}, "bsn"),
    ],
)
def test_a_bad_query_names_what_is_wrong(args, field):
    with pytest.raises(InvalidInput) as refused:
        parse_query(args)
    assert [e["field"] for e in refused.value.errors] == [field]
