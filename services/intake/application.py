"""Intake use cases: register a person with a gemeente, and show their dossier."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from services.common import settings
from services.common.access import Action, require, require_for_gemeente
from services.common.application import ChainApplication
from services.common.context import CommandContext
from services.common.errors import Conflict, NotFound
from services.common.region import Region
from services.intake.domain import BsnClaim, Dossier, Registration

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today_in_amsterdam() -> date:
    return datetime.now(AMSTERDAM).date()


class Intake(ChainApplication):
    name = "Intake"
    schema = "intake"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        region: Region | None = None,
        bsn_key: str | None = None,
    ):
        super().__init__(env)
        self.region = region or Region.load()
        self.bsn_key = bsn_key or settings.BSN_INDEX_KEY.get()

    def register(self, ctx: CommandContext, data: Any, today: date | None = None) -> UUID:
        """Register a person with a gemeente; returns the new dossier's id."""
        require(ctx, Action.REGISTER_DOSSIER)
        registration = Registration.parse(data, self.region.codes(), today or today_in_amsterdam())
        require_for_gemeente(ctx, Action.REGISTER_DOSSIER, registration.gemeente)
        with self.command(ctx.for_activity("registratie")):
            dossier = Dossier.register(registration)
            claim = BsnClaim(
                digest=BsnClaim.digest_of(registration.bsn, self.bsn_key),
                dossier_id=dossier.id,
                gemeente=registration.gemeente,
            )
        try:
            self.save(dossier, claim)
        except IntegrityError:
            raise Conflict(
                "a dossier for this BSN already exists in the region; a move between gemeenten "
                "is a handover, not a new registration"
            ) from None
        return dossier.id

    def dossier(self, ctx: CommandContext, dossier_id: UUID | str) -> dict[str, Any]:
        """The dossier as its gemeente's regievoerder sees it."""
        require(ctx, Action.READ_DOSSIER)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.READ_DOSSIER, dossier.gemeente)
        return {
            "id": str(dossier.id),
            "gemeente": dossier.gemeente,
            "bsn": dossier.bsn,
            "v_nummer": dossier.v_nummer,
            "given_name": dossier.given_name,
            "family_name": dossier.family_name,
            "birth_date": dossier.birth_date.isoformat(),
            "duo_notice_date": dossier.duo_notice_date.isoformat(),
            "brp_registration_date": dossier.brp_registration_date.isoformat(),
            "registered_at": dossier.created_on.isoformat(),
            "version": dossier.version,
        }

    def _get(self, dossier_id: UUID | str) -> Dossier:
        try:
            dossier = self.repository.get(UUID(str(dossier_id)))
        except (AggregateNotFoundError, ValueError):
            raise NotFound("no such dossier") from None
        if not isinstance(dossier, Dossier):
            raise NotFound("no such dossier")
        return dossier
