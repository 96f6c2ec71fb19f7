"""The `data` of every integration event pip publishes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from services.contracts.events import plan
from services.contracts.events.base import (
    DOMAIN,
    DOMAIN_CATEGORIES,
    PRACTICAL_ITEM,
    EventData,
    IssuedDocument,
    event,
)
from services.contracts.pip import GoalStatus, Measure, Module, RevisionKind
from services.contracts.values import GemeenteCode, InburgeringRoute


@event(
    "nl.wegwijs.pip.bijgesteld.v1",
    title="The PIP was revised (bijgesteld): a new version with a reason; the termijn did not move",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={
        "dossier_id": "identiteit",
        "version": "pip",
        "kind": "pip",
        "decided_on": "pip",
        "backdated": "pip",
        "to_gemeente": "identiteit",
        "route": "taal-leerbaarheid",
        "language_target": "taal-leerbaarheid",
        "route_end_date": "taal-leerbaarheid",
        "modules": "pip",
        "ontzorgen": "financien",
        "goals": {
            "items_by": "domain",
            "by_value": DOMAIN_CATEGORIES,
            "default": "pip",
        },
    },
    activity="pip-opstellen",
)
class Bijgesteld(EventData):
    dossier_id: UUID
    version: Annotated[int, Field(ge=2)]
    kind: RevisionKind
    decided_on: date
    backdated: bool
    route: plan.Route
    language_target: plan.LanguageTarget
    route_end_date: date
    modules: plan.Modules
    ontzorgen: bool
    goals: list[plan.PlanGoal]
    to_gemeente: GemeenteCode | SkipJsonSchema[None] = Field(
        None, description="For a move (verhuizing): the gemeente the person moves to."
    )


@event(
    "nl.wegwijs.pip.concept.geopend.v1",
    title="A draft PIP was opened for a dossier, with its legal deadline",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={
        "dossier_id": "identiteit",
        "gemeente": "identiteit",
        "status": "pip",
        "deadline": "pip",
    },
    activity="pip-opstellen",
)
class ConceptGeopend(EventData):
    dossier_id: UUID
    gemeente: GemeenteCode
    status: Literal["concept"]
    deadline: date = Field(
        description=(
            "10 weeks after the later of the DUO notice and the BRP "
            "registration (Besluit inburgering art. 5.3)."
        )
    )


@event(
    "nl.wegwijs.pip.concept.gewijzigd.v1",
    title="Sections of the draft PIP were replaced",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={"dossier_id": "identiteit", "sections": "pip"},
    activity="pip-opstellen",
)
class ConceptGewijzigd(EventData):
    dossier_id: UUID
    sections: list[
        Literal["leerroute", "modules", "ontzorgen", "preconditions", "guidance", "monitoring"]
    ]


@event(
    "nl.wegwijs.pip.deadline.herberekend.v1",
    title="The PIP deadline moved after a correction of the DUO notice or BRP registration date",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={"dossier_id": "identiteit", "legal_deadline": "pip", "deadline": "pip"},
    activity="pip-opstellen",
)
class DeadlineHerberekend(EventData):
    dossier_id: UUID
    legal_deadline: date
    deadline: date | None = Field(
        description="The legal deadline moved by arrived extensions; null while information is"
        " awaited."
    )


@event(
    "nl.wegwijs.pip.deadline.nadert.v1",
    title="The PIP deadline is near and the PIP is not established yet",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={"dossier_id": "identiteit", "deadline": "pip", "days_left": "pip"},
    activity="pip-monitoring",
)
class DeadlineNadert(EventData):
    dossier_id: UUID
    deadline: date
    days_left: Annotated[int, Field(ge=0)]


@event(
    "nl.wegwijs.pip.deadline.opgeschort.v1",
    title="The PIP deadline is suspended while waiting for a third party's information",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={"dossier_id": "identiteit", "requested_on": "pip"},
    activity="pip-opstellen",
)
class DeadlineOpgeschort(EventData):
    dossier_id: UUID
    requested_on: date


@event(
    "nl.wegwijs.pip.deadline.verlengd.v1",
    title="The awaited information arrived; the deadline is 2 weeks after it at the latest",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={"dossier_id": "identiteit", "arrived_on": "pip", "deadline": "pip"},
    activity="pip-opstellen",
)
class DeadlineVerlengd(EventData):
    dossier_id: UUID
    arrived_on: date
    deadline: date


@event(
    "nl.wegwijs.pip.deadline.verstreken.v1",
    title="The PIP deadline passed without an established PIP",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={"dossier_id": "identiteit", "deadline": "pip"},
    activity="pip-monitoring",
)
class DeadlineVerstreken(EventData):
    dossier_id: UUID
    deadline: date


@event(
    "nl.wegwijs.pip.doel.gewijzigd.v1",
    title="A goal of the draft PIP was changed",
    envelope_required=("subject", "gemeente"),
    category={
        "field": "domain",
        "by_value": DOMAIN_CATEGORIES,
        "default": "pip",
        "absent": "intern",
    },
    fields={
        "dossier_id": "identiteit",
        "goal_id": "pip",
        "fields": "pip",
        "domain": {
            "by_value": DOMAIN_CATEGORIES,
            "default": "pip",
            "absent": "intern",
        },
    },
    activity="pip-opstellen",
)
class DoelGewijzigd(EventData):
    dossier_id: UUID
    goal_id: UUID
    fields: list[str]
    domain: plan.GoalDomain | SkipJsonSchema[None] = Field(
        None,
        description="The goal's life domain; absent on events recorded before it was published.",
    )


@event(
    "nl.wegwijs.pip.doel.toegevoegd.v1",
    title="A goal was added to the draft PIP",
    envelope_required=("subject", "gemeente"),
    category={"field": "domain", **DOMAIN},
    fields={
        "dossier_id": "identiteit",
        "goal_id": "pip",
        "domain": DOMAIN,
        "term": "pip",
        "phase": "pip",
        "due_on": "pip",
        "owner": "pip",
    },
    activity="pip-opstellen",
)
class DoelToegevoegd(plan.Goal):
    dossier_id: UUID


@event(
    "nl.wegwijs.pip.doel.verwijderd.v1",
    title="A goal was removed from the draft PIP",
    envelope_required=("subject", "gemeente"),
    category={
        "field": "domain",
        "by_value": DOMAIN_CATEGORIES,
        "default": "pip",
        "absent": "intern",
    },
    fields={
        "dossier_id": "identiteit",
        "goal_id": "pip",
        "domain": {
            "by_value": DOMAIN_CATEGORIES,
            "default": "pip",
            "absent": "intern",
        },
    },
    activity="pip-opstellen",
)
class DoelVerwijderd(EventData):
    dossier_id: UUID
    goal_id: UUID
    domain: plan.GoalDomain | SkipJsonSchema[None] = Field(
        None,
        description="The goal's life domain; absent on events recorded before it was published.",
    )


@event(
    "nl.wegwijs.pip.doel.voortgang-vastgelegd.v1",
    title="Progress on a goal was recorded by its owner or the regievoerder",
    envelope_required=("subject", "gemeente"),
    category={
        "field": "domain",
        "by_value": DOMAIN_CATEGORIES,
        "default": "pip",
        "absent": "intern",
    },
    fields={
        "dossier_id": "identiteit",
        "goal_id": "pip",
        "status": "pip",
        "on": "pip",
        "source": "pip",
        "domain": {
            "by_value": DOMAIN_CATEGORIES,
            "default": "pip",
            "absent": "intern",
        },
    },
    activity="pip-voortgang",
)
class DoelVoortgangVastgelegd(EventData):
    dossier_id: UUID
    goal_id: UUID
    status: GoalStatus
    on_: date = Field(alias="on")
    source: Literal["eigenaar", "regievoerder", "begeleiding"]
    domain: plan.GoalDomain | SkipJsonSchema[None] = Field(
        None,
        description="The goal's life domain; absent on events recorded before it was published.",
    )


@event(
    "nl.wegwijs.pip.handhaving.geopend.v1",
    title="The first breach of a PIP obligation opened the dossier's handhaving record",
    envelope_required=("subject", "gemeente"),
    category="handhaving",
    fields={"dossier_id": "identiteit"},
    activity="handhaving",
)
class HandhavingGeopend(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.pip.inburgeringstermijn.eindigt-binnenkort.v1",
    title="The inburgeringstermijn ends soon",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={"dossier_id": "identiteit", "termijn_end": "pip", "days_left": "pip"},
    activity="pip-monitoring",
)
class InburgeringstermijnEindigtBinnenkort(EventData):
    dossier_id: UUID
    termijn_end: date
    days_left: Annotated[int, Field(ge=0)]


@event(
    "nl.wegwijs.pip.inburgeringstermijn.verstreken.v1",
    title="The inburgeringstermijn ended",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={"dossier_id": "identiteit", "termijn_end": "pip", "goals_not_achieved": "pip"},
    activity="pip-monitoring",
)
class InburgeringstermijnVerstreken(EventData):
    dossier_id: UUID
    termijn_end: date
    goals_not_achieved: Annotated[int, Field(ge=0)]


@event(
    "nl.wegwijs.pip.maatregel.aan-de-orde.v1",
    title="The gemeente's handhaving ladder makes a measure due; the regievoerder decides",
    envelope_required=("subject", "gemeente"),
    category="handhaving",
    fields={
        "dossier_id": "identiteit",
        "number": "handhaving",
        "measure": "handhaving",
        "policy_version": "handhaving",
    },
    activity="handhaving",
)
class MaatregelAanDeOrde(EventData):
    dossier_id: UUID
    number: Annotated[int, Field(ge=1)]
    measure: Measure
    policy_version: str


@event(
    "nl.wegwijs.pip.maatregel.besloten.v1",
    title=(
        "The regievoerder took or waived a due measure, with a reason and, to take it, a "
        "culpability assessment (a fine also a warning before it and a hearing), or referred a "
        "Participatiewet measure to the klantmanager"
    ),
    envelope_required=("subject", "gemeente"),
    category="handhaving",
    fields={
        "dossier_id": "identiteit",
        "number": "handhaving",
        "measure": "handhaving",
        "taken": "handhaving",
        "referred_to": "handhaving",
    },
    activity="handhaving",
)
class MaatregelBesloten(EventData):
    dossier_id: UUID
    number: Annotated[int, Field(ge=1)]
    measure: Measure
    taken: bool
    referred_to: Literal["klantmanager"] | SkipJsonSchema[None] = Field(
        None, description="klantmanager: the measure is theirs to decide (Participatiewet art. 18)."
    )


@event(
    "nl.wegwijs.pip.participatiewet-besluit.vastgelegd.v1",
    title=(
        "The klantmanager recorded their Participatiewet decision on a breach the regievoerder "
        "referred to them: whether the benefit was lowered, and on which day"
    ),
    envelope_required=("subject", "gemeente"),
    category="handhaving",
    fields={
        "dossier_id": "identiteit",
        "number": "handhaving",
        "lowered": "handhaving",
        "decided_on": "handhaving",
    },
    activity="handhaving",
)
class ParticipatiewetBesluitVastgelegd(EventData):
    dossier_id: UUID
    number: Annotated[int, Field(ge=1)]
    lowered: bool
    decided_on: date


@event(
    "nl.wegwijs.pip.module.uren-vastgelegd.v1",
    title="Hours of a module (NT2, KNM, PVT, MAP, participatie) were recorded",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={"dossier_id": "identiteit", "module": "pip", "hours": "pip", "on": "pip"},
    activity="pip-voortgang",
)
class ModuleUrenVastgelegd(EventData):
    dossier_id: UUID
    module: Module
    hours: Annotated[int, Field(ge=1)]
    on_: date = Field(alias="on")


@event(
    "nl.wegwijs.pip.praktische-zaak.bijgewerkt.v1",
    title="A practical matter from the intake opened or closed in the draft's starting points",
    envelope_required=("subject", "gemeente"),
    category={"field": "item", **PRACTICAL_ITEM},
    fields={
        "dossier_id": "identiteit",
        "item": PRACTICAL_ITEM,
        "open": PRACTICAL_ITEM,
    },
    activity="pip-opstellen",
)
class PraktischeZaakBijgewerkt(EventData):
    dossier_id: UUID
    item: str
    open: bool


@event(
    "nl.wegwijs.pip.routekeuze.overgenomen.v1",
    title="The draft PIP took note of the regievoerder's route choice at intake",
    envelope_required=("subject", "gemeente"),
    category="taal-leerbaarheid",
    fields={
        "dossier_id": "identiteit",
        "route": "taal-leerbaarheid",
        "advised": "taal-leerbaarheid",
    },
    activity="pip-opstellen",
)
class RoutekeuzeOvergenomen(EventData):
    dossier_id: UUID
    route: InburgeringRoute
    advised: InburgeringRoute


@event(
    "nl.wegwijs.pip.signaal.genoteerd.v1",
    title=(
        "A signal on a life domain was noted among the draft's "
        "starting points (its text stays in intake)"
    ),
    envelope_required=("subject", "gemeente"),
    category={
        "field": "domain",
        "by_value": DOMAIN_CATEGORIES,
        "default": "signalen",
    },
    fields={
        "dossier_id": "identiteit",
        "domain": {
            "by_value": DOMAIN_CATEGORIES,
            "default": "signalen",
        },
    },
    activity="pip-opstellen",
)
class SignaalGenoteerd(EventData):
    dossier_id: UUID
    domain: str


@event(
    "nl.wegwijs.pip.startpunten.vastgelegd.v1",
    title="The completed brede intake's starting points reached the draft PIP",
    envelope_required=("subject", "gemeente"),
    category="taal-leerbaarheid",
    fields={
        "dossier_id": "identiteit",
        "completed_on": "taal-leerbaarheid",
        "advised_route": "taal-leerbaarheid",
        "open_practical_items": {
            "each_by_value": PRACTICAL_ITEM["by_value"],
            "default": PRACTICAL_ITEM["default"],
        },
    },
    activity="pip-opstellen",
)
class StartpuntenVastgelegd(EventData):
    dossier_id: UUID
    completed_on: date
    advised_route: InburgeringRoute
    open_practical_items: list[str]


@event(
    "nl.wegwijs.pip.vastgesteld.v1",
    title=(
        "The PIP was established (vastgesteld): a decision; the "
        "inburgeringstermijn runs from the next day"
    ),
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={
        "dossier_id": "identiteit",
        "version": "pip",
        "decided_on": "pip",
        "termijn_start": "pip",
        "termijn_end": "pip",
        "deadline": "pip",
        "on_time": "pip",
        "backdated": "pip",
        "route": "taal-leerbaarheid",
        "language_target": "taal-leerbaarheid",
        "route_end_date": "taal-leerbaarheid",
        "modules": "pip",
        "ontzorgen": "financien",
        "goals": {
            "items_by": "domain",
            "by_value": DOMAIN_CATEGORIES,
            "default": "pip",
        },
    },
    activity="pip-opstellen",
)
class Vastgesteld(EventData):
    dossier_id: UUID
    version: Literal[1]
    decided_on: date
    termijn_start: date
    termijn_end: date
    deadline: date
    on_time: bool
    backdated: bool = Field(
        description="Recorded more than 14 days after its date, with a reason kept in pip."
    )
    route: plan.Route
    language_target: plan.LanguageTarget
    route_end_date: date
    modules: plan.Modules
    ontzorgen: bool
    goals: list[plan.PlanGoal]


@event(
    "nl.wegwijs.pip.verplichting.geschonden.v1",
    title="A breach of a PIP obligation was recorded (what, stays in pip)",
    envelope_required=("subject", "gemeente"),
    category="handhaving",
    fields={"dossier_id": "identiteit", "number": "handhaving", "on": "handhaving"},
    activity="handhaving",
)
class VerplichtingGeschonden(EventData):
    dossier_id: UUID
    number: Annotated[int, Field(ge=1)]
    on_: date = Field(alias="on")


DocumentKind = Literal["pip-beschikking", "pip-wijziging", "verlenging"]
MeasureDocumentKind = Literal["waarschuwing", "boete"]
_DOCUMENT_FIELDS = {
    "dossier_id": "identiteit",
    "kind": "pip",
    "issued_on": "pip",
    "sha256": "pip",
}


@event(
    "nl.wegwijs.pip.document.uitgegeven.v1",
    title=(
        "A decision on the PIP was issued to the person as a document (the beschikking, the"
        " beschikking of a change, more time for the PIP), kept as it was issued; the event's id"
        " is the document's id (GET /api/v1/dossiers/{dossier_id}/documents/{id})"
    ),
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields=_DOCUMENT_FIELDS,
    activity="pip-opstellen",
)
class DocumentUitgegeven(IssuedDocument):
    kind: DocumentKind


@event(
    "nl.wegwijs.pip.handhavingsbesluit.uitgegeven.v1",
    title=(
        "A measure taken on a breach of the PIP (a warning, a fine) was issued to the person as"
        " a document, kept as it was issued; the event's id is the document's id"
    ),
    envelope_required=("subject", "gemeente"),
    category="handhaving",
    fields={
        **_DOCUMENT_FIELDS,
        "kind": "handhaving",
        "issued_on": "handhaving",
        "sha256": "handhaving",
    },
    activity="handhaving",
)
class HandhavingsbesluitUitgegeven(IssuedDocument):
    kind: MeasureDocumentKind


@event(
    "nl.wegwijs.pip.overgedragen.v1",
    title="The person moved and the new gemeente accepted: the PIP (or its handhaving) is the"
    " new gemeente's, its termijn and deadlines unchanged; filed under the old gemeente",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={
        "dossier_id": "identiteit",
        "part": "intern",
        "to_gemeente": "identiteit",
        "moved_on": "identiteit",
    },
    activity="verhuizing",
)
class PipOvergedragen(EventData):
    dossier_id: UUID
    part: Literal["pip", "handhaving"]
    to_gemeente: GemeenteCode
    moved_on: date
