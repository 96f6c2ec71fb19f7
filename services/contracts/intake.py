"""intake's published face: registering a person, their dossier and household, the brede intake
step by step, and signals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import Field, StringConstraints, create_model

from services.contracts.base import Answer, Body
from services.contracts.values import (
    Bsn,
    CefrLevel,
    Date,
    DossierId,
    GemeenteCode,
    InburgeringRoute,
    VNummer,
)

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=2000)]
Note = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000, pattern=r"\S"),
    Field(description="Say why, in a sentence."),
]

Sex = Literal["v", "m", "x"]
MigrantKind = Literal["asielstatushouder", "gezinsmigrant", "overig"]
Relation = Literal["partner", "kind", "overig"]
LanguageLevel = Literal["A0", "A1", "A2", "B1", "B2", "C1", "C2", "moedertaal"]
SanctionStep = Literal["waarschuwing", "boete", "pip-zonder-inburgeringsplichtige"]
SANCTION_STEPS: tuple[str, ...] = get_args(SanctionStep)
Sensitivity = Literal["normaal", "vertrouwelijk"]
SENSITIVITIES: tuple[str, ...] = get_args(Sensitivity)
ToetsOutcome = Literal["hoog", "gemiddeld", "laag"]
EducationLevel = Literal["geen", "basis", "voortgezet", "mbo", "hbo", "wo"]


# registration --------------------------------------------------------------------------------
class Language(Body):
    language: Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"\S")]
    level: LanguageLevel


class Contact(Body):
    phone: Annotated[str, StringConstraints(max_length=200)] | None = None
    email: Annotated[str, StringConstraints(max_length=200)] | None = None
    address: Annotated[str, StringConstraints(max_length=200)] | None = None


class Child(Body):
    given_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    birth_date: Date = Field(description="Not in the future.")


class Registration(Body):
    """A person linked to a gemeente of the region: the legal minimum, then what the gemeente
    learns besides (each optional; what is given is checked)."""

    bsn: Bsn
    v_nummer: VNummer
    given_name: Name
    family_name: Name
    birth_date: Date
    gemeente: GemeenteCode = Field(description="A gemeente of this region.")
    duo_notice_date: Date = Field(description="Date of DUO's kennisgeving; not in the future.")
    brp_registration_date: Date = Field(
        description="Date of registration in the BRP; not in the future."
    )
    sex: Sex | None = None
    country_of_origin: Annotated[str, StringConstraints(max_length=100, pattern=r"\S")] | None = (
        None
    )
    languages: list[Language] | None = None
    dutch_level: CefrLevel | None = None
    migrant_kind: MigrantKind | None = None
    inburgeringsplicht: bool | None = Field(None, description="Whether DUO established it.")
    coa_link_date: Date | None = Field(None, description="Not in the future.")
    housing_date: Date | None = Field(None, description="Not in the future.")
    contact: Contact | None = None
    children: list[Child] | None = Field(
        None, description="Children without an obligation of their own."
    )
    household_of: UUID | None = Field(
        None,
        description="The dossier of a household member registered before; needs `relation`.",
    )
    relation: Relation | None = None


REGISTRATION_FIELDS = tuple(
    name for name, spec in Registration.model_fields.items() if spec.is_required()
)


class Correction(Body):
    changes: dict[str, Any] = Field(
        description="Field: new value, for the names, dates, V-nummer and profile fields.",
        min_length=1,
    )
    reason: Note


class Created(Answer):
    id: UUID


class Dossier(Answer):
    id: UUID
    gemeente: str
    bsn: str
    v_nummer: str
    given_name: str
    family_name: str
    birth_date: Date
    duo_notice_date: Date
    brp_registration_date: Date
    registered_at: datetime
    version: int


class DossierSummary(Answer):
    """A dossier in a list: no BSN, V-nummer or birth date."""

    id: UUID
    gemeente: str
    given_name: str
    family_name: str
    registered_at: datetime


class DossierList(Answer):
    dossiers: list[DossierSummary]


class ListQuery(Body):
    limit: int = Field(100, ge=1, le=500, description="How many dossiers at most (newest first).")


class DossierView(Answer):
    """The dossier and intake as the caller's role may see them; `categories` names what is
    shown, and a field of a category not shown is left out."""

    id: UUID
    gemeente: str
    given_name: str = Field(description="Always: a guide knows whom they guide.")
    bsn: str | None = None
    v_nummer: str | None = None
    family_name: str | None = None
    birth_date: Date | None = None
    contact: dict[str, str] | None = None
    languages: list[dict[str, str]] | None = None
    dutch_level: CefrLevel | None = None
    household_id: UUID | None = None
    children: list[dict[str, Any]] | None = None
    intake: dict[str, Any] | None = Field(
        None, description="What the role may see of the brede intake, once there is one."
    )
    categories: list[str]


class HouseholdMember(Answer):
    id: UUID
    given_name: str | None = None
    family_name: str | None = None
    relation: str | None = None


class Household(Answer):
    household_id: UUID | None
    members: list[HouseholdMember]


# the brede intake -----------------------------------------------------------------------------
class Leerbaarheidstoets(Body):
    taken_on: Date = Field(description="Not in the future.")
    outcome: ToetsOutcome


class EducationEntry(Body):
    country: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    level: EducationLevel
    years: int = Field(ge=0, le=30)
    diploma: bool
    recognition_requested: bool


class WorkEntry(Body):
    country: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    occupation: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    years: int = Field(ge=0, le=60)


HEALTH = "Special category (AVG art. 9): shown to the regievoerder only."


class PersonalCircumstances(Body):
    summary: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    physical_health: Text | None = Field(None, description=HEALTH)
    mental_health: Text | None = Field(None, description=HEALTH)


class RouteChoice(Body):
    route: InburgeringRoute
    reason: Text | None = Field(
        None,
        description="Required when the route differs from the advice or from what the"
        " leerbaarheidstoets indicates.",
    )


class Invitation(Body):
    planned_on: Date
    purpose: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class Attendance(Body):
    attended: bool
    note: Text | None = Field(None, description="Required for a no-show.")


class SanctionDecision(Body):
    take: bool
    reason: Note


class ClosingNote(Body):
    note: Note


def _domain(name: str, doc: str, **fields: Any) -> type[Body]:
    return create_model(name, __base__=Body, __doc__=doc, **fields)


_TEXT = (Text | None, None)
_FLAG = (bool | None, None)
# The life domains (leefgebieden) of the brede intake: each one's facts, by its name in the path.
LIFE_DOMAINS: dict[str, type[Body]] = {
    "huisvesting": _domain(
        "Huisvesting",
        "Housing.",
        situation=(Literal["zelfstandig", "tijdelijk", "opvang", "geen"], ...),
        notes=_TEXT,
    ),
    "gezondheid": _domain(
        "Gezondheid",
        "Health: a special category of personal data (AVG art. 9), for the regievoerder only.",
        health_insurance=(bool, ...),
        gp_registered=(bool, ...),
        physical=_TEXT,
        mental=_TEXT,
        prevention=_TEXT,
    ),
    "financien": _domain(
        "Financien",
        "Income, allowances and debts.",
        income=(Literal["bijstand", "werk", "geen", "anders"], ...),
        debts=(bool, ...),
        huurtoeslag_applied=(bool, ...),
        zorgtoeslag_applied=(bool, ...),
        kinderopvangtoeslag_applied=_FLAG,
        advance_needed=(bool, ...),
        notes=_TEXT,
    ),
    "gezin": _domain(
        "Gezin",
        "Partner, children and childcare.",
        partner=(bool, ...),
        children=(int, Field(ge=0, le=20)),
        childcare_needed=(bool, ...),
        one_to_one_offered=(bool, ...),
        vve_explained=_FLAG,
        notes=_TEXT,
    ),
    "sociaal_netwerk": _domain(
        "SociaalNetwerk", "Contacts in the Netherlands.", contacts_in_nl=(bool, ...), notes=_TEXT
    ),
    "verblijfsintentie": _domain(
        "Verblijfsintentie",
        "Whether the person means to stay.",
        intention=(Literal["blijven", "terugkeren", "onzeker"], ...),
        notes=_TEXT,
    ),
    "verwachtingen": _domain(
        "Verwachtingen",
        "What the person expects and wants to reach in three years, in their own words.",
        expectations=(Annotated[str, StringConstraints(min_length=1, max_length=2000)], ...),
        three_year_goal=(Annotated[str, StringConstraints(min_length=1, max_length=2000)], ...),
    ),
}
LifeDomain = Literal[tuple(LIFE_DOMAINS)]  # type: ignore[valid-type]
PracticalItem = Literal[
    "zorgverzekering-regelen",
    "huisarts-kiezen",
    "huurtoeslag-aanvragen",
    "zorgtoeslag-aanvragen",
    "kinderopvangtoeslag-aanvragen",
    "schulden-aanpakken",
    "voorschot-uitkering",
    "kinderopvang-regelen",
]
PRACTICAL_ITEMS: tuple[str, ...] = get_args(PracticalItem)


class ToetsResult(Answer):
    taken_on: Date
    outcome: ToetsOutcome


class PracticalItemState(Answer):
    item: PracticalItem
    label: str
    open: bool
    note: str | None = None


class RouteAdvice(Answer):
    route: InburgeringRoute
    rule: str
    reasons: list[str]
    facts: dict[str, Any]


class ChosenRoute(Answer):
    route: InburgeringRoute
    reason: str | None = None
    advised: InburgeringRoute | None = None


class Step(Answer):
    step: str
    by: str
    role: str
    at: datetime


class BredeIntake(Answer):
    """The brede intake as the caller's role may see it."""

    dossier_id: UUID
    gemeente: str
    leerbaarheidstoets: ToetsResult | None = Field(description="null until recorded.")
    education: list[dict[str, Any]]
    work: list[dict[str, Any]]
    personal_circumstances: dict[str, Any] | None = Field(description="null until recorded.")
    domains: dict[str, dict[str, Any]] = Field(
        description="Recorded facts per life domain (gezondheid only for the regievoerder)."
    )
    practical_items: list[PracticalItemState]
    missing_parts: list[str]
    complete: bool
    route_advice: RouteAdvice | None = Field(description="null until the intake is complete.")
    route_choice: ChosenRoute | None = Field(description="null until a route is chosen.")
    history: list[Step] = Field(description="Every step with who recorded it.")
    version: int


# signals ---------------------------------------------------------------------------------------
SignalDomain = Literal[(*LIFE_DOMAINS, "algemeen")]  # type: ignore[valid-type]
SIGNAL_DOMAINS: tuple[str, ...] = get_args(SignalDomain)


class SignalGiven(Body):
    domain: SignalDomain
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=r"\S")]
    sensitivity: Sensitivity = "normaal"


class Signal(Answer):
    domain: SignalDomain
    text: str
    sensitivity: Sensitivity
    author: str
    author_role: str
    at: datetime


class SignalRecorded(Answer):
    dossier_id: UUID
    signals: int = Field(description="How many signals the dossier has now.")


class Signals(Answer):
    dossier_id: UUID
    signals: list[Signal]
    withheld: int = Field(description="How many signals the caller's role may not read.")


__all__ = ["DossierId"]
