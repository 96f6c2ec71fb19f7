"""PIP use cases: open a draft when a person is registered, and show the PIP."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.common.access import Action, require, require_for_gemeente
from services.common.application import ChainApplication
from services.common.context import CommandContext
from services.common.errors import NotFound
from services.pip.domain import Pip, pip_id

# Consumed integration events, as named in contracts/events/ (pip codes against the contract,
# never against intake's code).
DOSSIER_REGISTERED = "nl.wegwijs.intake.dossier.geregistreerd.v1"
CONSUMED = (DOSSIER_REGISTERED,)


class Pips(ChainApplication):
    name = "Pips"
    schema = "pip"
    reaction_activity = "pip-opstellen"

    def policy(self, origin: str, event: Mapping[str, Any]) -> Sequence[Any]:
        if origin == "intake" and event["type"] == DOSSIER_REGISTERED:
            data = event["data"]
            return [
                Pip.open_draft(
                    dossier_id=UUID(data["dossier_id"]),
                    gemeente=data["gemeente"],
                    duo_notice_date=date.fromisoformat(data["duo_notice_date"]),
                    brp_registration_date=date.fromisoformat(data["brp_registration_date"]),
                )
            ]
        return ()

    def pip(self, ctx: CommandContext, dossier_id: UUID | str) -> dict[str, Any]:
        require(ctx, Action.READ_PIP)
        try:
            pip = self.repository.get(pip_id(UUID(str(dossier_id))))
        except (AggregateNotFoundError, ValueError):
            raise NotFound("no PIP for this dossier (yet)") from None
        require_for_gemeente(ctx, Action.READ_PIP, pip.gemeente)
        return {
            "dossier_id": str(pip.dossier_id),
            "gemeente": pip.gemeente,
            "status": pip.status,
            "deadline": pip.deadline.isoformat(),
            "duo_notice_date": pip.duo_notice_date.isoformat(),
            "brp_registration_date": pip.brp_registration_date.isoformat(),
            "opened_at": pip.created_on.isoformat(),
            "version": pip.version,
        }
