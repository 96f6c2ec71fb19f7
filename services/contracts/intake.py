"""intake's published face: registering a person, their dossier and household, the brede intake
step by step, and signals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import (
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from services.contracts.base import Answer, Body, omittable, problem, when
from services.contracts.values import (
    Bsn,
    CefrLevel,
    Date,
    DossierId,
    GemeenteCode,
    InburgeringRoute,
    PastDate,
    RegionGemeente,
    RegisteredDate,
    VNummer,
)

Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]
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
ObligationExemption = Literal["vrijstelling", "ontheffing"]
SANCTION_STEPS: tuple[str, ...] = get_args(SanctionStep)
Sensitivity = Literal["normaal", "vertrouwelijk"]
SENSITIVITIES: tuple[str, ...] = get_args(Sensitivity)
ToetsOutcome = Literal["hoog", "gemiddeld", "laag"]
# Why a leerbaarheidstoets is not taken: the closed list of services/intake/rules.py.
ToetsExemptionGroundCode = Literal[
    "analfabetisme",
    "lichamelijke-belemmering",
    "psychische-belemmering-of-verstandelijke-beperking",
    "ontheffing-aangevraagd",
]
TOETS_EXEMPTION_GROUNDS: tuple[str, ...] = get_args(ToetsExemptionGroundCode)
HearingResponse = Literal["mondeling", "schriftelijk", "geen-reactie"]
EducationLevel = Literal["geen", "basis", "voortgezet", "mbo", "hbo", "wo"]


# registration --------------------------------------------------------------------------------
class Language(Body):
    language: Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"\S")]
    level: LanguageLevel


ContactDetail = Annotated[str, StringConstraints(max_length=200)]


class Contact(Body):
    """Each detail left out or text (intake takes no null here)."""

    phone: ContactDetail = omittable()
    email: ContactDetail = omittable()
    address: ContactDetail = omittable()


class Child(Body):
    given_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    birth_date: PastDate = Field(description="Not in the future.")


class Registration(Body):
    """A person linked to a gemeente of the region: the legal minimum, then what the gemeente
    learns besides (each optional; what is given is checked)."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {
                "properties": {"household_of": {"type": "string"}},
                "required": ["household_of"],
            },
            "then": {"required": ["relation"], "properties": {"relation": {"type": "string"}}},
            "examples": [
                {
                    "bsn": "999990019",
                    "v_nummer": "3999990019",
                    "given_name": "Rahaf",
                    "family_name": "Haddad",
                    "birth_date": "1994-03-12",
                    "gemeente": "0344",
                    "duo_notice_date": "2026-09-01",
                    "brp_registration_date": "2026-09-15",
                    "languages": [{"language": "ar", "level": "moedertaal"}],
                    "dutch_level": "A1",
                }
            ],
        }
    )

    bsn: Bsn
    v_nummer: VNummer
    given_name: Name
    family_name: Name
    birth_date: RegisteredDate = Field(description="Not in the future, not before 1900.")
    gemeente: RegionGemeente = Field(description="A gemeente of this region.")
    duo_notice_date: RegisteredDate = Field(
        description="Date of DUO's kennisgeving; not in the future, not before 1900."
    )
    brp_registration_date: RegisteredDate = Field(
        description="Date of registration in the BRP; not in the future, not before 1900."
    )
    sex: Sex | None = None
    country_of_origin: Annotated[str, StringConstraints(max_length=100, pattern=r"\S")] | None = (
        None
    )
    languages: list[Language] | None = None
    dutch_level: CefrLevel | None = None
    migrant_kind: MigrantKind | None = None
    inburgeringsplicht: bool | None = Field(None, description="Whether DUO established it.")
    exemption: ObligationExemption | None = Field(
        None,
        description="A vrijstelling (Wi 2021 art. 4) or ontheffing (art. 5) of the obligation.",
    )
    coa_link_date: PastDate | None = Field(None, description="Not in the future.")
    housing_date: PastDate | None = Field(None, description="Not in the future.")
    contact: Contact | None = None
    children: list[Child] | None = Field(
        None, description="Children without an obligation of their own."
    )
    household_of: UUID | None = Field(
        None,
        description="The dossier of a household member registered before; needs `relation`.",
    )
    relation: Relation | None = Field(
        None, description="Required with `household_of`.", validate_default=True
    )

    @field_validator("relation")
    @classmethod
    def _relation_with_the_household(
        cls, relation: str | None, known: ValidationInfo
    ) -> str | None:
        # A field's rule, not the model's: named with every other wrong field of the body.
        if relation is None and known.data.get("household_of") is not None:
            raise PydanticCustomError(
                "relation", "is required with household_of: partner, kind or overig"
            )
        return relation


REGISTRATION_FIELDS = tuple(
    name for name, spec in Registration.model_fields.items() if spec.is_required()
)


# What a correction may change: the registered facts but the BSN and the gemeente (a legal
# fact is never null), and the profile.
CORRECTABLE = (
    "v_nummer",
    "given_name",
    "family_name",
    "birth_date",
    "duo_notice_date",
    "brp_registration_date",
)
PROFILE_FIELDS = (
    "sex",
    "country_of_origin",
    "languages",
    "dutch_level",
    "migrant_kind",
    "inburgeringsplicht",
    "exemption",
    "coa_link_date",
    "housing_date",
    "contact",
    "children",
)


class _Changes(Body):
    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    @model_validator(mode="after")
    def _names_a_field(self) -> _Changes:
        if not self.model_fields_set:
            raise PydanticCustomError(
                "no_change",
                "name at least one field to correct: {known}",
                {"known": ", ".join(type(self).model_fields)},
            )
        return self


def _optional(name: str) -> tuple[Any, Any]:
    spec = Registration.model_fields[name]
    # A field as the registration declares it (its pattern, length, dates' marks), left out
    # unless given. A legal fact is never null (its type says so; the document writes no
    # `default: null`); a profile field may be null, as at registration.
    return spec.annotation, FieldInfo.merge_field_infos(spec, default=None)


DossierChanges = create_model(
    "DossierChanges",
    __base__=_Changes,
    __doc__="The facts to correct, each with its new value.",
    **{name: _optional(name) for name in (*CORRECTABLE, *PROFILE_FIELDS)},
)


class Correction(Body):
    changes: DossierChanges  # type: ignore[valid-type]
    reason: Note


class Created(Answer):
    id: UUID


class Obligation(Answer):
    """Whether the person is inburgeringsplichtig today (Wi 2021 art. 3-5), and why."""

    status: Literal[
        "inburgeringsplichtig", "nog-niet-inburgeringsplichtig", "niet-inburgeringsplichtig"
    ]
    obligated: bool
    starts_on: Date | None = Field(
        description="The obligation's first day; for a member not yet obligated, the day it is"
        " expected to start (the 18th birthday, when DUO's notice comes)."
    )
    ends_on: Date = Field(description="The day the pensioengerechtigde leeftijd is reached.")
    reason: str = Field(description="Why, in Dutch.")
    articles: str


class Regievoerder(Answer):
    """The regievoerder responsible for a dossier (the person who has regie)."""

    id: str = Field(description="Their user id, as their token names it (`sub`).")
    name: str = Field(description="Their name, as their token gave it when they were assigned.")


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
    obligation: Obligation
    regievoerder: Regievoerder | None = Field(
        description="Who is responsible for the dossier; null: nobody has taken it yet."
    )
    version: int


class RegievoerderAssignment(Body):
    """Take a dossier (`mij`) or give it to another regievoerder of its gemeente: one who took
    a dossier of that gemeente before (so the gemeente knows them as its regievoerder)."""

    regievoerder: Annotated[
        str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\s\x00-\x1f]+$")
    ] = Field(description="`mij`: the caller; otherwise the regievoerder's user id (`sub`).")


class DossierSummary(Answer):
    """A dossier in a list: no BSN, V-nummer or birth date."""

    id: UUID
    gemeente: str
    given_name: str
    family_name: str
    registered_at: datetime


# Where a page of dossiers ends: the last one's registration moment (microseconds since 1970)
# and id (keyset pagination). Every text of this shape names a place in the list.
PAGE_CURSOR = r"^[0-9]{1,17}_[0-9a-f]{32}$"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def page_cursor(registered_at: datetime, dossier_id: UUID) -> str:
    """The `next_before` of a page whose last dossier is this one."""
    return f"{(registered_at - _EPOCH) // timedelta(microseconds=1)}_{dossier_id.hex}"


def page_end(cursor: str) -> tuple[datetime, UUID]:
    """The registration moment and id a `before` names (ValueError if it is not one)."""
    micros, _, dossier_id = cursor.partition("_")
    return _EPOCH + timedelta(microseconds=int(micros)), UUID(hex=dossier_id)


class DossierList(Answer):
    dossiers: list[DossierSummary]
    next_before: str | None = Field(
        None,
        description="The `before` of the next page (older dossiers), when this page is full;"
        " absent on the last page.",
    )


class ListQuery(Body):
    limit: int = Field(20, ge=1, le=500, description="How many dossiers at most (newest first).")
    before: Annotated[str, StringConstraints(pattern=PAGE_CURSOR)] | None = Field(
        None,
        description="Only the dossiers after this point in the list: the `next_before` of the page"
        " before.",
    )
    q: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"\S")] | None = (
        Field(
            None,
            description="Search: a BSN (9 digits) or v-nummer (10 digits) finds that person;"
            " other text finds the people whose name holds every word of it.",
        )
    )


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
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"taken_on": "2026-10-02", "outcome": "gemiddeld"}]}
    )

    taken_on: PastDate = Field(description="Not in the future.")
    outcome: ToetsOutcome


class ToetsExemption(Body):
    """The leerbaarheidstoets is not taken: why (a ground of the law), and a note."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ground": "analfabetisme",
                    "note": "Heeft nooit leren lezen of schrijven; kon de oefenvragen niet maken.",
                }
            ]
        }
    )

    ground: ToetsExemptionGroundCode = Field(
        description="analfabetisme: the Z-route is advised; any other ground: no advice, the"
        " regievoerder chooses the route on completion, with a reason."
    )
    note: Note


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


class CompletionChoice(Body):
    """The regievoerder's route, when the leerbaarheidstoets was not taken on a ground that
    gives no advice; left out otherwise."""

    route: InburgeringRoute = omittable("Required when the intake's toets ground gives no advice.")
    reason: Text = omittable("Required with route: why this route, without a toets.")


class Invitation(Body):
    planned_on: Date
    purpose: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]


class Attendance(Body):
    """Whether the person came, recorded on or after the conversation's day. An absence needs a
    note saying what happened; `excused` when the person called off with a reason (it does not
    count toward the sanction ladder)."""

    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                when(
                    "attended",
                    False,
                    {"required": ["note"], "properties": {"note": {"type": "string"}}},
                ),
                when("excused", True, {"properties": {"attended": {"const": False}}}),
            ]
        }
    )

    attended: bool
    excused: bool = Field(
        False, description="An absence the person excused beforehand, with the reason in note."
    )
    note: Note = omittable("Required for an absence: what happened, or the excuse.")

    @model_validator(mode="after")
    def _note_for_an_absence(self) -> Attendance:
        wrong = []
        if self.attended and self.excused:
            wrong.append(problem("excused", "is only for an absence (attended: false)"))
        if not self.attended and self.note is None:
            wrong.append(
                problem("note", "is required for an absence: say what happened, in a sentence")
            )
        if wrong:
            raise ValidationError.from_exception_data(type(self).__name__, wrong)
        return self


class Excuse(Body):
    """An excuse that came after a no-show was recorded (a doctor's note, say)."""

    reason: Note


class Culpability(Body):
    """The verwijtbaarheid assessment behind a fine (Awb art. 5:41)."""

    culpable: bool = Field(description="A fine needs true: the person is to blame.")
    reasoning: Note


class Hearing(Body):
    """The zienswijze before a fine (Awb art. 4:8; art. 5:53 above EUR 340)."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {
                "properties": {"response": {"enum": ["mondeling", "schriftelijk"]}},
                "required": ["response"],
            },
            "then": {"required": ["summary"], "properties": {"summary": {"type": "string"}}},
        }
    )

    invited_on: PastDate = Field(
        description="When the person was given the chance to be heard; not in the future."
    )
    response: HearingResponse = Field(
        description="How the person answered; geen-reactie when the chance went unused."
    )
    summary: Note = omittable("Required for a mondeling or schriftelijk zienswijze.")

    @model_validator(mode="after")
    def _summary_of_a_response(self) -> Hearing:
        if self.response != "geen-reactie" and self.summary is None:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [problem("summary", "is required for a zienswijze: what the person said")],
            )
        return self


class SanctionDecision(Body):
    """Take or waive a due step. Waiving needs only the reason; taking a fine needs the
    warning taken before it, a culpability assessment finding the person to blame, and the
    hearing."""

    take: bool
    reason: Note
    culpability: Culpability | None = Field(None, description="Required to take a fine.")
    hearing: Hearing | None = Field(None, description="Required to take a fine.")


class ClosingNote(Body):
    note: Note


class CommunityGoal(Body):
    """A concrete goal of taking part: what the person will do, and with whom."""

    what: Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=r"\S")]
    with_whom: Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=r"\S")] = (
        Field(description="A person, group or organisation: with whom, or where.")
    )


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
        school_enrolment_needed=(
            bool | None,
            Field(None, description="Whether a child of school age still has to be enrolled."),
        ),
        notes=_TEXT,
    ),
    "sociaal_netwerk": _domain(
        "SociaalNetwerk",
        "Contacts in the Netherlands, and how the person will take part in the community: as"
        " concrete goals (what, with whom), not one yes/no (seed, aandachtspunt h).",
        contacts_in_nl=(
            bool | None,
            Field(None, description="Whether the person has contacts here now (a fact only)."),
        ),
        goals=(
            list[CommunityGoal],
            Field(
                min_length=1,
                max_length=20,
                description="At least one concrete goal: what the person will do, with whom.",
            ),
        ),
        notes=_TEXT,
    ),
    "verblijfsintentie": _domain(
        "Verblijfsintentie",
        "Whether the person means to stay.",
        intention=(Literal["blijven", "terugkeren", "onzeker"], ...),
        notes=_TEXT,
    ),
    "werk_en_reintegratie": _domain(
        "WerkEnReintegratie",
        "Work and re-integration under the Participatiewet (art. 9: the obligations to work and"
        " to register as a jobseeker): the klantmanager's part of the intake.",
        employment=(Literal["geen", "deeltijd", "voltijd", "eigen-bedrijf"], ...),
        available_for_work=(bool, ...),
        registered_as_jobseeker=(
            bool | None,
            Field(None, description="Registered as a jobseeker with UWV (werk.nl)."),
        ),
        hours_per_week=(int | None, Field(None, ge=0, le=60)),
        reintegration=(Text | None, Field(None, description="Agreements on re-integration.")),
        notes=_TEXT,
    ),
    "participatie_en_ambities": _domain(
        "ParticipatieEnAmbities",
        "What the person wants to reach in work, study and taking part, and the concrete goals"
        " toward it (what, with whom): the klantmanager's part of the intake, with the"
        " regievoerder's.",
        ambition=(Annotated[str, StringConstraints(min_length=1, max_length=2000)], ...),
        goals=(
            list[CommunityGoal],
            Field(
                min_length=1,
                max_length=20,
                description="Concrete steps: what the person will do, with whom.",
            ),
        ),
        volunteering=(bool | None, Field(None, description="Open to volunteer work now.")),
        notes=_TEXT,
    ),
    "onderwijs_kinderen": _domain(
        "OnderwijsKinderen",
        "The children's school: how many are of school age (Leerplichtwet 1969) and whether"
        " every one of them is enrolled.",
        children_of_school_age=(int, Field(ge=0, le=20)),
        all_enrolled=(bool, ...),
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
    "bankrekening-openen",
    "digid-aanvragen",
    "kinderbijslag-aanvragen",
    "kindgebonden-budget-aanvragen",
    "schoolinschrijving",
    "woning-inrichten",
    "energiecontracten-afsluiten",
    "inschrijven-werkzoekende",
    "verblijfsintentie-gesprek",
]
PRACTICAL_ITEMS: tuple[str, ...] = get_args(PracticalItem)


class ToetsResult(Answer):
    taken_on: Date
    outcome: ToetsOutcome


class ToetsNotTaken(Answer):
    """Why the leerbaarheidstoets was not taken; a ground about health (and its note) only for
    a reader who sees health."""

    ground: ToetsExemptionGroundCode | None = None
    label: str | None = None
    articles: str | None = None
    note: str | None = None
    recorded_on: Date


class Conversation(Answer):
    number: int
    planned_on: Date
    purpose: str
    outcome: Literal["bijgewoond", "niet verschenen", "afgemeld"] | None
    note: str | None = None


class SanctionState(Answer):
    step: SanctionStep
    no_shows: int
    ladder_version: str
    decision: Literal["genomen", "afgezien", "ingetrokken"] | None = Field(
        description="null while due; ingetrokken when an excuse made it no longer due."
    )
    reason: str | None = None
    culpability: dict[str, Any] | None = None
    hearing: dict[str, Any] | None = None


class PracticalItemState(Answer):
    item: PracticalItem
    label: str
    domain: LifeDomain = Field(description="The life domain whose facts opened it.")
    open: bool
    note: str | None = None
    may_close: bool = Field(
        description="Whether the caller may close it: open, and the regievoerder (any item) or"
        " the klantmanager (the items of their domains: financien, werk_en_reintegratie,"
        " participatie_en_ambities).",
    )


class OpenPracticalItem(Answer):
    dossier_id: UUID
    gemeente: str
    given_name: str
    family_name: str
    item: PracticalItem
    label: str
    domain: LifeDomain = Field(description="The life domain whose facts opened it.")
    opened_at: datetime
    may_close: bool = Field(
        description="Whether the caller may close it (closePracticalItem): the regievoerder any"
        " item, the klantmanager the items of their domains (financien, werk_en_reintegratie,"
        " participatie_en_ambities)."
    )


class OpenPracticalItems(Answer):
    """The open practical items of the caller's gemeenten, of the life domains their role may
    see (no health items for a klantmanager)."""

    count: int = Field(description="How many are open; `items` shows the first 200.")
    items: list[OpenPracticalItem] = Field(description="Longest open first.")


class ChecklistChild(Answer):
    """The child a school enrolment is about."""

    key: str = Field(description="Names the child when closing its item (`child`).")
    given_name: str | None = None
    birth_date: Date


class ChecklistItem(Answer):
    item: PracticalItem
    label: str = Field(description="What is to be arranged, in Dutch.")
    domain: LifeDomain = Field(description="The life domain it belongs to: who sees and closes it.")
    child: ChecklistChild | None = Field(
        None, description="For a school enrolment: the child (one item per child)."
    )
    open: bool
    opened_at: datetime
    opened_because: str = Field(description="Why it is on the checklist, in Dutch.")
    closed_at: datetime | None = None
    closed_by: str | None = Field(None, description="Who closed it (user id).")
    closed_role: str | None = None
    note: str | None = Field(None, description="How it was resolved.")
    may_close: bool = Field(
        description="Whether the caller may close it: open, and the regievoerder (any item) or"
        " the klantmanager (the items of their domains)."
    )


class HouseholdChecklist(Answer):
    """The practical checklist of a household: one for all its members, opened complete when
    the household's first member was registered; a school enrolment per child of school age.
    Only the items of the life domains the caller may see (health: the regievoerder's)."""

    household_id: UUID = Field(description="The dossier of the household's first member.")
    gemeente: str
    members: int = Field(description="How many members' dossiers the checklist knows.")
    open: int = Field(description="How many of the items shown are open.")
    items: list[ChecklistItem]


class ChecklistClosing(Body):
    """Close an item of the household's checklist, saying how it was resolved; a school
    enrolment names its child."""

    note: Note
    child: Annotated[str, StringConstraints(min_length=1, max_length=100)] = omittable(
        "Required for schoolinschrijving: the child's `key` from the checklist."
    )


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
    about: str | None = Field(
        None,
        description="What the step is about where the intake has several of a kind: the life"
        " domain, the practical item, the conversation's number or the sanction step.",
    )


class BredeIntake(Answer):
    """The brede intake as the caller's role may see it."""

    dossier_id: UUID
    gemeente: str
    leerbaarheidstoets: ToetsResult | None = Field(description="null until recorded.")
    leerbaarheidstoets_not_taken: ToetsNotTaken | None = Field(
        None, description="Why the toets was not taken; null when it was, or nothing is known."
    )
    education: list[dict[str, Any]]
    work: list[dict[str, Any]]
    personal_circumstances: dict[str, Any] | None = Field(description="null until recorded.")
    domains: dict[str, dict[str, Any]] = Field(
        description="Recorded facts per life domain (gezondheid only for the regievoerder)."
    )
    practical_items: list[PracticalItemState]
    conversations: list[Conversation] = []
    sanctions: list[SanctionState] = Field(
        [], description="Empty for a reader who does not see enforcement."
    )
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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "domain": "gezondheid",
                    "text": "Slaapt slecht sinds de verhuizing.",
                    "sensitivity": "vertrouwelijk",
                }
            ]
        }
    )

    domain: SignalDomain
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=r"\S")]
    sensitivity: Sensitivity = "normaal"


class SignalBasis(Answer):
    """The basis on which the gemeente accepted a signal about a special category (AVG art. 9),
    as the sharing protocol's signal rule for the sender names it."""

    category: str
    basis: Literal["toestemming", "wet"]
    rule: str = Field(description="The protocol's signal rule.")
    article: str
    consent_id: str = Field("", description="The consent that covers it (basis toestemming).")


class Signal(Answer):
    domain: SignalDomain
    text: str
    sensitivity: Sensitivity
    author: str
    author_role: str
    at: datetime
    basis: SignalBasis | None = Field(
        None, description="The recorded basis of a health signal; null for other signals."
    )


class SignalRecorded(Answer):
    dossier_id: UUID
    signals: int = Field(description="How many signals the dossier has now.")
    basis: SignalBasis | None = Field(
        None, description="The recorded basis of a health signal; null for other signals."
    )


class Signals(Answer):
    dossier_id: UUID
    signals: list[Signal]
    withheld: int = Field(description="How many signals the caller's role may not read.")


__all__ = ["DossierId"]


# moving within the region (verhuizing, warme overdracht) --------------------------------------
MoveStatus = Literal["voorgesteld", "geaccepteerd", "afgewezen", "buiten-regio"]


class MoveProposal(Body):
    """A move to another gemeente of the region, as the BRP has it: the old gemeente's
    regievoerder proposes it, the new gemeente's regievoerder accepts or declines it."""

    to_gemeente: RegionGemeente
    moved_on: PastDate = Field(description="The day the person moved, as the BRP has it.")


class RegionExit(Body):
    """A move out of the region, as the BRP has it: recorded by the old gemeente's
    regievoerder; the dossier then closes for the region (history and the overdrachtsdossier
    stay with the old gemeente)."""

    to_gemeente: GemeenteCode = Field(
        description="CBS gemeentecode of the gemeente outside the region the person moved to."
    )
    moved_on: PastDate = Field(description="The day the person moved, as the BRP has it.")


class MoveDecline(Body):
    reason: Note


class Move(Answer):
    """The dossier's move, open or last answered."""

    dossier_id: UUID
    status: MoveStatus
    from_gemeente: str
    to_gemeente: str
    moved_on: Date
    proposed_on: Date
    answered_on: Date | None = None
    decline_reason: str = Field(
        "", description="Why the new gemeente declined (only when `status` is afgewezen)."
    )


class MoveAcceptance(Body):
    """Accepting a move takes nothing but the request itself: who accepts is the caller."""
