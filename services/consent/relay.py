"""The partner feed relay: sends each decided delivery to its partner's queue, checking the
decision again just before it does, and tells a partner when a consent it received data under
has ended or was narrowed (what to delete).

It reads consent's own notification log in order, like the outbox relay, from its own position
(`outbox_position`, origin `partners`), so a delivery decided before a withdrawal but not yet sent
is checked against the withdrawal and withheld (G2 at least once, in order). One instance relays
at a time (advisory lock). Each partner's queue is declared durable and bound on first use, so
nothing is lost before the partner first connects.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu import Connection, Producer
from psycopg import sql

from services.common import metrics
from services.common.broker import partner_exchange, partner_queue
from services.common.envelope import SERIALIZER
from services.consent.decisions import DisclosureLog
from services.consent.feeds import partner_cloudevent

log = logging.getLogger(__name__)

ORIGIN = "partners"
BATCH = 200


class PartnerPublisher:
    """Publishes to partners' queues persistently, with publisher confirms."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._declared: set[str] = set()

    def publish(self, oin: str, event: dict[str, Any]) -> None:
        try:
            producer = self._ensure()
            if oin not in self._declared:  # nothing is lost before the partner first connects
                partner_queue(oin)(producer.channel).declare()
                self._declared.add(oin)
            producer.publish(
                event, routing_key=oin, delivery_mode=2, message_id=event["id"], retry=False
            )
        except Exception:
            self.close()
            raise

    def _ensure(self) -> Producer:
        if self._producer is None:
            self._connection = Connection(
                self.amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=5
            )
            self._connection.ensure_connection(max_retries=1)
            channel = self._connection.channel()
            self._producer = Producer(channel, exchange=partner_exchange(), serializer=SERIALIZER)
        return self._producer

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:
                log.debug("partner_publisher_close_failed", exc_info=True)
        self._connection, self._producer = None, None
        self._declared.clear()


class PartnerFeedRelay:
    def __init__(self, runtime: Any):
        self.app = runtime.app
        self.db = runtime.db
        self.publisher = PartnerPublisher(runtime.container.config["AMQP_URI"])
        self._table = sql.Identifier(self.app.schema, "outbox_position")

    def relay(self) -> int:
        """Send what was decided and not yet sent; returns how many partner events went out."""
        sent = 0
        with self.db.advisory_lock("partner-feed:consent", wait=False) as leader:
            if leader is None:
                return 0
            row = leader.execute(
                sql.SQL("SELECT position FROM {} WHERE origin = %s").format(self._table), (ORIGIN,)
            ).fetchone()
            position = row["position"] if row else 0
            while notifications := self.app.recorder.select_notifications(
                start=position + 1, limit=BATCH
            ):
                for notification in notifications:
                    sent += self._handle(self.app.mapper.to_domain_event(notification))
                    position = notification.id
                leader.execute(
                    sql.SQL(
                        "INSERT INTO {} (origin, position) VALUES (%s, %s) "
                        "ON CONFLICT (origin) DO UPDATE SET position = EXCLUDED.position"
                    ).format(self._table),
                    (ORIGIN, position),
                )
        return sent

    def _handle(self, event: Any) -> int:
        if isinstance(event, DisclosureLog.Decided):
            return self._deliver(event)
        notices = self.app.delete_notices(event)
        for oin, notice in notices:
            self.publisher.publish(oin, notice)
        return len(notices)

    def _deliver(self, event: DisclosureLog.Decided) -> int:
        delivery = getattr(event, "delivery", None)
        if delivery is None:
            return 0
        dossier_id = str(event.context["subject"]["dossier_id"])
        decisions, data = self.app.recheck(dossier_id, event.recipient, delivery["event_id"])
        if data is None:
            unrelated = any(d.rule == "relatie-vereist" for d in decisions)
            reason = (
                "geen begeleiding of voorstel meer" if unrelated else "toestemming niet meer geldig"
            )
            self.app.withhold(dossier_id, event.recipient, delivery["event_id"], reason)
            log.info("partner_delivery_withheld", extra={"partner": event.recipient})
            return 0
        self.publisher.publish(event.recipient, partner_cloudevent(event.recipient, delivery, data))
        metrics.EVENTS_PUBLISHED.labels("consent-partners").inc()
        return 1

    def close(self) -> None:
        self.publisher.close()
