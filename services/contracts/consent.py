"""consent's published face: consent records and their receipts, sharing decisions, the sharing
protocol in force, partner organisations, their subscriptions and the events their feeds send.

The data categories come from the data-categories contract; the purposes and recipient kinds from
the sharing protocol the consent service loads (`WEGWIJS_SHARING_PROTOCOL_FILE`,
`infra/sharing-protocol.json` by default).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import (
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from services.contracts.base import Answer, Body, when
from services.contracts.categories import Categories
from services.contracts.values import Date, DossierId, Oin, PastDate, RegionGemeente

# The protocol file the consent service loads; this file is services/contracts/consent.py.
PROTOCOL_FILE = Path(
    os.environ.get("WEGWIJS_SHARING_PROTOCOL_FILE")
    or Path(__file__).resolve().parents[2] / "infra" / "sharing-protocol.json"
)
_PROTOCOL = json.loads(PROTOCOL_FILE.read_text(encoding="utf-8"))
_CATEGORIES = Categories.load()

# Who gave a consent: the person, or their legal representative.
GrantorKind = Literal["betrokkene", "wettelijk-vertegenwoordiger"]
# How a consent was asked for.
CollectionMethod = Literal["schriftelijk", "mondeling-met-tolk", "digitaal"]
# What a sharing decision rests on: the law, the person's consent, or nothing ever allows it.
Basis = Literal["wet", "toestemming", "nooit"]
# The services a partner's feed can follow (the origin of the events).
Channel = Literal["intake", "pip", "matching"]
CHANNELS: tuple[str, ...] = get_args(Channel)
ConsentStatus = Literal["gegeven", "ingetrokken", "verlopen"]
HistoryKind = Literal["gegeven", "gewijzigd", "ingetrokken", "verlopen"]

# Those of the sharing protocol and the data-categories contract.
Purpose = Literal[tuple(_PROTOCOL["purposes"])]  # type: ignore[valid-type]
RecipientKind = Literal[tuple(_PROTOCOL["recipient_kinds"])]  # type: ignore[valid-type]
Category = Literal[_CATEGORIES.names()]  # type: ignore[valid-type]
EventType = Literal[  # type: ignore[valid-type]
    tuple(sorted(t for t in _CATEGORIES.events if t.split(".")[2] in CHANNELS))
]


def _types_of(channel: str) -> list[str]:
    return [t for t in get_args(EventType) if t.split(".")[2] == channel]


Text = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]
CategoryList = Annotated[
    list[Category], Field(min_length=1, description="Data categories that can be shared.")
]


def _left_out_or(description: str) -> Any:
    """A field that may be left out, but not sent as null (the service refuses null)."""
    return Field(None, description=description, json_schema_extra=_no_default)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


# consent records ------------------------------------------------------------------------------
REPRESENTATIVE = "wettelijk-vertegenwoordiger"


class Grantor(Body):
    """Who gave the consent."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"kind": {"const": REPRESENTATIVE}}, "required": ["kind"]},
            "then": {
                "required": ["name"],
                "properties": {"name": {"type": "string", "pattern": r"\S"}},
            },
        }
    )

    kind: GrantorKind
    name: str | None = Field(
        None, description="Required for a legal representative.", validate_default=True
    )

    @field_validator("name")
    @classmethod
    def _named_representative(cls, name: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("kind") == REPRESENTATIVE and not (name or "").strip():
            raise PydanticCustomError("representative", "is required for a legal representative")
        return name


class Grantee(Body):
    """A registered partner organisation."""

    oin: Oin
    name: str | None = None


class ConsentCollection(Body):
    """How the consent was asked for, and in which language."""

    method: CollectionMethod
    language: Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"\S")]


class ConsentGiven(Body):
    """A consent as the person gave it: to whom, for which purpose and data categories, for
    which period, how it was asked for, and the evidence."""

    grantor: Grantor
    grantee: Grantee
    purpose: Purpose
    categories: CategoryList
    valid_from: Date = _left_out_or("Today when left out.")
    valid_until: Date = Field(description="At most 3 years after valid_from.")
    collection: ConsentCollection
    evidence: Annotated[
        str,
        StringConstraints(min_length=1, max_length=200, pattern=r"\S"),
        Field(description="Reference to the signed form, recording or message."),
    ]


CHANGEABLE = ("categories", "valid_until", "evidence")


class ConsentChange(Body):
    """What changes (at least one of categories, valid_until, evidence), and why."""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": [name]} for name in CHANGEABLE]}
    )

    categories: CategoryList = _left_out_or("The categories from now on.")
    valid_until: Date = _left_out_or("Not before valid_from.")
    evidence: Text = _left_out_or("Reference to the new evidence.")
    reason: Text = Field(description="Why it changes.")

    @model_validator(mode="after")
    def _changes_something(self) -> ConsentChange:
        if not self.model_fields_set & set(CHANGEABLE):
            raise PydanticCustomError(
                "nothing_to_change", "name categories, valid_until or evidence to change"
            )
        return self


class ConsentWithdrawal(Body):
    on: PastDate | None = Field(None, description="Today when left out; not in the future.")
    reason: str = Field("", description="The person need not give one.")


class RecordedGrantor(Answer):
    kind: GrantorKind
    name: str = Field(description="Empty for the person themselves.")


class RecordedGrantee(Answer):
    oin: str
    name: str


class RecordedCollection(Answer):
    method: CollectionMethod
    language: str


class ConsentStep(Answer):
    what: HistoryKind
    by: str
    fields: list[str] | None = Field(None, description="What a change changed.")
    reason: str | None = None


class ConsentRecord(Answer):
    """The consent as recorded, with its history."""

    id: UUID
    grantor: RecordedGrantor
    grantee: RecordedGrantee
    purpose: str
    categories: list[str]
    valid_from: Date
    valid_until: Date
    collection: RecordedCollection
    evidence: str
    status: ConsentStatus
    recorded_by: str
    withdrawn_on: Date | None = Field(description="null unless withdrawn.")
    history: list[ConsentStep]


class ConsentList(Answer):
    dossier_id: UUID
    consents: list[ConsentRecord]


class ReceiptController(Answer):
    name: str
    oin: str


class ReceiptPurpose(Answer):
    id: str
    label: str


class ReceiptCategory(Answer):
    id: str
    label: str


class ConsentReceipt(Answer):
    """The consent receipt (Kantara): what was agreed, with whom, until when, and how to
    withdraw."""

    receipt_version: str
    consent_id: UUID
    dossier_id: UUID
    controller: ReceiptController
    grantor: RecordedGrantor
    grantee: RecordedGrantee
    purpose: ReceiptPurpose
    categories: list[ReceiptCategory]
    valid_from: Date
    valid_until: Date
    collection: RecordedCollection
    evidence: str
    status: ConsentStatus
    withdrawn_on: Date | None
    history: list[ConsentStep]
    withdrawal: str = Field(description="How to withdraw, in Dutch.")


# sharing decisions and the protocol -----------------------------------------------------------
class SharingQuestion(Body):
    """May this organisation receive these categories about the dossier for the purpose on the
    day?"""

    dossier_id: DossierId
    organisation: Oin
    purpose: Purpose
    categories: CategoryList
    on: Date | None = Field(None, description="Today when left out.")


class SharingDecision(Answer):
    category: str
    permit: bool
    basis: Basis
    rule: str = Field(description="The protocol rule's id.")
    article: str
    consent_id: str = Field(description="The consent that permits it; empty when none does.")
    reason: str


class SharingDecisions(Answer):
    """One decision per category asked, each naming the rule or the consent that gave it."""

    dossier_id: UUID
    organisation: str
    purpose: str
    on: Date
    protocol_version: str
    decisions: list[SharingDecision]


class ProtocolRule(Answer):
    id: str
    category: str
    recipient: str = Field(description="A recipient kind, or * for any.")
    purpose: str = Field(description="A purpose, or * for any.")
    basis: Basis
    article: str
    gemeente: str = Field(description="Empty for a rule of the region.")


class ProtocolPool(Answer):
    article: str
    gemeenten: dict[str, list[str]] = Field(
        description="Per gemeente, the other gemeenten its guides and placements may come from."
    )


class ProtocolRelation(Answer):
    required_for: list[str] = Field(
        description="Recipient kinds that hear only of the people they guide or have a proposal"
        " for."
    )
    article: str


class SignalRule(Answer):
    id: str
    category: str
    sender: str = Field(description="The sender's role, or * for any.")
    purpose: str = Field(description="The purpose a consent must name (basis toestemming).")
    basis: Basis
    article: str


class ProtocolSignals(Answer):
    note: str
    rules: list[SignalRule] = Field(
        description="What a signal to the gemeente about a special category needs first."
    )


class AdoptedVersion(Answer):
    version: str
    digest: str


class SharingProtocol(Answer):
    """The information-sharing protocol in force, and the versions adopted."""

    version: str
    digest: str
    recipient_kinds: dict[str, str]
    purposes: dict[str, str]
    region: list[ProtocolRule]
    gemeenten: dict[str, list[ProtocolRule]] = Field(description="A gemeente's own rules.")
    pool: ProtocolPool
    never: list[ProtocolRule] = Field(description="Categories no one ever receives.")
    relation: ProtocolRelation
    signals: ProtocolSignals | None = None
    adopted: list[AdoptedVersion]


# partner organisations and their feeds --------------------------------------------------------
class PartnerRegistration(Body):
    """A partner organisation: its OIN, name, kind and the gemeenten it works for."""

    oin: Oin
    name: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]
    kind: RecipientKind
    gemeenten: list[RegionGemeente] = Field(min_length=1, description="Gemeenten of this region.")


class Partner(Answer):
    oin: str
    name: str
    kind: str
    gemeenten: list[str]


class PartnerList(Answer):
    """The partner organisations that work for a gemeente the caller acts for, by name."""

    partners: list[Partner]


class SubscriptionRequest(Body):
    """A channel, the event types and gemeenten wanted of it, and the purpose they are
    received for."""

    # The types of each channel are its own.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                when(
                    "channel",
                    channel,
                    {"properties": {"types": {"items": {"enum": _types_of(channel)}}}},
                )
                for channel in CHANNELS
            ]
        }
    )

    channel: Channel
    types: list[EventType] = Field([], description="Event types of the channel; none: all of them.")
    gemeenten: list[RegionGemeente] = Field(
        min_length=1, description="Gemeenten the partner works for."
    )
    purpose: Purpose


class Subscription(Answer):
    id: UUID
    partner: str
    channel: Channel
    types: list[str]
    gemeenten: list[str]
    purpose: str


class EndedSubscription(Subscription):
    """A subscription that ended: no event reaches the partner through it any more."""

    ended: Literal[True]


class PartnerSubscriptions(Answer):
    """A partner organisation and its subscriptions (those of the gemeenten the caller acts
    for)."""

    partner: Partner
    subscriptions: list[Subscription]


class PartnerEvent(Answer):
    """An event a partner's feed sent, with only what may be shared with it now."""

    id: str
    type: str
    time: datetime
    subject: UUID = Field(description="The dossier's pseudonymous id.")
    gemeente: str
    categories: list[str] = Field(description="The categories it may have now.")
    data: dict[str, Any]
