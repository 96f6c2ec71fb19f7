"""pip's contract (services/contracts/pip.py) against pip itself: every answer its use cases and
reports give fits its published model, a request model takes a body exactly when pip's own
parsers take its shape, and a report's CSV is the one the gateway serves."""

from __future__ import annotations

import json
import uuid
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from services.common.errors import InvalidInput, NotFound
from services.contracts import pip as c
from services.contracts.base import field_errors
from services.contracts.values import PIEZO_PHASES, ROUTES
from services.gateway.routes import pip as pip_routes
from services.gateway.routing import Call
from services.pip import contents, domain, handhaving, reports, rules
from tests.pip_fixtures import GUIDE, goal, sections
from tests.unit.test_applications import context
from tests.unit.test_pip_plan import (
    TODAY,
    _afschalen,
    _dossier,
    _established,
    _ready,
    log_nt2,
)
from tests.unit.test_pip_progress import _breach

DECIDED = date(2026, 11, 20)


def fits(model: type[BaseModel], answer: Any) -> Any:
    """The answer as the wire carries it, through its model as the gateway checks it."""
    return model.model_validate_json(json.dumps(answer), strict=True)


def refused(model: type[BaseModel], body: Any) -> dict[str, str]:
    """`{field: detail}` of what `model` refuses in `body`; empty when it takes it."""
    try:
        model.model_validate_json(json.dumps(body))
    except ValidationError as exc:
        return {e["field"]: e["detail"] for e in field_errors(exc)}
    return {}


def _lived(pips) -> str:
    """An established PIP with progress, module hours, an afschalen revision and two breaches,
    the first one's measure waived."""
    dossier_id = _established(pips, decided_on=DECIDED)
    goals = pips.pip(context(), dossier_id)["plan"]["goals"]
    progress = {"status": "bezig", "on": "2026-11-25", "note": "Eerste afspraak."}
    pips.record_goal_progress(context(), dossier_id, goals[0]["id"], progress)
    pips.record_module_hours(
        context(), dossier_id, "nt2", {"hours": 6, "on": "2026-11-26", "note": "Les 1"}
    )
    log_nt2(pips, dossier_id, 614)
    pips.revise(context(), dossier_id, _afschalen(620), today=TODAY)
    _breach(pips, dossier_id)
    _breach(pips, dossier_id)
    pips.decide_measure(context(), dossier_id, 1, {"take": False, "reason": "Eerste keer."})
    return dossier_id


# answers --------------------------------------------------------------------------------------
def test_a_lived_pip_answers_as_published_for_each_reader(pips):
    dossier_id = _lived(pips)

    shown = fits(c.Pip, pips.pip(context(), dossier_id))
    as_klantmanager = fits(c.Pip, pips.pip(context("klantmanager"), dossier_id))

    assert shown.status == "vastgesteld" and shown.as_of is None
    assert shown.decision.kind == "afschalen" and shown.decision.evidence["nt2_hours"] == 620
    assert shown.plan.leerroute.language_target == "A2"
    assert shown.plan.modules["nt2"].hours_done == 620
    assert shown.plan.ontzorgen.from_ == DECIDED and shown.plan.ontzorgen.authorised is True
    assert [v.kind for v in shown.versions] == ["vaststelling", "afschalen"]
    assert [b.measure for b in shown.handhaving] == ["waarschuwing", "boete"]
    assert shown.handhaving[0].decision.taken is False and shown.handhaving[1].decision is None
    assert shown.handhaving_policy.ladder[0].measure == "waarschuwing"
    history = next(g for g in shown.plan.goals if g.domain == "gezondheid").history
    assert [(h.status, h.source) for h in history] == [("bezig", "regievoerder")]
    assert {g.domain for g in as_klantmanager.plan.goals} == {"taal"}
    assert as_klantmanager.plan.goals_withheld == 1


def test_a_pip_as_it_stood_leaves_out_what_holds_today_only(pips):
    dossier_id = _lived(pips)

    then = fits(c.Pip, pips.pip(context(), dossier_id, "2026-11-21"))

    assert then.as_of == date(2026, 11, 21) and then.decision.number == 1
    assert then.plan.leerroute.language_target == "B1"
    assert then.deadline is None and then.starting_points is None and then.extensions is None
    assert then.handhaving_policy is None and then.handhaving == []


def test_a_draft_waiting_for_information_has_no_deadline_and_no_decision(pips):
    dossier_id = _dossier(pips)
    awaited = {"awaited": "Medisch advies", "from_party": "GGD", "requested_on": "2026-11-20"}
    answer = pips.request_extension(context(), dossier_id, awaited, today=TODAY)

    draft = fits(c.Pip, answer)

    assert draft.status == "concept" and draft.deadline is None
    assert draft.legal_deadline == date(2026, 11, 23)
    assert draft.extensions[0].from_party == "GGD" and draft.extensions[0].arrived_on is None
    assert draft.decision is None and draft.termijn is None and draft.route is None
    assert draft.starting_points.route_advice.route == "b1"
    assert draft.plan.goals == [] and draft.plan.leerroute is None


NO_WORDS = {"expectations": None, "residence_intention": None}  # intake has none yet


def test_a_draft_before_the_intake_is_completed_answers_as_published(pips):
    dossier_id = _dossier(pips, complete=False)

    draft = fits(c.Pip, pips.pip(context(), dossier_id))
    points = fits(c.PipStartingPoints, pips.starting_points(context(), dossier_id) | NO_WORDS)

    assert draft.starting_points.intake_completed_on is None
    assert draft.starting_points.summary.domains is None, "an empty summary until then"
    assert draft.deadline == date(2026, 11, 23) and draft.handhaving == []
    assert points.route_advice is None and points.suggested_route is None
    assert [g.from_ for g in points.suggested_goals] == ["aandachtspunt-g"]


class _Gateway:
    """Just enough of the gateway for a route's call: pip answers, intake has no intake."""

    def __init__(self, pips):
        self.pip = SimpleNamespace(starting_points=lambda d: pips.starting_points(context(), d))
        self.intake = SimpleNamespace(brede_intake=self._no_intake)

    @staticmethod
    def _no_intake(dossier_id: str) -> dict[str, Any]:
        raise NotFound("no intake")

    def _call(self, method, *args):
        return method(*args)


def test_the_starting_points_answer_with_what_intake_adds_as_published(pips):
    dossier_id = _dossier(pips)
    call = Call(_Gateway(pips), None, None, {"dossier_id": dossier_id}, None, None)

    points = fits(c.PipStartingPoints, pip_routes._starting_points(call))

    assert points.suggested_route == "b1" and points.expectations is None
    health = next(g for g in points.suggested_goals if g.domain == "gezondheid")
    assert health.from_ == "praktische-zaak:zorgverzekering-regelen"
    assert health.owner_role == "klantmanager"


class _Cursor:
    """pip's read models for the reports, canned: 0344 has a late draft, a late PIP and a
    termijn ending; 0356 has one PIP on time."""

    LATE, ENDING = str(uuid.uuid4()), str(uuid.uuid4())
    ROWS = {
        "AS overdue_drafts": [
            {
                "gemeente": gemeente,
                "on_time": on_time,
                "established_late": late,
                "overdue_drafts": late,
                "termijnen_ending": late,
            }
            for gemeente, on_time, late in (("0344", 2, 1), ("0356", 1, 0))
        ],
        "route, count": [
            {"gemeente": "0344", "route": "b1", "n": 3},
            {"gemeente": "0356", "route": "z", "n": 1},
        ],
        "owner_role": [
            {
                "gemeente": gemeente,
                "owner_role": "begeleider",
                "owner_organisation": "VWN",
                "status": "bezig",
                "n": 2,
            }
            for gemeente in ("0344", "0356")
        ],
        "phase, count": [
            {"gemeente": "0344", "phase": 1, "goals": 2, "goals_open": 2, "persons": 1}
        ],
        "established_on FROM": [
            {"dossier_id": LATE, "deadline": date(2026, 11, 1), "established_on": None}
        ],
        "termijn_end FROM": [{"dossier_id": ENDING, "termijn_end": date(2027, 3, 1)}],
    }

    def execute(self, sql: str, params: Any = None) -> None:
        """The canned rows of the query, of the gemeenten it asks for (a dossier list is of
        0344)."""
        asked: set[str] = set()
        for value in params.values() if isinstance(params, dict) else params:
            codes = value if isinstance(value, list) else [value]
            asked |= {v for v in codes if isinstance(v, str) and v.isdigit() and len(v) == 4}
        rows = next((rows for key, rows in self.ROWS.items() if key in sql), [])
        self.rows = [row for row in rows if row.get("gemeente", "0344") in asked]

    def fetchall(self) -> list[dict[str, Any]]:
        return self.rows


def test_reports_answer_as_published_and_list_dossiers_only_of_ones_own_gemeenten():
    one = fits(c.GemeenteReport, reports.gemeente_report(_Cursor(), "0344", TODAY))
    counted = reports.region_report(_Cursor(), ["0344", "0356"], ("0344",), TODAY)
    region = fits(c.RegionReport, {"region": "Utrecht", **counted})  # as PipService answers

    assert one.on_time.share == 0.5 and one.on_time.late[0].established_on is None
    assert one.termijnen_ending.dossiers[0].dossier_id == uuid.UUID(_Cursor.ENDING)
    assert one.goals_by_owner[0].organisation == "VWN"
    utrecht, nieuwegein = region.gemeenten
    assert utrecht.on_time.late is not None and nieuwegein.on_time.late is None
    assert nieuwegein.goals_by_owner[0].organisation is None, "another's owners by role only"
    assert region.total.goals_by_owner is None and region.total.routes == {
        "b1": 3,
        "onderwijs": 0,
        "z": 1,
    }


def test_a_reports_csv_is_its_published_form_whoever_writes_it():
    report = reports.region_report(_Cursor(), ["0344", "0356"], ("0344",), TODAY)

    served = pip_routes.report_csv(report)

    assert served == reports.report_csv(report)
    lines = served.splitlines()
    assert lines[0] == "section,gemeente,item,measure,value"
    assert f"te-laat,0344,{_Cursor.LATE},deadline,2026-11-01" in lines
    assert "doelen-eigenaar,0344,begeleider (VWN),bezig,2" in lines
    assert "doelen-eigenaar,0356,begeleider,bezig,2" in lines
    assert lines[-1] == "termijn-eindigt,regio,,count,1"
    assert _Cursor.LATE in served and _Cursor.ENDING in served
    assert len(lines) == len(c.report_rows(report))


# requests -------------------------------------------------------------------------------------
def test_what_pip_takes_the_request_models_take(pips):
    dossier_id = _dossier(pips)
    body = sections(DECIDED)
    first_goal = goal(DECIDED, "sociaal_netwerk", owner={**GUIDE, "oin": "0" * 20}, phase=1)

    assert refused(c.PipSections, body) == {}
    assert refused(c.Goal, first_goal) == {}
    assert refused(c.Sections, {}) == {} and refused(c.Establishment, {}) == {}
    assert refused(c.Establishment, {"decided_on": "2026-11-20", "backdating_reason": ""}) == {}
    assert refused(c.Arrival, {"arrived_on": "2026-11-21"}) == {}
    for route, target in (("b1", "A2"), ("onderwijs", "C1"), ("z", None)):
        leerroute = {**body["leerroute"], "route": route, "language_target": target}
        assert refused(c.PipSections, {"leerroute": leerroute}) == {}, route
    not_applying = {"applies": False, "reason": "Geen vaste lasten.", "months": 7}
    assert refused(c.PipSections, {"ontzorgen": not_applying}) == {}
    pips.change_sections(context(), dossier_id, body)
    pips.change_sections(context(), dossier_id, {"ontzorgen": not_applying})
    pips.add_goal(context(), dossier_id, first_goal)


@pytest.mark.parametrize(
    ("model", "body", "field", "detail"),
    [
        (c.Goal, {"domain": "gezondheid"}, "owner", "is required"),
        (c.GoalProgress, {"status": "klaar", "note": "x"}, "status", "must be one of: open,"),
        (c.Breach, {"obligation": "a", "description": "b", "ernst": 3}, "ernst", "is not a"),
        (c.PipSections, {}, "", "name at least one section to change"),
        (c.PipSections, {"leerroute": None}, "leerroute", "must be an object"),
        (c.PipSections, {"modules": {"nt3": {}}}, "modules/nt3", "is not a field"),
        (c.PipSections, {"ontzorgen": {"applies": True}}, "ontzorgen/months", "is required"),
        (c.PipSections, {"ontzorgen": {"applies": False}}, "ontzorgen/reason", "must be text"),
        (c.ModuleHours, {"hours": 401, "note": "x"}, "hours", "must be at most 400"),
        (c.Goal, {"phase": True}, "phase", "must be a whole number"),
        (c.Revision, {"kind": "afschalen", "explanation": "x"}, "evidence/certified", "is req"),
        (c.Revision, {"kind": "verhuizing", "explanation": "x"}, "evidence/to_gemeente", "is"),
        (
            c.Revision,
            {"kind": "anders", "explanation": "x", "decided_on": None},
            "decided_on",
            "must",
        ),
        (c.MeasureDecision, {"take": True, "reason": " "}, "reason", "must match"),
    ],
)
def test_a_request_model_refuses_what_pip_refuses_naming_the_field(model, body, field, detail):
    found = refused(model, body)

    assert field in found, found
    assert found[field].startswith(detail), found


def test_the_language_target_follows_the_route_as_pip_says(pips):
    leerroute = {**sections(DECIDED)["leerroute"], "route": "z", "language_target": "B1"}
    dossier_id = _dossier(pips)

    found = refused(c.PipSections, {"leerroute": leerroute})
    with pytest.raises(InvalidInput) as by_pip:
        pips.change_sections(context(), dossier_id, {"leerroute": leerroute})

    assert found == {"leerroute/language_target": "must be one of: A1, A2"}
    assert by_pip.value.errors[0]["detail"] == "must be one of: A1, A2"


def test_a_report_format_is_json_or_csv_and_anything_else_is_refused():
    assert c.ReportQuery.model_validate({}, strict=False).format == "json"
    with pytest.raises(ValidationError) as xml:
        c.ReportQuery.model_validate({"format": "xml"}, strict=False)
    assert field_errors(xml.value) == [{"field": "format", "detail": "must be one of: json, csv"}]


def test_pips_enumerations_are_the_published_ones():
    # A goal's domain and an owner's role pip takes through the contract's models themselves.
    assert domain.GOAL_STATUSES is c.GOAL_STATUSES and domain.REVISION_KINDS is c.REVISION_KINDS
    assert handhaving.MEASURES is c.MEASURES and contents.SECTIONS == c.SECTIONS
    assert (domain.Pip.DRAFT, domain.Pip.ESTABLISHED) == c.PIP_STATUSES
    assert tuple(rules.ROUTES) == ROUTES and rules.PHASES == PIEZO_PHASES
    assert {r: rules.ROUTES[r].language_targets for r in ROUTES} == c.LANGUAGE_TARGETS
    assert set(contents.MODULES) == set(c.MODULES)


def test_a_draft_ready_for_a_decision_and_its_decision_fit(pips):
    dossier_id = _dossier(pips)
    _ready(pips, dossier_id, DECIDED)

    established = pips.establish(
        context(), dossier_id, {"decided_on": DECIDED.isoformat()}, today=TODAY
    )

    assert fits(c.Pip, established).termijn.start == date(2026, 11, 21)
