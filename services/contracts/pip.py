"""pip's published face: the PIP of a dossier (its drafting, decision, revisions, progress and
handhaving), the starting points the brede intake gives it, and the reports with their CSV form.

The request models are pip's parsers: pip checks each request it takes with its model here
(services.common.fields.validated), as the gateway does; what is left to pip is what needs the
PIP itself or today's date (dates against its deadline and termijn, goals that must exist, the
law's rules on a revision).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
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
from pydantic_core import InitErrorDetails, PydanticCustomError

from services.contracts.base import Answer, Body, omittable, problem, when
from services.contracts.values import Date, GemeenteCode, InburgeringRoute, PastDate, PiezoPhase

# enumerations -------------------------------------------------------------------------------------
GoalDomain = Literal[
    "taal",
    "inburgering",
    "werk",
    "opleiding",
    "participatie",
    "huisvesting",
    "gezondheid",
    "financien",
    "gezin",
    "sociaal_netwerk",
    "verblijfsintentie",
]
GOAL_DOMAINS: tuple[str, ...] = get_args(GoalDomain)
Term = Literal["kort", "lang"]
TERMS: tuple[str, ...] = get_args(Term)
# Who can own a part of the PIP: roles in the chain, also outside the platform's users.
OwnerRole = Literal[
    "regievoerder",
    "klantmanager",
    "begeleider",
    "coordinator",
    "taalaanbieder",
    "werkgever",
    "huisarts",
    "maatschappelijk-werker",
    "ggd",
    "statushouder",
]
OWNER_ROLES: tuple[str, ...] = get_args(OwnerRole)
PreconditionKind = Literal["kinderopvang", "zorg", "vervoer", "schuldhulp", "anders"]
PRECONDITION_KINDS: tuple[str, ...] = get_args(PreconditionKind)
MonitoringMethod = Literal["voortgangsgesprek", "huisbezoek", "telefonisch", "driegesprek"]
MONITORING_METHODS: tuple[str, ...] = get_args(MonitoringMethod)
GoalStatus = Literal["open", "bezig", "behaald", "niet-behaald"]
GOAL_STATUSES: tuple[str, ...] = get_args(GoalStatus)
RevisionKind = Literal["routewijziging", "afschalen", "verhuizing", "anders"]
REVISION_KINDS: tuple[str, ...] = get_args(RevisionKind)
# A version of the PIP: the first decision (vaststelling), then each revision by its kind.
VersionKind = Literal[("vaststelling", *REVISION_KINDS)]  # type: ignore[valid-type]
PipStatus = Literal["concept", "vastgesteld"]
PIP_STATUSES: tuple[str, ...] = get_args(PipStatus)
# The measures a gemeente's ladder may make due (infra/pip-handhaving.json).
Measure = Literal["waarschuwing", "boete", "maatregel-participatiewet"]
MEASURES: tuple[str, ...] = get_args(Measure)
# The highest fine the college may give for a breach of a PIP obligation, in euros (Wet
# inburgering 2021 art. 31-32; services/pip/rules.py holds the rules around it).
FINE_MAX_EUR = 800

# The modules of the leerroutes, with what each is.
MODULES: dict[str, str] = {
    "nt2": "Taalonderwijs Nederlands als tweede taal",
    "knm": "Kennis van de Nederlandse Maatschappij (8 thema's)",
    "pvt": "Participatieverklaringstraject (ten minste 12 uur en ondertekening)",
    "map": "Module Arbeidsmarkt en Participatie (ten minste 40 praktijkuren, eindgesprek)",
    "participatie": "Participatie-uren van de Z-route",
}
Module = Literal[tuple(MODULES)]  # type: ignore[valid-type]

# The language targets of each route, the default first; the B1-route is lowered to A2 only by
# a revision (afschalen).
LANGUAGE_TARGETS: dict[str, tuple[str, ...]] = {
    "b1": ("B1",),
    "onderwijs": ("B1", "B2", "C1"),
    "z": ("A1", "A2"),
}
AFSCHALEN_TARGET = "A2"
LanguageTarget = Literal["A1", "A2", "B1", "B2", "C1"]


Phase = PiezoPhase  # a strict whole number: JSON's true is no phase


# texts as pip takes them: not blank, at most so many characters -----------------------------------
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=r"\S")]
Note = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=r"\S")]
ShortName = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]
Oin = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{20}$"),
    Field(description="Organisatie-identificatienummer: twenty digits."),
]
BackdatingReason = Annotated[
    str,
    StringConstraints(max_length=500, pattern=r"^$|\S"),
    Field(
        description="Required when decided_on is more than 14 days before today; kept with the"
        " decision."
    ),
]


def _refused(kind: str, detail: str) -> PydanticCustomError:
    return PydanticCustomError(kind, detail)


# the parts of a PIP -------------------------------------------------------------------------------
class Owner(Body):
    """Who is responsible for this part of the PIP (aandachtspunt e)."""

    organisation: ShortName
    role: OwnerRole
    oin: Oin | None = Field(
        None, description="When given, only actors of this organisation record progress."
    )


def _leerroute_rules(schema: dict[str, Any]) -> None:
    schema["allOf"] = [
        when(
            "route",
            route,
            {"properties": {"language_target": {"enum": [*_targets_of(route), None]}}},
        )
        for route in LANGUAGE_TARGETS
    ]


def _targets_of(route: str) -> tuple[str, ...]:
    """What a leerroute of `route` may aim at (A2 in the B1-route only by afschalen)."""
    targets = LANGUAGE_TARGETS[route]
    return (*targets, AFSCHALEN_TARGET) if route == "b1" else targets


class Leerroute(Body):
    model_config = ConfigDict(json_schema_extra=_leerroute_rules)

    route: InburgeringRoute
    language_target: LanguageTarget | None = Field(
        None,
        description="; ".join(
            f"{route}: {', '.join(targets)}" for route, targets in LANGUAGE_TARGETS.items()
        )
        + " (the first when left out); A2 in the B1-route only by afschalen.",
    )
    end_date: Date = Field(description="Within the inburgeringstermijn.")
    provider: Owner | None = None

    @field_validator("language_target")
    @classmethod
    def _target_of_the_route(cls, target: str | None, info: ValidationInfo) -> str | None:
        route = info.data.get("route")
        if target is not None and route in LANGUAGE_TARGETS and target not in _targets_of(route):
            expected = " or ".join(f"'{t}'" for t in _targets_of(route))
            raise PydanticCustomError(
                "literal_error", "Input should be {expected}", {"expected": expected}
            )
        return target


class ModulePlan(Body):
    hours: int = Field(ge=0, le=2000)
    hours_per_week: int = Field(ge=1, le=40)
    provider: Owner


Modules: type[Body] = create_model(
    "Modules",
    __base__=Body,
    __doc__="The modules planned, by name. b1: nt2 >= 1 h, knm >= 1 h, pvt >= 12 h, map >= 40 h;"
    " onderwijs: nt2 >= 1 h, knm >= 1 h, pvt >= 12 h, no map; z: nt2 >= 1 h, knm >= 1 h,"
    " pvt >= 12 h, map >= 40 h, participatie >= 800 h, and nt2 + knm >= 800 h.",
    **{module: (ModulePlan, omittable(text)) for module, text in MODULES.items()},
)


def _ontzorgen_rules(schema: dict[str, Any]) -> None:
    schema["allOf"] = [
        when(
            "applies",
            True,
            {
                "required": ["from", "months", "authorised"],
                "properties": {
                    "from": {"type": "string"},
                    "months": {"type": "integer"},
                    "authorised": {"const": True},
                },
            },
        ),
        when(
            "applies",
            False,
            {
                "required": ["reason"],
                "properties": {"reason": {"type": "string", "minLength": 1, "pattern": r"\S"}},
            },
        ),
    ]


class Ontzorgen(Body):
    """Whether the gemeente pays fixed costs from the benefit first (Participatiewet art. 56a):
    when it applies, from when, for how many months and with the person's machtiging; when it
    does not, why not."""

    model_config = ConfigDict(json_schema_extra=_ontzorgen_rules)

    applies: bool
    from_: Date | None = Field(None, alias="from", description="Required when it applies.")
    months: int | None = Field(None, ge=6, le=60, description="Required when it applies.")
    authorised: bool | None = Field(
        None, description="The person's machtiging: true when it applies."
    )
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        None, description="Why not: required when it does not apply."
    )

    @model_validator(mode="after")
    def _as_it_applies(self) -> Ontzorgen:
        problems: list[InitErrorDetails] = []
        if self.applies:
            problems += [
                InitErrorDetails(type="missing", loc=(name,), input=None)
                for name, value in (("from", self.from_), ("months", self.months))
                if value is None
            ]
            if self.authorised is not True:
                problems.append(
                    problem("authorised", "must be true: ontzorgen needs the person's machtiging")
                )
        elif not (self.reason or "").strip():
            problems.append(problem("reason", "must be text of 1 to 2000 characters"))
        if problems:
            raise ValidationError.from_exception_data(type(self).__name__, problems)
        return self


class Precondition(Body):
    kind: PreconditionKind
    description: Text
    arranged_by: Owner


class PipGuidance(Body):
    """Who guides the person, how, and how many hours a week."""

    by: Owner
    how: Text
    hours_per_week: int = Field(ge=0, le=40)


class Monitoring(Body):
    method: MonitoringMethod
    every_weeks: int = Field(ge=1, le=26)
    by: Owner


class Sections(Body):
    """Some sections of the PIP, each replaced whole."""

    leerroute: Leerroute = omittable()
    modules: Modules = omittable()  # type: ignore[valid-type]
    ontzorgen: Ontzorgen = omittable()
    preconditions: list[Precondition] = omittable("An empty list when there are none.")
    guidance: PipGuidance = omittable()
    monitoring: Monitoring = omittable()


SECTIONS: tuple[str, ...] = tuple(Sections.model_fields)


class PipSections(Sections):
    """Some sections of the draft, at least one, each replaced whole."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    @model_validator(mode="after")
    def _at_least_one(self) -> PipSections:
        if not self.model_fields_set:
            raise _refused("no_section", "name at least one section to change")
        return self


_DUE_ON = "After the PIP's date."
_PHASE = "Piëzo phase; phases may run in parallel."
_MEASURE = "How achieving the goal is seen."


class Goal(Body):
    domain: GoalDomain
    term: Term
    description: Text
    measure: Note = Field(description=_MEASURE)
    due_on: Date = Field(description=_DUE_ON)
    phase: Phase = Field(description=_PHASE)
    owner: Owner
    prevention: bool = omittable("A health goal on prevention; false when left out.")


class GoalChange(Body):
    """The fields of a goal that change; the others stay."""

    domain: GoalDomain = omittable()
    term: Term = omittable()
    description: Text = omittable()
    measure: Note = omittable(_MEASURE)
    due_on: Date = omittable(_DUE_ON)
    phase: Phase = omittable(_PHASE)
    owner: Owner = omittable()
    prevention: bool = omittable()


# the deadline, the decision and revisions ---------------------------------------------------------
class Extension(Body):
    awaited: Note
    from_party: Note
    requested_on: PastDate | None = Field(
        None,
        description="Today when left out; before the deadline, at most 14 days ago.",
        json_schema_extra={"x-not-before-days-ago": 14},
    )


class Arrival(Body):
    arrived_on: PastDate | None = Field(
        None, description="Today when left out; never in the future."
    )


class Establishment(Body):
    decided_on: PastDate | None = Field(
        None, description="Today when left out; never in the future."
    )
    backdating_reason: BackdatingReason | None = None


class AfschalenEvidence(Body):
    """What afschalen needs: at least 600 hours of NT2 at a certified school, and effort. The
    hours are those the PIP's log holds (POST .../pip/modules/nt2/hours)."""

    nt2_hours: int | None = Field(
        None,
        ge=0,
        le=5000,
        description="Optional: when given, it must equal the NT2 hours the PIP's log holds up to"
        " the revision's date; the log decides, and it needs at least 600.",
    )
    school: ShortName
    certified: bool = Field(json_schema_extra={"const": True})
    effort: Text

    @field_validator("certified")
    @classmethod
    def _certified(cls, certified: bool) -> bool:
        if certified is not True:
            raise _refused("certified", "must be true: the NT2 hours count at a certified school")
        return certified


class MoveEvidence(Body):
    """Where the person moves to (and nothing else: pip keeps only this)."""

    to_gemeente: GemeenteCode = Field(description="Another gemeente than the PIP's.")


class NoEvidence(Body):
    """A revision of another kind has no evidence: an empty object, or none."""


_EVIDENCE = {"afschalen": AfschalenEvidence, "verhuizing": MoveEvidence}


def _revision_rules(schema: dict[str, Any]) -> None:
    evidence = schema["properties"]["evidence"]["anyOf"]
    schema["allOf"] = [
        when(kind, value, {"required": ["evidence"], "properties": {"evidence": dict(ref)}})
        for kind, value, ref in (
            ("kind", "afschalen", evidence[0]),
            ("kind", "verhuizing", evidence[1]),
        )
    ] + [
        when("kind", other, {"properties": {"evidence": dict(evidence[2])}})
        for other in REVISION_KINDS
        if other not in _EVIDENCE
    ]


class Revision(Body):
    """A new version of an established PIP, with a reason; the termijn does not move."""

    model_config = ConfigDict(json_schema_extra=_revision_rules)

    kind: RevisionKind = Field(
        description="routewijziging: up to 1.5 years into the termijn; afschalen: B1 to A2, needs"
        " evidence of at least 600 NT2 hours at a certified school and effort; verhuizing: the"
        " route stays (evidence.to_gemeente); anders: say why."
    )
    explanation: Text
    decided_on: PastDate = omittable("Today when left out; never in the future.")
    sections: Sections = omittable("The sections the new version replaces.")
    add_goals: list[Goal] | None = None
    change_goals: dict[UUID, GoalChange] = omittable("Goal id: the fields that change.")
    withdraw_goals: list[UUID] = omittable("Goal ids, each once.", uniqueItems=True)
    evidence: dict[str, Any] = Field(
        default_factory=dict,
        validate_default=True,
        description="afschalen: AfschalenEvidence; verhuizing: MoveEvidence; else not used.",
    )
    backdating_reason: BackdatingReason | None = None

    @field_validator("withdraw_goals")
    @classmethod
    def _each_once(cls, goals: list[UUID]) -> list[UUID]:
        if len(set(goals)) != len(goals):
            raise _refused("unique", "names a goal more than once")
        return goals

    @field_validator(
        "evidence",
        mode="wrap",
        json_schema_input_type=AfschalenEvidence | MoveEvidence | NoEvidence,
    )
    @classmethod
    def _evidence_of_the_kind(cls, value: Any, handler: Any, info: ValidationInfo) -> Any:
        evidence = handler(value)
        model = _EVIDENCE.get(info.data.get("kind", ""), NoEvidence)
        model.model_validate(evidence)
        return evidence


# progress and handhaving --------------------------------------------------------------------------
_ON = "Today when left out; not in the future, not before the PIP's date."


class GoalProgress(Body):
    status: GoalStatus
    on: PastDate | None = Field(None, description=_ON)
    note: Note


class ModuleHours(Body):
    hours: int = Field(ge=1, le=400)
    on: PastDate | None = Field(None, description=_ON)
    note: Note


class Breach(Body):
    obligation: Note
    description: Note
    on: PastDate | None = Field(None, description=_ON)


class Culpability(Body):
    """The culpability assessment (verwijtbaarheid) behind a fine."""

    culpable: bool
    circumstances: Note


class Hearing(Body):
    """The zienswijze (Awb 5:53, 4:8): the day the person was heard or given the chance in
    writing, and what they said (or that they did not respond)."""

    on: PastDate = Field(description="Not before the breach, not in the future.")
    summary: Note


class MeasureDecision(Body):
    # Referring a measure to the klantmanager is not taking it (Schemathesis sent both true).
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                when("refer_to_klantmanager", True, {"properties": {"take": {"const": False}}})
            ]
        }
    )

    take: bool = Field(
        description="true: take the measure; false: waive it (or refer it, for a Participatiewet"
        " measure)."
    )
    reason: Note
    culpability: Culpability | None = Field(
        None,
        description="Required to take a measure: the breach is culpable (Awb 5:41); for a fine,"
        " in exceptional circumstances.",
    )
    hearing: Hearing | None = Field(
        None, description="Required to take a fine (Awb 5:53: it can exceed 340 euros)."
    )
    amount_eur: int | None = Field(
        None,
        ge=1,
        le=FINE_MAX_EUR,
        description=f"Required to take a fine: at most {FINE_MAX_EUR} euros.",
    )
    refer_to_klantmanager: bool = omittable(
        "maatregel-participatiewet only, with take false: lowering the benefit is the"
        " klantmanager's decision (Participatiewet art. 18); the PIP records the referral."
    )


class ParticipatiewetDecision(Body):
    """The klantmanager's decision under the Participatiewet on a breach the regievoerder referred
    to them, as the PIP records it (the decision itself is the klantmanager's beschikking, in
    their own procedure): whether the benefit was lowered, on which day, and why. Lowering needs a
    culpability assessment finding the person to blame (Participatiewet art. 18: no lowering when
    every form of culpability is absent) and the person heard first (Awb 4:8)."""

    lowered: bool = Field(description="true: the benefit was lowered; false: it was not.")
    decided_on: PastDate = Field(
        description="The day of the klantmanager's decision: not before the breach."
    )
    reason: Note
    culpability: Culpability | None = Field(
        None, description="Required to lower: the breach is culpable (Participatiewet art. 18)."
    )
    hearing: Hearing | None = Field(
        None, description="Required to lower: the person was heard first (Awb 4:8)."
    )


# queries ------------------------------------------------------------------------------------------
class PipQuery(Body):
    as_of: Date = omittable("Show the PIP as it stood on this date: the version then in force.")


class ReportQuery(Body):
    format: Literal["json", "csv"] = Field(
        "json",
        description="csv gives section, gemeente, item, measure, value (also Accept: text/csv).",
    )


# answers: the PIP ---------------------------------------------------------------------------------
class Responsible(Answer):
    organisation: str
    role: OwnerRole
    oin: str | None = None


class PlannedLeerroute(Answer):
    route: InburgeringRoute
    language_target: LanguageTarget
    end_date: Date
    provider: Responsible | None = None


class PlannedModule(Answer):
    hours: int
    hours_per_week: int
    provider: Responsible
    hours_done: int = Field(description="Recorded so far (until as_of).")


class PlannedOntzorgen(Answer):
    applies: bool
    from_: Date | None = Field(None, alias="from")
    months: int | None = None
    authorised: bool | None = None
    reason: str | None = None


class PlannedPrecondition(Answer):
    kind: PreconditionKind
    description: str
    arranged_by: Responsible


class PlannedGuidance(Answer):
    by: Responsible
    how: str
    hours_per_week: int


class PlannedMonitoring(Answer):
    method: MonitoringMethod
    every_weeks: int
    by: Responsible


class Progress(Answer):
    status: GoalStatus
    on: Date
    note: str
    source: str = Field(description="eigenaar, regievoerder, or begeleiding (matching).")
    recorded_on: Date


class PlannedGoal(Answer):
    id: UUID
    domain: GoalDomain
    term: Term
    description: str
    measure: str
    due_on: Date
    phase: PiezoPhase
    owner: Responsible
    prevention: bool
    status: GoalStatus
    history: list[Progress]


class Plan(Answer):
    """The sections and the goals the caller may see; health goals only for the regievoerder and
    the goal's owner role (goals_withheld counts the others)."""

    leerroute: PlannedLeerroute | None = None
    modules: dict[Module, PlannedModule] | None = None  # type: ignore[valid-type]
    ontzorgen: PlannedOntzorgen | None = None
    preconditions: list[PlannedPrecondition] | None = None
    guidance: PlannedGuidance | None = None
    monitoring: PlannedMonitoring | None = None
    goals: list[PlannedGoal]
    goals_withheld: int


class AwaitedInformation(Answer):
    awaited: str
    from_party: str
    requested_on: Date
    arrived_on: Date | None


class NotedRouteAdvice(Answer):
    route: InburgeringRoute
    rule: str
    reasons: list[str]


class NotedRouteChoice(Answer):
    route: InburgeringRoute
    advised: InburgeringRoute


class IntakeSummary(Answer):
    """What the intake covered, without contents; empty until the intake is completed."""

    domains: list[str] = omittable()
    education_entries: int = omittable()
    work_entries: int = omittable()
    open_practical_items: list[str] = omittable()
    conversations: int = omittable()
    no_shows: int = omittable()


class StartingPoints(Answer):
    """What the brede intake gave the PIP, as the caller may see it."""

    intake_completed_on: Date | None
    route_advice: NotedRouteAdvice | None
    route_choice: NotedRouteChoice | None
    summary: IntakeSummary
    open_practical_items: list[str]
    signals: dict[str, int] = Field(description="How many signals were given, by domain.")


class LeerrouteShown(Answer):
    code: InburgeringRoute
    name: str
    notes: list[str]


class Version(Answer):
    number: int
    decided_on: Date
    kind: VersionKind
    explanation: str
    recorded_on: Date | None
    backdating_reason: str


class Decision(Version):
    """The version in force."""

    evidence: dict[str, Any] | None = None


class Termijn(Answer):
    """Three years from the day after the first decision; never moved by a revision."""

    start: Date
    end: Date


class Assessment(Answer):
    culpable: bool | None = None
    circumstances: str | None = None


class HearingHeld(Answer):
    on: Date
    summary: str


class MeasureDecided(Answer):
    taken: bool
    reason: str
    culpability: Assessment = Field(description="Empty when none was given.")
    hearing: HearingHeld | None = Field(None, description="The zienswijze, when one was held.")
    amount_eur: int | None = Field(None, description="The fine, when one was taken.")
    referred_to: Literal["klantmanager"] | None = Field(
        None, description="klantmanager: referred for a Participatiewet measure."
    )


class ParticipatiewetDecided(Answer):
    lowered: bool
    decided_on: Date
    reason: str
    culpability: Assessment = Field(description="Empty when none was given.")
    hearing: HearingHeld | None = Field(None, description="The hearing, when one was held.")


class BreachRecorded(Answer):
    number: int
    obligation: str
    description: str
    on: Date
    measure: Measure | None = Field(description="What the ladder made due; null when nothing.")
    decision: MeasureDecided | None
    participatiewet: ParticipatiewetDecided | None = Field(
        None,
        description="The klantmanager's decision on a referred Participatiewet measure, once"
        " recorded.",
    )


class Rung(Answer):
    after_breaches: int
    measure: Measure


class HandhavingPolicy(Answer):
    version: str
    gemeente: str
    pip_deadline_warning_days: int
    termijn_end_warning_days: int
    ladder: list[Rung]


_NOW_ONLY = " Left out with as_of."


class Pip(Answer):
    """The PIP as the caller's role may see it, or as it stood on `as_of`."""

    dossier_id: UUID
    gemeente: str
    status: PipStatus
    as_of: Date | None = Field(
        description="The date the PIP is shown as it stood on; null for the PIP as it is."
    )
    deadline: Date | None = Field(
        None,
        description="10 weeks after the later of the DUO notice and the BRP registration, or 2"
        " weeks after awaited information arrived; null while it is awaited." + _NOW_ONLY,
    )
    legal_deadline: Date | None = Field(None, description="Without extensions." + _NOW_ONLY)
    extensions: list[AwaitedInformation] | None = Field(None, description=_NOW_ONLY.strip())
    deadline_warned: bool | None = Field(None, description=_NOW_ONLY.strip())
    deadline_missed: bool | None = Field(None, description=_NOW_ONLY.strip())
    duo_notice_date: Date
    brp_registration_date: Date
    starting_points: StartingPoints | None = Field(None, description=_NOW_ONLY.strip())
    plan: Plan
    route: LeerrouteShown | None = Field(description="null until a leerroute is planned.")
    decision: Decision | None = Field(description="The version in force; null for a draft.")
    termijn: Termijn | None = Field(description="null until the PIP is established.")
    versions: list[Version]
    handhaving: list[BreachRecorded] | None = Field(
        None, description="Breaches and measures; left out for who may not see handhaving."
    )
    handhaving_policy: HandhavingPolicy | None = Field(
        None, description="The gemeente's ladder and lead times, with handhaving." + _NOW_ONLY
    )
    opened_at: datetime
    version: int


# answers: the starting points of a draft ----------------------------------------------------------
class SuggestedGoal(Answer):
    from_: str = Field(alias="from", description="What suggests it.")
    domain: GoalDomain
    term: Term
    phase: PiezoPhase
    owner_role: OwnerRole
    measure: str


class PipStartingPoints(Answer):
    """What the completed intake offers to draft from: suggestions only, the regievoerder
    decides."""

    dossier_id: UUID
    intake_completed_on: Date | None
    route_advice: NotedRouteAdvice | None
    route_choice: NotedRouteChoice | None
    suggested_route: InburgeringRoute | None
    open_practical_items: list[str]
    signals_by_domain: dict[str, int]
    suggested_goals: list[SuggestedGoal]
    deadline: Date | None
    expectations: dict[str, Any] | None = Field(
        description="The person's own words on what they want to reach (intake's"
        " verwachtingen); null until recorded."
    )
    residence_intention: dict[str, Any] | None = Field(
        description="intake's verblijfsintentie; null until recorded."
    )


# answers: reports ---------------------------------------------------------------------------------
class LatePip(Answer):
    dossier_id: UUID
    deadline: Date
    established_on: Date | None = Field(description="null for a draft past its deadline.")


class OnTime(Answer):
    on_time: int
    established_late: int
    overdue_drafts: int
    share: float | None = Field(description="on_time of all counted; null when none counted.")
    late: list[LatePip] | None = Field(
        None, description="Only of the gemeenten the caller acts for."
    )


class OwnerCount(Answer):
    role: str
    organisation: str | None = Field(
        None, description="Left out for a gemeente the caller does not act for."
    )
    by_status: dict[GoalStatus, int]


class PhaseCount(Answer):
    phase: PiezoPhase
    goals: int
    goals_open: int
    persons: int


class EndingTermijn(Answer):
    dossier_id: UUID
    termijn_end: Date


class TermijnenEnding(Answer):
    within_months: int
    count: int
    dossiers: list[EndingTermijn] | None = Field(
        None, description="Only of the gemeenten the caller acts for."
    )


class GemeenteNumbers(Answer):
    gemeente: str
    on_time: OnTime
    routes: dict[str, int] = Field(description="Established PIPs by route.")
    goals_by_status: dict[GoalStatus, int]
    goals_by_owner: list[OwnerCount] | None = Field(None, description="Left out of the total.")
    phases: list[PhaseCount]
    termijnen_ending: TermijnenEnding


class GemeenteReport(GemeenteNumbers):
    as_of: Date


class RegionReport(Answer):
    as_of: Date
    region: str
    total: GemeenteNumbers
    gemeenten: list[GemeenteNumbers]


# a report's published CSV form --------------------------------------------------------------------
REPORT_CSV_HEADER = ("section", "gemeente", "item", "measure", "value")


def report_rows(report: Mapping[str, Any]) -> list[list[Any]]:
    """A report as CSV rows in long form, the header first: section, gemeente, item, measure,
    value (a region report: each gemeente, then the total). Written as text by the writer of
    `services.common.values.CsvText`, which keeps a cell from starting a formula."""
    rows: list[list[Any]] = [list(REPORT_CSV_HEADER)]
    parts = report.get("gemeenten") or [report]
    if "total" in report:
        parts = [*parts, report["total"]]
    for part in parts:
        g = part["gemeente"]
        on_time = part["on_time"]
        for key in ("on_time", "established_late", "overdue_drafts", "share"):
            rows.append(["op-tijd", g, "", key, "" if on_time[key] is None else on_time[key]])
        for late in on_time.get("late", []):
            rows.append(["te-laat", g, late["dossier_id"], "deadline", late["deadline"]])
            rows.append(
                ["te-laat", g, late["dossier_id"], "established_on", late["established_on"] or ""]
            )
        for route, n in part["routes"].items():
            rows.append(["routes", g, route, "count", n])
        for status, n in part["goals_by_status"].items():
            rows.append(["doelen-status", g, status, "count", n])
        for owner in part.get("goals_by_owner", []):
            for status, n in owner["by_status"].items():
                item = owner["role"] + (
                    f" ({owner['organisation']})" if "organisation" in owner else ""
                )
                rows.append(["doelen-eigenaar", g, item, status, n])
        for phase in part["phases"]:
            for key in ("goals", "goals_open", "persons"):
                rows.append(["fasen", g, phase["phase"], key, phase[key]])
        ending = part["termijnen_ending"]
        rows.append(["termijn-eindigt", g, "", "count", ending["count"]])
        for dossier in ending.get("dossiers", []):
            rows.append(
                ["termijn-eindigt", g, dossier["dossier_id"], "termijn_end", dossier["termijn_end"]]
            )
    return rows
