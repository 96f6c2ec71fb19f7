"""Consent use cases: the protocol in force, partner organisations, consent records and sharing
decisions. A dossier's consents open when intake registers the person."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.common.access import (
    Action,
    allows_role,
    require,
    require_for_gemeente,
    require_for_gemeenten,
)
from services.common.application import ChainApplication
from services.common.clock import today_in_amsterdam
from services.common.context import CommandContext, system_context
from services.common.errors import InvalidInput, NotFound, field_error
from services.common.fields import validated
from services.common.region import Region
from services.common.values import jsonable
from services.consent.decisions import (
    Decision,
    DisclosureLog,
    decide,
    disclosure_log_id,
    signal_basis,
)
from services.consent.feed_use_cases import FeedUseCases, basis_of
from services.consent.partners import Partner, parse_partner, partner_id
from services.consent.protocol import PROTOCOL_ID, Protocol, ProtocolRegister
from services.consent.receipt import receipt, receipt_html
from services.consent.records import DossierConsents, consents_id, parse_consent
from services.consent.relations import CONSUMED as RELATION_EVENTS
from services.consent.relations import relations_id
from services.contracts.categories import Categories
from services.contracts.consent import (
    CHANGEABLE,
    ConsentChange,
    ConsentWithdrawal,
    SharingQuestion,
)

DOSSIER_REGISTERED = "nl.wegwijs.intake.dossier.geregistreerd.v1"
DOSSIER_MOVED = "nl.wegwijs.intake.dossier.verhuisd.v1"
CONSUMED = (DOSSIER_REGISTERED,)


class Consent(ChainApplication, FeedUseCases):
    name = "Consent"
    schema = "consent"
    reaction_activity = "toestemming-beheren"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        protocol: Protocol | None = None,
        categories: Categories | None = None,
        region: Region | None = None,
    ):
        super().__init__(env)
        self.protocol = protocol or Protocol.load()
        self.categories = categories or Categories.load()
        self.region = region or Region.load()

    def reacts_to(self, origin: str, event: Mapping[str, Any]) -> bool:
        """A registration or a move, matching's proposal events, and an event a subscription
        matches (what `feed` decides on): the policy takes nothing else. Most events match no
        subscription; they pass without a transaction."""
        kind = event["type"]
        if origin == "intake" and kind in (DOSSIER_REGISTERED, DOSSIER_MOVED):
            return True
        if origin == "matching" and kind in RELATION_EVENTS:
            return True
        if kind not in self.categories.events or not event.get("gemeente"):
            return False
        return bool(self._current_subscriptions().matching(origin, kind, event["gemeente"]))

    def policy(self, origin: str, event: Mapping[str, Any]) -> Sequence[Any]:
        """Open a registered dossier's consents, note which organisations a proposal or a
        guidance involves, and decide what partners' feeds get of any event their
        subscriptions match."""
        if origin == "intake" and event["type"] == DOSSIER_MOVED:
            return self._hand_over(event["data"])
        opened = None
        if origin == "intake" and event["type"] == DOSSIER_REGISTERED:
            data = event["data"]
            opened = self.dossier_consents(data["dossier_id"], data["gemeente"])
        # A proposal's own event reaches the organisation it involves: noted before deciding.
        noted = self.note_relation(origin, event)
        # the feed decides on the aggregates just changed, not on second new copies of them
        fed = self.feed(origin, event, opened, noted) or ([opened] if opened else [])
        return [*fed, *([noted] if noted else [])]

    def _hand_over(self, data: Mapping[str, Any]) -> list[Any]:
        """The move was accepted: the consents, the sharing decisions and who is involved are
        the new gemeente's. A consent given to the old gemeente itself stays what it is: it
        does not cover the new gemeente (AVG art. 7: consent is given to a controller)."""
        handed = []
        for aggregate_id in (
            consents_id(data["dossier_id"]),
            disclosure_log_id(data["dossier_id"]),
            relations_id(data["dossier_id"]),
        ):
            try:
                aggregate = self.load(aggregate_id)
            except AggregateNotFoundError:
                continue
            if aggregate.gemeente != data["to_gemeente"]:
                aggregate.hand_over(to_gemeente=data["to_gemeente"])
                handed.append(aggregate)
        return handed

    # the protocol -------------------------------------------------------------------------------
    def adopt_protocol(self) -> bool:
        """Record the protocol file's version when it is not the one in force."""
        ctx = system_context("consent", "protocol-vaststellen")

        def load() -> ProtocolRegister:
            try:
                return self.repository.get(PROTOCOL_ID)
            except AggregateNotFoundError:
                return ProtocolRegister()

        adopted: list[bool] = []
        self._update(ctx, load, lambda register: adopted.append(register.adopt(self.protocol)))
        return adopted[-1]

    def protocol_view(self, ctx: CommandContext) -> dict[str, Any]:
        require(ctx, Action.READ_PROTOCOL)
        try:
            adopted = self.repository.get(PROTOCOL_ID).versions
        except AggregateNotFoundError:
            adopted = []
        return {**self.protocol.as_dict(), "adopted": adopted}

    # partners -----------------------------------------------------------------------------------
    def register_partner(self, ctx: CommandContext, data: Any) -> dict[str, Any]:
        """Register (or update) a partner organisation: OIN, name, kind, gemeenten."""
        require(ctx, Action.MANAGE_PARTNERS)
        partner = parse_partner(data, tuple(self.protocol.recipient_kinds), self.region.codes())

        def load() -> Partner:
            try:
                return self.repository.get(partner_id(partner["oin"]))
            except AggregateNotFoundError:
                return Partner(**partner)

        def change(existing: Partner) -> None:
            # An admin acts only for their gemeenten: what the partner works for now, and after.
            require_for_gemeenten(
                ctx, Action.MANAGE_PARTNERS, {*existing.gemeenten, *partner["gemeenten"]}
            )
            if existing.as_dict() != partner:
                existing.change(partner["name"], partner["kind"], partner["gemeenten"])

        return self._update(ctx.for_activity("partner-beheren"), load, change).as_dict()

    def partner(self, oin: str) -> Partner:
        try:
            return self.repository.get(partner_id(oin))
        except AggregateNotFoundError:
            raise NotFound(f"no partner organisation with OIN {oin}") from None

    # consent records ----------------------------------------------------------------------------
    def give_consent(
        self, ctx: CommandContext, dossier_id: str, data: Any, today: date | None = None
    ) -> dict[str, Any]:
        consents = self._consents(ctx, Action.RECORD_CONSENT, dossier_id)
        consent = parse_consent(
            data,
            self.categories.names(),
            tuple(self.protocol.purposes),
            today or today_in_amsterdam(),
        )
        gemeente = self.region.gemeente(consents.gemeente)
        if consent["grantee"]["oin"] == gemeente.oin:
            # to the dossier's gemeente itself (a signal about health reaches the gemeente only
            # with one: `signal_basis`)
            consent["grantee"]["name"] = consent["grantee"]["name"] or f"Gemeente {gemeente.name}"
        else:
            # to a known organisation, named as the register names it
            partner = self.partner(consent["grantee"]["oin"])
            consent["grantee"]["name"] = consent["grantee"]["name"] or partner.name
        consent_id = str(uuid.uuid4())
        saved = self._update(
            ctx.for_activity("toestemming-vastleggen"),
            lambda: self.repository.get(consents.id),
            lambda c: c.give(consent_id, consent, ctx.actor.user_id),
        )
        return jsonable(saved.consents[consent_id])

    def consents(self, ctx: CommandContext, dossier_id: str) -> dict[str, Any]:
        consents = self._consents(ctx, Action.READ_CONSENT, dossier_id)
        return {
            "dossier_id": str(consents.dossier_id),
            "consents": jsonable(list(consents.consents.values())),
        }

    def change_consent(
        self,
        ctx: CommandContext,
        dossier_id: str,
        consent_id: str,
        data: Any,
        today: date | None = None,
    ) -> dict[str, Any]:
        consents = self._consents(ctx, Action.RECORD_CONSENT, dossier_id)
        changes, reason = self._parse_change(data)
        on = today or today_in_amsterdam()
        saved = self._update(
            ctx.for_activity("toestemming-vastleggen"),
            lambda: self.repository.get(consents.id),
            lambda c: c.change(consent_id, changes, reason, ctx.actor.user_id, on),
        )
        return jsonable(saved.consents[consent_id])

    def _parse_change(self, data: Any) -> tuple[dict[str, Any], str]:
        """What changes, its shape checked by the contract (ConsentChange)."""
        change = validated(ConsentChange, data)
        changes = {
            name: getattr(change, name) for name in CHANGEABLE if getattr(change, name) is not None
        }
        if "categories" in changes:
            changes["categories"] = sorted(set(changes["categories"]))
        if "evidence" in changes:
            changes["evidence"] = changes["evidence"].strip()
        return changes, change.reason.strip()

    def withdraw_consent(
        self,
        ctx: CommandContext,
        dossier_id: str,
        consent_id: str,
        data: Any,
        today: date | None = None,
    ) -> dict[str, Any]:
        consents = self._consents(ctx, Action.RECORD_CONSENT, dossier_id)
        today = today or today_in_amsterdam()
        withdrawal = validated(ConsentWithdrawal, data)
        on, reason = withdrawal.on or today, withdrawal.reason
        if on > today:
            raise InvalidInput([field_error("on", f"must not be in the future (today is {today})")])
        saved = self._update(
            ctx.for_activity("toestemming-vastleggen"),
            lambda: self.repository.get(consents.id),
            lambda c: c.withdraw(consent_id, on, reason.strip(), ctx.actor.user_id),
        )
        return jsonable(saved.consents[consent_id])

    def receipt(self, ctx: CommandContext, dossier_id: str, consent_id: str) -> dict[str, Any]:
        consents = self._consents(ctx, Action.READ_CONSENT, dossier_id)
        consent = consents.consents.get(consent_id)
        if consent is None:
            raise NotFound("no such consent for this dossier")
        gemeente = self.region.gemeente(consents.gemeente)
        labels = {c: spec["label"] for c, spec in self.categories.labels.items()}
        return receipt(
            self._named_grantee(consent),
            str(consents.dossier_id),
            {"name": gemeente.name, "oin": gemeente.oin},
            labels,
            self.protocol.purposes.get(consent["purpose"], consent["purpose"]),
        )

    def receipt_page(self, ctx: CommandContext, dossier_id: str, consent_id: str) -> str:
        return receipt_html(self.receipt(ctx, dossier_id, consent_id))

    def _named_grantee(self, consent: dict[str, Any]) -> dict[str, Any]:
        """The consent with its grantee's name: as recorded, or else as the register has it (a
        consent recorded without one)."""
        if consent["grantee"]["name"]:
            return consent
        try:
            name = self.partner(consent["grantee"]["oin"]).name
        except NotFound:
            return consent
        return {**consent, "grantee": {**consent["grantee"], "name": name}}

    def expire(self, dossier_id: str, today: date | None = None) -> list[str]:
        """Mark the dossier's consents whose period has ended; the timer calls this for the
        dossiers its read model names. Returns the consents marked."""
        today = today or today_in_amsterdam()
        expired: list[str] = []

        def mark(consents: DossierConsents) -> None:
            expired[:] = consents.expire(today)

        self._update(
            system_context("consent", "toestemming-beheren"),
            lambda: self.repository.get(consents_id(dossier_id)),
            mark,
        )
        return expired

    # decisions ----------------------------------------------------------------------------------
    def decide(self, ctx: CommandContext, data: Any, today: date | None = None) -> dict[str, Any]:
        """`{dossier_id, organisation, purpose, categories, on}` -> a decision per category."""
        require(ctx, Action.DECIDE_SHARING)
        question = self._parse_question(data, today or today_in_amsterdam())
        consents = self._consents(ctx, Action.DECIDE_SHARING, question["dossier_id"])
        partner = self.partner(question["organisation"])
        decisions = self.decide_for(
            ctx.for_activity("delen-beoordelen"),
            consents,
            partner,
            question["purpose"],
            question["categories"],
            question["on"],
            trigger="verzoek",
        )
        return {
            "dossier_id": question["dossier_id"],
            "organisation": partner.oin,
            "purpose": question["purpose"],
            "on": question["on"].isoformat(),
            "protocol_version": self.protocol.version,
            "decisions": [d.as_dict() for d in decisions],
        }

    def signal_basis(
        self, ctx: CommandContext, dossier_id: str, category: str, today: date | None = None
    ) -> dict[str, Any]:
        """For intake, asked with the signal's sender as the caller: what lets the gemeente
        accept a signal of `category` about the dossier today (`signal_basis`). `required` False
        when the protocol asks nothing extra; otherwise `permit`, `basis`, `rule`, `article`,
        `consent_id` and `reason`. Records nothing: intake records the signal with its basis."""
        require(ctx, Action.GIVE_SIGNAL)
        try:
            consents = self.repository.get(consents_id(UUID(str(dossier_id))))
        except (AggregateNotFoundError, ValueError):
            consents = None  # not heard of yet (intake checked the dossier): no consent covers it
        if consents is not None:
            require_for_gemeente(ctx, Action.GIVE_SIGNAL, consents.gemeente)
        sender = next((r for r in ctx.actor.roles if allows_role(r, Action.GIVE_SIGNAL)), "")
        decision = signal_basis(
            self.protocol,
            consents,
            self.region.gemeente(consents.gemeente).oin if consents is not None else "",
            str(category),
            sender,
            today or today_in_amsterdam(),
        )
        if decision is None:
            return {"required": False}
        return {"required": True, **decision.as_dict()}

    GUIDANCE_PURPOSE = "maatschappelijke-begeleiding"

    def withheld_from_guide(
        self, ctx: CommandContext, dossier_id: str, today: date | None = None
    ) -> list[str]:
        """For a begeleider: the data categories of the dossier that the protocol and the
        person's consents do not let their organisation have today, for guidance; what intake
        and pip then leave out of what the guide reads. Nothing is shared by answering, so
        nothing is recorded. Staff are withheld nothing here (their roles decide)."""
        require(ctx, Action.READ_GUIDANCE)
        names = self.categories.names()
        if not ctx.actor.has_role("begeleider") or ctx.actor.has_role(
            "regievoerder", "klantmanager"
        ):
            return []
        try:
            consents = self.repository.get(consents_id(str(UUID(str(dossier_id)))))
            partner = self.repository.get(partner_id(ctx.actor.organisation))
        except (AggregateNotFoundError, ValueError):
            return list(names)  # an unknown dossier or organisation: nothing for the guide
        day = today or today_in_amsterdam()
        return [
            c
            for c in names
            if not decide(self.protocol, consents, partner, c, self.GUIDANCE_PURPOSE, day).permit
        ]

    def sharing_outlook(
        self,
        ctx: CommandContext,
        dossier_id: str,
        purpose: str,
        organisations: Sequence[str],
        today: date | None = None,
    ) -> dict[str, Any]:
        """For matching: per organisation, the data categories of the dossier the protocol or
        the person's consent would let it receive for `purpose`, and the other gemeenten the
        dossier's gemeente may draw guides and placements from. A question about what could be
        shared; nothing is shared, so nothing is recorded (a proposal asks `decide`)."""
        require(ctx, Action.MATCH)
        if purpose not in self.protocol.purposes:
            raise InvalidInput(
                [field_error("purpose", f"must be one of: {', '.join(self.protocol.purposes)}")]
            )
        if not isinstance(organisations, (list, tuple)) or len(organisations) > 1000:
            raise InvalidInput(
                [field_error("organisations", "must be a list of at most 1000 OINs")]
            )
        consents = self._consents(ctx, Action.MATCH, dossier_id)
        day = today or today_in_amsterdam()
        names = self.categories.names()
        permitted: dict[str, list[str]] = {}
        for oin in dict.fromkeys(organisations):
            try:
                partner = self.repository.get(partner_id(str(oin)))
            except AggregateNotFoundError:
                permitted[oin] = []  # not a partner: receives nothing
                continue
            permitted[oin] = [
                c for c in names if decide(self.protocol, consents, partner, c, purpose, day).permit
            ]
        return {
            "dossier_id": str(consents.dossier_id),
            "gemeente": consents.gemeente,
            "purpose": purpose,
            "on": day.isoformat(),
            "protocol_version": self.protocol.version,
            "pool": list(self.protocol.pool_of(consents.gemeente)),
            "organisations": permitted,
        }

    def decide_for(
        self,
        ctx: CommandContext,
        consents: DossierConsents,
        partner: Partner,
        purpose: str,
        categories: Sequence[str],
        day: date,
        trigger: str,
    ) -> list[Decision]:
        """Decide a batch and record it as one event of the dossier's DisclosureLog."""
        decisions = [
            decide(self.protocol, consents, partner, category, purpose, day)
            for category in categories
        ]

        def load() -> DisclosureLog:
            try:
                return self.repository.get(disclosure_log_id(consents.dossier_id))
            except AggregateNotFoundError:
                return DisclosureLog(dossier_id=consents.dossier_id, gemeente=consents.gemeente)

        self._update(
            replace(ctx, legal_basis=basis_of(decisions)),
            load,
            lambda log: log.record(
                recipient=partner.oin,
                recipient_kind=partner.kind,
                purpose=purpose,
                day=day,
                protocol_version=self.protocol.version,
                decisions=[d.as_dict() for d in decisions],
                trigger=trigger,
            ),
        )
        return decisions

    def _parse_question(self, data: Any, today: date) -> dict[str, Any]:
        """A sharing question, its shape checked by the contract (SharingQuestion), its purpose
        one of the protocol in force."""
        question = validated(SharingQuestion, data)
        if question.purpose not in self.protocol.purposes:
            raise InvalidInput(
                [field_error("purpose", f"must be one of: {', '.join(self.protocol.purposes)}")]
            )
        return {
            "dossier_id": str(question.dossier_id),
            "organisation": question.organisation,
            "purpose": question.purpose,
            "categories": list(dict.fromkeys(question.categories)),
            "on": question.on or today,
        }

    # shared -------------------------------------------------------------------------------------
    def _consents(self, ctx: CommandContext, action: Action, dossier_id: str) -> DossierConsents:
        require(ctx, action)
        try:
            consents = self.repository.get(consents_id(UUID(str(dossier_id))))
        except (AggregateNotFoundError, ValueError):
            raise NotFound("no such dossier") from None
        require_for_gemeente(ctx, action, consents.gemeente)
        return consents
