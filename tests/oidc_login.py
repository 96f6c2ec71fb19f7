"""Logging in at the development OpenID Connect provider as the Werkplek does, without a
browser: authorization code with PKCE, the provider's own login form, the token endpoint."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from services.common import settings
from tests.platform import TEST_SECRETS, Platform


def provider_login(platform: Platform, login: str, password: str = "wegwijs") -> dict[str, Any]:
    """The token answer (access_token, id_token, refresh_token) for one demo person."""
    issuer = platform.env["WEGWIJS_OIDC_ISSUER"]
    callback = f"http://{platform.env['WEGWIJS_WERKPLEK_ADDRESS']}/auth/callback"
    browser = requests.Session()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    answer = browser.get(
        f"{issuer}/auth",
        params={
            "client_id": "werkplek",
            "response_type": "code",
            "scope": "openid profile wegwijs",
            "redirect_uri": callback,
            "state": secrets.token_urlsafe(16),
            "nonce": secrets.token_urlsafe(16),
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        },
        timeout=10,
    )
    action = re.search(r'action="([^"]+)"', answer.text)
    assert action, answer.text
    answer = browser.post(
        urljoin(answer.url, action.group(1)),
        data={"login": login, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    while answer.status_code in (302, 303) and not answer.headers["location"].startswith(callback):
        answer = browser.get(
            urljoin(issuer, answer.headers["location"]), allow_redirects=False, timeout=10
        )
    assert answer.status_code in (302, 303), answer.text
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    tokens = requests.post(
        f"{issuer}/token",
        auth=("werkplek", TEST_SECRETS[settings.OIDC_CLIENT_SECRET.name]),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": callback,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert tokens.status_code == 200, tokens.text
    return tokens.json()
