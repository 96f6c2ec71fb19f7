"""The gateway's own part of the published face: the problem document every error is, what a
client may ask of its own command, and the platform's health."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from services.contracts.base import Answer, Body
from services.contracts.intake import Regievoerder
from services.contracts.values import GemeenteCode


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
    "pip_deadline_warned",
    "pip_deadline_soon",
    "pip_to_establish",
    "intake_open",
    "signals_new",
    "breaches_to_decide",
    "termijn_warned",
    "termijn_ending",
    "obligation_coming",
    "moves_to_accept",
    "moves_proposed",
]

# Who a worklist is for: `mij` (the caller), or a regievoerder's user id as their token names it.
RegievoerderFilter = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[^\s\x00-\x1f]+$"),
]


class WerkvoorraadQuery(Body):
    within_days: int = Field(
        14,
        ge=1,
        le=366,
        description="How many days ahead `pip_deadline_soon` looks: the PIP deadlines from today"
        " up to and including today + within_days.",
    )
    regievoerder: RegievoerderFilter | None = Field(
        None,
        description="Only the dossiers of one regievoerder, on every list: `mij` for the caller's"
        " own, or a regievoerder's user id (their token's `sub`).",
    )
    gemeente: GemeenteCode | None = Field(
        None,
        description="Only the dossiers of this gemeente, one the caller acts for (another: 403);"
        " without it, of every gemeente the caller acts for.",
    )


class WorklistItem(Answer):
    dossier_id: UUID
    gemeente: str
    given_name: str
    family_name: str
    on: date | None = Field(
        None,
        description="The date the item is about: the PIP's deadline, the termijn's end, the"
        " registration, the latest signal, the day a member becomes inburgeringsplichtig, the"
        " day of moving (a move to accept or proposed), or (breaches_to_decide) the day the"
        " measure became due.",
    )
    source: Literal["intake", "pip"] | None = Field(
        None,
        description="breaches_to_decide only: where the decision is taken: `intake` (a step of"
        " the gemeente's sanction ladder after no-shows at intake conversations, decided at"
        " PUT /dossiers/{id}/intake/sanctions/{step}) or `pip` (a measure on a breach of the"
        " PIP, decided at PUT /dossiers/{id}/pip/breaches/{number}/decision).",
    )
    measure: str | None = Field(
        None,
        description="breaches_to_decide only: what is due (waarschuwing, boete,"
        " pip-zonder-inburgeringsplichtige, maatregel-participatiewet).",
    )
    number: int | None = Field(
        None, description="breaches_to_decide, source pip only: the breach's number."
    )
    decided_by: Literal["regievoerder", "klantmanager"] | None = Field(
        None,
        description="breaches_to_decide, source pip only: who decides now: the regievoerder, or"
        " the klantmanager for a measure on the benefit the regievoerder referred to them"
        " (PUT /dossiers/{id}/pip/breaches/{number}/participatiewet-decision).",
    )
    regievoerder: Regievoerder | None = Field(
        None, description="The regievoerder responsible for the dossier; null: nobody yet."
    )


class Worklist(Answer):
    key: WorklistKey
    count: int = Field(
        description="How many items are on the list (one per dossier; breaches_to_decide: one"
        " per due step or measure); `items` shows the first 50."
    )
    items: list[WorklistItem]


class Werkvoorraad(Answer):
    """The work of the caller's gemeenten (or, with `regievoerder`, of one regievoerder):
    PIP deadlines missed; drafts whose deadline the monitor warned about (`pip_deadline_warned`:
    the gemeente's warning lead time, once per deadline); deadlines within `within_days` (14);
    PIPs to establish; brede intakes not completed; new signals; breaches awaiting a decision
    (`breaches_to_decide`: one item per due sanction step or measure, with `source` and
    `measure`); inburgeringstermijnen the monitor warned about (`termijn_warned`) and ending
    within six months; members who become inburgeringsplichtig within six months; moves to the
    caller's gemeenten to accept and moves they proposed that are not yet answered."""

    lists: list[Worklist]
