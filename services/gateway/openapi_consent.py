"""The consent part of the OpenAPI document: consent records, receipts, decisions, the protocol."""

from __future__ import annotations

from typing import Any

from services.consent.protocol import BASES, Protocol
from services.consent.records import COLLECTION_METHODS, GRANTOR_KINDS
from services.contracts.categories import Categories
from services.gateway.openapi_parts import DATE, DOSSIER_ID, error_responses, ok_response

_CONSENTS = "/api/v1/dossiers/{dossier_id}/consents"
_CONSENT_ID = {
    "name": "consent_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
_OIN = {"type": "string", "pattern": "^[0-9]{20}$"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def consent_paths() -> dict[str, Any]:
    consent_ok = ok_response(200, "The consent record with its history.", "ConsentRecord")
    return {
        _CONSENTS: {
            "post": {
                "summary": "Record a consent (regievoerder, klantmanager)",
                "operationId": "giveConsent",
                "parameters": [DOSSIER_ID],
                "requestBody": _body("ConsentGiven"),
                "responses": {
                    **ok_response(201, "The consent record.", "ConsentRecord"),
                    **error_responses(400, 401, 403, 404, 422, 503, 504),
                },
            },
            "get": {
                "summary": "The dossier's consent records, each with its history",
                "operationId": "listConsents",
                "parameters": [DOSSIER_ID],
                "responses": {
                    "200": {"description": "{dossier_id, consents: [...]}"},
                    **error_responses(401, 403, 404, 503, 504),
                },
            },
        },
        f"{_CONSENTS}/{{consent_id}}": {
            "patch": {
                "summary": "Change categories, end date or evidence, with a reason",
                "operationId": "changeConsent",
                "parameters": [DOSSIER_ID, _CONSENT_ID],
                "requestBody": _body("ConsentChange"),
                "responses": {
                    **consent_ok,
                    **error_responses(400, 401, 403, 404, 409, 422, 503, 504),
                },
            }
        },
        f"{_CONSENTS}/{{consent_id}}/withdrawal": {
            "post": {
                "summary": "Withdraw a consent (from `on`, today by default)",
                "operationId": "withdrawConsent",
                "parameters": [DOSSIER_ID, _CONSENT_ID],
                "requestBody": _body("ConsentWithdrawal"),
                "responses": {
                    **consent_ok,
                    **error_responses(400, 401, 403, 404, 409, 422, 503, 504),
                },
            }
        },
        f"{_CONSENTS}/{{consent_id}}/receipt": {
            "get": {
                "summary": "The consent receipt (Kantara) as JSON",
                "operationId": "getConsentReceipt",
                "parameters": [DOSSIER_ID, _CONSENT_ID],
                "responses": {
                    "200": {"description": "The receipt."},
                    **error_responses(401, 403, 404, 503, 504),
                },
            }
        },
        f"{_CONSENTS}/{{consent_id}}/receipt.html": {
            "get": {
                "summary": "The consent receipt as a printable page in Dutch",
                "operationId": "getConsentReceiptPage",
                "parameters": [DOSSIER_ID, _CONSENT_ID],
                "responses": {
                    "200": {
                        "description": "HTML page.",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    },
                    **error_responses(401, 403, 404, 503, 504),
                },
            }
        },
        "/api/v1/sharing/decisions": {
            "post": {
                "summary": "May an organisation receive these categories about a dossier for a "
                "purpose on a day? Each answer names the rule or consent (regievoerder)",
                "operationId": "decideSharing",
                "requestBody": _body("SharingQuestion"),
                "responses": {
                    **ok_response(200, "One decision per category.", "SharingDecisions"),
                    **error_responses(400, 401, 403, 404, 422, 503, 504),
                },
            }
        },
        "/api/v1/partner/dossiers/{dossier_id}/events/{event_id}": {
            "get": {
                "summary": "A partner fetches an event its feed sent (the event's dataref), with "
                "what may be shared now; decided again and recorded (role partner, for its OIN)",
                "operationId": "fetchPartnerEvent",
                "parameters": [
                    DOSSIER_ID,
                    {
                        "name": "event_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {"description": "{id, type, time, subject, data}"},
                    **error_responses(401, 403, 404, 503, 504),
                },
            }
        },
        "/api/v1/partners": {
            "post": {
                "summary": "Register or update a partner organisation (admin, for the gemeenten "
                "they act for: every gemeente the partner works for, before and after); its feed's "
                "broker user comes from `wegwijs partner add`",
                "operationId": "registerPartner",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Partner"}}
                    },
                },
                "responses": {
                    **ok_response(200, "The partner as registered.", "Partner"),
                    **error_responses(400, 401, 403, 422, 503, 504),
                },
            }
        },
        "/api/v1/partners/{oin}/subscriptions": {
            "post": {
                "summary": "Subscribe a partner organisation to a channel (admin): the event types"
                " and gemeenten it wants, and the purpose it receives them for",
                "operationId": "subscribePartner",
                "parameters": [
                    {
                        "name": "oin",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]{20}$"},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Subscription"}
                        }
                    },
                },
                "responses": {
                    **ok_response(201, "The subscription as made.", "Subscription"),
                    **error_responses(400, 401, 403, 404, 422, 503, 504),
                },
            }
        },
        "/api/v1/sharing/protocol": {
            "get": {
                "summary": "The information-sharing protocol in force, and its adopted versions",
                "operationId": "getSharingProtocol",
                "responses": {
                    "200": {"description": "Version, digest, recipient kinds, purposes, rules."},
                    **error_responses(401, 403, 503, 504),
                },
            }
        },
    }


def consent_schemas() -> dict[str, Any]:
    categories = list(Categories.load().names())
    purposes = list(Protocol.load().purposes)
    category_list = {"type": "array", "minItems": 1, "items": {"enum": categories}}
    return {
        "Subscription": {
            "type": "object",
            "required": ["channel", "gemeenten", "purpose"],
            "properties": {
                "id": {"type": "string", "format": "uuid", "readOnly": True},
                "partner": {"type": "string", "pattern": "^[0-9]{20}$", "readOnly": True},
                "channel": {"enum": ["intake", "pip", "matching"]},
                "types": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Event types of the channel; none: all of them.",
                },
                "gemeenten": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                "purpose": {"enum": purposes},
            },
        },
        "Partner": {
            "type": "object",
            "required": ["oin", "name", "kind", "gemeenten"],
            "properties": {
                "oin": {"type": "string", "pattern": "^[0-9]{20}$"},
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "kind": {"enum": list(Protocol.load().recipient_kinds)},
                "gemeenten": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string", "pattern": "^[0-9]{4}$"},
                },
            },
            "additionalProperties": False,
        },
        "ConsentGiven": {
            "type": "object",
            "required": [
                "grantor",
                "grantee",
                "purpose",
                "categories",
                "valid_until",
                "collection",
                "evidence",
            ],
            "properties": {
                "grantor": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"enum": list(GRANTOR_KINDS)},
                        "name": {"type": "string", "description": "Required for a representative."},
                    },
                },
                "grantee": {
                    "type": "object",
                    "required": ["oin"],
                    "properties": {"oin": _OIN, "name": {"type": "string"}},
                    "description": "A registered partner organisation.",
                },
                "purpose": {"enum": purposes},
                "categories": category_list,
                "valid_from": {**DATE, "description": "Today when left out."},
                "valid_until": {**DATE, "description": "At most 3 years after valid_from."},
                "collection": {
                    "type": "object",
                    "required": ["method", "language"],
                    "properties": {
                        "method": {"enum": list(COLLECTION_METHODS)},
                        "language": {"type": "string"},
                    },
                },
                "evidence": {
                    "type": "string",
                    "description": "Reference to the form or recording.",
                },
            },
        },
        "ConsentRecord": {
            "type": "object",
            "description": "The consent as recorded, with history.",
        },
        "ConsentChange": {
            "type": "object",
            "required": ["reason"],
            "properties": {
                "categories": category_list,
                "valid_until": DATE,
                "evidence": {"type": "string"},
                "reason": {"type": "string", "minLength": 1},
            },
        },
        "ConsentWithdrawal": {
            "type": "object",
            "properties": {"on": DATE, "reason": {"type": "string"}},
        },
        "SharingQuestion": {
            "type": "object",
            "required": ["dossier_id", "organisation", "purpose", "categories"],
            "properties": {
                "dossier_id": {"type": "string", "format": "uuid"},
                "organisation": _OIN,
                "purpose": {"enum": purposes},
                "categories": category_list,
                "on": {**DATE, "description": "Today when left out."},
            },
        },
        "SharingDecisions": {
            "type": "object",
            "properties": {
                "protocol_version": {"type": "string"},
                "decisions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "category": {"type": "string"},
                            "permit": {"type": "boolean"},
                            "basis": {"enum": list(BASES)},
                            "rule": {"type": "string"},
                            "article": {"type": "string"},
                            "consent_id": {"type": "string"},
                            "reason": {"type": "string"},
                        },
                    },
                },
            },
        },
    }
