"""The PIP's legal dates: deadline (Besluit inburgering art. 5.3), its extension, the
inburgeringstermijn (Wet inburgering art. 7 and 11) and the last day of a route switch."""

from __future__ import annotations

from datetime import date

import pytest

from services.pip.rules import (
    ROUTES,
    add_months,
    extended_deadline,
    last_route_switch_day,
    module_problems,
    pip_deadline,
    termijn,
)

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


EXTENSIONS = [
    (
        "arrives late: 2 weeks after arrival",
        date(2026, 12, 15),
        date(2026, 12, 20),
        date(2027, 1, 3),
    ),
    (
        "arrives early: the legal deadline stays",
        date(2026, 12, 15),
        date(2026, 11, 20),
        date(2026, 12, 15),
    ),
    (
        "arrives 2 weeks before: the same day",
        date(2026, 12, 15),
        date(2026, 12, 1),
        date(2026, 12, 15),
    ),
    ("across a leap day", date(2028, 2, 20), date(2028, 2, 22), date(2028, 3, 7)),
]


@pytest.mark.parametrize(
    ("deadline", "arrived", "extended"), [c[1:] for c in EXTENSIONS], ids=[c[0] for c in EXTENSIONS]
)
def test_an_extension_ends_two_weeks_after_the_information_arrives_and_never_shortens(
    deadline, arrived, extended
):
    assert extended_deadline(deadline, arrived) == extended


TERMIJNEN = [
    ("ordinary", date(2026, 3, 10), date(2026, 3, 11), date(2029, 3, 10)),
    ("decided on the year's last day", date(2026, 12, 31), date(2027, 1, 1), date(2029, 12, 31)),
    ("starts on a leap day", date(2028, 2, 28), date(2028, 2, 29), date(2031, 2, 28)),
    ("decided on a leap day", date(2028, 2, 29), date(2028, 3, 1), date(2031, 2, 28)),
    ("ends on a leap day", date(2025, 2, 28), date(2025, 3, 1), date(2028, 2, 29)),
    ("starts on the 31st", date(2026, 1, 30), date(2026, 1, 31), date(2029, 1, 30)),
]


@pytest.mark.parametrize(
    ("decided", "start", "end"), [c[1:] for c in TERMIJNEN], ids=[c[0] for c in TERMIJNEN]
)
def test_the_termijn_runs_three_years_from_the_day_after_the_decision(decided, start, end):
    assert termijn(decided) == (start, end)


SWITCH_LIMITS = [
    ("ordinary", date(2026, 3, 10), date(2027, 9, 10)),
    ("termijn from 1 September", date(2026, 8, 31), date(2028, 2, 29)),
    ("termijn from 1 May", date(2025, 4, 30), date(2026, 10, 31)),
    ("termijn from 1 March", date(2026, 2, 28), date(2027, 8, 31)),
]


@pytest.mark.parametrize(
    ("decided", "last_day"), [c[1:] for c in SWITCH_LIMITS], ids=[c[0] for c in SWITCH_LIMITS]
)
def test_a_route_switch_may_be_decided_until_the_last_day_of_the_termijns_first_18_months(
    decided, last_day
):
    assert last_route_switch_day(decided) == last_day


def test_months_are_added_to_the_same_day_or_the_months_last():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_the_onderwijsroute_refuses_map_and_the_z_route_needs_800_hours_of_nt2_and_knm():
    hours = {"hours": 40}
    onderwijs = module_problems(
        ROUTES["onderwijs"], {"nt2": {"hours": 400}, "pvt": {"hours": 12}, "map": hours}
    )
    assert ("modules/map", "is not part of the Onderwijsroute") in onderwijs
    z = module_problems(
        ROUTES["z"],
        {
            "nt2": {"hours": 700},
            "knm": {"hours": 60},
            "pvt": {"hours": 12},
            "map": hours,
            "participatie": {"hours": 800},
        },
    )
    assert z == [("modules", "nt2 + knm must add up to at least 800 hours, not 760")]
