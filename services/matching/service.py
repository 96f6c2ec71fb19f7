"""The matching nameko service: follows intake's and pip's events, keeps the regional pool, and
serves guides, placements, ranking, proposals, the activity log and signals over RPC. Ranking and
proposals ask the consent service what the protocol and consent allow, with the caller's context."""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider

from services.common import settings
from services.common.access import Action, require
from services.common.entrypoints import command, consume, rpc
from services.common.errors import EXPECTED
from services.common.proxies import PlatformRpcProxy
from services.common.runtime import ChainRuntime, events_from
from services.common.service import ChainService
from services.common.topology import CONSUMES
from services.common.visibility import withhold
from services.matching.application import Matching
from services.matching.events import PUBLICATIONS
from services.matching.pool import (
    PROJECTIONS,
    PostgresPool,
    guide_guidances,
    organisation_items,
    organisation_proposals,
)
from services.matching.sharing import ConsentRpc

RPC_OPTIONS = {"expiration": float(settings.RPC_TIMEOUT_SECONDS.get()) / 2}


class PoolProvider(DependencyProvider):
    """One pool per process, kept in memory across calls and refreshed with what changed, on
    the service's own database connections (made when first asked, after the runtime's)."""

    pool: PostgresPool | None = None

    def get_dependency(self, worker_ctx: Any) -> PostgresPool:
        if self.pool is None:  # no I/O until it is set: greenthreads cannot make two
            runtime = next(d for d in self.container.dependencies if isinstance(d, ChainRuntime))
            self.pool = PostgresPool(runtime.db)
        return self.pool


class MatchingService(ChainService):
    name = "matching"
    chain = ChainRuntime(
        Matching, PUBLICATIONS, origins=CONSUMES["matching"], projections=PROJECTIONS
    )
    consent = PlatformRpcProxy("consent", **RPC_OPTIONS)
    pool = PoolProvider()

    @consume(events_from("intake", "matching"))
    def on_intake_event(self, event: dict[str, Any]) -> None:
        self.chain.receive("intake", event)

    @consume(events_from("pip", "matching"))
    def on_pip_event(self, event: dict[str, Any]) -> None:
        self.chain.receive("pip", event)

    def _pool(self) -> PostgresPool:
        self.chain.runtime.projector.run()
        return self.pool

    # guides and placements ----------------------------------------------------------------------
    @command(expected_exceptions=EXPECTED)
    def register_guide(self, data: Any) -> dict[str, Any]:
        return self.chain.app.register_guide(self.chain.ctx, data)

    @command(expected_exceptions=EXPECTED)
    def change_guide(self, guide_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.change_guide(self.chain.ctx, guide_id, data)

    @command(expected_exceptions=EXPECTED)
    def withdraw_guide(self, guide_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.withdraw_guide(self.chain.ctx, guide_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def guide(self, guide_id: str) -> dict[str, Any]:
        return self.chain.app.guide(self.chain.ctx, guide_id)

    @command(expected_exceptions=EXPECTED)
    def offer_placement(self, data: Any) -> dict[str, Any]:
        return self.chain.app.offer_placement(self.chain.ctx, data)

    @command(expected_exceptions=EXPECTED)
    def change_placement(self, placement_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.change_placement(self.chain.ctx, placement_id, data)

    @command(expected_exceptions=EXPECTED)
    def close_placement(self, placement_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.close_placement(self.chain.ctx, placement_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def placement(self, placement_id: str) -> dict[str, Any]:
        return self.chain.app.placement(self.chain.ctx, placement_id)

    @rpc(expected_exceptions=EXPECTED)
    def own_offer(self) -> dict[str, Any]:
        """A coordinator's own organisation's guides and placements, with caseloads."""
        ctx = require(self.chain.ctx, Action.MANAGE_GUIDES)
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            return {
                **organisation_items(cur, ctx.actor.organisation),
                # Made to this organisation, from any gemeente of the pool.
                "proposals": organisation_proposals(cur, ctx.actor.organisation),
            }

    # matching -----------------------------------------------------------------------------------
    @command(expected_exceptions=EXPECTED)
    def set_profile(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.set_profile(self.chain.ctx, dossier_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def rank(self, dossier_id: str, kind: str) -> dict[str, Any]:
        return self.chain.app.rank(
            self.chain.ctx, dossier_id, kind, self._pool(), ConsentRpc(self.consent)
        )

    @command(expected_exceptions=EXPECTED)
    def propose(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.propose(self.chain.ctx, dossier_id, data, ConsentRpc(self.consent))

    @command(expected_exceptions=EXPECTED)
    def answer(self, dossier_id: str, proposal_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.answer(self.chain.ctx, dossier_id, proposal_id, data)

    @command(expected_exceptions=EXPECTED)
    def start(self, dossier_id: str, proposal_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.start(
            self.chain.ctx, dossier_id, proposal_id, data, ConsentRpc(self.consent)
        )

    @command(expected_exceptions=EXPECTED)
    def end(self, dossier_id: str, proposal_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.end(self.chain.ctx, dossier_id, proposal_id, data)

    # the guidance -------------------------------------------------------------------------------
    @rpc(expected_exceptions=EXPECTED)
    def guidance(self, dossier_id: str) -> dict[str, Any]:
        ctx = self.chain.ctx
        if ctx is not None and ctx.actor.roles == ("begeleider",):
            # A guide sees only what the protocol and the person's consents allow.
            withhold(self.consent.withheld_from_guide(dossier_id))
        return self.chain.app.guidance(ctx, dossier_id)

    @rpc(expected_exceptions=EXPECTED)
    def own_guidance(self) -> dict[str, Any]:
        """The guidances the calling begeleider gives now (read model `proposal_inbox` with
        the guides of `pool_guides`): their account and organisation, as `is_active_guide`."""
        ctx = require(self.chain.ctx, Action.LOG_ACTIVITY)
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            return {"guidances": guide_guidances(cur, ctx.actor.organisation, ctx.actor.user_id)}

    @rpc(expected_exceptions=EXPECTED)
    def is_active_guide(self, dossier_id: str) -> bool:
        """For intake and pip: whether the caller is the dossier's active guide."""
        return self.chain.app.is_active_guide(self.chain.ctx, dossier_id)

    @command(expected_exceptions=EXPECTED)
    def log_activity(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.log_activity(self.chain.ctx, dossier_id, data)

    @command(expected_exceptions=EXPECTED)
    def give_signal(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.give_signal(
            self.chain.ctx, dossier_id, data, self.consent.signal_basis
        )
