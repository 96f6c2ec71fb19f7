"""The intake nameko service: turns RPC calls with plain dicts into Intake use cases."""

from __future__ import annotations

from typing import Any

from services.common import settings
from services.common.access import Action, gemeenten_of_list, require
from services.common.active_guide import MatchingGuides
from services.common.context import CommandContext
from services.common.documents import store as documents
from services.common.entrypoints import command, rpc
from services.common.errors import EXPECTED
from services.common.proxies import PlatformRpcProxy
from services.common.runtime import ChainRuntime
from services.common.service import ChainService
from services.common.values import jsonable
from services.intake.application import ME, Intake
from services.intake.events import PUBLICATIONS
from services.intake.projections import (
    PROJECTIONS,
    Page,
    Search,
    household_members,
    known_regievoerder,
    list_dossiers,
    open_practical_items,
    regievoerder_dossiers,
    worklist,
)
from services.intake.views import open_item_as_seen, readable_practical_items

RPC_OPTIONS = {"expiration": float(settings.RPC_TIMEOUT_SECONDS.get()) / 2}


def _user(ctx: CommandContext, regievoerder: str | None) -> str | None:
    """The user id a worklist filter means: `mij` is the caller."""
    if regievoerder is None:
        return None
    return ctx.actor.user_id if regievoerder == ME else str(regievoerder)


class IntakeService(ChainService):
    name = "intake"
    chain = ChainRuntime(Intake, PUBLICATIONS, projections=PROJECTIONS)
    # Asked whether a begeleider is a dossier's active guide (with the caller's context).
    matching = PlatformRpcProxy("matching", **RPC_OPTIONS)
    # Asked what the protocol and consents withhold from an active guide's organisation.
    consent = PlatformRpcProxy("consent", **RPC_OPTIONS)

    def _guides(self) -> MatchingGuides:
        return MatchingGuides(self.matching, self.consent)

    @command(expected_exceptions=EXPECTED)
    def register(self, registration: dict[str, Any]) -> dict[str, str]:
        dossier_id = self.chain.app.register(self.chain.ctx, registration)
        return {"id": str(dossier_id)}

    @rpc(expected_exceptions=EXPECTED)
    def dossier(self, dossier_id: str) -> dict[str, Any]:
        return self.chain.app.dossier(self.chain.ctx, dossier_id)

    @rpc(expected_exceptions=EXPECTED)
    def addressee(self, dossier_id: str) -> str:
        """For pip: the name its letter about the caller's decision is addressed to."""
        return self.chain.app.addressee(self.chain.ctx, dossier_id)

    @rpc(expected_exceptions=EXPECTED)
    def documents(self, dossier_id: str) -> dict[str, Any]:
        """The documents of the dossier's intake decisions (a warning, a fine), oldest first,
        and the dossier's gemeente (the reader's access checked against it)."""
        gemeente = self.chain.app.check_documents(self.chain.ctx, dossier_id)
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            listed = documents.listed(cur, "intake", dossier_id)
        for document in listed:
            del document["gemeente"]
        return jsonable({"gemeente": gemeente, "documents": listed})

    @rpc(expected_exceptions=EXPECTED)
    def document(self, dossier_id: str, document_id: str) -> dict[str, Any]:
        """One of them, with its HTML as it was issued."""
        self.chain.app.check_documents(self.chain.ctx, dossier_id)
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            found = documents.one(cur, "intake", dossier_id, document_id)
        del found["gemeente"]
        return jsonable(found)

    @rpc(expected_exceptions=EXPECTED)
    def dossier_view(self, dossier_id: str) -> dict[str, Any]:
        return self.chain.app.dossier_view(self.chain.ctx, dossier_id, self._guides())

    @command(expected_exceptions=EXPECTED)
    def correct(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.correct(self.chain.ctx, dossier_id, data)

    # moving within the region (verhuizing) ---------------------------------------------------
    @command(expected_exceptions=EXPECTED)
    def propose_move(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.propose_move(self.chain.ctx, dossier_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def move(self, dossier_id: str) -> dict[str, Any]:
        return self.chain.app.move(self.chain.ctx, dossier_id)

    @command(expected_exceptions=EXPECTED)
    def accept_move(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.accept_move(self.chain.ctx, dossier_id)

    @command(expected_exceptions=EXPECTED)
    def decline_move(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.decline_move(self.chain.ctx, dossier_id, data)

    @command(expected_exceptions=EXPECTED)
    def leave_region(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.leave_region(self.chain.ctx, dossier_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def transfer_file(self, dossier_id: str) -> dict[str, Any]:
        return self.chain.app.transfer_file(self.chain.ctx, dossier_id)

    @rpc(expected_exceptions=EXPECTED)
    def household(self, dossier_id: str) -> dict[str, Any]:
        dossier = self.chain.app.dossier(self.chain.ctx, dossier_id)
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            members = household_members(cur, dossier["household_id"], dossier["gemeente"])
        return {"household_id": dossier["household_id"], "members": members}

    @rpc(expected_exceptions=EXPECTED)
    def dossiers(self, limit: int = 20, q: str = "", before: str = "") -> list[dict[str, Any]]:
        """The newest dossiers of the actor's gemeenten, or those a search finds (`q`: a BSN,
        a v-nummer, or words of a name); with `before` (where a page ended), the next ones."""
        ctx = require(self.chain.ctx, Action.READ_DOSSIER)
        after = Page.after(before)
        self.chain.runtime.projector.run()
        search = Search.of(q, self.chain.app.bsn_claimant)
        with self.chain.runtime.db.transaction() as cur:
            return list_dossiers(cur, ctx.actor.gemeenten, min(int(limit), 500), search, after)

    @rpc(expected_exceptions=EXPECTED)
    def worklist(
        self, named: list[str], regievoerder: str | None = None, gemeente: str | None = None
    ) -> dict[str, Any]:
        """Intake's part of the werkvoorraad, with the names of its dossiers and of `named`;
        with `regievoerder` (`mij` or a user id), only the dossiers they are responsible for;
        with `gemeente`, only that one of the actor's gemeenten."""
        ctx = require(self.chain.ctx, Action.READ_DOSSIER)
        gemeenten = gemeenten_of_list(ctx, gemeente)
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            lists, names = worklist(
                cur,
                gemeenten,
                [str(n) for n in named][:500],
                _user(ctx, regievoerder),
            )
        return {"lists": lists, "names": names}

    @rpc(expected_exceptions=EXPECTED)
    def regievoerder_dossiers(self, regievoerder: str, gemeente: str | None = None) -> list[str]:
        """The dossiers of the actor's gemeenten (or of `gemeente`, one of them) a regievoerder
        (`mij` or a user id) is responsible for: what pip's lists are filtered by."""
        ctx = require(self.chain.ctx, Action.READ_DOSSIER)
        gemeenten = gemeenten_of_list(ctx, gemeente)
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            return regievoerder_dossiers(cur, gemeenten, _user(ctx, regievoerder))

    @command(expected_exceptions=EXPECTED)
    def assign_regievoerder(self, dossier_id: str, data: Any) -> dict[str, Any]:
        """Take the dossier, or give it to a regievoerder its gemeente knows."""

        def known(gemeente: str, user_id: str) -> str | None:
            self.chain.runtime.projector.run()
            with self.chain.runtime.db.transaction() as cur:
                return known_regievoerder(cur, gemeente, user_id)

        return self.chain.app.assign_regievoerder(self.chain.ctx, dossier_id, data, known)

    @rpc(expected_exceptions=EXPECTED)
    def practical_items(self) -> dict[str, Any]:
        """The open practical items of the actor's gemeenten, of the life domains their role
        may see (`visibility.py`), each saying whether they close it."""
        ctx = require(self.chain.ctx, Action.READ_INTAKE)
        roles = ctx.actor.roles
        self.chain.runtime.projector.run()
        with self.chain.runtime.db.transaction() as cur:
            count, rows = open_practical_items(
                cur, ctx.actor.gemeenten, readable_practical_items(roles)
            )
        return {"count": count, "items": [open_item_as_seen(row, roles) for row in rows]}

    # the brede intake ----------------------------------------------------------------------
    @command(expected_exceptions=EXPECTED)
    def record_leerbaarheidstoets(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.record_leerbaarheidstoets(self.chain.ctx, dossier_id, data)

    @command(expected_exceptions=EXPECTED)
    def record_toets_not_taken(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.record_toets_not_taken(self.chain.ctx, dossier_id, data)

    @command(expected_exceptions=EXPECTED)
    def add_education(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.add_education(self.chain.ctx, dossier_id, data)

    @command(expected_exceptions=EXPECTED)
    def add_work(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.add_work(self.chain.ctx, dossier_id, data)

    @command(expected_exceptions=EXPECTED)
    def record_personal_circumstances(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.record_personal_circumstances(self.chain.ctx, dossier_id, data)

    @command(expected_exceptions=EXPECTED)
    def record_life_domain(self, dossier_id: str, domain: str, data: Any) -> dict[str, Any]:
        return self.chain.app.record_life_domain(self.chain.ctx, dossier_id, domain, data)

    @command(expected_exceptions=EXPECTED)
    def close_practical_item(self, dossier_id: str, item: str, data: Any) -> dict[str, Any]:
        return self.chain.app.close_practical_item(self.chain.ctx, dossier_id, item, data)

    @rpc(expected_exceptions=EXPECTED)
    def household_checklist(self, dossier_id: str) -> dict[str, Any]:
        return self.chain.app.household_checklist(self.chain.ctx, dossier_id)

    @command(expected_exceptions=EXPECTED)
    def close_checklist_item(self, dossier_id: str, item: str, data: Any) -> dict[str, Any]:
        return self.chain.app.close_checklist_item(self.chain.ctx, dossier_id, item, data)

    @command(expected_exceptions=EXPECTED)
    def plan_conversation(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.plan_conversation(self.chain.ctx, dossier_id, data)

    @command(expected_exceptions=EXPECTED)
    def record_attendance(self, dossier_id: str, number: int, data: Any) -> dict[str, Any]:
        return self.chain.app.record_attendance(self.chain.ctx, dossier_id, int(number), data)

    @command(expected_exceptions=EXPECTED)
    def excuse_absence(self, dossier_id: str, number: int, data: Any) -> dict[str, Any]:
        return self.chain.app.excuse_absence(self.chain.ctx, dossier_id, int(number), data)

    @command(expected_exceptions=EXPECTED)
    def decide_sanction(self, dossier_id: str, step: str, data: Any) -> dict[str, Any]:
        return self.chain.app.decide_sanction(self.chain.ctx, dossier_id, step, data)

    @command(expected_exceptions=EXPECTED)
    def complete_intake(self, dossier_id: str, data: Any = None) -> dict[str, Any]:
        return self.chain.app.complete_intake(self.chain.ctx, dossier_id, data)

    @command(expected_exceptions=EXPECTED)
    def choose_route(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.choose_route(self.chain.ctx, dossier_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def brede_intake(self, dossier_id: str) -> dict[str, Any]:
        return self.chain.app.brede_intake(self.chain.ctx, dossier_id)

    # signals --------------------------------------------------------------------------------
    @command(expected_exceptions=EXPECTED)
    def give_signal(self, dossier_id: str, data: Any) -> dict[str, Any]:
        return self.chain.app.give_signal(
            self.chain.ctx, dossier_id, data, self._guides(), self.consent.signal_basis
        )

    @rpc(expected_exceptions=EXPECTED)
    def signals(self, dossier_id: str) -> dict[str, Any]:
        return self.chain.app.signals(self.chain.ctx, dossier_id, self._guides())
