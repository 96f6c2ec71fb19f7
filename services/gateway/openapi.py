"""The OpenAPI 3.1 document of the gateway; contracts/openapi.json is this, written out."""

from __future__ import annotations

import copy
from typing import Any

from services.audit.ledger import ALL_FIELDS as LEDGER_FIELDS
from services.gateway.openapi_consent import consent_paths, consent_schemas
from services.gateway.openapi_matching import MATCHING_PATHS, MATCHING_SCHEMAS
from services.gateway.openapi_parts import (
    CEFR,
    DATE,
    DOSSIER_ID,
    PROBLEM_REF,
    error_responses,
    ok_response,
)
from services.gateway.openapi_pip import PIP_PATHS, PIP_SCHEMAS
from services.intake.conversations import SANCTION_STEPS
from services.intake.domain import REGISTRATION_FIELDS
from services.intake.life_domains import DOMAINS, PRACTICAL_ITEMS
from services.intake.signals import SENSITIVITIES, SIGNAL_DOMAINS

REGISTRATION = {
    "type": "object",
    "required": list(REGISTRATION_FIELDS),
    "properties": {
        "bsn": {"type": "string", "pattern": "^[0-9]{9}$", "description": "Passes the 11-proef."},
        "v_nummer": {"type": "string", "pattern": "^[0-9]{10}$"},
        "given_name": {"type": "string", "minLength": 1, "maxLength": 200},
        "family_name": {"type": "string", "minLength": 1, "maxLength": 200},
        "birth_date": DATE,
        "gemeente": {
            "type": "string",
            "pattern": "^[0-9]{4}$",
            "description": "CBS gemeentecode of a gemeente of this region.",
        },
        "duo_notice_date": {
            **DATE,
            "description": "Date of DUO's kennisgeving; not in the future.",
        },
        "brp_registration_date": {
            **DATE,
            "description": "Date of BRP registration; not in the future.",
        },
        "sex": {"type": "string", "enum": ["v", "m", "x"]},
        "country_of_origin": {"type": "string", "maxLength": 100},
        "languages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["language", "level"],
                "properties": {
                    "language": {"type": "string"},
                    "level": {"type": "string", "enum": [*CEFR, "moedertaal"]},
                },
            },
        },
        "dutch_level": {"type": "string", "enum": list(CEFR)},
        "migrant_kind": {
            "type": "string",
            "enum": ["asielstatushouder", "gezinsmigrant", "overig"],
        },
        "inburgeringsplicht": {"type": "boolean", "description": "Whether DUO established it."},
        "coa_link_date": DATE,
        "housing_date": DATE,
        "contact": {
            "type": "object",
            "properties": {k: {"type": "string"} for k in ("phone", "email", "address")},
        },
        "children": {
            "type": "array",
            "description": "Children without an obligation of their own.",
            "items": {
                "type": "object",
                "required": ["birth_date"],
                "properties": {"given_name": {"type": "string"}, "birth_date": DATE},
            },
        },
        "household_of": {
            "type": "string",
            "format": "uuid",
            "description": "The dossier of a household member registered before; needs `relation`.",
        },
        "relation": {"type": "string", "enum": ["partner", "kind", "overig"]},
    },
}

CORRECTION = {
    "type": "object",
    "required": ["changes", "reason"],
    "properties": {
        "changes": {
            "type": "object",
            "description": "Field: new value, for the names, dates, V-nummer and profile fields.",
        },
        "reason": {"type": "string", "minLength": 1},
    },
}

DOSSIER = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "gemeente": {"type": "string"},
        "bsn": {"type": "string"},
        "v_nummer": {"type": "string"},
        "given_name": {"type": "string"},
        "family_name": {"type": "string"},
        "birth_date": DATE,
        "duo_notice_date": DATE,
        "brp_registration_date": DATE,
        "registered_at": {"type": "string", "format": "date-time"},
        "version": {"type": "integer"},
    },
}

DOSSIER_SUMMARY = {
    "type": "object",
    "description": "A dossier in a list: no BSN, V-nummer or birth date.",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "gemeente": {"type": "string"},
        "given_name": {"type": "string"},
        "family_name": {"type": "string"},
        "registered_at": {"type": "string", "format": "date-time"},
    },
}

_ROUTE = {"type": "string", "enum": ["b1", "onderwijs", "z"]}
_DOMAIN = {
    "name": "domain",
    "in": "path",
    "required": True,
    "description": "The life domain; gezondheid (special category) is for the regievoerder only.",
    "schema": {"type": "string", "enum": list(DOMAINS)},
}
_NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}}
_STEP = {
    "name": "step",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": list(SANCTION_STEPS)},
}
_ITEM = {
    "name": "item",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": list(PRACTICAL_ITEMS)},
}


SIGNAL = {
    "type": "object",
    "required": ["domain", "text"],
    "properties": {
        "domain": {"type": "string", "enum": list(SIGNAL_DOMAINS)},
        "text": {"type": "string", "minLength": 1, "maxLength": 2000},
        "sensitivity": {"type": "string", "enum": list(SENSITIVITIES), "default": "normaal"},
        "author": {"type": "string", "readOnly": True},
        "author_role": {"type": "string", "readOnly": True},
        "at": {"type": "string", "format": "date-time", "readOnly": True},
    },
}


def _domain_facts() -> dict[str, Any]:
    kinds = {"text": {"type": "string"}, "bool": {"type": "boolean"}, "int": {"type": "integer"}}
    variants = []
    for domain, fields in DOMAINS.items():
        variants.append(
            {
                "title": domain,
                "type": "object",
                "additionalProperties": False,
                "required": [name for name, f in fields.items() if f.required],
                "properties": {
                    name: {"enum": list(f.choices)} if f.kind == "choice" else kinds[f.kind]
                    for name, f in fields.items()
                },
            }
        )
    return {"description": "The facts of the domain named in the path.", "oneOf": variants}


INTAKE_STEPS = {
    "Leerbaarheidstoets": {
        "type": "object",
        "required": ["taken_on", "outcome"],
        "properties": {
            "taken_on": {**DATE, "description": "Not in the future."},
            "outcome": {"type": "string", "enum": ["hoog", "gemiddeld", "laag"]},
        },
    },
    "EducationEntry": {
        "type": "object",
        "required": ["country", "level", "years", "diploma", "recognition_requested"],
        "properties": {
            "country": {"type": "string", "maxLength": 100},
            "level": {
                "type": "string",
                "enum": ["geen", "basis", "voortgezet", "mbo", "hbo", "wo"],
            },
            "years": {"type": "integer", "minimum": 0, "maximum": 30},
            "diploma": {"type": "boolean"},
            "recognition_requested": {"type": "boolean"},
        },
    },
    "WorkEntry": {
        "type": "object",
        "required": ["country", "occupation", "years"],
        "properties": {
            "country": {"type": "string", "maxLength": 100},
            "occupation": {"type": "string", "maxLength": 200},
            "years": {"type": "integer", "minimum": 0, "maximum": 60},
        },
    },
    "PersonalCircumstances": {
        "type": "object",
        "required": ["summary"],
        "properties": {
            "summary": {"type": "string", "maxLength": 2000},
            "physical_health": {
                "type": "string",
                "description": "Special category (AVG art. 9): shown to the regievoerder only.",
            },
            "mental_health": {
                "type": "string",
                "description": "Special category (AVG art. 9): shown to the regievoerder only.",
            },
        },
    },
    "RouteChoice": {
        "type": "object",
        "required": ["route"],
        "properties": {
            "route": _ROUTE,
            "reason": {
                "type": "string",
                "description": "Required when the route differs from the advice or from what "
                "the leerbaarheidstoets indicates.",
            },
        },
    },
}

BREDE_INTAKE = {
    "type": "object",
    "description": "The brede intake as the caller's role may see it.",
    "properties": {
        "dossier_id": {"type": "string", "format": "uuid"},
        "gemeente": {"type": "string"},
        "leerbaarheidstoets": {
            "anyOf": [{"$ref": "#/components/schemas/Leerbaarheidstoets"}, {"type": "null"}],
            "description": "null until recorded.",
        },
        "education": {"type": "array", "items": {"$ref": "#/components/schemas/EducationEntry"}},
        "work": {"type": "array", "items": {"$ref": "#/components/schemas/WorkEntry"}},
        "personal_circumstances": {
            "anyOf": [{"$ref": "#/components/schemas/PersonalCircumstances"}, {"type": "null"}],
            "description": "null until recorded.",
        },
        "domains": {
            "type": "object",
            "description": "Recorded facts per life domain (gezondheid only for the regievoerder).",
        },
        "practical_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "item": {"type": "string", "enum": list(PRACTICAL_ITEMS)},
                    "label": {"type": "string"},
                    "open": {"type": "boolean"},
                    "note": {"type": "string"},
                },
            },
        },
        "missing_parts": {"type": "array", "items": {"type": "string"}},
        "complete": {"type": "boolean"},
        "route_advice": {
            "type": ["object", "null"],
            "description": "null until the intake is complete.",
            "properties": {
                "route": _ROUTE,
                "rule": {"type": "string"},
                "reasons": {"type": "array", "items": {"type": "string"}},
                "facts": {"type": "object"},
            },
        },
        "route_choice": {
            "type": ["object", "null"],
            "description": "null until a route is chosen.",
            "properties": {"route": _ROUTE, "reason": {"type": "string"}, "advised": _ROUTE},
        },
        "history": {
            "type": "array",
            "description": "Every step with who recorded it.",
            "items": {
                "type": "object",
                "properties": {
                    "step": {"type": "string"},
                    "by": {"type": "string"},
                    "role": {"type": "string"},
                    "at": {"type": "string", "format": "date-time"},
                },
            },
        },
        "version": {"type": "integer"},
    },
}


def _intake_step(summary: str, operation_id: str, schema: str | None) -> dict[str, Any]:
    step: dict[str, Any] = {
        "summary": summary,
        "operationId": operation_id,
        "parameters": [DOSSIER_ID],
        "responses": {
            **ok_response(200, "The brede intake after the step.", "BredeIntake"),
            **error_responses(400, 401, 403, 404, 409, 422, 503, 504),
        },
    }
    if schema:
        step["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    return step


AUDIT_ENTRY = {
    "type": "object",
    "properties": {
        name: {
            "type": "integer" if name in ("seq", "origin_position", "entry_format") else "string"
        }
        for name in (*LEDGER_FIELDS, "prev_hash", "entry_hash")
    },
}

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem document.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "dossier_id": {
            "type": "string",
            "format": "uuid",
            "description": "On 409 to a registration: the person's dossier, when the caller may"
            " see it (a retry can carry on with it).",
        },
        "dossier": {"type": "string", "description": "The path of that dossier."},
        "errors": {
            "type": "array",
            "description": "One item for each wrong field: what is wrong and what is accepted.",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "pointer": {"type": "string"},
                    "detail": {"type": "string"},
                },
            },
        },
    },
}


COMMAND_STATE = {
    "type": "object",
    "required": ["idempotency_key", "method", "route", "received_at", "state"],
    "additionalProperties": False,
    "properties": {
        "idempotency_key": {"type": "string"},
        "method": {"type": "string", "enum": ["POST", "PUT", "PATCH", "DELETE"]},
        "route": {"type": "string", "description": "The route as the API declares it."},
        "received_at": {"type": "string", "format": "date-time"},
        "state": {
            "type": "string",
            "enum": ["onderweg", "uitgevoerd", "geweigerd", "mislukt"],
            "description": "onderweg: no answer yet, it may still come; uitgevoerd: it took"
            " effect; geweigerd: it was refused and changed nothing; mislukt: it did not take"
            " effect and never will.",
        },
        "answered_status": {"type": "integer", "description": "What the client was answered."},
        "location": {"type": "string", "description": "What a command that made something made."},
    },
}


EDGE = (
    " Every answer carries Cache-Control: no-store, X-Content-Type-Options: nosniff,"
    " Referrer-Policy: no-referrer and a Content-Security-Policy; every error, an unknown path"
    " (404) or method (405) too, is a problem document. A token sending more than the gateway"
    " takes is answered 429 with Retry-After. The chain files each request under a trace of its"
    " own, answered in the W3C `traceresponse` header; a client's `traceparent` is kept as a link."
)
METHODS = ("get", "post", "put", "patch", "delete")
COMMANDS = ("post", "put", "patch", "delete")
IDEMPOTENCY = (
    " Every command (POST, PUT, PATCH, DELETE) takes an `Idempotency-Key` header (IETF draft"
    ' httpapi-idempotency-key-header), for example `Idempotency-Key: "<a new UUID>"`: a command'
    " sent again with the same key, by the same user, takes effect at most once and is answered"
    " as the first time (with `Idempotent-Replayed: true`); the same key with another request is"
    " 422. Without a key the gateway makes one. Every command's answer says its key. Keys are"
    " kept 24 hours. A client that got no answer, 503 or 504 asks"
    " `GET /api/v1/commands/{key}` what came of it, or sends the same request with the same key."
)
KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "The client's own key for this command (an RFC 8941 string, 1 to 255 visible"
    " ASCII characters): the same key again is the same command.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 257},
}
KEY_HEADER = {
    "description": "The command's key: the client's, or the one the gateway made.",
    "schema": {"type": "string"},
}


def openapi_document() -> dict[str, Any]:
    """The API, with what the gateway's door may answer on any operation: 429 to a flooding
    token, and 400 or 413 for a body that is not JSON, nests too deep or is too large."""
    # A copy: operations and responses may be module-level constants shared between calls.
    document = copy.deepcopy(_api_document())
    for item in document["paths"].values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            operation["responses"].setdefault("429", PROBLEM_REF)
            if method in COMMANDS:
                operation["parameters"] = [*operation.get("parameters", []), KEY_PARAMETER]
                operation["responses"].setdefault("400", PROBLEM_REF)
                operation["responses"].setdefault("422", PROBLEM_REF)
                for status, response in operation["responses"].items():
                    if "$ref" not in response:
                        headers = response.setdefault("headers", {})
                        headers["Idempotency-Key"] = KEY_HEADER
                        if status.startswith("2"):
                            headers["Idempotent-Replayed"] = {
                                "description": "`true` when this is the first answer again.",
                                "schema": {"type": "string", "enum": ["true"]},
                            }
            if "requestBody" in operation:
                operation["responses"].setdefault("400", PROBLEM_REF)
                operation["responses"].setdefault("413", PROBLEM_REF)
    return document


def _api_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Wegwijs API",
            "version": "1.0.0",
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
            "description": "The civic-integration chain of statushouders (Wet inburgering 2021)."
            + EDGE
            + IDEMPOTENCY,
        },
        "servers": [{"url": "http://127.0.0.1:8000"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/dossiers": {
                "post": {
                    "summary": "Register a person linked to a gemeente",
                    "operationId": "registerDossier",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Registration"}
                            }
                        },
                    },
                    "responses": {
                        **ok_response(201, "Registered; a draft PIP follows.", "Created"),
                        **error_responses(400, 401, 403, 409, 422, 503, 504),
                    },
                },
                "get": {
                    "summary": "The dossiers of the gemeenten the caller acts for",
                    "operationId": "listDossiers",
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "description": "How many dossiers at most (newest first).",
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 500,
                                "default": 100,
                            },
                        }
                    ],
                    "responses": {
                        **ok_response(200, "Newest first.", "DossierList"),
                        **error_responses(401, 403, 422, 503, 504),
                    },
                },
            },
            "/api/v1/dossiers/{dossier_id}": {
                "get": {
                    "summary": "One dossier",
                    "operationId": "getDossier",
                    "parameters": [DOSSIER_ID],
                    "responses": {
                        **ok_response(200, "The dossier.", "Dossier"),
                        **error_responses(401, 403, 404, 503, 504),
                    },
                },
                "patch": {
                    "summary": "Correct registered facts, with a reason (the history stays)",
                    "operationId": "correctDossier",
                    "parameters": [DOSSIER_ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Correction"}
                            }
                        },
                    },
                    "responses": {
                        **ok_response(200, "The corrected dossier.", "Dossier"),
                        **error_responses(400, 401, 403, 404, 422, 503, 504),
                    },
                },
            },
            "/api/v1/dossiers/{dossier_id}/view": {
                "get": {
                    "summary": "The dossier and intake as the caller's role may see them (a "
                    "begeleider: only as the active guide); the read is recorded with the data "
                    "categories shown",
                    "operationId": "getDossierView",
                    "parameters": [DOSSIER_ID],
                    "responses": {
                        "200": {
                            "description": "Only the categories the role may see; `categories` "
                            "names them."
                        },
                        **error_responses(401, 403, 404, 503, 504),
                    },
                }
            },
            "/api/v1/dossiers/{dossier_id}/household": {
                "get": {
                    "summary": "The dossiers of the household",
                    "operationId": "getHousehold",
                    "parameters": [DOSSIER_ID],
                    "responses": {
                        "200": {"description": "household_id and members (id, names, relation)."},
                        **error_responses(401, 403, 404, 503, 504),
                    },
                }
            },
            "/api/v1/dossiers/{dossier_id}/intake": {
                "get": {
                    "summary": "The brede intake (health only for the regievoerder)",
                    "operationId": "getBredeIntake",
                    "parameters": [DOSSIER_ID],
                    "responses": {
                        **ok_response(200, "The brede intake.", "BredeIntake"),
                        **error_responses(401, 403, 404, 503, 504),
                    },
                }
            },
            "/api/v1/dossiers/{dossier_id}/intake/leerbaarheidstoets": {
                "put": _intake_step(
                    "Record the leerbaarheidstoets", "putLeerbaarheidstoets", "Leerbaarheidstoets"
                )
            },
            "/api/v1/dossiers/{dossier_id}/intake/education": {
                "post": _intake_step("Add an education entry", "postEducation", "EducationEntry")
            },
            "/api/v1/dossiers/{dossier_id}/intake/work": {
                "post": _intake_step("Add a work entry", "postWork", "WorkEntry")
            },
            "/api/v1/dossiers/{dossier_id}/intake/personal-circumstances": {
                "put": _intake_step(
                    "Record the personal circumstances",
                    "putPersonalCircumstances",
                    "PersonalCircumstances",
                )
            },
            "/api/v1/dossiers/{dossier_id}/intake/domains/{domain}": {
                "put": {
                    **_intake_step(
                        "Record a life domain (its fields: see the domain's description)",
                        "putLifeDomain",
                        "LifeDomainFacts",
                    ),
                    "parameters": [DOSSIER_ID, _DOMAIN],
                }
            },
            "/api/v1/dossiers/{dossier_id}/intake/practical-items/{item}/close": {
                "post": {
                    **_intake_step(
                        "Close an urgent practical matter, saying how it was resolved",
                        "closePracticalItem",
                        "ClosingNote",
                    ),
                    "parameters": [DOSSIER_ID, _ITEM],
                }
            },
            "/api/v1/dossiers/{dossier_id}/intake/conversations": {
                "post": _intake_step(
                    "Plan an intake conversation (an invitation)", "planConversation", "Invitation"
                )
            },
            "/api/v1/dossiers/{dossier_id}/intake/conversations/{number}/attendance": {
                "put": {
                    **_intake_step(
                        "Record whether the person came; a no-show may make a sanction step due "
                        "by the gemeente's ladder",
                        "putAttendance",
                        "Attendance",
                    ),
                    "parameters": [DOSSIER_ID, _NUMBER],
                }
            },
            "/api/v1/dossiers/{dossier_id}/intake/sanctions/{step}": {
                "put": {
                    **_intake_step(
                        "Take or waive a due sanction step, with a reason",
                        "decideSanction",
                        "SanctionDecision",
                    ),
                    "parameters": [DOSSIER_ID, _STEP],
                }
            },
            "/api/v1/dossiers/{dossier_id}/intake/complete": {
                "post": _intake_step(
                    "Complete the brede intake (needs the three legal parts); gives a route advice",
                    "completeBredeIntake",
                    None,
                )
            },
            "/api/v1/dossiers/{dossier_id}/intake/route": {
                "put": _intake_step(
                    "Record the regievoerder's route choice", "putRoute", "RouteChoice"
                )
            },
            "/api/v1/dossiers/{dossier_id}/signals": {
                "post": {
                    "summary": "Give a signal (professionals of the chain; a begeleider only "
                    "as the active guide)",
                    "operationId": "giveSignal",
                    "parameters": [DOSSIER_ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Signal"}}
                        },
                    },
                    "responses": {
                        "201": {"description": "Recorded, with the author's user id and role."},
                        **error_responses(400, 401, 403, 404, 422, 503, 504),
                    },
                },
                "get": {
                    "summary": "The signals the caller's role may read (a begeleider: only as "
                    "the active guide); the read is logged",
                    "operationId": "getSignals",
                    "parameters": [DOSSIER_ID],
                    "responses": {
                        **ok_response(
                            200, "Readable signals and how many were withheld.", "Signals"
                        ),
                        **error_responses(401, 403, 404, 503, 504),
                    },
                },
            },
            **PIP_PATHS,
            **consent_paths(),
            **MATCHING_PATHS,
            "/api/v1/audit/dossiers/{dossier_id}": {
                "get": {
                    "summary": "The audit ledger entries about one dossier (auditor role)",
                    "operationId": "getDossierAudit",
                    "parameters": [DOSSIER_ID],
                    "responses": {
                        **ok_response(200, "In ledger order.", "AuditEntries"),
                        **error_responses(401, 403, 503, 504),
                    },
                }
            },
            "/api/v1/commands/{key}": {
                "get": {
                    "summary": "What came of one's own command, by its Idempotency-Key",
                    "description": "For a client that got no answer, 503 or 504. A command whose"
                    " answer can no longer come is settled first: it took effect, was refused, or"
                    " is given up for good (then the same request with the same key is carried"
                    " out anew). The answer's body is not repeated here: send the same request"
                    " with the same key for that.",
                    "operationId": "commandOutcome",
                    "parameters": [
                        {
                            "name": "key",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                        }
                    ],
                    "responses": {
                        **ok_response(200, "The command's state.", "CommandState"),
                        **error_responses(401, 403, 404, 503, 504),
                    },
                }
            },
            "/api/v1/audit/entries": {
                "get": {
                    "summary": "Ledger entries by dossier_id, actor, organisation, gemeente,"
                    " activity, processing_activity, event_type, trace_id, from/to (event time,"
                    " ISO), a page at a time (after, limit); format=csv exports (auditor, own"
                    " gemeenten only)",
                    "operationId": "queryAuditEntries",
                    "parameters": [
                        {
                            "name": name,
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                        }
                        for name in (
                            "dossier_id",
                            "actor",
                            "organisation",
                            "gemeente",
                            "activity",
                            "processing_activity",
                            "event_type",
                            "trace_id",
                            "from",
                            "to",
                            "after",
                            "limit",
                            "format",
                        )
                    ],
                    "responses": {
                        "200": {
                            "description": "{entries, next_after}; or CSV.",
                            "content": {
                                "application/json": {"schema": {"type": "object"}},
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        **error_responses(401, 403, 422, 503, 504),
                    },
                }
            },
            "/api/v1/audit/dossiers/{dossier_id}/readers": {
                "get": {
                    "summary": "Who saw this dossier: every read of its personal data through the"
                    " API",
                    "operationId": "getDossierReaders",
                    "parameters": [DOSSIER_ID],
                    "responses": {
                        "200": {
                            "description": "{dossier_id, readers: [actor, roles, activity, time]}"
                        },
                        **error_responses(401, 403, 503, 504),
                    },
                }
            },
            "/api/v1/audit/dossiers/{dossier_id}/inzage": {
                "get": {
                    "summary": "The person's inzage report (AVG art. 15): what was recorded, for"
                    " which purpose and basis, who received what, who read it (auditor)",
                    "operationId": "getInzage",
                    "parameters": [DOSSIER_ID],
                    "responses": {
                        "200": {"description": "The report, in Dutch field names."},
                        **error_responses(401, 403, 404, 503, 504),
                    },
                }
            },
            "/api/v1/audit/dossiers/{dossier_id}/inzage.html": {
                "get": {
                    "summary": "The inzage report as a printable page in Dutch",
                    "operationId": "getInzagePage",
                    "parameters": [DOSSIER_ID],
                    "responses": {
                        "200": {
                            "description": "HTML page.",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        },
                        **error_responses(401, 403, 404, 503, 504),
                    },
                }
            },
            "/health": {
                "get": {
                    "summary": "200 only when RabbitMQ, PostgreSQL and every service answer",
                    "operationId": "health",
                    "security": [],
                    "responses": {
                        **ok_response(200, "Everything answers.", "Health"),
                        "503": {
                            "description": "Something does not answer.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Health"}
                                }
                            },
                        },
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1 document."}},
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics of the gateway",
                    "operationId": "metrics",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "Prometheus text exposition format.",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
            "responses": {
                "Problem": {
                    "description": "What was wrong, as an RFC 9457 problem document.",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                }
            },
            "schemas": {
                "Registration": REGISTRATION,
                "Created": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "string", "format": "uuid"}},
                },
                "Dossier": DOSSIER,
                "Correction": CORRECTION,
                "DossierSummary": DOSSIER_SUMMARY,
                "DossierList": {
                    "type": "object",
                    "properties": {
                        "dossiers": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/DossierSummary"},
                        }
                    },
                },
                **PIP_SCHEMAS,
                **consent_schemas(),
                **MATCHING_SCHEMAS,
                **INTAKE_STEPS,
                "BredeIntake": BREDE_INTAKE,
                "LifeDomainFacts": _domain_facts(),
                "Invitation": {
                    "type": "object",
                    "required": ["planned_on", "purpose"],
                    "properties": {"planned_on": DATE, "purpose": {"type": "string"}},
                },
                "Attendance": {
                    "type": "object",
                    "required": ["attended"],
                    "properties": {
                        "attended": {"type": "boolean"},
                        "note": {"type": "string", "description": "Required for a no-show."},
                    },
                },
                "SanctionDecision": {
                    "type": "object",
                    "required": ["take", "reason"],
                    "properties": {"take": {"type": "boolean"}, "reason": {"type": "string"}},
                },
                "Signal": SIGNAL,
                "Signals": {
                    "type": "object",
                    "properties": {
                        "dossier_id": {"type": "string", "format": "uuid"},
                        "signals": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Signal"},
                        },
                        "withheld": {"type": "integer"},
                    },
                },
                "ClosingNote": {
                    "type": "object",
                    "required": ["note"],
                    "properties": {"note": {"type": "string"}},
                },
                "AuditEntry": AUDIT_ENTRY,
                "AuditEntries": {
                    "type": "object",
                    "properties": {
                        "dossier_id": {"type": "string"},
                        "entries": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/AuditEntry"},
                        },
                    },
                },
                "Health": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "string", "enum": ["ok", "down"]},
                        "checks": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                },
                "Problem": PROBLEM,
                "CommandState": COMMAND_STATE,
            },
        },
    }
