"""Matching use cases: organisations keep their guides and placements; the regievoerder records a
person's matching profile, ranks, proposes, and starts and ends matches; the active guide logs
activities on PIP goals and gives signals. What matching knows of the dossier and its PIP follows
intake's and pip's events."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.common import topology
from services.common.access import Action, Role, require, require_for_gemeente
from services.common.application import ChainApplication
from services.common.clock import today_in_amsterdam
from services.common.context import CommandContext
from services.common.errors import Conflict, Forbidden, InvalidInput, NotFound, field_error
from services.common.fields import validated
from services.common.region import Region
from services.common.signal_basis import BasisCheck, legal_basis_of, signal_basis
from services.common.values import jsonable
from services.contracts import matching as contract
from services.matching import fields, ranking
from services.matching.domain import Guidance, Guide, Placement, guidance_id
from services.matching.events import SIGNAL_GIVEN
from services.matching.pool import Pool
from services.matching.sharing import PURPOSES, TOLD_ON_PROPOSAL, Outlook, Sharing
from services.matching.views import guidance_view, proposal_view

# Consumed integration events, as named in contracts/events/.
DOSSIER_REGISTERED = "nl.wegwijs.intake.dossier.geregistreerd.v1"
ROUTE_CHOSEN = "nl.wegwijs.intake.route.gekozen.v1"
HOUSEHOLD_JOINED = "nl.wegwijs.intake.huishouden.gekoppeld.v1"
PIP_ESTABLISHED = "nl.wegwijs.pip.vastgesteld.v1"
PIP_REVISED = "nl.wegwijs.pip.bijgesteld.v1"
GOAL_PROGRESS = "nl.wegwijs.pip.doel.voortgang-vastgelegd.v1"
DOSSIER_MOVED = "nl.wegwijs.intake.dossier.verhuisd.v1"
# What matching takes of each origin (declared in the topology, which binds matching's queues
# to these types alone).
CONSUMED = topology.TAKES["matching"]


def _note_plan(guidance: Guidance, data: Mapping[str, Any]) -> None:
    guidance.note_plan(
        route=data["route"],
        decided_on=date.fromisoformat(data["decided_on"]),
        goals={g["goal_id"]: {"domain": g["domain"], "phase": g["phase"]} for g in data["goals"]},
    )


def _hand_over(guidance: Guidance, data: Mapping[str, Any]) -> None:
    """The move was accepted: the guidance is the new gemeente's; the active guide's
    organisation is told (the event names it, so consent's feed addresses it alone)."""
    if guidance.gemeente == data["to_gemeente"]:
        return
    active = guidance.active_guide()
    guidance.hand_over(
        to_gemeente=data["to_gemeente"],
        moved_on=date.fromisoformat(data["moved_on"]),
        organisation=active["organisation"] if active else "",
    )


_REACTIONS: dict[str, Callable[[Guidance, Mapping[str, Any]], None]] = {
    DOSSIER_MOVED: _hand_over,
    ROUTE_CHOSEN: lambda g, data: g.note_route(data["route"]),
    HOUSEHOLD_JOINED: lambda g, data: g.note_household(data["household_id"]),
    PIP_ESTABLISHED: _note_plan,
    PIP_REVISED: _note_plan,
    GOAL_PROGRESS: lambda g, data: g.note_goal_status(data["goal_id"], data["status"]),
}


def _as_household_guide(guide: ranking.Guide, household_guides: set[str]) -> ranking.Guide:
    """The household's own guide has room for its members: the household is already on their
    caseload."""
    if guide.id in household_guides:
        return replace(guide, caseload=max(guide.caseload - 1, 0))
    return guide


class Matching(ChainApplication):
    name = "Matching"
    schema = "matching"
    reaction_activity = "koppelen"
    GUIDES = "begeleiders-beheren"
    MATCHING = "koppelen"
    GUIDANCE = "begeleiding-vastleggen"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        policy: ranking.Policy | None = None,
        region: Region | None = None,
    ):
        super().__init__(env)
        self.rules = policy or ranking.Policy()
        self.region = region or Region.load()

    def reacts_to(self, origin: str, event: Mapping[str, Any]) -> bool:
        return event["type"] in CONSUMED.get(origin, ())

    def policy(self, origin: str, event: Mapping[str, Any]) -> Sequence[Any]:
        if event["type"] not in CONSUMED.get(origin, ()):
            return ()
        data = event["data"]
        # intake's and pip's events arrive on separate queues: whichever names the dossier
        # first opens its guidance (a concurrent second opening fails and is retried).
        opened = False
        try:
            guidance = self.load(guidance_id(data["dossier_id"]))
        except AggregateNotFoundError:
            gemeente = data.get("gemeente") or event.get("gemeente")
            if not gemeente:
                return ()
            guidance = Guidance(dossier_id=UUID(data["dossier_id"]), gemeente=gemeente)
            opened = True
        if event["type"] == DOSSIER_REGISTERED:
            return [guidance] if opened else ()
        version = guidance.version
        _REACTIONS[event["type"]](guidance, data)
        return [guidance] if opened or guidance.version != version else ()

    # guides and placements ----------------------------------------------------------------------
    def register_guide(self, ctx: CommandContext, data: Any) -> dict[str, Any]:
        """A coordinator registers a guide of their own organisation."""
        require(ctx, Action.MANAGE_GUIDES)
        self._check_organisation(ctx)
        details = fields.parse_guide(data, self.region.codes(), self.today())
        self._check_gemeenten(ctx, details["gemeenten"])
        with self.command(ctx.for_activity(self.GUIDES)):
            guide = Guide(organisation=ctx.actor.organisation, details=details)
        self.save(guide)
        return guide.as_dict()

    def change_guide(self, ctx: CommandContext, guide_id: str, data: Any) -> dict[str, Any]:
        require(ctx, Action.MANAGE_GUIDES)
        changes = fields.parse_guide(data, self.region.codes(), self.today(), partial=True)
        if "gemeenten" in changes:
            self._check_gemeenten(ctx, changes["gemeenten"])
        self._own(ctx, Guide, guide_id)
        guide = self._update(
            ctx.for_activity(self.GUIDES),
            lambda: self.repository.get(UUID(guide_id)),
            lambda g: g.change(changes),
        )
        return guide.as_dict()

    def withdraw_guide(self, ctx: CommandContext, guide_id: str, data: Any) -> dict[str, Any]:
        require(ctx, Action.MANAGE_GUIDES)
        reason = validated(contract.ReasonToStop, data).reason.strip()
        self._own(ctx, Guide, guide_id)
        guide = self._update(
            ctx.for_activity(self.GUIDES),
            lambda: self.repository.get(UUID(guide_id)),
            lambda g: g.withdraw(reason),
        )
        return guide.as_dict()

    def guide(self, ctx: CommandContext, guide_id: str) -> dict[str, Any]:
        require(ctx, Action.READ_POOL)
        guide = self._pooled(ctx, Guide, guide_id)
        return guide.as_dict()

    def offer_placement(self, ctx: CommandContext, data: Any) -> dict[str, Any]:
        require(ctx, Action.OFFER_PLACEMENTS)
        self._check_organisation(ctx)
        details = fields.parse_placement(data, self.region.codes())
        self._check_gemeenten(ctx, [details["gemeente"]], "gemeente")
        with self.command(ctx.for_activity(self.GUIDES)):
            placement = Placement(organisation=ctx.actor.organisation, details=details)
        self.save(placement)
        return placement.as_dict()

    def change_placement(self, ctx: CommandContext, placement_id: str, data: Any) -> dict[str, Any]:
        require(ctx, Action.OFFER_PLACEMENTS)
        changes = fields.parse_placement(data, self.region.codes(), partial=True)
        if "gemeente" in changes:
            self._check_gemeenten(ctx, [changes["gemeente"]], "gemeente")
        self._own(ctx, Placement, placement_id)
        placement = self._update(
            ctx.for_activity(self.GUIDES),
            lambda: self.repository.get(UUID(placement_id)),
            lambda p: p.change(changes),
        )
        return placement.as_dict()

    def close_placement(self, ctx: CommandContext, placement_id: str, data: Any) -> dict:
        require(ctx, Action.OFFER_PLACEMENTS)
        reason = validated(contract.ReasonToStop, data).reason.strip()
        self._own(ctx, Placement, placement_id)
        placement = self._update(
            ctx.for_activity(self.GUIDES),
            lambda: self.repository.get(UUID(placement_id)),
            lambda p: p.close(reason),
        )
        return placement.as_dict()

    def placement(self, ctx: CommandContext, placement_id: str) -> dict[str, Any]:
        require(ctx, Action.READ_POOL)
        return self._pooled(ctx, Placement, placement_id).as_dict()

    # the person's matching profile and ranking ---------------------------------------------------
    def set_profile(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        """What matching may use of the person, as agreed with them."""
        require(ctx, Action.MATCH)
        profile = fields.parse_profile(data)
        self._guidance(ctx, Action.MATCH, dossier_id)
        guidance = self._update(
            ctx.for_activity(self.MATCHING),
            lambda: self.repository.get(guidance_id(dossier_id)),
            lambda g: g.set_profile(profile),
        )
        return guidance_view(guidance, ctx.actor.roles, ctx.actor.user_id)

    def rank(
        self,
        ctx: CommandContext,
        dossier_id: str,
        kind: str,
        pool: Pool,
        sharing: Sharing,
    ) -> dict[str, Any]:
        """Guides or placements for the person, best first, each explained criterion by
        criterion, and every candidate left out with why."""
        require(ctx, Action.MATCH)
        if kind not in fields.CANDIDATE_KINDS:
            raise InvalidInput(
                [field_error("kind", f"must be one of: {', '.join(fields.CANDIDATE_KINDS)}")]
            )
        guidance = self._guidance(ctx, Action.MATCH, dossier_id)
        person = guidance.person()
        region = self.region.codes()
        candidates: list[Any]
        shared: set[str] = set()
        if kind == "begeleider":
            shared = self.household_guides(guidance)
            candidates = [_as_household_guide(g, shared) for g in pool.guides(region)]
        else:
            candidates = pool.placements(region)
        outlook = sharing.outlook(
            str(guidance.dossier_id), PURPOSES[kind], {c.organisation for c in candidates}
        )
        rank = ranking.rank_guides if kind == "begeleider" else ranking.rank_placements
        result = rank(  # type: ignore[operator]
            person,
            candidates,
            self.today(),
            region=outlook.pool,
            permitted=outlook.categories,
            policy=self.rules,
        )
        return {
            "dossier_id": str(guidance.dossier_id),
            "soort": kind,
            "persoon": {
                "gemeente": person.gemeente,
                "route": person.route or None,
                "fase": person.phase,
                "talen": dict(person.languages),
                "nederlands": person.dutch,
            },
            "regionale_pool": sorted(outlook.pool),
            # The guide(s) other members of the household have: a household has one guide.
            "huishouden_begeleiders": sorted(shared),
            **result.as_dict(),
        }

    # proposals ----------------------------------------------------------------------------------
    def propose(
        self, ctx: CommandContext, dossier_id: str, data: Any, sharing: Sharing
    ) -> dict[str, Any]:
        """Propose a guide or placement. The hard constraints are checked again; the
        organisation is told the person's Dutch level when the protocol or consent allows."""
        require(ctx, Action.MATCH)
        asked = fields.parse_proposal(data)
        guidance = self._guidance(ctx, Action.MATCH, dossier_id)
        person = guidance.person()
        kind = asked["kind"]
        candidate = self._candidate(kind, asked["candidate_id"]).candidate()
        if kind == "begeleider":
            shared = self.household_guides(guidance)
            if shared and candidate.id not in shared:
                raise Conflict(
                    "this person's household already has a fixed guide "
                    f"({', '.join(sorted(shared))}): a household has one guide"
                )
            candidate = _as_household_guide(candidate, shared)
        purpose = PURPOSES[kind]
        outlook = sharing.outlook(str(guidance.dossier_id), purpose, [candidate.organisation])
        rank = ranking.rank_guides if kind == "begeleider" else ranking.rank_placements
        result = rank(  # type: ignore[operator]
            person,
            [candidate],
            self.today(),
            region=outlook.pool,
            permitted=outlook.categories,
            policy=self.rules,
        )
        if not result.ranked:
            reasons = "; ".join(next(iter(result.excluded.values())))
            raise InvalidInput(
                [field_error("candidate_id", f"cannot be proposed to this person: {reasons}")]
            )
        guidance.check_proposable(candidate.id)  # before consent records a disclosure
        told_categories = sharing.decide(
            str(guidance.dossier_id), candidate.organisation, purpose, list(TOLD_ON_PROPOSAL)
        )
        told: dict[str, Any] = {}
        if all(told_categories.get(c) for c in TOLD_ON_PROPOSAL):
            told["dutch_level"] = person.dutch
            if kind == "plaatsing":
                told["needs_adapted_work"] = ranking.level(person.dutch) < ranking.level(
                    candidate.dutch_required  # type: ignore[attr-defined]
                )
        proposal_id = ""

        def make(g: Guidance) -> None:
            nonlocal proposal_id
            proposal_id = g.propose(
                kind=kind,
                candidate_id=candidate.id,
                organisation=candidate.organisation,
                score=result.ranked[0].score,
                told=told,
                note=asked["note"],
            )

        guidance = self._update(
            ctx.for_activity(self.MATCHING),
            lambda: self.repository.get(guidance.id),
            make,
        )
        return proposal_view(guidance, guidance.proposals[proposal_id], ctx.actor.roles)

    def answer(
        self, ctx: CommandContext, dossier_id: str, proposal_id: str, data: Any
    ) -> dict[str, Any]:
        """The person (through the regievoerder) or the organisation (its coordinator) accepts
        or declines, with a reason when declining."""
        require(ctx, Action.ANSWER_MATCH)
        answer = fields.parse_answer(data)
        guidance, proposal = self._party_to(ctx, dossier_id, proposal_id)
        self._check_side(ctx, proposal, answer["side"])
        guidance = self._update(
            ctx.for_activity(self.MATCHING),
            lambda: self.repository.get(guidance.id),
            lambda g: g.answer(proposal_id, answer["side"], answer["accepted"], answer["reason"]),
        )
        return proposal_view(guidance, guidance.proposals[proposal_id], ctx.actor.roles)

    def start(
        self, ctx: CommandContext, dossier_id: str, proposal_id: str, data: Any, sharing: Sharing
    ) -> dict[str, Any]:
        """Start an accepted match: the regievoerder's, who has the regie and asks consent
        again whether the organisation may still receive the person's data. A guide's caseload
        and a placement's places are taken in the same transaction; a second active guide is
        refused unless this is a change of guide."""
        require(ctx, Action.MATCH)
        asked = fields.parse_start(data, self.today())
        guidance = self._guidance(ctx, Action.MATCH, dossier_id)
        proposal = guidance.proposal(proposal_id)
        dossier = str(guidance.dossier_id)
        outlook = sharing.outlook(dossier, PURPOSES[proposal["kind"]], [proposal["organisation"]])

        def load() -> tuple[Any, ...]:
            g = self.repository.get(guidance.id)
            proposal = g.proposal(proposal_id)
            candidate = self._candidate(proposal["kind"], proposal["candidate_id"])
            current = g.check_start(proposal_id, asked["on"], asked["change_reason"])
            loaded = [g, candidate]
            if current is not None:
                loaded.append(self.repository.get(UUID(current["candidate_id"])))
            if isinstance(candidate, Guide):
                head = self._household_head(g)
                if head is not g:
                    loaded.append(head)
            return tuple(loaded)

        def change(aggregates: tuple[Any, ...]) -> None:
            g, candidate = aggregates[0], aggregates[1]
            previous = next((a for a in aggregates[2:] if isinstance(a, Guide)), None)
            head = next((a for a in aggregates[2:] if isinstance(a, Guidance)), g)
            current = g.active_guide() if isinstance(candidate, Guide) else None
            if isinstance(candidate, Guide):
                head.check_household_guide(dossier, str(candidate.id))
            if current is not None:
                g.end(
                    current["id"],
                    on=asked["on"],
                    outcome="gewisseld",
                    reason=asked["change_reason"],
                )
                previous.release(dossier)
            exclusions = self._exclusions(g, candidate, outlook)
            if isinstance(candidate, Guide):
                if candidate.guides_household(g.household_id):
                    # Another member's guide already: the household is on their caseload.
                    exclusions = [e for e in exclusions if not e.startswith("geen ruimte")]
                candidate.assign(dossier, g.household_id, exclusions)
                head.note_household_guide(dossier, str(candidate.id))
            else:
                candidate.fill(dossier, exclusions)
            g.start(proposal_id, on=asked["on"], change_reason=asked["change_reason"])

        saved = self._update(ctx.for_activity(self.MATCHING), load, change)
        return proposal_view(saved[0], saved[0].proposals[proposal_id], ctx.actor.roles)

    def end(
        self, ctx: CommandContext, dossier_id: str, proposal_id: str, data: Any
    ) -> dict[str, Any]:
        """End a running match with its outcome and why; the guide's or placement's place
        is free again, and the history stays."""
        require(ctx, Action.ANSWER_MATCH)
        guidance, proposal = self._party_to(ctx, dossier_id, proposal_id)
        self._check_side(ctx, proposal, None)
        asked = fields.parse_end(data, proposal["kind"], self.today())
        dossier = str(guidance.dossier_id)

        def load() -> tuple[Any, ...]:
            g = self.repository.get(guidance.id)
            g.check_end(proposal_id, asked["on"])
            candidate = self._candidate(proposal["kind"], proposal["candidate_id"])
            head = self._household_head(g) if isinstance(candidate, Guide) else g
            return (g, candidate) if head is g else (g, candidate, head)

        def change(aggregates: tuple[Any, ...]) -> None:
            g, candidate = aggregates[0], aggregates[1]
            head = aggregates[2] if len(aggregates) > 2 else g
            g.end(proposal_id, on=asked["on"], outcome=asked["outcome"], reason=asked["reason"])
            if isinstance(candidate, Guide):
                candidate.release(dossier)
                head.note_household_guide(dossier, "")
            else:
                candidate.free(dossier)

        saved = self._update(ctx.for_activity(self.MATCHING), load, change)
        return proposal_view(saved[0], saved[0].proposals[proposal_id], ctx.actor.roles)

    # the guidance: its log and signals ----------------------------------------------------------
    def guidance(self, ctx: CommandContext, dossier_id: str) -> dict[str, Any]:
        """The guidance as the reader may see it: a guide only the guidance they give."""
        require(ctx, Action.READ_GUIDANCE)
        guidance = self._staff_or_guide(ctx, Action.READ_GUIDANCE, dossier_id)
        return guidance_view(guidance, ctx.actor.roles, ctx.actor.user_id)

    def is_active_guide(self, ctx: CommandContext | None, dossier_id: str) -> bool:
        """Whether the calling actor, a begeleider, is the dossier's active guide (their account
        and organisation). Answers for the caller only, so nothing about others is told."""
        if ctx is None or not ctx.actor.has_role(Role.BEGELEIDER):
            return False
        try:
            self._active_guide(ctx, self._load_guidance(dossier_id))
        except (NotFound, Forbidden):
            return False
        return True

    def log_activity(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        """Learning by doing: the active guide records an activity on a PIP goal, what the person
        did themselves and a short reflection. pip takes the progress on the goal from it."""
        require(ctx, Action.LOG_ACTIVITY)
        activity = fields.parse_activity(data, self.today())
        guidance = self._staff_or_guide(ctx, Action.LOG_ACTIVITY, dossier_id)
        logged = ""

        def log(g: Guidance) -> None:
            nonlocal logged
            since = self._active_guide(ctx, g)["started_on"]  # on the guidance as saved next
            if activity["on"] < since:
                raise InvalidInput(
                    [field_error("on", f"must not be before you started guiding ({since})")]
                )
            logged = g.log_activity(by=ctx.actor.user_id, activity=activity)

        guidance = self._update(
            ctx.for_activity(self.GUIDANCE), lambda: self.repository.get(guidance.id), log
        )
        entry = next(a for a in guidance.activities if a["id"] == logged)
        return jsonable({"dossier_id": str(guidance.dossier_id), **entry})

    def give_signal(
        self, ctx: CommandContext, dossier_id: str, data: Any, bases: BasisCheck | None = None
    ) -> dict[str, Any]:
        """The active guide signals to the regievoerder, and says where they referred the
        person, if anywhere (signaller and referrer). A signal about health reaches the gemeente
        only on the basis the protocol names, asked of `bases` (consent) and kept with it."""
        require(ctx, Action.LOG_ACTIVITY)
        signal = fields.parse_signal(data)
        guidance = self._staff_or_guide(ctx, Action.LOG_ACTIVITY, dossier_id)
        self._active_guide(ctx, guidance)
        basis = signal_basis(SIGNAL_GIVEN, signal["domain"], str(guidance.dossier_id), bases)
        activity = ctx.for_activity(self.GUIDANCE)
        if basis is not None:
            activity = replace(activity, legal_basis=legal_basis_of(basis))
        given = ""

        def give(g: Guidance) -> None:
            nonlocal given
            self._active_guide(ctx, g)
            given = g.give_signal(
                by=ctx.actor.user_id, by_role="begeleider", signal={**signal, "basis": basis}
            )

        guidance = self._update(activity, lambda: self.repository.get(guidance.id), give)
        return {"dossier_id": str(guidance.dossier_id), "signal_id": given, "basis": basis}

    # shared by the use cases --------------------------------------------------------------------
    def _guidance(self, ctx: CommandContext, action: Action, dossier_id: str) -> Guidance:
        try:
            guidance = self.repository.get(guidance_id(UUID(str(dossier_id))))
        except (AggregateNotFoundError, ValueError):
            raise NotFound("no such dossier (yet)") from None
        require_for_gemeente(ctx, action, guidance.gemeente)
        return guidance

    def _household_head(self, guidance: Guidance) -> Guidance:
        """The guidance of the household's first member, which keeps the household's guide
        (the guidance itself when it is the first, or when the first is not known here)."""
        if guidance.household_id == str(guidance.dossier_id):
            return guidance
        try:
            return self.repository.get(guidance_id(guidance.household_id))
        except AggregateNotFoundError:
            return guidance

    def household_guides(self, guidance: Guidance) -> set[str]:
        """The guides the other members of the person's household have now."""
        head = self._household_head(guidance)
        member = str(guidance.dossier_id)
        return {g for m, g in head.household_guides.items() if m != member}

    def _load_guidance(self, dossier_id: str) -> Guidance:
        try:
            return self.repository.get(guidance_id(UUID(str(dossier_id))))
        except (AggregateNotFoundError, ValueError):
            raise NotFound("no such dossier (yet)") from None

    def _party_to(
        self, ctx: CommandContext, dossier_id: str, proposal_id: str
    ) -> tuple[Guidance, dict[str, Any]]:
        """The guidance and the proposal, for the regievoerder of the dossier's gemeente or the
        coordinator of the organisation it was made to: a guide or placement of the regional
        pool answers for a dossier of a gemeente its organisation does not otherwise see."""
        guidance = self._load_guidance(dossier_id)
        if ctx.actor.has_role("regievoerder"):
            require_for_gemeente(ctx, Action.ANSWER_MATCH, guidance.gemeente)
            return guidance, guidance.proposal(proposal_id)
        proposal = guidance.proposals.get(proposal_id)
        if proposal is None or proposal["organisation"] != ctx.actor.organisation:
            raise NotFound("no such proposal to your organisation")
        return guidance, proposal

    def _staff_or_guide(self, ctx: CommandContext, action: Action, dossier_id: str) -> Guidance:
        """The guidance, for the gemeente's staff, or for the person's active guide (who may
        come from another gemeente of the pool). Anyone else gets "not found", or, acting for
        the dossier's gemeente, "only the active guide"."""
        guidance = self._load_guidance(dossier_id)
        if ctx.actor.has_role("regievoerder", "klantmanager"):
            require_for_gemeente(ctx, action, guidance.gemeente)
            return guidance
        try:
            self._active_guide(ctx, guidance)
        except Forbidden:
            if ctx.actor.acts_for(guidance.gemeente):
                raise
            raise NotFound("no such dossier") from None
        return guidance

    def _active_guide(self, ctx: CommandContext, guidance: Guidance) -> dict[str, Any]:
        """The dossier's active guidance, whose guide must be the actor: their account and
        their organisation. Returns the guidance's proposal."""
        active = guidance.active_guide()
        guide = self.repository.get(UUID(active["candidate_id"])) if active else None
        if (
            guide is None
            or not guide.details.get("user_id")
            or guide.details["user_id"] != ctx.actor.user_id
            or guide.organisation != ctx.actor.organisation
        ):
            raise Forbidden("only the person's active guide may do this")
        return active

    def _candidate(self, kind: str, candidate_id: str) -> Guide | Placement:
        wanted = Guide if kind == "begeleider" else Placement
        try:
            candidate = self.repository.get(UUID(candidate_id))
        except (AggregateNotFoundError, ValueError):
            candidate = None
        if not isinstance(candidate, wanted):
            what = "guide" if kind == "begeleider" else "placement"
            raise InvalidInput([field_error("candidate_id", f"is not the id of a {what}")])
        return candidate

    def _exclusions(
        self, guidance: Guidance, candidate: Guide | Placement, outlook: Outlook
    ) -> list[str]:
        """The hard constraints at the moment a match starts, as on proposal: VOG, training and
        caseload for a guide, places and period for a placement, the pool, and whether the
        organisation may still receive anything (a consent may have ended meanwhile)."""
        person = guidance.person()
        if isinstance(candidate, Guide):
            why = ranking.guide_exclusions(
                candidate.candidate(), person, outlook.pool, self.today(), self.rules
            )
        else:
            why = ranking.placement_exclusions(
                candidate.candidate(), person, outlook.pool, self.today()
            )
        if "identiteit" not in outlook.categories(candidate.organisation):
            why.append("de organisatie mag niets over de persoon ontvangen")
        return why

    def _check_side(self, ctx: CommandContext, proposal: dict[str, Any], side: str | None) -> None:
        """The person's side is the regievoerder's; the organisation's is its coordinator's.
        `side` None: either may act (start, end)."""
        if ctx.actor.has_role("regievoerder") and side in (None, "persoon"):
            return
        if (
            ctx.actor.has_role("coordinator")
            and side in (None, "aanbieder")
            and ctx.actor.organisation == proposal["organisation"]
        ):
            return
        who = {
            "persoon": "the regievoerder, for the person",
            "aanbieder": "the coordinator of the proposed organisation",
            None: "the regievoerder or the coordinator of the proposed organisation",
        }[side]
        raise Forbidden(f"this is answered by {who}")

    @staticmethod
    def _check_organisation(ctx: CommandContext) -> None:
        """A guide or placement is an organisation's: a coordinator whose token names no
        organisation (claim `org`, an OIN) has none to offer for."""
        if not re.fullmatch(r"[0-9]{20}", ctx.actor.organisation or ""):
            raise Forbidden("your token names no organisation (an OIN) to act for")

    def _check_gemeenten(
        self, ctx: CommandContext, gemeenten: list[str], field: str = "gemeenten"
    ) -> None:
        outside = [g for g in gemeenten if not ctx.actor.acts_for(g)]
        if outside:  # a gemeente of the region, but not yours to act for
            raise Forbidden(
                f"{field}: {', '.join(outside)} is not a gemeente your organisation works for "
                f"({', '.join(ctx.actor.gemeenten) or 'none'})"
            )

    def _own(self, ctx: CommandContext, kind: type, item_id: str) -> Any:
        """A guide or placement of the actor's own organisation; others' are not found."""
        item = self._load_kind(kind, item_id)
        if item.organisation != ctx.actor.organisation:
            raise NotFound(f"no such {kind.__name__.lower()} of your organisation")
        return item

    def _pooled(self, ctx: CommandContext, kind: type, item_id: str) -> Any:
        """A coordinator reads their own organisation's; a regievoerder those working in their
        gemeenten."""
        item = self._load_kind(kind, item_id)
        if ctx.actor.has_role("regievoerder"):
            where = item.details.get("gemeenten") or [item.details.get("gemeente")]
            if any(ctx.actor.acts_for(g) for g in where):
                return item
        if ctx.actor.has_role("coordinator") and item.organisation == ctx.actor.organisation:
            return item
        raise NotFound(f"no such {kind.__name__.lower()}")

    def _load_kind(self, kind: type, item_id: str) -> Any:
        try:
            item = self.repository.get(UUID(str(item_id)))
        except (AggregateNotFoundError, ValueError):
            item = None
        if not isinstance(item, kind):
            raise NotFound(f"no such {kind.__name__.lower()}")
        return item

    @staticmethod
    def today() -> date:
        return today_in_amsterdam()
