"""Logging in through the OpenID Connect provider: authorization code with PKCE (S256), state and
nonce; the code is exchanged with the Werkplek's client secret, and the ID token is checked
(RS256, issuer, audience, nonce) with the provider's keys. The access token goes with every call
to the gateway, which checks it again, so roles, tenancy and the access log stay there."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from services.common.errors import Unauthenticated
from services.common.oidc import ProviderKeys, provider_keys

CLIENT_ID = "werkplek"
SCOPE = "openid profile wegwijs"


@dataclass(frozen=True)
class Tokens:
    claims: dict[str, Any]
    access_token: str
    access_expires: float
    refresh_token: str
    id_token: str


class Provider:
    def __init__(self, issuer: str, client_secret: str, werkplek_url: str) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_secret = client_secret
        self.callback_url = f"{werkplek_url}/auth/callback"
        self.after_logout_url = f"{werkplek_url}/uitgelogd"
        self.keys: ProviderKeys = provider_keys(self.issuer)
        self._discovery: dict[str, Any] = {}

    async def discovery(self, client: httpx.AsyncClient) -> dict[str, Any]:
        if not self._discovery:
            answer = await client.get(f"{self.issuer}/.well-known/openid-configuration")
            answer.raise_for_status()
            self._discovery = answer.json()
        return self._discovery

    async def authorization_url(
        self, client: httpx.AsyncClient, state: str, nonce: str, verifier: str, again: bool = False
    ) -> str:
        """Where to send the person to log in; `again`: ask for the password even when the
        provider still knows them (the Werkplek's own session ended)."""
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        query = {
            "client_id": CLIENT_ID,
            "response_type": "code",
            "scope": SCOPE,
            "redirect_uri": self.callback_url,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
            **({"prompt": "login"} if again else {}),
        }
        endpoint = (await self.discovery(client))["authorization_endpoint"]
        return f"{endpoint}?{urlencode(query)}"

    async def exchange(
        self, client: httpx.AsyncClient, code: str, verifier: str, nonce: str
    ) -> Tokens:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.callback_url,
            "code_verifier": verifier,
        }
        return await self._tokens(client, form, nonce)

    async def refresh(self, client: httpx.AsyncClient, refresh_token: str) -> Tokens:
        return await self._tokens(
            client, {"grant_type": "refresh_token", "refresh_token": refresh_token}, None
        )

    async def _tokens(
        self, client: httpx.AsyncClient, form: dict[str, str], nonce: str | None
    ) -> Tokens:
        endpoint = (await self.discovery(client))["token_endpoint"]
        answer = await client.post(endpoint, data=form, auth=(CLIENT_ID, self.client_secret))
        if answer.status_code != 200:
            raise Unauthenticated(f"the provider refused the login ({answer.status_code})")
        body = answer.json()
        # The keys may have to be fetched (urllib): off the event loop.
        claims = await asyncio.to_thread(self.check_id_token, body["id_token"], nonce)
        return Tokens(
            claims=claims,
            access_token=body["access_token"],
            access_expires=time.time() + int(body.get("expires_in", 0)),
            refresh_token=body.get("refresh_token", ""),
            id_token=body["id_token"],
        )

    def check_id_token(self, token: str, nonce: str | None) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(
                token,
                self.keys.key(str(header.get("kid", ""))),
                algorithms=["RS256"],
                audience=CLIENT_ID,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"the ID token is not valid: {exc}") from None
        if nonce is not None and claims.get("nonce") != nonce:
            raise Unauthenticated("the ID token is not the answer to this login")
        return claims

    async def logout_url(self, client: httpx.AsyncClient, id_token: str) -> str:
        endpoint = (await self.discovery(client))["end_session_endpoint"]
        query = {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": self.after_logout_url,
            "client_id": CLIENT_ID,
        }
        return f"{endpoint}?{urlencode(query)}"
