"""What the Logboek dataverwerkingen asks of each ledger entry beyond who, what and when: the
trace and span, the processing activity (from the register), the kind of data subject, the system,
the receiving party of a sharing decision, its result, the confidentiality and the retention. No
I/O except loading the register and the data categories once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.audit.register import ProcessingRegister
from services.contracts.categories import Categories

DECIDED = "nl.wegwijs.consent.deelbesluit.genomen.v1"
WITHHELD = "nl.wegwijs.consent.levering.tegengehouden.v1"
COMMAND = "nl.wegwijs.gateway.opdracht.behandeld.v1"
REFUSED_READ = "nl.wegwijs.gateway.inzage.geweigerd.v1"


class EntryDescriber:
    def __init__(
        self, register: ProcessingRegister | None = None, categories: Categories | None = None
    ):
        self.register = register or ProcessingRegister.load()
        self.categories = categories or Categories.load()
        self.special = self.categories.special()

    def __call__(self, event: Mapping[str, Any]) -> dict[str, str]:
        event_type, data = event["type"], event.get("data") or {}
        try:
            activity = self.register.of_event_type(event_type)
            activity_id, retention = activity.id, activity.retention
        except LookupError:
            activity_id, retention = "", ""
        traceparent = event.get("traceparent", "").split("-")
        return {
            "trace_id": event["correlationid"],
            "span_id": traceparent[2] if len(traceparent) == 4 else "",
            "processing_activity": activity_id,
            "subject_type": _subject_type(event),
            "system": event.get("source", ""),
            "receiving_party": data.get("recipient", "")
            if event_type in (DECIDED, WITHHELD)
            else "",
            "result": _result(event_type, data),
            "confidentiality": self._confidentiality(event_type, data),
            "retention": retention,
        }

    def _confidentiality(self, event_type: str, data: Mapping[str, Any]) -> str:
        """`bijzonder` when the event touches a special category (health), `persoonsgegevens`
        when it is about a person, `intern` otherwise."""
        if event_type in self.categories.events:
            found = self.categories.of_event(event_type).categories_in(data)
            if found & self.special:
                return "bijzonder"
            if found - {"intern"}:
                return "persoonsgegevens"
        if event_type == DECIDED and any(
            d.get("category") in self.special for d in data.get("decisions", [])
        ):
            return "bijzonder"
        return "intern"


def _subject_type(event: Mapping[str, Any]) -> str:
    """A dossier (a person, in a gemeente), an entry of a register, or none (a command that was
    refused before there was a dossier)."""
    if not event.get("subject"):
        return ""
    return "dossier" if event.get("gemeente") else "register"


def _result(event_type: str, data: Mapping[str, Any]) -> str:
    """What came of it: for a sharing decision whether it was permitted, in part or not; for a
    command the API answered whether it was carried out, refused or failed."""
    if event_type == COMMAND:
        return data.get("result", "")
    if event_type == DECIDED:
        permits = [d.get("permit") for d in data.get("decisions", [])]
        if permits and all(permits):
            return "toegestaan"
        return "deels-toegestaan" if any(permits) else "geweigerd"
    if event_type == WITHHELD:
        return "tegengehouden"
    if event_type == REFUSED_READ:
        return "geweigerd"
    return "vastgelegd"
