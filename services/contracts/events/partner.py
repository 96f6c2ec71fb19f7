"""The `data` of every integration event partner publishes."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import Field

from services.contracts.events.base import EventData, event


@event(
    "nl.wegwijs.partnerfeed.toestemming-beeindigd.v1",
    title=(
        "A consent you received data under was withdrawn, ended or "
        "narrowed (ingeperkt: fewer categories, or a period that has "
        "ended): delete what you hold of these categories about this "
        "dossier"
    ),
)
class ToestemmingBeeindigd(EventData):
    consent_id: UUID
    categories: list[str]
    on_: date = Field(alias="on")
    reason: Literal["ingetrokken", "verlopen", "ingeperkt"]
    instruction: Literal["verwijderen"]
