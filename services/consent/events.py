"""The integration events consent publishes (contracts/events/ holds their JSON Schemas).

Which organisation may receive what, and why, leaves consent; the grantor's name and the evidence
stay in it."""

from __future__ import annotations

from typing import Any

from services.common.envelope import Publication, about_dossier, dossier_opened
from services.common.topics import keep_topics
from services.consent.decisions import DisclosureLog
from services.consent.feeds import SUBSCRIPTIONS_ID, Subscriptions
from services.consent.partners import Partner
from services.consent.protocol import PROTOCOL_ID, ProtocolRegister
from services.consent.records import DossierConsents
from services.consent.relations import Relations

CONSENTS_OPENED = "nl.wegwijs.consent.toestemmingen.geopend.v1"
CONSENT_GIVEN = "nl.wegwijs.consent.toestemming.gegeven.v1"
CONSENT_CHANGED = "nl.wegwijs.consent.toestemming.gewijzigd.v1"
CONSENT_WITHDRAWN = "nl.wegwijs.consent.toestemming.ingetrokken.v1"
CONSENT_EXPIRED = "nl.wegwijs.consent.toestemming.verlopen.v1"
PROTOCOL_OPENED = "nl.wegwijs.consent.protocol.geopend.v1"
PROTOCOL_ADOPTED = "nl.wegwijs.consent.protocol.vastgesteld.v1"
PARTNER_REGISTERED = "nl.wegwijs.consent.partner.geregistreerd.v1"
PARTNER_CHANGED = "nl.wegwijs.consent.partner.gewijzigd.v1"
DISCLOSURES_OPENED = "nl.wegwijs.consent.deelbesluiten.geopend.v1"
DECIDED = "nl.wegwijs.consent.deelbesluit.genomen.v1"
WITHHELD = "nl.wegwijs.consent.levering.tegengehouden.v1"
SUBSCRIPTIONS_OPENED = "nl.wegwijs.consent.abonnementen.geopend.v1"
SUBSCRIBED = "nl.wegwijs.consent.abonnement.aangemaakt.v1"
SUBSCRIPTION_ENDED = "nl.wegwijs.consent.abonnement.beeindigd.v1"
RELATIONS_OPENED = "nl.wegwijs.consent.relaties.geopend.v1"
RELATION_BEGAN = "nl.wegwijs.consent.relatie.begonnen.v1"
RELATION_ENDED = "nl.wegwijs.consent.relatie.beeindigd.v1"
HANDED_OVER = "nl.wegwijs.consent.dossier.overgedragen.v1"


def _handed_over(part: str) -> Publication:
    """A part consent keeps of the dossier went with a move to the new gemeente: filed under
    the old gemeente, whose history it closes."""
    return about_dossier(HANDED_OVER, lambda e: {"part": part, "to_gemeente": e.to_gemeente})


def _given(e: Any) -> dict[str, Any]:
    consent = e.consent
    return {
        "consent_id": e.consent_id,
        "grantor_kind": consent["grantor"]["kind"],
        "grantee": consent["grantee"]["oin"],
        "purpose": consent["purpose"],
        "categories": consent["categories"],
        "valid_from": consent["valid_from"].isoformat(),
        "valid_until": consent["valid_until"].isoformat(),
        "collection_method": consent["collection"]["method"],
    }


def _changed(e: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"consent_id": e.consent_id, "fields": sorted(e.changes)}
    if "categories" in e.changes:
        data["categories"] = e.changes["categories"]
    if "valid_until" in e.changes:
        data["valid_until"] = e.changes["valid_until"].isoformat()
    return data


def _about(register: Any, event_type: str, data: Any) -> Publication:
    """An event of a register of the region (the protocol, the subscriptions): its subject is
    the register's id, and no gemeente."""
    return Publication(
        type=event_type, subject=lambda e: str(register), gemeente=lambda e: None, data=data
    )


def _about_partner(event_type: str) -> Publication:
    """A partner organisation's own data (not personal): subject is the partner's id."""
    return Publication(
        type=event_type,
        subject=lambda e: str(e.originator_id),
        gemeente=lambda e: None,
        data=lambda e: {
            **({"oin": e.oin} if hasattr(e, "oin") else {}),
            "name": e.name,
            "kind": e.kind,
            "gemeenten": list(e.gemeenten),
        },
    )


PUBLICATIONS = {
    DossierConsents.Opened: dossier_opened(CONSENTS_OPENED),
    DossierConsents.HandedOver: _handed_over("toestemmingen"),
    DisclosureLog.HandedOver: _handed_over("deelbesluiten"),
    Relations.HandedOver: _handed_over("relaties"),
    DossierConsents.ConsentGiven: about_dossier(CONSENT_GIVEN, _given),
    DossierConsents.ConsentChanged: about_dossier(CONSENT_CHANGED, _changed),
    DossierConsents.ConsentWithdrawn: about_dossier(
        CONSENT_WITHDRAWN, lambda e: {"consent_id": e.consent_id, "on": e.on.isoformat()}
    ),
    DossierConsents.ConsentExpired: about_dossier(
        CONSENT_EXPIRED, lambda e: {"consent_id": e.consent_id, "on": e.on.isoformat()}
    ),
    ProtocolRegister.Opened: _about(PROTOCOL_ID, PROTOCOL_OPENED, lambda e: {}),
    ProtocolRegister.Adopted: _about(
        PROTOCOL_ID,
        PROTOCOL_ADOPTED,
        lambda e: {
            "version": e.version,
            "digest": e.digest,
            "rules": len(e.protocol["region"])
            + sum(len(r) for r in e.protocol["gemeenten"].values()),
        },
    ),
    Partner.Registered: _about_partner(PARTNER_REGISTERED),
    Partner.Changed: _about_partner(PARTNER_CHANGED),
    DisclosureLog.Opened: dossier_opened(DISCLOSURES_OPENED),
    DisclosureLog.Decided: about_dossier(
        DECIDED,
        lambda e: {
            "recipient": e.recipient,
            "recipient_kind": e.recipient_kind,
            "purpose": e.purpose,
            "on": e.day.isoformat(),
            "protocol_version": e.protocol_version,
            "trigger": e.trigger,
            "decisions": e.decisions,
            "delivered": getattr(e, "delivery", None) is not None,
        },
    ),
    DisclosureLog.Withheld: about_dossier(
        WITHHELD,
        lambda e: {"recipient": e.recipient, "event_id": e.event_id, "reason": e.reason},
    ),
    Subscriptions.Opened: _about(SUBSCRIPTIONS_ID, SUBSCRIPTIONS_OPENED, lambda e: {}),
    Subscriptions.Subscribed: _about(
        SUBSCRIPTIONS_ID,
        SUBSCRIBED,
        lambda e: {"subscription_id": e.subscription_id, "partner": e.partner, **e.subscription},
    ),
    Subscriptions.Ended: _about(
        SUBSCRIPTIONS_ID, SUBSCRIPTION_ENDED, lambda e: {"subscription_id": e.subscription_id}
    ),
    Relations.Opened: dossier_opened(RELATIONS_OPENED),
    Relations.Began: about_dossier(
        RELATION_BEGAN, lambda e: {"proposal_id": e.proposal_id, "organisation": e.organisation}
    ),
    Relations.Ended: about_dossier(
        RELATION_ENDED,
        lambda e: {
            "proposal_id": e.proposal_id,
            "organisation": e.organisation,
            "reason": e.reason,
        },
    ),
}

# The topic of each aggregate class consent's stored events carry, and the class it means now: a
# moved class keeps its old topic here (services/common/topics.py).
STORED_TOPICS = {
    "services.consent.decisions:DisclosureLog": DisclosureLog,
    "services.consent.feeds:Subscriptions": Subscriptions,
    "services.consent.partners:Partner": Partner,
    "services.consent.protocol:ProtocolRegister": ProtocolRegister,
    "services.consent.records:DossierConsents": DossierConsents,
    "services.consent.relations:Relations": Relations,
}
keep_topics(STORED_TOPICS)
