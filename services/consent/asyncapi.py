"""The AsyncAPI 3 document of the partner feed; contracts/asyncapi.json is this, written out
(`wegwijs asyncapi > contracts/asyncapi.json`; a test fails when it is stale)."""

from __future__ import annotations

from typing import Any

from services.consent.categories import Categories
from services.consent.feeds import CHANNELS, WITHDRAWAL_TYPE


def _message_name(event_type: str) -> str:
    return event_type.removeprefix("nl.wegwijs.").replace(".", "-")


def asyncapi_document() -> dict[str, Any]:
    categories = Categories.load()
    types = sorted(
        t
        for t, mapping in categories.events.items()
        if t.split(".")[2] in CHANNELS
        and mapping.possible_event_categories() - categories.never_shared()
    )
    messages: dict[str, Any] = {
        _message_name(t): {
            "name": t,
            "title": t,
            "summary": "The integration event of this type, with only the fields the sharing "
            "decision permits (see its data schema for the fields it can have).",
            "contentType": "application/cloudevents+json",
            "payload": {"$ref": "partner/cloudevent.v1.json"},
            "externalDocs": {"url": f"events/{t}.json"},
        }
        for t in types
    }
    messages[_message_name(WITHDRAWAL_TYPE)] = {
        "name": WITHDRAWAL_TYPE,
        "title": "A consent ended or was narrowed: delete what it no longer covers",
        "contentType": "application/cloudevents+json",
        "payload": {"$ref": f"partner/{WITHDRAWAL_TYPE}.json"},
    }
    refs = [{"$ref": f"#/channels/partnerFeed/messages/{name}"} for name in messages]
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Wegwijs partner feed",
            "version": "1.0.0",
            "description": (
                "What a partner organisation receives from Wegwijs: CloudEvents (NL GOV profile) "
                "on its own queue, for the channels and filters it subscribed to (as in the VNG "
                "Notificaties API), holding only what the law or the person's consent allows. "
                "Enforcement (handhaving) is never sent. An organisation of a kind the protocol "
                "names under `relation` receives events only about people it guides or has a "
                "proposal for. "
                "Each event has a dataref to fetch it again with a partner token; the decision "
                "is taken again at fetch time. When a consent ends or is narrowed, a "
                f"{WITHDRAWAL_TYPE} event tells the partner to delete what it holds of the "
                "categories it names. Deliveries "
                "are at least once: deduplicate by id. examples/partner_consumer.py is a "
                "consumer to copy."
            ),
        },
        "servers": {
            "rabbitmq": {
                "host": "127.0.0.1:5672",
                "protocol": "amqp",
                "protocolVersion": "0-9-1",
                "pathname": "/{vhost}",
                "variables": {
                    "vhost": {
                        "default": "wegwijs-partner-00000000000000000000",
                        "description": "Your own vhost, <platform vhost>-partner-<your OIN>, as"
                        " `wegwijs partner add` printed it: it holds your feed queue only.",
                    }
                },
                "security": [{"$ref": "#/components/securitySchemes/partnerUser"}],
            }
        },
        "channels": {
            "partnerFeed": {
                "address": "partner.{oin}.feed",
                "title": "Your organisation's feed",
                "parameters": {"oin": {"description": "Your organisation's OIN (20 digits)."}},
                "messages": messages,
                "bindings": {
                    "amqp": {
                        "is": "queue",
                        "queue": {
                            "name": "partner.{oin}.feed",
                            "durable": True,
                            "exclusive": False,
                            "autoDelete": False,
                        },
                        "bindingVersion": "0.3.0",
                    }
                },
            }
        },
        "operations": {
            "receiveFeed": {
                "action": "receive",
                "channel": {"$ref": "#/channels/partnerFeed"},
                "summary": "Consume your queue; acknowledge each event once handled.",
                "messages": refs,
                "bindings": {"amqp": {"ack": True, "bindingVersion": "0.3.0"}},
            }
        },
        "components": {
            "securitySchemes": {
                "partnerUser": {
                    "type": "userPassword",
                    "description": "Your own AMQP user (from `wegwijs partner add`): it may read "
                    "your queue and nothing else; the broker refuses the rest.",
                }
            }
        },
    }
