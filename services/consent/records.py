"""Consent records of one dossier (toestemming), modelled on FHIR Consent and the Kantara consent
receipt: who gave it (the person or a legal representative), to which organisation, for which
purpose and data categories, for which period, how it was collected and in which language, who
recorded it and the evidence. Given, changed, withdrawn or expired; the history stays. No I/O.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any, get_args

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate
from services.common.errors import Conflict, InvalidInput, NotFound, field_error
from services.common.fields import validated
from services.contracts.consent import CollectionMethod, ConsentGiven, GrantorKind

GRANTOR_KINDS = get_args(GrantorKind)
COLLECTION_METHODS = get_args(CollectionMethod)
MAX_YEARS = 3  # a consent runs at most as long as the inburgeringstermijn
_NAMESPACE = uuid.UUID("c3a1d9e2-5b7f-4a60-8e14-2f9b0c6d7e81")

Errors = list[dict[str, str]]


def parse_consent(
    data: Any, categories: tuple[str, ...], purposes: tuple[str, ...], today: date
) -> dict[str, Any]:
    """A consent as recorded: its shape checked by its contract (ConsentGiven), then what the
    contract cannot say: the purposes and categories of the protocol in force, and the period."""
    given = validated(ConsentGiven, data)
    errors: Errors = []
    if given.purpose not in purposes:
        errors.append(field_error("purpose", f"must be one of: {', '.join(purposes)}"))
    if not set(given.categories) <= set(categories):
        errors.append(
            field_error("categories", f"must be a non-empty list of: {', '.join(categories)}")
        )
    valid_from = given.valid_from or today
    if given.valid_until < valid_from:
        errors.append(field_error("valid_until", f"must not be before {valid_from}"))
    elif (given.valid_until - valid_from).days > MAX_YEARS * 366:
        errors.append(field_error("valid_until", f"must be within {MAX_YEARS} years of valid_from"))
    if errors:
        raise InvalidInput(errors)
    return {
        "grantor": {"kind": given.grantor.kind, "name": (given.grantor.name or "").strip()},
        "grantee": {"oin": given.grantee.oin, "name": (given.grantee.name or "").strip()},
        "purpose": given.purpose,
        "categories": sorted(set(given.categories)),
        "valid_from": valid_from,
        "valid_until": given.valid_until,
        "collection": {
            "method": given.collection.method,
            "language": given.collection.language.strip(),
        },
        "evidence": given.evidence.strip(),
    }


class DossierConsents(ChainAggregate):
    """The consents of one dossier; opened when the dossier is registered."""

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return consents_id(dossier_id)

    @event("Opened")
    def __init__(self, dossier_id: uuid.UUID, gemeente: str):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.consents: dict[str, dict[str, Any]] = {}

    @event("HandedOver")
    def hand_over(self, to_gemeente: str) -> None:
        """The person moved and the new gemeente accepted: the consents are theirs now."""
        self.gemeente = to_gemeente

    def give(self, consent_id: str, consent: dict[str, Any], recorded_by: str) -> None:
        self._given(consent_id=consent_id, consent=consent, recorded_by=recorded_by)

    @event("ConsentGiven")
    def _given(self, consent_id: str, consent: dict[str, Any], recorded_by: str) -> None:
        self.consents[consent_id] = {
            "id": consent_id,
            **copy.deepcopy(consent),
            "status": "gegeven",
            "recorded_by": recorded_by,
            "withdrawn_on": None,
            "history": [{"what": "gegeven", "by": recorded_by}],
        }

    def check_open(self, consent_id: str) -> dict[str, Any]:
        consent = self.consents.get(consent_id)
        if consent is None:
            raise NotFound("no such consent for this dossier")
        if consent["status"] != "gegeven":
            raise Conflict(f"the consent is {consent['status']}; record a new one")
        return consent

    def change(
        self, consent_id: str, changes: dict[str, Any], reason: str, recorded_by: str, on: date
    ) -> None:
        """Change a consent on day `on`; what it no longer covers from then on, the grantee is
        told to delete (`Consent.delete_notices`)."""
        consent = self.check_open(consent_id)
        until = changes.get("valid_until", consent["valid_until"])
        if until < consent["valid_from"]:
            raise InvalidInput(
                [field_error("valid_until", f"must not be before {consent['valid_from']}")]
            )
        self._changed(
            consent_id=consent_id, changes=changes, reason=reason, recorded_by=recorded_by, on=on
        )

    @event("ConsentChanged")
    def _changed(
        self,
        consent_id: str,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
        on: date | None = None,  # None in changes recorded before the day was kept
    ) -> None:
        consent = self.consents[consent_id]
        consent.update(copy.deepcopy(changes))
        consent["history"].append(
            {"what": "gewijzigd", "by": recorded_by, "fields": sorted(changes), "reason": reason}
        )

    def withdraw(self, consent_id: str, on: date, reason: str, recorded_by: str) -> None:
        consent = self.check_open(consent_id)
        if on < consent["valid_from"]:
            raise InvalidInput(
                [field_error("on", f"must not be before the consent ({consent['valid_from']})")]
            )
        self._withdrawn(consent_id=consent_id, on=on, reason=reason, recorded_by=recorded_by)

    @event("ConsentWithdrawn")
    def _withdrawn(self, consent_id: str, on: date, reason: str, recorded_by: str) -> None:
        consent = self.consents[consent_id]
        consent["status"] = "ingetrokken"
        consent["withdrawn_on"] = on
        consent["history"].append({"what": "ingetrokken", "by": recorded_by, "reason": reason})

    def expire(self, today: date) -> list[str]:
        """Mark every consent whose period ended before `today`; returns their ids."""
        ended = [
            c["id"]
            for c in self.consents.values()
            if c["status"] == "gegeven" and c["valid_until"] < today
        ]
        for consent_id in ended:
            self._expired(consent_id=consent_id, on=self.consents[consent_id]["valid_until"])
        return ended

    @event("ConsentExpired")
    def _expired(self, consent_id: str, on: date) -> None:
        consent = self.consents[consent_id]
        consent["status"] = "verlopen"
        consent["history"].append({"what": "verlopen", "by": "system:consent"})

    def in_force(self, consent: Mapping[str, Any], day: date) -> bool:
        """Whether `consent` covered `day`: within its period and not withdrawn by then."""
        if not consent["valid_from"] <= day <= consent["valid_until"]:
            return False
        return consent["withdrawn_on"] is None or day < consent["withdrawn_on"]

    def covering(
        self, grantee_oin: str, purpose: str, category: str, day: date
    ) -> dict[str, Any] | None:
        """A consent that lets `grantee_oin` receive `category` for `purpose` on `day`."""
        for consent in self.consents.values():
            if (
                consent["grantee"]["oin"] == grantee_oin
                and consent["purpose"] == purpose
                and category in consent["categories"]
                and self.in_force(consent, day)
            ):
                return consent
        return None


def consents_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, str(dossier_id))
