"""What each role sees of a dossier, by data category, and every view recorded."""

from __future__ import annotations

import json

from tests.unit.test_applications import context, guiding, stored
from tests.unit.test_brede_intake import CIRCUMSTANCES, FINANCES, HEALTH, LBT
from tests.unit.test_intake_domain import TODAY, VALID
from tests.unit.test_registration_profile import PROFILE


def _full_dossier(intake):
    dossier_id = intake.register(context(), {**VALID, **PROFILE}, today=TODAY)
    intake.record_leerbaarheidstoets(context(), dossier_id, LBT, today=TODAY)
    intake.record_personal_circumstances(context(), dossier_id, CIRCUMSTANCES)
    intake.record_life_domain(context(), dossier_id, "gezondheid", HEALTH)
    intake.record_life_domain(context(), dossier_id, "financien", FINANCES)
    intake.record_life_domain(
        context(),
        dossier_id,
        "verwachtingen",
        {"expectations": "Werken als kapper.", "three_year_goal": "Eigen salon."},
    )
    return dossier_id


def test_a_volunteers_view_has_no_health_finance_or_bsn(intake):
    dossier_id = _full_dossier(intake)

    view = intake.dossier_view(context("begeleider"), dossier_id, guiding)

    text = json.dumps(view)
    for private in (VALID["bsn"], "Slaapproblemen", "Rugklachten", "bijstand", "huurtoeslag"):
        assert private not in text, private
    assert set(view["intake"]["domains"]) == {"verwachtingen"}
    assert view["languages"][0]["language"] == "Tigrinya"
    assert "gezondheid" not in view["categories"]


def test_the_regievoerders_view_of_the_same_dossier_has_health_and_finances(intake):
    dossier_id = _full_dossier(intake)

    view = intake.dossier_view(context(), dossier_id)

    assert view["bsn"] == VALID["bsn"]
    assert view["intake"]["domains"]["gezondheid"]["mental"] == "Slaapproblemen."
    assert view["intake"]["domains"]["financien"]["income"] == "bijstand"
    assert view["intake"]["personal_circumstances"]["mental_health"] == "Slaapproblemen."


def test_every_view_is_recorded_with_reader_and_categories(intake):
    dossier_id = _full_dossier(intake)
    intake.dossier_view(context("begeleider"), dossier_id, guiding)
    intake.dossier_view(context(), dossier_id)

    views = stored(intake, "ReadLog.Viewed")
    assert [(v.reader, "gezondheid" in v.categories) for v in views] == [
        ("u-begeleider", False),
        ("u-regievoerder", True),
    ]


def test_what_the_protocol_withholds_from_a_guide_is_left_out_of_every_view():
    from services.common import visibility

    guide = ("begeleider",)
    assert visibility.may_see(guide, "gezin")
    try:
        visibility.withhold(["gezin", "signalen"])
        assert not visibility.may_see(guide, "gezin")
        assert not visibility.may_see_domain(guide, "sociaal_netwerk")
        assert not visibility.may_read_signal(guide, "taal", "normaal")
        assert visibility.may_see(guide, "taal")
    finally:
        visibility.withhold_nothing()
    assert visibility.may_see(guide, "gezin")
