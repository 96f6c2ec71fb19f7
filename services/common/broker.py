"""The platform's place on RabbitMQ: its own vhost, one user per process, the exchanges, queues and
bindings, and what each user may do there.

`wegwijs migrate` makes all of it in one import of broker definitions, through `rabbitmqctl` (the
broker's administrator); no running process declares an exchange, a durable queue or a binding, or
connects as an administrator. Each process may:
- consume only its own queues (`rpc-<process>`, `<process>.from.<origin>`, its reply queues),
- make only its own reply queues, bound only with its own reply keys (`reply.<process>.<uuid>`),
- publish on the RPC exchange only the calls it may make (`topology.CALLS`) and the replies to its
  own callers, and on the events exchange only its own events (`<process>.<type>`).
Topic permissions on both topic exchanges hold these routing keys, so no process can bind a queue
to either exchange with `#`, and a partner's user can do nothing but read its own feed queue.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import shlex
import subprocess
from collections.abc import Iterable, Mapping
from typing import Any

from kombu import Exchange, Queue

from services.common import settings, topology
from services.common.settings import PROCESSES

RPC_EXCHANGE = "nameko-rpc"  # nameko's default RPC exchange
REPLY_KEY = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
OIN = "[0-9]{20}"


# exchanges and queues: declared by migrate only ----------------------------------------------
def rpc_exchange(declare: bool = False) -> Exchange:
    return Exchange(RPC_EXCHANGE, type="topic", durable=True, no_declare=not declare)


def events_exchange(declare: bool = False) -> Exchange:
    return Exchange(
        settings.EVENTS_EXCHANGE.get(), type="topic", durable=True, no_declare=not declare
    )


def partner_exchange(declare: bool = False) -> Exchange:
    return Exchange(
        settings.PARTNER_EXCHANGE.get(), type="direct", durable=True, no_declare=not declare
    )


def rpc_queue(process: str, declare: bool = False) -> Queue:
    """The queue on which every instance of `process` takes its RPC calls."""
    return Queue(
        f"rpc-{process}",
        exchange=rpc_exchange(declare),
        routing_key=f"{process}.*",
        durable=True,
        no_declare=not declare,
    )


def events_queue(consumer: str, origin: str, declare: bool = False) -> Queue:
    """The durable queue on which `consumer` receives the integration events of `origin` it
    takes, bound by migrate with `event_keys`."""
    return Queue(
        f"{consumer}.from.{origin}",
        exchange=events_exchange(declare),
        durable=True,
        no_declare=not declare,
    )


def event_keys(consumer: str, origin: str) -> list[str]:
    """The routing keys `consumer`'s queue for `origin` is bound with: one per event type it
    takes (`topology.TAKES`), or every event of the origin."""
    taken = topology.takes(consumer, origin)
    return [f"{origin}.{t}" for t in sorted(taken)] if taken else [f"{origin}.#"]


def reply_key(process: str, reply_id: str) -> str:
    """The routing key of a reply to `process`: only it may bind a queue with it."""
    return f"reply.{process}.{reply_id}"


def reply_queue_name(process: str, reply_id: str) -> str:
    return f"rpc.reply-{process}-{reply_id}"


# what each user may do ---------------------------------------------------------------------------
def _any_of(patterns: Iterable[str]) -> str:
    found = sorted(set(patterns))
    return f"^(?:{'|'.join(found)})$" if found else "^$"


def permissions(process: str) -> dict[str, str]:
    """configure, write and read: regular expressions over exchange and queue names."""
    replies = re.escape(f"rpc.reply-{process}-") + REPLY_KEY
    configure, write = [replies], [replies, re.escape(RPC_EXCHANGE)]
    read = [replies, re.escape(RPC_EXCHANGE), re.escape(f"rpc-{process}")]
    read += [re.escape(f"{process}.from.{origin}") for origin in topology.CONSUMES.get(process, ())]
    if process in topology.PUBLISHES:
        write.append(re.escape(settings.EVENTS_EXCHANGE.get()))
    return {"configure": _any_of(configure), "write": _any_of(write), "read": _any_of(read)}


def rpc_topics(process: str) -> dict[str, str]:
    """Routing keys on the RPC exchange: the calls it may make and the replies to its callers
    (write); its own reply keys (read, for binding its reply queues)."""
    calls = []
    for target, methods in topology.calls_of(process).items():
        if methods == topology.USER_FACING:
            internal = "|".join(sorted(topology.INTERNAL_METHODS))
            calls.append(rf"{re.escape(target)}\.(?!(?:{internal})$)[a-z_]+")
        else:
            calls.append(rf"{re.escape(target)}\.(?:{'|'.join(sorted(methods))})")
    callers = topology.callers_of(process)
    if callers:
        calls.append(rf"reply\.(?:{'|'.join(callers)})\.{REPLY_KEY}")
    return {"write": _any_of(calls), "read": _any_of([rf"reply\.{process}\.{REPLY_KEY}"])}


def event_topics(process: str) -> dict[str, str]:
    """Routing keys on the events exchange: its own events only; binding is migrate's."""
    own = [rf"{re.escape(process)}\..+"] if process in topology.PUBLISHES else []
    return {"write": _any_of(own), "read": "^$"}


# definitions ------------------------------------------------------------------------------------
def password_hash(password: str) -> str:
    """RabbitMQ's salted SHA-256 (rabbit_password_hashing_sha256), so no password is passed."""
    salt = secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def _user(name: str, password: str) -> dict[str, Any]:
    return {
        "name": name,
        "password_hash": password_hash(password),
        "hashing_algorithm": "rabbit_password_hashing_sha256",
        "tags": [],
    }


def _exchange(exchange: Exchange, vhost: str) -> dict[str, Any]:
    return {
        "name": exchange.name,
        "vhost": vhost,
        "type": exchange.type,
        "durable": True,
        "auto_delete": False,
        "internal": False,
        "arguments": {},
    }


def durable_queue_arguments() -> dict[str, Any]:
    """On a cluster every durable queue is a quorum queue, replicated on the nodes, so it and its
    messages outlive the node that leads it. Without a delivery limit: no consumer of the platform
    hands a message back for a failure of its own (an RPC call is answered with its error, an
    event is tracked or pulled again), so a message comes back only when a consumer's connection
    went, and dropping it then would lose a call."""
    return {"x-queue-type": "quorum"} if settings.broker_cluster() else {}


def _queue(
    queue: Queue, vhost: str, keys: Iterable[str] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The queue and its bindings: with `keys`, or else its own routing key."""
    keys = [queue.routing_key] if keys is None else list(keys)
    if not keys or not all(keys):
        raise ValueError(f"{queue.name} would be bound without a routing key")
    declared = {
        "name": queue.name,
        "vhost": vhost,
        "durable": True,
        "auto_delete": False,
        "arguments": durable_queue_arguments(),
    }
    bindings = [
        {
            "source": queue.exchange.name,
            "vhost": vhost,
            "destination": queue.name,
            "destination_type": "queue",
            "routing_key": key,
            "arguments": {},
        }
        for key in keys
    ]
    return declared, bindings


def platform_definitions() -> dict[str, Any]:
    """The vhost, every process's user and permissions, the exchanges, queues and bindings."""
    vhost = settings.vhost()
    declared = [_queue(rpc_queue(p, declare=True), vhost) for p in PROCESSES]
    declared += [
        _queue(events_queue(consumer, origin, declare=True), vhost, event_keys(consumer, origin))
        for consumer, origins in topology.CONSUMES.items()
        for origin in origins
    ]
    definitions: dict[str, Any] = {
        "vhosts": [{"name": vhost}],
        "users": [],
        "permissions": [],
        "topic_permissions": [],
        "exchanges": [_exchange(e, vhost) for e in (rpc_exchange(True), events_exchange(True))],
        "queues": [q for q, _ in declared],
        "bindings": [b for _, bindings in declared for b in bindings],
    }
    for process in PROCESSES:
        user = settings.broker_user(process)
        definitions["users"].append(_user(user, settings.AMQP_PASSWORDS[process].get()))
        definitions["permissions"].append({"user": user, "vhost": vhost, **permissions(process)})
        for exchange, topics in (
            (RPC_EXCHANGE, rpc_topics(process)),
            (settings.EVENTS_EXCHANGE.get(), event_topics(process)),
        ):
            definitions["topic_permissions"].append(
                {"user": user, "vhost": vhost, "exchange": exchange, **topics}
            )
    return definitions


def partner_vhost(oin: str) -> str:
    """The partner's own vhost: its feed queue and nothing else."""
    return f"{settings.vhost()}-partner-{oin}"


def partner_definitions(oin: str, password: str) -> dict[str, Any]:
    """A partner's own vhost with its feed queue; its own user, which may only read that queue;
    and consent's right to publish to it (and nothing else there)."""
    vhost = partner_vhost(oin)
    user = partner_user(oin)
    queue, bindings = _queue(partner_queue(oin, declare=True), vhost)
    exchange = settings.PARTNER_EXCHANGE.get()
    return {
        "vhosts": [{"name": vhost}],
        "users": [_user(user, password)],
        "permissions": [
            {
                "user": user,
                "vhost": vhost,
                "configure": "^$",
                "write": "^$",
                "read": f"^{re.escape(queue['name'])}$",
            },
            {
                "user": settings.broker_user("consent"),
                "vhost": vhost,
                "configure": "^$",
                "write": f"^{re.escape(exchange)}$",
                "read": "^$",
            },
        ],
        "exchanges": [_exchange(partner_exchange(True), vhost)],
        "queues": [queue],
        "bindings": bindings,
    }


def partner_user(oin: str) -> str:
    return settings.broker_user(f"partner-{oin}")


def partner_queue(oin: str, declare: bool = False) -> Queue:
    """A partner's own queue, in its own vhost: the only thing its broker user may read."""
    return Queue(
        f"partner.{oin}.feed",
        exchange=partner_exchange(declare),
        routing_key=oin,
        durable=True,
        no_declare=not declare,
    )


def _rabbitmqctl(*args: str, input: str | None = None) -> str:
    """Run a command as the broker's administrator (WEGWIJS_RABBITMQCTL); its output."""
    command = [*shlex.split(settings.RABBITMQCTL.get()), "-q", *args]
    done = subprocess.run(
        command, input=input, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {args[0]}: {done.stderr.strip()}")
    return done.stdout


def import_definitions(definitions: dict[str, Any]) -> None:
    """Import into the broker as its administrator, in one call."""
    _rabbitmqctl("import_definitions", input=json.dumps(definitions))


def stale_event_queues(definitions: dict[str, Any], found: Iterable[Mapping[str, Any]]) -> set[str]:
    """The event queues among the `found` bindings that are bound with a key the definitions
    no longer give them (an import adds bindings but removes none: a queue once bound to all of
    an origin's events keeps that binding)."""
    events = settings.EVENTS_EXCHANGE.get()
    wanted = {
        (b["destination"], b["routing_key"])
        for b in definitions["bindings"]
        if b["source"] == events
    }
    queues = {destination for destination, _ in wanted}
    return {
        b["destination_name"]
        for b in found
        if b["source_name"] == events
        and b["destination_name"] in queues
        and (b["destination_name"], b["routing_key"]) not in wanted
    }


def _listed(what: str, vhost: str, *columns: str) -> list[dict[str, Any]]:
    """`rabbitmqctl list_<what>` of the vhost: one dict per row, by column."""
    return json.loads(
        _rabbitmqctl(f"list_{what}", "-p", vhost, "--formatter", "json", *columns) or "[]"
    )


def _make_again(definitions: dict[str, Any], stale: set[str]) -> str:
    """Delete the stale queues and import them again, with only today's bindings; not while a
    consumer reads one (the platform runs: stop it and migrate again). What a queue held is not
    lost: at its start each consumer pulls from its origins' logs what lies beyond its own
    position."""
    vhost = settings.vhost()
    queues = _listed("queues", vhost, "name", "consumers")
    read = sorted(q["name"] for q in queues if q["name"] in stale and q["consumers"])
    if read:
        return (
            f"broker: {', '.join(read)} still bound to events their consumers do not take;"
            " made again by a migrate while the platform is stopped (correct meanwhile, only"
            " not cheaper)"
        )
    for queue in sorted(stale):
        _rabbitmqctl("delete_queue", "-p", vhost, queue)
    import_definitions(definitions)
    return f"broker: made {', '.join(sorted(stale))} again, bound only to what is taken"


def provision_platform() -> list[str]:
    definitions = platform_definitions()
    if not settings.RABBITMQCTL.get():
        return ["broker: left alone (WEGWIJS_RABBITMQCTL is empty: it loads definitions itself)"]
    import_definitions(definitions)
    done = []
    found = _listed("bindings", settings.vhost(), "source_name", "destination_name", "routing_key")
    if stale := stale_event_queues(definitions, found):
        done.append(_make_again(definitions, stale))
    users = ", ".join(u["name"] for u in definitions["users"])
    return [
        *done,
        f"broker vhost {settings.vhost()}: {len(definitions['queues'])} queues; users {users},"
        " each kept to its own queues and routing keys",
    ]
