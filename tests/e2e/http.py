"""HTTP helpers the end-to-end tests share: a token's headers, and a request with a JSON body."""

from __future__ import annotations

import json
from typing import Any

import requests

from services.gateway.auth import issue_token


def as_role(
    role: str = "regievoerder", gemeente: str = "0344", organisation: str = ""
) -> dict[str, str]:
    """Headers of a user `e2e-<role>` acting for `gemeente` (and `organisation`, an OIN)."""
    token = issue_token(role, [gemeente], user_id=f"e2e-{role}", organisation=organisation)
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def send(
    platform: Any, method: str, path: str, body: Any = None, headers: dict | None = None
) -> requests.Response:
    return platform.http.request(
        method,
        platform.url + path,
        headers=headers or as_role(),
        data=None if body is None else json.dumps(body),
        timeout=15,
    )


def trace_of(response: requests.Response) -> str:
    """The trace id the chain filed a request under (W3C Trace Context `traceresponse`); a
    client's own `traceparent` is only a link."""
    return response.headers["traceresponse"].split("-")[1]


def register_traced(platform: Any, who: dict[str, Any], role: str = "regievoerder") -> tuple:
    """Register `who`: the dossier id and the trace id of everything the registration caused."""
    response = platform.post("/api/v1/dossiers", who, role, who["gemeente"])
    assert response.status_code == 201, response.text
    return response.json()["id"], trace_of(response)
