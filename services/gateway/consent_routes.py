"""The gateway's routes onto consent: consent records and their receipts, sharing decisions and
the protocol."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from services.common.access import Action
from services.common.errors import ChainError
from services.gateway.access_log import THEIRS
from services.gateway.http import api, json_response, read_json

CONSENTS = "/api/v1/dossiers/<string:dossier_id>/consents"


class ConsentRoutes:
    """Mixed into GatewayService, which provides `_authorise`, `_call` and the `consent` proxy."""

    @api("POST", CONSENTS, expected_exceptions=ChainError)
    def post_consent(self, request: Request, dossier_id: str) -> Response:
        self._authorise(request, Action.RECORD_CONSENT, "toestemming-vastleggen")
        return json_response(
            201, self._call(self.consent.give_consent, dossier_id, read_json(request))
        )

    @api("GET", CONSENTS, expected_exceptions=ChainError)
    def get_consents(self, request: Request, dossier_id: str) -> Response:
        ctx = self._authorise(request, Action.READ_CONSENT, "toestemming-inzien")
        consents = self._call(self.consent.consents, dossier_id)
        self._log_read(ctx, "consents", dossier_id, THEIRS, ["identiteit"])
        return json_response(200, consents)

    @api("PATCH", f"{CONSENTS}/<string:consent_id>", expected_exceptions=ChainError)
    def patch_consent(self, request: Request, dossier_id: str, consent_id: str) -> Response:
        self._authorise(request, Action.RECORD_CONSENT, "toestemming-vastleggen")
        body = read_json(request)
        return json_response(
            200, self._call(self.consent.change_consent, dossier_id, consent_id, body)
        )

    @api("POST", f"{CONSENTS}/<string:consent_id>/withdrawal", expected_exceptions=ChainError)
    def post_withdrawal(self, request: Request, dossier_id: str, consent_id: str) -> Response:
        self._authorise(request, Action.RECORD_CONSENT, "toestemming-vastleggen")
        body = read_json(request)
        return json_response(
            200, self._call(self.consent.withdraw_consent, dossier_id, consent_id, body)
        )

    @api("GET", f"{CONSENTS}/<string:consent_id>/receipt", expected_exceptions=ChainError)
    def get_receipt(self, request: Request, dossier_id: str, consent_id: str) -> Response:
        ctx = self._authorise(request, Action.READ_CONSENT, "toestemming-inzien")
        receipt = self._call(self.consent.receipt, dossier_id, consent_id)
        self._log_read(ctx, "consent-receipt", dossier_id, THEIRS, ["identiteit"])
        return json_response(200, receipt)

    @api("GET", f"{CONSENTS}/<string:consent_id>/receipt.html", expected_exceptions=ChainError)
    def get_receipt_page(self, request: Request, dossier_id: str, consent_id: str) -> Response:
        ctx = self._authorise(request, Action.READ_CONSENT, "toestemming-inzien")
        page = self._call(self.consent.receipt_page, dossier_id, consent_id)
        self._log_read(ctx, "consent-receipt", dossier_id, THEIRS, ["identiteit"])
        return Response(page, status=200, mimetype="text/html")

    @api("POST", "/api/v1/sharing/decisions", expected_exceptions=ChainError)
    def post_decision(self, request: Request) -> Response:
        self._authorise(request, Action.DECIDE_SHARING, "delen-beoordelen")
        question = read_json(request)
        if isinstance(question, dict):
            self.command_subject = (str(question.get("dossier_id", "")), THEIRS)
        return json_response(200, self._call(self.consent.decide, question))

    @api("POST", "/api/v1/partners", expected_exceptions=ChainError)
    def post_partner(self, request: Request) -> Response:
        """Register or update a partner organisation (its feed's broker user is made with
        `wegwijs partner add`, which needs the broker's admin tools)."""
        self._authorise(request, Action.MANAGE_PARTNERS, "partner-beheren")
        return json_response(200, self._call(self.consent.register_partner, read_json(request)))

    @api("POST", "/api/v1/partners/<string:oin>/subscriptions", expected_exceptions=ChainError)
    def post_subscription(self, request: Request, oin: str) -> Response:
        """Subscribe a partner organisation to a channel, filtered by event types and gemeenten."""
        self._authorise(request, Action.MANAGE_PARTNERS, "partner-beheren")
        return json_response(201, self._call(self.consent.subscribe, oin, read_json(request)))

    @api("GET", "/api/v1/sharing/protocol", expected_exceptions=ChainError)
    def get_protocol(self, request: Request) -> Response:
        self._authorise(request, Action.READ_PROTOCOL, "protocol-inzien")
        return json_response(200, self._call(self.consent.protocol))

    @api(
        "GET",
        "/api/v1/partner/dossiers/<string:dossier_id>/events/<string:event_id>",
        expected_exceptions=ChainError,
    )
    def get_partner_event(self, request: Request, dossier_id: str, event_id: str) -> Response:
        """A partner fetches an event of its feed (the dataref); decided again now."""
        ctx = self._authorise(request, Action.FETCH_FEED, "delen-met-partner")
        fetched = self._call(self.consent.fetch, dossier_id, event_id)
        self._log_read(ctx, "partner-feed", dossier_id, fetched["gemeente"], fetched["categories"])
        return json_response(200, fetched)
