"""The `data` of every integration event consent publishes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from services.contracts.consent import Basis, Category, Channel, CollectionMethod, GrantorKind
from services.contracts.events.base import EventData, event
from services.contracts.values import GemeenteCode, Oin


@event(
    "nl.wegwijs.consent.abonnement.aangemaakt.v1",
    title="A partner subscribed to a channel, filtered by event types and gemeenten, for a purpose",
    envelope_required=("subject",),
    category="intern",
    fields={
        "subscription_id": "intern",
        "partner": "intern",
        "channel": "intern",
        "types": "intern",
        "gemeenten": "intern",
        "purpose": "intern",
    },
    activity="partner-beheren",
)
class AbonnementAangemaakt(EventData):
    subscription_id: UUID
    partner: Oin
    channel: Channel
    types: list[str]
    gemeenten: list[GemeenteCode]
    purpose: str


@event(
    "nl.wegwijs.consent.abonnement.beeindigd.v1",
    title="A partner's subscription ended",
    envelope_required=("subject",),
    category="intern",
    fields={"subscription_id": "intern"},
    activity="partner-beheren",
)
class AbonnementBeeindigd(EventData):
    subscription_id: UUID


@event(
    "nl.wegwijs.consent.abonnementen.geopend.v1",
    title="The register of partner subscriptions was opened",
    envelope_required=("subject",),
    category="intern",
    fields={},
    activity="partner-beheren",
)
class AbonnementenGeopend(EventData):
    pass


class DeelbesluitGenomenDecisionsItem(EventData):
    category: str
    permit: bool
    basis: Basis
    rule: str
    article: str
    consent_id: str
    reason: str


@event(
    "nl.wegwijs.consent.deelbesluit.genomen.v1",
    title="Sharing was decided, per data category, naming the rule or consent that decided",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={
        "dossier_id": "intern",
        "recipient": "intern",
        "recipient_kind": "intern",
        "purpose": "intern",
        "on": "intern",
        "protocol_version": "intern",
        "trigger": "intern",
        "decisions": "intern",
        "delivered": "intern",
    },
    activity="delen-met-partner",
)
class DeelbesluitGenomen(EventData):
    dossier_id: UUID
    recipient: Oin
    recipient_kind: str
    purpose: str
    on_: date = Field(alias="on")
    protocol_version: str
    trigger: str
    decisions: list[DeelbesluitGenomenDecisionsItem]
    delivered: bool | SkipJsonSchema[None] = Field(
        None, description="Whether a partner feed sends the event (trigger feed:<event id>)."
    )


@event(
    "nl.wegwijs.consent.deelbesluiten.geopend.v1",
    title="The sharing decisions of a dossier were opened",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "intern"},
    activity="delen-met-partner",
)
class DeelbesluitenGeopend(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.consent.levering.tegengehouden.v1",
    title="A feed delivery decided earlier was not sent: the decision no longer held when sending",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={
        "dossier_id": "intern",
        "recipient": "intern",
        "event_id": "intern",
        "reason": "intern",
    },
    activity="delen-met-partner",
)
class LeveringTegengehouden(EventData):
    dossier_id: UUID
    recipient: Oin
    event_id: str
    reason: str


@event(
    "nl.wegwijs.consent.partner.geregistreerd.v1",
    title="A partner organisation was registered",
    envelope_required=("subject",),
    category="intern",
    fields={"oin": "intern", "name": "intern", "kind": "intern", "gemeenten": "intern"},
    activity="partner-beheren",
)
class PartnerGeregistreerd(EventData):
    oin: Oin
    name: str
    kind: str
    gemeenten: list[GemeenteCode]


@event(
    "nl.wegwijs.consent.partner.gewijzigd.v1",
    title="A partner organisation's name, kind or gemeenten changed",
    envelope_required=("subject",),
    category="intern",
    fields={"name": "intern", "kind": "intern", "gemeenten": "intern"},
    activity="partner-beheren",
)
class PartnerGewijzigd(EventData):
    name: str
    kind: str
    gemeenten: list[GemeenteCode]


@event(
    "nl.wegwijs.consent.protocol.geopend.v1",
    title="The register of the sharing protocol's versions was opened",
    envelope_required=("subject",),
    category="intern",
    fields={},
    activity="protocol-vaststellen",
)
class ProtocolGeopend(EventData):
    pass


@event(
    "nl.wegwijs.consent.protocol.vastgesteld.v1",
    title="A version of the information-sharing protocol was adopted",
    envelope_required=("subject",),
    category="intern",
    fields={"version": "intern", "digest": "intern", "rules": "intern"},
    activity="protocol-vaststellen",
)
class ProtocolVastgesteld(EventData):
    version: str
    digest: Annotated[str, StringConstraints(pattern="^[0-9a-f]{64}$")]
    rules: Annotated[int, Field(ge=0)]


@event(
    "nl.wegwijs.consent.relatie.beeindigd.v1",
    title=(
        "A relation ended: the proposal was declined or the guidance "
        "or placement ended (reason: afgewezen or the outcome)"
    ),
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={
        "dossier_id": "intern",
        "proposal_id": "intern",
        "organisation": "intern",
        "reason": "intern",
    },
    activity="delen-met-partner",
)
class RelatieBeeindigd(EventData):
    dossier_id: UUID
    proposal_id: UUID
    organisation: Oin
    reason: str


@event(
    "nl.wegwijs.consent.relatie.begonnen.v1",
    title=(
        "An organisation has a relation with the person: a proposal "
        "was made to it (or its guidance started)"
    ),
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "intern", "proposal_id": "intern", "organisation": "intern"},
    activity="delen-met-partner",
)
class RelatieBegonnen(EventData):
    dossier_id: UUID
    proposal_id: UUID
    organisation: Oin


@event(
    "nl.wegwijs.consent.relaties.geopend.v1",
    title="Consent began keeping which organisations a dossier's person has a relation with",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "intern"},
    activity="delen-met-partner",
)
class RelatiesGeopend(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.consent.toestemming.gegeven.v1",
    title=(
        "A consent was recorded (who gave it to whom, for what; "
        "never the grantor's name or the evidence)"
    ),
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={
        "dossier_id": "intern",
        "consent_id": "intern",
        "grantor_kind": "intern",
        "grantee": "intern",
        "purpose": "intern",
        "categories": "intern",
        "valid_from": "intern",
        "valid_until": "intern",
        "collection_method": "intern",
    },
    activity="toestemming-beheren",
)
class ToestemmingGegeven(EventData):
    dossier_id: UUID
    consent_id: UUID
    grantor_kind: GrantorKind
    grantee: Oin
    purpose: str
    categories: list[Category]
    valid_from: date
    valid_until: date
    collection_method: CollectionMethod


@event(
    "nl.wegwijs.consent.toestemming.gewijzigd.v1",
    title="A consent was changed, with a reason kept in consent",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={
        "dossier_id": "intern",
        "consent_id": "intern",
        "fields": "intern",
        "categories": "intern",
        "valid_until": "intern",
    },
    activity="toestemming-beheren",
)
class ToestemmingGewijzigd(EventData):
    dossier_id: UUID
    consent_id: UUID
    fields: list[str]
    categories: list[Category] | SkipJsonSchema[None] = None
    valid_until: date | SkipJsonSchema[None] = None


@event(
    "nl.wegwijs.consent.toestemming.ingetrokken.v1",
    title="A consent was withdrawn",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "intern", "consent_id": "intern", "on": "intern"},
    activity="toestemming-beheren",
)
class ToestemmingIngetrokken(EventData):
    dossier_id: UUID
    consent_id: UUID
    on_: date = Field(alias="on")


@event(
    "nl.wegwijs.consent.toestemming.verlopen.v1",
    title="A consent's period ended",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "intern", "consent_id": "intern", "on": "intern"},
    activity="toestemming-beheren",
)
class ToestemmingVerlopen(EventData):
    dossier_id: UUID
    consent_id: UUID
    on_: date = Field(alias="on")


@event(
    "nl.wegwijs.consent.toestemmingen.geopend.v1",
    title="The consent records of a registered dossier were opened",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "intern"},
    activity="toestemming-beheren",
)
class ToestemmingenGeopend(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.consent.dossier.overgedragen.v1",
    title="The person moved and the new gemeente accepted: the consents, sharing decisions or"
    " relations consent keeps are the new gemeente's; filed under the old gemeente",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit", "part": "intern", "to_gemeente": "intern"},
    activity="verhuizing",
)
class DossierOvergedragen(EventData):
    dossier_id: UUID
    part: Literal["toestemmingen", "deelbesluiten", "relaties"]
    to_gemeente: GemeenteCode
