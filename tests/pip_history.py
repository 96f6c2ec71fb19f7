"""A PIP with a past, for the end-to-end tests of rules that count time (a deadline, the 18 months
of a route switch): what the platform's pip would have stored had the brede intake been completed,
and the PIP decided, on those past days.

No clock of a running platform can be set, and a PIP cannot be dated before its intake was
completed, so such a past cannot be made over HTTP today. A pip application of the test's own
writes it to pip's store as one more pip instance would (as tests/e2e/test_guarantees.py writes
to intake's); the platform then serves and refuses over HTTP as for any other PIP.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from services.common.context import Actor, CommandContext
from services.pip.application import Pips
from services.pip.domain import pip_id
from tests.pip_fixtures import goal, sections


def _regievoerder(gemeente: str) -> CommandContext:
    actor = Actor("e2e-regievoerder", "Regievoerder", ("regievoerder",), "", (gemeente,))
    return CommandContext(actor=actor, activity="pip-opstellen")


@contextmanager
def _pips() -> Iterator[Pips]:
    app = Pips.on_postgres(identity="pip")
    try:
        yield app
    finally:
        app.close()


def intake_completed_on(dossier_id: str, day: date, gemeente: str = "0344") -> None:
    """The draft of a dossier registered over HTTP notes its brede intake as completed on `day`,
    as pip stores intake's `brede-intake.afgerond` event of that day."""
    with _pips() as app:
        pip = app.repository.get(pip_id(dossier_id))
        with app.command(_regievoerder(gemeente)):
            pip.note_intake_completed(
                completed_on=day,
                route_advice={"route": "b1", "rule": "standaard-b1", "reasons": ["B1 haalbaar."]},
                summary={"domains": ["gezondheid"], "open_practical_items": []},
            )
        app.save(pip)


def established_on(
    dossier_id: str, day: date, gemeente: str = "0344", domains: tuple[str, ...] = ("gezondheid",)
) -> None:
    """The draft, its intake completed before `day`, drafted with a goal on each of `domains`
    and established on `day`, each step recorded that day as a regievoerder would have."""
    ctx = _regievoerder(gemeente)
    with _pips() as app:
        app.change_sections(ctx, dossier_id, sections(day))
        for domain in domains:
            app.add_goal(ctx, dossier_id, goal(day, domain))
        app.establish(ctx, dossier_id, {"decided_on": day.isoformat()}, today=day)


def intake_completed_earlier(dossier_id: str, day: date, gemeente: str = "0344") -> None:
    """The draft whose brede intake was completed over HTTP today notes it as completed on
    `day` instead, with the same advice and summary: a plan may then be dated back to `day`."""
    with _pips() as app:
        pip = app.repository.get(pip_id(dossier_id))
        points = pip.starting_points
        with app.command(_regievoerder(gemeente)):
            pip.note_intake_completed(
                completed_on=day, route_advice=points["route_advice"], summary=points["summary"]
            )
        app.save(pip)
