"""The integration events intake publishes (contracts/events/ holds their JSON Schemas).

Only the dossier's pseudonymous id and the facts other services need leave intake: never the BSN,
the V-nummer or a name.
"""

from __future__ import annotations

from services.common.envelope import Publication
from services.intake.domain import BsnClaim, Dossier

DOSSIER_REGISTERED = "nl.wegwijs.intake.dossier.geregistreerd.v1"
BSN_CLAIMED = "nl.wegwijs.intake.bsn.geclaimd.v1"

PUBLICATIONS = {
    Dossier.Registered: Publication(
        type=DOSSIER_REGISTERED,
        subject=lambda e: str(e.originator_id),
        gemeente=lambda e: e.gemeente,
        data=lambda e: {
            "dossier_id": str(e.originator_id),
            "gemeente": e.gemeente,
            "duo_notice_date": e.duo_notice_date.isoformat(),
            "brp_registration_date": e.brp_registration_date.isoformat(),
        },
    ),
    BsnClaim.Claimed: Publication(
        type=BSN_CLAIMED,
        subject=lambda e: str(e.dossier_id),
        gemeente=lambda e: e.gemeente,
        data=lambda e: {"dossier_id": str(e.dossier_id), "gemeente": e.gemeente},
    ),
}
