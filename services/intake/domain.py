"""The intake domain: a person registered with a gemeente, and the uniqueness of their BSN.

No I/O here: the application gives the region and today's date.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from eventsourcing.domain import event
from pydantic import BaseModel

from services.common.aggregate import ChainAggregate
from services.common.errors import Conflict, InvalidInput, field_error
from services.common.fields import validated
from services.contracts import intake as contract
from services.contracts.intake import CORRECTABLE, REGISTRATION_FIELDS
from services.intake.profile import future_dates, household_link, profile_of
from services.intake.rules import Obligation, obligation_on

MOVE_PROPOSED, MOVE_ACCEPTED, MOVE_DECLINED = "voorgesteld", "geaccepteerd", "afgewezen"
MOVE_OUT_OF_REGION = "buiten-regio"
_REGISTERED_DATES = ("birth_date", "duo_notice_date", "brp_registration_date")
_NAMES = ("given_name", "family_name")
_EARLIEST = date(1900, 1, 1)
_BSN_CLAIM_NAMESPACE = uuid.UUID("5b0b8f1e-2d4c-4a8e-9d6f-1f3c2b7a9e40")


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


def parse_registration(
    data: Any, gemeenten: Collection[str], today: date
) -> tuple[Registration, dict[str, Any], dict[str, str] | None]:
    """The legal minimum, the profile and the household link of a registration. Their shape is
    checked at once by the published model (contracts' Registration); then, again all at once,
    what it cannot say: a gemeente of this region, and the dates."""
    given = validated(contract.Registration, data)
    errors = []
    if given.gemeente not in gemeenten:
        accepted = ", ".join(sorted(gemeenten))
        errors.append(
            field_error("gemeente", f"unknown CBS gemeentecode; this region has {accepted}")
        )
    errors += _date_errors(given, today)
    if errors:
        raise InvalidInput(errors)
    registration = Registration(**_registered(given, REGISTRATION_FIELDS))
    return registration, profile_of(given), household_link(given)


def parse_correction(data: Any, today: date) -> tuple[dict[str, Any], str]:
    """The facts a correction changes, and its reason: their shape checked by the published
    model (contracts' Correction), then their dates (named under `changes/`)."""
    correction = validated(contract.Correction, data)
    changes = correction.changes
    errors = _date_errors(changes, today, within="changes/")
    if errors:
        raise InvalidInput(errors)
    return {
        **_registered(changes, CORRECTABLE),
        **profile_of(changes),
    }, correction.reason.strip()


def _registered(facts: BaseModel, names: Iterable[str]) -> dict[str, Any]:
    """The registered facts among `names` that `facts` gives, the names trimmed."""
    given = {name: getattr(facts, name) for name in names if getattr(facts, name) is not None}
    return {name: value.strip() if name in _NAMES else value for name, value in given.items()}


def _date_errors(facts: BaseModel, today: date, within: str = "") -> list[dict[str, str]]:
    """What the contract cannot say of the dates in `facts` (a registration or its changes):
    none after today, and no registered date before 1900; each named by its path."""
    errors = []
    for name in _REGISTERED_DATES:
        value = getattr(facts, name)
        if value is not None and value > today:
            errors.append(
                field_error(f"{within}{name}", f"must not be in the future (today is {today})")
            )
        elif value is not None and value < _EARLIEST:
            errors.append(field_error(f"{within}{name}", f"must not be before {_EARLIEST}"))
    return errors + future_dates(facts, today, within)


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
        inburgeringsplichtig: bool = True,  # events stored before issue 17 opened a PIP each
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
        # The regievoerder responsible for the dossier: {"id": user id, "name": their name}.
        self.regievoerder: dict[str, str] | None = None
        # The move (verhuizing) open or last answered: see `propose_move`.
        self.move: dict[str, Any] | None = None

    def subject(self) -> dict[str, str]:
        return {"dossier_id": str(self.id), "gemeente": self.gemeente}

    @event("ProfileRecorded")
    def record_profile(self, profile: dict[str, Any]) -> None:
        self.profile.update(profile)

    @event("JoinedHousehold")
    def join_household(self, household_id: uuid.UUID, relation: str) -> None:
        self.household_id = household_id
        self.relation = relation

    def correct(
        self, changes: dict[str, Any], reason: str, obligation: dict[str, Any] | None = None
    ) -> None:
        """Correct recorded facts; the old values stay in the history. `obligation`: whether
        the person is inburgeringsplichtig after it, and the dates a PIP deadline counts from."""
        if not reason:
            raise InvalidInput([field_error("reason", "is required: say why the facts change")])
        if not changes:
            raise InvalidInput([field_error("changes", "name at least one field to correct")])
        self._correct(changes=changes, reason=reason, obligation=obligation)

    @event("Corrected")
    def _correct(
        self, changes: dict[str, Any], reason: str, obligation: dict[str, Any] | None = None
    ) -> None:
        for name, value in changes.items():
            if name in CORRECTABLE:
                setattr(self, name, value)
            else:
                self.profile[name] = value
        self.corrections.append({"fields": sorted(changes), "reason": reason})

    def assign_regievoerder(self, regievoerder: str, name: str) -> bool:
        """Make `regievoerder` (a user id) responsible for the dossier; False when they are
        already, and nothing is recorded."""
        current = getattr(self, "regievoerder", None)  # (a state kept before issue 17: none)
        if current and current["id"] == regievoerder:
            return False
        self._assigned(regievoerder=regievoerder, name=name)
        return True

    @event("RegievoerderAssigned")
    def _assigned(self, regievoerder: str, name: str) -> None:
        self.regievoerder = {"id": regievoerder, "name": name}

    # moving within the region (verhuizing, warme overdracht) ----------------------------------
    def open_move(self) -> dict[str, Any] | None:
        """The move proposed and not yet accepted or declined, if any."""
        return self.move if self.move and self.move["status"] == MOVE_PROPOSED else None

    def check_move(self, to_gemeente: str, region: Collection[str]) -> None:
        """A move goes to another gemeente of the region, one at a time."""
        if to_gemeente == self.gemeente:
            raise InvalidInput(
                [
                    field_error(
                        "to_gemeente", f"must differ from the dossier's gemeente {to_gemeente}"
                    )
                ]
            )
        if to_gemeente not in region:
            raise InvalidInput(
                [
                    field_error(
                        "to_gemeente",
                        f"is not a gemeente of this region ({', '.join(sorted(region))}); a move"
                        " out of the region is recorded as such (POST"
                        " .../verhuizing-buiten-regio) and gives an overdrachtsdossier",
                    )
                ]
            )
        if (open_move := self.open_move()) is not None:
            raise Conflict(
                f"to_gemeente: a move to {open_move['to_gemeente']} is open; it is accepted or"
                " declined first"
            )

    @event("MoveProposed")
    def propose_move(self, to_gemeente: str, moved_on: date, proposed_on: date) -> None:
        self.move = {
            "status": MOVE_PROPOSED,
            "from_gemeente": self.gemeente,
            "to_gemeente": to_gemeente,
            "moved_on": moved_on,
            "proposed_on": proposed_on,
            "answered_on": None,
            "decline_reason": "",
        }

    @event("MoveDeclined")
    def decline_move(self, reason: str, declined_on: date) -> None:
        self.move = {
            **(self.move or {}),
            "status": MOVE_DECLINED,
            "answered_on": declined_on,
            "decline_reason": reason,
        }

    @event("MovedTo")
    def move_to(
        self,
        from_gemeente: str,
        to_gemeente: str,
        moved_on: date,
        accepted_on: date,
        within_region: bool = True,
    ) -> None:
        """The new gemeente accepted: from now on the dossier is theirs. Out of the region
        (`within_region` false) nobody of the region acts for it any more: the old gemeente
        keeps its history and the overdrachtsdossier."""
        if within_region and self.move is not None:
            self.move = {**self.move, "status": MOVE_ACCEPTED, "answered_on": accepted_on}
        elif not within_region:
            self.move = {
                "status": MOVE_OUT_OF_REGION,
                "from_gemeente": from_gemeente,
                "to_gemeente": to_gemeente,
                "moved_on": moved_on,
                "proposed_on": accepted_on,
                "answered_on": accepted_on,
                "decline_reason": "",
            }
        self.gemeente = to_gemeente

    @classmethod
    def register(cls, registration: Registration, inburgeringsplichtig: bool = True) -> Dossier:
        return cls(**vars(registration), inburgeringsplichtig=inburgeringsplichtig)

    def obligation_on(self, day: date) -> Obligation:
        """Whether the person is inburgeringsplichtig on `day` (rules.obligation_on)."""
        return obligation_of(self.birth_date, self.duo_notice_date, self.profile, day)


def obligation_of(
    birth_date: date, duo_notice_date: date, profile: dict[str, Any], day: date
) -> Obligation:
    """The obligation on `day` of a person with these registered facts and profile."""
    return obligation_on(
        day,
        birth_date,
        duo_notice_date,
        duo_established=profile.get("inburgeringsplicht"),
        exemption=profile.get("exemption"),
    )


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

    @event("HandedOver")
    def hand_over(self, to_gemeente: str) -> None:
        """The dossier moved to `to_gemeente`: the claim is theirs now."""
        self.gemeente = to_gemeente

    @event("RegistrationRefused")
    def refuse_registration(self, requested_for: str) -> None:
        """Someone tried to register the BSN again (for `requested_for`): kept on the claim, so
        the gemeente whose person it is sees who tried, and when."""

    @staticmethod
    def digest_of(bsn: str, key: str) -> str:
        return hmac.new(key.encode(), bsn.encode(), hashlib.sha256).hexdigest()
