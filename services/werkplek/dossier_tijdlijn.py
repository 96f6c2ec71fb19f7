"""The dossier's timeline tab: the letters its decisions were sent with ("Documenten"), and what
happened in the dossier and who did it, newest first, by day, a page at a time. A letter opens
as it was issued, or as its PDF."""

from __future__ import annotations

import base64
import hashlib
import re
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
# A letter is its own page: nothing but its own inline style, by its hash.
LETTER_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def letter_path(dossier_id: str, document_id: str) -> str:
    return f"/dossiers/{dossier_id}/documenten/{document_id}"


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
    listed = await optional(gateway, f"{DOSSIERS}/{dossier_id}/documents")
    items = [
        {**item, "letter": _werkplek_path(dossier_id, item.get("document"))}
        for item in (page["items"] if page else [])
    ]
    return await tab(
        request,
        werkplek,
        session,
        gateway,
        "dossier_tijdlijn.html",
        days=by_day(items),
        earlier=page and page["next_before"],
        later=bool(before),
        documents=[
            {**d, "letter": letter_path(dossier_id, d["document_id"])}
            for d in reversed(listed["documents"] if listed else [])
        ],
    )


def _werkplek_path(dossier_id: str, api_path: str | None) -> str | None:
    """The Werkplek's page of the letter the API's path names."""
    return api_path and letter_path(dossier_id, api_path.rsplit("/", 1)[1])


async def letter(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """A letter as it was issued (the gateway logs the read), as its own page."""
    html = (await gateway.fetch(_api_path(request), "text/html")).text
    styles = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    )
    policy = LETTER_POLICY + (f"; style-src {styles}" if styles else "")
    return Response(html, media_type="text/html", headers={"Content-Security-Policy": policy})


async def letter_pdf(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The letter's PDF (made by the gateway from the letter as issued)."""
    answer = await gateway.fetch(_api_path(request), "application/pdf")
    disposition = answer.headers.get("Content-Disposition", "inline")
    return Response(
        answer.content, media_type="application/pdf", headers={"Content-Disposition": disposition}
    )


def _api_path(request: Request) -> str:
    params = request.path_params
    return f"{DOSSIERS}/{params['dossier_id']}/documents/{params['document_id']}"


PAGES: tuple = (
    ("/dossiers/{dossier_id:uuid}/tijdlijn", timeline, ["GET"]),
    ("/dossiers/{dossier_id:uuid}/documenten/{document_id:uuid}", letter, ["GET"]),
    ("/dossiers/{dossier_id:uuid}/documenten/{document_id:uuid}/pdf", letter_pdf, ["GET"]),
)
MENU: tuple = ()
