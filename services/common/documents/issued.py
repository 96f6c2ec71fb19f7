"""A decision's document as the deciding aggregate keeps it: the event, and the mixin that
issues it. No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from services.common.aggregate import ChainAggregate


class DocumentIssued(ChainAggregate.Event):
    """A decision's document was issued: kept exactly as it was rendered then. Each aggregate
    that decides declares its own subclass (its own topic and integration event)."""

    kind: str
    title: str
    category: str
    issued_on: date
    html: str
    sha256: str


class IssuesDocuments:
    """Mixed into an aggregate whose decisions are sent as documents."""

    DocumentIssued: type[DocumentIssued]

    def issue_document(self, document: Mapping[str, Any]) -> None:
        self.trigger_event(self.DocumentIssued, **document)  # type: ignore[attr-defined]
