"""Integration events: stored domain events translated into CloudEvents (NL GOV profile).

A service declares, as data, which integration event each of its domain event classes becomes and
which fields leave the service (`Publication`). Nothing else is published: the relay refuses a
domain event class without a publication, and a test checks every class has one.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kombu.serialization import register

from services.common import settings
from services.common.context import Actor, CommandContext
from services.contracts.events.envelope import DATACONTENTTYPE, SPECVERSION

CONTENT_TYPE = "application/cloudevents+json"
SERIALIZER = "cloudevents"
_EVENT_ID_NAMESPACE = uuid.UUID("0f6f3c1e-7c55-4d1e-9a39-6b0c7f0d3a10")


def _dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True)


register(SERIALIZER, _dumps, json.loads, content_type=CONTENT_TYPE, content_encoding="utf-8")


@dataclass(frozen=True)
class Publication:
    """How one domain event class is published: its type, subject, gemeente and public data."""

    type: str
    subject: Callable[[Any], str]
    gemeente: Callable[[Any], str | None]
    data: Callable[[Any], dict[str, Any]]
    # When the processing happened, where that is not when its event was stored (ISO 8601).
    time: Callable[[Any], str] | None = None


def about_dossier(
    event_type: str, data: Callable[[Any], dict[str, Any]] | None = None
) -> Publication:
    """The publication of an event of an aggregate about one dossier: which dossier, which
    gemeente (from the event's recorded subject), and no more than `data`."""
    return Publication(
        type=event_type,
        subject=lambda e: e.context["subject"]["dossier_id"],
        gemeente=lambda e: e.context["subject"]["gemeente"],
        data=lambda e: {
            "dossier_id": e.context["subject"]["dossier_id"],
            **(data(e) if data else {}),
        },
    )


def dossier_opened(event_type: str) -> Publication:
    """The publication of the first event of an aggregate about one dossier (which carries
    `dossier_id` and `gemeente` itself): which dossier, and no more."""
    return Publication(
        type=event_type,
        subject=lambda e: str(e.dossier_id),
        gemeente=lambda e: e.gemeente,
        data=lambda e: {"dossier_id": str(e.dossier_id)},
    )


class UnpublishedEvent(LookupError):
    """A stored domain event has no publication: it would silently miss the ledger."""


def source_of(service: str) -> str:
    return f"urn:nld:oin:{settings.SYSTEM_OIN.get()}:systeem:wegwijs-{service}"


def event_id(service: str, position: int) -> str:
    """The id of the integration event of what `service` stored at `position`."""
    return str(uuid.uuid5(_EVENT_ID_NAMESPACE, f"{service}:{position}"))


def sequence_string(position: int) -> str:
    """CloudEvents `sequence` compares as a string, so positions are zero-padded."""
    return f"{position:020d}"


def to_cloudevent(
    service: str,
    publications: Mapping[type, Publication],
    position: int,
    domain_event: Any,
    stored_state: bytes,
) -> dict[str, Any]:
    """The CloudEvent for the domain event stored at `position` of `service`'s notification log."""
    try:
        publication = publications[type(domain_event)]
    except KeyError:
        raise UnpublishedEvent(f"{type(domain_event).__qualname__} has no publication") from None
    context = domain_event.context
    actor = context["actor"]
    trace_id = context["correlation_id"]
    span_id = hashlib.sha256(f"{service}:{position}".encode()).hexdigest()[:16]
    event = {
        "specversion": SPECVERSION,
        "type": publication.type,
        "source": source_of(service),
        "id": event_id(service, position),
        "time": publication.time(domain_event)
        if publication.time
        else domain_event.timestamp.isoformat(),
        "datacontenttype": DATACONTENTTYPE,
        "sequence": sequence_string(position),
        "origin": service,
        "actor": actor["user_id"],
        "actorroles": ",".join(actor["roles"]),
        "organisation": actor["organisation"],
        "activity": context["activity"],
        "correlationid": trace_id,
        "traceparent": f"00-{trace_id}-{span_id}-01",
        "payloadhash": "sha256:" + hashlib.sha256(stored_state).hexdigest(),
        "data": publication.data(domain_event),
    }
    subject = publication.subject(domain_event)
    if subject:
        event["subject"] = subject
    gemeente = publication.gemeente(domain_event)
    if gemeente:
        event["gemeente"] = gemeente
    if context.get("legal_basis"):
        event["legalbasis"] = context["legal_basis"]
    return event


def position_of(event: Mapping[str, Any]) -> int:
    return int(event["sequence"])


def routing_key(event: Mapping[str, Any]) -> str:
    """`<origin>.<type>`: consumers bind to `<origin>.#`, or to the types they take."""
    return f"{event['origin']}.{event['type']}"


# The AMQP header of an event that a consumer taking only some types takes: per such consumer,
# the position of the previous event of the origin it takes (`outbox.Previous`).
PREVIOUS_HEADER = "wegwijs-previous"


def is_position(value: Any) -> bool:
    """Whether `value`, read from a header or a JSON column, is a position in a log."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def context_of_event(event: Mapping[str, Any]) -> CommandContext:
    """The context of the command that caused `event`, as far as the event carries it."""
    actor = Actor(
        user_id=event["actor"],
        display_name="",
        roles=tuple(r for r in event.get("actorroles", "").split(",") if r),
        organisation=event.get("organisation", ""),
        gemeenten=(event["gemeente"],) if event.get("gemeente") else (),
    )
    return CommandContext(
        actor=actor,
        activity=event["activity"],
        correlation_id=event["correlationid"],
        legal_basis=event.get("legalbasis", ""),
    )
