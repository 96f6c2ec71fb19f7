"""The routes onto the documents a dossier's decisions were sent with (issue 17): the list, and
one document as issued, as a page (text/html) or a PDF (application/pdf, by the Accept header).
intake keeps those of the brede intake's sanctions, pip those of the PIP and its handhaving;
intake answers for the dossier (another gemeente's: not found) before pip is asked."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from services.common.access import Action
from services.common.documents.pdf import as_pdf
from services.common.errors import NotFound
from services.contracts import documents as c
from services.gateway.http import html_response
from services.gateway.routing import Call, Read, Route

DOCUMENTS = "/api/v1/dossiers/{dossier_id}/documents"
SERVICES = ("intake", "pip")
PDF = "application/pdf"
HTML = "text/html"


def _href(dossier_id: str, document_id: str) -> str:
    return f"/api/v1/dossiers/{dossier_id}/documents/{document_id}"


def _list(call: Call) -> dict[str, Any]:
    dossier_id = call.path["dossier_id"]
    of_intake = call.invoke("intake.documents", dossier_id)  # checks role and gemeente
    listed = [{**d, "decided_by": "intake"} for d in of_intake["documents"]]
    of_pip = call.invoke("pip.documents", dossier_id)
    listed += [{**d, "decided_by": "pip"} for d in of_pip["documents"]]
    listed.sort(key=lambda d: (d["issued_at"], d["document_id"]))
    return {
        "dossier_id": dossier_id,
        "gemeente": of_intake["gemeente"],
        "documents": [{**d, "href": _href(dossier_id, d["document_id"])} for d in listed],
    }


def _one(call: Call) -> dict[str, Any]:
    """The document of whichever service issued it; intake first, which also answers whether
    the reader may read the dossier at all."""
    dossier_id, document_id = call.path["dossier_id"], call.path["document_id"]
    for service in SERVICES:
        try:
            return call.invoke(f"{service}.document", dossier_id, document_id)
        except NotFound:
            continue
    raise NotFound("no such document in this dossier")


def _wants_pdf(call: Call) -> bool:
    return call.request.accept_mimetypes.best_match([HTML, PDF], default=HTML) == PDF


def _render(call: Call, document: dict[str, Any]) -> Response:
    if _wants_pdf(call):
        return Response(
            as_pdf(document["html"]),
            status=200,
            mimetype=PDF,
            headers={
                "Content-Disposition": f'inline; filename="{document["kind"]}.pdf"',
                "X-Document-Sha256": document["sha256"],
            },
        )
    response = html_response(document["html"])
    response.headers["X-Document-Sha256"] = document["sha256"]
    return response


ROUTES = (
    Route(
        "GET",
        DOCUMENTS,
        "listDossierDocuments",
        "The documents the dossier's decisions were sent with: the PIP beschikking and its"
        " changes, more time for the PIP, warnings and fines (regievoerder and klantmanager of"
        " its gemeente)",
        Action.READ_DOCUMENTS,
        "dossier-inzien",
        _list,
        answer=c.DossierDocuments,
        answer_description="Every document issued, oldest first, without its content.",
        errors=(401, 403, 404, 503, 504),
        read=Read("documenten", lambda answer: {d["category"] for d in answer["documents"]}),
    ),
    Route(
        "GET",
        f"{DOCUMENTS}/{{document_id}}",
        "getDossierDocument",
        "One document as it was issued: a printable page in Dutch, or its PDF (Accept:"
        " application/pdf)",
        Action.READ_DOCUMENTS,
        "dossier-inzien",
        _one,
        answer_description="The document as it was issued (its SHA-256 in `X-Document-Sha256`).",
        description="The letter the person was sent with a decision: the gemeente, their name,"
        " the date, what was decided, its legal grounds and how to object (bezwaar, Awb art."
        " 6:7). Kept as it was issued: a later change of the letter's wording changes no"
        " document already issued. The PDF is made from that HTML.",
        media={
            HTML: {"type": "string"},
            PDF: {"type": "string", "format": "binary"},
        },
        errors=(401, 403, 404, 503, 504),
        read=Read("document", lambda document: ["identiteit", document["category"]], False),
        render=_render,
    ),
)
