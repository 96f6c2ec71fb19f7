"""Partner organisations that receive data through Wegwijs: their OIN, name, kind (a recipient
kind of the protocol) and the gemeenten they work for. No I/O."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate
from services.common.errors import InvalidInput, field_error

_OIN = re.compile(r"^[0-9]{20}$")
_NAMESPACE = uuid.UUID("0d7c4e2a-9b1f-4a83-8c65-3e2f1a0b9d47")


def parse_partner(data: Any, kinds: tuple[str, ...], gemeenten: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidInput([field_error("", "the body must be a JSON object")])
    errors = []
    if not isinstance(data.get("oin"), str) or not _OIN.match(data["oin"]):
        errors.append(field_error("oin", "must be an OIN of 20 digits"))
    name = data.get("name")
    if not isinstance(name, str) or not 0 < len(name.strip()) <= 200:
        errors.append(field_error("name", "must be text of 1 to 200 characters"))
    if data.get("kind") not in kinds:
        errors.append(field_error("kind", f"must be one of: {', '.join(kinds)}"))
    serves = data.get("gemeenten")
    if not isinstance(serves, list) or not serves or not all(g in gemeenten for g in serves):
        errors.append(
            field_error("gemeenten", f"must be a non-empty list of: {', '.join(gemeenten)}")
        )
    if errors:
        raise InvalidInput(errors)
    return {
        "oin": data["oin"],
        "name": name.strip(),
        "kind": data["kind"],
        "gemeenten": sorted(set(serves)),
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
