"""Partner feeds: subscriptions, the decision for each event a subscription matches, the check
again just before sending, a partner fetching an event by its dataref, and the notices telling a
partner to delete what a consent no longer covers. Mixed into the Consent application
(`application.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.common.access import Action, require, require_for_gemeenten
from services.common.clock import AMSTERDAM, today_in_amsterdam
from services.common.context import CommandContext, current_context, system_context
from services.common.errors import NotFound
from services.consent.decisions import (
    Decision,
    DisclosureLog,
    decide,
    disclosure_log_id,
    without_relation,
)
from services.consent.feeds import (
    SUBSCRIPTIONS_ID,
    Subscriptions,
    parse_subscription,
    withdrawal_cloudevent,
)
from services.consent.partners import Partner, partner_id
from services.consent.records import DossierConsents, consents_id
from services.consent.relations import CONSUMED as RELATION_EVENTS
from services.consent.relations import Relations, relations_id

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
            data,
            partner.gemeenten,
            self.protocol.purposes,
            self.categories.events,
            self.region.codes(),
        )
        require_for_gemeenten(ctx, Action.MANAGE_PARTNERS, subscription["gemeenten"])
        subscription_id = str(uuid.uuid4())
        self._update(
            ctx.for_activity("partner-beheren"),
            self._subscriptions,
            lambda s: s.subscribe(subscription_id, partner.oin, subscription),
        )
        return {"id": subscription_id, "partner": partner.oin, **subscription}

    def end_subscription(
        self, ctx: CommandContext, oin: str, subscription_id: str
    ) -> dict[str, Any]:
        """End a partner's subscription: no event reaches the partner through it any more.
        Ending one that ended already changes nothing and answers the same."""
        require(ctx, Action.MANAGE_PARTNERS)
        ended: dict[str, Any] = {}

        def end(subscriptions: Subscriptions) -> None:
            found = subscriptions.find(subscription_id)
            if found is None or found["partner"] != oin:
                raise NotFound(f"partner {oin} has no subscription {subscription_id}")
            require_for_gemeenten(ctx, Action.MANAGE_PARTNERS, found["gemeenten"])
            ended.update(subscriptions.end(subscription_id))

        self._update(ctx.for_activity("partner-beheren"), self._subscriptions, end)
        return {**ended, "ended": True}

    def subscriptions(self, ctx: CommandContext, oin: str) -> list[dict[str, Any]]:
        ctx = require(ctx, Action.MANAGE_PARTNERS)
        return [
            s
            for s in self._subscriptions().of_partner(oin)
            if all(ctx.actor.acts_for(g) for g in s["gemeenten"])
        ]

    def partner_subscriptions(self, ctx: CommandContext, oin: str) -> dict[str, Any]:
        """A partner working for a gemeente the admin acts for, and its subscriptions of those
        gemeenten; another partner is not found."""
        ctx = require(ctx, Action.MANAGE_PARTNERS)
        partner = self.partner(oin)
        if not any(ctx.actor.acts_for(g) for g in partner.gemeenten):
            raise NotFound(f"no partner organisation with OIN {oin}")
        return {"partner": partner.as_dict(), "subscriptions": self.subscriptions(ctx, oin)}

    def _subscriptions(self) -> Subscriptions:
        try:
            return self.load(SUBSCRIPTIONS_ID)
        except AggregateNotFoundError:
            return Subscriptions()

    # (the store's generation when read, stored version, the subscriptions at that version):
    # see _current_subscriptions
    _kept_subscriptions: tuple[int | None, int | None, Subscriptions] | None = None

    def _current_subscriptions(self) -> Subscriptions:
        """The subscriptions as stored now, to read (never to change): kept in memory and
        loaded again only when their stored version moved. The feed looks at them for every
        event. While the store announced nothing since they were read (`generations`), they
        are what is stored and nothing is asked; else the version is asked (one indexed row),
        and they are loaded (a snapshot and events) only when it moved."""
        generation = self.generations.current
        kept = self._kept_subscriptions
        if kept is not None and generation is not None and kept[0] == generation:
            return kept[2]
        newest = self.recorder.select_events(SUBSCRIPTIONS_ID, desc=True, limit=1)
        version = newest[0].originator_version if newest else None
        if kept is not None and kept[1] == version:
            subscriptions = kept[2]
        elif version is None:
            subscriptions = Subscriptions()
        else:
            subscriptions = self._subscriptions()
        self._kept_subscriptions = (generation, version, subscriptions)
        return subscriptions

    # who is involved with the person -----------------------------------------------------------
    def note_relation(self, origin: str, event: Mapping[str, Any]) -> Relations | None:
        """Take in matching's proposal events: which organisations now guide the person or have
        a proposal for them. Returns the relations when they changed (not yet saved)."""
        if origin != "matching" or event["type"] not in RELATION_EVENTS:
            return None
        try:
            relations = self.load(relations_id(event["subject"]))
        except AggregateNotFoundError:
            relations = None
        ctx = current_context()
        with self.command(replace(ctx, activity=FEED_ACTIVITY)):
            if relations is None:
                relations = Relations(dossier_id=UUID(event["subject"]), gemeente=event["gemeente"])
            changed = relations.note(event["type"], event["data"])
        return relations if changed else None

    def _hears_of(
        self,
        partner: Partner,
        dossier_id: str,
        addressed: str | None,
        relations: Relations | None = None,
    ) -> bool:
        """Whether the partner may hear of the person at all: its kind needs no relation, the
        event is its own proposal, or it guides the person or has a proposal for them."""
        if not self.protocol.requires_relation(partner.kind) or addressed == partner.oin:
            return True
        if relations is None:
            try:
                relations = self.load(relations_id(dossier_id))
            except AggregateNotFoundError:
                return False
        return relations.involves(partner.oin)

    # the feed, decided when an event arrives ----------------------------------------------------
    def feed(
        self,
        origin: str,
        event: Mapping[str, Any],
        consents: DossierConsents | None = None,
        relations: Relations | None = None,
    ) -> list[Any]:
        """For every subscription the event matches whose partner may hear of the person:
        decide each category it holds for that partner, and when the event as such may be
        shared, record what to send. Returns the changed aggregates (`consents` and `relations`,
        when given, are the dossier's, not yet saved)."""
        if event["type"] not in self.categories.events or not event.get("gemeente"):
            return []
        mapping = self.categories.of_event(event["type"])
        data = event["data"]
        if mapping.event_category(data) in self.categories.never_shared():
            return []
        matching = self._current_subscriptions().matching(origin, event["type"], event["gemeente"])
        # An event addressed to one organisation (a match proposed to it) goes to that one only.
        addressed = data.get("organisation")
        partners = []
        for subscription in matching:
            if addressed and subscription["partner"] != addressed:
                continue
            partner = self.load(partner_id(subscription["partner"]))
            if self._hears_of(partner, event["subject"], addressed, relations):
                partners.append((subscription, partner))
        if not partners:
            return []
        consents = consents or self.dossier_consents(event["subject"], event["gemeente"])
        log = self._disclosure_log(consents)
        day = datetime.fromisoformat(event["time"]).astimezone(AMSTERDAM).date()
        categories = sorted(mapping.categories_in(data))
        for subscription, partner in partners:
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
        withdrawn, narrowed or ended meanwhile, or the partner no longer guides the person nor
        has a proposal for them, or when there is no such delivery)."""
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
        if not self._hears_of(partner, dossier_id, delivery["data"].get("organisation")):
            return [without_relation(self.protocol, c) for c in delivery["categories"]], None
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

    # telling a partner to delete ---------------------------------------------------------------
    def delete_notices(self, event: Any) -> list[tuple[str, dict[str, Any]]]:
        """The notice a consent's event gives its grantee, as (OIN, CloudEvent): delete what it
        received under the consent and may no longer receive. After a withdrawal or expiry that
        is every category of the consent, after a change the categories taken out, or all of
        them when the change ended its period; less what the law or another consent still
        allows. None when nothing is left to delete."""
        if not isinstance(
            event,
            DossierConsents.ConsentWithdrawn
            | DossierConsents.ConsentExpired
            | DossierConsents.ConsentChanged,
        ):
            return []
        dossier_id = str(event.context["subject"]["dossier_id"])
        consents = self.repository.get(consents_id(dossier_id), version=event.originator_version)
        after = consents.consents[event.consent_id]
        if isinstance(event, DossierConsents.ConsentChanged):
            before = self.repository.get(
                consents_id(dossier_id), version=event.originator_version - 1
            ).consents[event.consent_id]
            on = getattr(event, "on", None) or event.timestamp.astimezone(AMSTERDAM).date()
            ended_now = after["valid_until"] < on <= before["valid_until"]
            gone = set(before["categories"]) - (set() if ended_now else set(after["categories"]))
            reason, occasion, from_day = "ingeperkt", f"ingeperkt:{event.originator_version}", on
        elif isinstance(event, DossierConsents.ConsentWithdrawn):
            gone, on, from_day = set(after["categories"]), event.on, event.on
            reason = occasion = "ingetrokken"
        else:  # the consent covered its last day; from the next, nothing
            gone, on, from_day = set(after["categories"]), event.on, event.on + timedelta(days=1)
            reason = occasion = "verlopen"
        oin = after["grantee"]["oin"]
        if oin in {g.oin for g in self.region.gemeenten}:
            return []  # a consent to the gemeente itself: there is no partner feed to tell
        try:
            partner = self.repository.get(partner_id(oin))
        except AggregateNotFoundError:
            partner = None
        if partner is not None:
            gone = {
                c
                for c in gone
                if not decide(
                    self.protocol, consents, partner, c, after["purpose"], from_day
                ).permit
            }
        if not gone:
            return []
        notice = withdrawal_cloudevent(
            oin, dossier_id, event.consent_id, sorted(gone), on.isoformat(), reason, occasion
        )
        return [(oin, notice)]
