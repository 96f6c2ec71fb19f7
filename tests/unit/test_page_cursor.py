"""Where a page of the dossier list ends (`next_before`, `before`): every text the published
pattern allows names a place in the list, so the API never refuses a `before` its own contract
accepts (Schemathesis: `0000-00-00T...` matched the first pattern and was refused)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from uuid import UUID, uuid4

from services.contracts.intake import PAGE_CURSOR, page_cursor, page_end


def test_a_page_end_comes_back_as_the_same_moment_and_dossier():
    moment = datetime(2026, 11, 30, 3, 21, 7, 123456, tzinfo=UTC)
    dossier = uuid4()
    cursor = page_cursor(moment, dossier)
    assert re.fullmatch(PAGE_CURSOR, cursor)
    assert page_end(cursor) == (moment, dossier)


def test_the_extremes_of_the_pattern_name_a_place_in_the_list():
    for cursor in ("0_" + "0" * 32, "9" * 17 + "_" + "f" * 32):
        assert re.fullmatch(PAGE_CURSOR, cursor)
        moment, dossier = page_end(cursor)
        assert moment.tzinfo is not None and isinstance(dossier, UUID)
