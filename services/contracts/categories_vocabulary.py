"""The data categories of Wegwijs: the vocabulary every event field, consent, protocol and
partner subscription speaks (contracts/data-categories.v2.json is made from this and from the
event register)."""

from __future__ import annotations

from typing import Any

COMMENT = (
    "Data categories of Wegwijs and the category of every field of every integration event. "
    "Consent decisions and partner feeds use this mapping; a test fails when an event field has "
    "no category. A category marked never_shared goes to no partner, whatever the protocol or a "
    "consent says. A category can follow a value (by_value, else default); `absent` is the "
    "category when the field is missing (an event stored before the field was published)."
)
VERSION = "2"
VOCABULARY: dict[str, dict[str, Any]] = {
    "identiteit": {
        "label": "Identiteit",
        "description": "Wie de persoon is en sinds wanneer in de gemeente: het "
        "pseudonieme dossiernummer, gemeente, data van kennisgeving en "
        "inschrijving, profiel.",
    },
    "contact": {
        "label": "Contactgegevens en wonen",
        "description": "Adres, telefoon, e-mail, huisvesting.",
    },
    "taal-leerbaarheid": {
        "label": "Taal en leerbaarheid",
        "description": "Leerbaarheidstoets, leerroute, taaldoel, taalniveau.",
    },
    "opleiding-werk": {
        "label": "Opleiding en werk",
        "description": "Opleidingen en werkervaring, doelen op werk en opleiding.",
    },
    "gezondheid": {
        "label": "Gezondheid",
        "description": "Lichamelijke en psychische gezondheid, zorg, preventie.",
        "special": True,
        "basis": "AVG art. 9: bijzonder persoonsgegeven",
    },
    "financien": {"label": "Financiën", "description": "Inkomen, schulden, toeslagen, ontzorgen."},
    "gezin": {
        "label": "Gezin en netwerk",
        "description": "Partner, kinderen, kinderopvang, huishouden, sociaal netwerk.",
    },
    "verblijfsintentie": {
        "label": "Verblijfsintentie",
        "description": "Of de persoon wil blijven, terugkeren of twijfelt.",
    },
    "pip": {
        "label": "PIP-doelen en voortgang",
        "description": "Het plan, doelen, fasen, voortgang en termijnen.",
    },
    "signalen": {"label": "Signalen", "description": "Signalen van professionals over de persoon."},
    "handhaving": {
        "label": "Handhaving",
        "description": "Niet verschenen bij een gesprek, een PIP-verplichting niet "
        "nagekomen, waarschuwingen, boetes en maatregelen. Dit blijft "
        "bij de gemeente.",
        "never_shared": True,
    },
    "intern": {
        "label": "Intern",
        "description": "Verantwoording binnen Wegwijs (wie las wat); nooit aan partners.",
        "never_shared": True,
    },
}
