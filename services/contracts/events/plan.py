"""The outline of a plan and of a goal as pip's integration events carry it: structure, never
the words people wrote (contracts/events/pip-plan.v1.json is made from these)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from services.contracts.events.base import EventData
from services.contracts.pip import GoalDomain, Module, Term
from services.contracts.values import CefrLevel, InburgeringRoute, Oin, PiezoPhase

Route = InburgeringRoute
LanguageTarget = CefrLevel
Modules = Annotated[
    dict[Module, Annotated[int, Field(ge=0)]], Field(description="Planned hours per module.")
]


class Owner(EventData):
    role: str
    organisation: str
    oin: Oin | SkipJsonSchema[None] = None


class Goal(EventData):
    """A goal's outline (an event about one goal adds the dossier it is in)."""

    goal_id: UUID
    domain: GoalDomain
    term: Term
    phase: PiezoPhase = Field(description="Piëzo phase; phases may run in parallel.")
    due_on: date
    owner: Owner


PlanGoal = Goal


class Plan(EventData):
    """A plan's outline."""

    route: Route
    language_target: LanguageTarget
    route_end_date: date
    modules: Modules
    ontzorgen: bool
    goals: list[PlanGoal]
