"""The gateway's access log: every read of personal data through the API, and every auditor's
query, is an event (who, which dossier, which data categories, why) that reaches the audit ledger;
so is every read the API refused on a dossier, and every command the API answered (who asked what,
when it came in, and what came of it).

The reader, their roles and organisation, the processing activity and the trace are in each event's
context; the event says which endpoint was read and which data categories it returned, or which
command was asked with which outcome. Each read is an aggregate of its own, so reads of one dossier
at the same moment never conflict: a read is recorded, or it is not answered. This is the gateway's
only state.

A list that shows several dossiers of one gemeente (the werkvoorraad, the dossier list, a search) is
one `ListRead`: one stored event and one message, naming each dossier shown with what was shown of
it, where a read per dossier would cost a stored event, a message and a transaction in audit each.
Audit writes it as one ledger entry per dossier, each a read of that dossier, so "who saw this
dossier" finds it as it finds any other read.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import event
from eventsourcing.persistence import IntegrityError

from services.common.aggregate import ChainAggregate
from services.common.application import ChainApplication
from services.common.commands import Outcome, collecting
from services.common.context import CommandContext
from services.common.envelope import Publication, about_dossier, dossier_opened
from services.common.group_commit import GroupCommit
from services.common.topics import keep_topics
from services.contracts.events.base import DOMAIN_CATEGORIES
from services.gateway.command_keys import StoredAnswer

_NAMESPACE = uuid.UUID("b7e3a2f1-6c4d-4e8a-9f0b-2d1c3e4f5a67")
OPENED = "nl.wegwijs.gateway.inzagelog.geopend.v1"
READ = "nl.wegwijs.gateway.gegevens.ingezien.v1"
LIST_READ = "nl.wegwijs.gateway.lijst.ingezien.v1"
REFUSED = "nl.wegwijs.gateway.inzage.geweigerd.v1"
COMMAND = "nl.wegwijs.gateway.opdracht.behandeld.v1"
# The gemeente of a read or command whose answer does not say it: the dossier's own, which audit
# takes from the dossier's registration (never the gemeente the actor happens to act for).
THEIRS = ""

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


class AccessLog(ChainAggregate):
    """Who read what of one dossier through the API: how reads were kept until each became a
    `DossierRead` of its own (their stored events stay readable)."""

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


class DossierRead(ChainAggregate):
    """One read of one dossier's personal data through the API, answered."""

    @event("Read")
    def __init__(self, dossier_id: str, gemeente: str, endpoint: str, categories: list[str]):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.endpoint = endpoint
        self.categories = categories


class ListRead(ChainAggregate):
    """One read of a list that showed several dossiers of one gemeente (or, where the answer
    did not say it, of their own gemeenten), answered: each dossier with what was shown of it."""

    @event("Read")
    def __init__(self, gemeente: str, endpoint: str, dossiers: list[dict[str, Any]]):
        self.gemeente = gemeente
        self.endpoint = endpoint
        self.dossiers = dossiers

    def subject(self) -> dict[str, str] | None:
        return None  # about several dossiers; it has no later events


class RefusedRead(ChainAggregate):
    """One read of a dossier the API refused (403 or 404): in the ledger of the dossier's own
    gemeente, whose auditors should see the attempt."""

    @event("Refused")
    def __init__(self, dossier_id: str, route: str, status: int):
        self.dossier_id = dossier_id
        self.route = route
        self.status = status

    def subject(self) -> dict[str, str] | None:
        return None  # it has no later events


class HandledCommand(ChainAggregate):
    """One command the API answered: the first link of its trace in the ledger. Its time is when
    the request came in, so that a trace reads in the order things happened."""

    class Handled(ChainAggregate.Created):
        """Version 2 added the command id and the settled result; a version 1 event (stored
        before 29 November 2026) is read with both empty (an upcast, as topics.py says)."""

        method: str
        route: str
        status: int
        dossier_id: str
        gemeente: str
        received_at: str
        command_id: str
        result: str

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("command_id", "")
            state.setdefault("result", "")

    @event(Handled)
    def __init__(
        self,
        method: str,
        route: str,
        status: int,
        dossier_id: str,
        gemeente: str,
        received_at: str,
        command_id: str = "",
        result: str = "",
    ):
        self.method = method
        self.route = route
        self.status = status
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.received_at = received_at
        # The command's id in the services (its Idempotency-Key's), and, for a command whose
        # answer got lost, what came of it in the end (settled afterwards): `status` is then
        # what the client was answered, `result` what happened.
        self.command_id = command_id
        self.result = result

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
        """Record that `ctx` read `endpoint`: per (dossier id, gemeente, categories), in one
        transaction; the dossiers of one gemeente as one `ListRead` when there are several.
        Raises when it could not be stored; the read must then not be answered."""
        by_gemeente: dict[str, dict[str, set[str]]] = {}
        for dossier_id, gemeente, categories in reads:
            shown = by_gemeente.setdefault(gemeente, {})
            shown.setdefault(str(uuid.UUID(dossier_id)), set()).update(categories)
        records: list[ChainAggregate] = []
        with self.command(ctx):
            for gemeente, shown in by_gemeente.items():
                if len(shown) > 1:
                    dossiers = [
                        {"dossier_id": dossier_id, "categories": sorted(categories)}
                        for dossier_id, categories in shown.items()
                    ]
                    records.append(
                        ListRead(gemeente=gemeente, endpoint=endpoint, dossiers=dossiers)
                    )
                    continue
                [(dossier_id, categories)] = shown.items()
                records.append(
                    DossierRead(
                        dossier_id=dossier_id,
                        gemeente=gemeente,
                        endpoint=endpoint,
                        categories=sorted(categories),
                    )
                )
        if records:
            self._save_reads(records)

    def record_refused_read(self, ctx: CommandContext, route: str, status: int, dossier_id: str):
        with self.command(ctx):
            refused = RefusedRead(dossier_id=dossier_id, route=route, status=status)
        self._save_reads([refused])

    _reads: GroupCommit[ChainAggregate] | None = None

    def _save_reads(self, records: list[ChainAggregate]) -> None:
        """Save reads (each a new aggregate, carrying its reader's context) together with those
        of requests answered at the same moment: one transaction for many under load. Inside a
        command they go with its outcome instead."""
        if collecting() is not None:
            self.save(*records)
            return
        if self._reads is None:
            self._reads = GroupCommit(lambda batch: self.save(*batch))
        self._reads.write(records)

    def record_command(
        self,
        ctx: CommandContext,
        method: str,
        route: str,
        status: int,
        received_at: str,
        dossier_id: str = "",
        gemeente: str = "",
        answer: tuple[str, StoredAnswer] | None = None,
        result: str = "",
    ) -> bool:
        """Record that `ctx` asked `method route` at `received_at` and was answered `status`;
        with `answer` (command id, answer), keep the answer as the command's outcome in the same
        transaction. False when that command has an outcome already (a twin request recorded
        it): nothing is recorded twice."""
        with self.command(ctx):
            handled = HandledCommand(
                method=method,
                route=route,
                status=status,
                dossier_id=dossier_id,
                gemeente=gemeente,
                received_at=received_at,
                command_id=ctx.command_id,
                result=result,
            )
        if answer is None:
            self.save(handled)
            return True
        command_id, kept = answer
        unit = ProcessingEvent()
        unit.collect_events(handled)
        try:
            self.commit(unit, Outcome(command_id, route, "", kept.as_outcome_answer()))
        except IntegrityError:
            return False
        return True


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
    if (intake.get("leerbaarheidstoets_not_taken") or {}).get("health"):
        found.add("gezondheid")  # why the toets was not taken, shown: a health ground
    return sorted(found)


def _command_data(e: Any) -> dict[str, Any]:
    result = e.result or outcome(e.status)
    data = {"method": e.method, "route": e.route, "status": e.status, "result": result}
    if e.dossier_id:
        data["dossier_id"] = e.dossier_id
    if command_id := e.command_id:
        data["command_id"] = command_id
    return data


PUBLICATIONS = {
    DossierRead.Read: Publication(
        type=READ,
        subject=lambda e: e.dossier_id,
        gemeente=lambda e: e.gemeente or None,
        data=lambda e: {
            "dossier_id": e.dossier_id,
            "endpoint": e.endpoint,
            "categories": e.categories,
        },
    ),
    ListRead.Read: Publication(
        type=LIST_READ,
        subject=lambda e: "",
        gemeente=lambda e: e.gemeente or None,
        data=lambda e: {"endpoint": e.endpoint, "dossiers": e.dossiers},
    ),
    RefusedRead.Refused: Publication(
        type=REFUSED,
        subject=lambda e: e.dossier_id,
        gemeente=lambda e: None,  # audit files it under the dossier's own gemeente
        data=lambda e: {"dossier_id": e.dossier_id, "route": e.route, "status": e.status},
    ),
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

# The topic of each aggregate class the gateway's stored events carry, and the class it means now
# (services/common/topics.py).
STORED_TOPICS = {
    "services.gateway.access_log:AccessLog": AccessLog,
    "services.gateway.access_log:DossierRead": DossierRead,
    "services.gateway.access_log:HandledCommand": HandledCommand,
    "services.gateway.access_log:ListRead": ListRead,
    "services.gateway.access_log:RefusedRead": RefusedRead,
}
keep_topics(STORED_TOPICS)
