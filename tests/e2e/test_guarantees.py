"""The delivery guarantees G1-G7 of the architecture, on real RabbitMQ and PostgreSQL."""

from __future__ import annotations

import json
import signal
import uuid

import eventlet
import pytest
import requests
from kombu import Connection, Exchange, Producer

from services.common import (
    remote,  # noqa: F401 - lets RPC errors arrive as themselves
    settings,
)
from services.common.context import system_context
from services.common.envelope import SERIALIZER, routing_key
from services.common.proxies import PlatformClient
from services.intake.application import Intake
from tests.platform import TEST, eventually, extra_port, person, rabbitmqctl


def _intake_positions(platform) -> list[int]:
    return [
        r["notification_id"]
        for r in platform.sql(
            "SELECT notification_id FROM intake.intake_events ORDER BY notification_id"
        )
    ]


def _registered_dossiers(platform) -> list[str]:
    rows = platform.sql(
        "SELECT originator_id FROM intake.intake_events WHERE topic LIKE %s"
        " ORDER BY notification_id",
        "%Dossier.Registered",
    )
    return [str(r["originator_id"]) for r in rows]


def _pip_dossiers(platform) -> list[str]:
    rows = platform.sql(
        "SELECT state FROM pip.pips_events WHERE topic LIKE %s ORDER BY notification_id",
        "%Pip.DraftOpened",
    )
    return [str(uuid.UUID(json.loads(bytes(r["state"]))["dossier_id"]["_data_"])) for r in rows]


def _assert_everything_once(platform) -> None:
    """Every stored intake and pip event is in the ledger exactly once, and every dossier has
    exactly one draft PIP."""
    eventually(
        lambda: len(_pip_dossiers(platform)) - len(_registered_dossiers(platform)),
        lambda missing: missing == 0,
        deadline=60,
        what="pip has opened a draft for every dossier",
    )
    platform.wait_ledger_complete()
    assert platform.ledger_positions("intake") == _intake_positions(platform)
    pip_positions = [
        r["notification_id"]
        for r in platform.sql(
            "SELECT notification_id FROM pip.pips_events ORDER BY notification_id"
        )
    ]
    assert platform.ledger_positions("pip") == pip_positions
    assert sorted(_pip_dossiers(platform)) == sorted(_registered_dossiers(platform))


def _regievoerder_context():
    from services.common.context import Actor, CommandContext

    return CommandContext(
        actor=Actor("test-direct", "Direct", ("regievoerder",), "", ("0344", "0356", "0321")),
        activity="registratie",
    )


def test_g1_an_acknowledged_registration_is_already_committed(platform):
    dossier_id = platform.register()
    rows = platform.sql(
        "SELECT count(*) AS n FROM intake.intake_events WHERE originator_id = %s",
        uuid.UUID(dossier_id),
    )
    assert rows[0]["n"] == 1


@pytest.mark.broker_outage
def test_g2_events_stored_while_rabbitmq_is_down_reach_the_ledger_exactly_once(platform):
    """People are registered over HTTP all along; RabbitMQ stops and starts in the middle, and
    some registrations are committed straight to intake's store while it is down."""
    answers: list[int] = []
    keep_going = [True]

    def keep_registering() -> None:
        while keep_going[0]:
            try:
                answers.append(
                    platform.post("/api/v1/dossiers", person(), "regievoerder", "0344").status_code
                )
            except requests.RequestException:
                answers.append(0)

    registering = eventlet.spawn(keep_registering)
    eventually(lambda: answers.count(201), lambda n: n >= 5, what="registrations flow")
    direct = Intake.on_postgres()
    rabbitmqctl("stop_app")
    try:
        stored_during_outage = [
            direct.register(_regievoerder_context(), person()) for _ in range(5)
        ]
        eventually(
            lambda: [a for a in answers[-3:] if a != 201],
            lambda refused: len(refused) == 3 and all(a in (503, 504) for a in refused),
            what="the gateway refuses registrations with 503/504 while the broker is down",
        )
    finally:
        rabbitmqctl("start_app")
        direct.close()
    platform.wait_healthy()
    after = answers.count(201)
    eventually(lambda: answers.count(201), lambda n: n >= after + 5, what="registrations resume")
    keep_going[0] = False
    registering.wait()

    _assert_everything_once(platform)
    assert {str(d) for d in stored_during_outage} <= set(_pip_dossiers(platform))
    for process in platform.processes.values():
        assert process.popen.poll() is None, f"{process.name} died"
        assert '"level": "critical"' not in process.log.read_text(), f"{process.name} crashed"


def _publish(events: list[dict]) -> None:
    """Publish again, as the events' origin (only its broker user may)."""
    with Connection(settings.amqp_uri(events[0]["origin"])) as conn:
        producer = Producer(conn.channel(), serializer=SERIALIZER)
        exchange = Exchange("wegwijs.events", type="topic", durable=True)
        for event in events:
            producer.publish(event, exchange=exchange, routing_key=routing_key(event))


def _notifications(origin: str, start: int, limit: int) -> list[dict]:
    """Part of an origin's log, pulled as audit pulls it."""
    with PlatformClient("audit", lambda: system_context("audit", "replicatie")) as rpc:
        return getattr(rpc, origin).notifications(start, limit)


def test_g3_a_message_delivered_twice_has_one_effect(platform):
    dossier_id = platform.register()
    platform.wait_ledger_complete()
    position = platform.scalar(
        "SELECT notification_id FROM intake.intake_events WHERE originator_id = %s",
        uuid.UUID(dossier_id),
    )
    registered = _notifications("intake", position, 1)
    assert registered[0]["subject"] == dossier_id
    audit, pip = platform.processes["audit"], platform.processes["pip"]
    seen_by_audit = audit.metric("wegwijs_events_duplicate_total", origin="intake")
    seen_by_pip = pip.metric("wegwijs_events_duplicate_total", origin="intake")
    ledger_before, pips_before = (
        platform.ledger_count(),
        platform.stored_events("pip", "pips_events"),
    )

    _publish(registered * 2)

    eventually(
        lambda: (
            audit.metric("wegwijs_events_duplicate_total", origin="intake") - seen_by_audit,
            pip.metric("wegwijs_events_duplicate_total", origin="intake") - seen_by_pip,
        ),
        lambda seen: seen[0] >= 2 and seen[1] >= 2,
        what="audit and pip both received both copies",
    )
    assert platform.ledger_count() == ledger_before
    assert platform.stored_events("pip", "pips_events") == pips_before


def test_g4_g7_two_instances_of_pip_and_intake_give_no_duplicate_and_keep_order(platform):
    second_pip = platform.start("pip", name="pip-2", port=extra_port(2))
    second_intake = platform.start("intake", name="intake-2", port=extra_port(1))
    try:
        pool = eventlet.GreenPool(8)
        list(pool.imap(lambda _: platform.register(person("0356")), range(40)))
        _assert_everything_once(platform)
        assert _pip_dossiers(platform) == _registered_dossiers(platform)
        for instance, entrypoint in (
            (platform.processes["pip"], "on_intake_event"),
            (second_pip, "on_intake_event"),
            (platform.processes["intake"], "register"),
            (second_intake, "register"),
        ):
            received = instance.metric(
                "wegwijs_entrypoint_latency_seconds_count", entrypoint=entrypoint
            )
            assert received > 0, f"{instance.name} got no work: the test would not show G7"
    finally:
        platform.stop("pip-2")
        platform.stop("intake-2")


def test_g5_a_consumer_killed_mid_run_catches_up_after_restart(platform):
    platform.wait_ledger_complete()
    pool = eventlet.GreenPool(4)
    registering = [pool.spawn(platform.register) for _ in range(10)]
    platform.stop("audit", signal.SIGKILL)
    for greenthread in registering:
        greenthread.wait()
    for _ in range(5):
        platform.register()
    assert platform.stored_events("intake", "intake_events") > platform.ledger_count("intake")
    # What the queue held is gone too: catching up must come from intake's own log.
    rabbitmqctl("purge_queue", "-p", TEST.name, "audit.from.intake")

    platform.start("audit")

    _assert_everything_once(platform)


def test_g6_a_read_model_dropped_and_rebuilt_equals_the_original(platform):
    for gemeente in ("0344", "0356", "0321"):
        platform.register(person(gemeente))
    eventually(
        lambda: platform.scalar("SELECT count(*) FROM intake.dossier_index"),
        lambda n: n == len(_registered_dossiers(platform)),
        what="the dossier index has every dossier",
    )
    original = platform.sql("SELECT * FROM intake.dossier_index ORDER BY dossier_id")

    output = platform.cli("rebuild", "dossier_index")

    assert "rebuilt" in output
    assert platform.sql("SELECT * FROM intake.dossier_index ORDER BY dossier_id") == original
