"""The decisions sent to a person as documents (issue 17): the PIP beschikking, the beschikking
of a change, more time for the PIP, and a warning or fine (of the PIP's handhaving or of the
brede intake's sanction ladder). Each is kept as it was issued, HTML and SHA-256."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from services.contracts.base import Answer

DocumentKind = Literal["pip-beschikking", "pip-wijziging", "verlenging", "waarschuwing", "boete"]


class DossierDocument(Answer):
    document_id: UUID = Field(
        description="The document's id: the id of the integration event that published its issue."
    )
    kind: DocumentKind
    title: str = Field(description="Its title in Dutch, as on the document.")
    category: Literal["pip", "handhaving"] = Field(description="The data category it holds.")
    issued_on: date = Field(description="The date on the document.")
    issued_at: AwareDatetime = Field(description="When it was issued.")
    sha256: str = Field(
        pattern="^[0-9a-f]{64}$", description="SHA-256 of its HTML, as it was issued."
    )
    decided_by: Literal["intake", "pip"] = Field(description="The service whose decision it is.")
    href: str = Field(
        description="Where to read it: text/html, or application/pdf by the Accept header."
    )


class DossierDocuments(Answer):
    """The dossier's documents, oldest first."""

    dossier_id: UUID
    gemeente: str
    documents: list[DossierDocument]
