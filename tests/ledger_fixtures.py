"""An integration event as audit receives it, for the ledger's tests: a registration."""

from __future__ import annotations

import uuid


def registration_event(position: int, subject: str | None = None, actor: str = "") -> dict:
    """Intake's `dossier.geregistreerd` at `position` of its log (a new dossier unless
    `subject` names one), by `actor` (u-<position> unless given)."""
    return {
        "sequence": f"{position:020d}",
        "id": str(uuid.uuid4()),
        "type": "nl.wegwijs.intake.dossier.geregistreerd.v1",
        "subject": subject or str(uuid.uuid4()),
        "gemeente": "0344",
        "actor": actor or f"u-{position}",
        "actorroles": "regievoerder",
        "organisation": "",
        "activity": "registratie",
        "correlationid": "ab" * 16,
        "time": "2026-11-28T10:00:00+00:00",
        "payloadhash": "sha256:" + "0" * 64,
    }
