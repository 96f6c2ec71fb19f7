"""The PIP domain: the Plan Inburgering en Participatie of one dossier."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate

_PIP_NAMESPACE = uuid.UUID("9a3e1c55-0b7d-4f0e-8c1a-54d3f2e6b781")

# Besluit inburgering art. 5.3: the PIP is set within 10 weeks of DUO's notice, or of the BRP
# registration when that is later.
PIP_TERM = timedelta(weeks=10)


def pip_deadline(duo_notice_date: date, brp_registration_date: date) -> date:
    return max(duo_notice_date, brp_registration_date) + PIP_TERM


class Pip(ChainAggregate):
    """One dossier's PIP; its id follows from the dossier's, so each dossier has at most one."""

    DRAFT = "concept"

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return pip_id(dossier_id)

    @event("DraftOpened")
    def __init__(
        self,
        dossier_id: uuid.UUID,
        gemeente: str,
        duo_notice_date: date,
        brp_registration_date: date,
        deadline: date,
    ):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.duo_notice_date = duo_notice_date
        self.brp_registration_date = brp_registration_date
        self.deadline = deadline
        self.status = self.DRAFT

    @classmethod
    def open_draft(
        cls,
        dossier_id: uuid.UUID,
        gemeente: str,
        duo_notice_date: date,
        brp_registration_date: date,
    ) -> Pip:
        return cls(
            dossier_id=dossier_id,
            gemeente=gemeente,
            duo_notice_date=duo_notice_date,
            brp_registration_date=brp_registration_date,
            deadline=pip_deadline(duo_notice_date, brp_registration_date),
        )


def pip_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_PIP_NAMESPACE, str(dossier_id))
