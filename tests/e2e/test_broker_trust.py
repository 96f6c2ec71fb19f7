"""The broker trusts nobody because of where they are: every process has its own user that may use
only its own queues and routing keys, nothing runs as `guest`, and a partner reads only its feed
(issue 13, finding 1)."""

from __future__ import annotations

import uuid

import pytest
from amqp.exceptions import AccessRefused, NotAllowed, NotFound
from kombu import Connection

from services.common import settings
from services.common.broker import RPC_EXCHANGE, partner_user, partner_vhost
from services.common.settings import PROCESSES
from tests.platform import TEST, rabbitmqctl

PARTNER = "00000001234567890123"
PARTNER_PASSWORD = "partner-password-for-the-broker-test"
TOPIC_EXCHANGES = (RPC_EXCHANGE, settings.EVENTS_EXCHANGE.get())
REFUSED = (AccessRefused, NotAllowed)


def _connections() -> list[tuple[str, str]]:
    rows = rabbitmqctl("list_connections", "user", "vhost", "--quiet", "--no-table-headers")
    return [tuple(line.split("\t")) for line in rows.splitlines() if line.strip()]


def test_no_connection_of_the_running_platform_is_guest(platform):
    platform.register()  # every process has something to do
    ours = [user for user, vhost in _connections() if vhost == TEST.name]

    assert ours, "the platform holds connections to its vhost"
    assert "guest" not in ours
    assert set(ours) <= {settings.broker_user(p) for p in PROCESSES}
    assert {settings.broker_user(p) for p in PROCESSES} <= set(ours), "each process as itself"


@pytest.fixture(scope="module")
def partner_uri(platform):
    platform.cli(
        "partner", "add", "--oin", PARTNER, "--name", "Taalschool Broker", "--kind",
        "taalaanbieder", "--gemeente", "0344", "--password", PARTNER_PASSWORD,
    )  # fmt: skip
    user = partner_user(PARTNER)
    yield f"amqp://{user}:{PARTNER_PASSWORD}@127.0.0.1:5672/{partner_vhost(PARTNER)}"
    rabbitmqctl("delete_user", user)


def _bind_everything(uri: str, queue: str, exchange: str, declare: bool) -> None:
    with Connection(uri, connect_timeout=5) as conn:
        channel = conn.channel()
        if declare:
            channel.queue_declare(queue, auto_delete=True, arguments={"x-expires": 60000})
        channel.queue_bind(queue, exchange, "#")


@pytest.mark.parametrize("process", PROCESSES)
@pytest.mark.parametrize("exchange", TOPIC_EXCHANGES)
def test_a_process_cannot_bind_a_queue_to_a_topic_exchange_with_hash(platform, process, exchange):
    own_reply_queue = f"rpc.reply-{process}-{uuid.uuid4()}"  # the one kind it may make

    with pytest.raises(REFUSED, match="ACCESS_REFUSED"):
        _bind_everything(settings.amqp_uri(process), own_reply_queue, exchange, declare=True)


@pytest.mark.parametrize("exchange", TOPIC_EXCHANGES)
def test_a_partner_cannot_bind_its_feed_to_a_topic_exchange(platform, partner_uri, exchange):
    with pytest.raises((*REFUSED, NotFound)):
        _bind_everything(partner_uri, f"partner.{PARTNER}.feed", exchange, declare=False)


def test_a_partner_reads_its_own_feed_and_cannot_even_see_another_queue(platform, partner_uri):
    with Connection(partner_uri, connect_timeout=5) as conn:
        conn.channel().basic_consume(f"partner.{PARTNER}.feed", callback=lambda m: None)
    # Its vhost holds its feed and nothing else: other queues do not exist there, so neither
    # their existence nor their depth shows.
    for other in ("audit.from.intake", "rpc-intake", "partner.00000003000000000021.feed"):
        with (
            pytest.raises(NotFound),
            Connection(partner_uri, connect_timeout=5) as conn,
        ):
            conn.channel().queue_declare(other, passive=True)
    # And the platform's own vhost does not let it in at all.
    platform_vhost = partner_uri.rsplit("/", 1)[0] + f"/{TEST.name}"
    with pytest.raises(REFUSED), Connection(platform_vhost, connect_timeout=5) as conn:
        conn.ensure_connection(max_retries=1)


def test_a_process_cannot_read_another_process_queue(platform):
    for user, queue in (("intake", "audit.from.intake"), ("pip", "rpc-intake")):
        with (
            pytest.raises(REFUSED, match="ACCESS_REFUSED"),
            Connection(settings.amqp_uri(user), connect_timeout=5) as conn,
        ):
            conn.channel().basic_consume(queue, callback=lambda m: None)


def test_a_process_cannot_publish_another_origin_s_events(platform):
    with (
        pytest.raises(REFUSED, match="ACCESS_REFUSED"),
        Connection(settings.amqp_uri("pip"), connect_timeout=5) as conn,
    ):
        channel = conn.channel()
        channel.confirm_select()
        channel.basic_publish(
            channel.prepare_message(b"{}", content_type="application/json"),
            exchange=settings.EVENTS_EXCHANGE.get(),
            routing_key="intake.nl.wegwijs.intake.dossier.geregistreerd.v1",
        )
        channel.basic_qos(0, 1, False)  # a round trip: the refusal closes the channel first


def test_no_process_may_declare_or_delete_the_platform_s_exchanges(platform):
    for process in PROCESSES:
        with (
            pytest.raises(REFUSED, match="ACCESS_REFUSED"),
            Connection(settings.amqp_uri(process), connect_timeout=5) as conn,
        ):
            conn.channel().exchange_delete(settings.EVENTS_EXCHANGE.get())
