"""Dutch for people: dates, periods, languages, organisations and roles written out, and the
API's field problems (English, for developers) said again at B1 level."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from services.common import settings
from services.contracts.values import LANGUAGE_NAMES

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
ROLES = {
    "regievoerder": "regievoerder",
    "klantmanager": "klantmanager",
    "begeleider": "begeleider",
    "coordinator": "coördinator",
    "beleidsmedewerker": "beleidsmedewerker",
    "auditor": "auditor",
    "privacy_officer": "privacyfunctionaris",
    "admin": "beheerder",
    "coa": "COA",
    "statushouder": "inwoner",
}
_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def as_date(value: str | date | None) -> str:
    """`2026-03-12` as "12 maart 2026"; empty for nothing."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(AMSTERDAM).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def as_moment(value: str | datetime | None) -> str:
    """A moment as "12 maart 2026 om 14.05 uur" (Dutch time)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(AMSTERDAM)
    return f"{as_date(local.date())} om {local:%H.%M} uur"


def as_period(value: str | None) -> str:
    """An ISO 8601 period as words: `P5Y` is "5 jaar", `P1Y6M` "1 jaar en 6 maanden"."""
    match = _PERIOD.match(value or "")
    if not value or not match:
        return value or ""
    units = (("jaar", "jaar"), ("maand", "maanden"), ("week", "weken"), ("dag", "dagen"))
    parts = [
        f"{int(n)} {one if int(n) == 1 else many}"
        for n, (one, many) in zip(match.groups(), units, strict=True)
        if n
    ]
    return " en ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def language(code: str | None) -> str:
    return LANGUAGE_NAMES.get((code or "").lower(), code or "")


def role(name: str) -> str:
    return ROLES.get(name, name)


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
    for g in _region()["gemeenten"]:
        if g["oin"] == oin:
            return f"Gemeente {g['name']}"
    return f"organisatie {oin}" if oin else ""


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


# What a field needs, whatever the API found wrong with it (but its absence).
_FIELDS = {
    "bsn": "Dit is geen geldig BSN. Een BSN heeft 9 cijfers.",
    "v_nummer": "Een v-nummer heeft 10 cijfers.",
    # a health signal without the person's consent to the gemeente (issue 17 point 6)
    "consent": (
        "Een signaal over gezondheid kan alleen als de persoon de gemeente daar toestemming voor"
        " gaf. Die toestemming moet eerst vastgelegd zijn (doel: inburgering, gegevens:"
        " gezondheid). U ziet de toestemmingen bij Toestemmingen."
    ),
}


def field_problem(field: str, detail: str) -> str:
    """What was wrong with a field, in Dutch."""
    if field in _FIELDS and not re.search("is required|must not be empty", detail):
        return _FIELDS[field]
    for pattern, dutch in _PROBLEMS:
        if pattern.search(detail):
            return dutch
    return "Dit klopt niet. Kijk het nog eens na."
