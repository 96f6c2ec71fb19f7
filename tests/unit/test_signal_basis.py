"""What lets the gemeente accept a health signal (issue 17 point 6): the protocol's signal rule
for the sender, and the person's explicit consent to the gemeente itself (AVG art. 9 lid 2 sub a),
on in-memory persistence."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.common.errors import NotFound
from services.consent.protocol import Protocol
from tests.unit.test_applications import context
from tests.unit.test_consent import TODAY, _consent, _dossier

UTRECHT = "00000001000000000344"  # the gemeente's own OIN (infra/region.json)


def _to_gemeente(**extra) -> dict:
    return {
        **_consent(UTRECHT, purpose="inburgering", **extra),
        "grantee": {"oin": UTRECHT, "name": "Gemeente Utrecht"},
    }


def test_the_protocol_names_consent_for_health_from_every_sender_and_the_gp_own_rule():
    protocol = Protocol.load()
    gp = protocol.signal_rule_for("gezondheid", "huisarts")
    other = protocol.signal_rule_for("gezondheid", "maatschappelijk-werker")
    assert (gp.id, gp.basis, gp.purpose) == ("S02", "toestemming", "inburgering")
    assert "art. 9 lid 2 sub a" in gp.article and "7:457 BW" in gp.article
    assert (other.id, other.basis) == ("S01", "toestemming")
    assert "sub h" not in gp.article + other.article
    assert protocol.signal_rule_for("financien", "huisarts") is None


def test_a_consent_to_the_gemeente_itself_covers_a_health_signal_until_it_is_withdrawn(consent):
    dossier_id = _dossier(consent)
    ask = context("huisarts")

    before = consent.signal_basis(ask, dossier_id, "gezondheid", today=TODAY)
    given = consent.give_consent(context(), dossier_id, _to_gemeente(), today=TODAY)
    during = consent.signal_basis(ask, dossier_id, "gezondheid", today=TODAY)
    consent.withdraw_consent(
        context(), dossier_id, given["id"], {"on": TODAY.isoformat()}, today=TODAY
    )
    after = consent.signal_basis(ask, dossier_id, "gezondheid", today=TODAY)

    assert before["required"] and not before["permit"] and before["rule"] == "S02"
    assert during["permit"] and during["consent_id"] == given["id"]
    assert not after["permit"]


def test_a_consent_for_another_purpose_or_category_does_not_cover_it(consent):
    dossier_id = _dossier(consent)
    consent.give_consent(context(), dossier_id, _to_gemeente(categories=["financien"]), today=TODAY)
    answer = consent.signal_basis(
        context("maatschappelijk-werker"), dossier_id, "gezondheid", today=TODAY
    )
    assert answer["rule"] == "S01" and not answer["permit"]


def test_a_category_without_a_signal_rule_needs_nothing_more(consent):
    dossier_id = _dossier(consent)
    assert consent.signal_basis(context("huisarts"), dossier_id, "financien") == {"required": False}


def test_a_sender_of_another_gemeente_learns_nothing(consent):
    dossier_id = _dossier(consent)
    with pytest.raises(NotFound):
        consent.signal_basis(context("huisarts", "0356"), dossier_id, "gezondheid")


def test_the_consent_of_a_past_day_is_judged_on_that_day(consent):
    dossier_id = _dossier(consent)
    consent.give_consent(context(), dossier_id, _to_gemeente(), today=TODAY)
    later = consent.signal_basis(
        context("huisarts"), dossier_id, "gezondheid", today=date(2028, 1, 1)
    )
    assert not later["permit"], "the consent ran until 2027-11-01"


def test_a_dossier_consent_has_not_heard_of_yet_has_no_consent_to_cover_it(consent):
    answer = consent.signal_basis(context("huisarts"), str(uuid.uuid4()), "gezondheid")
    assert answer["required"] and not answer["permit"] and answer["rule"] == "S02"
