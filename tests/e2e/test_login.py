"""The gateway takes the OpenID Connect provider's RS256 tokens (issue 16, login): a demo person
logged in at the real provider reaches what their role and gemeente allow; keys are fetched
from the provider's discovery document, kept, and fetched again when the provider rotates them;
a token signed by anyone else, or a development token outside development, is refused."""

from __future__ import annotations

import subprocess

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from services.common import settings
from services.common.errors import Unauthenticated
from services.gateway.auth import issue_token, verified_claims
from tests.oidc_login import provider_login
from tests.platform import ROOT, person


def _get(platform, path: str, token: str) -> requests.Response:
    return requests.get(
        f"{platform.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def test_a_person_logged_in_at_the_provider_reaches_their_own_gemeente_only(platform):
    utrecht = platform.register(person("0344"))
    houten = platform.register(person("0321"))

    tokens = provider_login(platform, "anna")

    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["alg"] == "RS256"
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert (claims["roles"], claims["gemeenten"], claims["org"]) == (
        ["regievoerder"],
        ["0344"],
        "00000001000000000344",
    )
    listed = _get(platform, "/api/v1/dossiers", tokens["access_token"])
    assert listed.status_code == 200, listed.text
    ids = {d["id"] for d in listed.json()["dossiers"]}
    assert utrecht in ids and houten not in ids
    assert _get(platform, f"/api/v1/dossiers/{houten}", tokens["access_token"]).status_code in (
        403,
        404,
    )
    # The ID token carries the same claims, for the Werkplek.
    id_claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert id_claims["roles"] == ["regievoerder"] and id_claims["aud"] == "werkplek"


def test_a_wrong_password_gets_no_token(platform):
    with pytest.raises(AssertionError):
        provider_login(platform, "anna", "geraden")


def test_a_token_signed_by_another_key_under_the_provider_s_key_id_is_refused(platform):
    real = provider_login(platform, "karim")["access_token"]
    claims = jwt.decode(real, options={"verify_signature": False})
    kid = jwt.get_unverified_header(real)["kid"]
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    forged = jwt.encode({**claims, "roles": ["admin"]}, other, "RS256", headers={"kid": kid})

    answer = _get(platform, "/api/v1/dossiers", forged)
    assert answer.status_code == 401
    assert "signature" in answer.json()["detail"].lower()


def test_the_provider_rotates_its_key_and_the_gateway_takes_both_without_a_restart(platform):
    before = provider_login(platform, "anna")["access_token"]
    assert _get(platform, "/api/v1/dossiers", before).status_code == 200

    rotate = subprocess.run(
        ["node", str(ROOT / "infra" / "oidc" / "provider.mjs"), "--rotate-keys"],
        env={**platform.env, "WEGWIJS_OIDC_KEYS_FILE": str(platform.run_dir / "oidc-keys.json")},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert rotate.returncode == 0, rotate.stderr
    platform.stop("oidc")
    platform.start("oidc")
    after = provider_login(platform, "anna")["access_token"]

    assert jwt.get_unverified_header(after)["kid"] != jwt.get_unverified_header(before)["kid"]
    assert _get(platform, "/api/v1/dossiers", after).status_code == 200
    assert _get(platform, "/api/v1/dossiers", before).status_code == 200


def test_development_tokens_are_taken_only_in_development(monkeypatch):
    monkeypatch.setenv(settings.ENVIRONMENT.name, "development")
    token = issue_token("regievoerder", ["0344"])
    assert verified_claims(token)["roles"] == ["regievoerder"]

    monkeypatch.setenv(settings.ENVIRONMENT.name, "production")
    with pytest.raises(Unauthenticated, match="RS256"):
        verified_claims(token)
