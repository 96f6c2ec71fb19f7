"""The documents intake's decisions are sent with: a warning or a fine of the sanction ladder at
the brede intake (`services/common/documents`). They say what was decided and why in Dutch;
never the regievoerder's reasons or the hearing's summary (they may touch health)."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.common.documents import rules as kinds
from services.common.documents.render import render
from services.intake.brede_intake import BredeIntake
from services.intake.rules import FINE, FINE_AMOUNT_EUR, WARNING


def sanction(intake: BredeIntake, step: str, addressee: str, today: date) -> dict | None:
    """The document of the sanction step just decided: a warning or a fine taken; None for a
    step waived, or another step (nothing to send)."""
    decided = [s for s in intake.sanctions if s["step"] == step and s["decision"] is not None]
    if not decided or decided[-1]["decision"] != "genomen" or step not in (WARNING, FINE):
        return None
    taken = decided[-1]
    facts: dict[str, Any] = {
        "about": "de gesprekken voor uw brede intake: u kwam "
        f"{taken['no_shows']} keer niet, zonder afmelding",
        "on": None,
    }
    if step == FINE:
        facts["amount_eur"] = FINE_AMOUNT_EUR
        facts["heard_on"] = None
        facts["invited_on"] = (taken.get("hearing") or {}).get("invited_on")
    return render(
        kinds.WAARSCHUWING if step == WARNING else kinds.BOETE,
        gemeente=intake.gemeente,
        addressee=addressee,
        issued_on=today,
        decided=facts,
    )
