"""`wegwijs partner ...`: register partner organisations, give each its own RabbitMQ user and
queue, and subscribe it to channels. Acts as the platform's administrator over RPC.

The broker itself enforces that a partner reads its own queue and nothing else: its user may not
configure anything, may not write anywhere, and may read only `partner.<OIN>.feed`. The user is made
with `rabbitmqctl` on the broker's host (the development machine; a deployment uses its own
provisioning with the same permissions).
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlparse

from services.common import settings


@contextmanager
def admin_rpc(user: str) -> Iterator[Any]:
    import eventlet

    eventlet.monkey_patch()
    from nameko.standalone.rpc import ClusterRpcProxy

    from services.common import remote  # noqa: F401 - errors arrive as themselves
    from services.common.context import CONTEXT_KEY, Actor, CommandContext
    from services.common.region import Region

    # The platform's operator on the broker's host acts for every gemeente of the region.
    region = tuple(Region.load().codes())
    admin = Actor(user, f"wegwijs {user}", ("admin",), settings.SYSTEM_OIN.get(), region)
    ctx = CommandContext(actor=admin, activity="partner-beheren")
    config = {"AMQP_URI": settings.AMQP_URI.get()}
    with ClusterRpcProxy(config, context_data={CONTEXT_KEY: ctx.to_header()}, timeout=30) as rpc:
        yield rpc


def _rabbitmqctl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=60, check=False
    )


def provision_broker(oin: str, password: str) -> dict[str, str]:
    """The partner's own AMQP user, allowed to read its own queue only; the queue itself."""
    from kombu import Connection

    from services.consent.relay import partner_queue

    uri = urlparse(settings.AMQP_URI.get())
    vhost = uri.path.lstrip("/") or "/"
    user = f"partner-{oin}"
    made = _rabbitmqctl("add_user", user, password)
    if made.returncode != 0:
        if "already exists" not in made.stderr + made.stdout:
            raise RuntimeError(f"rabbitmqctl add_user: {made.stderr.strip()}")
        changed = _rabbitmqctl("change_password", user, password)
        if changed.returncode != 0:
            raise RuntimeError(f"rabbitmqctl change_password: {changed.stderr.strip()}")
    queue = partner_queue(oin)
    allowed = _rabbitmqctl("set_permissions", "-p", vhost, user, "^$", "^$", f"^{queue.name}$")
    if allowed.returncode != 0:
        raise RuntimeError(f"rabbitmqctl set_permissions: {allowed.stderr.strip()}")
    with Connection(settings.AMQP_URI.get()) as conn:
        queue(conn.default_channel).declare()
    host = f"{uri.hostname}:{uri.port or 5672}"
    return {
        "amqp_uri": f"amqp://{user}:{quote(password, safe='')}@{host}/{quote(vhost, safe='')}",
        "queue": queue.name,
        "user": user,
    }


def cmd_partner_add(args: argparse.Namespace) -> int:
    from services.common.errors import ChainError

    partner = {"oin": args.oin, "name": args.name, "kind": args.kind, "gemeenten": args.gemeente}
    with admin_rpc("cli:partner-add") as rpc:
        try:
            registered = rpc.consent.register_partner(partner)
        except ChainError as exc:
            print(f"partner add: refused: {exc}", file=sys.stderr)
            return 2
    password = args.password or secrets.token_hex(20)
    if password.startswith("-"):
        print("partner add: a password may not start with '-'", file=sys.stderr)
        return 2
    broker = provision_broker(args.oin, password)
    print(json.dumps({"partner": registered, "feed": broker}, ensure_ascii=False))
    return 0


def cmd_partner_subscribe(args: argparse.Namespace) -> int:
    from services.common.errors import ChainError

    subscription = {
        "channel": args.channel,
        "types": args.type or [],
        "gemeenten": args.gemeente,
        "purpose": args.purpose,
    }
    with admin_rpc("cli:partner-subscribe") as rpc:
        try:
            made = rpc.consent.subscribe(args.oin, subscription)
        except ChainError as exc:
            print(f"partner subscribe: refused: {exc}", file=sys.stderr)
            return 2
    print(json.dumps(made, ensure_ascii=False))
    return 0


def add_parsers(sub: Any) -> None:
    partner = sub.add_parser("partner", help="partner organisations and their feeds")
    partner_sub = partner.add_subparsers(dest="partner_command", required=True)
    add = partner_sub.add_parser(
        "add", help="register (or update) a partner, with its own RabbitMQ user and queue"
    )
    add.add_argument("--oin", required=True, help="the organisation's OIN (20 digits)")
    add.add_argument("--name", required=True)
    add.add_argument("--kind", required=True, help="a recipient kind of the sharing protocol")
    add.add_argument("--gemeente", action="append", required=True, help="CBS code; repeat")
    add.add_argument("--password", help="its AMQP password (a new random one when left out)")
    add.set_defaults(func=cmd_partner_add)
    subscribe = partner_sub.add_parser("subscribe", help="subscribe a partner to a channel")
    subscribe.add_argument("--oin", required=True)
    subscribe.add_argument("--channel", required=True, help="intake, pip or matching")
    subscribe.add_argument("--type", action="append", help="an event type; repeat (none: all)")
    subscribe.add_argument("--gemeente", action="append", required=True, help="CBS code; repeat")
    subscribe.add_argument("--purpose", required=True, help="a purpose of the sharing protocol")
    subscribe.set_defaults(func=cmd_partner_subscribe)
