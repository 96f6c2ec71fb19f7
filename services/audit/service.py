"""The audit nameko service: appends every service's events to the ledger; serves auditors."""

from __future__ import annotations

from typing import Any

from nameko.timer import timer

from services.audit import verifications
from services.audit.checkpoints import signing_key
from services.audit.describe import EntryDescriber
from services.audit.inzage import inzage, inzage_html
from services.audit.ledger import Ledger
from services.audit.queries import as_csv, entries, parse_query, readers
from services.audit.register import ProcessingRegister
from services.audit.timeline import check_page, dossier_gemeenten, timeline_page
from services.common import dutch, settings
from services.common.access import Action, Role, require, require_for_gemeente
from services.common.entrypoints import consume, rpc
from services.common.errors import EXPECTED, NotFound
from services.common.region import Region
from services.common.runtime import ChainRuntime, events_from
from services.common.service import ChainService
from services.common.topology import CONSUMES
from services.contracts.categories import Categories

ORIGINS = CONSUMES["audit"]


def _ledger(runtime: ChainRuntime) -> Ledger:
    return Ledger(
        runtime.db,
        EntryDescriber(),
        checkpoint_key=signing_key(),
        checkpoint_every=int(settings.CHECKPOINT_ENTRIES.get()),
    )


class AuditService(ChainService):
    name = "audit"
    chain = ChainRuntime(origins=ORIGINS, sink_factory=_ledger)

    @consume(events_from("intake", "audit"))
    def on_intake_event(self, event: dict[str, Any]) -> None:
        self.chain.receive("intake", event)

    @consume(events_from("pip", "audit"))
    def on_pip_event(self, event: dict[str, Any]) -> None:
        self.chain.receive("pip", event)

    @consume(events_from("matching", "audit"))
    def on_matching_event(self, event: dict[str, Any]) -> None:
        self.chain.receive("matching", event)

    @consume(events_from("consent", "audit"))
    def on_consent_event(self, event: dict[str, Any]) -> None:
        self.chain.receive("consent", event)

    @consume(events_from("gateway", "audit"))
    def on_gateway_event(self, event: dict[str, Any]) -> None:
        """The gateway's access log: who read which data of which dossier."""
        self.chain.receive("gateway", event)

    @rpc(expected_exceptions=EXPECTED)
    def dossier_entries(self, dossier_id: str) -> list[dict[str, Any]]:
        ctx = require(self.chain.ctx, Action.READ_AUDIT)
        return self.chain.runtime.consumer.sink.entries_for_dossier(dossier_id, ctx.actor.gemeenten)

    @rpc(expected_exceptions=EXPECTED)
    def timeline(
        self,
        dossier_id: str,
        before: int | None,
        limit: int,
        partners: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """What happened in the dossier and who did it, newest first, a page at a time, for the
        staff of its gemeente (another gemeente's: not found; one the person moved away from:
        its own part, up to the move). What touches health only for the regievoerder, whose
        alone it is."""
        ctx = require(self.chain.ctx, Action.READ_TIMELINE)
        check_page(before, limit)
        with self.chain.runtime.db.transaction() as cur:
            gemeenten = dossier_gemeenten(cur, dossier_id)
            current = gemeenten[-1]
            former = [g for g in gemeenten[:-1] if g != current and ctx.actor.acts_for(g)]
            # A gemeente the person moved away from reads its own history, up to the move.
            if former and not ctx.actor.acts_for(current):
                gemeente, only_gemeente = former[-1], True
            else:
                require_for_gemeente(ctx, Action.READ_TIMELINE, current)
                gemeente, only_gemeente = current, len(gemeenten) == 1
            with_special = ctx.actor.has_role(Role.REGIEVOERDER)
            return timeline_page(
                cur, dossier_id, gemeente, before, limit, with_special, partners, only_gemeente
            )

    @timer(interval=float(settings.CHECKPOINT_SECONDS.get()))
    def checkpoint(self) -> None:
        """Sign a checkpoint when the ledger grew; exported, it lets outsiders detect a rewrite."""
        self.chain.runtime.consumer.sink.checkpoint(signing_key())

    @timer(interval=float(settings.VERIFY_SECONDS.get()))
    def verify(self) -> None:
        """Recompute the whole ledger against the stored checkpoints and record the outcome,
        clean or not, for the auditors' status (`wegwijs audit verify` records its own too)."""
        ledger = self.chain.runtime.consumer.sink
        report = ledger.verify_all(ledger.checkpoints(), signing_key().public_key())
        with self.chain.runtime.db.transaction() as cur:
            verifications.record(cur, report, verifications.BY_SERVICE)

    @rpc(expected_exceptions=EXPECTED)
    def status(self) -> dict[str, Any]:
        """The ledger's integrity: its size, the signed checkpoints and the latest verifications.
        Of the whole chain, which spans every gemeente: counts and hashes, no entry's content."""
        require(self.chain.ctx, Action.READ_AUDIT)
        schedule = {
            "verify_seconds": int(float(settings.VERIFY_SECONDS.get())),
            "checkpoint_seconds": int(float(settings.CHECKPOINT_SECONDS.get())),
            "checkpoint_entries": int(settings.CHECKPOINT_ENTRIES.get()),
        }
        with self.chain.runtime.db.transaction() as cur:
            return verifications.status(cur, signing_key().public_key(), schedule)

    @rpc(expected_exceptions=EXPECTED)
    def query(self, args: dict[str, Any]) -> dict[str, Any]:
        """Entries matching an auditor's filters, a page at a time (see queries.parse_query)."""
        ctx = require(self.chain.ctx, Action.READ_AUDIT)
        query = parse_query(args)
        with self.chain.runtime.db.transaction() as cur:
            page = entries(cur, query, ctx.actor.gemeenten)
        if query.get("format") == "csv" or args.get("format") == "csv":
            return {
                "csv": as_csv(page["entries"]),
                "next_after": page["next_after"],
                "gemeenten": sorted({row["gemeente"] for row in page["entries"]}),
            }
        return page

    @rpc(expected_exceptions=EXPECTED)
    def readers(self, dossier_id: str) -> list[dict[str, Any]]:
        """Who saw this dossier: every read of its personal data through the API."""
        ctx = require(self.chain.ctx, Action.READ_AUDIT)
        with self.chain.runtime.db.transaction() as cur:
            return readers(cur, dossier_id, ctx.actor.gemeenten)

    @rpc(expected_exceptions=EXPECTED)
    def inzage(
        self, dossier_id: str, as_html: bool = False, partners: dict[str, str] | None = None
    ) -> Any:
        """The person's inzage report (AVG art. 15), as data or as a page in Dutch. Partner
        organisations are named by `partners` (OIN -> name: consent's register, which the gateway
        reads for the caller; audit keeps no names), the region's gemeenten by the region."""
        ctx = require(self.chain.ctx, Action.READ_AUDIT)
        entries = self.chain.runtime.consumer.sink.entries_for_dossier(
            dossier_id, ctx.actor.gemeenten
        )
        if not entries:
            raise NotFound("no such dossier in the ledger of your gemeenten")
        names = {**dict(partners or {}), **dutch.gemeente_organisations(Region.load())}
        report = inzage(dossier_id, entries, ProcessingRegister.load(), names)
        if not as_html:
            return report
        labels = {c: spec["label"] for c, spec in Categories.load().labels.items()}
        return inzage_html(report, labels)
