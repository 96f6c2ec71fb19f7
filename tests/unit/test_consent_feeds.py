"""Partner feeds decided per event, and checked again before sending and when fetched."""

from __future__ import annotations

import uuid

import pytest

from services.common.context import Actor, CommandContext
from services.common.errors import Conflict, InvalidInput, NotFound
from tests.pip_fixtures import intake_event
from tests.unit.test_applications import context, stored
from tests.unit.test_consent import SCHOOL, TODAY, VWN, _admin, _consent, _dossier
from tests.unit.test_partner_feed_scope import _propose

GOAL_ADDED = "nl.wegwijs.pip.doel.toegevoegd.v1"


def _subscribe(consent, types=(GOAL_ADDED,), gemeenten=("0344",)):
    return consent.subscribe(
        _admin(),
        VWN,
        {
            "channel": "pip",
            "types": list(types),
            "gemeenten": list(gemeenten),
            "purpose": "maatschappelijke-begeleiding",
        },
    )


def _goal_event(dossier_id: str, domain: str, gemeente: str = "0344") -> dict:
    event = intake_event(
        GOAL_ADDED,
        {
            "dossier_id": dossier_id,
            "goal_id": str(uuid.uuid4()),
            "domain": domain,
            "term": "kort",
            "phase": 0,
            "due_on": "2027-03-01",
            "owner": {"role": "regievoerder", "organisation": "Gemeente Utrecht"},
        },
        gemeente,
        on=TODAY,
    )
    return {**event, "origin": "pip"}


def _deliveries(consent) -> list:
    return [e for e in stored(consent, "DisclosureLog.Decided") if e.trigger.startswith("feed:")]


def _guided(consent, gemeente: str = "0344") -> str:
    """A dossier VluchtelingenWerk has a proposal for: it may hear of the person."""
    dossier_id = _dossier(consent, gemeente)
    _propose(consent, dossier_id, VWN, gemeente)
    return dossier_id


def test_a_health_goal_is_not_fed_without_consent_and_a_language_goal_is(partners):
    _subscribe(partners)
    dossier_id = _guided(partners)
    partners.process(
        "pip", [_goal_event(dossier_id, "gezondheid"), _goal_event(dossier_id, "taal")]
    )

    health, language = _deliveries(partners)
    assert health.delivery is None
    assert {d["category"]: d["permit"] for d in health.decisions}["gezondheid"] is False
    assert language.delivery["data"]["domain"] == "taal"
    assert health.context["activity"] == "delen-met-partner"
    assert "gezondheid: nee (R06)" in health.context["legal_basis"]


def test_with_consent_health_is_fed_and_checked_again_before_sending(partners):
    _subscribe(partners)
    dossier_id = _guided(partners)
    given = partners.give_consent(context(), dossier_id, _consent(), today=TODAY)
    event = _goal_event(dossier_id, "gezondheid")
    partners.process("pip", [event])

    [fed] = _deliveries(partners)
    assert fed.delivery["data"]["domain"] == "gezondheid"
    _, data = partners.recheck(dossier_id, VWN, event["id"], TODAY)
    assert data["domain"] == "gezondheid"

    partners.withdraw_consent(context(), dossier_id, given["id"], {}, today=TODAY)
    decisions, data = partners.recheck(dossier_id, VWN, event["id"], TODAY)
    assert data is None, "a withdrawn consent stops the delivery not yet made"
    assert {d.category: d.permit for d in decisions}["gezondheid"] is False


def test_events_of_other_gemeenten_types_or_intern_are_not_fed(partners):
    _subscribe(partners)
    utrecht, houten = _dossier(partners), _dossier(partners, "0321")
    viewed = intake_event(
        "nl.wegwijs.intake.dossier.ingezien.v1",
        {"dossier_id": utrecht, "roles": ["begeleider"], "categories": ["identiteit"]},
    )
    partners.process("pip", [_goal_event(houten, "taal", "0321")])
    partners.process("intake", [viewed])
    assert _deliveries(partners) == []


def test_a_partner_fetches_what_may_be_shared_now_and_the_fetch_is_a_decision(partners):
    _subscribe(partners)
    dossier_id = _guided(partners)
    event = _goal_event(dossier_id, "taal")
    partners.process("pip", [event])
    partner = CommandContext(
        actor=Actor("vwn-systeem", "VWN", ("partner",), VWN, ()), activity="delen-met-partner"
    )

    fetched = partners.fetch(partner, dossier_id, event["id"])

    assert fetched["data"]["domain"] == "taal" and fetched["type"] == GOAL_ADDED
    assert stored(partners, "DisclosureLog.Decided")[
        -1
    ].trigger == f"ofhalen:{event['id']}".replace("ofhalen", "ophalen")
    other = CommandContext(
        actor=Actor("x", "X", ("partner",), "00000003000000000099", ()), activity="x"
    )
    with pytest.raises(NotFound):
        partners.fetch(other, dossier_id, event["id"])


def test_a_subscription_must_fit_the_partner_and_the_channel(partners):
    with pytest.raises(InvalidInput) as refused:
        partners.subscribe(
            _admin(),
            VWN,
            {
                "channel": "pip",
                "types": ["nl.wegwijs.intake.dossier.geregistreerd.v1"],
                "gemeenten": ["0363"],
                "purpose": "reclame",
            },
        )
    # The contract refuses the purpose first; then what only consent knows is checked.
    assert {e["field"] for e in refused.value.errors} == {"purpose"}
    with pytest.raises(InvalidInput) as refused:
        partners.subscribe(
            _admin(),
            VWN,
            {
                "channel": "pip",
                "types": ["nl.wegwijs.intake.dossier.geregistreerd.v1"],
                "gemeenten": ["0363"],
                "purpose": "zorg",
            },
        )
    assert {e["field"] for e in refused.value.errors} == {"types", "gemeenten"}


OTHER = "00000003000000000042"  # a partner registered for Utrecht only


def test_a_gemeente_of_the_region_the_partner_is_not_registered_for_is_a_conflict(partners):
    partner = {"oin": OTHER, "name": "Taalhuis", "kind": "maatschappelijke-begeleiding"}
    partners.register_partner(_admin(), {**partner, "gemeenten": ["0344"]})
    with pytest.raises(Conflict, match="gemeenten: the partner works for 0344 only"):
        partners.subscribe(
            _admin(),
            OTHER,
            {"channel": "pip", "types": [], "gemeenten": ["0356"], "purpose": "zorg"},
        )


def test_a_registration_a_partner_subscribed_to_opens_the_consents_once_and_is_decided(
    intake, partners
):
    """The registration both opens the dossier's consent records and is decided for the feed:
    one new record, not two copies that collide when stored."""
    from tests.unit.test_applications import _registration_cloudevent
    from tests.unit.test_intake_domain import TODAY as REGISTERED_ON
    from tests.unit.test_intake_domain import VALID

    partners.subscribe(
        _admin(),
        SCHOOL,
        {
            "channel": "intake",
            "types": ["nl.wegwijs.intake.dossier.geregistreerd.v1"],
            "gemeenten": ["0344"],
            "purpose": "inburgeringsonderwijs",
        },
    )
    dossier_id = intake.register(context(), VALID, today=REGISTERED_ON)

    partners.process("intake", [_registration_cloudevent(intake)])

    [decided] = _deliveries(partners)
    assert decided.recipient == SCHOOL
    assert decided.context["subject"]["dossier_id"] == str(dossier_id)
    assert len(stored(partners, "DossierConsents.Opened")) == 1


def _matching_event(event_type: str, data: dict, gemeente: str = "0344") -> dict:
    return {**intake_event(event_type, data, gemeente, on=TODAY), "origin": "matching"}


def test_a_proposal_goes_to_the_organisation_it_was_made_to_only(partners):
    from tests.unit.test_consent import EMPLOYER

    for partner in (VWN, EMPLOYER):
        partners.subscribe(
            _admin(),
            partner,
            {"channel": "matching", "types": [], "gemeenten": ["0344"], "purpose": "participatie"},
        )
    dossier_id = _dossier(partners)
    proposed = _matching_event(
        "nl.wegwijs.matching.voorstel.gedaan.v1",
        {
            "dossier_id": dossier_id,
            "proposal_id": str(uuid.uuid4()),
            "kind": "plaatsing",
            "candidate_id": str(uuid.uuid4()),
            "organisation": EMPLOYER,
            "dutch_level": "A0",
            "needs_adapted_work": True,
        },
    )
    partners.process("matching", [proposed])

    [decided] = _deliveries(partners)
    assert decided.recipient == EMPLOYER
    # Without the person's consent the employer may not even know who is proposed.
    assert decided.delivery is None
    partners.give_consent(
        context(),
        dossier_id,
        _consent(EMPLOYER, ("identiteit", "taal-leerbaarheid"), purpose="participatie"),
        today=TODAY,
    )
    again = {
        **proposed,
        "id": str(uuid.uuid4()),
        "sequence": f"{int(proposed['sequence']) + 1:020d}",
    }
    partners.process("matching", [again])
    told = _deliveries(partners)[-1]
    assert told.recipient == EMPLOYER
    assert told.delivery["data"]["dutch_level"] == "A0"


def test_matchings_outlook_names_what_each_organisation_may_receive_and_the_pool(partners):
    from tests.unit.test_consent import EMPLOYER

    dossier_id = _dossier(partners)
    regie = context("regievoerder", "0344")
    unknown = "00000009000000000009"

    guides = partners.sharing_outlook(
        regie, dossier_id, "maatschappelijke-begeleiding", [VWN, unknown], today=TODAY
    )
    places = partners.sharing_outlook(regie, dossier_id, "participatie", [EMPLOYER], today=TODAY)

    assert guides["pool"] == ["0356", "0321"]
    assert set(guides["organisations"][VWN]) == {
        "identiteit",
        "contact",
        "pip",
        "taal-leerbaarheid",
    }, "the law lets a guide's organisation receive these; the rest needs consent"
    assert guides["organisations"][unknown] == []
    assert places["organisations"][EMPLOYER] == [], "an employer needs the person's consent"
    assert not stored(partners, "DisclosureLog.Decided"), "an outlook shares nothing"
    with pytest.raises(NotFound):
        partners.sharing_outlook(
            context("regievoerder", "0356"), dossier_id, "participatie", [EMPLOYER], today=TODAY
        )


def test_only_events_a_subscription_matches_need_a_transaction_and_a_new_one_counts_at_once(
    partners,
):
    """Consent passes an event no subscription matches without a transaction (`reacts_to`);
    its kept copy of the subscriptions follows every change as soon as it is stored."""
    dossier_id = _guided(partners)
    goal = _goal_event(dossier_id, "taal")
    assert not partners.reacts_to("pip", goal), "no subscription yet"
    subscribed = _subscribe(partners)
    assert partners.reacts_to("pip", goal)
    assert not partners.reacts_to("pip", _goal_event(dossier_id, "taal", gemeente="0356"))
    partners.end_subscription(_admin(), VWN, subscribed["id"])
    assert not partners.reacts_to("pip", goal), "an ended subscription matches nothing"
    assert partners.reacts_to(
        "intake",
        intake_event(
            "nl.wegwijs.intake.dossier.geregistreerd.v1",
            {"dossier_id": dossier_id, "gemeente": "0344"},
            "0344",
        ),
    ), "a registration always: its consents open"
