"""The life domains (leefgebieden) of the brede intake, and the practical matters they reveal.

Each domain is declared once, as the published model of its facts (services.contracts.intake):
its fields, their kind and whether they are required; its facts are checked by it. The
practical matters (aandachtspunten k and l: allowances, health insurance, childcare, debts) are
rules over the recorded facts; the aggregate opens an item when a rule starts to hold and closes it
when it no longer does, or when someone closes it by hand. No I/O here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from services.common.errors import InvalidInput, field_error
from services.common.fields import validated
from services.contracts.intake import LIFE_DOMAINS


@dataclass(frozen=True)
class PracticalRule:
    item: str
    domain: str
    label: str
    holds: Callable[[Mapping[str, Any]], bool]
    # False: the facts open the item, but only a person closes it (a conversation to hold).
    settles_by_facts: bool = True


PRACTICAL_RULES = (
    PracticalRule(
        "zorgverzekering-regelen",
        "gezondheid",
        "Geen zorgverzekering",
        lambda f: not f["health_insurance"],
    ),
    PracticalRule(
        "huisarts-kiezen",
        "gezondheid",
        "Niet ingeschreven bij een huisarts",
        lambda f: not f["gp_registered"],
    ),
    PracticalRule(
        "huurtoeslag-aanvragen",
        "financien",
        "Huurtoeslag niet aangevraagd",
        lambda f: not f["huurtoeslag_applied"],
    ),
    PracticalRule(
        "zorgtoeslag-aanvragen",
        "financien",
        "Zorgtoeslag niet aangevraagd",
        lambda f: not f["zorgtoeslag_applied"],
    ),
    PracticalRule(
        "kinderopvangtoeslag-aanvragen",
        "financien",
        "Kinderopvangtoeslag niet aangevraagd",
        lambda f: f.get("kinderopvangtoeslag_applied") is False,
    ),
    PracticalRule("schulden-aanpakken", "financien", "Schulden", lambda f: f["debts"]),
    PracticalRule(
        "voorschot-uitkering",
        "financien",
        "Voorschot op de uitkering nodig",
        lambda f: f["advance_needed"],
    ),
    PracticalRule(
        "kinderopvang-regelen", "gezin", "Kinderopvang nodig", lambda f: f["childcare_needed"]
    ),
    # The klantmanager's part: whoever can work registers as a jobseeker with UWV
    # (Participatiewet art. 9 lid 1 onder a, as cited on public pages; not checked against
    # wetten.overheid.nl).
    PracticalRule(
        "inschrijven-werkzoekende",
        "werk_en_reintegratie",
        "Inschrijven als werkzoekende bij het UWV (werk.nl)",
        lambda f: f["available_for_work"] and f.get("registered_as_jobseeker") is False,
    ),
    # Steering on the residence intention (seed, aandachtspunt a): a person unsure about staying,
    # or meaning to return, is told the real chance that they stay and asked for the goals that
    # go with it. The regievoerder holds that conversation and closes the item with its outcome;
    # a later "blijven" does not settle it.
    PracticalRule(
        "verblijfsintentie-gesprek",
        "verblijfsintentie",
        "Gesprek voeren over blijven in Nederland en de doelen die daarbij horen",
        lambda f: f["intention"] in ("onzeker", "terugkeren"),
        settles_by_facts=False,
    ),
)
PRACTICAL_ITEMS = {rule.item: rule for rule in PRACTICAL_RULES}


def parse_domain(domain: str, data: Any) -> dict[str, Any]:
    """The facts of one life domain, their shape checked by its published model; a fact left
    empty (null, or empty text) is not recorded, text is trimmed."""
    if domain not in LIFE_DOMAINS:
        raise InvalidInput(
            [field_error("domain", f"unknown life domain; known: {', '.join(LIFE_DOMAINS)}")]
        )
    facts = validated(LIFE_DOMAINS[domain], data).model_dump()
    return {
        name: value.strip() if isinstance(value, str) else value
        for name, value in facts.items()
        if value is not None and value != ""
    }


def items_that_hold(domain: str, facts: Mapping[str, Any]) -> set[str]:
    return {rule.item for rule in PRACTICAL_RULES if rule.domain == domain and rule.holds(facts)}
