"""Dutch for people, shared by the documents the services make (the consent receipt, the inzage
report) and the Werkplek's pages: dates, periods, languages, roles and organisations written out,
and the consent receipt's words. No I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from services.common.clock import AMSTERDAM
from services.common.region import Region
from services.contracts.values import LANGUAGE_NAMES

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
    "partner": "systeem van een partnerorganisatie",
    "huisarts": "huisarts",
    "maatschappelijk-werker": "maatschappelijk werker",
    "coa-medewerker": "medewerker van het COA",
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
    """A language by its Dutch name ("ti" is "Tigrinya"); a name written out stays as it is."""
    return LANGUAGE_NAMES.get((code or "").strip().lower(), code or "")


def role(name: str) -> str:
    return ROLES.get(name, name)


def roles(names: str | list[str] | None) -> str:
    """Roles as the ledger keeps them ("regievoerder,klantmanager") or as a list, in Dutch."""
    listed = names.split(",") if isinstance(names, str) else list(names or [])
    return ", ".join(role(n.strip()) for n in listed if n.strip())


def gemeente_organisations(region: Region) -> dict[str, str]:
    """The region's gemeenten as organisations: OIN -> "Gemeente Utrecht"."""
    return {g.oin: f"Gemeente {g.name}" for g in region.gemeenten}


def organisation(oin: str | None, names: Mapping[str, str]) -> str:
    """An organisation by its name (`names`: OIN -> name); one not known by its OIN."""
    if not oin:
        return ""
    return names.get(oin) or f"organisatie {oin}"


# The consent receipt ------------------------------------------------------------------------
COLLECTION_METHODS = {
    "schriftelijk": "schriftelijk, met handtekening",
    "mondeling-met-tolk": "mondeling, met een tolk",
    "digitaal": "digitaal",
}
GRANTOR_KINDS = {
    "betrokkene": "de persoon zelf",
    "wettelijk-vertegenwoordiger": "een wettelijk vertegenwoordiger",
}
CONSENT_STATUS = {"gegeven": "geldig", "ingetrokken": "ingetrokken", "verlopen": "verlopen"}
CONSENT_STEPS = {
    "gegeven": "gegeven",
    "gewijzigd": "gewijzigd",
    "ingetrokken": "ingetrokken",
    "verlopen": "verlopen",
}
CONSENT_FIELDS = {
    "categories": "welke gegevens",
    "valid_until": "einddatum",
    "evidence": "bewijs",
}


def consent_period(valid_from: str | date, valid_until: str | date) -> str:
    return f"van {as_date(valid_from)} tot en met {as_date(valid_until)}"


def consent_collection(collection: Mapping[str, str]) -> str:
    """How the consent was asked for and in which language: "mondeling, met een tolk, in het
    Tigrinya"."""
    method = COLLECTION_METHODS.get(collection["method"], collection["method"])
    return f"{method}, in het {language(collection['language'])}"


def consent_grantor(grantor: Mapping[str, str]) -> str:
    kind = GRANTOR_KINDS.get(grantor["kind"], grantor["kind"])
    return kind + (f": {grantor['name']}" if grantor.get("name") else "")


def consent_status(receipt: Mapping[str, Any]) -> str:
    status = CONSENT_STATUS.get(receipt["status"], receipt["status"])
    return status + (f" op {as_date(receipt['withdrawn_on'])}" if receipt["withdrawn_on"] else "")


def consent_history(history: list[Mapping[str, Any]]) -> list[str]:
    """What happened to the consent, a line each: "gewijzigd (einddatum): verhuisd"."""
    lines = []
    for step in history:
        line = CONSENT_STEPS.get(step["what"], step["what"])
        if step.get("fields"):
            line += " (" + ", ".join(CONSENT_FIELDS.get(f, f) for f in step["fields"]) + ")"
        if step.get("reason"):
            line += f": {step['reason']}"
        lines.append(line[:1].upper() + line[1:])
    return lines


def receipt_rows(receipt: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The consent receipt (the ConsentReceipt contract) as rows of a table: label, value."""
    return [
        ("Gemeente (verantwoordelijk)", receipt["controller"]["name"]),
        ("Toestemming gegeven door", consent_grantor(receipt["grantor"])),
        ("Aan", receipt["grantee"]["name"] or organisation(receipt["grantee"]["oin"], {})),
        ("Waarvoor", receipt["purpose"]["label"]),
        ("Geldig", consent_period(receipt["valid_from"], receipt["valid_until"])),
        ("Gevraagd", consent_collection(receipt["collection"])),
        ("Bewijs", receipt["evidence"]),
        ("Status", consent_status(receipt)),
        ("Kenmerk", str(receipt["consent_id"])),
    ]
