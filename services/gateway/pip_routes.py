"""The gateway's routes onto pip: the PIP of a dossier, its drafting, decision, revisions,
progress and handhaving, and the reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from services.common.access import Action
from services.common.errors import ChainError, NotFound
from services.gateway.access_log import THEIRS, categories_of_pip
from services.gateway.http import api, csv_response, json_response, read_json
from services.pip.reports import report_csv

PIP = "/api/v1/dossiers/<string:dossier_id>/pip"


def listed_dossiers(report: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(dossier id, gemeente, categories) of every dossier a PIP report names."""
    reads = {}
    for part in report.get("gemeenten") or [report]:
        for row in (
            *part["on_time"].get("late", []),
            *part["termijnen_ending"].get("dossiers", []),
        ):
            reads[row["dossier_id"]] = (row["dossier_id"], part["gemeente"], ["pip"])
    return list(reads.values())


class PipRoutes:
    """Mixed into GatewayService, which provides `_authorise`, `_call` and the proxies."""

    @api("GET", PIP, expected_exceptions=ChainError)
    def get_pip(self, request: Request, dossier_id: str) -> Response:
        ctx = self._authorise(request, Action.READ_PIP, "pip-inzien")
        pip = self._call(self.pip.pip, dossier_id, request.args.get("as_of"))
        self._log_read(ctx, "pip", dossier_id, pip["gemeente"], categories_of_pip(pip))
        return json_response(200, pip)

    @api("GET", f"{PIP}/starting-points", expected_exceptions=ChainError)
    def get_starting_points(self, request: Request, dossier_id: str) -> Response:
        """pip's starting points, with the person's own words on what they want to reach (the
        expectations and residence intention stay in intake and are read from there)."""
        ctx = self._authorise(request, Action.DRAFT_PIP, "pip-opstellen")
        points = self._call(self.pip.starting_points, dossier_id)
        try:
            domains = self._call(self.intake.brede_intake, dossier_id)["domains"]
        except NotFound:
            domains = {}
        points["expectations"] = domains.get("verwachtingen")
        points["residence_intention"] = domains.get("verblijfsintentie")
        categories = ["taal-leerbaarheid", "financien", "signalen", "verblijfsintentie", "pip"]
        self._log_read(ctx, "pip-starting-points", dossier_id, THEIRS, categories)
        return json_response(200, points)

    @api("PATCH", PIP, expected_exceptions=ChainError)
    def patch_pip(self, request: Request, dossier_id: str) -> Response:
        return self._pip_command(request, self.pip.change_sections, dossier_id)

    @api("POST", f"{PIP}/goals", expected_exceptions=ChainError)
    def post_goal(self, request: Request, dossier_id: str) -> Response:
        return self._pip_command(request, self.pip.add_goal, dossier_id, status=201)

    @api("PATCH", f"{PIP}/goals/<string:goal_id>", expected_exceptions=ChainError)
    def patch_goal(self, request: Request, dossier_id: str, goal_id: str) -> Response:
        return self._pip_command(request, self.pip.change_goal, dossier_id, goal_id)

    @api("DELETE", f"{PIP}/goals/<string:goal_id>", expected_exceptions=ChainError)
    def delete_goal(self, request: Request, dossier_id: str, goal_id: str) -> Response:
        self._authorise(request, Action.DRAFT_PIP, "pip-opstellen")
        return json_response(200, self._call(self.pip.remove_goal, dossier_id, goal_id))

    @api("POST", f"{PIP}/extension", expected_exceptions=ChainError)
    def post_extension(self, request: Request, dossier_id: str) -> Response:
        return self._pip_command(request, self.pip.request_extension, dossier_id)

    @api("POST", f"{PIP}/extension/arrival", expected_exceptions=ChainError)
    def post_arrival(self, request: Request, dossier_id: str) -> Response:
        return self._pip_command(request, self.pip.information_arrived, dossier_id)

    @api("POST", f"{PIP}/establish", expected_exceptions=ChainError)
    def post_establish(self, request: Request, dossier_id: str) -> Response:
        return self._pip_command(request, self.pip.establish, dossier_id)

    @api("POST", f"{PIP}/revisions", expected_exceptions=ChainError)
    def post_revision(self, request: Request, dossier_id: str) -> Response:
        return self._pip_command(request, self.pip.revise, dossier_id, status=201)

    @api("POST", f"{PIP}/goals/<string:goal_id>/progress", expected_exceptions=ChainError)
    def post_goal_progress(self, request: Request, dossier_id: str, goal_id: str) -> Response:
        self._authorise(request, Action.RECORD_PROGRESS, "pip-voortgang")
        body = read_json(request)
        return json_response(
            201, self._call(self.pip.record_goal_progress, dossier_id, goal_id, body)
        )

    @api("POST", f"{PIP}/modules/<string:module>/hours", expected_exceptions=ChainError)
    def post_module_hours(self, request: Request, dossier_id: str, module: str) -> Response:
        self._authorise(request, Action.RECORD_PROGRESS, "pip-voortgang")
        body = read_json(request)
        return json_response(
            201, self._call(self.pip.record_module_hours, dossier_id, module, body)
        )

    @api("POST", f"{PIP}/breaches", expected_exceptions=ChainError)
    def post_breach(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.DRAFT_PIP, "handhaving")
        return json_response(
            201, self._call(self.pip.record_breach, dossier_id, read_json(request))
        )

    @api("PUT", f"{PIP}/breaches/<int:number>/decision", expected_exceptions=ChainError)
    def put_measure_decision(self, request: Request, dossier_id: str, number: int) -> Response:
        self._authorise(request, Action.DRAFT_PIP, "handhaving")
        body = read_json(request)
        return json_response(200, self._call(self.pip.decide_measure, dossier_id, number, body))

    def _pip_command(
        self,
        request: Request,
        method: Callable[..., Any],
        *args: Any,
        status: int = 200,
    ) -> Response:
        self._authorise(request, Action.DRAFT_PIP, "pip-opstellen")
        return json_response(status, self._call(method, *args, read_json(request)))

    # reports ------------------------------------------------------------------------------------
    @api("GET", "/api/v1/reports/pip/gemeenten/<string:gemeente>", expected_exceptions=ChainError)
    def get_gemeente_report(self, request: Request, gemeente: str) -> Response:
        ctx = self._authorise(request, Action.READ_REPORTS, "rapportage")
        report = self._call(self.pip.gemeente_report, gemeente)
        return self._report(ctx, request, report, f"pip-{gemeente}-{report['as_of']}.csv")

    @api("GET", "/api/v1/reports/pip/region", expected_exceptions=ChainError)
    def get_region_report(self, request: Request) -> Response:
        ctx = self._authorise(request, Action.READ_REPORTS, "rapportage")
        report = self._call(self.pip.region_report)
        return self._report(ctx, request, report, f"pip-regio-{report['as_of']}.csv")

    def _report(
        self, ctx: Any, request: Request, report: dict[str, Any], filename: str
    ) -> Response:
        """JSON, or CSV with `?format=csv` (or `Accept: text/csv`). The dossiers a report lists
        (late PIPs, termijnen ending) are read by whoever reads it."""
        self._log_reads(ctx, "pip-report", listed_dossiers(report))
        wants_csv = request.args.get("format") == "csv" or (
            request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"
        )
        if wants_csv:
            return csv_response(report_csv(report), filename)
        return json_response(200, report)
