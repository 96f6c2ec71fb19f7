"""The legal frame of the PIP as data and date arithmetic (Wet inburgering 2021, Besluit
inburgering 2021). No I/O; the aggregate and the parsers ask these rules."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from services.contracts.pip import FINE_MAX_EUR, LANGUAGE_TARGETS
from services.contracts.values import PIEZO_PHASES

# Besluit inburgering art. 5.3: the PIP is set within 10 weeks of DUO's notice, or of the BRP
# registration when that is later; postponed only while waiting for a third party's information,
# to at most 2 weeks after it arrives.
PIP_TERM = timedelta(weeks=10)
AFTER_ARRIVAL = timedelta(weeks=2)
# Wet inburgering art. 7 and 11: three years, from the day after the PIP's date.
TERMIJN_MONTHS = 36
# A route switch (schakelen) changes the PIP (Wet inburgering 2021 art. 17: changing the
# leerroute; afschalen is its lid 3, as Schulinck's commentary on the law cites it) and is allowed
# up to 1.5 years into the termijn. The article of the Besluit that sets the 1.5 years could not be
# verified in the sources at hand; the limit follows the seed and Divosa's practice. It holds for
# the day the switch is recorded, whatever date it carries: a backdated decision does not reopen
# the period.
ROUTE_SWITCH_MONTHS = 18
# A decision (vaststellen, bijstellen) or an extension request may be recorded this many days
# after its date; an earlier date needs a reason, which is kept with it (an auditor sees both).
# The reason explains the date; it does not move a legal limit: a PIP recorded after its
# deadline is late (Besluit inburgering 2021 art. 5.3), whatever date it carries.
BACKDATING_DAYS = 14
# Wet inburgering art. 14 and 15: the PIP is drawn up from the brede intake, so it is dated no
# earlier than the day the intake was completed (intake's `brede-intake.afgerond` event).
# Besluit inburgering 2021 art. 5.5: afschalen from B1 to A2 needs at least 600 hours of NT2 at
# a certified school, and effort. The hours are those the PIP's own log holds (POST
# .../pip/modules/nt2/hours) up to the revision's date; a typed figure that differs from the log
# is refused with both figures, for the regievoerder to resolve (Awb 3:2: a decision rests on
# facts that were checked).
AFSCHALEN_MIN_NT2_HOURS = 600
AFSCHALEN_HOURS_MODULE = "nt2"
ONTZORGEN_MIN_MONTHS = 6  # Participatiewet art. 56a
PHASES = PIEZO_PHASES  # Piëzo: may run in parallel (duaal)


def pip_deadline(duo_notice_date: date, brp_registration_date: date) -> date:
    return max(duo_notice_date, brp_registration_date) + PIP_TERM


def extended_deadline(legal_deadline: date, arrived_on: date) -> date:
    """The deadline once awaited information arrived: 2 weeks after it, never earlier than the
    legal deadline itself."""
    return max(legal_deadline, arrived_on + AFTER_ARRIVAL)


def add_months(day: date, months: int) -> date:
    """The same calendar day `months` later; the month's last day where that day does not exist
    (31 August + 6 months is 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: date, months: int) -> date:
    """The last day of a period of `months` that starts on `start`: the day before the same
    calendar day `months` later, where a day that month lacks (29-31) counts as the 1st of the
    next month. A termijn starting 1 March 2025 ends 29 February 2028; one starting 29 February
    2028 ends 28 February 2031."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if start.day > calendar.monthrange(year, month)[1]:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return date(year, month, 1) - timedelta(days=1)
    return date(year, month, start.day) - timedelta(days=1)


def termijn(decided_on: date) -> tuple[date, date]:
    """First and last day of the inburgeringstermijn of a PIP decided on `decided_on`: three
    years from the next day."""
    start = decided_on + timedelta(days=1)
    return start, period_end(start, TERMIJN_MONTHS)


def last_route_switch_day(decided_on: date) -> date:
    """The last day of the first 1.5 years of the termijn."""
    return period_end(decided_on + timedelta(days=1), ROUTE_SWITCH_MONTHS)


@dataclass(frozen=True)
class Route:
    """A leerroute: its language targets and the modules it needs, with minimum hours."""

    code: str
    name: str
    language_targets: tuple[str, ...]  # the first is the default
    required: dict[str, int]  # module -> minimum planned hours
    forbidden: frozenset[str] = frozenset()
    # (modules, minimum hours they add up to): the Z-route's 800 hours of NT2 and KNM together.
    combined: tuple[tuple[tuple[str, ...], int], ...] = ()
    notes: tuple[str, ...] = field(default=())


ROUTES = {
    "b1": Route(
        "b1",
        "B1-route",
        LANGUAGE_TARGETS["b1"],
        {"nt2": 1, "knm": 1, "pvt": 12, "map": 40},
    ),
    "onderwijs": Route(
        "onderwijs",
        "Onderwijsroute",
        LANGUAGE_TARGETS["onderwijs"],
        {"nt2": 1, "knm": 1, "pvt": 12},
        forbidden=frozenset({"map"}),
        notes=("Geen MAP in de onderwijsroute.",),
    ),
    "z": Route(
        "z",
        "Zelfredzaamheidsroute",
        LANGUAGE_TARGETS["z"],
        {"nt2": 1, "knm": 1, "pvt": 12, "map": 40, "participatie": 800},
        combined=((("nt2", "knm"), 800),),
        notes=("800 uur NT2 en KNM samen, 800 participatie-uren en een eindgesprek.",),
    ),
}


def module_problems(route: Route, modules: dict[str, dict]) -> list[tuple[str, str]]:
    """What is wrong with `modules` for `route`, as (field, detail) pairs."""
    problems = []
    for module, minimum in route.required.items():
        planned = modules.get(module)
        if planned is None:
            problems.append((f"modules/{module}", f"is required in the {route.name}"))
        elif planned["hours"] < minimum:
            problems.append(
                (f"modules/{module}/hours", f"must be at least {minimum} in the {route.name}")
            )
    for module in sorted(route.forbidden & set(modules)):
        problems.append((f"modules/{module}", f"is not part of the {route.name}"))
    for members, minimum in route.combined:
        total = sum(modules[m]["hours"] for m in members if m in modules)
        if total < minimum:
            joined = " + ".join(members)
            problems.append(
                ("modules", f"{joined} must add up to at least {minimum} hours, not {total}")
            )
    return problems


# Handhaving of PIP obligations -------------------------------------------------------------------
# Wet inburgering 2021 ch. 6 (art. 31-32): the college may fine a breach of an obligation of the
# PIP, at most FINE_MAX_EUR. Awb 5:41: no fine for what cannot be blamed on the person, so every
# measure is taken only with a culpability assessment that finds the breach culpable (after the
# EU Court of Justice, 2025, and the Raad van State: a fine for an asielstatushouder only in
# exceptional circumstances). Awb 5:53: when the fine that can be given exceeds
# AWB_HEARING_ABOVE_EUR, the person is heard (zienswijze) first; the PIP fine can reach 800, so
# every PIP fine needs a hearing. A written warning is no burdening decision (Awb 4:8 does not
# apply). A fine follows a warning that was taken on an earlier breach: the ladder's order, which
# a gemeente's ladder file may not reverse (refused when the file is loaded).
# Participatiewet art. 18 (lid 2): lowering a benefit is a measure under the Participatiewet,
# decided by the college's klantmanager, with its own culpability assessment and hearing; the
# regievoerder refers the breach to them and the PIP records that.
PIP_FINE_MAX_EUR = FINE_MAX_EUR
AWB_HEARING_ABOVE_EUR = 340


@dataclass(frozen=True)
class MeasureRule:
    """What taking a measure asks: who decides it, whether a warning must come first and
    whether the person must be heard; `law` cites where that comes from."""

    decided_by: str
    warning_first: bool
    hearing: bool
    law: str


MEASURE_RULES = {
    "waarschuwing": MeasureRule(
        "regievoerder", False, False, "Wet inburgering 2021 art. 31; Awb 5:41"
    ),
    "boete": MeasureRule(
        "regievoerder",
        True,
        PIP_FINE_MAX_EUR > AWB_HEARING_ABOVE_EUR,
        "Wet inburgering 2021 art. 31-32; Awb 5:41, 5:53",
    ),
    "maatregel-participatiewet": MeasureRule(
        "klantmanager", False, True, "Participatiewet art. 18; Awb 4:8"
    ),
}
