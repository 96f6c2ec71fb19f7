"""Exactly once as the client sees it (issue 14): a command carries an Idempotency-Key, the same
key again is the first answer and changes nothing, and a duplicate registration names the
dossier. Over HTTP, on the running platform."""

from __future__ import annotations

import json
import uuid

from services.gateway.auth import issue_token
from services.gateway.command_keys import scope_of
from tests.e2e.http import as_role, send
from tests.platform import eventually, person


def _keyed(key: str, role: str = "regievoerder", gemeente: str = "0344") -> dict[str, str]:
    return {**as_role(role, gemeente), "Idempotency-Key": f'"{key}"'}


def _work_added(platform, dossier_id: str, occupation: str) -> int:
    rows = platform.sql(
        "SELECT state FROM intake.intake_events WHERE topic LIKE %s",
        "%BredeIntake.WorkAdded",
    )
    states = [json.loads(bytes(r["state"])) for r in rows]
    return sum(
        1
        for state in states
        if state["occupation"] == occupation
        and state["context"]["subject"]["dossier_id"] == dossier_id
    )


def _registrations_of(platform, family_name: str) -> int:
    rows = platform.sql(
        "SELECT state FROM intake.intake_events WHERE topic LIKE %s", "%Dossier.Registered"
    )
    return sum(1 for r in rows if family_name in bytes(r["state"]).decode())


def _handled(platform, user: str, key: str) -> list[dict]:
    """The gateway's records of the command `user` sent under `key`."""
    [row] = platform.sql(
        "SELECT command_id FROM gateway.command_keys WHERE scope = %s", scope_of(user, key)
    )
    return [
        json.loads(bytes(r["state"]))
        for r in platform.sql(
            "SELECT state FROM gateway.accesslogs_events WHERE topic LIKE %s",
            "%HandledCommand.Handled",
        )
        if json.loads(bytes(r["state"])).get("command_id") == row["command_id"]
    ]


def test_a_registration_sent_twice_with_one_key_is_registered_once_and_answered_the_same(
    platform,
):
    who = person("0344", family_name=f"Eenmaal-{uuid.uuid4().hex[:8]}")
    key = str(uuid.uuid4())

    first = send(platform, "POST", "/api/v1/dossiers", who, _keyed(key))
    again = send(platform, "POST", "/api/v1/dossiers", who, _keyed(key))

    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert first.headers["Idempotency-Key"] == f'"{key}"'
    assert _registrations_of(platform, who["family_name"]) == 1


def test_the_same_key_with_another_body_is_422_naming_the_key_and_changes_nothing(platform):
    who = person("0344", family_name=f"Anders-{uuid.uuid4().hex[:8]}")
    key = str(uuid.uuid4())
    assert send(platform, "POST", "/api/v1/dossiers", who, _keyed(key)).status_code == 201

    other = person("0344", family_name=f"Anders-{uuid.uuid4().hex[:8]}")
    refused = send(platform, "POST", "/api/v1/dossiers", other, _keyed(key))

    assert refused.status_code == 422, refused.text
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in refused.json()["errors"]] == ["Idempotency-Key"]
    assert _registrations_of(platform, other["family_name"]) == 0


def test_a_key_is_its_users_own(platform):
    """Another user's same key is another command: it is carried out, not answered with the
    first user's answer."""
    dossier_id = platform.register(person("0344"))
    key = str(uuid.uuid4())
    work = {"country": "Syrië", "occupation": f"Bakker-{key[:8]}", "years": 2}
    path = f"/api/v1/dossiers/{dossier_id}/intake/work"
    anna = _keyed(key)
    bram_token = issue_token("regievoerder", ["0344"], user_id="e2e-bram")
    bram = {**anna, "Authorization": f"Bearer {bram_token}"}

    assert send(platform, "POST", path, work, anna).status_code == 200
    assert send(platform, "POST", path, work, bram).status_code == 200

    assert _work_added(platform, dossier_id, work["occupation"]) == 2


def test_a_command_retried_with_its_key_adds_its_work_entry_once(platform):
    dossier_id = platform.register(person("0344"))
    key = str(uuid.uuid4())
    work = {"country": "Eritrea", "occupation": f"Lasser-{key[:8]}", "years": 3}
    path = f"/api/v1/dossiers/{dossier_id}/intake/work"

    answers = [send(platform, "POST", path, work, _keyed(key)) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[1].json() == answers[2].json() == answers[0].json()
    assert _work_added(platform, dossier_id, work["occupation"]) == 1


def test_a_command_without_a_key_is_given_one_and_a_malformed_key_is_400(platform):
    dossier_id = platform.register(person("0344"))
    path = f"/api/v1/dossiers/{dossier_id}/intake/work"
    work = {"country": "Syrië", "occupation": "Kok", "years": 1}

    made = send(platform, "POST", path, work, as_role())
    assert made.status_code == 200
    key = made.headers["Idempotency-Key"].strip('"')
    assert uuid.UUID(key)

    malformed = send(platform, "POST", path, work, {**as_role(), "Idempotency-Key": '"a b"'})
    assert malformed.status_code == 400
    assert [e["field"] for e in malformed.json()["errors"]] == ["Idempotency-Key"]


def test_a_duplicate_registration_names_the_dossier_to_whom_may_see_it(platform):
    who = person("0344")
    dossier_id = platform.register(who)

    again = send(platform, "POST", "/api/v1/dossiers", who, _keyed(str(uuid.uuid4())))
    elsewhere = {**who, "gemeente": "0356"}
    other = send(
        platform, "POST", "/api/v1/dossiers", elsewhere, _keyed(str(uuid.uuid4()), gemeente="0356")
    )

    assert again.status_code == 409, again.text
    assert again.json()["dossier_id"] == dossier_id
    assert again.json()["dossier"] == f"/api/v1/dossiers/{dossier_id}"
    assert other.status_code == 409
    assert "dossier_id" not in other.json() and dossier_id not in other.text


def test_the_ledger_records_a_command_once_with_its_key_and_a_client_can_ask_its_outcome(
    platform,
):
    who = person("0344")
    key = str(uuid.uuid4())
    made = send(platform, "POST", "/api/v1/dossiers", who, _keyed(key))
    assert made.status_code == 201
    assert send(platform, "POST", "/api/v1/dossiers", who, _keyed(key)).status_code == 201

    asked = send(platform, "GET", f"/api/v1/commands/{key}", None, _keyed(key))
    assert asked.status_code == 200, asked.text
    state = asked.json()
    assert state["state"] == "uitgevoerd"
    assert state["answered_status"] == 201
    assert state["location"] == made.headers["Location"]
    assert state["route"] == "/api/v1/dossiers"

    someone_else = as_role("klantmanager", "0344")
    assert send(platform, "GET", f"/api/v1/commands/{key}", None, someone_else).status_code == 404

    entries = eventually(
        lambda: platform.sql(
            "SELECT result, actor FROM audit.ledger WHERE event_type = %s AND correlation_id = %s",
            "nl.wegwijs.gateway.opdracht.behandeld.v1",
            made.headers["traceresponse"].split("-")[1],
        ),
        bool,
        what="the command is in the ledger",
    )
    assert entries == [{"result": "uitgevoerd", "actor": "e2e-regievoerder"}]
    [record] = _handled(platform, "e2e-regievoerder", key)
    assert record["status"] == 201


def test_twin_requests_with_one_key_at_the_same_moment_take_effect_once(platform):
    """A client that sends again before the first answer came: the four requests race through
    the gateway and the service; the command is carried out once, each gets its answer, and
    the ledger records it once."""
    import eventlet

    dossier_id = platform.register(person("0344"))
    key = str(uuid.uuid4())
    work = {"country": "Somalië", "occupation": f"Monteur-{key[:8]}", "years": 4}
    path = f"/api/v1/dossiers/{dossier_id}/intake/work"

    pile = eventlet.GreenPile()
    for _ in range(4):
        pile.spawn(send, platform, "POST", path, work, _keyed(key))
    answers = list(pile)

    assert {a.status_code for a in answers} == {200}, [a.text for a in answers]
    assert len({a.text for a in answers}) == 1
    assert _work_added(platform, dossier_id, work["occupation"]) == 1
    assert [r["status"] for r in _handled(platform, "e2e-regievoerder", key)] == [200]
