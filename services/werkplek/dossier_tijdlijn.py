"""The dossier's timeline tab: what happened in the dossier and who did it, newest first, by day,
a page at a time."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from services.werkplek import texts
from services.werkplek.dossier import DOSSIERS, optional, tab
from services.werkplek.gateway import Gateway
from services.werkplek.sessions import Session

PAGE_SIZE = "25"


def by_day(items: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The items under the day they happened on in Dutch time ("12 maart 2026"), each with its
    time of day ("14.05 uur"), in the order given."""
    shown = []
    for item in items:
        local = datetime.fromisoformat(item["time"]).astimezone(texts.AMSTERDAM)
        shown.append({**item, "day": texts.as_date(local), "clock": f"{local:%H.%M} uur"})
    return [(day, list(group)) for day, group in groupby(shown, key=lambda i: i["day"])]


async def timeline(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """What happened in the dossier, newest first; "Eerdere gebeurtenissen" for the page after."""
    dossier_id = request.path_params["dossier_id"]
    before = request.query_params.get("voor", "")
    before = before if before.isdigit() and 0 < int(before) <= 2**62 else ""
    query = {"limit": PAGE_SIZE, "before": before}
    page = await optional(gateway, f"{DOSSIERS}/{dossier_id}/timeline", **query)
    return await tab(
        request,
        werkplek,
        session,
        gateway,
        "dossier_tijdlijn.html",
        days=by_day(page["items"]) if page else [],
        earlier=page and page["next_before"],
        later=bool(before),
    )


PAGES: tuple = (("/dossiers/{dossier_id:uuid}/tijdlijn", timeline, ["GET"]),)
MENU: tuple = ()
