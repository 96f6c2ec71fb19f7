"""The gateway's API, called with the logged-in person's own access token: the Werkplek has no
rights of its own, so the gateway decides what each person may see and do, and logs each read."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Problem(Exception):
    """An RFC 9457 problem document the gateway answered with."""

    status: int
    title: str = ""
    detail: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)

    def field_errors(self) -> dict[str, str]:
        """Each wrong field's path (as the form names its input) and what the gateway said."""
        return {e.get("field", ""): e.get("detail", "") for e in self.errors}


class Gateway:
    def __init__(self, client: httpx.AsyncClient, base_url: str, access_token: str) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}

    async def get(self, path: str, **params: Any) -> Any:
        query = {k: v for k, v in params.items() if v not in (None, "")}
        answer = await self.client.get(f"{self.base_url}{path}", params=query, headers=self.headers)
        return self._body(answer)

    async def fetch(self, path: str, accept: str) -> httpx.Response:
        """A document as the gateway answers it (its media type by `accept`), not as JSON."""
        headers = {**self.headers, "Accept": accept}
        answer = await self.client.get(f"{self.base_url}{path}", headers=headers)
        if answer.status_code >= 400:
            self._body(answer)  # raises the Problem
        return answer

    async def send(self, method: str, path: str, body: Any = None) -> Any:
        """A command, with a fresh Idempotency-Key: a retry by the browser is a new command,
        refused by the chain's own rules when it would double anything."""
        headers = {**self.headers, "Idempotency-Key": secrets.token_urlsafe(24)}
        answer = await self.client.request(
            method, f"{self.base_url}{path}", json=body, headers=headers
        )
        return self._body(answer)

    @staticmethod
    def _body(answer: httpx.Response) -> Any:
        if answer.status_code >= 400:
            try:
                body = answer.json()
            except ValueError:
                body = {}
            raise Problem(
                status=answer.status_code,
                title=str(body.get("title", "")),
                detail=str(body.get("detail", "")),
                errors=list(body.get("errors") or []),
                body=body,
            )
        if answer.status_code == 204 or not answer.content:
            return None
        return answer.json()
