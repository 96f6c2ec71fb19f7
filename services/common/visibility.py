"""What each reading role may see of a dossier, by data category: the one declaration every
service asks, on every route, so that no route decides for itself.

Health is a special category of personal data (AVG art. 9): only the regievoerder sees it (a
goal's own owner sees that goal: see pip). A volunteer guide works on the person's goals: language,
family, housing, expectations, never health, finances, enforcement or the BSN; which dossiers a
guide reads at all is a matter of relation (the active guide only: see `active_guide.py`). Roles
not named here read no dossier. No I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable

CATEGORIES = (
    "identiteit",  # names, birth date, BSN, V-nummer
    "contact",
    "taal",  # languages, Dutch level
    "gezin",  # household, children, the gezin and sociaal_netwerk domains
    "opleiding-en-werk",
    "gezondheid",  # a special category (AVG art. 9)
    "financien",
    "huisvesting",
    "verblijfsintentie-en-verwachtingen",
    "inburgering",  # leerbaarheidstoets, route advice and choice, conversations
    "praktische-zaken",
    "handhaving",  # sanctions at intake, breaches of the PIP and measures
)

VISIBLE: dict[str, frozenset[str]] = {
    "regievoerder": frozenset(CATEGORIES),
    "klantmanager": frozenset(CATEGORIES) - {"gezondheid"},
    "begeleider": frozenset(
        {"taal", "gezin", "huisvesting", "verblijfsintentie-en-verwachtingen", "inburgering"}
    ),
}

# The category of a life domain (intake), a signal's domain or a PIP goal's domain. A domain not
# named here (taal, werk, participatie, algemeen, ...) is the plan's own, seen by every reader of
# it: a guide works on the person's work and language goals.
DOMAIN_CATEGORY = {
    "huisvesting": "huisvesting",
    "gezondheid": "gezondheid",
    "financien": "financien",
    "gezin": "gezin",
    "sociaal_netwerk": "gezin",
    "verblijfsintentie": "verblijfsintentie-en-verwachtingen",
    "verwachtingen": "verblijfsintentie-en-verwachtingen",
}

# Readers of signals marked confidential.
READS_CONFIDENTIAL = frozenset({"regievoerder"})


def visible_categories(roles: Iterable[str]) -> frozenset[str]:
    """The categories a reader with `roles` sees: what any one of their roles sees."""
    return frozenset().union(*(VISIBLE.get(role, frozenset()) for role in roles))


def may_see(roles: Iterable[str], category: str) -> bool:
    return category in visible_categories(roles)


def may_see_domain(roles: Iterable[str], domain: str) -> bool:
    """Whether a reader with `roles` may see anything about `domain` (its facts, a signal or a
    goal on it, or that one exists)."""
    roles = tuple(roles)
    if not visible_categories(roles):
        return False
    category = DOMAIN_CATEGORY.get(domain)
    return category is None or category in visible_categories(roles)


def may_read_signal(roles: Iterable[str], domain: str, sensitivity: str) -> bool:
    """A signal: its domain must be visible, and a confidential one is for the regievoerder."""
    roles = tuple(roles)
    if sensitivity == "vertrouwelijk" and not READS_CONFIDENTIAL & set(roles):
        return False
    return may_see_domain(roles, domain)
