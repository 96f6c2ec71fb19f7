"""The routes onto pip: the PIP of a dossier, its drafting, decision, revisions, progress and
handhaving, and the reports (JSON, or CSV)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from services.common.access import Action
from services.common.errors import NotFound
from services.common.values import CsvText
from services.contracts import pip as c
from services.contracts.base import Answer
from services.gateway.access_log import categories_of_pip
from services.gateway.http import csv_response, json_response
from services.gateway.openapi_build import REF
from services.gateway.routing import Call, Read, Reads, Route

PIP = "/api/v1/dossiers/{dossier_id}/pip"
REPORTS = "/api/v1/reports/pip"
READ_ERRORS = (401, 403, 404, 503, 504)
COMMAND_ERRORS = (400, 401, 403, 404, 409, 422, 503, 504)
COMMAND_ANSWER = "The PIP after the change, as the caller may see it."
# What a command made is part of the PIP: shown by getPip.
TO_THE_PIP = {"pip": ("getPip", {"dossier_id": "$request.path.dossier_id"})}


def _command(
    method: str,
    path: str,
    operation: str,
    summary: str,
    call: str,
    body: Any = None,
    status: int = 200,
    *,
    role: str = "regievoerder",
    action: Action = Action.DRAFT_PIP,
    activity: str = "pip-opstellen",
    links: Any = None,
    **params: Any,
) -> Route:
    """A command on the PIP, answered with the PIP as the caller may see it after it."""
    return Route(
        method,
        f"{PIP}{path}",
        operation,
        f"{summary} ({role})",
        action,
        activity,
        call,
        body=body,
        answer=c.Pip,
        status=status,
        answer_description=COMMAND_ANSWER,
        errors=COMMAND_ERRORS,
        params=params,
        links=links or (TO_THE_PIP if status == 201 else {}),
    )


def _starting_points(call: Call) -> dict[str, Any]:
    """pip's starting points, with the person's own words on what they want to reach (the
    expectations and residence intention stay in intake and are read from there)."""
    dossier_id = call.path["dossier_id"]
    points = call.invoke("pip.starting_points", dossier_id)
    try:
        domains = call.invoke("intake.brede_intake", dossier_id)["domains"]
    except NotFound:
        domains = {}
    points["expectations"] = domains.get("verwachtingen")
    points["residence_intention"] = domains.get("verblijfsintentie")
    return points


def listed_dossiers(report: dict[str, Any]) -> Reads:
    """(dossier id, gemeente, categories) of every dossier a PIP report names."""
    reads = {}
    for part in report.get("gemeenten") or [report]:
        for row in (
            *part["on_time"].get("late", []),
            *part["termijnen_ending"].get("dossiers", []),
        ):
            reads[row["dossier_id"]] = (row["dossier_id"], part["gemeente"], ["pip"])
    return list(reads.values())


def report_csv(report: dict[str, Any]) -> str:
    """A report in its published CSV form (see contracts.pip.report_rows)."""
    text = CsvText()
    for row in c.report_rows(report):
        text.writerow(row)
    return text.getvalue()


def _report(
    path: str,
    operation: str,
    summary: str,
    call: Any,
    answer: type[Answer],
    filename: Any,
    **params: Any,
) -> Route:
    """A report: JSON, or CSV with `?format=csv` (or `Accept: text/csv`) named by `filename`
    and its date. The dossiers it lists (late PIPs, termijnen ending) are read by whoever reads
    it."""

    def render(call: Call, report: dict[str, Any]) -> Response:
        wants_csv = call.query.format == "csv" or (
            call.request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"
        )
        if wants_csv:
            return csv_response(report_csv(report), f"{filename(call)}-{report['as_of']}.csv")
        return json_response(200, report)

    return Route(
        "GET",
        f"{REPORTS}{path}",
        operation,
        summary,
        Action.READ_REPORTS,
        "rapportage",
        call,
        answer=answer,
        answer_description="The report.",
        errors=(401, 403, 404, 422, 503, 504),
        params=params,
        query=c.ReportQuery,
        read=Read("pip-report", each=listed_dossiers),
        render=render,
        media={
            "application/json": {"$ref": REF.format(model=answer.__name__)},
            "text/csv": {"type": "string"},
        },
    )


ROUTES = (
    Route(
        "GET",
        PIP,
        "getPip",
        "The dossier's PIP as the caller's role may see it (a begeleider: only as the active"
        " guide), or with as_of the version in force on that date",
        Action.READ_PIP,
        "pip-inzien",
        "pip.pip",
        query=c.PipQuery,
        answer=c.Pip,
        answer_description="The PIP as the caller may see it.",
        errors=(401, 403, 404, 422, 503, 504),
        read=Read("pip", categories_of_pip),
    ),
    _command(
        "PATCH",
        "",
        "changePipSections",
        "Replace sections of the draft",
        "pip.change_sections",
        c.PipSections,
    ),
    Route(
        "GET",
        f"{PIP}/starting-points",
        "getPipStartingPoints",
        "What the completed intake offers to draft from (regievoerder)",
        Action.DRAFT_PIP,
        "pip-opstellen",
        _starting_points,
        answer=c.PipStartingPoints,
        answer_description="Route advice and choice, open practical items, signals by domain,"
        " suggested goals, the person's expectations.",
        errors=READ_ERRORS,
        read=Read(
            "pip-starting-points",
            ["taal-leerbaarheid", "financien", "signalen", "verblijfsintentie", "pip"],
            gemeente_from_answer=False,
        ),
    ),
    _command("POST", "/goals", "addGoal", "Add a goal to the draft", "pip.add_goal", c.Goal, 201),
    _command(
        "PATCH",
        "/goals/{goal_id}",
        "changeGoal",
        "Change a goal of the draft",
        "pip.change_goal",
        c.GoalChange,
    ),
    _command(
        "DELETE", "/goals/{goal_id}", "removeGoal", "Remove a goal of the draft", "pip.remove_goal"
    ),
    _command(
        "POST",
        "/extension",
        "requestExtension",
        "Suspend the deadline while waiting for a third party's information",
        "pip.request_extension",
        c.Extension,
    ),
    _command(
        "POST",
        "/extension/arrival",
        "informationArrived",
        "Record that the awaited information arrived",
        "pip.information_arrived",
        c.Arrival,
    ),
    _command(
        "POST",
        "/establish",
        "establishPip",
        "Establish (vaststellen) the PIP",
        "pip.establish",
        c.Establishment,
    ),
    _command(
        "POST",
        "/revisions",
        "revisePip",
        "Revise (bijstellen) the PIP: a new version",
        "pip.revise",
        c.Revision,
        201,
        links={
            **TO_THE_PIP,
            "version": (
                "getPip",
                {
                    "dossier_id": "$request.path.dossier_id",
                    "as_of": "$response.body#/decision/decided_on",
                },
            ),
        },
    ),
    _command(
        "POST",
        "/goals/{goal_id}/progress",
        "recordGoalProgress",
        "Record progress on a goal",
        "pip.record_goal_progress",
        c.GoalProgress,
        201,
        role="the goal's owner or the regievoerder",
        action=Action.RECORD_PROGRESS,
        activity="pip-voortgang",
    ),
    _command(
        "POST",
        "/modules/{module}/hours",
        "recordModuleHours",
        "Record hours of a module",
        "pip.record_module_hours",
        c.ModuleHours,
        201,
        role="the module's provider or the regievoerder",
        action=Action.RECORD_PROGRESS,
        activity="pip-voortgang",
        module=c.Module,
    ),
    _command(
        "POST",
        "/breaches",
        "recordBreach",
        "Record a breach of a PIP obligation; the gemeente's ladder says what is due",
        "pip.record_breach",
        c.Breach,
        201,
        activity="handhaving",
    ),
    _command(
        "PUT",
        "/breaches/{number}/decision",
        "decideMeasure",
        "Take or waive the due measure (taking it needs a culpability assessment; a fine also a"
        " warning taken before it, a hearing and its amount), or refer a Participatiewet measure"
        " to the klantmanager",
        "pip.decide_measure",
        c.MeasureDecision,
        activity="handhaving",
        number=int,
    ),
    _command(
        "PUT",
        "/breaches/{number}/participatiewet-decision",
        "recordParticipatiewetDecision",
        "Record the klantmanager's Participatiewet decision on a breach referred to them:"
        " whether the benefit was lowered (lowering needs a culpable breach and a hearing)",
        "pip.record_participatiewet_decision",
        c.ParticipatiewetDecision,
        role="klantmanager",
        action=Action.DECIDE_PARTICIPATIEWET,
        activity="handhaving",
        number=int,
    ),
    _report(
        "/gemeenten/{gemeente}",
        "getGemeentePipReport",
        "PIP report of one gemeente the caller acts for (regievoerder, beleidsmedewerker)",
        lambda call: call.invoke("pip.gemeente_report", call.path["gemeente"]),
        c.GemeenteReport,
        lambda call: f"pip-{call.path['gemeente']}",
        gemeente=str,
    ),
    _report(
        "/region",
        "getRegionPipReport",
        "PIP report of the region: every gemeente's numbers; dossier lists only of the"
        " gemeenten the caller acts for",
        lambda call: call.invoke("pip.region_report"),
        c.RegionReport,
        lambda call: "pip-regio",
    ),
)
