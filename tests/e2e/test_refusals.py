"""Bad input and the wrong actor are refused with a problem document, and nothing is stored."""

from __future__ import annotations

import pytest

from services.common import (
    remote,  # noqa: F401 - lets RPC errors arrive as themselves
)
from services.common.context import Actor, CommandContext
from services.common.errors import NotFound, Unauthenticated
from services.common.proxies import PlatformClient
from tests.platform import eventually, person


def _stored(platform) -> tuple[int, int]:
    return (
        platform.stored_events("intake", "intake_events"),
        platform.stored_events("pip", "pips_events"),
    )


def _tomorrow() -> str:
    from datetime import timedelta

    from services.intake.application import today_in_amsterdam

    return (today_in_amsterdam() + timedelta(days=1)).isoformat()


BAD_INPUTS = [
    ("bsn", {"bsn": "123456789"}, 422),
    ("gemeente", {"gemeente": "0363"}, 422),
    ("family_name", {"family_name": None}, 422),
    ("duo_notice_date", {"duo_notice_date": "tomorrow"}, 422),
    ("v_nummer", {"v_nummer": "12345"}, 422),
    ("birth_date", {"birth_date": "1990-02-30"}, 422),
]


@pytest.mark.parametrize(("field", "change", "status"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_a_bad_field_is_named_in_a_problem_document_and_nothing_is_stored(
    platform, field, change, status
):
    body = {**person("0344"), **change}
    if change.get("duo_notice_date") == "tomorrow":
        body["duo_notice_date"] = _tomorrow()
    before = _stored(platform)

    response = platform.post("/api/v1/dossiers", body, "regievoerder", "0344")

    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["type"].startswith("urn:wegwijs:probleem:")
    assert [e["field"] for e in problem["errors"]] == [field]
    assert problem["errors"][0]["detail"]
    assert _stored(platform) == before


def test_a_date_in_the_future_says_what_today_is(platform):
    response = platform.post(
        "/api/v1/dossiers", {**person(), "brp_registration_date": _tomorrow()}, "regievoerder"
    )
    assert response.status_code == 422
    assert "must not be in the future" in response.json()["errors"][0]["detail"]


def test_a_missing_field_is_named(platform):
    body = person("0344")
    del body["v_nummer"]
    response = platform.post("/api/v1/dossiers", body, "regievoerder", "0344")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "v_nummer", "pointer": "#/v_nummer", "detail": "is required"}
    ]


def test_an_unknown_gemeente_says_which_codes_are_accepted(platform):
    response = platform.post("/api/v1/dossiers", person("9999"), "regievoerder", "9999")
    assert response.status_code == 422
    assert "0321, 0344, 0356" in response.json()["errors"][0]["detail"]


def test_malformed_json_is_a_400_problem_and_nothing_is_stored(platform):
    before = _stored(platform)
    response = platform.post("/api/v1/dossiers", '{"bsn": "999990019",', "regievoerder", "0344")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "not valid JSON" in response.json()["detail"]
    assert _stored(platform) == before


def test_a_json_array_is_refused_as_not_an_object(platform):
    response = platform.post("/api/v1/dossiers", [1, 2], "regievoerder", "0344")
    assert response.status_code == 422
    assert "JSON object" in response.json()["errors"][0]["detail"]


def test_the_same_bsn_twice_is_a_conflict_and_only_the_attempt_is_kept(platform):
    who = person("0344")
    dossier_id = platform.register(who)
    registered = "SELECT count(*) FROM intake.intake_events WHERE topic LIKE %s"
    dossiers = platform.scalar(registered, "%Dossier.Registered")
    again = platform.post("/api/v1/dossiers", {**who, "gemeente": "0356"}, "regievoerder", "0356")

    assert again.status_code == 409
    assert dossier_id not in again.text and "0344" not in again.text
    attempt = eventually(
        lambda: platform.sql(
            "SELECT gemeente, actor FROM audit.ledger WHERE dossier_id = %s AND event_type = %s",
            dossier_id,
            "nl.wegwijs.intake.registratie.geweigerd.v1",
        ),
        bool,
        what="the attempt is in the ledger of the gemeente whose person it is",
    )
    assert attempt == [{"gemeente": "0344", "actor": "test-regievoerder"}]
    assert platform.scalar(registered, "%Dossier.Registered") == dossiers


def test_without_a_token_the_api_answers_401(platform):
    response = platform.http.get(f"{platform.url}/api/v1/dossiers", timeout=10)
    assert response.status_code == 401
    assert response.json()["title"] == "Unauthenticated"


def test_a_token_signed_with_another_key_is_refused(platform):
    import jwt

    forged = jwt.encode(
        {"sub": "x", "roles": ["regievoerder"]},
        "another-key-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )
    response = platform.http.get(
        f"{platform.url}/api/v1/dossiers", headers={"Authorization": f"Bearer {forged}"}, timeout=10
    )
    assert response.status_code == 401


def test_a_regievoerder_cannot_register_for_a_gemeente_they_do_not_act_for(platform):
    before = _stored(platform)
    response = platform.post("/api/v1/dossiers", person("0344"), "regievoerder", "0356")
    assert response.status_code == 403
    assert _stored(platform) == before


def test_another_gemeentes_dossier_and_pip_are_not_found_over_http(platform):
    dossier_id = platform.register(person("0344"))
    eventually(
        lambda: platform.get(f"/api/v1/dossiers/{dossier_id}/pip", "regievoerder", "0344"),
        lambda r: r.status_code == 200,
    )
    for path in (f"/api/v1/dossiers/{dossier_id}", f"/api/v1/dossiers/{dossier_id}/pip"):
        response = platform.get(path, "regievoerder", "0356")
        assert response.status_code == 404, path
        assert response.json()["detail"] != ""
    other = platform.get(f"/api/v1/dossiers/{dossier_id}", "regievoerder", "0356")
    unknown = platform.get(
        "/api/v1/dossiers/00000000-0000-0000-0000-000000000000", "regievoerder", "0356"
    )
    assert unknown.status_code == 404
    assert other.json() == unknown.json(), "the answer must not reveal that the dossier exists"


def test_a_service_refuses_a_forged_context_over_rpc(platform):
    dossier_id = platform.register(person("0344"))
    eventually(
        lambda: platform.get(f"/api/v1/dossiers/{dossier_id}/pip", "regievoerder", "0344"),
        lambda r: r.status_code == 200,
    )
    forged = CommandContext(
        actor=Actor("mallory", "Mallory", ("regievoerder",), "", ("0356",)),
        activity="dossier-inzien",
    )
    # Signed as the gateway (the test holds its key): the service still checks the tenancy.
    with PlatformClient("gateway", lambda: forged) as rpc:
        with pytest.raises(NotFound):
            rpc.intake.dossier(dossier_id)
        with pytest.raises(NotFound):
            rpc.pip.pip(dossier_id)
    unsigned = PlatformClient("gateway", signer=lambda *call: None)
    with unsigned as rpc, pytest.raises(Unauthenticated):
        rpc.intake.dossier(dossier_id)


def test_a_registration_the_gateway_gave_up_on_never_takes_effect_later(platform):
    who = person("0344")
    platform.stop("intake")
    try:
        response = platform.post("/api/v1/dossiers", who, "regievoerder", "0344")
        assert response.status_code == 504
        assert response.headers["Content-Type"] == "application/problem+json"
    finally:
        platform.start("intake")
    platform.wait_healthy()
    platform.register(person("0344"))  # queued behind the abandoned request, if it were still there

    again = platform.post("/api/v1/dossiers", who, "regievoerder", "0344")

    assert again.status_code == 201, "the abandoned request was executed after all"


def test_a_context_not_signed_by_a_wegwijs_service_is_refused_over_rpc(platform):
    import base64
    import json

    dossier_id = platform.register(person("0344"))
    claimed = CommandContext(
        actor=Actor("mallory", "Mallory", ("regievoerder", "system"), "", ("0344",)),
        activity="dossier-inzien",
    )
    body = base64.urlsafe_b64encode(json.dumps(claimed.as_dict()).encode()).decode()
    for header in (f"{body}.{'0' * 64}", body, json.dumps(claimed.as_dict())):
        as_gateway = PlatformClient("gateway", signer=lambda *call, header=header: header)
        with as_gateway as rpc, pytest.raises(Unauthenticated):
            rpc.intake.dossier(dossier_id)
        as_audit = PlatformClient("audit", signer=lambda *call, header=header: header)
        with as_audit as rpc, pytest.raises(Unauthenticated):
            rpc.intake.notifications(1, 10)


def test_the_broker_lets_a_process_make_only_the_calls_it_may(platform):
    """The gateway serves people, never a consumer's catch-up: its own broker user cannot even
    send a call to a notification log."""
    from amqp.exceptions import AccessRefused

    with PlatformClient("gateway") as rpc, pytest.raises(AccessRefused):
        rpc.intake.notifications(1, 10)
