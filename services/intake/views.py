"""What each role may see of a dossier, by data category, and the record of every such read.

A view is put together from categories; a role sees only the categories it may see, and every view
is stored as an event naming the reader and the categories shown, so it reaches the audit ledger.
No I/O here.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate

_VIEWS_NAMESPACE = uuid.UUID("c3e1f0a2-5b4d-4c6e-9f8a-1b2c3d4e5f60")

CATEGORIES = (
    "identiteit",  # names, birth date, BSN, V-nummer
    "contact",
    "taal",  # languages, Dutch level
    "gezin",  # household, children, the gezin domain
    "opleiding-en-werk",
    "gezondheid",  # a special category (AVG art. 9)
    "financien",
    "huisvesting",
    "verblijfsintentie-en-verwachtingen",
    "inburgering",  # leerbaarheidstoets, route advice and choice, conversations
    "praktische-zaken",
)

VISIBLE: dict[str, frozenset[str]] = {
    "regievoerder": frozenset(CATEGORIES),
    "klantmanager": frozenset(CATEGORIES) - {"gezondheid"},
    # A volunteer guide works on PIP goals: language, family, housing, expectations; never
    # health or finances, never the BSN.
    "begeleider": frozenset(
        {"taal", "gezin", "huisvesting", "verblijfsintentie-en-verwachtingen", "inburgering"}
    ),
}

DOMAIN_CATEGORY = {
    "huisvesting": "huisvesting",
    "gezondheid": "gezondheid",
    "financien": "financien",
    "gezin": "gezin",
    "sociaal_netwerk": "gezin",
    "verblijfsintentie": "verblijfsintentie-en-verwachtingen",
    "verwachtingen": "verblijfsintentie-en-verwachtingen",
}

ITEM_CATEGORY = {
    "zorgverzekering-regelen": "gezondheid",
    "huisarts-kiezen": "gezondheid",
    "huurtoeslag-aanvragen": "financien",
    "zorgtoeslag-aanvragen": "financien",
    "kinderopvangtoeslag-aanvragen": "financien",
    "schulden-aanpakken": "financien",
    "voorschot-uitkering": "financien",
    "kinderopvang-regelen": "gezin",
}


def visible_categories(roles: tuple[str, ...]) -> frozenset[str]:
    return frozenset().union(*(VISIBLE.get(role, frozenset()) for role in roles))


def dossier_view(
    dossier: dict[str, Any], intake: dict[str, Any] | None, roles: tuple[str, ...]
) -> dict[str, Any]:
    """The dossier and its brede intake with only the categories the roles may see."""
    sees = visible_categories(roles)
    profile = dossier.get("profile", {})
    view: dict[str, Any] = {"id": dossier["id"], "gemeente": dossier["gemeente"]}
    if "identiteit" in sees:
        for name in ("bsn", "v_nummer", "given_name", "family_name", "birth_date"):
            view[name] = dossier[name]
    else:
        view["given_name"] = dossier["given_name"]  # a guide knows whom they guide
    if "contact" in sees and "contact" in profile:
        view["contact"] = profile["contact"]
    if "taal" in sees:
        view["languages"] = profile.get("languages", [])
        view["dutch_level"] = profile.get("dutch_level")
    if "gezin" in sees:
        view["household_id"] = dossier["household_id"]
        view["children"] = profile.get("children", [])
    if intake is not None:
        view["intake"] = _intake_view(intake, sees)
    view["categories"] = sorted(sees & set(CATEGORIES))
    return view


def _intake_view(intake: dict[str, Any], sees: frozenset[str]) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "domains": {
            d: facts for d, facts in intake["domains"].items() if DOMAIN_CATEGORY[d] in sees
        },
        "practical_items": [
            i for i in intake["practical_items"] if ITEM_CATEGORY[i["item"]] in sees
        ],
    }
    if "inburgering" in sees:
        for name in ("leerbaarheidstoets", "route_advice", "route_choice", "conversations"):
            shown[name] = intake[name]
    if "opleiding-en-werk" in sees:
        shown["education"], shown["work"] = intake["education"], intake["work"]
    circumstances = intake.get("personal_circumstances") or {}
    if circumstances and "gezondheid" in sees:
        shown["personal_circumstances"] = circumstances
    elif circumstances and "financien" in sees:
        shown["personal_circumstances"] = {"summary": circumstances["summary"]}
    return shown


class ReadLog(ChainAggregate):
    """Who viewed a dossier, when, and which categories they were shown."""

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return read_log_id(dossier_id)

    @event("Opened")
    def __init__(self, dossier_id: uuid.UUID, gemeente: str):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.reads = 0

    @event("Viewed")
    def viewed(self, reader: str, roles: list[str], categories: list[str]) -> None:
        self.reads += 1


def read_log_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_VIEWS_NAMESPACE, str(dossier_id))
