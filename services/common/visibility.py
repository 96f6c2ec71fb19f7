"""What each reading role may see of a dossier, by data category: the one declaration every
service asks, on every route, so that no route decides for itself.

Health is a special category of personal data (AVG art. 9): only the regievoerder sees it (a
goal's own owner sees that goal: see pip). A volunteer guide works on the person's goals: language,
family, housing, expectations, never health, finances, enforcement or the BSN; which dossiers a
guide reads at all is a matter of relation (the active guide only: see `active_guide.py`), and of
that only what the sharing protocol and the person's consents let the guide's organisation have:
the categories consent withholds are withheld for the rest of the call (`withhold`). Roles not
named here read no dossier. No I/O here.
"""

from __future__ import annotations

import contextvars
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
    # The klantmanager's part (issue 17): work under the Participatiewet is not the guide's;
    # ambitions and participation goals are, as the person's expectations are.
    "werk_en_reintegratie": "opleiding-en-werk",
    "participatie_en_ambities": "verblijfsintentie-en-verwachtingen",
    "onderwijs_kinderen": "gezin",
}

# The sharing protocol's data categories (contracts/data-categories) as the categories of what
# a dossier's views show; `signalen` stands for signals of any domain.
PROTOCOL_CATEGORIES: dict[str, tuple[str, ...]] = {
    "identiteit": ("identiteit",),
    "contact": ("contact", "huisvesting"),
    "taal-leerbaarheid": ("taal", "inburgering"),
    "gezin": ("gezin",),
    "opleiding-werk": ("opleiding-en-werk",),
    "gezondheid": ("gezondheid",),
    "financien": ("financien", "praktische-zaken"),
    "verblijfsintentie": ("verblijfsintentie-en-verwachtingen",),
    "handhaving": ("handhaving",),
    "signalen": ("signalen",),
}
SIGNALS = "signalen"

# What the protocol and consents withhold from the reader of the call in hand (a guide).
_withheld: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "wegwijs_withheld_categories", default=frozenset()
)


def withhold(protocol_categories: Iterable[str]) -> None:
    """Leave these protocol categories out of everything the running call shows."""
    _withheld.set(
        frozenset(v for c in protocol_categories for v in PROTOCOL_CATEGORIES.get(c, (c,)))
    )


def withhold_nothing() -> None:
    """A new call starts with nothing withheld (its worker may reuse a greenthread's context)."""
    _withheld.set(frozenset())


# Readers of signals marked confidential.
READS_CONFIDENTIAL = frozenset({"regievoerder"})


def visible_categories(roles: Iterable[str]) -> frozenset[str]:
    """The categories a reader with `roles` sees: what any one of their roles sees, but for what
    the protocol and consents withhold from them in this call."""
    seen = frozenset().union(*(VISIBLE.get(role, frozenset()) for role in roles))
    return seen - _withheld.get()


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
    if SIGNALS in _withheld.get():
        return False
    return may_see_domain(roles, domain)
