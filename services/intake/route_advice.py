"""The route advice of the brede intake: from the leerbaarheidstoets, the education history and the
age, or, when the toets was not taken, from the ground it was not taken on. An advice explains
itself (its rule, reasons and facts) and never decides: the regievoerder chooses. No I/O here."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, get_args

from services.common.errors import InvalidInput, field_error
from services.contracts.intake import EducationLevel
from services.intake.rules import NO_ADVICE_RULE, TOETS_EXEMPTION_GROUNDS, exemption_rule

# The leerbaarheidstoets is an indicator, not a verdict: how quickly the person is expected to
# learn Dutch. The routes each outcome points to; choosing another one needs a reason.
LBT_INDICATES = {"hoog": ("b1", "onderwijs"), "gemiddeld": ("b1",), "laag": ("z",)}
EDUCATION_LEVELS: tuple[str, ...] = get_args(EducationLevel)  # lowest first
ONDERWIJSROUTE_MAX_AGE = 28  # the onderwijsroute is meant for young people heading to mbo/hbo/wo
_STUDY_READY = ("voortgezet", "mbo", "hbo", "wo")


@dataclass(frozen=True)
class RouteAdvice:
    """An advised leerroute with the facts and the rule that led to it."""

    route: str
    rule: str
    reasons: tuple[str, ...]
    facts: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reasons"] = list(self.reasons)
        return data


def advise_route(lbt_outcome: str, highest_education: str, age: int) -> RouteAdvice:
    """The route advice from the leerbaarheidstoets, the education history and the age."""
    facts = {
        "leerbaarheidstoets": lbt_outcome,
        "hoogste_opleiding": highest_education,
        "leeftijd": age,
    }
    if lbt_outcome == "laag":
        return RouteAdvice(
            "z",
            "lbt-laag",
            (
                "De leerbaarheidstoets is laag: B1 binnen de inburgeringstermijn is niet"
                " te verwachten.",
            ),
            facts,
        )
    if lbt_outcome == "hoog" and age < ONDERWIJSROUTE_MAX_AGE and highest_education in _STUDY_READY:
        return RouteAdvice(
            "onderwijs",
            "lbt-hoog-jong-vooropgeleid",
            (
                "De leerbaarheidstoets is hoog.",
                f"De persoon is {age} jaar, jonger dan {ONDERWIJSROUTE_MAX_AGE}.",
                f"De hoogste opleiding ({highest_education}) geeft toegang tot vervolgonderwijs.",
            ),
            facts,
        )
    return RouteAdvice(
        "b1",
        "standaard-b1",
        (
            f"De leerbaarheidstoets is {lbt_outcome}: B1 is haalbaar.",
            "De voorwaarden voor de onderwijsroute (toets hoog, jonger dan "
            f"{ONDERWIJSROUTE_MAX_AGE}, vooropleiding) zijn niet alle vervuld.",
        ),
        facts,
    )


def advise_without_toets(
    ground: str, highest_education: str, age: int, chosen: dict[str, str]
) -> RouteAdvice:
    """The route advice when the leerbaarheidstoets was not taken: the route its ground gives
    (`rules.TOETS_EXEMPTION_GROUNDS`), or else the regievoerder's choice with its reason."""
    exemption = TOETS_EXEMPTION_GROUNDS[ground]
    facts = {
        "leerbaarheidstoets": "niet afgenomen",
        "grond": ground,
        "hoogste_opleiding": highest_education,
        "leeftijd": age,
    }
    reasons = (exemption.reason, f"Grondslag: {exemption.articles}.")
    if exemption.advised_route:
        return RouteAdvice(exemption.advised_route, exemption_rule(exemption), reasons, facts)
    missing = [name for name in ("route", "reason") if not chosen.get(name)]
    if missing:
        raise InvalidInput(
            [
                field_error(
                    name,
                    "is required: the leerbaarheidstoets was not taken "
                    f"({exemption.label.lower()}), so there is no advice and the regievoerder "
                    "chooses the route, with a reason",
                )
                for name in missing
            ]
        )
    return RouteAdvice(
        chosen["route"],
        NO_ADVICE_RULE,
        (*reasons, f"De regievoerder koos de {chosen['route']}-route: {chosen['reason']}"),
        facts,
    )
