"""The gateway's routes onto matching: organisations' guides and placements, a person's matching
profile, ranking, proposals and their steps, and the guidance with its activity log and signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from services.common.access import Action
from services.common.errors import ChainError
from services.gateway.http import api, json_response, read_json

DOSSIER = "/api/v1/dossiers/<string:dossier_id>"
PROPOSAL = f"{DOSSIER}/proposals/<string:proposal_id>"
# What a ranking reads of the person to rank with (see matching/ranking.py CRITERION_CATEGORIES).
RANKING_READS = ["identiteit", "taal-leerbaarheid", "pip", "contact", "gezin"]
GUIDANCE_READS = ["identiteit", "taal-leerbaarheid", "pip", "signalen"]
OFFER = "begeleiders-beheren"
MATCHING = "koppelen"
GUIDANCE = "begeleiding-vastleggen"


class MatchingRoutes:
    """Mixed into GatewayService, which provides `_authorise`, `_call` and the proxies."""

    # guides and placements ----------------------------------------------------------------------
    @api("POST", "/api/v1/guides", expected_exceptions=ChainError)
    def post_guide(self, request: Request) -> Response:
        return self._matching(
            request, Action.MANAGE_GUIDES, OFFER, self.matching.register_guide, status=201
        )

    @api("GET", "/api/v1/guides/<string:guide_id>", expected_exceptions=ChainError)
    def get_guide(self, request: Request, guide_id: str) -> Response:
        self._authorise(request, Action.READ_POOL, OFFER)
        return json_response(200, self._call(self.matching.guide, guide_id))

    @api("PATCH", "/api/v1/guides/<string:guide_id>", expected_exceptions=ChainError)
    def patch_guide(self, request: Request, guide_id: str) -> Response:
        return self._matching(
            request, Action.MANAGE_GUIDES, OFFER, self.matching.change_guide, guide_id
        )

    @api("POST", "/api/v1/guides/<string:guide_id>/withdrawal", expected_exceptions=ChainError)
    def post_guide_withdrawal(self, request: Request, guide_id: str) -> Response:
        return self._matching(
            request, Action.MANAGE_GUIDES, OFFER, self.matching.withdraw_guide, guide_id
        )

    @api("POST", "/api/v1/placements", expected_exceptions=ChainError)
    def post_placement(self, request: Request) -> Response:
        return self._matching(
            request, Action.OFFER_PLACEMENTS, OFFER, self.matching.offer_placement, status=201
        )

    @api("GET", "/api/v1/placements/<string:placement_id>", expected_exceptions=ChainError)
    def get_placement(self, request: Request, placement_id: str) -> Response:
        self._authorise(request, Action.READ_POOL, OFFER)
        return json_response(200, self._call(self.matching.placement, placement_id))

    @api("PATCH", "/api/v1/placements/<string:placement_id>", expected_exceptions=ChainError)
    def patch_placement(self, request: Request, placement_id: str) -> Response:
        return self._matching(
            request, Action.OFFER_PLACEMENTS, OFFER, self.matching.change_placement, placement_id
        )

    @api("POST", "/api/v1/placements/<string:placement_id>/closure", expected_exceptions=ChainError)
    def post_placement_closure(self, request: Request, placement_id: str) -> Response:
        return self._matching(
            request, Action.OFFER_PLACEMENTS, OFFER, self.matching.close_placement, placement_id
        )

    @api("GET", "/api/v1/offer", expected_exceptions=ChainError)
    def get_offer(self, request: Request) -> Response:
        ctx = self._authorise(request, Action.MANAGE_GUIDES, OFFER)
        offer = self._call(self.matching.own_offer)
        # The proposals name dossiers and what the organisation was told of them: reads.
        self._log_reads(
            ctx,
            "offer-proposals",
            [
                (
                    p["dossier_id"],
                    p["gemeente"],
                    ["identiteit", *(["taal-leerbaarheid"] if p["told"] else [])],
                )
                for p in offer["proposals"]
            ],
        )
        return json_response(200, offer)

    # matching -----------------------------------------------------------------------------------
    @api("PUT", f"{DOSSIER}/matching-profile", expected_exceptions=ChainError)
    def put_matching_profile(self, request: Request, dossier_id: str) -> Response:
        return self._matching(
            request, Action.MATCH, MATCHING, self.matching.set_profile, dossier_id
        )

    @api("GET", f"{DOSSIER}/matches", expected_exceptions=ChainError)
    def get_matches(self, request: Request, dossier_id: str) -> Response:
        """Guides (`kind=begeleider`) or placements (`kind=plaatsing`) ranked for the person."""
        ctx = self._authorise(request, Action.MATCH, MATCHING)
        ranking = self._call(self.matching.rank, dossier_id, request.args.get("kind", "begeleider"))
        self._log_read(ctx, "matches", dossier_id, ranking["persoon"]["gemeente"], RANKING_READS)
        return json_response(200, ranking)

    @api("POST", f"{DOSSIER}/proposals", expected_exceptions=ChainError)
    def post_proposal(self, request: Request, dossier_id: str) -> Response:
        return self._matching(
            request, Action.MATCH, MATCHING, self.matching.propose, dossier_id, status=201
        )

    @api("POST", f"{PROPOSAL}/answers", expected_exceptions=ChainError)
    def post_proposal_answer(self, request: Request, dossier_id: str, proposal_id: str) -> Response:
        return self._matching(
            request, Action.ANSWER_MATCH, MATCHING, self.matching.answer, dossier_id, proposal_id
        )

    @api("POST", f"{PROPOSAL}/start", expected_exceptions=ChainError)
    def post_proposal_start(self, request: Request, dossier_id: str, proposal_id: str) -> Response:
        return self._matching(
            request, Action.MATCH, MATCHING, self.matching.start, dossier_id, proposal_id
        )

    @api("POST", f"{PROPOSAL}/end", expected_exceptions=ChainError)
    def post_proposal_end(self, request: Request, dossier_id: str, proposal_id: str) -> Response:
        return self._matching(
            request, Action.ANSWER_MATCH, MATCHING, self.matching.end, dossier_id, proposal_id
        )

    # the guidance -------------------------------------------------------------------------------
    @api("GET", f"{DOSSIER}/guidance", expected_exceptions=ChainError)
    def get_guidance(self, request: Request, dossier_id: str) -> Response:
        ctx = self._authorise(request, Action.READ_GUIDANCE, GUIDANCE)
        guidance = self._call(self.matching.guidance, dossier_id)
        self._log_read(ctx, "guidance", dossier_id, guidance["gemeente"], GUIDANCE_READS)
        return json_response(200, guidance)

    @api("POST", f"{DOSSIER}/guidance/activities", expected_exceptions=ChainError)
    def post_activity(self, request: Request, dossier_id: str) -> Response:
        return self._matching(
            request,
            Action.LOG_ACTIVITY,
            GUIDANCE,
            self.matching.log_activity,
            dossier_id,
            status=201,
        )

    @api("POST", f"{DOSSIER}/guidance/signals", expected_exceptions=ChainError)
    def post_guidance_signal(self, request: Request, dossier_id: str) -> Response:
        return self._matching(
            request,
            Action.LOG_ACTIVITY,
            GUIDANCE,
            self.matching.give_signal,
            dossier_id,
            status=201,
        )

    def _matching(
        self,
        request: Request,
        action: Action,
        activity: str,
        method: Callable[..., Any],
        *args: Any,
        status: int = 200,
    ) -> Response:
        self._authorise(request, action, activity)
        return json_response(status, self._call(method, *args, read_json(request)))
