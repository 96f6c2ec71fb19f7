"""`wegwijs partner ...`: register partner organisations, give each its own RabbitMQ user and
queue, and subscribe them to channels.

Registering and subscribing go through the API, as an admin with their own token (`--token` or
WEGWIJS_TOKEN; on a development platform a development token is made when none is given), so
the gemeenten the admin acts for, and the command log, are the API's. The broker itself enforces
that a partner reads its own queue and nothing else: its user may not configure anything, may not
write anywhere, and may read only `partner.<OIN>.feed`, in a vhost of its own that holds nothing
else. The vhost, the user and the queue are imported into the broker as definitions with
WEGWIJS_RABBITMQCTL, the broker's own administration.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

from services.common import settings


def provision_broker(oin: str, password: str) -> dict[str, str]:
    """The partner's own broker user, allowed to read its own queue only; the queue itself."""
    from services.common.broker import (
        import_definitions,
        partner_definitions,
        partner_queue,
        partner_user,
        partner_vhost,
    )

    import_definitions(partner_definitions(oin, password))
    user, vhost = partner_user(oin), partner_vhost(oin)
    return {
        "amqp_uri": settings.broker_uri(user, password, vhost),
        "queue": partner_queue(oin).name,
        "user": user,
        "vhost": vhost,
    }


def _send(args: argparse.Namespace, path: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{args.url.rstrip('/')}{path}",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {_token(args)}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def _token(args: argparse.Namespace) -> str:
    token = args.token or settings.TOKEN.get()
    if token:
        return token
    if not settings.is_development():
        raise SystemExit("partner: give the admin's own token with --token or WEGWIJS_TOKEN")
    from services.common.region import Region
    from services.gateway.auth import issue_token

    # On a development platform the operator acts for every gemeente of the region.
    return issue_token(
        "admin",
        list(Region.load().codes()),
        user_id=f"cli:partner-{args.partner_command}",
        organisation=settings.SYSTEM_OIN.get(),
        ttl_seconds=300,
    )


def _refused(what: str, status: int, body: Any) -> int:
    print(
        f"partner {what}: refused ({status}): {json.dumps(body, ensure_ascii=False)}",
        file=sys.stderr,
    )
    return 2


def cmd_partner_add(args: argparse.Namespace) -> int:
    password = args.password or secrets.token_urlsafe(24)
    if len(password) < 16:
        print("partner add: a password must be at least 16 characters", file=sys.stderr)
        return 2
    partner = {"oin": args.oin, "name": args.name, "kind": args.kind, "gemeenten": args.gemeente}
    status, registered = _send(args, "/api/v1/partners", partner)
    if status != 200:
        return _refused("add", status, registered)
    broker = provision_broker(args.oin, password)
    print(json.dumps({"partner": registered, "feed": broker}, ensure_ascii=False))
    return 0


def cmd_partner_subscribe(args: argparse.Namespace) -> int:
    subscription = {
        "channel": args.channel,
        "types": args.type or [],
        "gemeenten": args.gemeente,
        "purpose": args.purpose,
    }
    path = f"/api/v1/partners/{quote(args.oin, safe='')}/subscriptions"
    status, made = _send(args, path, subscription)
    if status != 201:
        return _refused("subscribe", status, made)
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
    for command in (add, subscribe):
        command.add_argument("--token", help="the admin's bearer token (default: WEGWIJS_TOKEN)")
        command.add_argument(
            "--url", default=settings.public_url(), help="the API (default: WEGWIJS_PUBLIC_URL)"
        )
