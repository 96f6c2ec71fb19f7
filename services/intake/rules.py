"""The legal frame of fair enforcement at the brede intake and of a leerbaarheidstoets not taken,
as data (Wet inburgering 2021, Besluit inburgering 2021, Algemene wet bestuursrecht). No I/O; the
aggregate and the parsers ask these rules.

Each rule names the articles it rests on. Where the law leaves the gemeente a choice, the choice
made here is written next to it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

WARNING = "waarschuwing"
FINE = "boete"

# No-shows (Wi 2021 art. 31: a fine for not taking part in the brede intake; Awb art. 5:41: no
# sanction for what the person cannot be blamed for).
# - A conversation's outcome is recorded from its planned day on: a person cannot have stayed
#   away from a conversation still to come. A conversation planned today may be recorded today
#   (the register has dates, not times: the regievoerder records after the appointment).
# - An absence the person excused (called in sick, with the reason) is no failure to take part:
#   it is recorded as such and does not count toward the ladder. An excuse that comes after a
#   no-show was recorded (a doctor's note) turns it into an excused absence; a ladder step that
#   is then no longer due and not yet decided is withdrawn. A step already decided stays: it is
#   reviewed through bezwaar (Awb art. 7:1) or on a request to revisit it (Awb art. 4:6).
NO_SHOW_ARTICLES = "Wi 2021 art. 31; Awb art. 5:41"


def may_record_attendance(planned_on: date, today: date) -> bool:
    return planned_on <= today


# Sanctions at the intake (Wi 2021 art. 31-33, Besluit inburgering 2021): the college decides
# (Wi 2021 art. 31: "het college"), through its regievoerder; a benefit measure under the
# Participatiewet is another law's and another officer's (the klantmanager's), never taken here.
DECIDED_BY = "regievoerder"
# The ladder the Besluit sets out for the brede intake: a written warning after the first call
# not answered, a fine of EUR 250 after the second, a second fine and the PIP without the person
# after the third. Whatever a gemeente's ladder file says, a fine comes after a warning was taken.
FINE_AMOUNT_EUR = 250
FINE_ARTICLES = "Wi 2021 art. 31-33; Besluit inburgering 2021 (waarschuwing, dan boete)"
# Culpability (verwijtbaarheid): no fine for what cannot be blamed on the person.
CULPABILITY_ARTICLES = "Awb art. 5:41; Wi 2021 art. 33"
# The hearing (zienswijze). A fine rests on facts about the person's own conduct that they did
# not give themselves (the no-shows the gemeente recorded): Awb art. 4:8 asks to hear them first.
# Above EUR 340 Awb art. 5:53 asks it in any case, with a written report of the offence.
AWB_5_53_THRESHOLD_EUR = 340


def hearing_basis(amount_eur: int = FINE_AMOUNT_EUR) -> str:
    """The article that asks for a hearing before a fine of `amount_eur`."""
    if amount_eur > AWB_5_53_THRESHOLD_EUR:
        return "Awb art. 5:53 (boete boven EUR 340: rapport en zienswijze)"
    return "Awb art. 4:8 (zienswijze voor een belastend besluit over eigen gedrag)"


def ladder_problem(steps: tuple[tuple[int, str], ...]) -> str | None:
    """What is wrong with a ladder (after how many no-shows, step): a fine is only reached after
    a warning was due at fewer no-shows."""
    warnings = [after for after, step in steps if step == WARNING]
    for after, step in steps:
        if step == FINE and not any(w < after for w in warnings):
            return f"a fine (after {after} no-shows) comes before any warning"
    return None


# The leerbaarheidstoets (Wi 2021 art. 14) is part of every brede intake, but some people cannot
# take it. Not taking it is recorded with one of these grounds and a note; the intake can then be
# completed on its two other legal parts.
@dataclass(frozen=True)
class ToetsExemptionGround:
    """Why the leerbaarheidstoets is not taken, and what the route advice can rest on instead."""

    code: str
    label: str
    articles: str
    health: bool  # the ground itself says something about health (AVG art. 9)
    advised_route: str | None  # None: no advice; the regievoerder chooses, with a reason
    reason: str


TOETS_EXEMPTION_GROUNDS = {
    ground.code: ground
    for ground in (
        ToetsExemptionGround(
            "analfabetisme",
            "Kan niet lezen en schrijven op een manier die de toets aankan",
            "Wi 2021 art. 14; art. 7 (Z-route)",
            health=False,
            advised_route="z",
            reason="De persoon kan de leerbaarheidstoets niet maken omdat hij of zij niet kan"
            " lezen en schrijven op een manier die de toets aankan. De Z-route is er voor wie"
            " B1 binnen de termijn niet kan halen; wijk af met een reden als de persoon snel"
            " leert.",
        ),
        ToetsExemptionGround(
            "lichamelijke-belemmering",
            "Een lichamelijke belemmering (bijvoorbeeld blind of slechtziend)",
            "Wi 2021 art. 14 en art. 5 lid 1; Besluit inburgering 2021 art. 2.7",
            health=True,
            advised_route=None,
            reason="De persoon kan de leerbaarheidstoets niet maken door een lichamelijke"
            " belemmering. Zonder toets is er geen advies: de regievoerder kiest de route, met"
            " een reden (denk aan aangepaste examens of ontheffing via DUO).",
        ),
        ToetsExemptionGround(
            "psychische-belemmering-of-verstandelijke-beperking",
            "Een psychische belemmering of een verstandelijke beperking",
            "Wi 2021 art. 14 en art. 5 lid 1; Besluit inburgering 2021 art. 2.7",
            health=True,
            advised_route=None,
            reason="De persoon kan de leerbaarheidstoets niet maken door een psychische"
            " belemmering of een verstandelijke beperking. Zonder toets is er geen advies: de"
            " regievoerder kiest de route, met een reden (denk aan ontheffing via DUO).",
        ),
        ToetsExemptionGround(
            "ontheffing-aangevraagd",
            "Ontheffing van de inburgeringsplicht aangevraagd of gekregen bij DUO",
            "Wi 2021 art. 5; Besluit inburgering 2021 hoofdstuk 2 (art. 2.7)",
            health=True,  # mostly on medical grounds (art. 5 lid 1)
            advised_route=None,
            reason="Er is ontheffing van de inburgeringsplicht aangevraagd of gekregen. Zonder"
            " toets is er geen advies: de regievoerder kiest de route voor wat van de plicht"
            " overblijft, met een reden.",
        ),
    )
}
NO_ADVICE_RULE = "geen-toets-keuze-regievoerder"


def exemption_rule(ground: ToetsExemptionGround) -> str:
    """The name of the advice rule a ground gives."""
    return f"geen-toets-{ground.code}" if ground.advised_route else NO_ADVICE_RULE


# Who is inburgeringsplichtig (Wi 2021 art. 3-5) ---------------------------------------------------
# - Wi 2021 art. 3: the obligation is the vreemdeling's from the age of 16 until the
#   pensioengerechtigde leeftijd (AOW art. 7a).
# - A minor is leerplichtig until 16 and, without a startkwalificatie, kwalificatieplichtig until
#   18 (Leerplichtwet 1969 art. 3 and 4a): DUO then sends its notice at 18, and the obligation
#   starts with it. A 16- or 17-year-old whose obligation DUO already established (the
#   registration's `inburgeringsplicht: true`) is obligated from that notice, not before 16.
# - Exemptions take the person out of the obligation: a vrijstelling (Wi 2021 art. 4: for example
#   a Dutch diploma, or eight years of school in the Netherlands while leerplichtig) or an
#   ontheffing by the Minister (Wi 2021 art. 5: a lasting psychic or physical barrier or an
#   intellectual disability, or special circumstances that are not the person's fault). DUO's
#   own finding that there is no obligation (`inburgeringsplicht: false`) counts so for an adult.
# A member without an obligation stays a member of the household (children count for its
# practical checklist, childcare and school); they get no PIP and no PIP deadline.
OBLIGATED = "inburgeringsplichtig"
NOT_YET = "nog-niet-inburgeringsplichtig"
NOT_OBLIGATED = "niet-inburgeringsplichtig"
OBLIGATION_AGE = 16  # Wi 2021 art. 3
KWALIFICATIEPLICHT_ENDS = 18  # Leerplichtwet 1969 art. 4a
OBLIGATION_ARTICLES = "Wi 2021 art. 3; Leerplichtwet 1969 art. 3 en 4a"
PENSION_ARTICLES = "Wi 2021 art. 3; AOW art. 7a (pensioengerechtigde leeftijd)"
EXEMPTIONS = {
    "vrijstelling": (
        "Wi 2021 art. 4",
        "Er is vrijstelling van de inburgeringsplicht (bijvoorbeeld door een Nederlands diploma).",
    ),
    "ontheffing": (
        "Wi 2021 art. 5",
        "DUO heeft ontheffing van de inburgeringsplicht gegeven.",
    ),
}

# The pensioengerechtigde leeftijd (AOW art. 7a) by date of birth, as the SVB publishes it:
# (born on or after, years, months). The age for a year is set five years ahead; 2028's is 67
# years and 3 months and the table keeps it for everyone born later until a new row is added.
# Whoever was born before 1955 had passed it before the Wi 2021 took effect (1 January 2022).
PENSION_AGE_TABLE = (
    (date(1955, 1, 1), 66, 4),  # reached in 2021
    (date(1955, 10, 1), 66, 7),  # 2022
    (date(1956, 9, 1), 66, 10),  # 2023
    (date(1957, 1, 1), 67, 0),  # 2024 to 2027
    (date(1961, 1, 1), 67, 3),  # 2028 and later
)


@dataclass(frozen=True)
class Obligation:
    """Whether a person is inburgeringsplichtig on a day, since or from when, and why."""

    status: str
    starts_on: date | None  # the obligation's first day (to come, for a member not yet obligated)
    ends_on: date  # the day the pensioengerechtigde leeftijd is reached
    reason: str
    articles: str

    @property
    def obligated(self) -> bool:
        return self.status == OBLIGATED


def pension_date(birth_date: date) -> date:
    """The day the person reaches the pensioengerechtigde leeftijd (PENSION_AGE_TABLE)."""
    years, months = PENSION_AGE_TABLE[0][1:]
    for born_from, row_years, row_months in PENSION_AGE_TABLE:
        if birth_date >= born_from:
            years, months = row_years, row_months
    return _add_months(birth_date, 12 * years + months)


def obligation_on(
    day: date,
    birth_date: date,
    duo_notice_date: date,
    duo_established: bool | None = None,
    exemption: str | None = None,
) -> Obligation:
    """Whether the person is inburgeringsplichtig on `day`: from the date of birth, DUO's notice
    (and whether DUO established the obligation) and an exemption, if any."""
    ends_on = pension_date(birth_date)
    if day >= ends_on:
        return Obligation(
            NOT_OBLIGATED,
            None,
            ends_on,
            "De persoon heeft de pensioengerechtigde leeftijd bereikt: er is geen"
            " inburgeringsplicht.",
            PENSION_ARTICLES,
        )
    if exemption in EXEMPTIONS:
        articles, reason = EXEMPTIONS[exemption]
        return Obligation(NOT_OBLIGATED, None, ends_on, reason, articles)
    adult_on = _add_months(birth_date, 12 * KWALIFICATIEPLICHT_ENDS)
    if day >= adult_on:
        if duo_established is False:
            return Obligation(
                NOT_OBLIGATED,
                None,
                ends_on,
                "DUO heeft vastgesteld dat de persoon niet inburgeringsplichtig is.",
                "Wi 2021 art. 3-5",
            )
        return Obligation(
            OBLIGATED,
            max(duo_notice_date, adult_on),
            ends_on,
            "De persoon is 18 jaar of ouder en heeft de pensioengerechtigde leeftijd nog niet"
            " bereikt.",
            OBLIGATION_ARTICLES,
        )
    sixteen_on = _add_months(birth_date, 12 * OBLIGATION_AGE)
    if duo_established and day >= sixteen_on:
        starts_on = max(duo_notice_date, sixteen_on)
        if day >= starts_on:
            return Obligation(
                OBLIGATED,
                starts_on,
                ends_on,
                "De persoon is 16 of 17 jaar en DUO heeft de inburgeringsplicht vastgesteld.",
                OBLIGATION_ARTICLES,
            )
    return Obligation(
        NOT_YET,
        adult_on,
        ends_on,
        "De persoon is minderjarig: leerplichtig tot 16 jaar en meestal kwalificatieplichtig"
        " tot 18 jaar. De inburgeringsplicht begint meestal op de 18e verjaardag, met de brief"
        " van DUO.",
        OBLIGATION_ARTICLES,
    )


def _add_months(day: date, months: int) -> date:
    """`day` plus `months`; a day the month lacks (29 February) becomes its last day."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
