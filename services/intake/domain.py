"""The intake domain: a person registered with a gemeente, and the uniqueness of their BSN.

No I/O here: the application gives the region and today's date.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate
from services.common.errors import InvalidInput, field_error
from services.contracts.intake import CORRECTABLE, REGISTRATION_FIELDS
from services.intake.profile import parse_household_link, parse_profile

_DATE_FIELDS = ("birth_date", "duo_notice_date", "brp_registration_date")
_EARLIEST = date(1900, 1, 1)
_BSN_CLAIM_NAMESPACE = uuid.UUID("5b0b8f1e-2d4c-4a8e-9d6f-1f3c2b7a9e40")


def passes_elfproef(bsn: str) -> bool:
    """The 11-proef of a BSN: weights 9..2 and -1; the sum is a multiple of 11 and not 0."""
    if not re.fullmatch(r"\d{9}", bsn):
        return False
    total = sum(int(d) * w for d, w in zip(bsn, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total != 0 and total % 11 == 0


@dataclass(frozen=True)
class Registration:
    """A checked registration of a person linked to a gemeente."""

    bsn: str
    v_nummer: str
    given_name: str
    family_name: str
    birth_date: date
    gemeente: str
    duo_notice_date: date
    brp_registration_date: date

    @classmethod
    def parse(cls, data: Any, gemeenten: Collection[str], today: date) -> Registration:
        """Check every field and report all problems at once (`InvalidInput`)."""
        if not isinstance(data, Mapping):
            raise InvalidInput([field_error("", "the body must be a JSON object")])
        errors = [
            field_error(name, "is required")
            for name in REGISTRATION_FIELDS
            if data.get(name) in (None, "")
        ]
        missing = {e["field"] for e in errors}
        errors += _check_strings(data, missing)
        errors += _check_gemeente(data, missing, gemeenten)
        dates, date_errors = _check_dates(data, missing, today)
        errors += date_errors
        if errors:
            raise InvalidInput(errors)
        return cls(
            bsn=data["bsn"],
            v_nummer=data["v_nummer"],
            given_name=data["given_name"].strip(),
            family_name=data["family_name"].strip(),
            gemeente=data["gemeente"],
            **dates,
        )


def _check_strings(data: Mapping[str, Any], missing: set[str]) -> list[dict[str, str]]:
    errors = []
    for name in ("bsn", "v_nummer", "given_name", "family_name", "gemeente"):
        if name not in missing and not isinstance(data[name], str):
            errors.append(field_error(name, "must be a string"))
    if "bsn" not in missing and isinstance(data["bsn"], str) and not passes_elfproef(data["bsn"]):
        errors.append(field_error("bsn", "must be 9 digits that pass the 11-proef"))
    v_nummer = data.get("v_nummer")
    if (
        "v_nummer" not in missing
        and isinstance(v_nummer, str)
        and not re.fullmatch(r"\d{10}", v_nummer)
    ):
        errors.append(
            field_error("v_nummer", "must be the 10 digits of the IND vreemdelingennummer")
        )
    for name in ("given_name", "family_name"):
        value = data.get(name)
        if name not in missing and isinstance(value, str) and not 0 < len(value.strip()) <= 200:
            errors.append(field_error(name, "must be 1 to 200 characters"))
    return errors


def _check_gemeente(
    data: Mapping[str, Any], missing: set[str], gemeenten: Collection[str]
) -> list[dict[str, str]]:
    code = data.get("gemeente")
    if "gemeente" in missing or not isinstance(code, str) or code in gemeenten:
        return []
    accepted = ", ".join(sorted(gemeenten))
    return [field_error("gemeente", f"unknown CBS gemeentecode; this region has {accepted}")]


def _check_dates(
    data: Mapping[str, Any], missing: set[str], today: date
) -> tuple[dict[str, date], list[dict[str, str]]]:
    dates: dict[str, date] = {}
    errors = []
    for name in _DATE_FIELDS:
        if name in missing:
            continue
        try:
            value = date.fromisoformat(data[name])
        except (TypeError, ValueError):
            errors.append(field_error(name, "must be a date as YYYY-MM-DD"))
            continue
        if value > today:
            errors.append(field_error(name, f"must not be in the future (today is {today})"))
        elif value < _EARLIEST:
            errors.append(field_error(name, f"must not be before {_EARLIEST}"))
        else:
            dates[name] = value
    return dates, errors


def parse_registration(
    data: Any, gemeenten: Collection[str], today: date
) -> tuple[Registration, dict[str, Any], dict[str, str] | None]:
    """The legal minimum, the profile and the household link of a registration, with every
    problem of all three reported at once."""
    errors: list[dict[str, str]] = []
    registration = None
    try:
        registration = Registration.parse(data, gemeenten, today)
    except InvalidInput as invalid:
        errors += invalid.errors
    if not isinstance(data, Mapping):
        raise InvalidInput(errors)
    profile, profile_errors = parse_profile(data, today)
    link, link_errors = parse_household_link(data)
    errors += profile_errors + link_errors
    if errors:
        raise InvalidInput(errors)
    return registration, profile, link


class Dossier(ChainAggregate):
    """A person registered with a gemeente: the root of everything the chain records."""

    @event("Registered")
    def __init__(
        self,
        bsn: str,
        v_nummer: str,
        given_name: str,
        family_name: str,
        birth_date: date,
        gemeente: str,
        duo_notice_date: date,
        brp_registration_date: date,
    ):
        self.bsn = bsn
        self.v_nummer = v_nummer
        self.given_name = given_name
        self.family_name = family_name
        self.birth_date = birth_date
        self.gemeente = gemeente
        self.duo_notice_date = duo_notice_date
        self.brp_registration_date = brp_registration_date
        self.profile: dict[str, Any] = {}
        self.household_id: uuid.UUID | None = None
        self.relation = ""
        self.corrections: list[dict[str, Any]] = []

    def subject(self) -> dict[str, str]:
        return {"dossier_id": str(self.id), "gemeente": self.gemeente}

    @event("ProfileRecorded")
    def record_profile(self, profile: dict[str, Any]) -> None:
        self.profile.update(profile)

    @event("JoinedHousehold")
    def join_household(self, household_id: uuid.UUID, relation: str) -> None:
        self.household_id = household_id
        self.relation = relation

    def correct(self, changes: dict[str, Any], reason: str) -> None:
        """Correct recorded facts; the old values stay in the history."""
        if not reason:
            raise InvalidInput([field_error("reason", "is required: say why the facts change")])
        if not changes:
            raise InvalidInput([field_error("changes", "name at least one field to correct")])
        self._correct(changes=changes, reason=reason)

    @event("Corrected")
    def _correct(self, changes: dict[str, Any], reason: str) -> None:
        for name, value in changes.items():
            if name in CORRECTABLE:
                setattr(self, name, value)
            else:
                self.profile[name] = value
        self.corrections.append({"fields": sorted(changes), "reason": reason})

    @classmethod
    def register(cls, registration: Registration) -> Dossier:
        return cls(**vars(registration))


class BsnClaim(ChainAggregate):
    """Claims a BSN for one dossier; a second claim of the same BSN conflicts on save.

    Its id is derived from a keyed hash of the BSN, so neither the id nor the event reveals it.
    """

    @staticmethod
    def create_id(digest: str) -> uuid.UUID:
        return uuid.uuid5(_BSN_CLAIM_NAMESPACE, digest)

    @event("Claimed")
    def __init__(self, digest: str, dossier_id: uuid.UUID, gemeente: str):
        self.digest = digest
        self.dossier_id = dossier_id
        self.gemeente = gemeente

    @event("RegistrationRefused")
    def refuse_registration(self, requested_for: str) -> None:
        """Someone tried to register the BSN again (for `requested_for`): kept on the claim, so
        the gemeente whose person it is sees who tried, and when."""

    @staticmethod
    def digest_of(bsn: str, key: str) -> str:
        return hmac.new(key.encode(), bsn.encode(), hashlib.sha256).hexdigest()
