"""Sharing decisions: may organisation O receive category C about dossier D for purpose P on day
T? The protocol's rule decides, and where it asks for consent, a consent record in force does.
Every answer names what decided it, and each batch of answers is an event of the dossier's
`DisclosureLog`, so it reaches the audit ledger. No I/O."""

from __future__ import annotations

import copy
import uuid
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate
from services.consent.partners import Partner
from services.consent.protocol import Protocol
from services.consent.records import DossierConsents
from services.contracts.categories import NEVER_SHARED

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


def signal_basis(
    protocol: Protocol,
    consents: DossierConsents | None,
    gemeente_oin: str,
    category: str,
    sender_role: str,
    day: date,
) -> Decision | None:
    """What lets the gemeente accept a signal of `category` from a sender of `sender_role` on
    `day` (a special category, AVG art. 9): the protocol's signal rule, and for `toestemming` a
    consent in force that day, to the gemeente itself (its OIN), for the rule's purpose, covering
    the category (`consents` None: none recorded yet). None when the protocol asks nothing
    extra for the category."""
    rule = protocol.signal_rule_for(category, sender_role)
    if rule is None:
        return None
    if rule.basis == "wet":
        return Decision(category, True, "wet", rule.id, rule.article)
    if rule.basis == "nooit":
        return Decision(
            category,
            False,
            "nooit",
            rule.id,
            rule.article,
            reason="het protocol staat dit niet toe",
        )
    consent = (
        consents.covering(gemeente_oin, rule.purpose, category, day)
        if consents is not None
        else None
    )
    if consent is None:
        return Decision(
            category,
            False,
            "toestemming",
            rule.id,
            rule.article,
            reason=f"geen toestemming aan de gemeente voor {rule.purpose} die {category} dekt",
        )
    return Decision(category, True, "toestemming", rule.id, rule.article, consent_id=consent["id"])


def without_relation(protocol: Protocol, category: str) -> Decision:
    """The answer for a partner of a kind that hears only of the people it works with, about a
    person it neither guides nor has a proposal for."""
    return Decision(
        category,
        False,
        "nooit",
        "relatie-vereist",
        protocol.relation_article,
        reason="de organisatie begeleidt de persoon niet en heeft geen voorstel voor de persoon",
    )


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
        # What each partner was sent, by "<partner OIN>:<event id>": fetched again by dataref.
        self.deliveries: dict[str, dict[str, Any]] = {}

    @event("HandedOver")
    def hand_over(self, to_gemeente: str) -> None:
        """The person moved and the new gemeente accepted: the sharing decisions are theirs now."""
        self.gemeente = to_gemeente

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
        delivery: dict[str, Any] | None = None,
    ) -> None:
        """`trigger`: what asked (a person's request, a feed sending an event, a partner
        fetching one); `delivery`: what a feed is to send, when the decision lets it."""
        self.decided += len(decisions)
        if delivery is not None:
            self.deliveries[f"{recipient}:{delivery['event_id']}"] = {
                **copy.deepcopy(delivery),
                "recipient": recipient,
                "purpose": purpose,
            }

    @event("Withheld")
    def withhold(self, recipient: str, event_id: str, reason: str) -> None:
        """A delivery decided earlier was not sent: the decision no longer held when sending."""
        self.deliveries.get(f"{recipient}:{event_id}", {})["withheld"] = reason

    def delivery(self, recipient: str, event_id: str) -> dict[str, Any] | None:
        return self.deliveries.get(f"{recipient}:{event_id}")


def disclosure_log_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, str(dossier_id))
