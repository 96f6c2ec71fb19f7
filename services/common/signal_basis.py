"""What lets the gemeente accept a signal about a special category of personal data (AVG art. 9
lid 1: health), shared by intake's signals and the volunteer guide's signals in matching.

A signal is accepted only on the basis the sharing protocol's signal rule names for its sender,
recorded before the signal comes: the person's explicit consent to the gemeente (AVG art. 9 lid
2 sub a), asked of consent (`Consent.signal_basis`, with the sender as the caller). The signal
keeps that basis (the rule, its article and the consent's id); the ledger gets it as the activity's
legal basis. AVG art. 9 lid 2 sub h does not carry a signal to a gemeente: the gemeente gives no
care (issue 17 point 6). No I/O here: the caller passes the way to ask.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from services.common.errors import InvalidInput, field_error
from services.contracts.categories import Categories

# Consent's answer (`Consent.signal_basis`, asked as the sender) to: what lets the gemeente
# accept a signal of this category about this dossier today?
BasisCheck = Callable[[str, str], dict[str, Any]]
BASIS_FIELDS = ("category", "basis", "rule", "article", "consent_id")


def special_category(event_type: str, domain: str) -> str | None:
    """The special category (AVG art. 9) a signal of `domain` is about, as the data categories
    contract says for the event that records it; None for any other signal."""
    categories = Categories.load()
    category = categories.of_event(event_type).event_category({"domain": domain})
    return category if category in categories.special() else None


def accepted_basis(answer: Mapping[str, Any]) -> dict[str, Any] | None:
    """The basis to keep with a signal, from consent's answer; a problem naming `consent` when
    the protocol's rule for the sender is not met."""
    if not answer.get("required"):
        return None
    if not answer.get("permit"):
        what = (
            "no explicit consent of the person to the gemeente covers"
            f" {answer['category']} ({answer['rule']}: {answer['article']}); record it first"
            if answer.get("basis") == "toestemming"
            else f"the sharing protocol does not accept {answer['category']} from this sender"
            f" ({answer['rule']})"
        )
        raise InvalidInput([field_error("consent", what)])
    return {k: answer.get(k, "") for k in BASIS_FIELDS}


def signal_basis(
    event_type: str, domain: str, dossier_id: str, bases: BasisCheck | None
) -> dict[str, Any] | None:
    """The basis a signal of `domain` about the dossier is accepted on (None: it needs none), or
    a problem naming `consent`. Without a way to ask (`bases` None), a special category is
    refused."""
    category = special_category(event_type, domain)
    if category is None:
        return None
    answer = (
        bases(dossier_id, category)
        if bases is not None
        else {"required": True, "permit": False, "category": category, "rule": "", "article": ""}
    )
    return accepted_basis(answer)


def legal_basis_of(basis: Mapping[str, Any]) -> str:
    """The ledger's legal basis of an accepted special-category signal, as consent writes its
    decisions: `gezondheid: ja (S02, toestemming <id>); AVG art. 9 lid 2 sub a ...`."""
    by = f"toestemming {basis['consent_id']}" if basis["consent_id"] else basis["basis"]
    return f"{basis['category']}: ja ({basis['rule']}, {by}); {basis['article']}"
