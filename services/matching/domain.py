"""Matching's aggregates: the guides organisations offer, their placements, and per dossier the
guidance (the person's matching profile, what matching knows of the PIP, proposals, the fixed guide,
the activity log and signals). No I/O here.

A guide's caseload lives on the `Guide`: starting or ending a guidance changes the `Guide` and the
`Guidance` in one transaction, so two dossiers cannot both take a guide's last place. The same holds
for a placement's capacity.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, get_args

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate
from services.common.errors import Conflict, InvalidInput, NotFound, field_error
from services.contracts.matching import OpenStatus
from services.matching import ranking

_GUIDANCE_NAMESPACE = uuid.UUID("9b0e4c2d-6a1f-4e37-8d5b-2c7f1a3e9d64")
_ITEM_NAMESPACE = uuid.UUID("3d7a1e5c-0b2f-4c89-a6e4-8f1d2b9c7e50")


class Guide(ChainAggregate):
    """A volunteer or professional who guides, kept by their organisation's coordinator."""

    @event("Registered")
    def __init__(self, organisation: str, details: dict[str, Any]):
        self.organisation = organisation
        self.details = dict(details)
        # The guidances running now: dossier id -> its household. A household counts once in the
        # caseload: its members share their fixed guide.
        self.assigned: dict[str, str] = {}
        self.withdrawn = ""

    def subject(self) -> dict[str, str] | None:
        return None

    @event("Changed")
    def change(self, changes: dict[str, Any]) -> None:
        self.details.update(changes)

    @event("Withdrawn")
    def withdraw(self, reason: str) -> None:
        self.withdrawn = reason

    @property
    def caseload(self) -> int:
        """Households guided now."""
        return len(set(self.assigned.values()))

    def guides_household(self, household: str) -> bool:
        return household in self.assigned.values()

    def assign(self, dossier_id: str, household: str, exclusions: list[str]) -> None:
        """Take on a guidance: refused when a hard constraint fails (`exclusions`, from
        ranking) or the guide left."""
        if self.withdrawn:
            raise Conflict("this guide no longer guides: " + self.withdrawn)
        if exclusions:
            raise Conflict("this guide cannot take on this person: " + "; ".join(exclusions))
        caseload = self.caseload + (0 if self.guides_household(household) else 1)
        self._assigned(dossier_id=dossier_id, household=household, caseload=caseload)

    @event("Assigned")
    def _assigned(self, dossier_id: str, household: str, caseload: int) -> None:
        self.assigned[dossier_id] = household

    def release(self, dossier_id: str) -> None:
        if dossier_id in self.assigned:
            household = self.assigned[dossier_id]
            others = [d for d, h in self.assigned.items() if h == household and d != dossier_id]
            self._released(dossier_id=dossier_id, caseload=self.caseload - (0 if others else 1))

    @event("Released")
    def _released(self, dossier_id: str, caseload: int) -> None:
        del self.assigned[dossier_id]

    def candidate(self) -> ranking.Guide:
        return guide_candidate(
            str(self.id), self.organisation, self.details, self.caseload, bool(self.withdrawn)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "organisation": self.organisation,
            **self.details,
            "caseload": self.caseload,
            "withdrawn": self.withdrawn or None,
            "version": self.version,
        }


class Placement(ChainAggregate):
    """Volunteer work, learning volunteer work, an internship, a work-experience place or a job
    an organisation offers (aandachtspunt i)."""

    @event("Offered")
    def __init__(self, organisation: str, details: dict[str, Any]):
        self.organisation = organisation
        self.details = dict(details)
        self.filled_by: list[str] = []
        self.closed = ""

    def subject(self) -> dict[str, str] | None:
        return None

    @event("Changed")
    def change(self, changes: dict[str, Any]) -> None:
        self.details.update(changes)

    @event("Closed")
    def close(self, reason: str) -> None:
        self.closed = reason

    def fill(self, dossier_id: str, exclusions: list[str]) -> None:
        if self.closed:
            raise Conflict("this placement is no longer offered: " + self.closed)
        if exclusions:
            raise Conflict("this placement does not fit this person: " + "; ".join(exclusions))
        self._filled(dossier_id=dossier_id)

    @event("Filled")
    def _filled(self, dossier_id: str) -> None:
        self.filled_by.append(dossier_id)

    def free(self, dossier_id: str) -> None:
        if dossier_id in self.filled_by:
            self._freed(dossier_id=dossier_id)

    @event("Freed")
    def _freed(self, dossier_id: str) -> None:
        self.filled_by.remove(dossier_id)

    def candidate(self) -> ranking.Placement:
        return placement_candidate(
            str(self.id), self.organisation, self.details, len(self.filled_by), bool(self.closed)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "organisation": self.organisation,
            **self.details,
            "filled": len(self.filled_by),
            "closed": self.closed or None,
            "version": self.version,
        }


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def guide_candidate(
    id: str, organisation: str, d: dict[str, Any], caseload: int, withdrawn: bool
) -> ranking.Guide:
    """A guide as ranking sees it (from the aggregate or from the pool's row)."""
    return ranking.Guide(
        id=id,
        name=d["name"],
        organisation=organisation,
        gemeenten=frozenset(d["gemeenten"]),
        languages=d["languages"],
        vog_issued_on=_date(d.get("vog_issued_on")),
        training={k: date.fromisoformat(v) for k, v in d.get("training", {}).items()},
        # A guide who left takes nobody on: no place left.
        max_caseload=0 if withdrawn else d["max_caseload"],
        caseload=caseload,
        hours_per_week=d.get("hours_per_week", 0),
        days=frozenset(d.get("days", ())),
        interests=frozenset(d.get("interests", ())),
        phases=frozenset(d.get("phases", ())),
        routes=frozenset(d.get("routes", ())),
        area=d.get("area", ""),
    )


def placement_candidate(
    id: str, organisation: str, d: dict[str, Any], filled: int, closed: bool
) -> ranking.Placement:
    return ranking.Placement(
        id=id,
        title=d["title"],
        organisation=organisation,
        kind=d["kind"],
        gemeente=d["gemeente"],
        capacity=0 if closed else d["capacity"],
        dutch_required=d.get("dutch_required", "A0"),
        adapted_low_dutch=d.get("adapted_low_dutch", False),
        z_route_suitable=d.get("z_route_suitable", False),
        for_women=d.get("for_women", False),
        childcare=d.get("childcare", False),
        hours_per_week=d.get("hours_per_week", 0),
        skills=frozenset(d.get("skills", ())),
        area=d.get("area", ""),
        starts_on=_date(d.get("starts_on")),
        ends_on=_date(d.get("ends_on")),
        filled=filled,
    )


CLOSED_GOAL_STATUSES = frozenset({"behaald", "niet-behaald"})


class Guidance(ChainAggregate):
    """Everything matching keeps about one dossier: the person's matching profile, what it knows
    of the PIP, proposals, the fixed guide and its history, the activity log and signals."""

    @staticmethod
    def create_id(dossier_id: uuid.UUID, gemeente: str) -> uuid.UUID:
        return guidance_id(dossier_id)

    @event("Opened")
    def __init__(self, dossier_id: uuid.UUID, gemeente: str):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.profile: dict[str, Any] | None = None
        self.route = ""
        self.plan_decided_on: date | None = None  # of the version in force
        self.established_on: date | None = None  # of the first version
        self.goals: dict[str, dict[str, Any]] = {}  # goal id -> domain, phase, status
        self.proposals: dict[str, dict[str, Any]] = {}
        self.activities: list[dict[str, Any]] = []
        self.signals: list[dict[str, Any]] = []
        # The household: its id is its first member's dossier id (intake's rule), so the first
        # member's guidance keeps which guide each member has (`household_guides`).
        self.household_id: str = str(dossier_id)
        self.household_guides: dict[str, str] = {}

    @event("HandedOver")
    def hand_over(self, to_gemeente: str, moved_on: date, organisation: str) -> None:
        """The person moved and the new gemeente accepted: the guidance, its proposals and
        its log are theirs now. `organisation`: the active guide's, told of the move."""
        self.gemeente = to_gemeente

    # what matching learns from intake and pip -------------------------------------------------
    @event("HouseholdNoted")
    def note_household(self, household_id: str) -> None:
        self.household_id = household_id

    # the household's one guide (aandachtspunt b: "per persoon of huishouden") -------------------
    def check_household_guide(self, member: str, guide_id: str) -> None:
        """On the household's first member's guidance: a member may only get the guide the
        other members have."""
        others = {g for m, g in self.household_guides.items() if m != member}
        if others and guide_id not in others:
            raise Conflict(
                "this household already has a fixed guide "
                f"({', '.join(sorted(others))}, for another member): a household has one guide; "
                "propose that guide, or end the other members' guidance first"
            )

    def note_household_guide(self, member: str, guide_id: str) -> None:
        """Record that `member` now has `guide_id` ("" when their guidance ended)."""
        if self.household_guides.get(member, "") != guide_id:
            self._household_guide(member=member, guide_id=guide_id)

    @event("HouseholdGuideNoted")
    def _household_guide(self, member: str, guide_id: str) -> None:
        if guide_id:
            self.household_guides[member] = guide_id
        else:
            self.household_guides.pop(member, None)

    @event("RouteNoted")
    def note_route(self, route: str) -> None:
        self.route = route

    @event("PlanNoted")
    def note_plan(self, route: str, decided_on: date, goals: dict[str, dict[str, Any]]) -> None:
        """The PIP in force (established or revised): its route and goals, without their words."""
        self.route = route
        self.plan_decided_on = decided_on
        if self.established_on is None:
            self.established_on = decided_on
        self.goals = {
            goal_id: {**goal, "status": self.goals.get(goal_id, {}).get("status", "open")}
            for goal_id, goal in goals.items()
        }

    def note_goal_status(self, goal_id: str, status: str) -> bool:
        """Take over a goal's new status; False (nothing recorded) for a goal not in the plan
        matching knows or a status it already has."""
        if goal_id not in self.goals or self.goals[goal_id]["status"] == status:
            return False
        self._goal_status(goal_id=goal_id, status=status)
        return True

    @event("GoalStatusNoted")
    def _goal_status(self, goal_id: str, status: str) -> None:
        self.goals[goal_id]["status"] = status

    # the person's matching profile --------------------------------------------------------------
    @event("ProfileSet")
    def set_profile(self, profile: dict[str, Any]) -> None:
        self.profile = dict(profile)

    def phase(self) -> int:
        """The furthest Piëzo phase the person works in now: the highest of the goals still
        open (phases run in parallel: health and home goals of phase 0 go on beside learning
        volunteer work in phase 2); 0 before there is a PIP."""
        open_phases = [
            g["phase"] for g in self.goals.values() if g["status"] not in CLOSED_GOAL_STATUSES
        ]
        every = [g["phase"] for g in self.goals.values()]
        return max(open_phases or every or [0])

    def person(self) -> ranking.Person:
        if self.profile is None:
            raise Conflict(
                "this person has no matching profile yet: the regievoerder records the "
                "languages, Dutch level and wishes agreed with them first"
            )
        p = self.profile
        return ranking.Person(
            dossier_id=str(self.dossier_id),
            gemeente=self.gemeente,
            languages=p["languages"],
            dutch=p["dutch_level"],
            route=self.route,
            phase=self.phase(),
            goal_domains=frozenset(
                g["domain"] for g in self.goals.values() if g["status"] not in CLOSED_GOAL_STATUSES
            ),
            area=p.get("area", ""),
            days=frozenset(p.get("days", ())),
            needs_childcare=p.get("needs_childcare", False),
            women_only=p.get("women_only", False),
        )

    # proposals ----------------------------------------------------------------------------------
    def check_proposable(self, candidate_id: str) -> None:
        for proposal in self.proposals.values():
            if proposal["candidate_id"] == candidate_id and proposal["status"] in OPEN:
                raise Conflict(
                    f"this candidate is already proposed or matched (proposal {proposal['id']})"
                )

    def propose(
        self,
        kind: str,
        candidate_id: str,
        organisation: str,
        score: float,
        told: dict[str, Any],
        note: str,
    ) -> str:
        self.check_proposable(candidate_id)
        proposal_id = str(uuid.uuid5(_ITEM_NAMESPACE, f"{self.id}:{len(self.proposals)}"))
        self._proposed(
            proposal_id=proposal_id,
            kind=kind,
            candidate_id=candidate_id,
            organisation=organisation,
            score=score,
            told=told,
            note=note,
        )
        return proposal_id

    @event("Proposed")
    def _proposed(
        self,
        proposal_id: str,
        kind: str,
        candidate_id: str,
        organisation: str,
        score: float,
        told: dict[str, Any],
        note: str,
    ) -> None:
        self.proposals[proposal_id] = {
            "id": proposal_id,
            "kind": kind,
            "candidate_id": candidate_id,
            "organisation": organisation,
            "score": score,
            "told": told,
            "note": note,
            "status": "voorgesteld",
            "answers": {},
            "started_on": None,
            "ended_on": None,
            "outcome": None,
            "end_reason": None,
            "change_reason": None,
        }

    def proposal(self, proposal_id: str) -> dict[str, Any]:
        try:
            return self.proposals[proposal_id]
        except KeyError:
            raise NotFound("no such proposal for this dossier") from None

    def answer(self, proposal_id: str, side: str, accepted: bool, reason: str) -> None:
        proposal = self.proposal(proposal_id)
        if proposal["status"] != "voorgesteld":
            raise Conflict(f"this proposal is {proposal['status']}: it takes no more answers")
        if side in proposal["answers"]:
            raise Conflict(f"the {side} side has answered this proposal already")
        self._answered(
            proposal_id=proposal_id,
            organisation=proposal["organisation"],
            side=side,
            accepted=accepted,
            reason=reason,
        )

    @event("Answered")
    def _answered(
        self, proposal_id: str, organisation: str, side: str, accepted: bool, reason: str
    ) -> None:
        proposal = self.proposals[proposal_id]
        proposal["answers"][side] = {"accepted": accepted, "reason": reason}
        if not accepted:
            proposal["status"] = "afgewezen"
        elif len(proposal["answers"]) == 2:
            proposal["status"] = "geaccepteerd"

    def active_guide(self) -> dict[str, Any] | None:
        for proposal in self.proposals.values():
            if proposal["kind"] == "begeleider" and proposal["status"] == "gestart":
                return proposal
        return None

    def check_start(self, proposal_id: str, on: date, change_reason: str) -> dict | None:
        """Whether the proposal can start; returns the guidance it replaces, if any. At most one
        guide is active (aandachtspunt b): a change of guide names its reason."""
        proposal = self.proposal(proposal_id)
        if proposal["status"] != "geaccepteerd":
            raise Conflict(
                f"this proposal is {proposal['status']}: it starts once both the person and the "
                "organisation accepted it"
            )
        current = self.active_guide() if proposal["kind"] == "begeleider" else None
        if current is not None and not change_reason:
            raise Conflict(
                f"this dossier has an active guide already ({current['candidate_id']}, since "
                f"{current['started_on']}): a person has one fixed guide. To change guides, "
                "start this one with a change_reason; the current guidance then ends"
            )
        if current is None and change_reason:
            raise InvalidInput(
                [field_error("change_reason", "is only for a change of guide; there is none")]
            )
        if current is not None and on < current["started_on"]:
            raise InvalidInput(
                [
                    field_error(
                        "on",
                        f"must not be before the current guide started ({current['started_on']})",
                    )
                ]
            )
        return current

    def start(self, proposal_id: str, on: date, change_reason: str) -> None:
        proposal = self.proposals[proposal_id]
        self._started(
            proposal_id=proposal_id,
            organisation=proposal["organisation"],
            kind=proposal["kind"],
            candidate_id=proposal["candidate_id"],
            on=on,
            change_reason=change_reason,
        )

    @event("Started")
    def _started(
        self,
        proposal_id: str,
        organisation: str,
        kind: str,
        candidate_id: str,
        on: date,
        change_reason: str,
    ) -> None:
        proposal = self.proposals[proposal_id]
        proposal["status"] = "gestart"
        proposal["started_on"] = on
        proposal["change_reason"] = change_reason or None

    def check_end(self, proposal_id: str, on: date) -> dict[str, Any]:
        proposal = self.proposal(proposal_id)
        if proposal["status"] != "gestart":
            raise Conflict(f"this proposal is {proposal['status']}: only a started one ends")
        if on < proposal["started_on"]:
            raise InvalidInput(
                [field_error("on", f"must not be before it started ({proposal['started_on']})")]
            )
        return proposal

    def end(self, proposal_id: str, on: date, outcome: str, reason: str) -> None:
        organisation = self.proposals[proposal_id]["organisation"]
        self._ended(
            proposal_id=proposal_id,
            organisation=organisation,
            on=on,
            outcome=outcome,
            reason=reason,
        )

    @event("Ended")
    def _ended(
        self, proposal_id: str, organisation: str, on: date, outcome: str, reason: str
    ) -> None:
        proposal = self.proposals[proposal_id]
        proposal.update(status="beeindigd", ended_on=on, outcome=outcome, end_reason=reason)

    # the activity log and signals ---------------------------------------------------------------
    def log_activity(self, by: str, activity: dict[str, Any]) -> str:
        """Learning by doing: an activity works on a goal of the PIP in force."""
        goal = self.goals.get(activity["goal_id"])
        if goal is None:
            known = ", ".join(sorted(self.goals)) or "none yet: the PIP is not established"
            raise InvalidInput(
                [field_error("goal_id", f"is not a goal of the PIP in force; its goals: {known}")]
            )
        if goal["status"] in CLOSED_GOAL_STATUSES:
            raise InvalidInput([field_error("goal_id", f"this goal is closed ({goal['status']})")])
        if activity["on"] < self.established_on:
            raise InvalidInput(
                [field_error("on", f"must not be before the PIP's date ({self.established_on})")]
            )
        activity_id = str(uuid.uuid5(_ITEM_NAMESPACE, f"{self.id}:a{len(self.activities)}"))
        self._activity(activity_id=activity_id, by=by, domain=goal["domain"], **activity)
        return activity_id

    @event("ActivityLogged")
    def _activity(
        self,
        activity_id: str,
        by: str,
        goal_id: str,
        on: date,
        activity: str,
        did_themselves: str,
        reflection: str,
        domain: str = "",  # the goal's: partners' feeds share the event as that domain
    ) -> None:
        self.activities.append(
            {
                "id": activity_id,
                "by": by,
                "goal_id": goal_id,
                "on": on,
                "activity": activity,
                "did_themselves": did_themselves,
                "reflection": reflection,
            }
        )

    def give_signal(self, by: str, by_role: str, signal: dict[str, Any]) -> str:
        signal_id = str(uuid.uuid5(_ITEM_NAMESPACE, f"{self.id}:s{len(self.signals)}"))
        self._signal(signal_id=signal_id, by=by, by_role=by_role, **signal)
        return signal_id

    @event("SignalGiven")
    def _signal(
        self,
        signal_id: str,
        by: str,
        by_role: str,
        domain: str,
        text: str,
        sensitivity: str,
        referred_to: str,
        basis: dict[str, Any] | None = None,
    ) -> None:
        self.signals.append(
            {
                "id": signal_id,
                "by": by,
                "by_role": by_role,
                "domain": domain,
                "text": text,
                "sensitivity": sensitivity,
                "referred_to": referred_to,
                "basis": basis,
            }
        )


OPEN = frozenset(get_args(OpenStatus))


def guidance_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_GUIDANCE_NAMESPACE, str(dossier_id))
