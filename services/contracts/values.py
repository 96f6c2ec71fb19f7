"""Value types of the chain, one definition each: BSN, V-nummer, gemeente code, CEFR level,
inburgering route, Piëzo phase, dates and ids as they travel in JSON."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

# Common European Framework of Reference levels, lowest first (A0: no Dutch yet).
CefrLevel = Literal["A0", "A1", "A2", "B1", "B2", "C1", "C2"]
CEFR: tuple[str, ...] = get_args(CefrLevel)

# The three routes of the Wet inburgering 2021 (art. 13): B1, onderwijs, zelfredzaamheid.
InburgeringRoute = Literal["b1", "onderwijs", "z"]
ROUTES: tuple[str, ...] = get_args(InburgeringRoute)

# Piëzo's participation ladder, 0 to 4; phases may run in parallel (duaal). A whole number,
# strictly: JSON's `true` or `1.0` is no phase (a Literal of numbers would take both as 1).
PIEZO_PHASES: tuple[int, ...] = (0, 1, 2, 3, 4)
PiezoPhase = Annotated[
    int, Field(strict=True, ge=PIEZO_PHASES[0], le=PIEZO_PHASES[-1], description="Piëzo phase.")
]


def passes_elfproef(bsn: str) -> bool:
    """The 11-proef of a BSN: weights 9..2 and -1; the sum is a multiple of 11 and not 0."""
    if not re.fullmatch(r"[0-9]{9}", bsn):
        return False
    total = sum(int(d) * w for d, w in zip(bsn, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total != 0 and total % 11 == 0


def _elfproef(bsn: str) -> str:
    if not passes_elfproef(bsn):
        raise PydanticCustomError("bsn", "must be 9 digits that pass the 11-proef")
    return bsn


Bsn = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{9}$"),
    AfterValidator(_elfproef),
    Field(
        description="Burgerservicenummer: nine digits that pass the 11-proef.",
        # JSON Schema cannot say "passes the 11-proef"; a named format can, for the tools.
        json_schema_extra={"format": "bsn"},
    ),
]
VNummer = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{10}$"),
    Field(description="The IND's vreemdelingennummer: ten digits."),
]
GemeenteCode = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{4}$"),
    Field(description="CBS gemeentecode, four digits (0344 is Utrecht)."),
]
Oin = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{20}$"),
    Field(description="Organisatie-identificatienummer: twenty digits."),
]
RegionGemeente = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{4}$"),
    Field(
        description="CBS gemeentecode of a gemeente of this region (the platform's"
        " configuration; the OpenAPI document lists them).",
        json_schema_extra={"format": "regiogemeente"},
    ),
]


def _written_as_a_date(value: Any) -> Any:
    """Text written YYYY-MM-DD as its date, other text refused; the rest is left to `date`
    (which alone would also take a Unix timestamp written as digits, "0" for 1970-01-01)."""
    if not isinstance(value, str):
        return value
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date_parsing", "Input should be a date written as YYYY-MM-DD")


_AS_WRITTEN = BeforeValidator(_written_as_a_date)
Date = Annotated[date, _AS_WRITTEN, Field(examples=["2026-09-01"])]
# A date the service refuses when it is after today (Europe/Amsterdam): said to tools as
# `x-not-after: today`, since JSON Schema cannot say it.
PastDate = Annotated[
    date,
    _AS_WRITTEN,
    Field(examples=["2026-09-01"], json_schema_extra={"x-not-after": "today"}),
]
# A date of a person's registration: not after today, and not before 1900.
RegisteredDate = Annotated[
    date,
    _AS_WRITTEN,
    Field(
        examples=["2026-09-01"],
        json_schema_extra={"x-not-after": "today", "x-not-before": "1900-01-01"},
    ),
]
DossierId = Annotated[
    UUID,
    Field(description="The dossier's pseudonymous id; the only identifier that leaves intake."),
]

# Languages by their ISO 639 code, written out in Dutch: in matching's explanations and on the
# Werkplek's pages.
LANGUAGE_NAMES = {
    "am": "Amhaars",
    "ar": "Arabisch",
    "de": "Duits",
    "en": "Engels",
    "es": "Spaans",
    "fa": "Farsi",
    "fr": "Frans",
    "ku": "Koerdisch",
    "nl": "Nederlands",
    "prs": "Dari",
    "ps": "Pasjtoe",
    "ru": "Russisch",
    "so": "Somalisch",
    "ti": "Tigrinya",
    "tr": "Turks",
    "uk": "Oekraïens",
    "ur": "Urdu",
}
