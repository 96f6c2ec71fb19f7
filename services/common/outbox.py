"""The outbox relay: the notification log of a service's Application *is* its outbox (G2).

The relay reads stored events from the last published position, publishes them as persistent
CloudEvents with publisher confirms (a batch at once, then its confirms), and only once every one
is confirmed records the new position. If RabbitMQ is down the
position does not move and the same events are published when it is back (at least once; consumers
make it exactly once in effect). One instance of a service relays at a time: an advisory lock elects
it, and the lock dies with its process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import Any

import psycopg
from amqp import spec
from eventsourcing.persistence import Notification
from kombu import Connection, Producer
from psycopg import sql
from psycopg.types.json import Jsonb

from services.common import metrics, settings, topology
from services.common.application import ChainApplication
from services.common.broker import events_exchange
from services.common.db import Database
from services.common.envelope import (
    PREVIOUS_HEADER,
    SERIALIZER,
    Publication,
    is_position,
    routing_key,
    to_cloudevent,
)

log = logging.getLogger(__name__)

BATCH = 200
CONFIRM_SECONDS = 10.0  # how long a batch may wait for its confirms before it is sent again


class Unconfirmed(ConnectionError):
    """The broker refused (nack) or did not confirm a published event in time."""


class Publisher:
    """Publishes CloudEvents persistently with publisher confirms: a batch goes out at once and
    is then waited for as a whole (one round trip per batch, not one per event)."""

    def __init__(self, amqp_uri: str | None = None):
        self.amqp_uri = amqp_uri or settings.AMQP_URI.get()
        self.exchange = events_exchange()  # declared by migrate
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._published = 0  # delivery tag of the last publish on this channel
        self._acked = 0  # every delivery tag up to this one is confirmed
        self._nacked = False

    def _ensure(self) -> Producer:
        if self._producer is None:
            self._connection = Connection(self.amqp_uri, connect_timeout=5)
            self._connection.ensure_connection(max_retries=settings.node_attempts(self.amqp_uri))
            channel = self._connection.channel()
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            self._published = self._acked = 0
            self._nacked = False
            self._producer = Producer(channel, exchange=self.exchange, serializer=SERIALIZER)
        return self._producer

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        # Confirms come in order of publishing on one channel; `multiple` covers all before.
        self._acked = max(self._acked, delivery_tag)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked = True

    def publish(self, event: Mapping[str, Any]) -> None:
        self.publish_all([event])

    def publish_all(
        self,
        events: Sequence[Mapping[str, Any]],
        headers: Sequence[Mapping[str, Any] | None] | None = None,
    ) -> None:
        """Publish `events` in order (each with its AMQP `headers`, if given) and return once
        the broker has confirmed every one; raises (and starts afresh on the next call) when one
        is refused or not confirmed."""
        if not events:
            return
        try:
            producer = self._ensure()
            for event, extra in zip(events, headers or [None] * len(events), strict=True):
                producer.publish(
                    dict(event),
                    routing_key=routing_key(event),
                    delivery_mode=2,
                    message_id=event["id"],
                    headers=extra,
                    retry=False,
                )
                self._published += 1
            self._await_confirms()
        except Exception:
            self.close()
            raise

    def _await_confirms(self) -> None:
        channel = self._producer.channel
        deadline = time.monotonic() + CONFIRM_SECONDS
        while self._acked < self._published and not self._nacked:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Unconfirmed("the broker did not confirm the events in time")
            channel.wait([spec.Basic.Ack, spec.Basic.Nack], timeout=left)
        if self._nacked:
            raise Unconfirmed("the broker refused an event (nack)")

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:
                log.debug("publisher_close_failed", exc_info=True)
        self._connection = None
        self._producer = None


def create_outbox_table(db: Database, schema: str) -> None:
    with db.transaction() as cur:
        cur.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (origin text PRIMARY KEY, position bigint NOT NULL)"
            ).format(sql.Identifier(schema, "outbox_position"))
        )
        # Where the previous event lies that each selective consumer takes (`Previous`).
        cur.execute(
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS previous jsonb").format(
                sql.Identifier(schema, "outbox_position")
            )
        )


class OutboxRelay:
    """Moves a service's stored events to RabbitMQ, in notification order, at least once."""

    def __init__(
        self,
        service: str,
        app: ChainApplication,
        publications: Mapping[type, Publication],
        db: Database,
        publisher: Publisher,
    ):
        self.service = service
        self.app = app
        self.publications = publications
        self.db = db
        self.publisher = publisher
        self._table = sql.Identifier(app.schema, "outbox_position")

    def _position_query(self) -> sql.Composed:
        return sql.SQL("SELECT position FROM {} WHERE origin = %s").format(self._table)

    def position(self) -> int:
        with self.db.transaction() as cur:
            row = cur.execute(self._position_query(), (self.service,)).fetchone()
        return row["position"] if row else 0

    def _record_position(self, conn: psycopg.Connection, position: int, previous: Previous) -> None:
        conn.execute(
            sql.SQL(
                "INSERT INTO {} (origin, position, previous) VALUES (%s, %s, %s) "
                "ON CONFLICT (origin) DO UPDATE"
                " SET position = EXCLUDED.position, previous = EXCLUDED.previous"
            ).format(self._table),
            (self.service, position, Jsonb(previous.last)),
        )

    def cloudevents(self, start: int, limit: int) -> list[dict[str, Any]]:
        """The integration events stored from position `start` on (also served over RPC)."""
        notifications = self.app.recorder.select_notifications(start=start, limit=limit)
        return [self._cloudevent(n) for n in notifications]

    def relay(self) -> int:
        """Publish everything not yet published; returns how many events went out.

        Returns 0 at once when another instance holds the relay lock. The lag is reported
        after every pass, also one that failed (RabbitMQ down)."""
        try:
            return self._relay()
        except Exception:
            with suppress(Exception):
                head = self.app.recorder.max_notification_id() or 0
                metrics.OUTBOX_LAG.labels(self.service).set(head - self.position())
            raise

    def _relay(self) -> int:
        """Three round trips for a pass that publishes one batch: the lock, the position and
        the events beyond it; the new position; the lock's release. The position is committed
        before the lock goes, so the next leader reads it."""
        sent = 0
        with self.db.leading(
            f"outbox:{self.service}", self._first_batch_query(), (self.service, BATCH)
        ) as lead:
            if lead is None:
                return 0
            batch = [self._cloudevent(notification_of(row)) for row in lead.rows if row["id"]]
            first = lead.rows[0]
            previous = Previous(self.service, int(first["position"]), first["previous"])
            while batch:
                # The whole batch out, then its confirms: the position moves only once the
                # broker has confirmed every event up to it.
                self.publisher.publish_all(batch, [previous.header(e) for e in batch])
                position = int(batch[-1]["sequence"])
                sent += len(batch)
                metrics.EVENTS_PUBLISHED.labels(self.service).inc(len(batch))
                self._record_position(lead.conn, position, previous)
                if len(batch) < BATCH:
                    # That was all there was; an event stored since wakes the relay again.
                    break
                batch = self.cloudevents(position + 1, BATCH)
            metrics.OUTBOX_LAG.labels(self.service).set(0)  # read up to the head
        return sent

    def _first_batch_query(self) -> sql.Composed:
        """The published position and the first batch of events beyond it (a row with the
        position alone, `id` null, when there are none)."""
        events = sql.Identifier(self.app.schema, self.app.recorder.events_table_name)
        return sql.SQL(
            "SELECT o.position, o.previous, e.notification_id AS id, e.originator_id,"
            " e.originator_version, e.topic, e.state"
            " FROM (SELECT coalesce(max(position), 0) AS position,"
            " (array_agg(previous))[1] AS previous FROM {} WHERE origin = %s) AS o"
            " LEFT JOIN LATERAL (SELECT * FROM {} WHERE notification_id > o.position"
            " ORDER BY notification_id LIMIT %s) AS e ON true ORDER BY e.notification_id"
        ).format(self._table, events)

    def _cloudevent(self, notification: Notification) -> dict[str, Any]:
        """A stored event as the integration event it is published as."""
        return to_cloudevent(
            self.service,
            self.publications,
            notification.id,
            self.app.mapper.to_domain_event(notification),
            notification.state,
        )


class Previous:
    """Where, in an origin's log, the previous event lies that each selective consumer takes
    (`topology.TAKES`). The relay sends it with every event such a consumer takes, in the AMQP
    header PREVIOUS_HEADER, under the consumer's `topology.taken_key` (its name and a
    fingerprint of the types it takes). The consumer's queue holds only those types, so
    without this it could not tell the positions in between from events lost on the way; a
    consumer that takes other types than the relay thinks (another release) finds no entry under
    its own key and goes by position - 1, as if it had none.

    Kept with the relay's position (`outbox_position.previous`, in the same statement), so it
    holds for whichever instance relays next, and after a restart. What it does not know (no
    row yet, a consumer or a set of types new since, a position set back by hand) it says as
    the position the pass starts from: the consumer then pulls what it may have missed up to
    there, as it always did."""

    def __init__(self, origin: str, position: int, stored: Mapping[str, Any] | None = None):
        self._takes = {
            topology.taken_key(c, origin): topology.takes(c, origin)
            for c in topology.selective_consumers(origin)
        }
        stored = stored or {}
        self.last: dict[str, int] = {}
        for key in self._takes:
            found = stored.get(key)
            self.last[key] = found if is_position(found) and found <= position else position

    def header(self, event: Mapping[str, Any]) -> dict[str, Any] | None:
        """The header of `event`, which is read next (None when no selective consumer takes
        it)."""
        taken_by = {k: self.last[k] for k, types in self._takes.items() if event["type"] in types}
        if not taken_by:
            return None
        position = int(event["sequence"])
        for key in taken_by:
            self.last[key] = position
        return {PREVIOUS_HEADER: taken_by}


def notification_of(row: Mapping[str, Any]) -> Notification:
    """A row of an event store (its notification id as `id`) as eventsourcing reads it."""
    return Notification(
        id=row["id"],
        originator_id=row["originator_id"],
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=bytes(row["state"]),
    )
