"""Snapshots only speed up loading an aggregate: with them, without them (lost, deleted) and from an
older snapshot after the aggregate changed shape, loading gives the same aggregate."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.application import Repository
from eventsourcing.domain import Snapshot, event

from services.common.aggregate import ChainAggregate
from services.common.application import ChainApplication
from services.common.context import acting
from services.intake.application import Intake
from tests.pip_fixtures import goal, registered, sections
from tests.unit.test_applications import context
from tests.unit.test_brede_intake import CIRCUMSTANCES, EDUCATION, FINANCES, LBT
from tests.unit.test_intake_domain import TODAY, VALID


def _every_event(app: ChainApplication) -> ChainApplication:
    app.snapshot_every = 1  # a snapshot at every version: each is loaded from one
    return app


def _aggregate_ids(app: ChainApplication) -> set[UUID]:
    return {n.originator_id for n in app.recorder.select_notifications(start=1, limit=10_000)}


def _state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def _from_events_alone(app: ChainApplication, aggregate_id: UUID) -> Any:
    return Repository(event_store=app.events, snapshot_store=None).get(aggregate_id)


def _assert_same_with_and_without_snapshots(app: ChainApplication) -> int:
    compared = 0
    for aggregate_id in _aggregate_ids(app):
        with_snapshots = app.repository.get(aggregate_id)
        assert list(app.snapshots.get(aggregate_id, desc=True, limit=1)), "a snapshot is used"
        alone = _from_events_alone(app, aggregate_id)
        assert type(with_snapshots) is type(alone)
        assert _state(with_snapshots) == _state(alone), type(alone).__qualname__
        compared += 1
    return compared


@pytest.fixture
def snapshotting_intake(intake):
    return _every_event(intake)


@pytest.fixture
def snapshotting_pips(pips):
    return _every_event(pips)


def test_intake_s_aggregates_load_the_same_from_snapshots_and_from_events(snapshotting_intake):
    intake = snapshotting_intake
    dossier_id = str(intake.register(context(), VALID, today=TODAY))
    intake.record_leerbaarheidstoets(context(), dossier_id, LBT, today=TODAY)
    intake.add_education(context(), dossier_id, EDUCATION)
    intake.add_work(context(), dossier_id, {"country": "Syrië", "occupation": "Kapper", "years": 3})
    intake.record_personal_circumstances(context(), dossier_id, CIRCUMSTANCES)
    intake.record_life_domain(context(), dossier_id, "financien", FINANCES)
    intake.correct(context(), dossier_id, {"changes": {"family_name": "Tesfai"}, "reason": "BRP"})

    assert _assert_same_with_and_without_snapshots(intake) >= 4  # dossier, claim, intake, list


def test_a_pip_loads_the_same_from_snapshots_and_from_events(snapshotting_pips):
    pips = snapshotting_pips
    dossier_id = "2f1c2a47-8d56-4a9c-9a43-2f6c4e7b1d10"
    pips.process("intake", [registered(dossier_id, date(2026, 9, 1), date(2026, 9, 14))])
    decided = date(2026, 11, 20)
    pips.change_sections(context(), dossier_id, sections(decided, "b1"))
    pips.add_goal(context(), dossier_id, goal(decided))
    pips.add_goal(context(), dossier_id, goal(decided, "taal", term="lang", phase=1))

    assert _assert_same_with_and_without_snapshots(pips) >= 1


def test_snapshots_are_taken_every_so_many_events_and_a_lost_one_changes_nothing(intake):
    intake.snapshot_every = 3
    dossier_id = str(intake.register(context(), VALID, today=TODAY))
    for n in range(7):
        intake.correct(
            context(), dossier_id, {"changes": {"given_name": f"Naam{n}"}, "reason": "BRP"}
        )
    dossier = intake.repository.get(UUID(dossier_id))
    assert dossier.version == 8
    versions = [s.originator_version for s in intake.snapshots.get(dossier.id)]
    assert versions == [3, 6]

    intake.repository.snapshot_store = intake.construct_snapshot_store()  # lost, all of them
    assert _state(intake.repository.get(dossier.id)) == _state(dossier)


class Shelf(ChainAggregate):
    """A test aggregate whose stored events changed shape: v1 `Added` had a bare name, v2 a dict
    with a count, and the aggregate holds what the events say."""

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot taken while the shelf held bare names."""
        state["items"] = [{"name": name, "count": 1} for name in state["items"]]

    @event("Opened")
    def __init__(self) -> None:
        self.items: list[Any] = []

    class Added(ChainAggregate.Event):
        item: dict[str, Any]
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["item"] = {"name": state.pop("name"), "count": 1}

    @event(Added)
    def add(self, item: dict[str, Any]) -> None:
        self.items.append(item)


class Shelves(ChainApplication):
    name = "Shelves"


def test_a_snapshot_of_an_older_shape_loads_through_the_aggregate_s_upcast():
    app = _every_event(Shelves.in_memory())
    with acting(context()):
        shelf = Shelf()
        shelf.add(item={"name": "boek", "count": 1})
    app.save(shelf)
    # What a snapshot taken before the change holds: bare names, and no class version.
    state = {
        k: v for k, v in vars(shelf).items() if k not in ("_id", "_version", "_pending_events")
    }
    app.snapshots = app.repository.snapshot_store = app.construct_snapshot_store()
    app.snapshots.put(
        [
            Snapshot(
                originator_id=shelf.id,
                originator_version=shelf.version,
                timestamp=Snapshot.create_timestamp(),
                topic=Snapshot.take(shelf).topic,
                state={**state, "items": ["boek"]},
            )
        ]
    )

    loaded = app.repository.get(shelf.id)

    assert loaded.items == [{"name": "boek", "count": 1}]
    assert _state(loaded) == _state(_from_events_alone(app, shelf.id))


def test_a_snapshot_that_cannot_be_taken_leaves_the_command_done(intake, monkeypatch, caplog):
    _every_event(intake)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise TypeError("not serialisable")

    monkeypatch.setattr(Intake, "take_snapshot", broken)
    dossier_id = intake.register(context(), VALID, today=TODAY)

    assert intake.repository.get(dossier_id).version == 1
    assert "snapshot_not_taken" in caplog.text
