"""Partner feeds: subscriptions, the decision for each event a subscription matches, the check
again just before sending, and a partner fetching an event by its dataref. Mixed into the Consent
application (`application.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.common.access import Action, require, require_for_gemeenten
from services.common.clock import AMSTERDAM, today_in_amsterdam
from services.common.context import CommandContext, current_context, system_context
from services.common.errors import NotFound
from services.consent.categories import NEVER_SHARED
from services.consent.decisions import Decision, DisclosureLog, decide, disclosure_log_id
from services.consent.feeds import SUBSCRIPTIONS_ID, Subscriptions, parse_subscription
from services.consent.partners import partner_id
from services.consent.records import DossierConsents, consents_id

FEED_ACTIVITY = "delen-met-partner"


def basis_of(decisions: list[Decision]) -> str:
    """Each category's answer with its rule and consent: the legal basis the ledger records."""
    return "; ".join(
        f"{d.category}: {'ja' if d.permit else 'nee'} ({d.rule}"
        + (f", toestemming {d.consent_id}" if d.consent_id else "")
        + ")"
        for d in decisions
    )


class FeedUseCases:
    # subscriptions ------------------------------------------------------------------------------
    def subscribe(self, ctx: CommandContext, oin: str, data: Any) -> dict[str, Any]:
        """Subscribe a partner to a channel, filtered by event types and gemeenten."""
        require(ctx, Action.MANAGE_PARTNERS)
        partner = self.partner(oin)
        subscription = parse_subscription(
            data, partner.gemeenten, self.protocol.purposes, self.categories.events
        )
        require_for_gemeenten(ctx, Action.MANAGE_PARTNERS, subscription["gemeenten"])
        subscription_id = str(uuid.uuid4())
        self._update(
            ctx.for_activity("partner-beheren"),
            self._subscriptions,
            lambda s: s.subscribe(subscription_id, partner.oin, subscription),
        )
        return {"id": subscription_id, "partner": partner.oin, **subscription}

    def end_subscription(self, ctx: CommandContext, subscription_id: str) -> None:
        require(ctx, Action.MANAGE_PARTNERS)

        def end(subscriptions: Subscriptions) -> None:
            ended = subscriptions.active.get(subscription_id, {})
            require_for_gemeenten(ctx, Action.MANAGE_PARTNERS, ended.get("gemeenten", []))
            subscriptions.end(subscription_id)

        self._update(ctx.for_activity("partner-beheren"), self._subscriptions, end)

    def subscriptions(self, ctx: CommandContext, oin: str) -> list[dict[str, Any]]:
        ctx = require(ctx, Action.MANAGE_PARTNERS)
        return [
            s
            for s in self._subscriptions().of_partner(oin)
            if all(ctx.actor.acts_for(g) for g in s["gemeenten"])
        ]

    def _subscriptions(self) -> Subscriptions:
        try:
            return self.load(SUBSCRIPTIONS_ID)
        except AggregateNotFoundError:
            return Subscriptions()

    # the feed, decided when an event arrives ----------------------------------------------------
    def feed(
        self, origin: str, event: Mapping[str, Any], consents: DossierConsents | None = None
    ) -> list[Any]:
        """For every subscription the event matches: decide each category it holds for that
        partner, and when the event as such may be shared, record what to send. Returns the
        changed aggregates (`consents`, when given, are the dossier's, not yet saved)."""
        if event["type"] not in self.categories.events or not event.get("gemeente"):
            return []
        mapping = self.categories.of_event(event["type"])
        data = event["data"]
        if mapping.event_category(data) == NEVER_SHARED:
            return []
        matching = self._subscriptions().matching(origin, event["type"], event["gemeente"])
        if not matching:
            return []
        consents = consents or self.dossier_consents(event["subject"], event["gemeente"])
        log = self._disclosure_log(consents)
        day = datetime.fromisoformat(event["time"]).astimezone(AMSTERDAM).date()
        categories = sorted(mapping.categories_in(data))
        # An event addressed to one organisation (a match proposed to it) goes to that one only.
        addressed = data.get("organisation")
        for subscription in matching:
            if addressed and subscription["partner"] != addressed:
                continue
            partner = self.load(partner_id(subscription["partner"]))
            decisions = [
                decide(self.protocol, consents, partner, c, subscription["purpose"], day)
                for c in categories
            ]
            permitted = sorted(d.category for d in decisions if d.permit)
            delivery = None
            if mapping.event_category(data) in permitted:
                delivery = {
                    "event_id": event["id"],
                    "type": event["type"],
                    "time": event["time"],
                    "subject": event["subject"],
                    "gemeente": event["gemeente"],
                    "data": mapping.permitted_data(data, permitted),
                    "categories": permitted,
                }
            ctx = current_context()
            with self.command(
                replace(ctx, activity=FEED_ACTIVITY, legal_basis=basis_of(decisions))
            ):
                log.record(
                    recipient=partner.oin,
                    recipient_kind=partner.kind,
                    purpose=subscription["purpose"],
                    day=day,
                    protocol_version=self.protocol.version,
                    decisions=[d.as_dict() for d in decisions],
                    trigger=f"feed:{event['id']}",
                    delivery=delivery,
                )
        return [consents, log]

    def dossier_consents(self, dossier_id: str, gemeente: str) -> DossierConsents:
        """The dossier's consents; opened here when another origin's event came first."""
        try:
            return self.load(consents_id(dossier_id))
        except AggregateNotFoundError:
            return DossierConsents(dossier_id=UUID(dossier_id), gemeente=gemeente)

    def _disclosure_log(self, consents: DossierConsents) -> DisclosureLog:
        try:
            return self.load(disclosure_log_id(consents.dossier_id))
        except AggregateNotFoundError:
            return DisclosureLog(dossier_id=consents.dossier_id, gemeente=consents.gemeente)

    # the check again, when sending or fetching ---------------------------------------------------
    def recheck(
        self, dossier_id: str, recipient: str, event_id: str, today: date | None = None
    ) -> tuple[list[Decision], dict[str, Any] | None]:
        """Decide a delivery's categories again for today: the decisions, and the data that may
        still be sent (None when the event may no longer be sent at all, because a consent was
        withdrawn or ended meanwhile, or when there is no such delivery)."""
        today = today or today_in_amsterdam()
        try:
            log = self.repository.get(disclosure_log_id(dossier_id))
            consents = self.repository.get(consents_id(dossier_id))
            partner = self.repository.get(partner_id(recipient))
        except (AggregateNotFoundError, ValueError):
            return [], None
        delivery = log.delivery(recipient, event_id)
        if delivery is None:
            return [], None
        mapping = self.categories.of_event(delivery["type"])
        decisions = [
            decide(self.protocol, consents, partner, c, delivery["purpose"], today)
            for c in delivery["categories"]
        ]
        permitted = {d.category for d in decisions if d.permit}
        if mapping.event_category(delivery["data"]) not in permitted:
            return decisions, None
        return decisions, mapping.permitted_data(delivery["data"], permitted)

    def withhold(self, dossier_id: str, recipient: str, event_id: str, reason: str) -> None:
        self._update(
            system_context("consent", FEED_ACTIVITY),
            lambda: self.repository.get(disclosure_log_id(dossier_id)),
            lambda log: log.withhold(recipient, event_id, reason),
        )

    def fetch(self, ctx: CommandContext, dossier_id: str, event_id: str) -> dict[str, Any]:
        """A partner fetches an event it was sent (its dataref): what may be shared now. The
        decision taken at fetch time is recorded like every other."""
        require(ctx, Action.FETCH_FEED)
        partner = ctx.actor.organisation
        decisions, data = self.recheck(dossier_id, partner, event_id)
        if not decisions:
            raise NotFound("no such event for your organisation")
        log = self.repository.get(disclosure_log_id(dossier_id))
        delivery = log.delivery(partner, event_id)
        self._update(
            replace(ctx, activity=FEED_ACTIVITY, legal_basis=basis_of(decisions)),
            lambda: self.repository.get(log.id),
            lambda log: log.record(
                recipient=partner,
                recipient_kind=self.partner(partner).kind,
                purpose=delivery["purpose"],
                day=today_in_amsterdam(),
                protocol_version=self.protocol.version,
                decisions=[d.as_dict() for d in decisions],
                trigger=f"ophalen:{event_id}",
            ),
        )
        if data is None:
            raise NotFound("this event may no longer be shared with your organisation")
        return {
            "id": event_id,
            "type": delivery["type"],
            "time": delivery["time"],
            "subject": dossier_id,
            "gemeente": delivery["gemeente"],
            "categories": sorted(d.category for d in decisions if d.permit),
            "data": data,
        }
