"""The partner feed relay: sends each decided delivery to its partner's queue, checking the
decision again just before it does, and tells a partner when a consent it received data under
has ended or was narrowed (what to delete).

It reads consent's own notification log in order, like the outbox relay, from its own position
(`outbox_position`, origin `partners`), so a delivery decided before a withdrawal but not yet sent
is checked against the withdrawal and withheld (G2 at least once, in order). One instance relays
at a time (advisory lock). Each partner's feed queue lives in the partner's own vhost, made with
its broker user (`wegwijs partner add`), so nothing is lost before the partner first connects; a
delivery to a partner that has no feed is withheld, and the relay goes on.
"""

from __future__ import annotations

import logging
from typing import Any

from amqp.exceptions import NotAllowed
from kombu import Connection, Producer
from psycopg import sql

from services.common import metrics, settings
from services.common.broker import partner_exchange, partner_vhost
from services.common.envelope import SERIALIZER
from services.consent.decisions import DisclosureLog
from services.consent.feeds import partner_cloudevent

log = logging.getLogger(__name__)

ORIGIN = "partners"
BATCH = 200


class PartnerFeedMissing(LookupError):
    """The partner has no feed on the broker (no vhost, or consent may not publish there)."""


class PartnerPublisher:
    """Publishes to partners' queues persistently, with publisher confirms: one connection per
    partner, to the partner's own vhost."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self._producers: dict[str, tuple[Connection, Producer]] = {}

    def publish(self, oin: str, event: dict[str, Any]) -> None:
        try:
            producer = self._producer(oin)
            producer.publish(
                event,
                routing_key=oin,
                delivery_mode=2,
                message_id=event["id"],
                retry=False,
            )
        except NotAllowed:
            self._close(oin)
            raise PartnerFeedMissing(oin) from None
        except Exception:
            self._close(oin)
            raise

    def _producer(self, oin: str) -> Producer:
        if oin not in self._producers:
            uri = settings.uri_on_vhost(self.amqp_uri, partner_vhost(oin))
            connection = Connection(
                uri, transport_options={"confirm_publish": True}, connect_timeout=5
            )
            connection.ensure_connection(max_retries=settings.node_attempts(uri))
            producer = Producer(
                connection.channel(), exchange=partner_exchange(), serializer=SERIALIZER
            )
            self._producers[oin] = (connection, producer)
        return self._producers[oin][1]

    def _close(self, oin: str) -> None:
        connection, _ = self._producers.pop(oin, (None, None))
        if connection is not None:
            try:
                connection.release()
            except Exception:
                log.debug("partner_publisher_close_failed", exc_info=True)

    def close(self) -> None:
        for oin in list(self._producers):
            self._close(oin)


class PartnerFeedRelay:
    def __init__(self, runtime: Any):
        self.app = runtime.app
        self.db = runtime.db
        self.publisher = PartnerPublisher(runtime.container.config["AMQP_URI"])
        self._table = sql.Identifier(self.app.schema, "outbox_position")

    def relay(self) -> int:
        """Send what was decided and not yet sent; returns how many partner events went out."""
        sent = 0
        with self.db.leading(
            "partner-feed:consent",
            sql.SQL("SELECT position FROM {} WHERE origin = %s").format(self._table),
            (ORIGIN,),
        ) as lead:
            if lead is None:
                return 0
            leader, row = lead.conn, lead.row
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
                if len(notifications) < BATCH:
                    break  # that was all; an event stored since wakes the relay again
        return sent

    def _handle(self, event: Any) -> int:
        if isinstance(event, DisclosureLog.Decided):
            return self._deliver(event)
        sent = 0
        for oin, notice in self.app.delete_notices(event):
            try:
                self.publisher.publish(oin, notice)
                sent += 1
            except PartnerFeedMissing:  # it has no feed, so it received nothing to delete
                log.warning("partner_feed_missing", extra={"partner": oin})
        return sent

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
        try:
            self.publisher.publish(
                event.recipient, partner_cloudevent(event.recipient, delivery, data)
            )
        except PartnerFeedMissing:
            self.app.withhold(
                dossier_id, event.recipient, delivery["event_id"], "geen feed ingericht"
            )
            log.warning("partner_feed_missing", extra={"partner": event.recipient})
            return 0
        metrics.EVENTS_PUBLISHED.labels("consent-partners").inc()
        return 1

    def close(self) -> None:
        self.publisher.close()
