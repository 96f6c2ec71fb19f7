"""A dossier's regievoerder (issue 17), on in-memory persistence: a regievoerder takes it, gives
it only to one the gemeente knows, and taking it again records nothing."""

from __future__ import annotations

import pytest

from services.common.access import gemeenten_of_list
from services.common.errors import Forbidden, InvalidInput, NotFound
from services.gateway.routes.werkvoorraad import _merged, _reads
from tests.unit.test_applications import context, stored
from tests.unit.test_intake_domain import TODAY, VALID


def _known(gemeente: str, user_id: str) -> str | None:
    return {("0344", "u-piet"): "Piet"}.get((gemeente, user_id))


def test_a_regievoerder_takes_a_dossier_once_and_gives_it_to_one_the_gemeente_knows(intake):
    dossier_id = str(intake.register(context(), VALID, today=TODAY))
    assert intake.dossier(context(), dossier_id)["regievoerder"] is None

    taken = intake.assign_regievoerder(context(), dossier_id, {"regievoerder": "mij"}, _known)
    again = intake.assign_regievoerder(context(), dossier_id, {"regievoerder": "mij"}, _known)
    given = intake.assign_regievoerder(context(), dossier_id, {"regievoerder": "u-piet"}, _known)

    assert taken["regievoerder"] == {"id": "u-regievoerder", "name": "Regievoerder"}
    assert again["version"] == taken["version"], "taking it again records nothing"
    assert given["regievoerder"] == {"id": "u-piet", "name": "Piet"}
    events = stored(intake, "RegievoerderAssigned")
    assert [e.regievoerder for e in events] == ["u-regievoerder", "u-piet"]
    assert events[1].context["actor"]["user_id"] == "u-regievoerder"


def test_only_a_regievoerder_of_the_gemeente_assigns_and_only_to_one_it_knows(intake):
    dossier_id = str(intake.register(context(), VALID, today=TODAY))
    with pytest.raises(InvalidInput) as unknown:
        intake.assign_regievoerder(context(), dossier_id, {"regievoerder": "u-noor"}, _known)
    with pytest.raises(InvalidInput) as empty:
        intake.assign_regievoerder(context(), dossier_id, {"regievoerder": ""}, _known)
    with pytest.raises(Forbidden):
        intake.assign_regievoerder(
            context("klantmanager"), dossier_id, {"regievoerder": "mij"}, _known
        )
    with pytest.raises(NotFound):
        intake.assign_regievoerder(
            context("regievoerder", "0321"), dossier_id, {"regievoerder": "mij"}, _known
        )

    assert [e["field"] for e in unknown.value.errors] == ["regievoerder"]
    assert [e["field"] for e in empty.value.errors] == ["regievoerder"]
    assert stored(intake, "RegievoerderAssigned") == []


def test_the_breaches_of_intake_and_pip_are_merged_earliest_first_and_counted_together():
    intake = {"count": 60, "items": [{"dossier_id": "b", "on": "2026-11-02"}]}
    pip = {"count": 2, "items": [{"dossier_id": "a", "on": "2026-11-03"}]}

    merged = _merged(pip, intake)

    assert merged["count"] == 62
    assert [i["dossier_id"] for i in merged["items"]] == ["b", "a"]
    assert _merged(None, None) == {"count": 0, "items": []}


def test_a_worklist_is_for_every_gemeente_of_the_actor_or_one_they_act_for():
    ctx = context("regievoerder", "0344", "0321")

    assert gemeenten_of_list(ctx, None) == ("0344", "0321")
    assert gemeenten_of_list(ctx, "0321") == ("0321",)
    with pytest.raises(Forbidden, match="0356"):
        gemeenten_of_list(ctx, "0356")


def test_the_werkvoorraad_logs_one_read_per_dossier_shown_with_what_it_showed():
    answer = {
        "lists": [
            {"key": "intake_open", "items": [{"dossier_id": "a", "gemeente": "0344"}]},
            {"key": "pip_to_establish", "items": [{"dossier_id": "a", "gemeente": "0344"}]},
            {"key": "breaches_to_decide", "items": [{"dossier_id": "a", "gemeente": "0344"}]},
            {"key": "signals_new", "items": [{"dossier_id": "b", "gemeente": "0344"}]},
        ]
    }

    assert _reads(answer) == [
        ("a", "0344", ["handhaving", "identiteit"]),
        ("b", "0344", ["identiteit"]),
    ]
