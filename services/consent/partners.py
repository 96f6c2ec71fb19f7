"""Partner organisations that receive data through Wegwijs: their OIN, name, kind (a recipient
kind of the protocol) and the gemeenten they work for. No I/O."""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate
from services.common.errors import InvalidInput, field_error
from services.common.fields import validated
from services.contracts.consent import PartnerRegistration

_NAMESPACE = uuid.UUID("0d7c4e2a-9b1f-4a83-8c65-3e2f1a0b9d47")


def parse_partner(data: Any, kinds: tuple[str, ...], gemeenten: tuple[str, ...]) -> dict[str, Any]:
    """A partner as registered: its shape checked by its contract (PartnerRegistration), then
    the kinds of the protocol in force and the gemeenten of this region."""
    partner = validated(PartnerRegistration, data)
    errors = []
    if partner.kind not in kinds:
        errors.append(field_error("kind", f"must be one of: {', '.join(kinds)}"))
    if not set(partner.gemeenten) <= set(gemeenten):
        errors.append(
            field_error("gemeenten", f"must be a non-empty list of: {', '.join(gemeenten)}")
        )
    if errors:
        raise InvalidInput(errors)
    return {
        "oin": partner.oin,
        "name": partner.name.strip(),
        "kind": partner.kind,
        "gemeenten": sorted(set(partner.gemeenten)),
    }


class Partner(ChainAggregate):
    """A partner organisation; its id follows from its OIN."""

    @staticmethod
    def create_id(oin: str) -> uuid.UUID:
        return partner_id(oin)

    @event("Registered")
    def __init__(self, oin: str, name: str, kind: str, gemeenten: list[str]):
        self.oin = oin
        self.name = name
        self.kind = kind
        self.gemeenten = list(gemeenten)

    def subject(self) -> dict[str, str] | None:
        return None

    @event("Changed")
    def change(self, name: str, kind: str, gemeenten: list[str]) -> None:
        self.name, self.kind, self.gemeenten = name, kind, list(gemeenten)

    def works_for(self, gemeente: str) -> bool:
        return gemeente in self.gemeenten

    def as_dict(self) -> dict[str, Any]:
        return {"oin": self.oin, "name": self.name, "kind": self.kind, "gemeenten": self.gemeenten}


def partner_id(oin: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, oin)
