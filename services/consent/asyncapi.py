"""The AsyncAPI 3 document of the partner feed; contracts/asyncapi.json is this, written out
(`wegwijs asyncapi > contracts/asyncapi.json`; a test fails when it is stale).

The document is whole: the partner schemas (`contracts/partner/`) are in it under
`components.schemas`, their `$ref`s by `$id` turned into references inside the document, so the
official AsyncAPI parser and any generator read it without fetching anything."""

from __future__ import annotations

from typing import Any

from services.consent.feeds import CHANNELS, WITHDRAWAL_TYPE
from services.contracts.categories import Categories
from services.contracts.events import REGISTER
from services.contracts.events.documents import envelope_schema, event_schema
from services.contracts.events.envelope import PARTNER, PartnerCloudEvent


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
            "decision permits.",
            "description": f"The fields its `data` can have: `events/{t}.json` beside this "
            "document (JSON Schema 2020-12, `$id` "
            f"`urn:wegwijs:contracts:events:{t}`).",
            "contentType": "application/cloudevents+json",
            "payload": {"$ref": "#/components/schemas/PartnerCloudEvent"},
        }
        for t in types
    }
    messages[_message_name(WITHDRAWAL_TYPE)] = {
        "name": WITHDRAWAL_TYPE,
        "title": "A consent ended or was narrowed: delete what it no longer covers",
        "contentType": "application/cloudevents+json",
        "payload": {"$ref": "#/components/schemas/ConsentEnded"},
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
            "schemas": _partner_schemas(),
            "securitySchemes": {
                "partnerUser": {
                    "type": "userPassword",
                    "description": "Your own AMQP user (from `wegwijs partner add`): it may read "
                    "your queue and nothing else; the broker refuses the rest.",
                }
            },
        },
    }


# The partner schemas by the name they have in the document.
_SCHEMAS = {"PartnerCloudEvent": "cloudevent.v1", "ConsentEnded": WITHDRAWAL_TYPE}


def _partner_schemas() -> dict[str, Any]:
    """Each partner schema without `$schema` and `$id` (inside the document its base is the
    document's), every `$ref` to another by `$id` pointing into the document."""
    by_id = {PARTNER + file: name for name, file in _SCHEMAS.items()}
    found = {}
    for name, file in _SCHEMAS.items():
        if file in REGISTER:  # an event's schema, as its model makes it
            schema = event_schema(REGISTER[file])
        else:  # the envelope, as its model makes it
            schema = envelope_schema(PartnerCloudEvent)
        schema.pop("$schema", None)
        schema.pop("$id", None)
        found[name] = _internal(schema, by_id)
    return found


def _internal(node: Any, by_id: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: f"#/components/schemas/{by_id[value]}"
            if key == "$ref" and value in by_id
            else _internal(value, by_id)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_internal(item, by_id) for item in node]
    return node
