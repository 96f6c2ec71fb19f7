"""Intake use cases: register a person with a gemeente, and show their dossier."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from services.common import settings
from services.common.access import (
    Action,
    require,
    require_for_gemeente,
)
from services.common.active_guide import GuideCheck, require_active_guide
from services.common.application import ChainApplication
from services.common.clock import today_in_amsterdam
from services.common.context import CommandContext
from services.common.errors import (
    AlreadyRegistered,
    Conflict,
    InvalidInput,
    NotFound,
    field_error,
)
from services.common.fields import validated
from services.common.region import Region
from services.common.values import jsonable
from services.contracts import intake as contract
from services.contracts.intake import PROFILE_FIELDS
from services.intake.brede_intake import intake_id
from services.intake.checklist_use_cases import ChecklistUseCases
from services.intake.conversations import Ladders
from services.intake.domain import (
    BsnClaim,
    Dossier,
    obligation_of,
    parse_correction,
    parse_registration,
)
from services.intake.intake_use_cases import BredeIntakeUseCases
from services.intake.move_use_cases import MoveUseCases
from services.intake.rules import Obligation
from services.intake.signal_use_cases import SignalUseCases
from services.intake.views import ReadLog, dossier_view, read_log_id

__all__ = ["Intake", "today_in_amsterdam"]

# What a regievoerder writes to mean themselves (taking a dossier, filtering the werkvoorraad).
ME = "mij"


class Intake(
    ChainApplication, BredeIntakeUseCases, ChecklistUseCases, SignalUseCases, MoveUseCases
):
    name = "Intake"
    schema = "intake"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        region: Region | None = None,
        bsn_key: str | None = None,
        ladders: Ladders | None = None,
    ):
        super().__init__(env)
        self.region = region or Region.load()
        self.ladders = ladders or Ladders.load()
        self.bsn_key = bsn_key or settings.BSN_INDEX_KEY.get()

    def register(self, ctx: CommandContext, data: Any, today: date | None = None) -> UUID:
        """Register a person with a gemeente; returns the new dossier's id."""
        require(ctx, Action.REGISTER_DOSSIER)
        today = today or today_in_amsterdam()
        registration, profile, link = parse_registration(data, self.region.codes(), today)
        obligation = obligation_of(
            registration.birth_date, registration.duo_notice_date, profile, today
        )
        require_for_gemeente(ctx, Action.REGISTER_DOSSIER, registration.gemeente)
        household = self._household_of(link, registration.gemeente) if link else None
        with self.command(ctx.for_activity("registratie")):
            # A member without an obligation (a child) gets no PIP: pip opens none for them.
            dossier = Dossier.register(registration, obligation.obligated)
            claim = BsnClaim(
                digest=BsnClaim.digest_of(registration.bsn, self.bsn_key),
                dossier_id=dossier.id,
                gemeente=registration.gemeente,
            )
            if profile:
                dossier.record_profile(profile)
            if household:
                dossier.join_household(household_id=household, relation=link["relation"])
            # The household's practical checklist: opened complete for a new household, and
            # told of each member who joins it (and of children).
            checklist = self._checklist_on_registering(
                dossier, household, link["relation"] if link else "", today
            )
        if claim.id in self.repository:  # (inside a command, a concurrent claim fails its commit)
            raise self._refuse_second_registration(ctx, claim.id, registration.gemeente)
        try:
            self.save(dossier, claim, checklist)
        except IntegrityError:
            raise self._refuse_second_registration(ctx, claim.id, registration.gemeente) from None
        return dossier.id

    def _refuse_second_registration(
        self, ctx: CommandContext, claim_id: UUID, requested_for: str
    ) -> Conflict:
        """The BSN has a dossier already. The attempt is kept on its claim, in the ledger of
        the gemeente whose person it is. The actor learns which dossier only when it is one of
        their own gemeenten' (a retry can carry on with it); otherwise no more than that it
        cannot be registered, not where the person is."""
        claim = self._update(
            ctx.for_activity("registratie"),
            lambda: self.repository.get(claim_id),
            lambda c: c.refuse_registration(requested_for=requested_for),
        )
        if ctx.actor.acts_for(claim.gemeente):
            return AlreadyRegistered(
                f"this person already has a dossier: {claim.dossier_id}", str(claim.dossier_id)
            )
        return Conflict(
            "this BSN cannot be registered; the attempt is recorded. If the person moved here,"
            " ask for a handover of their dossier"
        )

    def _household_of(self, link: dict[str, str], gemeente: str) -> UUID:
        """The household of the member named in `household_of` (in the same gemeente)."""
        try:
            member = self._get(link["household_of"])
        except NotFound:
            member = None
        if member is None or member.gemeente != gemeente:
            # Well formed, but no such dossier for this gemeente (another's is not found either).
            raise NotFound("household_of: no dossier of this gemeente has this id")
        return member.household_id or member.id

    def correct(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        """Correct registered facts with a reason; the history keeps what was there before."""
        require(ctx, Action.REGISTER_DOSSIER)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.REGISTER_DOSSIER, dossier.gemeente)
        today = today_in_amsterdam()
        changes, reason = parse_correction(data, today)
        if "children" not in changes:
            self._update(
                ctx.for_activity("registratie"),
                lambda: self._get(dossier_id),
                lambda d: d.correct(changes, reason, _obligation_after(d, changes, today)),
            )
            return self.dossier(ctx, dossier_id)

        # Children named in the correction reach the household's checklist with it.
        def correct_and_tell(both: tuple[Dossier, Any]) -> None:
            corrected, checklist = both
            corrected.correct(changes, reason, _obligation_after(corrected, changes, today))
            checklist.know_children(corrected.profile.get("children", []), today)

        self._update(
            ctx.for_activity("registratie"),
            lambda: (
                self._get(dossier_id),
                self._checklist_or_new(dossier.household_id or dossier.id, dossier.gemeente),
            ),
            correct_and_tell,
        )
        return self.dossier(ctx, dossier_id)

    def assign_regievoerder(
        self,
        ctx: CommandContext,
        dossier_id: str,
        data: Any,
        known: Callable[[str, str], str | None],
    ) -> dict[str, Any]:
        """Take the dossier (`mij`) or give it to another regievoerder of its gemeente: one
        `known(gemeente, user id)` names, that is who took a dossier of the gemeente before."""
        require(ctx, Action.ASSIGN_DOSSIER)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.ASSIGN_DOSSIER, dossier.gemeente)
        wanted = validated(contract.RegievoerderAssignment, data).regievoerder
        if wanted in (ME, ctx.actor.user_id):
            who, name = ctx.actor.user_id, ctx.actor.display_name or ctx.actor.user_id
        else:
            who, name = wanted, known(dossier.gemeente, wanted)
            if name is None:
                raise InvalidInput(
                    [
                        field_error(
                            "regievoerder",
                            f"is not a regievoerder of gemeente {dossier.gemeente}: a regievoerder"
                            " is known to the gemeente once they took one of its dossiers"
                            " (regievoerder: mij)",
                        )
                    ]
                )
        self._update(
            ctx.for_activity("registratie"),
            lambda: self._get(dossier_id),
            lambda d: d.assign_regievoerder(regievoerder=who, name=name),
        )
        return self.dossier(ctx, dossier_id)

    def dossier(self, ctx: CommandContext, dossier_id: UUID | str) -> dict[str, Any]:
        """The dossier as its gemeente's regievoerder sees it."""
        require(ctx, Action.READ_DOSSIER)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.READ_DOSSIER, dossier.gemeente)
        return self._dossier_dict(dossier)

    def addressee(self, ctx: CommandContext, dossier_id: UUID | str) -> str:
        """The person's name, for a letter the caller's decision is sent with (pip's)."""
        require(ctx, Action.DRAFT_PIP)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.DRAFT_PIP, dossier.gemeente)
        return f"{dossier.given_name} {dossier.family_name}"

    def check_documents(self, ctx: CommandContext, dossier_id: UUID | str) -> str:
        """Whether the actor may read the dossier's documents; its gemeente."""
        require(ctx, Action.READ_DOCUMENTS)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.READ_DOCUMENTS, dossier.gemeente)
        return dossier.gemeente

    def dossier_view(
        self, ctx: CommandContext, dossier_id: str, guides: GuideCheck | None = None
    ) -> dict[str, Any]:
        """The dossier and its brede intake as the actor's role may see them, by data category
        (a begeleider: only as the active guide, asked of `guides`); the read itself is recorded,
        with the categories shown."""
        require(ctx, Action.VIEW_DOSSIER)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.VIEW_DOSSIER, dossier.gemeente)
        require_active_guide(ctx, Action.VIEW_DOSSIER, dossier.id, guides)
        try:
            intake = self._intake_view(ctx, self.repository.get(intake_id(dossier.id)), True)
        except AggregateNotFoundError:
            intake = None
        view = dossier_view(self._dossier_dict(dossier), intake, ctx.actor.roles)
        self._update(
            ctx.for_activity("dossier-inzien"),
            lambda: self._load_or(read_log_id(dossier.id), ReadLog, dossier),
            lambda log: log.viewed(
                reader=ctx.actor.user_id,
                roles=list(ctx.actor.roles),
                categories=view["categories"],
            ),
        )
        return view

    def _dossier_dict(self, dossier: Dossier) -> dict[str, Any]:
        return {
            "id": str(dossier.id),
            "gemeente": dossier.gemeente,
            "bsn": dossier.bsn,
            "v_nummer": dossier.v_nummer,
            "given_name": dossier.given_name,
            "family_name": dossier.family_name,
            "birth_date": dossier.birth_date.isoformat(),
            "duo_notice_date": dossier.duo_notice_date.isoformat(),
            "brp_registration_date": dossier.brp_registration_date.isoformat(),
            "registered_at": dossier.created_on.isoformat(),
            "profile": jsonable(dossier.profile),
            "obligation": _obligation_answer(dossier.obligation_on(today_in_amsterdam())),
            "household_id": str(dossier.household_id or dossier.id),
            "relation": dossier.relation,
            "corrections": dossier.corrections,
            "regievoerder": _regievoerder_of(dossier),
            "version": dossier.version,
        }

    def _load_or(self, aggregate_id: Any, new: Callable[..., Any], dossier: Dossier) -> Any:
        """The aggregate about `dossier`, or a new one when it has none yet."""
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return new(dossier_id=dossier.id, gemeente=dossier.gemeente)

    def bsn_claimant(self, bsn: str) -> str | None:
        """The dossier that claimed this BSN, if any (found by the BSN's keyed hash)."""
        claim_id = BsnClaim.create_id(BsnClaim.digest_of(bsn, self.bsn_key))
        try:
            return str(self.repository.get(claim_id).dossier_id)
        except AggregateNotFoundError:
            return None

    def _get(self, dossier_id: UUID | str) -> Dossier:
        try:
            dossier = self.repository.get(UUID(str(dossier_id)))
        except (AggregateNotFoundError, ValueError):
            raise NotFound("no such dossier") from None
        if not isinstance(dossier, Dossier):
            raise NotFound("no such dossier")
        return dossier


def _obligation_after(dossier: Dossier, changes: dict[str, Any], today: date) -> dict[str, Any]:
    """Whether the person is inburgeringsplichtig once `changes` are made, with the dates a PIP
    deadline counts from (pip opens a PIP when the obligation starts: DUO's notice at 18)."""
    facts = {
        "birth_date": dossier.birth_date,
        "duo_notice_date": dossier.duo_notice_date,
        "brp_registration_date": dossier.brp_registration_date,
        **{k: v for k, v in changes.items() if k in _DATES},
    }
    profile = {**dossier.profile, **{k: v for k, v in changes.items() if k in PROFILE_FIELDS}}
    obligation = obligation_of(facts["birth_date"], facts["duo_notice_date"], profile, today)
    return {
        "inburgeringsplichtig": obligation.obligated,
        "duo_notice_date": facts["duo_notice_date"],
        "brp_registration_date": facts["brp_registration_date"],
    }


_DATES = ("birth_date", "duo_notice_date", "brp_registration_date")


def _regievoerder_of(dossier: Dossier) -> dict[str, str] | None:
    """Who is responsible for the dossier (a state kept before issue 17 has nobody)."""
    regievoerder = getattr(dossier, "regievoerder", None)
    return dict(regievoerder) if regievoerder else None


def _obligation_answer(obligation: Obligation) -> dict[str, Any]:
    return {
        "status": obligation.status,
        "obligated": obligation.obligated,
        "starts_on": obligation.starts_on and obligation.starts_on.isoformat(),
        "ends_on": obligation.ends_on.isoformat(),
        "reason": obligation.reason,
        "articles": obligation.articles,
    }
