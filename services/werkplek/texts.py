"""Dutch for people: dates, periods, languages, organisations and roles written out, and the
API's field problems (English, for developers) said again at B1 level."""

from __future__ import annotations

import json
import re
from functools import cache

from services.common import settings
from services.common.clock import AMSTERDAM
from services.common.dutch import (
    MONTHS,
    ROLES,
    as_date,
    as_moment,
    as_period,
    language,
    role,
)
from services.common.dutch import organisation as _organisation
from services.contracts.categories import Categories

__all__ = [
    "AMSTERDAM",
    "MONTHS",
    "ROLES",
    "as_date",
    "as_moment",
    "as_period",
    "language",
    "role",
]


@cache
def _region() -> dict:
    with open(settings.REGION_FILE.get(), encoding="utf-8") as file:
        return json.load(file)


def region_name() -> str:
    return str(_region().get("region", ""))


def gemeenten() -> list[tuple[str, str]]:
    """The region's gemeenten as (CBS code, name)."""
    return [(g["code"], g["name"]) for g in _region()["gemeenten"]]


def gemeente(code: str | None) -> str:
    return dict(gemeenten()).get(code or "", code or "")


def organisation(oin: str | None) -> str:
    """An organisation by name: the region's gemeenten are known here; another by its OIN."""
    known = {g["oin"]: f"Gemeente {g['name']}" for g in _region()["gemeenten"]}
    return _organisation(oin, known)


# The API's words for a wrong field, and the same at B1 level.
_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), dutch)
    for pattern, dutch in (
        (r"is required|must not be empty", "Vul dit in."),
        (r"must not be in the future", "Deze datum mag niet in de toekomst liggen."),
        (r"must not be before", "Deze datum is te vroeg."),
        (r"date", "Vul een datum in."),
        (r"must be one of|unknown CBS|gemeente", "Kies een van de mogelijkheden."),
        (r"characters|at most|at least|too long|too short", "Dit is te kort of te lang."),
        (r"already registered", "Deze persoon staat al in Wegwijs."),
    )
)


# What a field needs, whatever the API found wrong with it (but its absence; for the fields of
# _ALWAYS, their absence too: what the law asks before a sanction).
_FIELDS = {
    "bsn": "Dit is geen geldig BSN. Een BSN heeft 9 cijfers.",
    "v_nummer": "Een v-nummer heeft 10 cijfers.",
    # a health signal without the person's consent to the gemeente (issue 17 point 6)
    "consent": (
        "Een signaal over gezondheid kan alleen als de persoon de gemeente daar toestemming voor"
        " gaf. Die toestemming moet eerst vastgelegd zijn (doel: inburgering, gegevens:"
        " gezondheid). U ziet de toestemmingen bij Toestemmingen."
    ),
    # a sanction taken without what the law asks first (issue 17 point 2)
    "culpability": (
        "Dit kan alleen als het de persoon te verwijten is. Vul in dat het de persoon te"
        " verwijten is, en waarom. Is het niet te verwijten? Zie dan af van deze stap."
    ),
    "hearing": (
        "Dit kan alleen als de persoon eerst kon reageren. Vul in wanneer de persoon die kans"
        " kreeg en wat hij of zij zei."
    ),
    "warning": (
        "Een boete kan alleen na een waarschuwing. Besluit eerst over de waarschuwing, of zie"
        " af van deze stap."
    ),
}


_ALWAYS = frozenset({"culpability", "hearing", "warning"})


def field_problem(field: str, detail: str) -> str:
    """What was wrong with a field, in Dutch."""
    if field in _FIELDS and (
        field in _ALWAYS or not re.search("is required|must not be empty", detail)
    ):
        return _FIELDS[field]
    for pattern, dutch in _PROBLEMS:
        if pattern.search(detail):
            return dutch
    return "Dit klopt niet. Kijk het nog eens na."


# A household member's relation, by the contract's values (partner, kind, overig).
RELATIONS = {"partner": "Partner", "kind": "Kind", "overig": "Ander gezinslid"}


def relation(name: str | None) -> str:
    """A household member's relation, as in a sentence: "partner", "ander gezinslid"."""
    return RELATIONS.get(name or "", name or "").lower()


@cache
def category_labels() -> dict[str, str]:
    """The data categories by their Dutch label ("taal-en-leerbaarheid": "Taal en leerbaarheid")."""
    return {name: spec["label"] for name, spec in Categories.load().labels.items()}
