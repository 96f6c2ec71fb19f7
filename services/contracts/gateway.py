"""The gateway's own part of the published face: the problem document every error is, what a
client may ask of its own command, and the platform's health."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from services.contracts.base import Answer


class FieldProblem(Answer):
    field: str = Field(description="The field, as a path (`languages/0/level`); empty: the body.")
    pointer: str
    detail: str = Field(description="What is wrong and what is accepted.")


class Problem(Answer):
    """RFC 9457 problem document."""

    type: str = Field(json_schema_extra={"format": "uri-reference"})
    title: str
    status: int
    detail: str
    instance: str | None = None
    dossier_id: UUID | None = Field(
        None,
        description="On 409 to a registration: the person's dossier, when the caller may see it"
        " (a retry can carry on with it).",
    )
    dossier: str | None = Field(None, description="The path of that dossier.")
    errors: list[FieldProblem] | None = Field(
        None, description="One item for each wrong field: what is wrong and what is accepted."
    )


class CommandState(Answer):
    idempotency_key: str
    method: Literal["POST", "PUT", "PATCH", "DELETE"]
    route: str = Field(description="The route as the API declares it.")
    received_at: datetime
    state: Literal["onderweg", "uitgevoerd", "geweigerd", "mislukt"] = Field(
        description="onderweg: no answer yet, it may still come; uitgevoerd: it took effect;"
        " geweigerd: it was refused and changed nothing; mislukt: it did not take effect and"
        " never will."
    )
    answered_status: int | None = Field(None, description="What the client was answered.")
    location: str | None = Field(None, description="What a command that made something made.")


class Health(Answer):
    """200 when everything answers, 503 naming what does not (`checks`) and why (`details`)."""

    status: Literal["ok", "down"]
    checks: dict[str, Literal["ok", "down"]]
    details: dict[str, Any] | None = None


# the werkvoorraad: a regievoerder's work across intake and pip --------------------------------
WorklistKey = Literal[
    "pip_deadline_missed",
    "pip_deadline_soon",
    "pip_to_establish",
    "intake_open",
    "signals_new",
    "termijn_ending",
    "obligation_coming",
    "moves_to_accept",
    "moves_proposed",
]


class WorklistItem(Answer):
    dossier_id: UUID
    gemeente: str
    given_name: str
    family_name: str
    on: date | None = Field(
        None,
        description="The date the item is about: the PIP's deadline, the termijn's end, the"
        " registration, the latest signal, the day a member becomes inburgeringsplichtig or the"
        " day of moving (a move to accept or proposed).",
    )


class Worklist(Answer):
    key: WorklistKey
    count: int = Field(description="How many dossiers are on the list; `items` shows the first 50.")
    items: list[WorklistItem]


class Werkvoorraad(Answer):
    """The work of the caller's gemeenten: PIP deadlines missed and within two weeks, PIPs to
    establish, brede intakes not completed, new signals, inburgeringstermijnen ending within
    six months, members who become inburgeringsplichtig within six months, moves to the
    caller's gemeenten to accept and moves they proposed that are not yet answered."""

    lists: list[Worklist]
