"""The dossier's consents tab: to whom, for what, how long, and their history."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from services.werkplek.dossier import DOSSIERS, optional, tab
from services.werkplek.gateway import Gateway
from services.werkplek.sessions import Session


async def consents(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The person's consents: to whom, for what, how long, and their history."""
    listed = await optional(gateway, f"{DOSSIERS}/{request.path_params['dossier_id']}/consents")
    return await tab(
        request,
        werkplek,
        session,
        gateway,
        "dossier_toestemmingen.html",
        consents=(listed or {}).get("consents", []),
    )


PAGES: tuple = (("/dossiers/{dossier_id:uuid}/toestemmingen", consents, ["GET"]),)
MENU: tuple = ()
