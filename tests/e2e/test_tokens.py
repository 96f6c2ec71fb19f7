"""A bearer token is taken only with claims of the right type and a bounded lifetime; anything
else is 401 with a problem document, never a 500 (issue 13, finding 3)."""

from __future__ import annotations

import time

import jwt
import pytest

from services.common import settings


def _token(**changes) -> str:
    now = int(time.time())
    claims = {
        "iss": settings.JWT_ISSUER.get(),
        "aud": settings.JWT_AUDIENCE.get(),
        "sub": "tokens-test",
        "name": "Token Test",
        "roles": ["regievoerder"],
        "org": "",
        "gemeenten": ["0344"],
        "iat": now,
        "exp": now + 600,
    }
    claims.update(changes)
    for name in [k for k, v in claims.items() if v is None]:
        del claims[name]
    return jwt.encode(claims, settings.JWT_SECRET.get(), algorithm="HS256")


NOW = int(time.time())
REFUSED = {
    "exp as text": {"exp": str(NOW + 600)},
    "iat as text": {"iat": str(NOW)},
    "no iat": {"iat": None},
    "roles as an object": {"roles": {"regievoerder": True}},
    "roles as text": {"roles": "regievoerder"},
    "gemeenten as an object": {"gemeenten": {"0344": "Utrecht"}},
    "gemeenten of numbers": {"gemeenten": [344]},
    "a gemeente that is no CBS code": {"gemeenten": ["0344; DROP"]},
    "ten years": {"exp": NOW + 10 * 365 * 86400},
    "a bare CR in sub": {"sub": "mallory\rinjected"},
    "sub as a number": {"sub": 42},
    "org that is no OIN": {"org": "Evil Corp"},
}


@pytest.mark.parametrize("changes", REFUSED.values(), ids=REFUSED.keys())
def test_a_token_with_a_claim_of_the_wrong_type_or_lifetime_is_401(platform, changes):
    response = platform.http.get(
        f"{platform.url}/api/v1/dossiers",
        headers={"Authorization": f"Bearer {_token(**changes)}"},
        timeout=10,
    )

    assert response.status_code == 401, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]


def test_a_well_formed_token_is_taken(platform):
    response = platform.http.get(
        f"{platform.url}/api/v1/dossiers",
        headers={"Authorization": f"Bearer {_token()}"},
        timeout=10,
    )
    assert response.status_code == 200
