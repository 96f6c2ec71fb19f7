"""The life domains (leefgebieden) of the brede intake, and the practical matters they reveal.

Each domain is declared once, as the published model of its facts (services.contracts.intake):
its fields, their kind and whether they are required. The
practical matters (aandachtspunten k and l: allowances, health insurance, childcare, debts) are
rules over the recorded facts; the aggregate opens an item when a rule starts to hold and closes it
when it no longer does, or when someone closes it by hand. No I/O here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from services.common.errors import InvalidInput, field_error
from services.contracts.intake import LIFE_DOMAINS


@dataclass(frozen=True)
class Field:
    kind: str  # "text", "bool", "int" or "choice"
    required: bool = False
    choices: tuple[str, ...] = ()


def _field(spec: FieldInfo) -> Field:
    """A field of a domain as its published model declares it (services.contracts.intake)."""
    kind = spec.annotation
    if get_origin(kind) in (Union, UnionType):  # optional: `X | None`
        [kind] = [a for a in get_args(kind) if a is not type(None)]
    if get_origin(kind) is Annotated:
        kind = get_args(kind)[0]
    if get_origin(kind) is Literal:
        return Field("choice", spec.is_required(), get_args(kind))
    return Field({str: "text", bool: "bool", int: "int"}[kind], spec.is_required())


# The life domains and their fields, declared once, as the published models of their facts.
DOMAINS: dict[str, dict[str, Field]] = {
    domain: {name: _field(spec) for name, spec in model.model_fields.items()}
    for domain, model in LIFE_DOMAINS.items()
}


@dataclass(frozen=True)
class PracticalRule:
    item: str
    domain: str
    label: str
    holds: Callable[[Mapping[str, Any]], bool]


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
)
PRACTICAL_ITEMS = {rule.item: rule for rule in PRACTICAL_RULES}


def parse_domain(domain: str, data: Any) -> dict[str, Any]:
    """The facts of one life domain, checked against its declaration."""
    if domain not in DOMAINS:
        raise InvalidInput(
            [field_error("domain", f"unknown life domain; known: {', '.join(DOMAINS)}")]
        )
    if not isinstance(data, Mapping):
        raise InvalidInput([field_error("", "the body must be a JSON object")])
    fields = DOMAINS[domain]
    errors = [
        field_error(name, f"is not a field of {domain}; its fields: {', '.join(fields)}")
        for name in data
        if name not in fields
    ]
    facts: dict[str, Any] = {}
    for name, spec in fields.items():
        value = data.get(name)
        if value is None or value == "":
            if spec.required:
                errors.append(field_error(name, "is required"))
            continue
        problem = _check(spec, value)
        if problem:
            errors.append(field_error(name, problem))
        else:
            facts[name] = value.strip() if spec.kind == "text" else value
    if errors:
        raise InvalidInput(errors)
    return facts


def _check(spec: Field, value: Any) -> str:
    if spec.kind == "text" and (not isinstance(value, str) or len(value) > 2000):
        return "must be text of at most 2000 characters"
    if spec.kind == "bool" and not isinstance(value, bool):
        return "must be true or false"
    if spec.kind == "int" and (
        not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 20
    ):
        return "must be a whole number from 0 to 20"
    if spec.kind == "choice" and value not in spec.choices:
        return f"must be one of: {', '.join(spec.choices)}"
    return ""


def items_that_hold(domain: str, facts: Mapping[str, Any]) -> set[str]:
    return {rule.item for rule in PRACTICAL_RULES if rule.domain == domain and rule.holds(facts)}
