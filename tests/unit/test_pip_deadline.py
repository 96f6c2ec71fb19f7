"""PIP deadline arithmetic (Besluit inburgering art. 5.3)."""

from __future__ import annotations

from datetime import date

import pytest

from services.pip.domain import pip_deadline

CASES = [
    ("DUO later than BRP", date(2026, 10, 6), date(2026, 9, 28), date(2026, 12, 15)),
    ("BRP later than DUO", date(2026, 8, 3), date(2026, 8, 31), date(2026, 11, 9)),
    ("same day", date(2026, 1, 5), date(2026, 1, 5), date(2026, 3, 16)),
    ("across the year end", date(2026, 11, 2), date(2026, 10, 1), date(2027, 1, 11)),
    ("through a leap day", date(2028, 1, 1), date(2027, 12, 1), date(2028, 3, 11)),
    ("from a leap day", date(2028, 2, 29), date(2028, 2, 1), date(2028, 5, 9)),
]


@pytest.mark.parametrize(
    ("duo", "brp", "deadline"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_deadline_is_ten_weeks_after_the_later_of_duo_notice_and_brp_registration(
    duo, brp, deadline
):
    assert pip_deadline(duo, brp) == deadline
