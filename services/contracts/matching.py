"""matching's published face: the guides and placements organisations offer, a person's matching
profile, ranking, proposals and their steps, and the guidance with its activity log and signals.

Every enumeration of matching is defined here once; matching takes its tuples from these."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import (
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from services.contracts.base import Answer, Body, problem, when
from services.contracts.intake import Sensitivity, SignalBasis
from services.contracts.pip import GoalDomain
from services.contracts.values import (
    CefrLevel,
    Date,
    InburgeringRoute,
    PastDate,
    PiezoPhase,
    RegionGemeente,
)

Day = Literal["ma", "di", "wo", "do", "vr", "za", "zo"]
GuideKind = Literal["vrijwilliger", "professional"]
PlacementKind = Literal[
    "vrijwilligerswerk", "leerwerkvrijwilligerswerk", "stage", "werkervaringsplaats", "baan"
]
CandidateKind = Literal["begeleider", "plaatsing"]
Side = Literal["persoon", "aanbieder"]
GuideOutcome = Literal["afgerond", "doelen-bereikt", "voortijdig-gestopt", "gewisseld", "verhuisd"]
PlacementOutcome = Literal[
    "afgerond", "doorgestroomd-naar-werk", "doorgestroomd-naar-opleiding", "voortijdig-gestopt"
]
MatchOutcome = Literal[GuideOutcome, PlacementOutcome]
# A proposal is open while it is proposed, accepted or running; declined and ended are over.
OpenStatus = Literal["voorgesteld", "geaccepteerd", "gestart"]
ProposalStatus = Literal[OpenStatus, "afgewezen", "beeindigd"]

# A PIP goal's domain as pip's contract names it (matching codes against the contract, never
# against pip's code): a guide's interests are matched against the domains.
SignalDomain = Literal[(*get_args(GoalDomain), "algemeen")]  # type: ignore[valid-type]


Phase = PiezoPhase  # a strict whole number: JSON's true is no phase
Short = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]
Note = Annotated[str, StringConstraints(min_length=1, max_length=1000, pattern=r"\S")]
Long = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=r"\S")]
Word = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=r"\S")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
Languages = Annotated[
    dict[LanguageCode, CefrLevel],
    Field(
        description="ISO 639 language code (ti, ar, prs, nl) to CEFR level; a mother tongue as C2.",
        examples=[{"ti": "C2", "ar": "B1"}],
        json_schema_extra={"additionalProperties": False},
    ),
]
Pc4 = Annotated[
    str,
    StringConstraints(pattern=r"^([1-9][0-9]{3})?$"),
    Field(description="PC4 postcode area (four digits, as 3431); empty for none."),
]
UserId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9._@:-]{0,200}$"),
    Field(description="The guide's account, as in their token; empty for none."),
]
TrainingName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
NOT_IN_FUTURE = "Not in the future."


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _without_default(extra: Any) -> Any:
    """A field's extra JSON Schema, without its default."""

    def edit(schema: dict[str, Any]) -> None:
        if callable(extra):
            extra(schema)
        elif extra:
            schema.update(extra)
        _no_default(schema)

    return edit


def _absent(description: str) -> Any:
    """A field that is left out (never null) when it does not apply."""
    return Field(None, description=description, json_schema_extra=_no_default)


# guides and placements -------------------------------------------------------------------------
class GuideDetails(Body):
    """A guide of the caller's organisation: who they are, where, when and with whom they guide,
    and what makes them fit to (a VOG and training: aandachtspunt j)."""

    name: Short
    kind: GuideKind = "vrijwilliger"
    user_id: UserId | None = None
    languages: Languages = Field(min_length=1)
    gemeenten: list[RegionGemeente] = Field(
        min_length=1,
        description="Gemeenten of this region the guide works in, each one the caller's"
        " organisation works for.",
    )
    area: Pc4 | None = None
    hours_per_week: float = Field(0, ge=0, le=40)
    days: list[Day] = Field([], description="The days the guide is free.")
    interests: list[GoalDomain] = Field([], description="PIP goal domains the guide likes.")
    skills: list[Word] = []
    phases: list[Phase] = Field([], description="Piëzo phases the guide works in.")
    routes: list[InburgeringRoute] = []
    training: dict[TrainingName, PastDate] = Field(
        {}, description="Training done, with the date (aandachtspunt j); not in the future."
    )
    vog_issued_on: PastDate | None = Field(None, description=NOT_IN_FUTURE)
    max_caseload: int = Field(ge=1, le=50, description="Households at most.")


class PlacementDetails(Body):
    """Volunteer work, learning volunteer work, an internship, a work-experience place or a job
    the caller's organisation offers (aandachtspunt i)."""

    title: Short
    kind: PlacementKind
    gemeente: RegionGemeente = Field(
        description="A gemeente of this region the caller's organisation works for."
    )
    area: Pc4 | None = None
    hours_per_week: float = Field(ge=1, le=40)
    dutch_required: CefrLevel = "A0"
    adapted_low_dutch: bool = Field(
        False, description="Adapted for people who speak little Dutch (aandachtspunt i)."
    )
    z_route_suitable: bool = False
    for_women: bool = False
    childcare: bool = False
    skills: list[Word] = []
    capacity: int = Field(ge=1, le=500, description="Places.")
    starts_on: Date | None = None
    ends_on: Date | None = Field(
        None,
        description="Not before starts_on.",
        json_schema_extra={"x-not-before-field": "starts_on"},
    )


class _Change(Body):
    """A change names at least one field, and only what changes."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    @model_validator(mode="after")
    def _names_a_field(self) -> _Change:
        # After the fields (a model validator before them would read dates as Python values).
        if not self.model_fields_set:
            raise PydanticCustomError(
                "no_change",
                "name at least one field to change: {known}",
                {"known": ", ".join(type(self).model_fields)},
            )
        return self


def _change_of(details: type[Body], name: str, doc: str) -> type[Body]:
    """`details` with every field optional: what is not named stays as it is (a field that does
    not take null does not take it here either)."""
    fields = {}
    for field, info in details.model_fields.items():
        optional = FieldInfo.merge_field_infos(info, default=None)
        optional.json_schema_extra = _without_default(info.json_schema_extra)
        fields[field] = (info.annotation, optional)
    return create_model(name, __base__=_Change, __doc__=doc, **fields)


GuideChange = _change_of(
    GuideDetails, "GuideChange", "A guide's details that change: a new VOG, training, caseload."
)
PlacementChange = _change_of(PlacementDetails, "PlacementChange", "A placement's that change.")


class ReasonToStop(Body):
    """Why a guide stops guiding, or a placement is no longer offered."""

    reason: Note


class _GuideFacts(Answer):
    id: UUID
    name: str
    kind: GuideKind
    user_id: str = Field(description="Empty when the guide has no account.")
    languages: dict[str, CefrLevel]
    gemeenten: list[str]
    area: str = Field(description="PC4 postcode area; empty for none.")
    hours_per_week: float
    days: list[Day]
    interests: list[GoalDomain]
    skills: list[str]
    phases: list[PiezoPhase]
    routes: list[InburgeringRoute]
    training: dict[str, Date]
    vog_issued_on: Date | None
    max_caseload: int
    caseload: int = Field(description="Households guided now.")


class Guide(_GuideFacts):
    """A guide, with the households they guide now."""

    organisation: str = Field(description="The organisation's OIN.")
    withdrawn: str | None = Field(description="Why the guide stopped; null while they guide.")
    version: int


class _PlacementFacts(Answer):
    id: UUID
    title: str
    kind: PlacementKind
    gemeente: str
    area: str = Field(description="PC4 postcode area; empty for none.")
    hours_per_week: float
    dutch_required: CefrLevel
    adapted_low_dutch: bool
    z_route_suitable: bool
    for_women: bool
    childcare: bool
    skills: list[str]
    capacity: int
    starts_on: Date | None
    ends_on: Date | None
    filled: int = Field(description="Places taken now.")


class Placement(_PlacementFacts):
    """A placement, with the places filled."""

    organisation: str = Field(description="The organisation's OIN.")
    closed: str | None = Field(description="Why it is no longer offered; null while it is.")
    version: int


class OfferedGuide(_GuideFacts):
    withdrawn: bool


class OfferedPlacement(_PlacementFacts):
    closed: bool


class ToldOnProposal(Answer):
    """What the organisation was told of the person: nothing, or the Dutch level (where the
    protocol or consent allowed), and for a placement whether the work must be adapted."""

    dutch_level: CefrLevel = _absent("Left out when the organisation may not be told.")
    needs_adapted_work: bool = _absent("For a placement, with the Dutch level.")


class ProposalToOrganisation(Answer):
    proposal_id: UUID
    dossier_id: UUID
    gemeente: str
    kind: CandidateKind
    candidate_id: UUID
    told: ToldOnProposal
    status: OpenStatus
    answered: dict[Side, bool] = Field(
        description="Which side accepted so far: the organisation's coordinator answers a"
        " proposal once, while its status is voorgesteld and `aanbieder` is not named here."
    )
    proposed_at: datetime
    started_on: Date | None


class Offer(Answer):
    """The caller's organisation's guides and placements, and the proposals made to it."""

    organisation: str
    guides: list[OfferedGuide] = Field(description="With their caseloads.")
    placements: list[OfferedPlacement] = Field(description="With the places filled.")
    proposals: list[ProposalToOrganisation] = Field(
        description="Proposals made to the organisation, not yet declined or ended, from any"
        " gemeente of the pool; `told` is what it was told of the person (the Dutch level where"
        " the protocol or consent allowed). A logged read."
    )


class OwnGuidance(Answer):
    """A guidance the caller gives now, as the person's active guide."""

    dossier_id: UUID
    gemeente: str
    guide_id: UUID = Field(description="The caller's guide record the guidance runs on.")
    proposal_id: UUID
    since: Date


class OwnGuidances(Answer):
    """The guidances the calling begeleider gives now (their account and organisation): only
    active ones, earliest first. Names are not here: the dossier's view gives them."""

    guidances: list[OwnGuidance]


# a person's matching profile and ranking ---------------------------------------------------------
class MatchingProfile(Body):
    """What matching may use of the person, as the regievoerder agreed it with them."""

    languages: Languages = Field(min_length=1)
    dutch_level: CefrLevel = "A0"
    area: Pc4 | None = None
    days: list[Day] = Field([], description="The days the person is free.")
    needs_childcare: bool = False
    women_only: bool = False


class AgreedProfile(Answer):
    languages: dict[str, CefrLevel]
    dutch_level: CefrLevel
    area: str
    days: list[Day]
    needs_childcare: bool
    women_only: bool


class RankQuery(Body):
    kind: CandidateKind = Field(
        "begeleider", description="begeleider ranks guides, plaatsing placements."
    )


class RankedPerson(Answer):
    gemeente: str
    route: InburgeringRoute | None
    fase: PiezoPhase
    talen: dict[str, CefrLevel]
    nederlands: CefrLevel


class RankingCriterion(Answer):
    criterium: str
    punten: float
    gewicht: int
    reden: str = Field(description="The fact behind the points, in Dutch.")


class RankedCandidate(Answer):
    id: UUID
    score: float
    uitleg: list[RankingCriterion]


class Ranking(Answer):
    """Scores out of 100; per criterion points, weight and a reason in Dutch."""

    dossier_id: UUID
    soort: CandidateKind
    persoon: RankedPerson
    regionale_pool: list[str]
    huishouden_begeleiders: list[UUID] = Field(
        description="The guide other members of the person's household have: a household has"
        " one fixed guide (another is refused on proposal)."
    )
    kandidaten: list[RankedCandidate] = Field(description="Best first.")
    uitgesloten: dict[str, list[str]] = Field(
        description="Candidate id to the hard constraints it fails."
    )


# proposals -------------------------------------------------------------------------------------
class ProposalRequest(Body):
    kind: CandidateKind
    candidate_id: UUID = Field(description="The guide's or the placement's id.")
    note: Note | None = Field(None, description="The regievoerder's; stays with the gemeente.")


class ProposalAnswer(Body):
    model_config = ConfigDict(
        json_schema_extra=when(
            "accepted",
            False,
            {"required": ["reason"], "properties": {"reason": {"type": "string"}}},
        )
    )

    side: Side = Field(
        description="persoon: the regievoerder for the person; aanbieder: the organisation's"
        " coordinator."
    )
    accepted: bool
    reason: Note | None = Field(None, description="Required when declining.")

    @model_validator(mode="after")
    def _reason_to_decline(self) -> ProposalAnswer:
        if not self.accepted and self.reason is None:
            raise ValidationError.from_exception_data(
                type(self).__name__, [problem("reason", "is required when declining")]
            )
        return self


class MatchStart(Body):
    on: PastDate | None = Field(None, description="Today when not given; not in the future.")
    change_reason: Note | None = Field(
        None, description="Only for a change of guide: why the current guide is replaced."
    )


class MatchEnd(Body):
    on: PastDate | None = Field(None, description="Today when not given; not in the future.")
    outcome: MatchOutcome = Field(
        description=f"A guide's: {', '.join(get_args(GuideOutcome))}; a placement's:"
        f" {', '.join(get_args(PlacementOutcome))}."
    )
    reason: Note


class SideAnswer(Answer):
    accepted: bool
    reason: str = Field(description="Empty when accepted without one.")


class _ProposalFacts(Answer):
    id: UUID
    kind: CandidateKind
    candidate_id: UUID
    organisation: str
    told: ToldOnProposal
    status: ProposalStatus
    started_on: Date | None
    ended_on: Date | None
    outcome: MatchOutcome | None


class ProposalRecord(_ProposalFacts):
    """A proposal as the gemeente keeps it."""

    score: float
    note: str
    answers: dict[Side, SideAnswer]
    end_reason: str | None
    change_reason: str | None


STAFF_ONLY = "Shown to the regievoerder and the klantmanager only."


class Proposal(_ProposalFacts):
    """A proposal: the gemeente's staff see all of it; the organisation's coordinator never the
    regievoerder's note, the score or anyone's reasons, only who accepted (`answered`)."""

    dossier_id: UUID
    score: float = _absent(STAFF_ONLY)
    note: str = _absent(STAFF_ONLY)
    answers: dict[Side, SideAnswer] = _absent(STAFF_ONLY)
    end_reason: str | None = _absent(STAFF_ONLY)
    change_reason: str | None = _absent(STAFF_ONLY)
    answered: dict[Side, bool] = _absent("To the organisation: which side accepted.")


# the guidance, its activity log and signals ------------------------------------------------------
class ActivityRequest(Body):
    """Learning by doing: which PIP goal, what was done, what the person did themselves, and a
    short reflection."""

    goal_id: str = Field(min_length=1, description="A goal of the PIP in force.")
    on: PastDate | None = Field(
        None, description="Today when not given; not in the future, nor before the guidance."
    )
    activity: Note
    did_themselves: Note = Field(description="What the person did themselves.")
    reflection: Note


class GuidanceSignal(Body):
    """A guide's signal to the regievoerder, and where they referred the person, if anywhere."""

    domain: SignalDomain
    text: Long
    sensitivity: Sensitivity = "normaal"
    referred_to: Short | None = Field(None, description="Where the guide referred the person.")


class ActivityEntry(Answer):
    id: UUID
    by: str = Field(description="The guide's user id.")
    goal_id: str
    on: Date
    activity: str
    did_themselves: str
    reflection: str


class Activity(ActivityEntry):
    dossier_id: UUID


class GuidanceSignalGiven(Answer):
    dossier_id: UUID
    signal_id: UUID
    basis: SignalBasis | None = Field(
        None, description="The recorded basis of a health signal; null for other signals."
    )


class GuidanceSignalEntry(Answer):
    id: UUID
    by: str
    by_role: str
    domain: SignalDomain
    text: str
    sensitivity: Sensitivity
    referred_to: str = Field(description="Empty when the person was not referred.")
    basis: SignalBasis | None = Field(
        None, description="The recorded basis of a health signal; null for other signals."
    )


class GuidanceGoal(Answer):
    goal_id: str
    domain: GoalDomain
    phase: PiezoPhase
    status: str


class GuideInForce(Answer):
    guide_id: UUID
    organisation: str
    since: Date
    proposal_id: UUID


class GuideHistoryEntry(Answer):
    guide_id: UUID
    organisation: str
    from_: Date = Field(alias="from")
    until: Date | None
    outcome: MatchOutcome | None
    reason: str | None
    change_reason: str | None


class PlacementInForce(Answer):
    placement_id: UUID
    organisation: str
    since: Date
    proposal_id: UUID


class Guidance(Answer):
    """The guidance as the reader may see it: the regievoerder all of it, a klantmanager all but
    health and confidential signals, the active guide the plan, their own log and their own
    signals."""

    dossier_id: UUID
    gemeente: str
    profile: AgreedProfile | None = Field(description="null until the regievoerder records it.")
    route: InburgeringRoute | None
    phase: PiezoPhase = Field(
        description="The furthest Piëzo phase of the goals still open; 0 before there is a PIP."
    )
    plan_decided_on: Date | None
    goals: list[GuidanceGoal]
    guide: GuideInForce | None = Field(description="The fixed guide; null when there is none.")
    guide_history: list[GuideHistoryEntry] = Field(
        description="Every guide the person had, in order (aandachtspunt b)."
    )
    placements: list[PlacementInForce]
    proposals: list[ProposalRecord] = _absent(STAFF_ONLY)
    activities: list[ActivityEntry]
    signals: list[GuidanceSignalEntry]
    signals_withheld: int
    version: int
