"""The two CloudEvents envelopes (1.0, NL GOV profile, structured JSON mode), each declared once:

- `CloudEvent`: the attributes every integration event of the chain carries
  (contracts/events/cloudevent.v1.json); every event's schema is this envelope with its own
  `type`, `origin` and `data` (documents.py).
- `PartnerCloudEvent`: what a partner organisation receives on its feed
  (contracts/partner/cloudevent.v1.json).

Both are strict and closed, like `base.Body`: an attribute the envelope does not name is refused,
and an optional attribute may be left out but is never null. The published schemas are made from
these models by `wegwijs contracts` (`documents.envelope_schemas`). Validate the JSON text
(`model_validate_json`): strict, a UUID or a time is a string only in JSON."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import AnyUrl, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints
from pydantic.json_schema import WithJsonSchema

from services.contracts.base import omittable

DIALECT = "https://json-schema.org/draft/2020-12/schema"
CHAIN = "urn:wegwijs:contracts:events:"
PARTNER = "urn:wegwijs:contracts:partner:"
CLOUDEVENT_ID = CHAIN + "cloudevent.v1"
PARTNER_CLOUDEVENT_ID = PARTNER + "cloudevent.v1"

SpecVersion = Literal["1.0"]
SPECVERSION: str = get_args(SpecVersion)[0]
# The content type of `data` (the event itself travels as application/cloudevents+json).
DataContentType = Literal["application/json"]
DATACONTENTTYPE: str = get_args(DataContentType)[0]
# The processes an integration event can come from: its `origin`, the first part of its
# routing key.
Origin = Literal["intake", "pip", "matching", "consent", "audit", "gateway"]
ORIGINS: tuple[str, ...] = get_args(Origin)

TYPE_PATTERN = r"^nl\.wegwijs\.[a-z]+(\.[a-z-]+)+\.v[0-9]+$"
SOURCE_PATTERN = r"^urn:nld:oin:[0-9]{20}:systeem:wegwijs-[a-z]+$"
PARTNER_SOURCE_PATTERN = r"^urn:nld:oin:[0-9]{20}:systeem:wegwijs-consent$"
SEQUENCE_PATTERN = r"^[0-9]{20}$"
ORGANISATION_PATTERN = r"^([0-9]{20})?$"
GEMEENTE_PATTERN = r"^[0-9]{4}$"
CORRELATIONID_PATTERN = r"^[0-9a-f]{32}$"
TRACEPARENT_PATTERN = r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"
PAYLOADHASH_PATTERN = r"^sha256:[0-9a-f]{64}$"

EventTypeName = Annotated[str, StringConstraints(pattern=TYPE_PATTERN)]
# Any JSON object; what it holds is the event type's schema's to say.
Data = dict[str, Any]
# A URI, written as the published schema has it (pydantic's own adds a `minLength`).
Uri = Annotated[AnyUrl, WithJsonSchema({"type": "string", "format": "uri"})]


def _config(title: str, schema_id: str, description: str) -> ConfigDict:
    return ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        title=title,
        json_schema_extra={"$schema": DIALECT, "$id": schema_id, "description": description},
    )


class CloudEvent(BaseModel):
    """The envelope of every integration event of the chain."""

    model_config = _config(
        "Wegwijs integration event (CloudEvents 1.0, NL GOV profile, structured JSON mode)",
        CLOUDEVENT_ID,
        "Attributes every Wegwijs integration event carries. No personal data in the "
        "attributes: the subject is the dossier's pseudonymous id; actor is an employee's "
        "user id.",
    )

    specversion: SpecVersion
    type: EventTypeName
    source: str = Field(pattern=SOURCE_PATTERN)
    id: UUID
    time: AwareDatetime
    subject: UUID = omittable(
        "The dossier's pseudonymous id (never a BSN), or for an event about the register the "
        "aggregate's id. Every event type requires it except a command the API answered before "
        "a dossier existed."
    )
    datacontenttype: DataContentType
    sequence: str = Field(
        pattern=SEQUENCE_PATTERN,
        description="Position in the origin's notification log, zero-padded so it orders as a "
        "string.",
    )
    origin: Origin
    actor: str = Field(min_length=1)
    actorroles: str
    organisation: str = Field(pattern=ORGANISATION_PATTERN)
    gemeente: Annotated[str, StringConstraints(pattern=GEMEENTE_PATTERN)] = omittable()
    activity: str = Field(
        min_length=1, description="Processing activity id (register of processing activities)."
    )
    legalbasis: str = omittable()
    correlationid: str = Field(
        pattern=CORRELATIONID_PATTERN,
        description="W3C trace id of the action that caused the event.",
    )
    traceparent: str = Field(pattern=TRACEPARENT_PATTERN)
    payloadhash: str = Field(
        pattern=PAYLOADHASH_PATTERN,
        description="Hash of the stored domain event, kept in the audit ledger.",
    )
    data: Data


class PartnerCloudEvent(BaseModel):
    """The envelope of every event of a partner feed."""

    model_config = _config(
        "An event of a partner feed (CloudEvents 1.0, NL GOV profile, structured JSON mode)",
        PARTNER_CLOUDEVENT_ID,
        "What a partner organisation receives on its own queue. `type` is the type of the "
        "integration event in contracts/events (or the feed's own withdrawal type); `data` "
        "holds only the fields the sharing decision permitted, so fields the type's schema "
        "requires may be missing. No personal data in the attributes: `subject` is the "
        "dossier's pseudonymous id. Deliveries are at least once: deduplicate by `id`.",
    )

    specversion: SpecVersion
    type: EventTypeName
    source: str = Field(pattern=PARTNER_SOURCE_PATTERN)
    id: UUID
    time: AwareDatetime
    subject: UUID = Field(description="The dossier's pseudonymous id; never a BSN.")
    datacontenttype: DataContentType
    dataref: Uri = omittable("Fetch the event again (partner token); decided again at fetch time.")
    data: Data
