"""Who closes the brede intake's practical items (issue 16): the regievoerder any item, the
klantmanager the items of their domain (financien: allowances, debts, an advance), never a health
item, nor one of another gemeente; each reader is told which items they may close."""

from __future__ import annotations

import pytest

from services.common.access import may_close_practical_item
from services.common.errors import Forbidden, NotFound
from services.intake.life_domains import PRACTICAL_RULES
from tests.unit.test_applications import context
from tests.unit.test_brede_intake import FINANCES, HEALTH
from tests.unit.test_intake_domain import TODAY, VALID

GEZIN = {"partner": True, "children": 2, "childcare_needed": True, "one_to_one_offered": True}
NOTE = {"note": "Samen de aanvraag bij de Belastingdienst gedaan."}


@pytest.fixture
def dossier_id(intake):
    """A person with open items in financien, gezondheid and gezin."""
    dossier_id = intake.register(context(), VALID, today=TODAY)
    intake.record_life_domain(context(), dossier_id, "financien", FINANCES)
    intake.record_life_domain(
        context(), dossier_id, "gezondheid", {**HEALTH, "health_insurance": False}
    )
    intake.record_life_domain(context(), dossier_id, "gezin", GEZIN)
    return dossier_id


def test_the_klantmanager_closes_the_items_of_their_domains_only():
    closes = {
        r.item for r in PRACTICAL_RULES if may_close_practical_item(("klantmanager",), r.domain)
    }
    assert closes == {
        "huurtoeslag-aanvragen",
        "zorgtoeslag-aanvragen",
        "kinderopvangtoeslag-aanvragen",
        "schulden-aanpakken",
        "voorschot-uitkering",
        "inschrijven-werkzoekende",  # werk_en_reintegratie (issue 17)
    }
    assert all(may_close_practical_item(("regievoerder",), r.domain) for r in PRACTICAL_RULES)
    assert not any(may_close_practical_item(("begeleider",), r.domain) for r in PRACTICAL_RULES)


def test_a_klantmanager_closes_an_item_of_financien_with_a_note(intake, dossier_id):
    view = intake.close_practical_item(
        context("klantmanager"), dossier_id, "huurtoeslag-aanvragen", NOTE
    )

    closed = {i["item"]: i for i in view["practical_items"]}["huurtoeslag-aanvragen"]
    assert (closed["open"], closed["note"], closed["may_close"]) == (False, NOTE["note"], False)
    assert view["history"][-1]["role"] == "klantmanager"
    shown = {i["item"] for i in view["practical_items"]}
    assert "zorgverzekering-regelen" not in shown, "a klantmanager is shown no health item"


def test_each_reader_is_told_which_open_items_they_may_close(intake, dossier_id):
    as_klantmanager = intake.brede_intake(context("klantmanager"), dossier_id)
    as_regievoerder = intake.brede_intake(context(), dossier_id)

    def closable(view):
        return {i["item"]: i["may_close"] for i in view["practical_items"]}

    assert closable(as_klantmanager) == {
        "huurtoeslag-aanvragen": True,
        "schulden-aanpakken": True,
        "kinderopvang-regelen": False,  # gezin: the regievoerder's
    }
    assert set(closable(as_regievoerder)) == {
        "huurtoeslag-aanvragen",
        "schulden-aanpakken",
        "kinderopvang-regelen",
        "zorgverzekering-regelen",
    }
    assert all(closable(as_regievoerder).values())
    domains = {i["item"]: i["domain"] for i in as_regievoerder["practical_items"]}
    assert domains["kinderopvang-regelen"] == "gezin"


@pytest.mark.parametrize("item", ["kinderopvang-regelen", "zorgverzekering-regelen"])
def test_a_klantmanager_may_not_close_an_item_of_another_domain(intake, dossier_id, item):
    with pytest.raises(Forbidden):
        intake.close_practical_item(context("klantmanager"), dossier_id, item, NOTE)

    still = {
        i["item"]: i["open"] for i in intake.brede_intake(context(), dossier_id)["practical_items"]
    }
    assert still[item] is True


def test_a_klantmanager_of_another_gemeente_finds_no_dossier(intake, dossier_id):
    with pytest.raises(NotFound):
        intake.close_practical_item(
            context("klantmanager", "0356"), dossier_id, "schulden-aanpakken", NOTE
        )


def test_a_begeleider_closes_nothing(intake, dossier_id):
    with pytest.raises(Forbidden):
        intake.close_practical_item(context("begeleider"), dossier_id, "schulden-aanpakken", NOTE)
