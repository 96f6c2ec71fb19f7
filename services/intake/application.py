"""Intake use cases: register a person with a gemeente, and show their dossier."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from services.common import settings
from services.common.access import (
    Action,
    allows,
    allows_role,
    require,
    require_for_gemeente,
)
from services.common.application import ChainApplication
from services.common.context import CommandContext
from services.common.errors import Conflict, InvalidInput, NotFound, field_error
from services.common.region import Region
from services.intake.brede_intake import (
    BredeIntake,
    intake_id,
    parse_education,
    parse_leerbaarheidstoets,
    parse_personal_circumstances,
    parse_route_choice,
    parse_work,
)
from services.intake.conversations import Ladders, parse_invitation, required_note
from services.intake.domain import (
    CORRECTABLE,
    REGISTRATION_FIELDS,
    BsnClaim,
    Dossier,
    Registration,
    parse_registration,
)
from services.intake.life_domains import HEALTH_DOMAINS, PRACTICAL_ITEMS, parse_domain
from services.intake.profile import PROFILE_FIELDS, parse_profile
from services.intake.signals import SignalLog, may_read, parse_signal, signal_log_id

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today_in_amsterdam() -> date:
    return datetime.now(AMSTERDAM).date()


class BredeIntakeUseCases:
    """The brede intake's use cases, on the Intake application (mixed in below)."""

    ACTIVITY = "brede-intake"

    def record_leerbaarheidstoets(
        self, ctx: CommandContext, dossier_id: str, data: Any, today: date | None = None
    ) -> dict[str, Any]:
        step = parse_leerbaarheidstoets(data, today or today_in_amsterdam())
        return self._change_intake(ctx, dossier_id, lambda i: i.record_leerbaarheidstoets(**step))

    def add_education(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        entry = parse_education(data)
        return self._change_intake(ctx, dossier_id, lambda i: i.add_education(**entry))

    def add_work(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        entry = parse_work(data)
        return self._change_intake(ctx, dossier_id, lambda i: i.add_work(**entry))

    def record_personal_circumstances(
        self, ctx: CommandContext, dossier_id: str, data: Any
    ) -> dict[str, Any]:
        step = parse_personal_circumstances(data)
        return self._change_intake(
            ctx, dossier_id, lambda i: i.record_personal_circumstances(**step)
        )

    def record_life_domain(
        self, ctx: CommandContext, dossier_id: str, domain: str, data: Any
    ) -> dict[str, Any]:
        facts = parse_domain(domain, data)
        return self._change_intake(ctx, dossier_id, lambda i: i.record_domain(domain, facts))

    def close_practical_item(
        self, ctx: CommandContext, dossier_id: str, item: str, data: Any
    ) -> dict[str, Any]:
        note = data.get("note", "") if isinstance(data, dict) else ""
        if not isinstance(note, str):
            raise InvalidInput([field_error("note", "must be text")])
        return self._change_intake(
            ctx, dossier_id, lambda i: i.close_practical_item(item, note.strip())
        )

    def plan_conversation(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        invitation = parse_invitation(data)
        return self._change_intake(
            ctx,
            dossier_id,
            lambda i: i.plan_conversation(number=len(i.conversations) + 1, **invitation),
        )

    def record_attendance(
        self, ctx: CommandContext, dossier_id: str, number: int, data: Any
    ) -> dict[str, Any]:
        """`data["attended"]` true, or false with a `note` on the no-show."""
        attended = data.get("attended") if isinstance(data, dict) else None
        if not isinstance(attended, bool):
            raise InvalidInput([field_error("attended", "must be true or false")])
        if attended:
            return self._change_intake(ctx, dossier_id, lambda i: i.record_attended(number))
        note = required_note(data, "note")
        dossier = self._get(dossier_id)
        ladder = self.ladders.for_gemeente(dossier.gemeente)
        return self._change_intake(
            ctx, dossier_id, lambda i: i.record_no_show(number, note, ladder)
        )

    def decide_sanction(
        self, ctx: CommandContext, dossier_id: str, step: str, data: Any
    ) -> dict[str, Any]:
        take = data.get("take") if isinstance(data, dict) else None
        if not isinstance(take, bool):
            raise InvalidInput(
                [field_error("take", "must be true (take the step) or false (waive it)")]
            )
        reason = required_note(data, "reason")
        return self._change_intake(ctx, dossier_id, lambda i: i.decide_sanction(step, take, reason))

    def complete_intake(
        self, ctx: CommandContext, dossier_id: str, today: date | None = None
    ) -> dict[str, Any]:
        dossier = self._get(dossier_id)
        age = _age(dossier.birth_date, today or today_in_amsterdam())
        return self._change_intake(ctx, dossier_id, lambda i: i.complete(age))

    def choose_route(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        choice = parse_route_choice(data)
        return self._change_intake(ctx, dossier_id, lambda i: i.choose_route(**choice))

    def brede_intake(self, ctx: CommandContext, dossier_id: str) -> dict[str, Any]:
        """The intake as the actor may see it: health only for a role that may read it."""
        require(ctx, Action.READ_INTAKE)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.READ_INTAKE, dossier.gemeente)
        try:
            intake = self.repository.get(intake_id(dossier.id))
        except AggregateNotFoundError:
            raise NotFound("no brede intake for this dossier yet") from None
        return self._intake_view(ctx, intake)

    def _change_intake(
        self, ctx: CommandContext, dossier_id: str, change: Callable[[BredeIntake], Any]
    ) -> dict[str, Any]:
        require(ctx, Action.RECORD_INTAKE)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.RECORD_INTAKE, dossier.gemeente)
        intake = self._update(
            ctx.for_activity(self.ACTIVITY),
            lambda: self._load_or(intake_id(dossier.id), BredeIntake, dossier),
            change,
        )
        return self._intake_view(ctx, intake)

    def _load_or(self, aggregate_id: Any, new: Callable[..., Any], dossier: Dossier) -> Any:
        """The aggregate about `dossier`, or a new one when it has none yet."""
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return new(dossier_id=dossier.id, gemeente=dossier.gemeente)

    def _update(
        self, ctx: CommandContext, load: Callable[[], Any], change: Callable[[Any], Any]
    ) -> Any:
        """Load, change and save an aggregate, again from the start when someone else saved it
        in between (optimistic concurrency); returns the saved aggregate."""
        for _attempt in range(3):
            with self.command(ctx):
                aggregate = load()
                change(aggregate)
            try:
                self.save(aggregate)
                return aggregate
            except IntegrityError:
                continue
        raise Conflict("it changed meanwhile, three times over; try again")

    # signals --------------------------------------------------------------------------------
    def give_signal(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        """A professional's signal about a dossier, with their user id and role as author."""
        require(ctx, Action.GIVE_SIGNAL)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.GIVE_SIGNAL, dossier.gemeente)
        signal = parse_signal(data)
        role = next(r for r in ctx.actor.roles if allows_role(r, Action.GIVE_SIGNAL))
        log = self._update(
            ctx.for_activity("signalering"),
            lambda: self._load_or(signal_log_id(dossier.id), SignalLog, dossier),
            lambda log: log.give(author=ctx.actor.user_id, author_role=role, **signal),
        )
        return {"dossier_id": str(dossier.id), "signals": len(log.signals)}

    def signals(self, ctx: CommandContext, dossier_id: str) -> dict[str, Any]:
        """The signals the reader's role may read; the read itself is recorded."""
        require(ctx, Action.READ_SIGNALS)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.READ_SIGNALS, dossier.gemeente)
        shown: list[dict[str, Any]] = []

        def read(log: SignalLog) -> None:
            shown[:] = [
                {**vars_of(e), "at": e.timestamp.isoformat()}
                for e in self.events.get(log.id)
                if isinstance(e, SignalLog.SignalGiven) and may_read(ctx.actor.roles, vars_of(e))
            ]
            log.record_read(
                reader=ctx.actor.user_id,
                shown=len(shown),
                withheld=len(log.signals) - len(shown),
                domains=sorted({s["domain"] for s in shown}),
            )

        log = self._update(
            ctx.for_activity("signalen-inzien"),
            lambda: self._load_or(signal_log_id(dossier.id), SignalLog, dossier),
            read,
        )
        return {
            "dossier_id": str(dossier.id),
            "signals": shown,
            "withheld": len(log.signals) - len(shown),
        }

    def _intake_view(self, ctx: CommandContext, intake: BredeIntake) -> dict[str, Any]:
        circumstances = dict(intake.personal_circumstances or {})
        if circumstances and not allows(ctx, Action.READ_HEALTH):
            circumstances.pop("physical_health", None)
            circumstances.pop("mental_health", None)
        history = [
            {
                "step": type(e).__name__,
                "by": e.context["actor"]["user_id"],
                "role": ",".join(e.context["actor"]["roles"]),
                "at": e.timestamp.isoformat(),
            }
            for e in self.events.get(intake.id)
        ]
        lbt = intake.leerbaarheidstoets
        hidden = set() if allows(ctx, Action.READ_HEALTH) else HEALTH_DOMAINS
        return {
            "dossier_id": str(intake.dossier_id),
            "gemeente": intake.gemeente,
            "leerbaarheidstoets": lbt and {**lbt, "taken_on": lbt["taken_on"].isoformat()},
            "education": intake.education,
            "work": intake.work,
            "personal_circumstances": circumstances or None,
            "domains": {d: f for d, f in intake.domains.items() if d not in hidden},
            "practical_items": [
                {
                    "item": item,
                    "label": PRACTICAL_ITEMS[item].label,
                    "open": state["open"],
                    "note": state["note"],
                }
                for item, state in intake.practical_items.items()
            ],
            "conversations": [
                {**c, "planned_on": c["planned_on"].isoformat()} for c in intake.conversations
            ],
            "sanctions": intake.sanctions,
            "sanction_ladder": self.ladders.for_gemeente(intake.gemeente).as_dict(),
            "missing_parts": intake.missing_parts(),
            "complete": intake.route_advice is not None,
            "route_advice": intake.route_advice,
            "route_choice": intake.route_choice,
            "history": history,
            "version": intake.version,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def vars_of(given: Any) -> dict[str, Any]:
    """The fields of a SignalGiven event."""
    return {
        k: getattr(given, k) for k in ("author", "author_role", "domain", "text", "sensitivity")
    }


def _age(birth_date: date, today: date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


class Intake(ChainApplication, BredeIntakeUseCases):
    name = "Intake"
    schema = "intake"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        region: Region | None = None,
        bsn_key: str | None = None,
        ladders: Ladders | None = None,
    ):
        super().__init__(env)
        self.region = region or Region.load()
        self.ladders = ladders or Ladders.load()
        self.bsn_key = bsn_key or settings.BSN_INDEX_KEY.get()

    def register(self, ctx: CommandContext, data: Any, today: date | None = None) -> UUID:
        """Register a person with a gemeente; returns the new dossier's id."""
        require(ctx, Action.REGISTER_DOSSIER)
        registration, profile, link = parse_registration(
            data, self.region.codes(), today or today_in_amsterdam()
        )
        require_for_gemeente(ctx, Action.REGISTER_DOSSIER, registration.gemeente)
        household = self._household_of(link, registration.gemeente) if link else None
        with self.command(ctx.for_activity("registratie")):
            dossier = Dossier.register(registration)
            claim = BsnClaim(
                digest=BsnClaim.digest_of(registration.bsn, self.bsn_key),
                dossier_id=dossier.id,
                gemeente=registration.gemeente,
            )
            if profile:
                dossier.record_profile(profile)
            if household:
                dossier.join_household(household_id=household, relation=link["relation"])
        try:
            self.save(dossier, claim)
        except IntegrityError:
            raise Conflict(
                "a dossier for this BSN already exists in the region; a move between gemeenten "
                "is a handover, not a new registration"
            ) from None
        return dossier.id

    def _household_of(self, link: dict[str, str], gemeente: str) -> UUID:
        """The household of the member named in `household_of` (in the same gemeente)."""
        try:
            member = self._get(link["household_of"])
        except NotFound:
            member = None
        if member is None or member.gemeente != gemeente:
            raise InvalidInput([field_error("household_of", "is not a dossier of this gemeente")])
        return member.household_id or member.id

    def correct(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        """Correct registered facts with a reason; the history keeps what was there before."""
        require(ctx, Action.REGISTER_DOSSIER)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.REGISTER_DOSSIER, dossier.gemeente)
        changes = data.get("changes") if isinstance(data, dict) else None
        reason = data.get("reason") if isinstance(data, dict) else None
        if not isinstance(changes, dict):
            raise InvalidInput([field_error("changes", "must be an object of field: new value")])
        checked = self._check_corrections(dossier, changes)
        self._update(
            ctx.for_activity("registratie"),
            lambda: self._get(dossier_id),
            lambda d: d.correct(checked, (reason or "").strip() if isinstance(reason, str) else ""),
        )
        return self.dossier(ctx, dossier_id)

    def _check_corrections(self, dossier: Dossier, changes: dict[str, Any]) -> dict[str, Any]:
        today = today_in_amsterdam()
        errors = [
            field_error(
                name,
                "cannot be corrected here; correctable: "
                + ", ".join((*CORRECTABLE, *PROFILE_FIELDS)),
            )
            for name in changes
            if name not in CORRECTABLE and name not in PROFILE_FIELDS
        ]
        current = {name: getattr(dossier, name) for name in REGISTRATION_FIELDS}
        current = {k: v.isoformat() if isinstance(v, date) else v for k, v in current.items()}
        legal = {k: v for k, v in changes.items() if k in CORRECTABLE}
        try:
            registration = Registration.parse({**current, **legal}, self.region.codes(), today)
        except InvalidInput as invalid:
            errors += [e for e in invalid.errors if e["field"] in legal]
            registration = None
        profile, profile_errors = parse_profile(
            {k: v for k, v in changes.items() if k in PROFILE_FIELDS}, today
        )
        errors += profile_errors
        if errors:
            raise InvalidInput(errors)
        return {**{k: getattr(registration, k) for k in legal}, **profile}

    def dossier(self, ctx: CommandContext, dossier_id: UUID | str) -> dict[str, Any]:
        """The dossier as its gemeente's regievoerder sees it."""
        require(ctx, Action.READ_DOSSIER)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.READ_DOSSIER, dossier.gemeente)
        return {
            "id": str(dossier.id),
            "gemeente": dossier.gemeente,
            "bsn": dossier.bsn,
            "v_nummer": dossier.v_nummer,
            "given_name": dossier.given_name,
            "family_name": dossier.family_name,
            "birth_date": dossier.birth_date.isoformat(),
            "duo_notice_date": dossier.duo_notice_date.isoformat(),
            "brp_registration_date": dossier.brp_registration_date.isoformat(),
            "registered_at": dossier.created_on.isoformat(),
            "profile": _jsonable(dossier.profile),
            "household_id": str(dossier.household_id or dossier.id),
            "relation": dossier.relation,
            "corrections": dossier.corrections,
            "version": dossier.version,
        }

    def _get(self, dossier_id: UUID | str) -> Dossier:
        try:
            dossier = self.repository.get(UUID(str(dossier_id)))
        except (AggregateNotFoundError, ValueError):
            raise NotFound("no such dossier") from None
        if not isinstance(dossier, Dossier):
            raise NotFound("no such dossier")
        return dossier
