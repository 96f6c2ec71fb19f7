"""The gateway's access log: every read of personal data through the API, and every auditor's
query, is an event (who, which dossier, which data categories, why) that reaches the audit ledger;
so is every command the API answered (who asked what, when it came in, and what came of it).

The reader, their roles and organisation, the processing activity and the trace are in each event's
context; the event says which endpoint was read and which data categories it returned, or which
command was asked with which outcome. This is the gateway's only state.
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
from services.common.envelope import Publication, about_dossier, dossier_opened

_NAMESPACE = uuid.UUID("b7e3a2f1-6c4d-4e8a-9f0b-2d1c3e4f5a67")
OPENED = "nl.wegwijs.gateway.inzagelog.geopend.v1"
READ = "nl.wegwijs.gateway.gegevens.ingezien.v1"
COMMAND = "nl.wegwijs.gateway.opdracht.behandeld.v1"

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


class HandledCommand(ChainAggregate):
    """One command the API answered: the first link of its trace in the ledger. Its time is when
    the request came in, so that a trace reads in the order things happened."""

    @event("Handled")
    def __init__(
        self,
        method: str,
        route: str,
        status: int,
        dossier_id: str,
        gemeente: str,
        received_at: str,
    ):
        self.method = method
        self.route = route
        self.status = status
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.received_at = received_at

    def subject(self) -> dict[str, str] | None:
        return None  # it has no later events


def outcome(status: int) -> str:
    """The command's result in the ledger's words."""
    if status < 400:
        return "uitgevoerd"
    return "geweigerd" if status < 500 else "mislukt"


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

    def record_command(
        self,
        ctx: CommandContext,
        method: str,
        route: str,
        status: int,
        received_at: str,
        dossier_id: str = "",
        gemeente: str = "",
    ) -> None:
        """Record that `ctx` asked `method route` at `received_at` and was answered `status`."""
        with self.command(ctx):
            handled = HandledCommand(
                method=method,
                route=route,
                status=status,
                dossier_id=dossier_id,
                gemeente=gemeente,
                received_at=received_at,
            )
        self.save(handled)


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


def _command_data(e: Any) -> dict[str, Any]:
    data = {"method": e.method, "route": e.route, "status": e.status, "result": outcome(e.status)}
    if e.dossier_id:
        data["dossier_id"] = e.dossier_id
    return data


PUBLICATIONS = {
    HandledCommand.Handled: Publication(
        type=COMMAND,
        subject=lambda e: e.dossier_id,
        gemeente=lambda e: e.gemeente or None,
        data=_command_data,
        time=lambda e: e.received_at,
    ),
    AccessLog.Opened: dossier_opened(OPENED),
    AccessLog.Read: about_dossier(
        READ, lambda e: {"endpoint": e.endpoint, "categories": e.categories}
    ),
}
