"""The `data` of every integration event gateway publishes."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from services.contracts.events.base import EventData, event


@event(
    "nl.wegwijs.gateway.gegevens.ingezien.v1",
    title=(
        "Personal data of a dossier was read through the API (who "
        "and why are in the attributes: actor, activity); `gemeente` "
        "is left out when the reader acts for several gemeenten and "
        "the answer did not say it (audit takes it from the "
        "dossier's registration)"
    ),
    envelope_required=("subject",),
    category="intern",
    fields={"dossier_id": "intern", "endpoint": "intern", "categories": "intern"},
    activity="dossier-inzien",
)
class GegevensIngezien(EventData):
    dossier_id: UUID
    endpoint: str
    categories: list[str]


class LijstIngezienDossiersItem(EventData):
    dossier_id: UUID
    categories: list[str]


@event(
    "nl.wegwijs.gateway.lijst.ingezien.v1",
    title=(
        "A list that showed several dossiers was read through the API "
        "(the werkvoorraad, the dossier list, a search): each dossier "
        "shown with the data categories shown of it; who and why are "
        "in the attributes (actor, activity). Audit writes one ledger "
        "entry per dossier, each a read of that dossier. `gemeente` "
        "is left out when the answer did not say it (audit takes each "
        "dossier's from its registration)"
    ),
    envelope_required=(),
    category="intern",
    fields={"endpoint": "intern", "dossiers": "intern"},
    activity="dossier-inzien",
)
class LijstIngezien(EventData):
    endpoint: str
    dossiers: Annotated[list[LijstIngezienDossiersItem], Field(min_length=2)]


@event(
    "nl.wegwijs.gateway.inzage.geweigerd.v1",
    title=(
        "The API refused a read of a dossier (403 or 404): who tried "
        "and why are in the attributes (actor, activity); audit "
        "files it under the dossier's own gemeente, so its auditors "
        "see the attempt"
    ),
    envelope_required=("subject",),
    category="intern",
    fields={"dossier_id": "intern", "route": "intern", "status": "intern"},
    activity="dossier-inzien",
)
class InzageGeweigerd(EventData):
    dossier_id: UUID
    route: str = Field(
        description="The route as the API declares it, e.g."
        " /api/v1/dossiers/<string:dossier_id>/pip"
    )
    status: Literal[403, 404]


@event(
    "nl.wegwijs.gateway.inzagelog.geopend.v1",
    title=(
        "The gateway's access log of a dossier was opened; "
        "`gemeente` is left out when the reader acts for several "
        "gemeenten and the answer did not say it (audit takes it "
        "from the dossier's registration)"
    ),
    envelope_required=("subject",),
    category="intern",
    fields={"dossier_id": "intern"},
    activity="dossier-inzien",
)
class InzagelogGeopend(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.gateway.opdracht.behandeld.v1",
    title=(
        "The API answered a command (who asked it and why are in the "
        "attributes: actor, activity; `time` is when the request "
        "came in, `subject` the dossier once there is one)"
    ),
    envelope_required=(),
    category="intern",
    fields={
        "method": "intern",
        "route": "intern",
        "status": "intern",
        "result": "intern",
        "dossier_id": "intern",
        "command_id": "intern",
    },
    activity="opdrachten-verantwoorden",
)
class OpdrachtBehandeld(EventData):
    method: Literal["POST", "PUT", "PATCH", "DELETE"]
    route: str = Field(
        description=(
            "The route as the API declares it, e.g. "
            "/api/v1/dossiers/<string:dossier_id>/signals: no values "
            "from the path beyond the dossier"
        )
    )
    status: Annotated[int, Field(ge=100, le=599)]
    result: Literal["uitgevoerd", "geweigerd", "mislukt"]
    dossier_id: UUID | SkipJsonSchema[None] = None
    command_id: str | SkipJsonSchema[None] = Field(
        None,
        description=(
            "The command's id in the services (from its "
            "Idempotency-Key): the events it caused carry it in their "
            "context. A command whose answer got lost is recorded once "
            "settled: `status` is what the client was answered, `result` "
            "what happened in the end"
        ),
    )
