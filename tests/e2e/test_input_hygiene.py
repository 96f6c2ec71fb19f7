"""One client's input never takes down what others read: text with control characters, lone
surrogates, deep or large JSON and wire-format markers are refused at the edge with a problem
document naming the field (and again in the service, for a caller that skips the gateway), and an
event a read model cannot take is quarantined instead of stopping the read model."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.common import (
    remote,  # noqa: F401 - lets RPC errors arrive as themselves
    settings,
)
from services.common.context import Actor, CommandContext
from services.common.errors import InvalidInput
from services.common.proxies import PlatformClient
from services.common.settings import RPC_TIMEOUT_SECONDS
from tests.e2e.http import as_role, send
from tests.e2e.test_matching import GUIDES_ORG, organisations  # noqa: F401 - a fixture
from tests.matching_fixtures import guide_body
from tests.platform import eventually, person

GEMEENTEN = ("0344", "0356", "0321")
STORES = (
    ("intake", "intake_events"),
    ("pip", "pips_events"),
    ("matching", "matching_events"),
    ("consent", "consent_events"),
)


def stored(platform) -> int:
    """Domain events in every service's own event store (the gateway's command log aside: it
    records refused commands too)."""
    counts = " + ".join(f"(SELECT count(*) FROM {schema}.{table})" for schema, table in STORES)
    return platform.scalar(f"SELECT {counts} AS stored")


def every_gemeente_lists_its_dossiers(platform) -> None:
    for gemeente in GEMEENTEN:
        listed = platform.get("/api/v1/dossiers", "regievoerder", gemeente)
        assert listed.status_code == 200, (gemeente, listed.text)


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["type"].startswith("urn:wegwijs:probleem:")
    if field is not None:
        assert [e["field"] for e in problem["errors"]] == [field], problem
    return problem


def log_since(process, offset: int) -> str:
    with process.log.open("rb") as log:
        log.seek(offset)
        return log.read().decode("utf-8", "replace")


# finding 7: one input poisons the region ---------------------------------------------------
def test_a_nul_in_a_name_is_refused_and_every_gemeente_still_lists_its_dossiers(platform):
    before = stored(platform)

    response = platform.post("/api/v1/dossiers", person("0344", given_name="Ab\u0000cd"))

    problem = assert_problem(response, 422, "given_name")
    assert "control character" in problem["errors"][0]["detail"]
    assert stored(platform) == before
    platform.register(person("0344"))  # the read model moves on
    every_gemeente_lists_its_dossiers(platform)
    platform.cli("rebuild", "dossier_index")


def test_a_coordinator_cannot_poison_the_offer_with_a_guides_name(platform, organisations):  # noqa: F811
    from services.common.clock import today_in_amsterdam

    coordinator = as_role("coordinator", "0344", GUIDES_ORG)
    body = guide_body("Yo\u0000nas", today_in_amsterdam())
    before = stored(platform)

    response = send(platform, "POST", "/api/v1/guides", body, coordinator)

    assert_problem(response, 422, "name")
    assert stored(platform) == before
    offer = send(platform, "GET", "/api/v1/offer", None, coordinator)
    assert offer.status_code == 200, offer.text


def test_a_wire_format_marker_in_a_body_is_plain_data_answered_at_once(platform):
    who = person("0344", given_name={"__type__": "nope", "__value__": 1})
    intake_log = platform.processes["intake"].log.stat().st_size
    gateway_log = platform.processes["gateway"].log.stat().st_size
    started = time.monotonic()

    response = platform.post("/api/v1/dossiers", who)

    assert time.monotonic() - started < float(RPC_TIMEOUT_SECONDS.get()) / 2
    assert_problem(response, 422, "given_name")
    logged = log_since(platform.processes["intake"], intake_log) + log_since(
        platform.processes["gateway"], gateway_log
    )
    assert who["bsn"] not in logged, "a log line holds the request's BSN"
    assert who["family_name"] not in logged, "a log line holds the request's name"


def test_twelve_wire_format_markers_at_once_do_not_hold_the_gateway(platform):
    bodies = [
        person("0344", contact={"__type__": "bytes", "__value__": "x"}, given_name=[1])
        for _ in range(12)
    ]
    started = time.monotonic()
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda body: platform.post("/api/v1/dossiers", body), bodies))
    assert time.monotonic() - started < float(RPC_TIMEOUT_SECONDS.get()) / 2
    assert {a.status_code for a in answers} == {422}
    assert platform.get("/api/v1/dossiers").status_code == 200


def test_a_call_a_service_cannot_decode_is_logged_without_its_body(platform):
    from kombu import Connection, Exchange, Producer

    intake = platform.processes["intake"]
    offset = intake.log.stat().st_size
    bsn = person("0344")["bsn"]
    # As the gateway's broker user, the one that may send intake calls.
    with Connection(settings.amqp_uri("gateway")) as connection:
        producer = Producer(
            connection.channel(),
            exchange=Exchange("nameko-rpc", type="topic", durable=True, no_declare=True),
        )
        producer.publish(
            '{"args": [{"bsn": "' + bsn + '", "given_name": "Meron"',
            routing_key="intake.register",
            content_type="application/json",
            content_encoding="utf-8",
        )
    logged = eventually(
        lambda: log_since(intake, offset),
        lambda text: "message_undecodable" in text,
        what="intake logged the call it could not decode",
    )
    assert bsn not in logged and "Meron" not in logged


def test_a_service_refuses_control_characters_from_a_caller_that_skips_the_gateway(platform):
    ctx = CommandContext(
        actor=Actor("rpc-caller", "Rechtstreeks", ("regievoerder",), "", ("0344",)),
        activity="registratie",
    )
    before = stored(platform)
    # Signed as the gateway would (the test holds its key), but not through the gateway.
    with PlatformClient("gateway", lambda: ctx) as rpc:
        with pytest.raises(InvalidInput) as refused:
            rpc.intake.register(person("0344", family_name="Kidane\u0007"))
        with pytest.raises(InvalidInput):
            rpc.intake.register(person("0344", given_name="Me\ud800ron"))
    assert [e["field"] for e in refused.value.errors] == ["family_name"]
    assert stored(platform) == before


@pytest.mark.parametrize("claims", [{"user_id": "mal\u0000lory"}, {"name": "Mal\u001blory"}])
def test_a_token_with_a_control_character_in_a_claim_is_refused_and_the_ledger_goes_on(
    platform, claims
):
    from services.gateway.auth import issue_token

    token = issue_token("regievoerder", ["0344"], **claims)
    response = platform.http.get(
        f"{platform.url}/api/v1/dossiers", headers={"Authorization": f"Bearer {token}"}
    )
    problem = assert_problem(response, 401)
    assert "control character" in problem["detail"]
    platform.register(person("0344"))
    platform.wait_ledger_complete()


def test_a_name_is_stored_nfc_normalised(platform):
    decomposed = "Rene\u0301e"  # e + combining acute accent
    dossier_id = platform.register(person("0344", given_name=decomposed))
    dossier = platform.get(f"/api/v1/dossiers/{dossier_id}").json()
    assert dossier["given_name"] == "Ren\u00e9e"


def test_a_poison_event_is_quarantined_and_every_gemeente_still_lists_its_dossiers(platform):
    """An event stored before the edge refused such input (here: stored through intake's
    Application in this process, bypassing the gateway and the RPC check) is set aside by the
    read model, counted and logged, and the read model keeps projecting."""
    from services.intake.application import Intake

    intake = platform.processes["intake"]
    quarantined = intake.metric("wegwijs_projection_quarantined_total", projection="dossier_index")
    ctx = CommandContext(
        actor=Actor("legacy-import", "Oude gegevens", ("regievoerder",), "", ("0344",)),
        activity="registratie",
    )
    app = Intake.on_postgres()
    try:
        poisoned = app.register(ctx, person("0344", given_name="Ab\u0000cd"))
    finally:
        app.close()
    after_it = platform.register(person("0356"))

    eventually(
        lambda: intake.metric("wegwijs_projection_quarantined_total", projection="dossier_index"),
        lambda count: count == quarantined + 1,
        what="the poison event is counted as quarantined",
    )
    every_gemeente_lists_its_dossiers(platform)
    listed = platform.get("/api/v1/dossiers", "regievoerder", "0356").json()["dossiers"]
    assert after_it in [d["id"] for d in listed], "the read model went on past the poison event"
    held = platform.sql(
        "SELECT projection, event_type, error FROM intake.projection_quarantine"
        " WHERE originator_id = %s",
        poisoned,
    )
    assert [(row["projection"], row["event_type"]) for row in held] == [
        ("dossier_index", "Dossier.Registered")
    ]
    assert "Ab" not in log_since(intake, 0).split("projection_event_quarantined")[-1][:400]
    assert "quarantined" in platform.cli("rebuild", "dossier_index")
    every_gemeente_lists_its_dossiers(platform)


# finding 8: other 500s instead of a problem document ---------------------------------------
@pytest.fixture(scope="module")
def known_dossier(platform) -> str:
    """A dossier every service knows."""
    dossier_id = platform.register(person("0344"))
    eventually(
        lambda: platform.get(f"/api/v1/dossiers/{dossier_id}/consents").status_code,
        lambda status: status == 200,
        what="consent knows the dossier",
    )
    return dossier_id


def test_an_audit_page_of_zero_entries_is_refused_naming_limit(platform):
    response = platform.get("/api/v1/audit/entries?limit=0", "auditor")
    assert_problem(response, 422, "limit")


@pytest.mark.parametrize(
    "path", ["/api/v1/dossiers/%00", "/api/v1/dossiers/ab%00cd/pip", "/api/v1/dossiers/%ED%A0%80"]
)
def test_a_control_character_in_a_path_is_not_found(platform, path):
    assert_problem(platform.get(path), 404)


def test_a_control_character_in_a_query_parameter_is_named(platform):
    response = platform.get("/api/v1/audit/entries?actor=a%00b", "auditor")
    assert_problem(response, 422, "actor")


def test_a_lone_surrogate_in_a_name_is_refused_naming_it(platform):
    before = stored(platform)
    body = json.dumps(person("0344", given_name="Me@ron")).replace("@", "\\ud800")
    assert_problem(platform.post("/api/v1/dossiers", body), 422, "given_name")
    assert stored(platform) == before


def test_json_nested_a_thousand_deep_is_refused(platform):
    deep = '{"given_name": ' + "[" * 1000 + "]" * 1000 + "}"
    problem = assert_problem(platform.post("/api/v1/dossiers", deep), 400)
    assert "deep" in problem["detail"]


def test_a_body_larger_than_the_limit_is_refused(platform):
    huge = '{"given_name": "' + "a" * (2 * 1024 * 1024) + '"}'
    assert_problem(platform.post("/api/v1/dossiers", huge), 413)


@pytest.mark.parametrize("field", ["purpose", "organisation", "dossier_id", "on"])
@pytest.mark.parametrize("value", [{}, [], ["a"]], ids=["object", "list", "list-of-text"])
def test_a_sharing_question_with_a_list_or_object_is_refused_naming_the_field(
    platform, known_dossier, field, value
):
    question = {
        "dossier_id": known_dossier,
        "organisation": "00000003000000000001",
        "purpose": "participatie",
        "categories": ["identiteit"],
        field: value,
    }
    response = platform.post("/api/v1/sharing/decisions", question)
    assert_problem(response, 422, field)
