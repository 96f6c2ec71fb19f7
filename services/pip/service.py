"""The pip nameko service: reacts to intake's events, serves the PIP's use cases over RPC, reports,
and marks deadlines and termijnen on a timer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from uuid import UUID

from nameko.timer import timer

from services.common import settings
from services.common.access import Action, gemeenten_of_list, require, require_for_gemeente
from services.common.active_guide import MatchingGuides
from services.common.clock import today_in_amsterdam
from services.common.documents import store as documents
from services.common.entrypoints import command, consume, rpc
from services.common.errors import EXPECTED, InvalidInput, NotFound, field_error
from services.common.proxies import PlatformRpcProxy
from services.common.region import Region
from services.common.runtime import ChainRuntime, events_from
from services.common.service import ChainService
from services.common.topology import CONSUMES
from services.common.values import jsonable
from services.pip.application import Pips
from services.pip.events import PUBLICATIONS
from services.pip.projections import PROJECTIONS, monitoring_candidates, worklist
from services.pip.reports import gemeente_report, region_report

log = logging.getLogger(__name__)
RPC_OPTIONS = {"expiration": float(settings.RPC_TIMEOUT_SECONDS.get()) / 2}


class PipService(ChainService):
    name = "pip"
    chain = ChainRuntime(Pips, PUBLICATIONS, origins=CONSUMES["pip"], projections=PROJECTIONS)
    # Asked whether a begeleider is a dossier's active guide (with the caller's context).
    matching = PlatformRpcProxy("matching", **RPC_OPTIONS)
    # Asked what the protocol and consents withhold from an active guide's organisation.
    consent = PlatformRpcProxy("consent", **RPC_OPTIONS)
    # Asked the person's name for a decision's letter (pip keeps no names).
    intake = PlatformRpcProxy("intake", **RPC_OPTIONS)

    def _guides(self) -> MatchingGuides:
        return MatchingGuides(self.matching, self.consent)

    def _addressee(self, dossier_id: str) -> Callable[[], str]:
        return lambda: self.intake.addressee(dossier_id)

    @consume(events_from("intake", "pip"))
    def on_intake_event(self, event: dict[str, Any]) -> None:
        self.chain.receive("intake", event)

    @consume(events_from("matching", "pip"))
    def on_matching_event(self, event: dict[str, Any]) -> None:
        self.chain.receive("matching", event)

    # reading ------------------------------------------------------------------------------------
    @rpc(expected_exceptions=EXPECTED)
    def pip(self, dossier_id: str, as_of: str | None = None) -> dict[str, Any]:
        return self.chain.app.pip(self.chain.ctx, dossier_id, as_of, self._guides())

    @rpc(expected_exceptions=EXPECTED)
    def transfer_file(self, dossier_id: str) -> dict[str, Any]:
        return self.chain.app.transfer_file(self.chain.ctx, dossier_id, Region.load().codes())

    @rpc(expected_exceptions=EXPECTED)
    def starting_points(self, dossier_id: str) -> dict[str, Any]:
        return self.chain.app.starting_points(self.chain.ctx, dossier_id)

    # drafting, establishing, revising -----------------------------------------------------------
    @command(expected_exceptions=EXPECTED)
    def change_sections(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.change_sections(self.chain.ctx, dossier_id, data)

    @command(expected_exceptions=EXPECTED)
    def add_goal(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.add_goal(self.chain.ctx, dossier_id, data)

    @command(expected_exceptions=EXPECTED)
    def change_goal(self, dossier_id: str, goal_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.change_goal(self.chain.ctx, dossier_id, goal_id, data)

    @command(expected_exceptions=EXPECTED)
    def remove_goal(self, dossier_id: str, goal_id: str) -> dict[str, Any]:
        return self.chain.app.remove_goal(self.chain.ctx, dossier_id, goal_id)

    @command(expected_exceptions=EXPECTED)
    def request_extension(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.request_extension(
            self.chain.ctx, dossier_id, data, addressee=self._addressee(dossier_id)
        )

    @command(expected_exceptions=EXPECTED)
    def information_arrived(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.information_arrived(
            self.chain.ctx, dossier_id, data, addressee=self._addressee(dossier_id)
        )

    @command(expected_exceptions=EXPECTED)
    def establish(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.establish(
            self.chain.ctx, dossier_id, data, addressee=self._addressee(dossier_id)
        )

    @command(expected_exceptions=EXPECTED)
    def revise(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.revise(
            self.chain.ctx, dossier_id, data, addressee=self._addressee(dossier_id)
        )

    # progress and handhaving --------------------------------------------------------------------
    @command(expected_exceptions=EXPECTED)
    def record_goal_progress(self, dossier_id: str, goal_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.record_goal_progress(
            self.chain.ctx, dossier_id, goal_id, data, self._guides()
        )

    @command(expected_exceptions=EXPECTED)
    def record_module_hours(self, dossier_id: str, module: str, data: Any) -> dict[str, Any]:
        return self.chain.app.record_module_hours(
            self.chain.ctx, dossier_id, module, data, self._guides()
        )

    @command(expected_exceptions=EXPECTED)
    def record_breach(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.record_breach(self.chain.ctx, dossier_id, data)

    @command(expected_exceptions=EXPECTED)
    def decide_measure(self, dossier_id: str, number: int, data: Any) -> dict[str, Any]:
        return self.chain.app.decide_measure(
            self.chain.ctx, dossier_id, number, data, addressee=self._addressee(dossier_id)
        )

    # documents ----------------------------------------------------------------------------------
    @rpc(expected_exceptions=EXPECTED)
    def documents(self, dossier_id: str) -> dict[str, Any]:
        """The documents of the dossier's PIP decisions and measures, oldest first (none for a
        dossier without a PIP)."""
        ctx = require(self.chain.ctx, Action.READ_DOCUMENTS)
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            listed = documents.listed(cur, "pip", dossier_id)
        for gemeente in {d.pop("gemeente") for d in listed}:
            require_for_gemeente(ctx, Action.READ_DOCUMENTS, gemeente)
        return jsonable({"documents": listed})

    @rpc(expected_exceptions=EXPECTED)
    def document(self, dossier_id: str, document_id: str) -> dict[str, Any]:
        """One of them, with its HTML as it was issued."""
        ctx = require(self.chain.ctx, Action.READ_DOCUMENTS)
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            found = documents.one(cur, "pip", dossier_id, document_id)
        require_for_gemeente(ctx, Action.READ_DOCUMENTS, found.pop("gemeente"))
        return jsonable(found)

    @command(expected_exceptions=EXPECTED)
    def record_participatiewet_decision(
        self, dossier_id: str, number: int, data: Any
    ) -> dict[str, Any]:
        return self.chain.app.record_participatiewet_decision(
            self.chain.ctx, dossier_id, number, data
        )

    # reports ------------------------------------------------------------------------------------
    @rpc(expected_exceptions=EXPECTED)
    def gemeente_report(self, gemeente: str) -> dict[str, Any]:
        ctx = require(self.chain.ctx, Action.READ_REPORTS)
        if gemeente not in Region.load():
            raise NotFound(f"gemeente {gemeente} is not in this region")
        require_for_gemeente(ctx, Action.READ_REPORTS, gemeente)
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            return gemeente_report(cur, gemeente, today_in_amsterdam())

    @rpc(expected_exceptions=EXPECTED)
    def region_report(self) -> dict[str, Any]:
        ctx = require(self.chain.ctx, Action.READ_REPORTS)
        region = Region.load()
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            report = region_report(
                cur, list(region.codes()), ctx.actor.gemeenten, today_in_amsterdam()
            )
        return {"region": region.name, **report}

    @rpc(expected_exceptions=EXPECTED)
    def worklist(
        self, within_days: int = 14, only: list[str] | None = None, gemeente: str | None = None
    ) -> dict[str, Any]:
        """The PIP part of the werkvoorraad of the actor's gemeenten (or of `gemeente`, one of
        them): deadlines within `within_days` (1 to 366); `only`: just these dossiers (a
        regievoerder's)."""
        ctx = require(self.chain.ctx, Action.READ_DOSSIER)
        gemeenten = gemeenten_of_list(ctx, gemeente)
        days = int(within_days)
        if not 1 <= days <= 366:
            raise InvalidInput([field_error("within_days", "must be from 1 to 366")])
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            return worklist(
                cur,
                gemeenten,
                today_in_amsterdam(),
                days,
                None if only is None else [str(UUID(str(d))) for d in only][:5000],
            )

    # monitoring ---------------------------------------------------------------------------------
    @timer(interval=float(settings.MONITOR_SECONDS.get()))
    def monitor(self) -> None:
        """Mark near and passed deadlines and termijn ends. Every instance runs this; the
        aggregate's version check lets each mark be stored once."""
        app = self.chain.app
        today = today_in_amsterdam()
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            candidates = monitoring_candidates(
                cur, today, app.handhaving.longest_lead_days(), Region.load().codes()
            )
        marked = 0
        for dossier_id in candidates:
            marked += len(app.monitor(dossier_id, today))
        if marked:
            log.info("pip_monitor_marked", extra={"marks": marked, "candidates": len(candidates)})
