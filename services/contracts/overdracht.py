"""The overdrachtsdossier: what a gemeente of the region hands to the gemeente outside the region
a person moved to (issue 17, warme overdracht), as JSON; the same as a printable Dutch page.

What it holds, and what not (rule table; the articles of the Wet inburgering 2021 on a move
could not be verified in the search corpora, so they are not cited here: for the legal
department to confirm):
- the person (BSN, v-nummer, name, birth date, the DUO and BRP dates the deadline counts from),
  the move, the leerroute, the PIP's status, termijn, deadline, goals and their status, and
  the sanctions and measures, open or decided: what the new gemeente needs to carry on the
  inburgering it now has the regie of (AVG art. 6 lid 1 sub e);
- never health: goals on health, personal circumstances and signals are a special category
  whose processing is prohibited (AVG art. 9 lid 1) unless, here, the person gave explicit
  consent for that purpose (AVG art. 9 lid 2 sub a; both verified in the search corpora,
  gdpr-text.com's Dutch text). The person's consents in Wegwijs are to the old gemeente or to
  partners, never to a gemeente outside the region, so none can carry health there; the new
  gemeente asks the person. `left_out` says what was left out, and why.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from services.contracts.base import Answer
from services.contracts.intake import Move
from services.contracts.pip import GoalDomain, GoalStatus, Measure, PipStatus
from services.contracts.values import Date


class OverdrachtPerson(Answer):
    bsn: str
    v_nummer: str
    given_name: str
    family_name: str
    birth_date: Date
    duo_notice_date: Date
    brp_registration_date: Date


class OverdrachtTermijn(Answer):
    start: Date
    end: Date


class OverdrachtGoal(Answer):
    domain: GoalDomain
    description: str
    status: GoalStatus
    due_on: Date


class OverdrachtMeasure(Answer):
    measure: Measure
    on: Date = Field(description="The day of the breach it is about.")
    decision: Literal["open", "genomen", "niet-genomen"]


class OverdrachtSanction(Answer):
    """A step of the brede intake's sanction ladder (Wi 2021 art. 31)."""

    step: str
    decision: Literal["open", "genomen", "afgezien"]


class OverdrachtPip(Answer):
    status: PipStatus
    established_on: Date | None
    deadline: Date | None = Field(description="The PIP's deadline now (null: extension waits).")
    termijn: OverdrachtTermijn | None = Field(
        description="The inburgeringstermijn: it does not move with the person."
    )
    goals: list[OverdrachtGoal]
    measures: list[OverdrachtMeasure]


class LeftOut(Answer):
    what: str
    why: str


class Overdrachtsdossier(Answer):
    """What the new gemeente outside the region needs to carry on; health is never in it."""

    dossier_id: UUID
    gemeente: str = Field(description="The gemeente the person left, which hands it over.")
    person: OverdrachtPerson
    move: Move
    route: str | None = Field(description="The leerroute chosen after the brede intake.")
    intake_complete: bool
    intake_sanctions: list[OverdrachtSanction]
    pip: OverdrachtPip | None = Field(description="Null: the person had no PIP (no obligation).")
    left_out: list[LeftOut]
