"""The PIP domain: one dossier's Plan Inburgering en Participatie, from draft to living plan.

A draft opens when the person is registered and gathers the starting points the brede intake gives
(route advice, open practical items, signals). The regievoerder fills in the sections and goals and
establishes (vaststellen) it: a decision with a date, from which the inburgeringstermijn runs.
After that it changes only by revisions (bijstellen): new versions with a reason, which never move
the termijn. Progress, deadline and termijn monitoring and handhaving are events on it too.
No I/O here: rules are `check_*` methods and the rules module.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date, timedelta
from typing import Any

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate
from services.common.documents.issued import DocumentIssued, IssuesDocuments
from services.common.errors import Conflict, InvalidInput, NotFound, field_error
from services.contracts.pip import GOAL_STATUSES, PIP_STATUSES, REVISION_KINDS
from services.pip import rules
from services.pip.contents import SECTIONS
from services.pip.handhaving import Policy
from services.pip.plan_checks import (
    check_revision,
    establishment_problems,
    plan_problems,
    revised_plan,
)

_PIP_NAMESPACE = uuid.UUID("9a3e1c55-0b7d-4f0e-8c1a-54d3f2e6b781")

# Kept here for callers that only need the arithmetic.
pip_deadline = rules.pip_deadline


class Pip(ChainAggregate, IssuesDocuments):
    """One dossier's PIP; its id follows from the dossier's, so each dossier has at most one."""

    DRAFT, ESTABLISHED = PIP_STATUSES  # concept, vastgesteld

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return pip_id(dossier_id)

    class DocumentIssued(DocumentIssued):
        """The document of a decision on the PIP (beschikking, change, more time) was issued."""

    @event("DraftOpened")
    def __init__(
        self,
        dossier_id: uuid.UUID,
        gemeente: str,
        duo_notice_date: date,
        brp_registration_date: date,
        deadline: date,
    ):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.duo_notice_date = duo_notice_date
        self.brp_registration_date = brp_registration_date
        self.deadline = deadline  # the legal deadline; see effective_deadline()
        self.status = self.DRAFT
        self.starting_points: dict[str, Any] = {
            "intake_completed_on": None,
            "route_advice": None,
            "route_choice": None,
            "summary": None,
            "open_practical_items": [],
            "signals": {},
        }
        self.extensions: list[dict[str, Any]] = []
        self.draft: dict[str, Any] = {}
        self.goals: dict[str, dict[str, Any]] = {}
        self.versions: list[dict[str, Any]] = []
        self.termijn_start: date | None = None
        self.termijn_end: date | None = None
        self.progress: list[dict[str, Any]] = []
        self.monitoring: dict[str, Any] = {
            "deadline_warned_for": None,
            "deadline_missed": None,
            "termijn_warned": False,
            "termijn_ended": False,
        }

    @event("HandedOver")
    def hand_over(self, to_gemeente: str, moved_on: date) -> None:
        """The person moved and the new gemeente accepted: the PIP is theirs now, its
        termijn and deadlines unchanged (Wi 2021 art. 7 and 11: a move does not move it)."""
        self.handed_over_from = self.gemeente
        self.gemeente = to_gemeente

    @classmethod
    def open_draft(
        cls,
        dossier_id: uuid.UUID,
        gemeente: str,
        duo_notice_date: date,
        brp_registration_date: date,
    ) -> Pip:
        return cls(
            dossier_id=dossier_id,
            gemeente=gemeente,
            duo_notice_date=duo_notice_date,
            brp_registration_date=brp_registration_date,
            deadline=rules.pip_deadline(duo_notice_date, brp_registration_date),
        )

    # starting points, from the brede intake ---------------------------------------------------
    @event("IntakeCompleted")
    def note_intake_completed(
        self, completed_on: date, route_advice: dict[str, Any], summary: dict[str, Any]
    ) -> None:
        self.starting_points["intake_completed_on"] = completed_on
        self.starting_points["route_advice"] = copy.deepcopy(route_advice)
        self.starting_points["summary"] = copy.deepcopy(summary)
        self.starting_points["open_practical_items"] = sorted(
            summary.get("open_practical_items", [])
        )

    @event("RouteChoiceNoted")
    def note_route_choice(self, route: str, advised: str) -> None:
        self.starting_points["route_choice"] = {"route": route, "advised": advised}

    def note_practical_item(self, item: str, is_open: bool) -> None:
        if (item in self.starting_points["open_practical_items"]) != is_open:
            self._practical_item(item=item, is_open=is_open)

    @event("PracticalItemNoted")
    def _practical_item(self, item: str, is_open: bool) -> None:
        items = set(self.starting_points["open_practical_items"])
        items = items | {item} if is_open else items - {item}
        self.starting_points["open_practical_items"] = sorted(items)

    @event("SignalNoted")
    def note_signal(self, domain: str, author_role: str) -> None:
        signals = self.starting_points["signals"]
        signals[domain] = signals.get(domain, 0) + 1

    def correct_dates(self, duo_notice_date: date, brp_registration_date: date) -> None:
        """Follow a correction of the dates the deadline counts from, while it can matter."""
        if self.status != self.DRAFT:
            return
        if (duo_notice_date, brp_registration_date) == (
            self.duo_notice_date,
            self.brp_registration_date,
        ):
            return
        legal = rules.pip_deadline(duo_notice_date, brp_registration_date)
        self._dates_corrected(
            duo_notice_date=duo_notice_date,
            brp_registration_date=brp_registration_date,
            deadline=legal,
            effective_deadline=self._extended(legal),
        )

    @event("DatesCorrected")
    def _dates_corrected(
        self,
        duo_notice_date: date,
        brp_registration_date: date,
        deadline: date,
        effective_deadline: date | None = None,
    ) -> None:
        self.duo_notice_date = duo_notice_date
        self.brp_registration_date = brp_registration_date
        self.deadline = deadline

    # the deadline and its extension ----------------------------------------------------------
    def effective_deadline(self) -> date | None:
        """The deadline now: None while awaited information has not arrived."""
        return self._extended(self.deadline)

    def _extended(self, legal: date) -> date | None:
        """`legal` moved by the extensions so far; None while one waits."""
        deadline = legal
        for extension in self.extensions:
            if extension["arrived_on"] is None:
                return None
            deadline = rules.extended_deadline(deadline, extension["arrived_on"])
        return deadline

    def pending_extension(self) -> dict[str, Any] | None:
        return next((e for e in self.extensions if e["arrived_on"] is None), None)

    def check_can_extend(self, requested_on: date, today: date) -> None:
        self.check_draft()
        if requested_on < today - timedelta(days=rules.BACKDATING_DAYS):
            raise InvalidInput(
                [
                    field_error(
                        "requested_on",
                        f"must be within {rules.BACKDATING_DAYS} days before today ({today})",
                    )
                ]
            )
        if self.pending_extension():
            raise Conflict("an extension is already waiting for information; record its arrival")
        deadline = self.effective_deadline()
        if requested_on > deadline:
            raise InvalidInput(
                [
                    field_error(
                        "requested_on",
                        f"is after the deadline ({deadline}); an extension is requested before it",
                    )
                ]
            )

    def request_extension(
        self, awaited: str, from_party: str, requested_on: date, today: date
    ) -> None:
        self.check_can_extend(requested_on, today)
        self._extension_started(awaited=awaited, from_party=from_party, requested_on=requested_on)

    @event("ExtensionStarted")
    def _extension_started(self, awaited: str, from_party: str, requested_on: date) -> None:
        self.extensions.append(
            {
                "awaited": awaited,
                "from_party": from_party,
                "requested_on": requested_on,
                "arrived_on": None,
            }
        )

    def information_arrived(self, arrived_on: date) -> None:
        pending = self.pending_extension()
        if pending is None:
            raise Conflict("no extension is waiting for information")
        if arrived_on < pending["requested_on"]:
            raise InvalidInput(
                [field_error("arrived_on", f"is before the request ({pending['requested_on']})")]
            )
        self._information_arrived(
            arrived_on=arrived_on,
            deadline=rules.extended_deadline(self._deadline_before_pending(), arrived_on),
        )

    def _deadline_before_pending(self) -> date:
        deadline = self.deadline
        for extension in self.extensions:
            if extension["arrived_on"] is not None:
                deadline = rules.extended_deadline(deadline, extension["arrived_on"])
        return deadline

    @event("InformationArrived")
    def _information_arrived(self, arrived_on: date, deadline: date) -> None:
        self.pending_extension()["arrived_on"] = arrived_on

    # drafting --------------------------------------------------------------------------------
    def check_draft(self) -> None:
        if self.status != self.DRAFT:
            raise Conflict(
                "the PIP is established; change it with a revision (bijstellen), with a reason"
            )

    def change_sections(self, sections: dict[str, Any]) -> None:
        self.check_draft()
        self._sections_changed(sections=sections)

    @event("SectionsChanged")
    def _sections_changed(self, sections: dict[str, Any]) -> None:
        self.draft.update(copy.deepcopy(sections))

    def add_goal(self, goal_id: str, goal: dict[str, Any]) -> None:
        self.check_draft()
        self._goal_added(goal_id=goal_id, goal=goal)

    @event("GoalAdded")
    def _goal_added(self, goal_id: str, goal: dict[str, Any]) -> None:
        self.goals[goal_id] = {"id": goal_id, **copy.deepcopy(goal)}

    def check_goal(self, goal_id: str) -> dict[str, Any]:
        goal = self.goals.get(goal_id)
        if goal is None:
            raise InvalidInput(
                [
                    field_error(
                        "goal_id", f"is not a goal of this PIP; goals: {', '.join(self.goals)}"
                    )
                ]
            )
        return goal

    def change_goal(self, goal_id: str, changes: dict[str, Any]) -> None:
        self.check_draft()
        goal = self.check_goal(goal_id)
        domain = changes.get("domain", goal["domain"])
        self._goal_changed(goal_id=goal_id, changes=changes, domain=domain)

    # `domain` (the goal's, after the change) tells partners' feeds what the event is about: a
    # health goal's events are health. Events stored before it was kept have none.
    @event("GoalChanged")
    def _goal_changed(self, goal_id: str, changes: dict[str, Any], domain: str = "") -> None:
        self.goals[goal_id].update(copy.deepcopy(changes))

    def remove_goal(self, goal_id: str) -> None:
        self.check_draft()
        goal = self.check_goal(goal_id)
        self._goal_removed(goal_id=goal_id, domain=goal["domain"])

    @event("GoalRemoved")
    def _goal_removed(self, goal_id: str, domain: str = "") -> None:
        del self.goals[goal_id]

    def plan(self) -> dict[str, Any]:
        """The plan as it now stands: the sections and the goals."""
        return {**copy.deepcopy(self.draft), "goals": copy.deepcopy(self.goals)}

    # establishing -----------------------------------------------------------------------------
    def check_decision_date(self, decided_on: date, today: date, backdating_reason: str) -> None:
        """Not in the future, not before the person was there, the brede intake was completed
        or the version in force, and at most BACKDATING_DAYS before it is recorded unless a
        reason says why."""
        bounds = [
            (self.duo_notice_date, "the DUO notice"),
            (self.brp_registration_date, "the BRP registration"),
        ]
        if self.starting_points["intake_completed_on"] is not None:
            bounds.append(
                (self.starting_points["intake_completed_on"], "the brede intake's completion")
            )
        if self.versions:
            bounds.append((self.versions[-1]["decided_on"], "the version in force"))
        earliest, what = max(bounds, key=lambda bound: bound[0])
        if decided_on > today:
            raise InvalidInput(
                [field_error("decided_on", f"must not be in the future (today is {today})")]
            )
        if decided_on < earliest:
            raise InvalidInput(
                [field_error("decided_on", f"must not be before {earliest}, the day of {what}")],
            )
        if decided_on < today - timedelta(days=rules.BACKDATING_DAYS) and not backdating_reason:
            raise InvalidInput(
                [
                    field_error(
                        "backdating_reason",
                        f"is required for a decision dated more than {rules.BACKDATING_DAYS} "
                        f"days before today ({decided_on}); it is kept with the decision",
                    )
                ]
            )

    def check_can_establish(self, decided_on: date, today: date, backdating_reason: str) -> None:
        self.check_draft()
        if self.starting_points["intake_completed_on"] is None:
            raise Conflict("the PIP is established after the brede intake is completed")
        if self.pending_extension():
            raise Conflict("an extension is waiting for information; record its arrival first")
        self.check_decision_date(decided_on, today, backdating_reason)
        errors = establishment_problems(self.plan(), decided_on)
        if errors:
            raise InvalidInput(errors)

    def establish(self, decided_on: date, today: date, backdating_reason: str = "") -> None:
        self.check_can_establish(decided_on, today, backdating_reason)
        start, end = rules.termijn(decided_on)
        deadline = self.effective_deadline()
        self._established(
            decided_on=decided_on,
            termijn_start=start,
            termijn_end=end,
            deadline=deadline,
            # Late when dated or recorded after the deadline: a backdated decision stays late.
            on_time=decided_on <= deadline and today <= deadline,
            plan=self.plan(),
            recorded_on=today,
            backdating_reason=backdating_reason,
        )

    @event("Established")
    def _established(
        self,
        decided_on: date,
        termijn_start: date,
        termijn_end: date,
        deadline: date,
        on_time: bool,
        plan: dict[str, Any],
        recorded_on: date | None = None,
        backdating_reason: str = "",
    ) -> None:
        self.status = self.ESTABLISHED
        self.termijn_start, self.termijn_end = termijn_start, termijn_end
        self.versions.append(
            {
                "number": 1,
                "decided_on": decided_on,
                "kind": "vaststelling",
                "explanation": "",
                "recorded_on": recorded_on,
                "backdating_reason": backdating_reason,
                "plan": copy.deepcopy(plan),
            }
        )

    def established_on(self) -> date | None:
        return self.versions[0]["decided_on"] if self.versions else None

    # revisions (bijstellen) -------------------------------------------------------------------
    def check_established(self) -> None:
        if self.status != self.ESTABLISHED:
            raise Conflict("the PIP is not established yet; it is still a draft")

    def revise(
        self,
        kind: str,
        explanation: str,
        decided_on: date,
        today: date,
        sections: dict[str, Any],
        add_goals: dict[str, dict[str, Any]],
        change_goals: dict[str, dict[str, Any]],
        withdraw_goals: list[str],
        evidence: dict[str, Any],
        backdating_reason: str = "",
        labels: dict[str, str] | None = None,
    ) -> None:
        """A new version; `labels` name new and changed goals in errors as the caller does."""
        self.check_established()
        self.check_decision_date(decided_on, today, backdating_reason)
        if kind == "verhuizing" and evidence.get("to_gemeente") == self.gemeente:
            raise InvalidInput(
                [field_error("evidence/to_gemeente", f"must differ from {self.gemeente}")]
            )
        current = self.versions[-1]["plan"]
        plan = revised_plan(current, sections, add_goals, change_goals, withdraw_goals)
        logged = self.module_hours_done(decided_on).get(rules.AFSCHALEN_HOURS_MODULE, 0)
        check_revision(
            kind,
            decided_on,
            self.established_on(),
            current,
            plan,
            evidence,
            recorded_on=today,
            nt2_hours_logged=logged,
        )
        if kind == "afschalen":
            evidence = {**evidence, "nt2_hours": logged}  # what the decision rests on
        touched = labels or {g: f"goals.{g}" for g in (*add_goals, *change_goals)}
        errors = plan_problems(plan, decided_on, self.termijn_end, touched)
        if errors:
            raise InvalidInput(errors)
        self._revised(
            number=len(self.versions) + 1,
            kind=kind,
            explanation=explanation,
            decided_on=decided_on,
            plan=plan,
            evidence=evidence,
            recorded_on=today,
            backdating_reason=backdating_reason,
        )

    @event("Revised")
    def _revised(
        self,
        number: int,
        kind: str,
        explanation: str,
        decided_on: date,
        plan: dict[str, Any],
        evidence: dict[str, Any],
        recorded_on: date | None = None,
        backdating_reason: str = "",
    ) -> None:
        self.versions.append(
            {
                "number": number,
                "decided_on": decided_on,
                "kind": kind,
                "explanation": explanation,
                "recorded_on": recorded_on,
                "backdating_reason": backdating_reason,
                "evidence": copy.deepcopy(evidence),
                "plan": copy.deepcopy(plan),
            }
        )

    def current_plan(self) -> dict[str, Any]:
        return self.versions[-1]["plan"] if self.versions else self.plan()

    def version_on(self, day: date) -> dict[str, Any] | None:
        """The version in force on `day`: the last one decided on or before it."""
        in_force = [v for v in self.versions if v["decided_on"] <= day]
        return in_force[-1] if in_force else None

    # progress ----------------------------------------------------------------------------------
    def check_progress_date(self, on: date, today: date) -> None:
        if on > today:
            raise InvalidInput([field_error("on", f"must not be in the future (today is {today})")])
        if on < self.established_on():
            raise InvalidInput(
                [field_error("on", f"must not be before the PIP's date ({self.established_on()})")]
            )

    def record_goal_progress(
        self, goal_id: str, status: str, on: date, note: str, today: date, source: str
    ) -> None:
        self.check_established()
        if goal_id not in self.current_plan()["goals"]:
            raise NotFound("the PIP in force has no goal with this id")
        self.check_progress_date(on, today)
        self._goal_progress(
            goal_id=goal_id,
            status=status,
            on=on,
            note=note,
            source=source,
            recorded_on=today,
            domain=self.current_plan()["goals"][goal_id]["domain"],
        )

    def note_guidance_activity(self, goal_id: str, on: date, recorded_on: date) -> bool:
        """Progress on a goal from the guide's activity log (matching): the goal is being worked
        on. Nothing happens when the plan is no longer the one the activity was logged against
        (a revision withdrew the goal meanwhile) or the goal was closed meanwhile; returns
        whether progress was recorded."""
        if self.status != self.ESTABLISHED or goal_id not in self.current_plan()["goals"]:
            return False
        if on < self.established_on():
            return False
        if self.goal_status(goal_id) not in ("open", "bezig"):
            # Closed meanwhile: its owner's decision stands; an entry dated earlier would
            # otherwise reopen it.
            return False
        self._goal_progress(
            goal_id=goal_id,
            status="bezig",
            on=on,
            note="Activiteit in de maatschappelijke begeleiding",
            source="begeleiding",
            recorded_on=recorded_on,
            domain=self.current_plan()["goals"][goal_id]["domain"],
        )
        return True

    @event("GoalProgressRecorded")
    def _goal_progress(
        self,
        goal_id: str,
        status: str,
        on: date,
        note: str,
        source: str,
        recorded_on: date | None = None,
        domain: str = "",  # the goal's: its progress is about that (a health goal's is health)
    ) -> None:
        self.progress.append(
            {
                "goal_id": goal_id,
                "status": status,
                "on": on,
                "note": note,
                "source": source,
                "recorded_on": recorded_on or on,
            }
        )

    def record_module_hours(
        self, module: str, hours: int, on: date, note: str, today: date
    ) -> None:
        self.check_established()
        modules = self.current_plan()["modules"]
        if module not in modules:
            raise NotFound(f"the PIP has no module {module}; its modules: {', '.join(modules)}")
        self.check_progress_date(on, today)
        self._module_hours(module=module, hours=hours, on=on, note=note, recorded_on=today)

    @event("ModuleHoursRecorded")
    def _module_hours(
        self, module: str, hours: int, on: date, note: str, recorded_on: date | None = None
    ) -> None:
        self.progress.append(
            {
                "module": module,
                "hours": hours,
                "on": on,
                "note": note,
                "recorded_on": recorded_on or on,
            }
        )

    def progress_until(self, day: date | None) -> list[dict[str, Any]]:
        """The progress that had happened by `day` (each entry also says when it was recorded)."""
        if day is None:
            return self.progress
        return [p for p in self.progress if p["on"] <= day]

    def goal_status(self, goal_id: str, until: date | None = None) -> str:
        status = "open"
        for entry in self.progress_until(until):
            if entry.get("goal_id") == goal_id:
                status = entry["status"]
        return status

    def module_hours_done(self, until: date | None = None) -> dict[str, int]:
        done: dict[str, int] = {}
        for entry in self.progress_until(until):
            if "module" in entry:
                done[entry["module"]] = done.get(entry["module"], 0) + entry["hours"]
        return done

    # monitoring --------------------------------------------------------------------------------
    def monitor(self, today: date, policy: Policy) -> list[str]:
        """Mark what is near or passed on `today`; each mark happens once. Returns the marks."""
        marks = []
        deadline = self.effective_deadline()
        if self.status == self.DRAFT and deadline is not None:
            if today > deadline and self.monitoring["deadline_missed"] != deadline:
                self._deadline_missed(deadline=deadline)
                marks.append("deadline-missed")
            elif (
                deadline - timedelta(days=policy.pip_deadline_warning_days) <= today <= deadline
                and self.monitoring["deadline_warned_for"] != deadline
            ):
                self._deadline_warned(deadline=deadline, days_left=(deadline - today).days)
                marks.append("deadline-warned")
        if self.status == self.ESTABLISHED:
            end = self.termijn_end
            if today > end and not self.monitoring["termijn_ended"]:
                open_goals = [
                    g for g in self.current_plan()["goals"] if self.goal_status(g) != "behaald"
                ]
                self._termijn_ended(termijn_end=end, goals_not_achieved=len(open_goals))
                marks.append("termijn-ended")
            elif (
                end - timedelta(days=policy.termijn_end_warning_days) <= today <= end
                and not self.monitoring["termijn_warned"]
            ):
                self._termijn_warned(termijn_end=end, days_left=(end - today).days)
                marks.append("termijn-warned")
        return marks

    @event("DeadlineWarned")
    def _deadline_warned(self, deadline: date, days_left: int) -> None:
        self.monitoring["deadline_warned_for"] = deadline

    @event("DeadlineMissed")
    def _deadline_missed(self, deadline: date) -> None:
        self.monitoring["deadline_missed"] = deadline

    @event("TermijnEndWarned")
    def _termijn_warned(self, termijn_end: date, days_left: int) -> None:
        self.monitoring["termijn_warned"] = True

    @event("TermijnEnded")
    def _termijn_ended(self, termijn_end: date, goals_not_achieved: int) -> None:
        self.monitoring["termijn_ended"] = True


def pip_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_PIP_NAMESPACE, str(dossier_id))


__all__ = ["GOAL_STATUSES", "REVISION_KINDS", "SECTIONS", "Pip", "pip_deadline", "pip_id"]
