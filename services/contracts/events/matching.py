"""The `data` of every integration event matching publishes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from services.contracts.events import plan
from services.contracts.events.base import DOMAIN_CATEGORIES, EventData, event
from services.contracts.matching import (
    CandidateKind,
    GuideDetails,
    PlacementDetails,
    PlacementKind,
    Side,
    SignalDomain,
)
from services.contracts.pip import GoalStatus
from services.contracts.values import CefrLevel, GemeenteCode, InburgeringRoute, Oin


@event(
    "nl.wegwijs.matching.activiteit.vastgelegd.v1",
    title=(
        "The active guide logged an activity on a PIP goal (what was "
        "done, what the person did themselves and the reflection "
        "stay in matching); pip records it as progress on the goal"
    ),
    envelope_required=("subject", "gemeente"),
    category={
        "field": "domain",
        "by_value": DOMAIN_CATEGORIES,
        "default": "pip",
        "absent": "intern",
    },
    fields={
        "dossier_id": "identiteit",
        "activity_id": "pip",
        "goal_id": "pip",
        "on": "pip",
        "domain": {
            "by_value": DOMAIN_CATEGORIES,
            "default": "pip",
            "absent": "intern",
        },
    },
    activity="begeleiding-vastleggen",
)
class ActiviteitVastgelegd(EventData):
    dossier_id: UUID
    activity_id: UUID
    goal_id: UUID
    on_: date = Field(alias="on")
    domain: plan.GoalDomain | SkipJsonSchema[None] = Field(
        None,
        description="The goal's life domain; absent on events recorded before it was published.",
    )


@event(
    "nl.wegwijs.matching.begeleider.geregistreerd.v1",
    title=(
        "A guide was registered by their organisation's coordinator "
        "(the organisation and where they work; not who they are)"
    ),
    envelope_required=("subject",),
    category="intern",
    fields={
        "id": "intern",
        "organisation": "intern",
        "gemeenten": "intern",
        "max_caseload": "intern",
    },
    activity="begeleiders-beheren",
)
class BegeleiderGeregistreerd(EventData):
    id: UUID
    organisation: Oin
    gemeenten: Annotated[list[GemeenteCode], Field(min_length=1)]
    max_caseload: Annotated[int, Field(ge=1)]


@event(
    "nl.wegwijs.matching.begeleider.gestopt.v1",
    title="A guide stopped guiding",
    envelope_required=("subject",),
    category="intern",
    fields={"id": "intern"},
    activity="begeleiders-beheren",
)
class BegeleiderGestopt(EventData):
    id: UUID


@event(
    "nl.wegwijs.matching.begeleider.gewijzigd.v1",
    title="A guide's details changed: which fields, not their values",
    envelope_required=("subject",),
    category="intern",
    fields={"id": "intern", "fields": "intern"},
    activity="begeleiders-beheren",
)
class BegeleiderGewijzigd(EventData):
    id: UUID
    fields: list[Literal[tuple(GuideDetails.model_fields)]]  # type: ignore[misc]


@event(
    "nl.wegwijs.matching.begeleider.toegewezen.v1",
    title="A guide took on a guidance: their caseload grew by one",
    envelope_required=("subject",),
    category="intern",
    fields={"id": "intern", "caseload": "intern"},
    activity="begeleiders-beheren",
)
class BegeleiderToegewezen(EventData):
    id: UUID
    caseload: Annotated[int, Field(ge=0)] = Field(description="Households the guide guides now")


@event(
    "nl.wegwijs.matching.begeleider.vrijgekomen.v1",
    title="A guidance of a guide ended: their caseload shrank by one",
    envelope_required=("subject",),
    category="intern",
    fields={"id": "intern", "caseload": "intern"},
    activity="begeleiders-beheren",
)
class BegeleiderVrijgekomen(EventData):
    id: UUID
    caseload: Annotated[int, Field(ge=0)] = Field(description="Households the guide guides now")


@event(
    "nl.wegwijs.matching.begeleiding.geopend.v1",
    title="Matching opened the guidance of a registered dossier",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit"},
    activity="koppelen",
)
class BegeleidingGeopend(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.matching.doelstatus.overgenomen.v1",
    title="Matching took over the status of a PIP goal",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit", "goal_id": "intern", "status": "intern"},
    activity="koppelen",
)
class DoelstatusOvergenomen(EventData):
    dossier_id: UUID
    goal_id: UUID
    status: GoalStatus


@event(
    "nl.wegwijs.matching.huishouden.begeleider-bijgewerkt.v1",
    title=(
        "On the household's first member's guidance: which guide a "
        "member has now (no guide_id: their guidance ended); a "
        "household has one fixed guide"
    ),
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit", "member_id": "gezin", "guide_id": "intern"},
    activity="koppelen",
)
class HuishoudenBegeleiderBijgewerkt(EventData):
    dossier_id: UUID
    member_id: UUID
    guide_id: UUID | SkipJsonSchema[None] = None


@event(
    "nl.wegwijs.matching.huishouden.overgenomen.v1",
    title=(
        "Matching took over the household intake linked the dossier "
        "to (its id is its first member's dossier id)"
    ),
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit", "household_id": "gezin"},
    activity="koppelen",
)
class HuishoudenOvergenomen(EventData):
    dossier_id: UUID
    household_id: UUID


@event(
    "nl.wegwijs.matching.koppeling.beeindigd.v1",
    title="A match ended with its outcome (the reason stays in matching)",
    envelope_required=("subject", "gemeente"),
    category="identiteit",
    fields={
        "dossier_id": "identiteit",
        "proposal_id": "identiteit",
        "organisation": "identiteit",
        "on": "identiteit",
        "outcome": "pip",
    },
    activity="koppelen",
)
class KoppelingBeeindigd(EventData):
    dossier_id: UUID
    proposal_id: UUID
    organisation: Oin
    on_: date = Field(alias="on")
    outcome: Literal[
        "afgerond",
        "doelen-bereikt",
        "doorgestroomd-naar-opleiding",
        "doorgestroomd-naar-werk",
        "gewisseld",
        "verhuisd",
        "voortijdig-gestopt",
    ]


@event(
    "nl.wegwijs.matching.koppeling.gestart.v1",
    title="A match started; a change of guide ends the previous guidance in the same transaction",
    envelope_required=("subject", "gemeente"),
    category="identiteit",
    fields={
        "dossier_id": "identiteit",
        "proposal_id": "identiteit",
        "organisation": "identiteit",
        "kind": "identiteit",
        "candidate_id": "identiteit",
        "on": "identiteit",
        "change_of_guide": "identiteit",
    },
    activity="koppelen",
)
class KoppelingGestart(EventData):
    dossier_id: UUID
    proposal_id: UUID
    organisation: Oin
    kind: CandidateKind
    candidate_id: UUID
    on_: date = Field(alias="on")
    change_of_guide: bool


@event(
    "nl.wegwijs.matching.koppelprofiel.vastgelegd.v1",
    title="The regievoerder recorded the person's matching profile (its contents stay in matching)",
    envelope_required=("subject", "gemeente"),
    category="taal-leerbaarheid",
    fields={"dossier_id": "identiteit"},
    activity="koppelen",
)
class KoppelprofielVastgelegd(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.matching.plaatsing.aangeboden.v1",
    title=(
        "An organisation offered a placement (volunteer work, "
        "learning volunteer work, an internship, a work-experience "
        "place or a job)"
    ),
    envelope_required=("subject",),
    category="intern",
    fields={
        "id": "intern",
        "organisation": "intern",
        "kind": "intern",
        "gemeente": "intern",
        "capacity": "intern",
    },
    activity="begeleiders-beheren",
)
class PlaatsingAangeboden(EventData):
    id: UUID
    organisation: Oin
    kind: PlacementKind
    gemeente: GemeenteCode
    capacity: Annotated[int, Field(ge=1)]


@event(
    "nl.wegwijs.matching.plaatsing.bezet.v1",
    title="A place of a placement was taken",
    envelope_required=("subject",),
    category="intern",
    fields={"id": "intern"},
    activity="begeleiders-beheren",
)
class PlaatsingBezet(EventData):
    id: UUID


@event(
    "nl.wegwijs.matching.plaatsing.gesloten.v1",
    title="A placement is no longer offered",
    envelope_required=("subject",),
    category="intern",
    fields={"id": "intern"},
    activity="begeleiders-beheren",
)
class PlaatsingGesloten(EventData):
    id: UUID


@event(
    "nl.wegwijs.matching.plaatsing.gewijzigd.v1",
    title="A placement's details changed: which fields, not their values",
    envelope_required=("subject",),
    category="intern",
    fields={"id": "intern", "fields": "intern"},
    activity="begeleiders-beheren",
)
class PlaatsingGewijzigd(EventData):
    id: UUID
    fields: list[Literal[tuple(PlacementDetails.model_fields)]]  # type: ignore[misc]


@event(
    "nl.wegwijs.matching.plaatsing.vrijgekomen.v1",
    title="A place of a placement came free",
    envelope_required=("subject",),
    category="intern",
    fields={"id": "intern"},
    activity="begeleiders-beheren",
)
class PlaatsingVrijgekomen(EventData):
    id: UUID


@event(
    "nl.wegwijs.matching.plan.overgenomen.v1",
    title="Matching took over the PIP in force: its route, date and how many goals",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={
        "dossier_id": "identiteit",
        "route": "intern",
        "decided_on": "intern",
        "goals": "intern",
    },
    activity="koppelen",
)
class PlanOvergenomen(EventData):
    dossier_id: UUID
    route: InburgeringRoute
    decided_on: date
    goals: Annotated[int, Field(ge=0)]


@event(
    "nl.wegwijs.matching.route.overgenomen.v1",
    title="Matching took over the learning route intake recorded",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit", "route": "intern"},
    activity="koppelen",
)
class RouteOvergenomen(EventData):
    dossier_id: UUID
    route: InburgeringRoute


@event(
    "nl.wegwijs.matching.signaal.gegeven.v1",
    title=(
        "The active guide gave a signal to the regievoerder, and "
        "whether they referred the person (the text stays in "
        "matching)"
    ),
    envelope_required=("subject", "gemeente"),
    category={
        "field": "domain",
        "by_value": DOMAIN_CATEGORIES,
        "default": "signalen",
    },
    fields={
        "dossier_id": "identiteit",
        "signal_id": "signalen",
        "domain": {
            "field": "domain",
            "by_value": DOMAIN_CATEGORIES,
            "default": "signalen",
        },
        "referred": "signalen",
    },
    activity="begeleiding-vastleggen",
)
class SignaalGegeven(EventData):
    dossier_id: UUID
    signal_id: UUID
    domain: SignalDomain
    referred: bool


@event(
    "nl.wegwijs.matching.voorstel.beantwoord.v1",
    title=(
        "The person or the organisation accepted or declined a "
        "proposal (the reason stays in matching)"
    ),
    envelope_required=("subject", "gemeente"),
    category="identiteit",
    fields={
        "dossier_id": "identiteit",
        "proposal_id": "identiteit",
        "organisation": "identiteit",
        "side": "identiteit",
        "accepted": "identiteit",
    },
    activity="koppelen",
)
class VoorstelBeantwoord(EventData):
    dossier_id: UUID
    proposal_id: UUID
    organisation: Oin
    side: Side
    accepted: bool


@event(
    "nl.wegwijs.matching.voorstel.gedaan.v1",
    title=(
        "A guide or placement was proposed; the organisation is told "
        "the person's Dutch level only where the protocol or consent "
        "allows"
    ),
    envelope_required=("subject", "gemeente"),
    category="identiteit",
    fields={
        "dossier_id": "identiteit",
        "proposal_id": "identiteit",
        "kind": "identiteit",
        "candidate_id": "identiteit",
        "organisation": "identiteit",
        "dutch_level": "taal-leerbaarheid",
        "needs_adapted_work": "taal-leerbaarheid",
    },
    activity="koppelen",
)
class VoorstelGedaan(EventData):
    dossier_id: UUID
    proposal_id: UUID
    kind: CandidateKind
    candidate_id: UUID
    organisation: Oin
    dutch_level: CefrLevel | SkipJsonSchema[None] = None
    needs_adapted_work: bool | SkipJsonSchema[None] = None


@event(
    "nl.wegwijs.matching.begeleiding.overgedragen.v1",
    title="The person moved and the new gemeente accepted: the guidance, its proposals and its"
    " log are the new gemeente's. Addressed to the active guide's organisation, which hears of"
    " the move as its subscription and the protocol allow; filed under the old gemeente",
    envelope_required=("subject", "gemeente"),
    category="identiteit",
    fields={
        "dossier_id": "identiteit",
        "to_gemeente": "identiteit",
        "moved_on": "identiteit",
        "organisation": "identiteit",
    },
    activity="verhuizing",
)
class BegeleidingOvergedragen(EventData):
    dossier_id: UUID
    to_gemeente: GemeenteCode
    moved_on: date
    organisation: Oin | SkipJsonSchema[None] = Field(
        None, description="The active guide's organisation; left out when there is none."
    )
