"""The documents pip's decisions are sent with: the PIP beschikking, the beschikking of a change,
more time for the PIP, and a warning or a fine on a breach. What each says was decided, in
Dutch, from the aggregate as the decision left it (`services/common/documents`). Never a goal's
text or the reasons the regievoerder typed, so a letter holds no health data; a warning or fine
names the PIP obligation that was breached, as the law asks (Awb art. 5:9: a sanction names the
offence)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from services.common.documents import rules as kinds
from services.common.documents.render import render
from services.pip.domain import Pip
from services.pip.handhaving import FINE, WARNING, Enforcement

ROUTES = {"b1": "B1-route", "onderwijs": "onderwijsroute", "z": "Z-route"}
MODULES = {
    "nt2": "Nederlandse taal (NT2)",
    "knm": "Kennis van de Nederlandse Maatschappij (KNM)",
    "pvt": "Participatieverklaringstraject (PVT)",
    "map": "Module Arbeidsmarkt en Participatie (MAP)",
    "participatie": "Participatie-uren",
}
REVISION_REASONS = {
    "routewijziging": "uw leerroute verandert",
    "afschalen": "uw taalniveau wordt A2",
    "verhuizing": "u gaat verhuizen",
    "anders": "uw plan is aangepast",
}


def _plan_facts(pip: Pip) -> dict[str, Any]:
    version = pip.versions[-1]
    plan = version["plan"]
    leerroute = plan["leerroute"]
    return {
        "decided_on": version["decided_on"],
        "route": ROUTES.get(leerroute["route"], leerroute["route"]),
        "language_target": leerroute["language_target"],
        "modules": [
            f"{MODULES.get(module, module)}: {planned['hours']} uur"
            for module, planned in plan["modules"].items()
        ],
        "termijn_end": pip.termijn_end,
    }


def beschikking(pip: Pip, addressee: str, today: date) -> dict[str, Any]:
    """The PIP beschikking, of the version just established."""
    return render(
        kinds.PIP_BESCHIKKING,
        gemeente=pip.gemeente,
        addressee=addressee,
        issued_on=today,
        decided=_plan_facts(pip),
    )


def wijziging(pip: Pip, addressee: str, today: date) -> dict[str, Any]:
    """The beschikking of a change (bijstelling), of the version just decided."""
    facts = _plan_facts(pip)
    kind = pip.versions[-1]["kind"]
    facts["reason"] = REVISION_REASONS.get(kind, REVISION_REASONS["anders"])
    return render(
        kinds.PIP_WIJZIGING,
        gemeente=pip.gemeente,
        addressee=addressee,
        issued_on=today,
        decided=facts,
    )


def verlenging(pip: Pip, addressee: str, today: date) -> dict[str, Any]:
    """More time for the PIP: while the gemeente waits for another party's information, and,
    once it arrived, the new last day. What is awaited, and from whom, stays out: the
    regievoerder's words may touch health."""
    return render(
        kinds.VERLENGING,
        gemeente=pip.gemeente,
        addressee=addressee,
        issued_on=today,
        decided={"legal_deadline": pip.deadline, "new_deadline": pip.effective_deadline()},
    )


def measure(
    enforcement: Enforcement, number: int, addressee: Callable[[], str], today: date
) -> dict | None:
    """The document of the measure just decided on breach `number`: a warning or a fine taken;
    None for a measure waived or referred (nothing is imposed on the person, and nobody is
    asked for their name)."""
    breach = enforcement.breaches[number - 1]
    decision = breach["decision"]
    if not decision["taken"] or breach["measure"] not in (WARNING, FINE):
        return None
    decided: dict[str, Any] = {
        "about": "een afspraak uit uw PIP (" + breach["obligation"] + ")",
        "on": breach["on"],
    }
    if breach["measure"] == FINE:
        decided["amount_eur"] = decision["amount_eur"]
        decided["heard_on"] = (decision["hearing"] or {}).get("on")
        decided["invited_on"] = None
    return render(
        kinds.WAARSCHUWING if breach["measure"] == WARNING else kinds.BOETE,
        gemeente=enforcement.gemeente,
        addressee=addressee(),
        issued_on=today,
        decided=decided,
    )
