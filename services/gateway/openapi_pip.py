"""The PIP part of the OpenAPI document: paths and schemas, derived from pip's own rules."""

from __future__ import annotations

from typing import Any

from services.gateway.openapi_parts import DATE, DOSSIER_ID, error_responses, ok_response
from services.pip.contents import (
    GOAL_DOMAINS,
    MONITORING_METHODS,
    OWNER_ROLES,
    PRECONDITION_KINDS,
    SECTIONS,
    TERMS,
)
from services.pip.domain import GOAL_STATUSES, REVISION_KINDS
from services.pip.handhaving import MEASURES
from services.pip.rules import BACKDATING_DAYS, MODULES, PHASES, ROUTES

_PIP = "/api/v1/dossiers/{dossier_id}/pip"
_TEXT = {"type": "string", "minLength": 1}
_GOAL_ID = {
    "name": "goal_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(schema)}}}


def _command(
    summary: str,
    operation_id: str,
    schema: str | None,
    status: int = 200,
    parameters: tuple[dict[str, Any], ...] = (),
    role: str = "regievoerder",
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": f"{summary} ({role})",
        "operationId": operation_id,
        "parameters": [DOSSIER_ID, *parameters],
        "responses": {
            **ok_response(status, "The PIP after the change, as the caller may see it.", "Pip"),
            **error_responses(400, 401, 403, 404, 409, 422, 503, 504),
        },
    }
    if schema:
        operation["requestBody"] = _body(schema)
    return operation


OWNER = {
    "type": "object",
    "description": "Who is responsible for this part of the PIP (aandachtspunt e).",
    "required": ["organisation", "role"],
    "properties": {
        "organisation": _TEXT,
        "role": {"enum": list(OWNER_ROLES)},
        "oin": {
            "type": "string",
            "pattern": "^[0-9]{20}$",
            "description": "When given, only actors of this organisation record progress.",
        },
    },
    "additionalProperties": False,
}

_MODULE = {
    "type": "object",
    "required": ["hours", "hours_per_week", "provider"],
    "properties": {
        "hours": {"type": "integer", "minimum": 0},
        "hours_per_week": {"type": "integer", "minimum": 1, "maximum": 40},
        "provider": _ref("Owner"),
    },
}

SECTIONS_SCHEMA = {
    "type": "object",
    "description": "Some sections of the PIP, each replaced whole: " + ", ".join(SECTIONS) + ".",
    "additionalProperties": False,
    "properties": {
        "leerroute": {
            "type": "object",
            "required": ["route", "end_date"],
            "properties": {
                "route": {"enum": list(ROUTES)},
                "language_target": {
                    "type": "string",
                    "description": "; ".join(
                        f"{r.name}: {', '.join(r.language_targets)}" for r in ROUTES.values()
                    )
                    + "; A2 in the B1-route only by afschalen.",
                },
                "end_date": {**DATE, "description": "Within the inburgeringstermijn."},
                "provider": _ref("Owner"),
            },
        },
        "modules": {
            "type": "object",
            "description": "; ".join(
                f"{r.name}: "
                + ", ".join(f"{m} >= {h} h" for m, h in r.required.items())
                + (f"; no {', '.join(sorted(r.forbidden))}" if r.forbidden else "")
                for r in ROUTES.values()
            ),
            "properties": {
                module: {**_MODULE, "description": text} for module, text in MODULES.items()
            },
            "additionalProperties": False,
        },
        "ontzorgen": {
            "type": "object",
            "required": ["applies"],
            "properties": {
                "applies": {"type": "boolean"},
                "from": DATE,
                "months": {"type": "integer", "minimum": 6},
                "authorised": {"type": "boolean", "description": "The person's machtiging."},
                "reason": {"type": "string", "description": "Why not, when it does not apply."},
            },
        },
        "preconditions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kind", "description", "arranged_by"],
                "properties": {
                    "kind": {"enum": list(PRECONDITION_KINDS)},
                    "description": _TEXT,
                    "arranged_by": _ref("Owner"),
                },
            },
        },
        "guidance": {
            "type": "object",
            "required": ["by", "how", "hours_per_week"],
            "properties": {
                "by": _ref("Owner"),
                "how": _TEXT,
                "hours_per_week": {"type": "integer", "minimum": 0, "maximum": 40},
            },
        },
        "monitoring": {
            "type": "object",
            "required": ["method", "every_weeks", "by"],
            "properties": {
                "method": {"enum": list(MONITORING_METHODS)},
                "every_weeks": {"type": "integer", "minimum": 1, "maximum": 26},
                "by": _ref("Owner"),
            },
        },
    },
}

GOAL = {
    "type": "object",
    "required": ["domain", "term", "description", "measure", "due_on", "phase", "owner"],
    "properties": {
        "id": {"type": "string", "format": "uuid", "readOnly": True},
        "domain": {"enum": list(GOAL_DOMAINS)},
        "term": {"enum": list(TERMS)},
        "description": _TEXT,
        "measure": {**_TEXT, "description": "How achieving the goal is seen."},
        "due_on": DATE,
        "phase": {"enum": list(PHASES), "description": "Piëzo phase; phases may run in parallel."},
        "owner": _ref("Owner"),
        "prevention": {"type": "boolean", "description": "A health goal on prevention."},
        "status": {"enum": list(GOAL_STATUSES), "readOnly": True},
    },
}

PIP = {
    "type": "object",
    "properties": {
        "dossier_id": {"type": "string", "format": "uuid"},
        "gemeente": {"type": "string"},
        "status": {"enum": ["concept", "vastgesteld"]},
        "as_of": {
            **DATE,
            "type": ["string", "null"],
            "description": "The date the PIP is shown as it stood on; null for the PIP as it is.",
        },
        "deadline": {
            **DATE,
            "description": "10 weeks after the later of the DUO notice and the BRP registration, "
            "or 2 weeks after awaited information arrived; null while it is awaited.",
        },
        "legal_deadline": DATE,
        "extensions": {"type": "array", "items": {"type": "object"}},
        "deadline_warned": {"type": "boolean"},
        "deadline_missed": {"type": "boolean"},
        "duo_notice_date": DATE,
        "brp_registration_date": DATE,
        "starting_points": {"type": "object"},
        "plan": {
            "type": "object",
            "description": "The sections and the goals the caller may see; health goals only "
            "for the regievoerder and the goal's owner role (goals_withheld counts the others).",
        },
        "route": {"type": ["object", "null"]},
        "decision": {"type": ["object", "null"], "description": "The version in force."},
        "termijn": {
            "type": ["object", "null"],
            "properties": {"start": DATE, "end": DATE},
            "description": "Three years from the day after the first decision; never moved by "
            "a revision.",
        },
        "versions": {"type": "array", "items": {"type": "object"}},
        "handhaving": {"type": "array", "items": {"type": "object"}},
        "opened_at": {"type": "string", "format": "date-time"},
        "version": {"type": "integer"},
    },
}

_BACKDATING = {
    "type": "string",
    "description": f"Required when decided_on is more than {BACKDATING_DAYS} days before today; "
    "kept with the decision.",
}

REVISION = {
    "type": "object",
    "required": ["kind", "explanation"],
    "properties": {
        "kind": {
            "enum": list(REVISION_KINDS),
            "description": "routewijziging: up to 1.5 years into the termijn; afschalen: B1 to "
            "A2, needs evidence of at least 600 NT2 hours at a certified school and effort; "
            "verhuizing: the route stays (evidence.to_gemeente); anders: say why.",
        },
        "explanation": _TEXT,
        "decided_on": {**DATE, "description": "Today when left out; never in the future."},
        "sections": _ref("PipSections"),
        "add_goals": {"type": "array", "items": _ref("Goal")},
        "change_goals": {"type": "object", "additionalProperties": {"type": "object"}},
        "withdraw_goals": {"type": "array", "items": {"type": "string", "format": "uuid"}},
        "evidence": {"type": "object"},
        "backdating_reason": _BACKDATING,
    },
}

_REPORT_FORMAT = {
    "name": "format",
    "in": "query",
    "required": False,
    "schema": {"enum": ["json", "csv"]},
    "description": "csv gives section, gemeente, item, measure, value (also Accept: text/csv).",
}


def _report(summary: str, operation_id: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": [*parameters, _REPORT_FORMAT],
            "responses": {
                "200": {
                    "description": "The report.",
                    "content": {
                        "application/json": {"schema": _ref("PipReport")},
                        "text/csv": {"schema": {"type": "string"}},
                    },
                },
                **error_responses(401, 403, 404, 503, 504),
            },
        }
    }


PIP_PATHS = {
    _PIP: {
        "get": {
            "summary": "The dossier's PIP as the caller's role may see it (a begeleider: only as "
            "the active guide), or with as_of the version in force on that date",
            "operationId": "getPip",
            "parameters": [
                DOSSIER_ID,
                {"name": "as_of", "in": "query", "required": False, "schema": DATE},
            ],
            "responses": {
                **ok_response(200, "The PIP as the caller may see it.", "Pip"),
                **error_responses(401, 403, 404, 422, 503, 504),
            },
        },
        "patch": _command("Replace sections of the draft", "changePipSections", "PipSections"),
    },
    f"{_PIP}/starting-points": {
        "get": {
            "summary": "What the completed intake offers to draft from (regievoerder)",
            "operationId": "getPipStartingPoints",
            "parameters": [DOSSIER_ID],
            "responses": {
                "200": {
                    "description": "Route advice and choice, open practical items, signals "
                    "by domain, suggested goals, the person's expectations."
                },
                **error_responses(401, 403, 404, 503, 504),
            },
        }
    },
    f"{_PIP}/goals": {"post": _command("Add a goal to the draft", "addGoal", "Goal", 201)},
    f"{_PIP}/goals/{{goal_id}}": {
        "patch": _command("Change a goal of the draft", "changeGoal", "Goal", 200, (_GOAL_ID,)),
        "delete": _command("Remove a goal of the draft", "removeGoal", None, 200, (_GOAL_ID,)),
    },
    f"{_PIP}/extension": {
        "post": _command(
            "Suspend the deadline while waiting for a third party's information",
            "requestExtension",
            "Extension",
        )
    },
    f"{_PIP}/extension/arrival": {
        "post": _command(
            "Record that the awaited information arrived", "informationArrived", "Arrival"
        )
    },
    f"{_PIP}/establish": {
        "post": _command("Establish (vaststellen) the PIP", "establishPip", "Establishment")
    },
    f"{_PIP}/revisions": {
        "post": _command("Revise (bijstellen) the PIP: a new version", "revisePip", "Revision", 201)
    },
    f"{_PIP}/goals/{{goal_id}}/progress": {
        "post": _command(
            "Record progress on a goal",
            "recordGoalProgress",
            "GoalProgress",
            201,
            (_GOAL_ID,),
            "the goal's owner or the regievoerder",
        )
    },
    f"{_PIP}/modules/{{module}}/hours": {
        "post": _command(
            "Record hours of a module",
            "recordModuleHours",
            "ModuleHours",
            201,
            (
                {
                    "name": "module",
                    "in": "path",
                    "required": True,
                    "schema": {"enum": list(MODULES)},
                },
            ),
            "the module's provider or the regievoerder",
        )
    },
    f"{_PIP}/breaches": {
        "post": _command(
            "Record a breach of a PIP obligation; the gemeente's ladder says what is due",
            "recordBreach",
            "Breach",
            201,
        )
    },
    f"{_PIP}/breaches/{{number}}/decision": {
        "put": _command(
            "Take or waive the due measure",
            "decideMeasure",
            "MeasureDecision",
            200,
            ({"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}},),
        )
    },
    "/api/v1/reports/pip/gemeenten/{gemeente}": _report(
        "PIP report of one gemeente the caller acts for (regievoerder, beleidsmedewerker)",
        "getGemeentePipReport",
        [{"name": "gemeente", "in": "path", "required": True, "schema": {"type": "string"}}],
    ),
    "/api/v1/reports/pip/region": _report(
        "PIP report of the region: every gemeente's numbers; dossier lists only of the "
        "gemeenten the caller acts for",
        "getRegionPipReport",
        [],
    ),
}

PIP_SCHEMAS = {
    "Pip": PIP,
    "PipSections": SECTIONS_SCHEMA,
    "Owner": OWNER,
    "Goal": GOAL,
    "Revision": REVISION,
    "Extension": {
        "type": "object",
        "required": ["awaited", "from_party"],
        "properties": {"awaited": _TEXT, "from_party": _TEXT, "requested_on": DATE},
    },
    "Arrival": {"type": "object", "properties": {"arrived_on": DATE}},
    "Establishment": {
        "type": "object",
        "properties": {
            "decided_on": {**DATE, "description": "Today when left out."},
            "backdating_reason": _BACKDATING,
        },
    },
    "GoalProgress": {
        "type": "object",
        "required": ["status", "note"],
        "properties": {"status": {"enum": list(GOAL_STATUSES)}, "on": DATE, "note": _TEXT},
    },
    "ModuleHours": {
        "type": "object",
        "required": ["hours", "note"],
        "properties": {"hours": {"type": "integer", "minimum": 1}, "on": DATE, "note": _TEXT},
    },
    "Breach": {
        "type": "object",
        "required": ["obligation", "description"],
        "properties": {"obligation": _TEXT, "description": _TEXT, "on": DATE},
    },
    "MeasureDecision": {
        "type": "object",
        "required": ["take", "reason"],
        "properties": {
            "take": {"type": "boolean"},
            "reason": _TEXT,
            "culpability": {
                "type": "object",
                "description": "Required to take a fine (" + ", ".join(MEASURES) + ").",
                "required": ["culpable", "circumstances"],
                "properties": {"culpable": {"type": "boolean"}, "circumstances": _TEXT},
            },
        },
    },
    "PipReport": {
        "type": "object",
        "properties": {
            "as_of": DATE,
            "gemeente": {"type": "string"},
            "on_time": {"type": "object"},
            "routes": {"type": "object"},
            "goals_by_status": {"type": "object"},
            "goals_by_owner": {"type": "array"},
            "phases": {"type": "array"},
            "termijnen_ending": {"type": "object"},
            "total": {"type": "object"},
            "gemeenten": {"type": "array"},
        },
    },
}
