"""The gateway's routes onto intake: dossiers, the brede intake and signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from services.common.access import Action
from services.common.errors import ChainError, InvalidInput, field_error
from services.gateway.access_log import (
    DOMAIN_CATEGORIES,
    THEIRS,
    VIEW_CATEGORIES,
    categories_of_intake,
)
from services.gateway.http import api, json_response, read_json

# How many dossiers one list answers with: by default, and at most (`?limit=`).
LIST_DEFAULT, LIST_MAX = 100, 500


def list_limit(request: Request) -> int:
    """`?limit=` as a whole number from 1 to LIST_MAX; LIST_DEFAULT without it."""
    text = request.args.get("limit")
    if text is None:
        return LIST_DEFAULT
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= LIST_MAX:
        raise InvalidInput([field_error("limit", f"must be a whole number from 1 to {LIST_MAX}")])
    return int(text)


class IntakeRoutes:
    """Mixed into GatewayService, which provides `_authorise`, `_call`, `_log_read(s)` and the
    `intake` proxy."""

    @api("POST", "/api/v1/dossiers", expected_exceptions=ChainError)
    def register_dossier(self, request: Request) -> Response:
        self._authorise(request, Action.REGISTER_DOSSIER, "registratie")
        registration = read_json(request)
        result = self._call(self.intake.register, registration)
        self.command_subject = (result["id"], str(registration["gemeente"]).strip())
        return json_response(201, result, Location=f"/api/v1/dossiers/{result['id']}")

    @api("GET", "/api/v1/dossiers", expected_exceptions=ChainError)
    def list_dossiers(self, request: Request) -> Response:
        ctx = self._authorise(request, Action.READ_DOSSIER, "dossier-inzien")
        dossiers = self._call(self.intake.dossiers, list_limit(request))
        self._log_reads(
            ctx, "dossiers", [(d["id"], d["gemeente"], ["identiteit"]) for d in dossiers]
        )
        return json_response(200, {"dossiers": dossiers})

    @api("GET", "/api/v1/dossiers/<string:dossier_id>", expected_exceptions=ChainError)
    def get_dossier(self, request: Request, dossier_id: str) -> Response:
        ctx = self._authorise(request, Action.READ_DOSSIER, "dossier-inzien")
        dossier = self._call(self.intake.dossier, dossier_id)
        categories = ["identiteit", "contact", "gezin", "taal-leerbaarheid"]
        self._log_read(ctx, "dossier", dossier_id, dossier["gemeente"], categories)
        return json_response(200, dossier)

    @api("PATCH", "/api/v1/dossiers/<string:dossier_id>", expected_exceptions=ChainError)
    def correct_dossier(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.REGISTER_DOSSIER, "registratie")
        return json_response(200, self._call(self.intake.correct, dossier_id, read_json(request)))

    @api("GET", "/api/v1/dossiers/<string:dossier_id>/view", expected_exceptions=ChainError)
    def get_dossier_view(self, request: Request, dossier_id: str) -> Response:
        ctx = self._authorise(request, Action.VIEW_DOSSIER, "dossier-inzien")
        view = self._call(self.intake.dossier_view, dossier_id)
        categories = {VIEW_CATEGORIES[c] for c in view["categories"]} | {"identiteit"}
        self._log_read(ctx, "dossier-view", dossier_id, view["gemeente"], categories)
        return json_response(200, view)

    @api("GET", "/api/v1/dossiers/<string:dossier_id>/household", expected_exceptions=ChainError)
    def get_household(self, request: Request, dossier_id: str) -> Response:
        ctx = self._authorise(request, Action.READ_DOSSIER, "dossier-inzien")
        household = self._call(self.intake.household, dossier_id)
        gemeente = THEIRS
        self._log_reads(
            ctx,
            "household",
            [(m["id"], gemeente, ["identiteit", "gezin"]) for m in household["members"]],
        )
        return json_response(200, household)

    # the brede intake (each step answers with the intake as the actor may see it) -------------
    @api("GET", "/api/v1/dossiers/<string:dossier_id>/intake", expected_exceptions=ChainError)
    def get_intake(self, request: Request, dossier_id: str) -> Response:
        ctx = self._authorise(request, Action.READ_INTAKE, "brede-intake")
        intake = self._call(self.intake.brede_intake, dossier_id)
        categories = categories_of_intake(intake)
        self._log_read(ctx, "brede-intake", dossier_id, intake["gemeente"], categories)
        return json_response(200, intake)

    @api(
        "PUT",
        "/api/v1/dossiers/<string:dossier_id>/intake/leerbaarheidstoets",
        expected_exceptions=ChainError,
    )
    def put_leerbaarheidstoets(self, request: Request, dossier_id: str) -> Response:
        return self._intake_step(request, self.intake.record_leerbaarheidstoets, dossier_id)

    @api(
        "POST",
        "/api/v1/dossiers/<string:dossier_id>/intake/education",
        expected_exceptions=ChainError,
    )
    def post_education(self, request: Request, dossier_id: str) -> Response:
        return self._intake_step(request, self.intake.add_education, dossier_id)

    @api("POST", "/api/v1/dossiers/<string:dossier_id>/intake/work", expected_exceptions=ChainError)
    def post_work(self, request: Request, dossier_id: str) -> Response:
        return self._intake_step(request, self.intake.add_work, dossier_id)

    @api(
        "PUT",
        "/api/v1/dossiers/<string:dossier_id>/intake/personal-circumstances",
        expected_exceptions=ChainError,
    )
    def put_personal_circumstances(self, request: Request, dossier_id: str) -> Response:
        return self._intake_step(request, self.intake.record_personal_circumstances, dossier_id)

    @api(
        "PUT",
        "/api/v1/dossiers/<string:dossier_id>/intake/domains/<string:domain>",
        expected_exceptions=ChainError,
    )
    def put_life_domain(self, request: Request, dossier_id: str, domain: str) -> Response:
        self._authorise(request, Action.RECORD_INTAKE, "brede-intake")
        body = read_json(request)
        return json_response(
            200, self._call(self.intake.record_life_domain, dossier_id, domain, body)
        )

    @api(
        "POST",
        "/api/v1/dossiers/<string:dossier_id>/intake/practical-items/<string:item>/close",
        expected_exceptions=ChainError,
    )
    def close_practical_item(self, request: Request, dossier_id: str, item: str) -> Response:
        self._authorise(request, Action.RECORD_INTAKE, "brede-intake")
        body = read_json(request)
        return json_response(
            200, self._call(self.intake.close_practical_item, dossier_id, item, body)
        )

    @api(
        "POST",
        "/api/v1/dossiers/<string:dossier_id>/intake/complete",
        expected_exceptions=ChainError,
    )
    def post_complete(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.RECORD_INTAKE, "brede-intake")
        return json_response(200, self._call(self.intake.complete_intake, dossier_id))

    @api("PUT", "/api/v1/dossiers/<string:dossier_id>/intake/route", expected_exceptions=ChainError)
    def put_route(self, request: Request, dossier_id: str) -> Response:
        return self._intake_step(request, self.intake.choose_route, dossier_id)

    def _intake_step(
        self, request: Request, method: Callable[..., Any], dossier_id: str
    ) -> Response:
        self._authorise(request, Action.RECORD_INTAKE, "brede-intake")
        return json_response(200, self._call(method, dossier_id, read_json(request)))

    @api(
        "POST",
        "/api/v1/dossiers/<string:dossier_id>/intake/conversations",
        expected_exceptions=ChainError,
    )
    def post_conversation(self, request: Request, dossier_id: str) -> Response:
        return self._intake_step(request, self.intake.plan_conversation, dossier_id)

    @api(
        "PUT",
        "/api/v1/dossiers/<string:dossier_id>/intake/conversations/<int:number>/attendance",
        expected_exceptions=ChainError,
    )
    def put_attendance(self, request: Request, dossier_id: str, number: int) -> Response:
        self._authorise(request, Action.RECORD_INTAKE, "brede-intake")
        body = read_json(request)
        return json_response(
            200, self._call(self.intake.record_attendance, dossier_id, number, body)
        )

    @api(
        "PUT",
        "/api/v1/dossiers/<string:dossier_id>/intake/sanctions/<string:step>",
        expected_exceptions=ChainError,
    )
    def put_sanction(self, request: Request, dossier_id: str, step: str) -> Response:
        self._authorise(request, Action.RECORD_INTAKE, "brede-intake")
        body = read_json(request)
        return json_response(200, self._call(self.intake.decide_sanction, dossier_id, step, body))

    @api("POST", "/api/v1/dossiers/<string:dossier_id>/signals", expected_exceptions=ChainError)
    def post_signal(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.GIVE_SIGNAL, "signalering")
        return json_response(
            201, self._call(self.intake.give_signal, dossier_id, read_json(request))
        )

    @api("GET", "/api/v1/dossiers/<string:dossier_id>/signals", expected_exceptions=ChainError)
    def get_signals(self, request: Request, dossier_id: str) -> Response:
        ctx = self._authorise(request, Action.READ_SIGNALS, "signalen-inzien")
        signals = self._call(self.intake.signals, dossier_id)
        categories = {"signalen"} | {
            DOMAIN_CATEGORIES.get(s["domain"], "signalen") for s in signals["signals"]
        }
        self._log_read(ctx, "signals", dossier_id, THEIRS, categories)
        return json_response(200, signals)
