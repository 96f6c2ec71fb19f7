"""The matching part of the OpenAPI document: paths and schemas, derived from matching's rules."""

from __future__ import annotations

from typing import Any

from services.gateway.openapi_parts import CEFR, DATE, DOSSIER_ID, error_responses, ok_response
from services.matching import fields
from services.matching.ranking import PLACEMENT_KINDS

_TEXT = {"type": "string", "minLength": 1}
_UUID = {"type": "string", "format": "uuid"}
_GEMEENTE = {"type": "string", "pattern": "^[0-9]{4}$"}
_PC4 = {"type": "string", "pattern": "^[1-9][0-9]{3}$", "description": "PC4 postcode area"}
_LANGUAGES = {
    "type": "object",
    "description": "ISO 639 language code (ti, ar, prs, nl) to CEFR level; a mother tongue as C2.",
    "additionalProperties": {"enum": list(CEFR)},
    "propertyNames": {"pattern": "^[a-z]{2,3}$"},
    "examples": [{"ti": "C2", "ar": "B1"}],
}
_DAYS = {"type": "array", "items": {"enum": list(fields.DAYS)}, "uniqueItems": True}


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": _UUID}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _operation(
    summary: str,
    operation_id: str,
    answer: tuple[int, str, str],
    body: str | None = None,
    parameters: tuple[dict[str, Any], ...] = (),
    errors: tuple[int, ...] = (400, 401, 403, 404, 409, 422, 503, 504),
) -> dict[str, Any]:
    status, description, schema = answer
    operation: dict[str, Any] = {
        "summary": summary,
        "operationId": operation_id,
        "parameters": list(parameters),
        "responses": {**ok_response(status, description, schema), **error_responses(*errors)},
    }
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(body)}},
        }
    return operation


_PROPOSAL = (_id("dossier_id") | {"description": DOSSIER_ID["description"]}, _id("proposal_id"))
_READ_ERRORS = (401, 403, 404, 503, 504)

MATCHING_PATHS: dict[str, Any] = {
    "/api/v1/guides": {
        "post": _operation(
            "Register a guide of the caller's organisation (coordinator)",
            "registerGuide",
            (201, "The guide.", "Guide"),
            "GuideDetails",
        )
    },
    "/api/v1/guides/{guide_id}": {
        "get": _operation(
            "One guide: a coordinator of its organisation, or a regievoerder of a gemeente it "
            "works in",
            "getGuide",
            (200, "The guide with its caseload.", "Guide"),
            parameters=(_id("guide_id"),),
            errors=_READ_ERRORS,
        ),
        "patch": _operation(
            "Change a guide's details: a new VOG, training done, caseload (coordinator)",
            "changeGuide",
            (200, "The guide.", "Guide"),
            "GuideChange",
            (_id("guide_id"),),
        ),
    },
    "/api/v1/guides/{guide_id}/withdrawal": {
        "post": _operation(
            "The guide stops guiding (coordinator); running guidances keep their history",
            "withdrawGuide",
            (200, "The guide.", "Guide"),
            "Reason",
            (_id("guide_id"),),
        )
    },
    "/api/v1/placements": {
        "post": _operation(
            "Offer a placement of the caller's organisation (coordinator)",
            "offerPlacement",
            (201, "The placement.", "Placement"),
            "PlacementDetails",
        )
    },
    "/api/v1/placements/{placement_id}": {
        "get": _operation(
            "One placement",
            "getPlacement",
            (200, "The placement with the places filled.", "Placement"),
            parameters=(_id("placement_id"),),
            errors=_READ_ERRORS,
        ),
        "patch": _operation(
            "Change a placement (coordinator)",
            "changePlacement",
            (200, "The placement.", "Placement"),
            "PlacementChange",
            (_id("placement_id"),),
        ),
    },
    "/api/v1/placements/{placement_id}/closure": {
        "post": _operation(
            "Stop offering a placement (coordinator)",
            "closePlacement",
            (200, "The placement.", "Placement"),
            "Reason",
            (_id("placement_id"),),
        )
    },
    "/api/v1/offer": {
        "get": _operation(
            "The caller's organisation's guides, placements and the proposals made to it "
            "(coordinator)",
            "getOffer",
            (200, "Guides with caseloads, placements with places filled.", "Offer"),
            errors=(401, 403, 503, 504),
        )
    },
    "/api/v1/dossiers/{dossier_id}/matching-profile": {
        "put": _operation(
            "Record what matching may use of the person, as agreed with them (regievoerder)",
            "setMatchingProfile",
            (200, "The guidance.", "Guidance"),
            "MatchingProfile",
            (DOSSIER_ID,),
        )
    },
    "/api/v1/dossiers/{dossier_id}/matches": {
        "get": {
            "summary": "Guides or placements ranked for the person, each explained criterion by "
            "criterion, and every candidate left out with why (regievoerder); the read is "
            "recorded",
            "operationId": "rankMatches",
            "parameters": [
                DOSSIER_ID,
                {
                    "name": "kind",
                    "in": "query",
                    "schema": {"enum": list(fields.CANDIDATE_KINDS), "default": "begeleider"},
                },
            ],
            "responses": {
                **ok_response(200, "The shortlist, best first.", "Ranking"),
                **error_responses(401, 403, 404, 409, 422, 503, 504),
            },
        }
    },
    "/api/v1/dossiers/{dossier_id}/proposals": {
        "post": _operation(
            "Propose a guide or placement (regievoerder); the hard constraints are checked "
            "again and the organisation is told the Dutch level where the protocol allows",
            "propose",
            (201, "The proposal.", "Proposal"),
            "ProposalRequest",
            (DOSSIER_ID,),
        )
    },
    "/api/v1/dossiers/{dossier_id}/proposals/{proposal_id}/answers": {
        "post": _operation(
            "Accept or decline, with a reason when declining: side persoon by the regievoerder, "
            "side aanbieder by the organisation's coordinator",
            "answerProposal",
            (200, "The proposal.", "Proposal"),
            "ProposalAnswer",
            _PROPOSAL,
        )
    },
    "/api/v1/dossiers/{dossier_id}/proposals/{proposal_id}/start": {
        "post": _operation(
            "Start an accepted match (regievoerder); a second active guide is refused (409) "
            "unless a change_reason makes it a change of guide; 409 too when the organisation "
            "may no longer receive anything about the person",
            "startMatch",
            (200, "The proposal.", "Proposal"),
            "MatchStart",
            _PROPOSAL,
        )
    },
    "/api/v1/dossiers/{dossier_id}/proposals/{proposal_id}/end": {
        "post": _operation(
            "End a running match with its outcome and why (regievoerder, or the organisation's "
            "coordinator)",
            "endMatch",
            (200, "The proposal.", "Proposal"),
            "MatchEnd",
            _PROPOSAL,
        )
    },
    "/api/v1/dossiers/{dossier_id}/guidance": {
        "get": _operation(
            "The guidance: profile, goals, the fixed guide and its history, proposals, the "
            "activity log and signals, as the reader may see them; the read is recorded",
            "getGuidance",
            (200, "The guidance.", "Guidance"),
            parameters=(DOSSIER_ID,),
            errors=_READ_ERRORS,
        )
    },
    "/api/v1/dossiers/{dossier_id}/guidance/activities": {
        "post": _operation(
            "Log an activity on a PIP goal (the active guide); pip records progress on the goal",
            "logActivity",
            (201, "The activity.", "Activity"),
            "ActivityRequest",
            (DOSSIER_ID,),
        )
    },
    "/api/v1/dossiers/{dossier_id}/guidance/signals": {
        "post": _operation(
            "Signal something to the regievoerder, and where the person was referred (the "
            "active guide)",
            "giveGuidanceSignal",
            (201, "The signal's id.", "GuidanceSignalGiven"),
            "GuidanceSignal",
            (DOSSIER_ID,),
        )
    },
}

_GUIDE_PROPERTIES = {
    "name": _TEXT,
    "kind": {"enum": list(fields.GUIDE_KINDS), "default": "vrijwilliger"},
    "user_id": {"type": "string", "description": "The guide's account, as in their token."},
    "languages": _LANGUAGES,
    "gemeenten": {"type": "array", "items": _GEMEENTE, "minItems": 1},
    "area": _PC4,
    "hours_per_week": {"type": "number", "minimum": 0, "maximum": 40},
    "days": _DAYS,
    "interests": {"type": "array", "items": {"enum": list(fields.GOAL_DOMAINS)}},
    "skills": {"type": "array", "items": {"type": "string"}},
    "phases": {"type": "array", "items": {"enum": list(fields.PHASES)}},
    "routes": {"type": "array", "items": {"enum": list(fields.ROUTES)}},
    "training": {
        "type": "object",
        "description": "Training done, with the date (aandachtspunt j).",
        "additionalProperties": DATE,
    },
    "vog_issued_on": DATE,
    "max_caseload": {"type": "integer", "minimum": 1, "maximum": 50},
}
_PLACEMENT_PROPERTIES = {
    "title": _TEXT,
    "kind": {"enum": list(PLACEMENT_KINDS)},
    "gemeente": _GEMEENTE,
    "area": _PC4,
    "hours_per_week": {"type": "number", "minimum": 1, "maximum": 40},
    "dutch_required": {"enum": list(CEFR), "default": "A0"},
    "adapted_low_dutch": {
        "type": "boolean",
        "description": "Adapted for people who speak little Dutch (aandachtspunt i).",
    },
    "z_route_suitable": {"type": "boolean"},
    "for_women": {"type": "boolean"},
    "childcare": {"type": "boolean"},
    "skills": {"type": "array", "items": {"type": "string"}},
    "capacity": {"type": "integer", "minimum": 1},
    "starts_on": DATE,
    "ends_on": DATE,
}

MATCHING_SCHEMAS: dict[str, Any] = {
    "GuideDetails": {
        "type": "object",
        "required": ["name", "languages", "gemeenten", "max_caseload"],
        "properties": _GUIDE_PROPERTIES,
        "additionalProperties": False,
    },
    "GuideChange": {
        "type": "object",
        "minProperties": 1,
        "properties": _GUIDE_PROPERTIES,
        "additionalProperties": False,
    },
    "Guide": {
        "type": "object",
        "properties": {
            "id": _UUID,
            "organisation": {"type": "string", "pattern": "^[0-9]{20}$"},
            **_GUIDE_PROPERTIES,
            "caseload": {"type": "integer"},
            "withdrawn": {"type": ["string", "null"]},
            "version": {"type": "integer"},
        },
    },
    "PlacementDetails": {
        "type": "object",
        "required": ["title", "kind", "gemeente", "hours_per_week", "capacity"],
        "properties": _PLACEMENT_PROPERTIES,
        "additionalProperties": False,
    },
    "PlacementChange": {
        "type": "object",
        "minProperties": 1,
        "properties": _PLACEMENT_PROPERTIES,
        "additionalProperties": False,
    },
    "Placement": {
        "type": "object",
        "properties": {
            "id": _UUID,
            "organisation": {"type": "string", "pattern": "^[0-9]{20}$"},
            **_PLACEMENT_PROPERTIES,
            "filled": {"type": "integer"},
            "closed": {"type": ["string", "null"]},
            "version": {"type": "integer"},
        },
    },
    "Offer": {
        "type": "object",
        "properties": {
            "organisation": {"type": "string"},
            "guides": {"type": "array", "items": _ref("Guide")},
            "placements": {"type": "array", "items": _ref("Placement")},
            "proposals": {
                "type": "array",
                "description": "Proposals made to the organisation, not yet declined or ended, "
                "from any gemeente of the pool; `told` is what it was told of the "
                "person (the Dutch level where the protocol or consent allowed). A logged read.",
                "items": {
                    "type": "object",
                    "properties": {
                        "proposal_id": _UUID,
                        "dossier_id": _UUID,
                        "gemeente": _GEMEENTE,
                        "kind": {"enum": list(fields.CANDIDATE_KINDS)},
                        "candidate_id": _UUID,
                        "told": {"type": "object"},
                        "status": {"enum": ["voorgesteld", "geaccepteerd", "gestart"]},
                        "proposed_at": {"type": "string", "format": "date-time"},
                        "started_on": {"type": ["string", "null"], "format": "date"},
                    },
                },
            },
        },
    },
    "Reason": {
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": _TEXT},
        "additionalProperties": False,
    },
    "MatchingProfile": {
        "type": "object",
        "required": ["languages"],
        "properties": {
            "languages": _LANGUAGES,
            "dutch_level": {"enum": list(CEFR), "default": "A0"},
            "area": _PC4,
            "days": _DAYS,
            "needs_childcare": {"type": "boolean"},
            "women_only": {"type": "boolean"},
        },
        "additionalProperties": False,
    },
    "Ranking": {
        "type": "object",
        "description": "Scores out of 100; per criterion points, weight and a reason in Dutch.",
        "properties": {
            "dossier_id": _UUID,
            "soort": {"enum": list(fields.CANDIDATE_KINDS)},
            "persoon": {"type": "object"},
            "regionale_pool": {"type": "array", "items": _GEMEENTE},
            "huishouden_begeleiders": {
                "type": "array",
                "items": _UUID,
                "description": "The guide other members of the person's household have: a "
                "household has one fixed guide (another is refused on proposal).",
            },
            "kandidaten": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": _UUID,
                        "score": {"type": "number"},
                        "uitleg": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "criterium": {"type": "string"},
                                    "punten": {"type": "number"},
                                    "gewicht": {"type": "integer"},
                                    "reden": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
            "uitgesloten": {
                "type": "object",
                "description": "Candidate id to the hard constraints it fails.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
    "ProposalRequest": {
        "type": "object",
        "required": ["kind", "candidate_id"],
        "properties": {
            "kind": {"enum": list(fields.CANDIDATE_KINDS)},
            "candidate_id": _UUID,
            "note": {"type": "string"},
        },
        "additionalProperties": False,
    },
    "ProposalAnswer": {
        "type": "object",
        "required": ["side", "accepted"],
        "properties": {
            "side": {"enum": list(fields.SIDES)},
            "accepted": {"type": "boolean"},
            "reason": {"type": "string", "description": "Required when declining."},
        },
        "additionalProperties": False,
    },
    "MatchStart": {
        "type": "object",
        "properties": {
            "on": DATE,
            "change_reason": {
                "type": "string",
                "description": "Only for a change of guide: why the current guide is replaced.",
            },
        },
        "additionalProperties": False,
    },
    "MatchEnd": {
        "type": "object",
        "required": ["outcome", "reason"],
        "properties": {
            "on": DATE,
            "outcome": {
                "enum": sorted({*fields.GUIDE_OUTCOMES, *fields.PLACEMENT_OUTCOMES}),
                "description": "A guide's: "
                + ", ".join(fields.GUIDE_OUTCOMES)
                + "; a placement's: "
                + ", ".join(fields.PLACEMENT_OUTCOMES),
            },
            "reason": _TEXT,
        },
        "additionalProperties": False,
    },
    "Proposal": {
        "type": "object",
        "properties": {
            "dossier_id": _UUID,
            "id": _UUID,
            "kind": {"enum": list(fields.CANDIDATE_KINDS)},
            "candidate_id": _UUID,
            "organisation": {"type": "string"},
            "score": {"type": "number"},
            "told": {
                "type": "object",
                "description": "What the organisation was told: the Dutch level, and for a "
                "placement whether the work must be adapted.",
            },
            "status": {
                "enum": ["voorgesteld", "geaccepteerd", "afgewezen", "gestart", "beeindigd"]
            },
            "answers": {"type": "object"},
            "started_on": {"type": ["string", "null"], "format": "date"},
            "ended_on": {"type": ["string", "null"], "format": "date"},
            "outcome": {"type": ["string", "null"]},
        },
    },
    "Guidance": {
        "type": "object",
        "properties": {
            "dossier_id": _UUID,
            "gemeente": _GEMEENTE,
            "profile": {"type": ["object", "null"]},
            "route": {"type": ["string", "null"]},
            "phase": {"enum": list(fields.PHASES)},
            "goals": {"type": "array"},
            "guide": {"type": ["object", "null"]},
            "guide_history": {"type": "array"},
            "placements": {"type": "array"},
            "proposals": {"type": "array", "description": "regievoerder and klantmanager only"},
            "activities": {"type": "array"},
            "signals": {"type": "array"},
            "signals_withheld": {"type": "integer"},
        },
    },
    "ActivityRequest": {
        "type": "object",
        "required": ["goal_id", "activity", "did_themselves", "reflection"],
        "properties": {
            "goal_id": {"type": "string", "description": "A goal of the PIP in force."},
            "on": DATE,
            "activity": _TEXT,
            "did_themselves": {
                "type": "string",
                "minLength": 1,
                "description": "What the person did themselves.",
            },
            "reflection": _TEXT,
        },
        "additionalProperties": False,
    },
    "Activity": {
        "type": "object",
        "properties": {
            "dossier_id": _UUID,
            "id": _UUID,
            "goal_id": {"type": "string"},
            "on": DATE,
            "by": {"type": "string"},
            "activity": {"type": "string"},
            "did_themselves": {"type": "string"},
            "reflection": {"type": "string"},
        },
    },
    "GuidanceSignal": {
        "type": "object",
        "required": ["domain", "text"],
        "properties": {
            "domain": {"enum": list(fields.SIGNAL_DOMAINS)},
            "text": _TEXT,
            "sensitivity": {"enum": list(fields.SENSITIVITIES), "default": "normaal"},
            "referred_to": {
                "type": "string",
                "description": "Where the guide referred the person.",
            },
        },
        "additionalProperties": False,
    },
    "GuidanceSignalGiven": {
        "type": "object",
        "properties": {"dossier_id": _UUID, "signal_id": _UUID},
    },
}
