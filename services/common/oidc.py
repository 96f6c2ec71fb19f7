"""An OpenID Connect provider as the platform's processes see it: its discovery document and
its signing keys, fetched over HTTP, cached and fetched again when the provider rotates them.
The gateway checks access tokens with them, the Werkplek ID tokens."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any

import jwt

from services.common import settings
from services.common.errors import Unauthenticated, Unavailable


class ProviderKeys:
    """The signing keys of an OpenID Connect provider, from its discovery document and JWKS.

    Kept for `refresh_seconds`; a token signed with a key not yet known fetches them again (the
    provider rotated), at most once per `unknown_kid_seconds`, so tokens with made-up key ids
    cannot make the gateway hammer the provider."""

    def __init__(
        self, issuer: str, refresh_seconds: float = 600, unknown_kid_seconds: float = 30
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.refresh_seconds = refresh_seconds
        self.unknown_kid_seconds = unknown_kid_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = self._forced_at = float("-inf")
        self._lock = threading.Lock()

    def key(self, kid: str) -> jwt.PyJWK:
        now = time.monotonic()
        if now - self._fetched_at > self.refresh_seconds:
            self._refresh(now)
        elif kid not in self._keys and now - self._forced_at > self.unknown_kid_seconds:
            self._forced_at = now
            self._refresh(now)
        if kid not in self._keys:
            raise Unauthenticated("the bearer token is signed with a key its issuer does not list")
        return self._keys[kid]

    def _refresh(self, now: float) -> None:
        with self._lock:
            self._keys, self._fetched_at = self._fetch(), now

    def _fetch(self) -> dict[str, jwt.PyJWK]:
        try:
            discovery = get_json(f"{self.issuer}/.well-known/openid-configuration")
            if discovery.get("issuer") != self.issuer:
                raise ValueError(f"its discovery document names issuer {discovery.get('issuer')}")
            keys = jwt.PyJWKSet.from_dict(get_json(discovery["jwks_uri"])).keys
        except (OSError, ValueError, KeyError, jwt.PyJWTError) as exc:
            if self._keys:  # the provider is away for a moment: the keys known stay good
                return self._keys
            raise ProviderUnreachable(
                f"the identity provider {self.issuer} cannot be reached to check the token ({exc})"
            ) from None
        return {k.key_id: k for k in keys if k.key_id and k.public_key_use in (None, "sig")}


class ProviderUnreachable(Unavailable):
    """The provider's keys cannot be fetched: the token can be neither taken nor refused."""


def get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read(1_000_000))


_PROVIDERS: dict[str, ProviderKeys] = {}


def provider_keys(issuer: str | None = None) -> ProviderKeys:
    """The keys of `issuer` (by default WEGWIJS_OIDC_ISSUER), one cache per issuer."""
    issuer = (issuer or settings.OIDC_ISSUER.get()).rstrip("/")
    if issuer not in _PROVIDERS:
        _PROVIDERS[issuer] = ProviderKeys(issuer)
    return _PROVIDERS[issuer]
