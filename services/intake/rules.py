"""The legal frame of fair enforcement at the brede intake and of a leerbaarheidstoets not taken,
as data (Wet inburgering 2021, Besluit inburgering 2021, Algemene wet bestuursrecht). No I/O; the
aggregate and the parsers ask these rules.

Each rule names the articles it rests on. Where the law leaves the gemeente a choice, the choice
made here is written next to it.
"""

from __future__ import annotations

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
