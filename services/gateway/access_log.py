"""The gateway's access log: every read of personal data through the API, and every auditor's
query, is an event (who, which dossier, which data categories, why) that reaches the audit ledger.

The reader, their roles and organisation, the processing activity and the trace are in each event's
context; the event says which endpoint was read and which data categories it returned. This is the
gateway's only state.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import event
from eventsourcing.persistence import IntegrityError

from services.common.aggregate import ChainAggregate
from services.common.application import ChainApplication
from services.common.context import CommandContext
from services.common.envelope import about_dossier, dossier_opened

_NAMESPACE = uuid.UUID("b7e3a2f1-6c4d-4e8a-9f0b-2d1c3e4f5a67")
OPENED = "nl.wegwijs.gateway.inzagelog.geopend.v1"
READ = "nl.wegwijs.gateway.gegevens.ingezien.v1"

# intake's view categories in the contract's data categories.
VIEW_CATEGORIES = {
    "identiteit": "identiteit",
    "contact": "contact",
    "taal": "taal-leerbaarheid",
    "gezin": "gezin",
    "opleiding-en-werk": "opleiding-werk",
    "gezondheid": "gezondheid",
    "financien": "financien",
    "huisvesting": "contact",
    "verblijfsintentie-en-verwachtingen": "verblijfsintentie",
    "inburgering": "taal-leerbaarheid",
    "praktische-zaken": "financien",
}
DOMAIN_CATEGORIES = {
    "gezondheid": "gezondheid",
    "financien": "financien",
    "gezin": "gezin",
    "sociaal_netwerk": "gezin",
    "verblijfsintentie": "verblijfsintentie",
    "huisvesting": "contact",
    "taal": "taal-leerbaarheid",
    "werk": "opleiding-werk",
    "opleiding": "opleiding-werk",
}


class AccessLog(ChainAggregate):
    """Who read what of one dossier through the API."""

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return access_log_id(dossier_id)

    @event("Opened")
    def __init__(self, dossier_id: uuid.UUID, gemeente: str):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.reads = 0

    @event("Read")
    def read(self, endpoint: str, categories: list[str]) -> None:
        self.reads += 1


def access_log_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, str(dossier_id))


class AccessLogs(ChainApplication):
    name = "AccessLogs"
    schema = "gateway"

    def record(
        self,
        ctx: CommandContext,
        endpoint: str,
        reads: Iterable[tuple[str, str, Iterable[str]]],
    ) -> None:
        """Record that `ctx` read `endpoint`: per (dossier id, gemeente, categories)."""
        reads = [(d, g, sorted(set(c))) for d, g, c in reads]
        if not reads:
            return
        for _attempt in range(3):
            logs = []
            with self.command(ctx):
                for dossier_id, gemeente, categories in reads:
                    try:
                        log = self.repository.get(access_log_id(dossier_id))
                    except AggregateNotFoundError:
                        log = AccessLog(dossier_id=uuid.UUID(dossier_id), gemeente=gemeente)
                    log.read(endpoint=endpoint, categories=categories)
                    logs.append(log)
            try:
                self.save(*logs)
                return
            except IntegrityError:
                continue


def categories_of_pip(pip: Mapping[str, Any]) -> list[str]:
    found = {"pip", "taal-leerbaarheid"}
    found |= {DOMAIN_CATEGORIES.get(g["domain"], "pip") for g in pip["plan"].get("goals", [])}
    if "ontzorgen" in pip["plan"]:
        found.add("financien")
    return sorted(found)


def categories_of_intake(intake: Mapping[str, Any]) -> list[str]:
    found = {"taal-leerbaarheid", "opleiding-werk"}
    found |= {DOMAIN_CATEGORIES.get(d, "pip") for d in intake.get("domains", {})}
    circumstances = intake.get("personal_circumstances") or {}
    if circumstances.get("physical_health") or circumstances.get("mental_health"):
        found.add("gezondheid")
    return sorted(found)


PUBLICATIONS = {
    AccessLog.Opened: dossier_opened(OPENED),
    AccessLog.Read: about_dossier(
        READ, lambda e: {"endpoint": e.endpoint, "categories": e.categories}
    ),
}
