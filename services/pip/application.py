"""PIP use cases: the draft follows the intake; the regievoerder drafts, establishes and revises;
owners record progress; a timer marks deadlines. Reading shows the PIP as the actor may see it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.common import topology
from services.common.access import Action, require, require_for_gemeente
from services.common.active_guide import GuideCheck, require_active_guide
from services.common.application import ChainApplication
from services.common.clock import AMSTERDAM, today_in_amsterdam
from services.common.context import CommandContext
from services.common.envelope import context_of_event
from services.common.errors import NotFound
from services.common.fields import validated
from services.contracts import pip as c
from services.pip.domain import Pip, pip_id
from services.pip.handhaving import Handhaving, enforcement_id
from services.pip.plan_use_cases import PlanUseCases
from services.pip.progress_use_cases import ProgressUseCases
from services.pip.views import pip_view, starting_points_view

# Consumed integration events, as named in contracts/events/ (pip codes against the contract,
# never against intake's code).
DOSSIER_REGISTERED = "nl.wegwijs.intake.dossier.geregistreerd.v1"
DOSSIER_CORRECTED = "nl.wegwijs.intake.dossier.gecorrigeerd.v1"
INTAKE_COMPLETED = "nl.wegwijs.intake.brede-intake.afgerond.v1"
ROUTE_CHOSEN = "nl.wegwijs.intake.route.gekozen.v1"
PRACTICAL_ITEM_OPENED = "nl.wegwijs.intake.praktische-zaak.geopend.v1"
PRACTICAL_ITEM_CLOSED = "nl.wegwijs.intake.praktische-zaak.gesloten.v1"
SIGNAL_GIVEN = "nl.wegwijs.intake.signaal.gegeven.v1"
GUIDANCE_ACTIVITY = "nl.wegwijs.matching.activiteit.vastgelegd.v1"
DOSSIER_MOVED = "nl.wegwijs.intake.dossier.verhuisd.v1"
# What an overdrachtsdossier leaves out of the PIP: health is a special category (AVG art. 9 lid
# 1); no provision of the Wet inburgering 2021 we could verify lets it pass to another gemeente.
TRANSFER_WITHHELD_DOMAINS = frozenset({"gezondheid"})
# What pip takes of intake's events and of matching's (declared in the topology, which binds
# pip's queues to these types alone).
CONSUMED = topology.takes("pip", "intake")
TAKEN_OF_MATCHING = topology.takes("pip", "matching")


def _event_day(event: Mapping[str, Any]) -> date:
    return datetime.fromisoformat(event["time"]).astimezone(AMSTERDAM).date()


# How each consumed event changes the draft (registration opens it: see Pips.policy).
_REACTIONS: dict[str, Callable[[Pip, Mapping[str, Any]], None]] = {
    INTAKE_COMPLETED: lambda pip, e: pip.note_intake_completed(
        completed_on=_event_day(e),
        route_advice=e["data"]["route_advice"],
        summary=e["data"].get("summary") or {},
    ),
    ROUTE_CHOSEN: lambda pip, e: pip.note_route_choice(
        route=e["data"]["route"], advised=e["data"]["advised"]
    ),
    PRACTICAL_ITEM_OPENED: lambda pip, e: pip.note_practical_item(e["data"]["item"], True),
    PRACTICAL_ITEM_CLOSED: lambda pip, e: pip.note_practical_item(e["data"]["item"], False),
    SIGNAL_GIVEN: lambda pip, e: pip.note_signal(
        domain=e["data"]["domain"], author_role=e["data"]["author_role"]
    ),
}


def _draft(dossier_id: str, gemeente: str, dates: Mapping[str, Any]) -> Pip:
    return Pip.open_draft(
        dossier_id=UUID(dossier_id),
        gemeente=gemeente,
        duo_notice_date=date.fromisoformat(dates["duo_notice_date"]),
        brp_registration_date=date.fromisoformat(dates["brp_registration_date"]),
    )


class Pips(ChainApplication, PlanUseCases, ProgressUseCases):
    name = "Pips"
    schema = "pip"
    reaction_activity = "pip-opstellen"

    def __init__(self, env: dict[str, str] | None = None, handhaving: Handhaving | None = None):
        super().__init__(env)
        self.handhaving = handhaving or Handhaving.load()

    def reacts_to(self, origin: str, event: Mapping[str, Any]) -> bool:
        if origin == "matching":
            return event["type"] in TAKEN_OF_MATCHING
        return origin != "intake" or event["type"] in CONSUMED

    def policy(self, origin: str, event: Mapping[str, Any]) -> Sequence[Any]:
        if origin == "matching" and event["type"] == GUIDANCE_ACTIVITY:
            return self._guidance_activity(event)
        if origin != "intake" or event["type"] not in CONSUMED:
            return ()
        data = event["data"]
        if event["type"] == DOSSIER_REGISTERED:
            # A member without an obligation (Wi 2021 art. 3-5: a child) gets no PIP and no
            # deadline; left out, the event is from before that was published: a PIP.
            if not data.get("inburgeringsplichtig", True):
                return ()
            return [_draft(data["dossier_id"], data["gemeente"], data)]
        if event["type"] == DOSSIER_MOVED:
            return self._hand_over(data)
        try:
            pip = self.load(pip_id(data["dossier_id"]))
        except AggregateNotFoundError:
            # The obligation starts (DUO's notice at 18, recorded as a correction): the PIP's
            # draft opens, its deadline counted from the dates then.
            if event["type"] == DOSSIER_CORRECTED and data.get("inburgeringsplichtig"):
                return [_draft(data["dossier_id"], event["gemeente"], data["dates"])]
            return ()
        if event["type"] == DOSSIER_CORRECTED:
            pip.correct_dates(
                date.fromisoformat(data.get("duo_notice_date", pip.duo_notice_date.isoformat())),
                date.fromisoformat(
                    data.get("brp_registration_date", pip.brp_registration_date.isoformat())
                ),
            )
        else:
            _REACTIONS[event["type"]](pip, event)
        return [pip]

    def _hand_over(self, data: Mapping[str, Any]) -> Sequence[Any]:
        """The move was accepted: the PIP and its handhaving are the new gemeente's, with the
        same termijn and deadlines (a member without a PIP has nothing here to hand over)."""
        handed = []
        for aggregate_id in (pip_id(data["dossier_id"]), enforcement_id(data["dossier_id"])):
            try:
                aggregate = self.load(aggregate_id)
            except AggregateNotFoundError:
                continue
            if aggregate.gemeente != data["to_gemeente"]:
                aggregate.hand_over(
                    to_gemeente=data["to_gemeente"],
                    moved_on=date.fromisoformat(data["moved_on"]),
                )
                handed.append(aggregate)
        return handed

    def _guidance_activity(self, event: Mapping[str, Any]) -> Sequence[Any]:
        """A guide's activity on a goal is progress on that goal, recorded once (the tracking
        record of the event commits with it)."""
        data = event["data"]
        try:
            pip = self.load(pip_id(data["dossier_id"]))
        except AggregateNotFoundError:
            return ()
        ctx = context_of_event(event).for_activity(self.PROGRESS)
        with self.command(ctx):
            noted = pip.note_guidance_activity(
                data["goal_id"], date.fromisoformat(data["on"]), _event_day(event)
            )
        return [pip] if noted else ()

    # reading ------------------------------------------------------------------------------------
    def pip(
        self,
        ctx: CommandContext,
        dossier_id: UUID | str,
        as_of: str | None = None,
        guides: GuideCheck | None = None,
    ) -> dict[str, Any]:
        """The PIP as the actor may see it (a begeleider: only as the active guide, asked of
        `guides`); with `as_of`, as it stood on that date."""
        require(ctx, Action.READ_PIP)
        day = validated(c.PipQuery, {"as_of": as_of}).as_of if as_of else None
        pip = self._get(ctx, Action.READ_PIP, dossier_id)
        require_active_guide(ctx, Action.READ_PIP, pip.dossier_id, guides)
        if day is not None and pip.version_on(day) is None:
            raise NotFound(f"no PIP of this dossier was established on or before {day}")
        return self._view(ctx, pip, day)

    def transfer_file(
        self, ctx: CommandContext, dossier_id: str, region: Iterable[str]
    ) -> dict[str, Any]:
        """pip's part of the overdrachtsdossier of a person who left the `region`, for the
        gemeente they left: the PIP's status, termijn, deadline, goals and their status, and the
        measures of its handhaving. Goals on health stay out (AVG art. 9: special category;
        counted, never shown)."""
        require(ctx, Action.MOVE_DOSSIER)
        try:
            pip = self.repository.get(pip_id(UUID(str(dossier_id))))
        except (AggregateNotFoundError, ValueError):
            raise NotFound("no PIP for this dossier") from None
        former = getattr(pip, "handed_over_from", None)
        if pip.gemeente in set(region) or not former or not ctx.actor.acts_for(former):
            raise NotFound("no PIP of a person who left the region from here")
        plan = pip.versions[-1]["plan"] if pip.versions else pip.plan()
        goals = list(plan.get("goals", {}).values())
        try:
            breaches = self.repository.get(enforcement_id(pip.dossier_id)).breaches
        except AggregateNotFoundError:
            breaches = []
        return {
            "status": pip.DRAFT if not pip.versions else pip.ESTABLISHED,
            "established_on": pip.established_on() and pip.established_on().isoformat(),
            "deadline": pip.effective_deadline() and pip.effective_deadline().isoformat(),
            "termijn": pip.termijn_start
            and {"start": pip.termijn_start.isoformat(), "end": pip.termijn_end.isoformat()},
            "goals": [
                {
                    "domain": g["domain"],
                    "description": g["description"],
                    "status": pip.goal_status(g["id"]),
                    "due_on": str(g["due_on"]),
                }
                for g in goals
                if g["domain"] not in TRANSFER_WITHHELD_DOMAINS
            ],
            "health_goals_withheld": sum(
                1 for g in goals if g["domain"] in TRANSFER_WITHHELD_DOMAINS
            ),
            "measures": [
                {
                    "measure": b["measure"],
                    "on": str(b["on"]),
                    "decision": "open"
                    if b["decision"] is None
                    else ("genomen" if b["decision"].get("take") else "niet-genomen"),
                }
                for b in breaches
                if b["measure"]
            ],
        }

    def starting_points(self, ctx: CommandContext, dossier_id: str) -> dict[str, Any]:
        """What the completed intake offers the regievoerder to draft from; they decide."""
        require(ctx, Action.DRAFT_PIP)
        pip = self._get(ctx, Action.DRAFT_PIP, dossier_id)
        return starting_points_view(pip, ctx.actor.roles)

    # shared by the use cases --------------------------------------------------------------------
    def _get(self, ctx: CommandContext, action: Action, dossier_id: UUID | str) -> Pip:
        try:
            pip = self.repository.get(pip_id(UUID(str(dossier_id))))
        except (AggregateNotFoundError, ValueError):
            raise NotFound("no PIP for this dossier (yet)") from None
        require_for_gemeente(ctx, action, pip.gemeente)
        return pip

    def _change(
        self,
        ctx: CommandContext,
        action: Action,
        activity: str,
        dossier_id: str,
        change: Callable[[Pip], Any],
    ) -> dict[str, Any]:
        """Check the actor, change the PIP (again on a concurrent change) and show it."""
        require(ctx, action)
        pip = self._get(ctx, action, dossier_id)
        pip = self._update(ctx.for_activity(activity), lambda: self.repository.get(pip.id), change)
        return self._view(ctx, pip)

    def _view(self, ctx: CommandContext, pip: Pip, as_of: date | None = None) -> dict[str, Any]:
        try:
            breaches = self.repository.get(enforcement_id(pip.dossier_id)).breaches
        except AggregateNotFoundError:
            breaches = []
        view = pip_view(pip, ctx.actor.roles, as_of, breaches)
        if "handhaving" in view and as_of is None:
            view["handhaving_policy"] = self.handhaving.for_gemeente(pip.gemeente).as_dict()
        return view

    @staticmethod
    def today() -> date:
        return today_in_amsterdam()
