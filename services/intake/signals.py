"""Signals: what other professionals notice before and during the intake (seed: "signalen").

A signal has an author (user and role), a life domain, a text and a sensitivity. Who may read it
depends on its domain and sensitivity and the reader's role (`services.common.visibility`); a
volunteer guide never reads a health signal. Every read is itself an event, so it reaches the audit
ledger. No I/O here.

A signal about a special category (health, AVG art. 9 lid 1) is accepted only on the basis the
sharing protocol names for its sender, recorded before it comes, and keeps it (`basis`):
`services.common.signal_basis`, shared with the volunteer guide's signals in matching.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate
from services.common.fields import validated
from services.common.visibility import may_read_signal
from services.contracts.intake import SignalGiven

_SIGNALS_NAMESPACE = uuid.UUID("a6c2e0f4-1b3d-4e5f-8a7b-9c0d1e2f3a4b")
SIGNAL_GIVEN = "nl.wegwijs.intake.signaal.gegeven.v1"


def parse_signal(data: Any) -> dict[str, Any]:
    """A signal as given, its shape checked by its published model."""
    signal = validated(SignalGiven, data)
    return {"domain": signal.domain, "text": signal.text.strip(), "sensitivity": signal.sensitivity}


def may_read(roles: tuple[str, ...], signal: Mapping[str, Any]) -> bool:
    """Whether `roles` may read the signal: as `services.common.visibility` declares."""
    return may_read_signal(roles, signal["domain"], signal["sensitivity"])


class SignalLog(ChainAggregate):
    """The signals about one dossier, and who read them."""

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return signal_log_id(dossier_id)

    @event("Opened")
    def __init__(self, dossier_id: uuid.UUID, gemeente: str):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.signals: list[dict[str, Any]] = []

    @event("HandedOver")
    def hand_over(self, to_gemeente: str) -> None:
        """The dossier moved to `to_gemeente` (verhuizing): this part is theirs now."""
        self.gemeente = to_gemeente

    @event("SignalGiven")
    def give(
        self,
        author: str,
        author_role: str,
        domain: str,
        text: str,
        sensitivity: str,
        basis: dict[str, Any] | None = None,  # None: not special, or stored before it was kept
    ) -> None:
        self.signals.append(
            {
                "author": author,
                "author_role": author_role,
                "domain": domain,
                "text": text,
                "sensitivity": sensitivity,
                "basis": basis,
            }
        )

    def readable_by(self, roles: tuple[str, ...]) -> list[dict[str, Any]]:
        return [s for s in self.signals if may_read(roles, s)]

    @event("SignalsRead")
    def record_read(self, reader: str, shown: int, withheld: int, domains: list[str]) -> None:
        """A read of the signals: who, how many were shown and how many withheld."""


def signal_log_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_SIGNALS_NAMESPACE, str(dossier_id))
