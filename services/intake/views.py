"""What each role may see of a dossier and its brede intake, by data category, and the record of
every view.

Which categories a role sees is declared once, in `services.common.visibility`; every route of
intake asks it. Every view is stored as an event naming the reader and the categories shown, so it
reaches the audit ledger. No I/O here.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import event

from services.common.access import may_close_practical_item
from services.common.aggregate import ChainAggregate
from services.common.visibility import CATEGORIES, may_see_domain, visible_categories
from services.intake.life_domains import PRACTICAL_ITEMS, PRACTICAL_RULES

_VIEWS_NAMESPACE = uuid.UUID("c3e1f0a2-5b4d-4c6e-9f8a-1b2c3d4e5f60")
# The categories a view can show: it shows no sanctions (handhaving).
VIEW_CATEGORIES = frozenset(CATEGORIES) - {"handhaving"}


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
        view["intake"] = _intake_view(intake, roles)
    view["categories"] = sorted(sees & VIEW_CATEGORIES)
    return view


def _intake_view(intake: dict[str, Any], roles: tuple[str, ...]) -> dict[str, Any]:
    sees = visible_categories(roles)
    shown: dict[str, Any] = {
        "domains": visible_domains(intake["domains"], roles),
        "practical_items": visible_items(intake["practical_items"], roles),
    }
    if "inburgering" in sees:
        for name in ("leerbaarheidstoets", "route_advice", "route_choice", "conversations"):
            shown[name] = intake[name]
        shown["leerbaarheidstoets_not_taken"] = toets_not_taken_as_seen(
            intake["leerbaarheidstoets_not_taken"], roles
        )
    if "opleiding-en-werk" in sees:
        shown["education"], shown["work"] = intake["education"], intake["work"]
    circumstances = intake.get("personal_circumstances") or {}
    if circumstances and "gezondheid" in sees:
        shown["personal_circumstances"] = circumstances
    elif circumstances and "financien" in sees:
        shown["personal_circumstances"] = {"summary": circumstances["summary"]}
    return shown


def brede_intake_as_seen(intake: dict[str, Any], roles: tuple[str, ...]) -> dict[str, Any]:
    """The whole brede intake with only what `roles` may see of it (the intake's own readers)."""
    sees = visible_categories(roles)
    shown = {
        **intake,
        "domains": visible_domains(intake["domains"], roles),
        "practical_items": visible_items(intake["practical_items"], roles),
    }
    circumstances = dict(intake["personal_circumstances"] or {})
    if "gezondheid" not in sees:
        circumstances.pop("physical_health", None)
        circumstances.pop("mental_health", None)
    shown["personal_circumstances"] = circumstances or None
    if "opleiding-en-werk" not in sees:
        shown["education"], shown["work"] = [], []
    if "handhaving" not in sees:
        shown["sanctions"] = []
    shown["leerbaarheidstoets_not_taken"] = toets_not_taken_as_seen(
        intake["leerbaarheidstoets_not_taken"], roles
    )
    shown["history"] = [step for step in intake["history"] if _may_see_step(step, roles)]
    return shown


def toets_not_taken_as_seen(
    not_taken: dict[str, Any] | None, roles: tuple[str, ...]
) -> dict[str, Any] | None:
    """Why the leerbaarheidstoets was not taken; a ground about health, with its note, only for
    a reader who sees health (the others learn only that it was not taken, and when)."""
    if not_taken is None or not not_taken["health"] or "gezondheid" in visible_categories(roles):
        return not_taken
    return {
        **dict.fromkeys(("ground", "label", "articles", "note", "health")),
        **{"recorded_on": not_taken["recorded_on"]},
    }


def _may_see_step(step: dict[str, Any], roles: tuple[str, ...]) -> bool:
    """A step about a life domain or one of its practical items only for a reader of that
    domain; a sanction step only for a reader of handhaving."""
    about = step.get("about")
    if step["step"] == "LifeDomainRecorded":
        return may_see_domain(roles, about)
    if step["step"].startswith("PracticalItem"):
        return may_see_domain(roles, PRACTICAL_ITEMS[about].domain)
    if step["step"].startswith("Sanction"):
        return "handhaving" in visible_categories(roles)
    return True


def visible_domains(domains: dict[str, Any], roles: tuple[str, ...]) -> dict[str, Any]:
    return {d: facts for d, facts in domains.items() if may_see_domain(roles, d)}


def visible_items(items: list[dict[str, Any]], roles: tuple[str, ...]) -> list[dict[str, Any]]:
    """The practical items of the domains `roles` may see (an open "no health insurance" is
    health)."""
    return [i for i in items if may_see_domain(roles, PRACTICAL_ITEMS[i["item"]].domain)]


def readable_practical_items(roles: tuple[str, ...]) -> list[str]:
    """The practical items of the life domains `roles` may see."""
    return [rule.item for rule in PRACTICAL_RULES if may_see_domain(roles, rule.domain)]


def open_item_as_seen(row: dict[str, Any], roles: tuple[str, ...]) -> dict[str, Any]:
    """An open practical item of a list, with its label and domain, and whether the reader
    closes it."""
    rule = PRACTICAL_ITEMS[row["item"]]
    return {
        **row,
        "label": rule.label,
        "domain": rule.domain,
        "may_close": may_close_practical_item(roles, rule.domain),
    }


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

    @event("HandedOver")
    def hand_over(self, to_gemeente: str) -> None:
        """The dossier moved to `to_gemeente` (verhuizing): this part is theirs now."""
        self.gemeente = to_gemeente

    @event("Viewed")
    def viewed(self, reader: str, roles: list[str], categories: list[str]) -> None:
        self.reads += 1


def read_log_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_VIEWS_NAMESPACE, str(dossier_id))
