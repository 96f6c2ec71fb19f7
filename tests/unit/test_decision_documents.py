"""Decisions as documents, on in-memory persistence: the letter is rendered with the decision and
kept in its event, so a later change of the wording changes no letter already issued; the name
is asked once and only of a decision that passed its checks."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from jinja2 import DictLoader

from services.common.documents import render as rendering
from services.common.errors import Conflict
from services.pip.domain import Pip, pip_id
from tests.unit.test_applications import context
from tests.unit.test_pip_plan import TODAY, _dossier, _ready

DECIDED = date(2026, 11, 20)


def _issued(pips, dossier_id: str) -> list:
    return [
        e
        for e in pips.repository.event_store.get(pip_id(dossier_id))
        if isinstance(e, Pip.DocumentIssued)
    ]


def test_the_beschikking_is_issued_with_the_decision_and_names_the_person(pips):
    dossier_id = _dossier(pips)
    _ready(pips, dossier_id, DECIDED)
    asked = []

    def name() -> str:
        asked.append(1)
        return "Rahaf Haddad"

    pips.establish(
        context(), dossier_id, {"decided_on": DECIDED.isoformat()}, TODAY, addressee=name
    )

    [issued] = _issued(pips, dossier_id)
    assert asked == [1]
    assert issued.kind == "pip-beschikking" and issued.issued_on == TODAY
    assert issued.sha256 == hashlib.sha256(issued.html.encode()).hexdigest()
    for text in ("Gemeente Utrecht", "Rahaf Haddad", "28 november 2026", "20 november 2026"):
        assert text in issued.html
    assert "Doel op gezondheid." not in issued.html


def test_a_refused_decision_issues_nothing_and_asks_no_name(pips):
    dossier_id = _dossier(pips, complete=False)
    _ready(pips, dossier_id, DECIDED)

    with pytest.raises(Conflict):
        pips.establish(
            context(), dossier_id, {}, TODAY, addressee=lambda: pytest.fail("name asked")
        )

    assert _issued(pips, dossier_id) == []


def test_a_later_change_of_the_wording_leaves_an_issued_letter_as_it_was(pips, monkeypatch):
    dossier_id = _dossier(pips)
    _ready(pips, dossier_id, DECIDED)
    pips.establish(context(), dossier_id, {"decided_on": DECIDED.isoformat()}, TODAY)
    [before] = _issued(pips, dossier_id)

    environment = rendering._environment()
    monkeypatch.setattr(
        environment,
        "loader",
        DictLoader({"pip-beschikking.html": "Nieuwe tekst voor {{ addressee }}"}),
    )
    monkeypatch.setattr(environment, "cache", {})  # forget the compiled templates meanwhile
    new = rendering.render(
        "pip-beschikking", gemeente="0344", addressee="X", issued_on=TODAY, decided={}
    )

    [after] = _issued(pips, dossier_id)
    assert new["html"] == "Nieuwe tekst voor X"
    assert (after.html, after.sha256) == (before.html, before.sha256)
    assert "Dan kunt u bezwaar maken" in after.html
