"""Moving within the region (verhuizing, warme overdracht): the old gemeente's regievoerder
proposes the move, the new gemeente's regievoerder accepts or declines it. On acceptance the
dossier and every part intake keeps of it belong to the new gemeente, in one transaction; pip,
matching and consent follow intake's `dossier.verhuisd` event.

The law (rule table; articles not verified in the search corpora, which hold no text of the
Wet inburgering 2021 on a move: flagged for the legal department):
- the termijn (Wi 2021 art. 7 and 11, as pip's rules cite them) and the PIP's deadline (Besluit
  inburgering 2021 art. 5.3) run on:
  a move changes who carries out the plan, not the person's obligation (domain.md: "moving to
  another gemeente (route stays)");
- the new gemeente's college takes over the regie from the day it accepts (AVG art. 6 lid 1 sub
  e: the task of the gemeente the person lives in now);
- the old gemeente keeps what it needs to account for its own decisions (AVG art. 5 lid 2): its
  part of the ledger, never the current dossier.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from services.common.access import Action, require, require_for_gemeente
from services.common.clock import today_in_amsterdam
from services.common.context import CommandContext
from services.common.errors import Conflict, Forbidden, InvalidInput, NotFound, field_error
from services.common.fields import validated
from services.contracts import intake as contract
from services.intake.brede_intake import intake_id
from services.intake.domain import MOVE_OUT_OF_REGION, BsnClaim, Dossier
from services.intake.signals import signal_log_id
from services.intake.views import read_log_id

MOVE_ACTIVITY = "verhuizing"


class MoveUseCases:
    """Mixed into `Intake`: propose, accept, decline and show a dossier's move."""

    def propose_move(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        """The old gemeente's regievoerder proposes a move to another gemeente of the region."""
        require(ctx, Action.MOVE_DOSSIER)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.MOVE_DOSSIER, dossier.gemeente)
        proposal = validated(contract.MoveProposal, data)
        today = today_in_amsterdam()
        _check_moved_on(proposal.moved_on, dossier, today)
        dossier.check_move(proposal.to_gemeente, self.region.codes())

        def proposed(d: Dossier) -> None:
            d.check_move(proposal.to_gemeente, self.region.codes())
            d.propose_move(
                to_gemeente=proposal.to_gemeente, moved_on=proposal.moved_on, proposed_on=today
            )

        dossier = self._update(
            ctx.for_activity(MOVE_ACTIVITY), lambda: self._get(dossier_id), proposed
        )
        return move_answer(dossier)

    def move(self, ctx: CommandContext, dossier_id: str) -> dict[str, Any]:
        """The dossier's move, for its gemeente and for the gemeente an open move goes to."""
        require(ctx, Action.MOVE_DOSSIER)
        dossier = self._get(dossier_id)
        open_move = dossier.open_move()
        if not (open_move and ctx.actor.acts_for(open_move["to_gemeente"])):
            require_for_gemeente(ctx, Action.MOVE_DOSSIER, dossier.gemeente)
        if dossier.move is None:
            raise NotFound("this dossier has no move")
        return move_answer(dossier)

    def accept_move(self, ctx: CommandContext, dossier_id: str) -> dict[str, Any]:
        """The new gemeente's regievoerder accepts: the dossier and every part intake keeps of
        it are theirs from now on (one transaction)."""
        dossier = self._answerable_move(ctx, dossier_id)
        today = today_in_amsterdam()

        def load() -> tuple[Any, ...]:
            current = self._get(dossier_id)
            return (current, *self._parts_of(current))

        def hand_over(aggregates: tuple[Any, ...]) -> None:
            current, *parts = aggregates
            move = current.open_move()
            if move is None or move["to_gemeente"] != dossier.move["to_gemeente"]:
                raise Conflict("the move was answered meanwhile")
            current.move_to(
                from_gemeente=current.gemeente,
                to_gemeente=move["to_gemeente"],
                moved_on=move["moved_on"],
                accepted_on=today,
            )
            for part in parts:
                part.hand_over(to_gemeente=move["to_gemeente"])

        saved = self._update(ctx.for_activity(MOVE_ACTIVITY), load, hand_over)
        return move_answer(saved[0])

    def decline_move(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        """The new gemeente's regievoerder declines, with a reason; the dossier stays."""
        self._answerable_move(ctx, dossier_id)
        decline = validated(contract.MoveDecline, data)
        reason = decline.reason.strip()
        if not reason:
            raise InvalidInput([field_error("reason", "is required: say why")])
        today = today_in_amsterdam()

        def declined(d: Dossier) -> None:
            if d.open_move() is None:
                raise Conflict("the move was answered meanwhile")
            d.decline_move(reason=reason, declined_on=today)

        dossier = self._update(
            ctx.for_activity(MOVE_ACTIVITY), lambda: self._get(dossier_id), declined
        )
        return move_answer(dossier)

    def leave_region(self, ctx: CommandContext, dossier_id: str, data: Any) -> dict[str, Any]:
        """The old gemeente's regievoerder records a move out of the region: the dossier and
        every part intake keeps of it go to that gemeente at once (nobody of the region acts
        for it), which closes them for the region; the old gemeente keeps its history and the
        overdrachtsdossier."""
        require(ctx, Action.MOVE_DOSSIER)
        dossier = self._get(dossier_id)
        require_for_gemeente(ctx, Action.MOVE_DOSSIER, dossier.gemeente)
        exit_ = validated(contract.RegionExit, data)
        today = today_in_amsterdam()
        _check_moved_on(exit_.moved_on, dossier, today)
        if exit_.to_gemeente in self.region.codes():
            raise InvalidInput(
                [
                    field_error(
                        "to_gemeente",
                        "is a gemeente of this region: propose the move (POST .../verhuizing),"
                        " for that gemeente to accept",
                    )
                ]
            )
        if (open_move := dossier.open_move()) is not None:
            raise Conflict(
                f"to_gemeente: a move to {open_move['to_gemeente']} is open; it is accepted or"
                " declined first"
            )

        def load() -> tuple[Any, ...]:
            current = self._get(dossier_id)
            return (current, *self._parts_of(current))

        def leave(aggregates: tuple[Any, ...]) -> None:
            current, *parts = aggregates
            current.move_to(
                from_gemeente=current.gemeente,
                to_gemeente=exit_.to_gemeente,
                moved_on=exit_.moved_on,
                accepted_on=today,
                within_region=False,
            )
            for part in parts:
                part.hand_over(to_gemeente=exit_.to_gemeente)

        saved = self._update(ctx.for_activity(MOVE_ACTIVITY), load, leave)
        return move_answer(saved[0])

    def transfer_file(self, ctx: CommandContext, dossier_id: str) -> dict[str, Any]:
        """Intake's part of the overdrachtsdossier of a person who left the region, for the
        gemeente they left: who they are, where they went, the route and the intake's
        sanctions. Health (personal circumstances, signals) is never in it (AVG art. 9)."""
        require(ctx, Action.MOVE_DOSSIER)
        dossier = self._get(dossier_id)
        move = dossier.move
        if not (
            move
            and move["status"] == MOVE_OUT_OF_REGION
            and ctx.actor.acts_for(move["from_gemeente"])
        ):
            raise NotFound("no overdrachtsdossier: this dossier did not leave the region from here")
        try:
            intake = self.repository.get(intake_id(dossier.id))
        except AggregateNotFoundError:
            intake = None
        return {
            "gemeente": move["from_gemeente"],
            "person": {
                "bsn": dossier.bsn,
                "v_nummer": dossier.v_nummer,
                "given_name": dossier.given_name,
                "family_name": dossier.family_name,
                "birth_date": dossier.birth_date.isoformat(),
                "duo_notice_date": dossier.duo_notice_date.isoformat(),
                "brp_registration_date": dossier.brp_registration_date.isoformat(),
            },
            "move": move_answer(dossier),
            "route": (intake.route_choice or {}).get("route") if intake else None,
            "intake_complete": bool(intake and intake.route_advice is not None),
            "intake_sanctions": [
                {"step": s["step"], "decision": s["decision"] or "open"}
                for s in (intake.sanctions if intake else [])
                if s["decision"] != "ingetrokken"
            ],
        }

    def _answerable_move(self, ctx: CommandContext, dossier_id: str) -> Dossier:
        """The dossier, when it has an open move to a gemeente the actor acts for. The old
        gemeente's staff learn that only the new gemeente answers (403, naming `to_gemeente`);
        anyone else finds no such dossier."""
        require(ctx, Action.MOVE_DOSSIER)
        dossier = self._get(dossier_id)
        move = dossier.open_move()
        if move is not None and ctx.actor.acts_for(move["to_gemeente"]):
            return dossier
        require_for_gemeente(ctx, Action.MOVE_DOSSIER, dossier.gemeente)
        if move is None:
            raise Conflict("this dossier has no open move to answer")
        raise Forbidden(
            f"to_gemeente: only a regievoerder of gemeente {move['to_gemeente']}, where the"
            " person moves to, accepts or declines this move"
        )

    def _parts_of(self, dossier: Dossier) -> list[Any]:
        """Every aggregate intake keeps about the dossier besides the dossier itself."""
        ids = [
            intake_id(dossier.id),
            signal_log_id(dossier.id),
            read_log_id(dossier.id),
            BsnClaim.create_id(BsnClaim.digest_of(dossier.bsn, self.bsn_key)),
        ]
        parts = []
        for part_id in ids:
            try:
                parts.append(self.repository.get(part_id))
            except AggregateNotFoundError:
                continue
        return parts


def _check_moved_on(moved_on: date, dossier: Dossier, today: date) -> None:
    if moved_on > today:
        raise InvalidInput(
            [field_error("moved_on", f"must not be in the future (today is {today})")]
        )
    if moved_on < dossier.brp_registration_date:
        raise InvalidInput(
            [
                field_error(
                    "moved_on",
                    "must not be before the person's BRP registration"
                    f" ({dossier.brp_registration_date})",
                )
            ]
        )


def move_answer(dossier: Dossier) -> dict[str, Any]:
    move = dossier.move
    assert move is not None
    return {
        "dossier_id": str(dossier.id),
        "status": move["status"],
        "from_gemeente": move["from_gemeente"],
        "to_gemeente": move["to_gemeente"],
        "moved_on": move["moved_on"].isoformat(),
        "proposed_on": move["proposed_on"].isoformat(),
        "answered_on": move["answered_on"] and move["answered_on"].isoformat(),
        "decline_reason": move["decline_reason"],
    }
