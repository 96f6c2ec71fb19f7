"""The platform on a three-node RabbitMQ cluster with quorum queues (issue 18), started by the
test itself beside the machine's own RabbitMQ: every process is given the three nodes and fails
over. Under load, the node leading the busiest queues is stopped; later, with it back, the node
the processes are connected to crashes (killed). Each time nothing is lost, nothing doubled, the
events of each origin are in the ledger in order, and registrations are answered again within
10 s of the node going.
"""

from __future__ import annotations

import time
from collections import Counter

import eventlet
import pytest
import requests

from tests.e2e.http import as_role
from tests.e2e.test_faults import Load, _assert_exactly_once, _verify
from tests.platform import EVENT_TABLES, ROOT, TEST, Layout, Platform, eventually, person
from tests.rabbit_cluster import Node, RabbitCluster

NAME = f"{TEST.name}c"
BASE = TEST.service_port_base + 9000  # below the ephemeral ports, beside test_two_commands
CLUSTER = RabbitCluster(
    NAME.replace("_", "-"), port_base=BASE + 60, run_dir=ROOT / ".run" / f"{NAME}-rabbit"
)
LAYOUT = Layout(
    NAME,
    gateway_port=TEST.gateway_port + 9000,
    service_port_base=BASE,
    amqp_uri=CLUSTER.uri(NAME),
    rabbitmqctl=f"rabbitmqctl -n {CLUSTER.nodes[0].name}",
)
# The queues every registration passes: the call to intake, and intake's events to each consumer.
BUSIEST = ("rpc-intake", "audit.from.intake", "pip.from.intake", "consent.from.intake")
SERVING_AGAIN_SECONDS = 10


@pytest.fixture(scope="module")
def on_cluster():
    CLUSTER.start()
    platform = Platform(LAYOUT)
    try:
        platform.reset_infrastructure()
        platform.start_all()
        yield platform
    finally:
        platform.stop_all()
        CLUSTER.stop()


def test_every_durable_queue_is_a_quorum_queue_on_the_cluster(on_cluster):
    kinds = CLUSTER.ctl(
        "list_queues", "-p", NAME, "name", "type", "durable", "--quiet", "--no-table-headers"
    )
    durable = [line.split("\t") for line in kinds.splitlines() if line.endswith("\ttrue")]
    assert len(durable) >= 15, kinds
    assert {name: kind for name, kind, _ in durable if kind != "quorum"} == {}


def test_a_node_stopped_under_load_loses_nothing_doubles_nothing_and_keeps_order(on_cluster):
    _node_lost_under_load(on_cluster, Node.stop, "stopped", _leading_the_busiest_queues)


def test_a_node_that_crashes_under_load_loses_nothing_doubles_nothing_and_keeps_order(
    on_cluster,
):
    CLUSTER.start_stopped()  # the node the test before stopped comes back and catches up
    _node_lost_under_load(on_cluster, Node.crash, "crashed", _most_connected)


def _leading_the_busiest_queues() -> str:
    leaders = CLUSTER.leaders(NAME)
    return Counter(leaders[q] for q in BUSIEST).most_common(1)[0][0]


def _most_connected() -> str:
    """The node the platform's processes are connected to (each to the first of its nodes that
    ran when it connected): the crash that interrupts most calls in flight."""
    return CLUSTER.most_connected(NAME).name


def _node_lost_under_load(platform, lose, how: str, which) -> None:
    """Load through the gateway; the node `which()` names lost in the middle; the load goes on
    for a few seconds after; then every command is checked."""
    dossiers = [platform.register(person("0344")) for _ in range(4)]
    load = Load(platform, dossiers)
    eventually(lambda: len(load.commands), lambda n: n >= 12, deadline=60, what="load running")
    busiest = which()
    eventually(
        lambda: CLUSTER.short_of_members(NAME),
        lambda short: short == [],
        deadline=60,
        what="every quorum queue has all its members online",
    )
    led_before = Counter(CLUSTER.leaders(NAME).values())[busiest]
    asked = time.monotonic()
    lose(CLUSTER.node(busiest))
    gone = time.monotonic()
    try:
        serving = _registration_answered_within(platform, SERVING_AGAIN_SECONDS)
        eventlet.sleep(3)  # the load goes on after the failover
        load.stop()
        figures = _verify(platform, load, f"node {busiest} {how}")
    except AssertionError:
        # where each process waits is in its log (`Platform.dump_stacks`); the broker's side:
        try:
            state = CLUSTER.state(NAME)
        except Exception as exc:  # noqa: BLE001 - the test's own failure is what counts
            state = f"not readable: {exc!r}"
        print(f"\nafter node {busiest} {how}, the cluster now:\n{state}")
        raise
    _assert_exactly_once(figures)
    assert figures["answered 2xx"] > 10, figures
    platform.wait_ledger_complete()  # the last events of the load may still be on their way
    for origin in EVENT_TABLES:
        assert platform.ledger_positions(origin) == _stored_positions(platform, origin), origin
    assert _doubled_ledger_events(platform) == []
    led_after = CLUSTER.leaders(NAME)
    assert busiest not in set(led_after.values()), led_after
    print(
        f"\n{busiest} (leading {led_before}) {how} in {gone - asked:.1f} s; registrations"
        f" answered again {serving - gone:.1f} s after it went; leaders now"
        f" {sorted(set(led_after.values()))}"
    )


def _registration_answered_within(platform, seconds: float) -> float:
    """When a fresh registration through the gateway was first answered 201, polling from now
    (each attempt a new person, so each is a new command)."""
    http = requests.Session()

    def attempt() -> int:
        try:
            return http.post(
                platform.url + "/api/v1/dossiers",
                json=person("0344"),
                headers=as_role(),
                timeout=seconds,
            ).status_code
        except requests.RequestException:
            return 0

    try:
        eventually(attempt, lambda status: status == 201, deadline=seconds, what="serving again")
    except AssertionError:
        platform.dump_stacks()  # where each process waits, in its log
        raise
    return time.monotonic()


def _stored_positions(platform, origin: str) -> list[int]:
    schema, table = EVENT_TABLES[origin]
    rows = platform.sql(f"SELECT notification_id FROM {schema}.{table} ORDER BY notification_id")
    return [r["notification_id"] for r in rows]


def _doubled_ledger_events(platform) -> list[str]:
    rows = platform.sql(
        # an event entered at more than one origin position: appended twice
        "SELECT event_id FROM audit.ledger GROUP BY event_id"
        " HAVING count(DISTINCT (origin, origin_position)) > 1 LIMIT 10"
    )
    return [r["event_id"] for r in rows]
