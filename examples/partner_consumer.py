"""A partner organisation's consumer of its Wegwijs feed: copy it to start.

Reads your own queue with your own AMQP credentials (from `wegwijs partner add`), keeps what it
receives per dossier, forgets a dossier's categories when told a consent ended, and fetches an event
again by its `dataref` when it needs the current state. Deliveries are at least once: it skips an
event `id` it has seen. Needs only kombu (and, for `fetch`, the standard library).

    WEGWIJS_FEED_URI=amqp://<vhost>-partner-<OIN>:<password>@host:5672/<vhost>-partner-<OIN> \\
    WEGWIJS_FEED_QUEUE=partner.<OIN>.feed \\
    python examples/partner_consumer.py
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import suppress
from typing import Any

from kombu import Connection, Consumer, Queue

WITHDRAWN = "nl.wegwijs.partnerfeed.toestemming-beeindigd.v1"
ACCEPT = ["application/cloudevents+json", "application/json"]


class PartnerFeed:
    """Your queue, read with your credentials; each event is acknowledged once handled."""

    def __init__(self, uri: str, queue: str):
        self.connection = Connection(uri)
        self._waiting: list[tuple[dict[str, Any], Any]] = []
        self.consumer = Consumer(
            self.connection.channel(),
            queues=[Queue(queue, no_declare=True)],  # you may read it, not declare it
            callbacks=[lambda body, message: self._waiting.append((body, message))],
            accept=ACCEPT,
        )
        self.consumer.consume()

    def events(self, idle_seconds: float = 1.0) -> Iterator[dict[str, Any]]:
        """Events as they come; stops after `idle_seconds` without one."""
        while True:
            if not self._waiting:
                try:
                    self.connection.drain_events(timeout=idle_seconds)
                except TimeoutError:
                    return
            while self._waiting:
                body, message = self._waiting.pop(0)
                yield body if isinstance(body, dict) else json.loads(body)
                message.ack()

    def close(self) -> None:
        with suppress(Exception):
            self.connection.release()


class LocalStore:
    """What the partner keeps: per dossier, the events received; a withdrawal deletes them."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.by_dossier: dict[str, list[dict[str, Any]]] = {}

    def handle(self, event: dict[str, Any]) -> None:
        if event["id"] in self.seen:
            return  # delivered again: at least once
        self.seen.add(event["id"])
        if event["type"] == WITHDRAWN:
            # A consent ended or was narrowed: delete what we hold of the categories it names.
            # Coarse on purpose: this keeps nothing about the dossier that they may have covered.
            self.by_dossier.pop(event["subject"], None)
            return
        self.by_dossier.setdefault(event["subject"], []).append(event)


def fetch(dataref: str, token: str) -> dict[str, Any] | None:
    """The event as it may be shared now (None when it may not be any more)."""
    request = urllib.request.Request(dataref, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def main() -> None:
    feed = PartnerFeed(os.environ["WEGWIJS_FEED_URI"], os.environ["WEGWIJS_FEED_QUEUE"])
    store = LocalStore()
    try:
        while True:
            for event in feed.events(idle_seconds=5):
                store.handle(event)
                print(event["type"], event["subject"], json.dumps(event["data"]))
    except KeyboardInterrupt:
        pass
    finally:
        feed.close()


if __name__ == "__main__":
    main()
