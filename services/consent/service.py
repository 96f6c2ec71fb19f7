"""The consent nameko service: adopts the sharing protocol, keeps partner organisations and consent
records, answers sharing decisions, and marks expired consents on a timer."""

from __future__ import annotations

import logging
from typing import Any

from nameko.timer import timer

from services.common import settings
from services.common.access import Action, require
from services.common.clock import today_in_amsterdam
from services.common.entrypoints import command, consume, rpc
from services.common.errors import EXPECTED
from services.common.runtime import ChainRuntime, events_from
from services.common.service import ChainService
from services.common.topology import CONSUMES
from services.consent.application import Consent
from services.consent.events import PUBLICATIONS
from services.consent.projections import PROJECTIONS, expiry_candidates, list_partners
from services.consent.relay import PartnerFeedRelay

log = logging.getLogger(__name__)


class ConsentService(ChainService):
    name = "consent"
    chain = ChainRuntime(
        Consent,
        PUBLICATIONS,
        origins=CONSUMES["consent"],
        projections=PROJECTIONS,
        relays=(PartnerFeedRelay,),
    )

    @consume(events_from("intake", "consent"))
    def on_intake_event(self, event: dict[str, Any]) -> None:
        self.chain.receive("intake", event)

    @consume(events_from("pip", "consent"))
    def on_pip_event(self, event: dict[str, Any]) -> None:
        self.chain.receive("pip", event)

    @consume(events_from("matching", "consent"))
    def on_matching_event(self, event: dict[str, Any]) -> None:
        self.chain.receive("matching", event)

    @timer(interval=3600, eager=True)
    def adopt_protocol(self) -> None:
        """Record the protocol file's version at start (and hourly, which is then a no-op)."""
        if self.chain.app.adopt_protocol():
            log.info("sharing_protocol_adopted", extra={"version": self.chain.app.protocol.version})

    @timer(interval=float(settings.MONITOR_SECONDS.get()))
    def monitor(self) -> None:
        """Mark consents whose period has ended, so their history says so."""
        today = today_in_amsterdam()
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            dossiers = expiry_candidates(cur, today)
        for dossier_id in dossiers:
            self.chain.app.expire(dossier_id, today)

    # the protocol and partners -------------------------------------------------------------------
    @rpc(expected_exceptions=EXPECTED)
    def protocol(self) -> dict[str, Any]:
        return self.chain.app.protocol_view(self.chain.ctx)

    @command(expected_exceptions=EXPECTED)
    def register_partner(self, data: Any) -> dict[str, Any]:
        return self.chain.app.register_partner(self.chain.ctx, data)

    @rpc(expected_exceptions=EXPECTED)
    def partners(self) -> dict[str, Any]:
        """The partners working for any gemeente the caller acts for, by name."""
        ctx = require(self.chain.ctx, Action.READ_PARTNERS)
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            return {"partners": list_partners(cur, ctx.actor.gemeenten)}

    @rpc(expected_exceptions=EXPECTED)
    def partner_subscriptions(self, oin: str) -> dict[str, Any]:
        return self.chain.app.partner_subscriptions(self.chain.ctx, oin)

    @command(expected_exceptions=EXPECTED)
    def subscribe(self, oin: str, data: Any) -> dict[str, Any]:
        return self.chain.app.subscribe(self.chain.ctx, oin, data)

    @command(expected_exceptions=EXPECTED)
    def end_subscription(self, oin: str, subscription_id: str) -> dict[str, Any]:
        return self.chain.app.end_subscription(self.chain.ctx, oin, subscription_id)

    @rpc(expected_exceptions=EXPECTED)
    def fetch(self, dossier_id: str, event_id: str) -> dict[str, Any]:
        return self.chain.app.fetch(self.chain.ctx, dossier_id, event_id)

    # consent records -----------------------------------------------------------------------------
    @command(expected_exceptions=EXPECTED)
    def give_consent(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.give_consent(self.chain.ctx, dossier_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def consents(self, dossier_id: str) -> dict[str, Any]:
        return self.chain.app.consents(self.chain.ctx, dossier_id)

    @command(expected_exceptions=EXPECTED)
    def change_consent(self, dossier_id: str, consent_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.change_consent(self.chain.ctx, dossier_id, consent_id, data)

    @command(expected_exceptions=EXPECTED)
    def withdraw_consent(self, dossier_id: str, consent_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.withdraw_consent(self.chain.ctx, dossier_id, consent_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def receipt(self, dossier_id: str, consent_id: str) -> dict[str, Any]:
        return self.chain.app.receipt(self.chain.ctx, dossier_id, consent_id)

    @rpc(expected_exceptions=EXPECTED)
    def receipt_page(self, dossier_id: str, consent_id: str) -> str:
        return self.chain.app.receipt_page(self.chain.ctx, dossier_id, consent_id)

    # decisions -----------------------------------------------------------------------------------
    @command(expected_exceptions=EXPECTED)
    def decide(self, data: Any) -> dict[str, Any]:
        return self.chain.app.decide(self.chain.ctx, data)

    @rpc(expected_exceptions=EXPECTED)
    def signal_basis(self, dossier_id: str, category: str) -> dict[str, Any]:
        return self.chain.app.signal_basis(self.chain.ctx, dossier_id, category)

    @rpc(expected_exceptions=EXPECTED)
    def withheld_from_guide(self, dossier_id: str) -> list[str]:
        return self.chain.app.withheld_from_guide(self.chain.ctx, dossier_id)

    @rpc(expected_exceptions=EXPECTED)
    def sharing_outlook(
        self, dossier_id: str, purpose: str, organisations: list[str]
    ) -> dict[str, Any]:
        return self.chain.app.sharing_outlook(self.chain.ctx, dossier_id, purpose, organisations)
