"""Partner feeds: subscriptions (as in the VNG Notificaties API: a channel with filters), and the
CloudEvent a partner receives, holding only what the decision permits.

A subscription names a partner, a channel (the origin service: `intake`, `pip`), the event types
and gemeenten it wants, and the purpose it receives them for. The feed itself is decided in
`Consent.policy` (a `DisclosureLog.Decided` event with a delivery) and sent by `PartnerFeedRelay`
(`relay.py`), which checks again just before sending. No I/O here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any, get_args

from eventsourcing.domain import event

from services.common import settings
from services.common.aggregate import ChainAggregate
from services.common.envelope import source_of
from services.common.errors import Conflict, InvalidInput, NotFound, field_error
from services.common.fields import validated
from services.contracts.consent import Channel, SubscriptionRequest
from services.contracts.events.envelope import DATACONTENTTYPE, SPECVERSION

CHANNELS = get_args(Channel)
SUBSCRIPTIONS_ID = uuid.uuid5(uuid.UUID("2f8e6c1a-4d3b-4e9f-a7c2-5b1d0e8f9a36"), "subscriptions")
_DELIVERY_NAMESPACE = uuid.UUID("8a4d2c6e-1f3b-4a7d-9e5c-0b2f6a8d4c13")
WITHDRAWAL_TYPE = "nl.wegwijs.partnerfeed.toestemming-beeindigd.v1"


def parse_subscription(
    data: Any,
    partner_gemeenten: Iterable[str],
    purposes: Iterable[str],
    known_types: Iterable[str],
    region: Iterable[str] = (),
) -> dict[str, Any]:
    """A subscription as asked, its shape checked by the contract (SubscriptionRequest); then
    the types of its channel, the purposes of the protocol in force, and the gemeenten: one of
    the region the partner is not registered for contradicts its registration (409), one outside
    the region is no gemeente to ask for."""
    asked = validated(SubscriptionRequest, data)
    errors = []
    of_channel = {t for t in known_types if t.startswith(f"nl.wegwijs.{asked.channel}.")}
    if not set(asked.types) <= of_channel:
        errors.append(
            field_error("types", "must be event types of the channel (empty: all of them)")
        )
    serves = sorted(partner_gemeenten)
    if not set(asked.gemeenten) <= set(region) | set(serves):
        errors.append(field_error("gemeenten", f"must be a non-empty list of: {', '.join(serves)}"))
    if asked.purpose not in set(purposes):
        errors.append(field_error("purpose", f"must be one of: {', '.join(purposes)}"))
    if errors:
        raise InvalidInput(errors)
    if not set(asked.gemeenten) <= set(serves):  # well formed, the partner is registered elsewhere
        raise Conflict(
            f"gemeenten: the partner works for {', '.join(serves) or 'no gemeente'} only;"
            " change its registration first"
        )
    return {
        "channel": asked.channel,
        "types": sorted(set(asked.types)),
        "gemeenten": sorted(set(asked.gemeenten)),
        "purpose": asked.purpose,
    }


class Subscriptions(ChainAggregate):
    """Every partner's subscriptions: few enough to hold in one aggregate, read per event."""

    @staticmethod
    def create_id() -> uuid.UUID:
        return SUBSCRIPTIONS_ID

    @event("Opened")
    def __init__(self) -> None:
        self.active: dict[str, dict[str, Any]] = {}
        self.ended: dict[str, dict[str, Any]] = {}

    @event("Subscribed")
    def subscribe(self, subscription_id: str, partner: str, subscription: dict[str, Any]) -> None:
        self.active[subscription_id] = {"id": subscription_id, "partner": partner, **subscription}

    def find(self, subscription_id: str) -> dict[str, Any] | None:
        """A subscription, running or ended; None when there never was one."""
        return self.active.get(subscription_id) or self.ended.get(subscription_id)

    def end(self, subscription_id: str) -> dict[str, Any]:
        """End a subscription; one that ended already stays as it is."""
        if subscription_id in self.ended:
            return self.ended[subscription_id]
        if subscription_id not in self.active:
            raise NotFound("no such subscription")
        self._ended(subscription_id=subscription_id)
        return self.ended[subscription_id]

    @event("Ended")
    def _ended(self, subscription_id: str) -> None:
        self.ended[subscription_id] = self.active.pop(subscription_id)

    def matching(self, origin: str, event_type: str, gemeente: str) -> list[dict[str, Any]]:
        return [
            s
            for s in self.active.values()
            if s["channel"] == origin
            and (not s["types"] or event_type in s["types"])
            and gemeente in s["gemeenten"]
        ]

    def of_partner(self, partner: str) -> list[dict[str, Any]]:
        return [s for s in self.active.values() if s["partner"] == partner]


def delivery_id(partner: str, event_id: str) -> str:
    return str(uuid.uuid5(_DELIVERY_NAMESPACE, f"{partner}:{event_id}"))


def dataref(dossier_id: str, event_id: str) -> str:
    return f"{settings.public_url()}/api/v1/partner/dossiers/{dossier_id}/events/{event_id}"


def partner_cloudevent(partner: str, delivery: Mapping[str, Any], data: Mapping[str, Any]) -> dict:
    """The CloudEvent (NL GOV profile) a partner receives: the original type and time, the
    dossier's pseudonymous id, only the permitted data, and where to fetch it again."""
    return {
        "specversion": SPECVERSION,
        "type": delivery["type"],
        "source": source_of("consent"),
        "id": delivery_id(partner, delivery["event_id"]),
        "time": delivery["time"],
        "subject": delivery["subject"],
        "datacontenttype": DATACONTENTTYPE,
        "dataref": dataref(delivery["subject"], delivery["event_id"]),
        "data": dict(data),
    }


def withdrawal_cloudevent(
    partner: str,
    dossier_id: str,
    consent_id: str,
    categories: list[str],
    on: str,
    reason: str,
    occasion: str = "",
) -> dict:
    """Tells a partner that a consent ended or was narrowed (`reason`: ingetrokken, verlopen,
    ingeperkt): it deletes what it received under it of `categories`. `occasion` tells one
    notice of a consent from another (its id); the reason by default."""
    return {
        "specversion": SPECVERSION,
        "type": WITHDRAWAL_TYPE,
        "source": source_of("consent"),
        "id": delivery_id(partner, f"{consent_id}:{occasion or reason}"),
        "time": f"{on}T00:00:00+00:00",
        "subject": dossier_id,
        "datacontenttype": DATACONTENTTYPE,
        "data": {
            "consent_id": consent_id,
            "categories": categories,
            "on": on,
            "reason": reason,
            "instruction": "verwijderen",
        },
    }
