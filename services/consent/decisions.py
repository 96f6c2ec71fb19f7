"""Sharing decisions: may organisation O receive category C about dossier D for purpose P on day
T? The protocol's rule decides, and where it asks for consent, a consent record in force does.
Every answer names what decided it, and each batch of answers is an event of the dossier's
`DisclosureLog`, so it reaches the audit ledger. No I/O."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate
from services.consent.categories import NEVER_SHARED
from services.consent.partners import Partner
from services.consent.protocol import Protocol
from services.consent.records import DossierConsents

_NAMESPACE = uuid.UUID("6e2b9a71-0c4d-4f8e-b3a5-d17c2e9f4b08")


@dataclass(frozen=True)
class Decision:
    category: str
    permit: bool
    basis: str  # wet, toestemming, nooit
    rule: str  # the protocol rule's id
    article: str
    consent_id: str = ""
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def decide(
    protocol: Protocol,
    consents: DossierConsents,
    partner: Partner,
    category: str,
    purpose: str,
    day: date,
) -> Decision:
    """One answer, naming the rule or the consent that gave it."""
    if category == NEVER_SHARED:
        return Decision(
            category, False, "nooit", "intern", "", reason="verantwoording blijft intern"
        )
    if not partner.works_for(consents.gemeente):
        return Decision(
            category,
            False,
            "nooit",
            "gemeenten-partner",
            "",
            reason="partner werkt niet voor deze gemeente",
        )
    rule = protocol.rule_for(consents.gemeente, category, partner.kind, purpose)
    if rule.basis == "wet":
        return Decision(category, True, "wet", rule.id, rule.article)
    if rule.basis == "nooit":
        return Decision(category, False, "nooit", rule.id, rule.article)
    consent = consents.covering(partner.oin, purpose, category, day)
    if consent is None:
        return Decision(
            category,
            False,
            "toestemming",
            rule.id,
            rule.article,
            reason="geen toestemming die dit dekt",
        )
    return Decision(category, True, "toestemming", rule.id, rule.article, consent_id=consent["id"])


class DisclosureLog(ChainAggregate):
    """The sharing decisions about one dossier."""

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return disclosure_log_id(dossier_id)

    @event("Opened")
    def __init__(self, dossier_id: uuid.UUID, gemeente: str):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.decided = 0

    @event("Decided")
    def record(
        self,
        recipient: str,
        recipient_kind: str,
        purpose: str,
        day: date,
        protocol_version: str,
        decisions: list[dict[str, Any]],
        trigger: str,
    ) -> None:
        """`trigger`: what asked (a person's request, or the event a feed was sending)."""
        self.decided += len(decisions)


def disclosure_log_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, str(dossier_id))
