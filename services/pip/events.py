"""The integration events pip publishes (contracts/events/ holds their JSON Schemas)."""

from __future__ import annotations

from services.common.envelope import Publication
from services.pip.domain import Pip

PIP_DRAFT_OPENED = "nl.wegwijs.pip.concept.geopend.v1"

PUBLICATIONS = {
    Pip.DraftOpened: Publication(
        type=PIP_DRAFT_OPENED,
        subject=lambda e: str(e.dossier_id),
        gemeente=lambda e: e.gemeente,
        data=lambda e: {
            "dossier_id": str(e.dossier_id),
            "gemeente": e.gemeente,
            "status": Pip.DRAFT,
            "deadline": e.deadline.isoformat(),
        },
    ),
}
