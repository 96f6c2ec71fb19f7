"""RFC 9457 problem documents for every error the API answers with."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response

from services.common.errors import AlreadyRegistered, ChainError, InvalidInput, Unavailable

PROBLEM_TYPE = "urn:wegwijs:probleem:{}"
MEDIA_TYPE = "application/problem+json"


class MalformedJson(ChainError):
    status = 400
    title = "Malformed JSON"
    slug = "ongeldige-json"


class PayloadTooLarge(ChainError):
    status = 413
    title = "Payload too large"
    slug = "te-groot"


def problem(status: int, title: str, detail: str, slug: str, **extra: Any) -> Response:
    body = {
        "type": PROBLEM_TYPE.format(slug),
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)


def from_error(exc: ChainError, instance: str = "") -> Response:
    extra: dict[str, Any] = {"instance": instance} if instance else {}
    if isinstance(exc, InvalidInput) or getattr(exc, "errors", None):
        extra["errors"] = [
            {"field": e["field"], "pointer": f"#/{e['field']}", "detail": e["detail"]}
            for e in exc.errors
        ]
    if isinstance(exc, AlreadyRegistered):
        extra["dossier_id"] = exc.dossier_id
        extra["dossier"] = f"/api/v1/dossiers/{exc.dossier_id}"
    return problem(exc.status, exc.title, str(exc) or exc.title, exc.slug, **extra)


class ServiceUnavailable(Unavailable):
    pass


class GatewayTimeout(ChainError):
    status = 504
    title = "Gateway timeout"
    slug = "time-out"
