"""The practical checklist of a household (issue 17): what a new household has to arrange in its
first weeks (Piëzo fase 0; the seed's aandachtspunten k and l), one checklist for all its members.

It opens, complete, when the household's first member is registered: the household is new then,
and the practical matters are urgent from the day it is linked to the gemeente (seed,
"Fasering"). What concerns children is added as children become known (a member registered as
`kind`, or children in a member's profile): child benefit and the child budget for a household
with a child under 18, and a school enrolment per child of school age. The facts recorded in any
member's brede intake settle the items they speak about (`life_domains.PRACTICAL_RULES`), and a
person closes an item by hand with a note; either way the checklist keeps who closed it and when.
No I/O here.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate
from services.common.errors import InvalidInput, field_error
from services.intake.life_domains import PRACTICAL_ITEMS as INTAKE_RULES

_NAMESPACE = uuid.UUID("6a1d7c3e-2b9f-4e58-8c0d-5f4b3a2e1d90")
_CHILD_NAMESPACE = uuid.UUID("0e7b5d2a-9c41-4f3e-a6b8-1d2c3e4f5a6b")

SCHOOL = "schoolinschrijving"
# School age: a child may go to school from 4 (Wet op het primair onderwijs art. 39, not
# verified in the search corpora), must from 5 (Leerplichtwet 1969 art. 3), and the
# kwalificatieplicht lasts until 18 (Leerplichtwet 1969 art. 4a, as rules.py cites it).
SCHOOL_FROM, MINOR_UNTIL = 4, 18


@dataclass(frozen=True)
class ChecklistItem:
    item: str
    domain: str
    label: str
    articles: str = ""


# The complete checklist of a new household, in the order it is worked through. Labels in Dutch
# (B1); the domain decides who sees and who closes it (services/common/access.py).
HOUSEHOLD_ITEMS = (
    ChecklistItem("bankrekening-openen", "financien", "Bankrekening openen"),
    ChecklistItem(
        "digid-aanvragen", "financien", "DigiD aanvragen (nodig voor toeslagen en de gemeente)"
    ),
    ChecklistItem("zorgverzekering-regelen", "gezondheid", "Zorgverzekering afsluiten"),
    ChecklistItem("huisarts-kiezen", "gezondheid", "Inschrijven bij een huisarts"),
    ChecklistItem("huurtoeslag-aanvragen", "financien", "Huurtoeslag aanvragen"),
    ChecklistItem("zorgtoeslag-aanvragen", "financien", "Zorgtoeslag aanvragen"),
    ChecklistItem(
        "voorschot-uitkering",
        "financien",
        "Voorschot op de uitkering regelen",
        "Participatiewet art. 52 (voorschot binnen vier weken na de aanvraag)",
    ),
    ChecklistItem("woning-inrichten", "huisvesting", "Woning inrichten"),
    ChecklistItem(
        "energiecontracten-afsluiten", "huisvesting", "Contracten voor energie en water afsluiten"
    ),
    ChecklistItem("schulden-aanpakken", "financien", "Schulden in kaart brengen"),
)
# For a household with a child under 18 (Algemene Kinderbijslagwet; Wet op het kindgebonden
# budget: the laws named, their articles not verified in the search corpora).
CHILD_ITEMS = (
    ChecklistItem("kinderbijslag-aanvragen", "financien", "Kinderbijslag aanvragen (SVB)"),
    ChecklistItem("kindgebonden-budget-aanvragen", "financien", "Kindgebonden budget aanvragen"),
)
# Per child of school age.
SCHOOL_ITEM = ChecklistItem(
    SCHOOL,
    "onderwijs_kinderen",
    "Kind inschrijven op een school",
    "Leerplichtwet 1969 art. 3 en 4a",
)
CHECKLIST_ITEMS = {i.item: i for i in (*HOUSEHOLD_ITEMS, *CHILD_ITEMS, SCHOOL_ITEM)}
# Items the intake's facts open that are the household's too (kinderopvang and its allowance),
# shown with the intake's label.
for _rule in INTAKE_RULES.values():
    if _rule.item not in CHECKLIST_ITEMS and _rule.domain in ("financien", "gezin"):
        CHECKLIST_ITEMS[_rule.item] = ChecklistItem(_rule.item, _rule.domain, _rule.label)


def checklist_id(household_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, str(household_id))


def child_key(given_name: str | None, birth_date: date) -> str:
    """A child, the same whether known from a member's profile or from its own dossier."""
    name = " ".join((given_name or "").lower().split())
    return str(uuid.uuid5(_CHILD_NAMESPACE, f"{birth_date.isoformat()}|{name}"))


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def entry_key(item: str, child: str | None = None) -> str:
    return f"{item}:{child}" if child else item


class HouseholdChecklist(ChainAggregate):
    """One household's practical checklist; its id follows from the household's (the dossier
    of its first member), and its events are filed under that dossier."""

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return checklist_id(dossier_id)

    @classmethod
    def open_for(cls, dossier_id: uuid.UUID, gemeente: str) -> HouseholdChecklist:
        """A new household's checklist, complete (HOUSEHOLD_ITEMS); children come after."""
        return cls(
            dossier_id=dossier_id,
            gemeente=gemeente,
            items=[item.item for item in HOUSEHOLD_ITEMS],
        )

    @event("Opened")
    def __init__(self, dossier_id: uuid.UUID, gemeente: str, items: list[str]):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.members: list[str] = [str(dossier_id)]
        self.children: dict[str, dict[str, Any]] = {}
        self.entries: dict[str, dict[str, Any]] = {}
        for item in items:
            self.entries[item] = _entry(item, None, "nieuw huishouden")

    # members and children ------------------------------------------------------------------
    def add_member(self, member_id: uuid.UUID, relation: str) -> None:
        if str(member_id) not in self.members:
            self._member_added(member_id=member_id, relation=relation)

    @event("MemberAdded")
    def _member_added(self, member_id: uuid.UUID, relation: str) -> None:
        self.members.append(str(member_id))

    def know_children(self, children: list[Mapping[str, Any]], today: date) -> None:
        """Children of the household (given_name, birth_date): the child items for a child under
        18, and a school enrolment for each of school age."""
        for child in children:
            birth_date = child["birth_date"]
            age = age_on(birth_date, today)
            if age >= MINOR_UNTIL:
                continue
            for item in CHILD_ITEMS:
                if item.item not in self.entries:
                    self._item_opened(item=item.item, child="", because="kind in het huishouden")
            key = child_key(child.get("given_name"), birth_date)
            if age >= SCHOOL_FROM and entry_key(SCHOOL, key) not in self.entries:
                self._child_known(
                    key=key, given_name=child.get("given_name") or "", birth_date=birth_date
                )
                self._item_opened(item=SCHOOL, child=key, because="kind van schoolgaande leeftijd")

    @event("ChildKnown")
    def _child_known(self, key: str, given_name: str, birth_date: date) -> None:
        self.children[key] = {"given_name": given_name or None, "birth_date": birth_date}

    # items -----------------------------------------------------------------------------------
    def has_open(self, item: str, child: str = "") -> bool:
        return self.entries.get(entry_key(item, child), {}).get("open", False)

    def follow_facts(self, domain: str, facts: Mapping[str, Any], holding: set[str]) -> None:
        """The facts of a member's life domain settle the household's items they speak about:
        an item whose rule holds is open, one whose rule no longer holds is closed."""
        for rule in INTAKE_RULES.values():
            if rule.domain != domain or rule.item not in CHECKLIST_ITEMS:
                continue
            if rule.item in holding and not self.has_open(rule.item):
                self._item_opened(item=rule.item, child="", because=f"leefgebied {domain}")
            elif rule.item not in holding and self.has_open(rule.item) and rule.settles_by_facts:
                note = f"geregeld volgens leefgebied {domain}"
                self._item_closed(item=rule.item, child="", note=note)
        if domain == "onderwijs_kinderen" and facts.get("all_enrolled") is True:
            for state in list(self.entries.values()):
                if state["item"] == SCHOOL and state["open"]:
                    self._item_closed(
                        item=SCHOOL,
                        child=state["child"],
                        note="alle kinderen ingeschreven volgens leefgebied onderwijs_kinderen",
                    )

    def close(self, item: str, note: str, child: str = "") -> None:
        """Close an item by hand, with a note on how it was resolved; a school enrolment names
        its child."""
        if item not in CHECKLIST_ITEMS:
            raise InvalidInput([field_error("item", "is not an item of the household checklist")])
        if item == SCHOOL and not child:
            children = ", ".join(
                f"{c['given_name'] or 'kind'} ({k})" for k, c in self.children.items()
            )
            raise InvalidInput(
                [field_error("child", f"is required for {SCHOOL}: one of {children or 'none'}")]
            )
        if item != SCHOOL:
            child = ""
        if not self.has_open(item, child):
            open_items = sorted(k for k, state in self.entries.items() if state["open"])
            where = "child" if child else "item"
            raise InvalidInput(
                [field_error(where, f"is not open; open: {', '.join(open_items) or 'none'}")]
            )
        self._item_closed(item=item, child=child, note=note)

    @event("ItemOpened")
    def _item_opened(self, item: str, child: str, because: str) -> None:
        self.entries[entry_key(item, child)] = _entry(item, child or None, because)

    @event("ItemClosed")
    def _item_closed(self, item: str, child: str, note: str) -> None:
        entry = self.entries[entry_key(item, child)]
        entry["open"] = False
        entry["note"] = note


def _entry(item: str, child: str | None, because: str) -> dict[str, Any]:
    return {"item": item, "child": child, "open": True, "note": None, "because": because}
