"""What every integration event's `data` is made of, and the register of event types: each
model says its type, its title, which envelope attributes it requires, the data category the
event reveals and each field's, and the processing activity it belongs to. The event JSON
Schemas and the category map are generated from this register (services/contracts/documents.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

# A field's category: fixed, or following its value (`by_value`, else `default`), or for a list,
# following each element (`each_by_value`); `absent` is its category when the field is missing.
CategorySpec = str | Mapping[str, Any]


# The category of a practical matter (aandachtspunten k, l) and of a life domain or goal domain,
# by its name: shared by the events that name one.
PRACTICAL_ITEM = {
    "by_value": {
        "zorgverzekering-regelen": "gezondheid",
        "huisarts-kiezen": "gezondheid",
        "kinderopvang-regelen": "gezin",
        "schoolinschrijving": "gezin",
        "verblijfsintentie-gesprek": "verblijfsintentie",
    },
    "default": "financien",
}
# A life domain's or goal domain's category, by its name.
DOMAIN_CATEGORIES = {
    "gezondheid": "gezondheid",
    "financien": "financien",
    "gezin": "gezin",
    "sociaal_netwerk": "gezin",
    "verblijfsintentie": "verblijfsintentie",
    "huisvesting": "contact",
    "taal": "taal-leerbaarheid",
    "werk": "opleiding-werk",
    "opleiding": "opleiding-werk",
    "werk_en_reintegratie": "opleiding-werk",
    "participatie_en_ambities": "verblijfsintentie",
    "onderwijs_kinderen": "gezin",
}
DOMAIN = {"by_value": DOMAIN_CATEGORIES, "default": "pip"}


class EventData(BaseModel):
    """The `data` of an event, closed: a field the contract does not name is not published."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class IssuedDocument(EventData):
    """A document issued to the person (a decision, a letter), kept as it was issued: what each
    event of an issued document carries beside the kind of document its service names."""

    dossier_id: UUID
    issued_on: date
    sha256: Annotated[str, Field(pattern="^[0-9a-f]{64}$", description="SHA-256 of its HTML.")]


class EventDataOpen(BaseModel):
    """The `data` of an event, or a part of it, that may carry more than it names."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


@dataclass(frozen=True)
class EventType:
    type: str
    title: str
    model: type[BaseModel]
    envelope_required: tuple[str, ...] = ()
    category: str = ""
    fields: Mapping[str, CategorySpec] = field(default_factory=dict)
    activity: str = ""

    @property
    def origin(self) -> str:
        return self.type.split(".")[2]

    @property
    def partner(self) -> bool:
        """A partner feed's own event (not one of the chain's)."""
        return self.origin == "partnerfeed"


REGISTER: dict[str, EventType] = {}


def event(
    type: str,
    *,
    title: str,
    envelope_required: tuple[str, ...] = (),
    category: str = "",
    fields: Mapping[str, CategorySpec] | None = None,
    activity: str = "",
) -> Callable[[type[BaseModel]], type[BaseModel]]:
    """Register the model as the `data` of event `type`."""

    def register(model: type[BaseModel]) -> type[BaseModel]:
        if type in REGISTER:
            raise ValueError(f"{type} is registered twice")
        REGISTER[type] = EventType(
            type, title, model, tuple(envelope_required), category, dict(fields or {}), activity
        )
        return model

    return register
