"""Consent records, the sharing protocol and sharing decisions, on in-memory persistence."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from services.common.context import Actor, CommandContext
from services.common.errors import Forbidden, InvalidInput, NotFound
from services.consent.protocol import Protocol
from services.contracts.categories import Categories
from tests.pip_fixtures import registered
from tests.unit.test_applications import context, stored

TODAY = date(2026, 11, 28)
VWN = "00000003000000000001"  # VluchtelingenWerk (maatschappelijke begeleiding)
SCHOOL = "00000003000000000002"  # a language school
EMPLOYER = "00000003000000000003"


def _admin(*gemeenten: str) -> CommandContext:
    """The region's administrator, or one acting for `gemeenten` only."""
    acts_for = gemeenten or ("0344", "0356", "0321")
    return CommandContext(
        actor=Actor("u-admin", "Beheer", ("admin",), "", acts_for), activity="partner-beheren"
    )


def _dossier(consent, gemeente: str = "0344") -> str:
    dossier_id = str(uuid.uuid4())
    consent.process(
        "intake", [registered(dossier_id, date(2026, 9, 1), date(2026, 9, 1), gemeente)]
    )
    return dossier_id


def _consent(grantee: str = VWN, categories=("gezondheid",), **extra) -> dict:
    return {
        "grantor": {"kind": "betrokkene"},
        "grantee": {"oin": grantee, "name": "VluchtelingenWerk"},
        "purpose": "maatschappelijke-begeleiding",
        "categories": list(categories),
        "valid_from": "2026-11-01",
        "valid_until": "2027-11-01",
        "collection": {"method": "mondeling-met-tolk", "language": "Tigrinya"},
        "evidence": "Formulier T-2026-114, getekend",
        **extra,
    }


def _ask(
    consent,
    dossier_id,
    organisation=VWN,
    categories=("gezondheid",),
    gemeente="0344",
    on=TODAY,
    purpose="maatschappelijke-begeleiding",
):
    question = {
        "dossier_id": dossier_id,
        "organisation": organisation,
        "purpose": purpose,
        "categories": list(categories),
        "on": on.isoformat(),
    }
    answer = consent.decide(context("regievoerder", gemeente), question)
    return {d["category"]: d for d in answer["decisions"]}


def test_health_is_not_shared_without_a_consent_covering_it(partners):
    dossier_id = _dossier(partners)
    health = _ask(partners, dossier_id)["gezondheid"]
    assert (
        health["permit"] is False and health["rule"] == "R06" and health["basis"] == "toestemming"
    )


def test_a_consent_covering_health_permits_it_and_names_the_consent(partners):
    dossier_id = _dossier(partners)
    given = partners.give_consent(context(), dossier_id, _consent(), today=TODAY)
    decided = _ask(partners, dossier_id, categories=("gezondheid", "pip", "financien"))
    assert decided["gezondheid"]["permit"] is True
    assert decided["gezondheid"]["consent_id"] == given["id"]
    assert decided["pip"] == {**decided["pip"], "permit": True, "basis": "wet", "rule": "R03"}
    assert decided["financien"]["permit"] is False, "the consent does not cover finances"


def test_a_consent_that_expired_yesterday_permits_nothing_today(partners):
    dossier_id = _dossier(partners)
    partners.give_consent(
        context(), dossier_id, _consent(valid_until=(TODAY - timedelta(days=1)).isoformat()), TODAY
    )
    assert _ask(partners, dossier_id, on=TODAY - timedelta(days=1))["gezondheid"]["permit"] is True
    assert _ask(partners, dossier_id, on=TODAY)["gezondheid"]["permit"] is False


def test_a_withdrawn_consent_permits_nothing_from_the_day_it_was_withdrawn(partners):
    dossier_id = _dossier(partners)
    given = partners.give_consent(context(), dossier_id, _consent(), today=TODAY)
    withdrawn = partners.withdraw_consent(
        context(), dossier_id, given["id"], {"reason": "Wil het zelf regelen."}, today=TODAY
    )
    assert withdrawn["status"] == "ingetrokken" and withdrawn["withdrawn_on"] == TODAY.isoformat()
    assert _ask(partners, dossier_id)["gezondheid"]["permit"] is False
    history = [
        h["what"] for h in partners.consents(context(), dossier_id)["consents"][0]["history"]
    ]
    assert history == ["gegeven", "ingetrokken"]


def test_a_gemeente_rule_beats_the_region_rule(partners):
    utrecht, nieuwegein = _dossier(partners, "0344"), _dossier(partners, "0356")
    for dossier_id, gemeente in ((utrecht, "0344"), (nieuwegein, "0356")):
        partners.give_consent(context("regievoerder", gemeente), dossier_id, _consent(), TODAY)
    assert _ask(partners, utrecht)["gezondheid"]["permit"] is True
    refused = _ask(partners, nieuwegein, gemeente="0356")["gezondheid"]
    assert refused["permit"] is False and refused["rule"] == "G0356-01"


def test_the_law_or_never_decides_without_consent(partners):
    dossier_id = _dossier(partners)
    school = _ask(
        partners, dossier_id, SCHOOL, ("taal-leerbaarheid",), purpose="inburgeringsonderwijs"
    )
    assert school["taal-leerbaarheid"]["basis"] == "wet"
    never = _ask(partners, dossier_id, EMPLOYER, ("gezondheid",), purpose="participatie")[
        "gezondheid"
    ]
    assert never["permit"] is False and never["rule"] == "R18"


def test_a_question_no_rule_covers_is_answered_never():
    protocol = Protocol.load()
    assert protocol.rule_for("0344", "gezin", "taalaanbieder", "inburgeringsonderwijs").id == (
        "standaard-nooit"
    )
    assert protocol.rule_for("0344", "gezondheid", "taalaanbieder", "zorg").id == "R14"


def test_every_decision_batch_is_an_event_naming_what_decided(partners):
    dossier_id = _dossier(partners)
    _ask(partners, dossier_id, categories=("gezondheid", "pip"))
    [decided] = stored(partners, "DisclosureLog.Decided")
    assert decided.recipient == VWN and decided.trigger == "verzoek"
    assert [(d["category"], d["rule"]) for d in decided.decisions] == [
        ("gezondheid", "R06"),
        ("pip", "R03"),
    ]
    assert decided.context["actor"]["user_id"] == "u-regievoerder"


def test_a_partner_not_working_for_the_gemeente_gets_nothing(consent):
    consent.register_partner(
        _admin(),
        {"oin": VWN, "name": "VWN", "kind": "maatschappelijke-begeleiding", "gemeenten": ["0356"]},
    )
    dossier_id = _dossier(consent, "0344")
    refused = _ask(consent, dossier_id, categories=("pip",))["pip"]
    assert refused["permit"] is False and refused["rule"] == "gemeenten-partner"


# Fields named as the API names them (a path, as the contract's model checks the shape).
BAD_CONSENTS = [
    ("grantor/kind", {"grantor": {"kind": "buurman"}}),
    ("grantor/name", {"grantor": {"kind": "wettelijk-vertegenwoordiger"}}),
    ("grantee/oin", {"grantee": {"oin": "123"}}),
    ("purpose", {"purpose": "marketing"}),
    ("categories/1", {"categories": ["gezondheid", "intern"]}),
    ("valid_until", {"valid_until": "2026-10-01"}),
    ("collection/method", {"collection": {"method": "telepathie", "language": "nl"}}),
    ("evidence", {"evidence": ""}),
]


@pytest.mark.parametrize(("field", "change"), BAD_CONSENTS, ids=[b[0] for b in BAD_CONSENTS])
def test_a_bad_consent_is_refused_naming_the_field_and_nothing_is_stored(partners, field, change):
    dossier_id = _dossier(partners)
    with pytest.raises(InvalidInput) as refused:
        partners.give_consent(context(), dossier_id, {**_consent(), **change}, today=TODAY)
    assert field in {e["field"] for e in refused.value.errors}
    assert partners.consents(context(), dossier_id)["consents"] == []


def test_consent_is_recorded_only_for_a_known_partner_and_by_the_gemeente(partners):
    dossier_id = _dossier(partners)
    with pytest.raises(NotFound, match="OIN"):
        partners.give_consent(context(), dossier_id, _consent("00000003000000000099"), TODAY)
    with pytest.raises(NotFound):
        partners.give_consent(context("regievoerder", "0356"), dossier_id, _consent(), TODAY)
    with pytest.raises(Forbidden):
        partners.give_consent(context("begeleider"), dossier_id, _consent(), TODAY)


def test_a_change_needs_a_reason_and_is_in_the_history(partners):
    dossier_id = _dossier(partners)
    given = partners.give_consent(context(), dossier_id, _consent(), today=TODAY)
    with pytest.raises(InvalidInput, match="reason"):
        partners.change_consent(context(), dossier_id, given["id"], {"categories": ["gezin"]})
    changed = partners.change_consent(
        context(), dossier_id, given["id"], {"categories": ["gezin"], "reason": "Op verzoek."}
    )
    assert changed["categories"] == ["gezin"]
    assert changed["history"][-1]["fields"] == ["categories"]
    assert _ask(partners, dossier_id, categories=("gezondheid",))["gezondheid"]["permit"] is False


def test_expiry_is_marked_once(partners):
    dossier_id = _dossier(partners)
    given = partners.give_consent(
        context(), dossier_id, _consent(valid_until="2026-11-20"), today=TODAY
    )
    assert partners.expire(dossier_id, TODAY) == [given["id"]]
    assert partners.expire(dossier_id, TODAY) == []
    assert partners.consents(context(), dossier_id)["consents"][0]["status"] == "verlopen"


def test_the_receipt_says_what_was_agreed_in_dutch(partners):
    dossier_id = _dossier(partners)
    given = partners.give_consent(
        context(),
        dossier_id,
        _consent(grantor={"kind": "wettelijk-vertegenwoordiger", "name": "<b>A. Voogd</b>"}),
        today=TODAY,
    )
    receipt = partners.receipt(context(), dossier_id, given["id"])
    assert receipt["controller"] == {"name": "Gemeente Utrecht", "oin": "00000001000000000344"}
    assert receipt["categories"] == [{"id": "gezondheid", "label": "Gezondheid"}]
    page = partners.receipt_page(context(), dossier_id, given["id"])
    assert '<html lang="nl">' in page and "Bewijs van toestemming" in page
    assert "1 november 2027" in page and "mondeling, met een tolk, in het Tigrinya" in page
    assert "&lt;b&gt;A. Voogd&lt;/b&gt;" in page and "<b>A. Voogd" not in page


def test_the_protocol_is_adopted_once_per_version(consent):
    assert consent.adopt_protocol() is True
    assert consent.adopt_protocol() is False
    adopted = stored(consent, "ProtocolRegister.Adopted")
    assert len(adopted) == 1 and adopted[0].version == consent.protocol.version


def test_only_an_administrator_registers_partners(consent):
    with pytest.raises(Forbidden):
        consent.register_partner(
            context(), {"oin": VWN, "name": "X", "kind": "coa", "gemeenten": ["0344"]}
        )
    with pytest.raises(InvalidInput) as refused:
        consent.register_partner(
            _admin(), {"oin": "1", "name": "", "kind": "bank", "gemeenten": []}
        )
    assert {e["field"] for e in refused.value.errors} == {"oin", "name", "kind", "gemeenten"}


def test_an_administrator_acts_only_for_their_gemeenten(consent):
    partner = {"oin": VWN, "name": "VWN", "kind": "maatschappelijke-begeleiding"}
    subscription = {"channel": "pip", "purpose": "maatschappelijke-begeleiding"}

    with pytest.raises(Forbidden, match="0356"):
        consent.register_partner(_admin("0344"), {**partner, "gemeenten": ["0344", "0356"]})
    consent.register_partner(_admin("0344", "0356"), {**partner, "gemeenten": ["0344", "0356"]})
    with pytest.raises(Forbidden, match="0356"):  # no longer working for 0356 is 0356's matter
        consent.register_partner(_admin("0344"), {**partner, "gemeenten": ["0344"]})
    with pytest.raises(Forbidden, match="0356"):
        consent.subscribe(_admin("0344"), VWN, {**subscription, "gemeenten": ["0356"]})
    made = consent.subscribe(_admin("0356"), VWN, {**subscription, "gemeenten": ["0356"]})
    assert consent.subscriptions(_admin("0344"), VWN) == []
    with pytest.raises(Forbidden, match="0356"):
        consent.end_subscription(_admin("0344"), VWN, made["id"])
    consent.end_subscription(_admin("0356"), VWN, made["id"])


def test_a_feed_keeps_only_the_permitted_fields_and_goals():
    goals = Categories.load().of_event("nl.wegwijs.pip.vastgesteld.v1")
    data = {
        "dossier_id": "d",
        "route": "b1",
        "ontzorgen": True,
        "goals": [{"goal_id": "1", "domain": "gezondheid"}, {"goal_id": "2", "domain": "taal"}],
    }
    assert goals.categories_in(data) >= {"gezondheid", "financien", "pip", "taal-leerbaarheid"}
    kept = goals.permitted_data(data, {"identiteit", "pip", "taal-leerbaarheid"})
    assert kept == {"dossier_id": "d", "route": "b1", "goals": [{"goal_id": "2", "domain": "taal"}]}


def _guide_of(organisation: str = VWN) -> CommandContext:
    return CommandContext(
        actor=Actor("gids", "Gids", ("begeleider",), organisation, ("0344", "0356")),
        activity="begeleiding",
    )


def test_a_guide_is_withheld_what_needs_a_consent_the_person_did_not_give(partners):
    dossier_id = _dossier(partners)

    withheld = partners.withheld_from_guide(_guide_of(), dossier_id, today=TODAY)

    # By law the guide's organisation has identity, contact, the PIP and language (R01-R04).
    assert {"identiteit", "contact", "pip", "taal-leerbaarheid"}.isdisjoint(withheld)
    assert {"gezin", "verblijfsintentie", "signalen", "gezondheid", "financien"} <= set(withheld)


def test_a_consent_given_to_the_guide_s_organisation_lets_its_category_through(partners):
    dossier_id = _dossier(partners)
    partners.give_consent(context(), dossier_id, _consent(categories=("gezin",)), today=TODAY)

    withheld = partners.withheld_from_guide(_guide_of(), dossier_id, today=TODAY)

    assert "gezin" not in withheld and "verblijfsintentie" in withheld
    other_org = partners.withheld_from_guide(_guide_of(SCHOOL), dossier_id, today=TODAY)
    assert "gezin" in other_org


def test_a_gemeente_s_never_holds_for_its_guides_whatever_the_consent(partners):
    dossier_id = _dossier(partners, "0356")
    consent = _consent(categories=("gezondheid",))
    partners.give_consent(context("regievoerder", "0356"), dossier_id, consent, today=TODAY)

    assert "gezondheid" in partners.withheld_from_guide(_guide_of(), dossier_id, today=TODAY)


def test_staff_are_withheld_nothing_here_and_an_unknown_organisation_everything(partners):
    dossier_id = _dossier(partners)
    assert partners.withheld_from_guide(context(), dossier_id, today=TODAY) == []
    unknown = partners.withheld_from_guide(_guide_of("00000009999999999999"), dossier_id)
    assert set(unknown) == set(partners.categories.names())
