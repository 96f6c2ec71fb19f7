"""What a partner's feed may hold, beyond the law and consent per category: a volunteer
organisation hears only of the people it guides or has a proposal for, enforcement data goes to
no partner, a gemeente's "never" holds for every event that carries the category, and narrowing a
consent tells the partner to delete what it may no longer hold."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.common.errors import InvalidInput
from tests.pip_fixtures import intake_event
from tests.unit.test_applications import context, stored
from tests.unit.test_consent import TODAY, VWN, _admin, _consent, _dossier

GOAL_ADDED = "nl.wegwijs.pip.doel.toegevoegd.v1"
PROGRESS = "nl.wegwijs.pip.doel.voortgang-vastgelegd.v1"
PROPOSED = "nl.wegwijs.matching.voorstel.gedaan.v1"
ANSWERED = "nl.wegwijs.matching.voorstel.beantwoord.v1"
STARTED = "nl.wegwijs.matching.koppeling.gestart.v1"
ENDED = "nl.wegwijs.matching.koppeling.beeindigd.v1"
ENFORCEMENT = {
    "nl.wegwijs.intake.gesprek.niet-verschenen.v1": {"number": 1},
    "nl.wegwijs.intake.sanctie.aan-de-orde.v1": {
        "step": "boete",
        "no_shows": 2,
        "ladder_version": "2026-11-01",
    },
    "nl.wegwijs.intake.sanctie.besloten.v1": {"step": "boete", "taken": True},
    "nl.wegwijs.pip.handhaving.geopend.v1": {},
    "nl.wegwijs.pip.verplichting.geschonden.v1": {"number": 2, "on": "2026-11-20"},
    "nl.wegwijs.pip.maatregel.aan-de-orde.v1": {
        "number": 2,
        "measure": "boete",
        "policy_version": "2026-11-01",
    },
    "nl.wegwijs.pip.maatregel.besloten.v1": {"number": 2, "measure": "boete", "taken": True},
}
WERK_EN_INKOMEN = "00000001000000000999"


def _event(origin: str, event_type: str, dossier_id: str, gemeente: str = "0344", **data):
    event = intake_event(event_type, {"dossier_id": dossier_id, **data}, gemeente, on=TODAY)
    return {**event, "origin": origin}


def _subscribe(consent, partner=VWN, channels=("intake", "pip", "matching"), **extra) -> None:
    for channel in channels:
        consent.subscribe(
            _admin(),
            partner,
            {
                "channel": channel,
                "types": [],
                "gemeenten": ["0344", "0356"],
                "purpose": "maatschappelijke-begeleiding",
                **extra,
            },
        )


def _goal(dossier_id: str, domain: str, gemeente: str = "0344") -> dict:
    return _event(
        "pip",
        GOAL_ADDED,
        dossier_id,
        gemeente,
        goal_id=str(uuid.uuid4()),
        domain=domain,
        term="kort",
        phase=0,
        due_on="2027-03-01",
        owner={"role": "regievoerder", "organisation": "Gemeente"},
    )


def _progress(dossier_id: str, domain: str, gemeente: str = "0344") -> dict:
    return _event(
        "pip",
        PROGRESS,
        dossier_id,
        gemeente,
        goal_id=str(uuid.uuid4()),
        status="bezig",
        on=TODAY.isoformat(),
        source="eigenaar",
        domain=domain,
    )


def _propose(consent, dossier_id: str, organisation: str = VWN, gemeente: str = "0344") -> str:
    proposal_id = str(uuid.uuid4())
    consent.process(
        "matching",
        [
            _event(
                "matching",
                PROPOSED,
                dossier_id,
                gemeente,
                proposal_id=proposal_id,
                kind="begeleider",
                candidate_id=str(uuid.uuid4()),
                organisation=organisation,
            )
        ],
    )
    return proposal_id


def _fed(consent, partner: str = VWN) -> list[tuple[str, str, str]]:
    """What was decided to be sent to `partner`: (dossier, type, a data value to tell them by)."""
    return [
        (
            e.context["subject"]["dossier_id"],
            e.delivery["type"],
            e.delivery["data"].get("domain", ""),
        )
        for e in stored(consent, "DisclosureLog.Decided")
        if e.recipient == partner and e.trigger.startswith("feed:") and e.delivery is not None
    ]


def test_a_volunteer_organisation_is_fed_only_about_people_it_guides_or_has_a_proposal_for(
    partners,
):
    _subscribe(partners)
    stranger, guided = _dossier(partners), _dossier(partners)
    partners.process("pip", [_goal(stranger, "taal"), _goal(guided, "taal")])
    assert _fed(partners) == [], "no relation yet: nothing about anyone"

    proposal = _propose(partners, guided)
    partners.process("pip", [_goal(stranger, "participatie"), _goal(guided, "participatie")])
    assert [(d, t) for d, t, _ in _fed(partners)] == [(guided, PROPOSED), (guided, GOAL_ADDED)]

    partners.process(
        "matching",
        [
            _event("matching", STARTED, guided, proposal_id=proposal, organisation=VWN,
                   kind="begeleider", candidate_id=str(uuid.uuid4()), on=TODAY.isoformat(),
                   change_of_guide=False),
            _event("matching", ENDED, guided, proposal_id=proposal, organisation=VWN,
                   on=TODAY.isoformat(), outcome="afgerond"),
        ],
    )  # fmt: skip
    partners.process("pip", [_goal(guided, "taal")])
    assert [t for d, t, _ in _fed(partners)][-2:] == [STARTED, ENDED], (
        "the organisation hears of its own guidance's end, and of nothing after it"
    )


def test_a_declined_proposal_ends_the_relation_but_another_organisations_does_not(partners):
    from tests.unit.test_consent import EMPLOYER

    _subscribe(partners)
    dossier_id = _dossier(partners)
    declined, kept = _propose(partners, dossier_id), _propose(partners, dossier_id)
    _propose(partners, dossier_id, EMPLOYER)
    partners.process(
        "matching",
        [
            _event("matching", ANSWERED, dossier_id, proposal_id=declined, organisation=VWN,
                   side="persoon", accepted=False),
        ],
    )  # fmt: skip
    partners.process("pip", [_goal(dossier_id, "taal")])
    assert _fed(partners)[-1][1] == GOAL_ADDED, "the other proposal to VWN still stands"

    partners.process(
        "matching",
        [
            _event("matching", ANSWERED, dossier_id, proposal_id=kept, organisation=VWN,
                   side="aanbieder", accepted=False),
        ],
    )  # fmt: skip
    partners.process("pip", [_goal(dossier_id, "participatie")])
    assert _fed(partners)[-1][1] == ANSWERED, "both proposals declined: no more goals"


def test_enforcement_data_reaches_no_partner_not_even_one_that_guides_the_person(partners):
    partners.register_partner(
        _admin(),
        {"oin": WERK_EN_INKOMEN, "name": "Werk en Inkomen", "kind": "gemeente",
         "gemeenten": ["0344"]},
    )  # fmt: skip
    _subscribe(partners)
    _subscribe(
        partners, WERK_EN_INKOMEN, ("intake", "pip"), gemeenten=["0344"], purpose="uitkering"
    )
    dossier_id = _dossier(partners)
    _propose(partners, dossier_id)

    for event_type, data in ENFORCEMENT.items():
        origin = event_type.split(".")[2]
        partners.process(origin, [_event(origin, event_type, dossier_id, **data)])
    partners.process("pip", [_goal(dossier_id, "taal")])

    for partner in (VWN, WERK_EN_INKOMEN):
        assert not {t for _, t, _ in _fed(partners, partner)} & set(ENFORCEMENT), partner
    assert [t for _, t, _ in _fed(partners)][-1] == GOAL_ADDED
    with pytest.raises(InvalidInput):
        partners.give_consent(context(), dossier_id, _consent(categories=("handhaving",)), TODAY)
    for kind in ("gemeente", "maatschappelijke-begeleiding", "taalaanbieder"):
        for purpose in partners.protocol.purposes:
            assert partners.protocol.rule_for("0344", "handhaving", kind, purpose).basis == "nooit"


def test_progress_on_a_health_goal_is_health_and_nieuwegeins_never_holds_for_it(partners):
    _subscribe(partners, channels=("pip",))
    utrecht, nieuwegein = _dossier(partners, "0344"), _dossier(partners, "0356")
    for dossier_id, gemeente in ((utrecht, "0344"), (nieuwegein, "0356")):
        _propose(partners, dossier_id, gemeente=gemeente)
        partners.give_consent(context("regievoerder", gemeente), dossier_id, _consent(), TODAY)

    partners.process(
        "pip",
        [
            _progress(nieuwegein, "gezondheid", "0356"),
            _progress(nieuwegein, "taal", "0356"),
            _progress(utrecht, "gezondheid"),
        ],
    )

    assert [(d, t, domain) for d, t, domain in _fed(partners) if t == PROGRESS] == [
        (nieuwegein, PROGRESS, "taal"),
        (utrecht, PROGRESS, "gezondheid"),
    ]


def test_progress_without_the_goals_domain_is_shared_with_no_one(partners):
    """Progress recorded before pip published the goal's domain: its category is unknown."""
    _subscribe(partners, channels=("pip",))
    dossier_id = _dossier(partners)
    _propose(partners, dossier_id)
    unknown = _progress(dossier_id, "taal")
    del unknown["data"]["domain"]

    partners.process("pip", [unknown, _progress(dossier_id, "taal")])

    assert _fed(partners) == [(dossier_id, PROGRESS, "taal")]


def _notices(consent) -> list[tuple[str, dict]]:
    notices = []
    for topic in ("ConsentChanged", "ConsentWithdrawn", "ConsentExpired"):
        for event in stored(consent, f"DossierConsents.{topic}"):
            notices += consent.delete_notices(event)
    return notices


def test_narrowing_a_consent_tells_the_partner_to_delete_what_is_no_longer_allowed(partners):
    dossier_id = _dossier(partners)
    given = partners.give_consent(
        context(),
        dossier_id,
        _consent(categories=("gezondheid", "financien", "gezin", "pip")),
        TODAY,
    )
    change = lambda body: partners.change_consent(  # noqa: E731
        context(), dossier_id, given["id"], {**body, "reason": "Op verzoek."}, today=TODAY
    )
    change({"categories": ["gezondheid", "financien", "gezin", "pip", "signalen"]})
    change({"valid_until": "2027-12-01"})
    assert _notices(partners) == [], "more categories or a longer period: nothing to delete"

    change({"categories": ["gezondheid", "signalen"]})
    [(oin, narrowed)] = _notices(partners)
    assert oin == VWN
    assert narrowed["subject"] == dossier_id
    assert narrowed["data"] == {
        "consent_id": given["id"],
        "categories": ["financien", "gezin"],  # the law still lets VWN receive the PIP
        "on": TODAY.isoformat(),
        "reason": "ingeperkt",
        "instruction": "verwijderen",
    }

    change({"valid_until": (TODAY + timedelta(days=10)).isoformat()})
    assert len(_notices(partners)) == 1, "a shorter period still running: nothing yet"
    change({"valid_until": (TODAY - timedelta(days=1)).isoformat()})
    *_, (_, ended) = _notices(partners)
    assert ended["data"]["categories"] == ["gezondheid", "signalen"]
    assert ended["data"]["reason"] == "ingeperkt"
    assert len({n["id"] for _, n in _notices(partners)}) == 2, "each notice its own id"


def test_withdrawal_and_expiry_tell_the_partner_to_delete_what_only_the_consent_allowed(partners):
    dossier_id = _dossier(partners)
    both = ("gezondheid", "pip")
    withdrawn = partners.give_consent(context(), dossier_id, _consent(categories=both), TODAY)
    partners.withdraw_consent(context(), dossier_id, withdrawn["id"], {}, today=TODAY)
    ending = _consent(categories=("gezin",), valid_until=(TODAY - timedelta(days=1)).isoformat())
    expired = partners.give_consent(context(), dossier_id, ending, TODAY)
    partners.expire(dossier_id, TODAY)

    assert [(n["data"]["consent_id"], n["data"]["reason"], n["data"]["categories"])
            for _, n in _notices(partners)] == [
        (withdrawn["id"], "ingetrokken", ["gezondheid"]),  # the law still lets VWN have the PIP
        (expired["id"], "verlopen", ["gezin"]),
    ]  # fmt: skip


def test_the_relations_consent_keeps_are_published_as_valid_events_of_ids_only(partners):
    from services.common.envelope import to_cloudevent
    from services.consent.events import PUBLICATIONS
    from tests.unit.test_contracts import _validate

    dossier_id = _dossier(partners)
    proposal = _propose(partners, dossier_id)
    partners.process(
        "matching",
        [
            _event("matching", ANSWERED, dossier_id, proposal_id=proposal, organisation=VWN,
                   side="aanbieder", accepted=False),
        ],
    )  # fmt: skip

    published = [
        to_cloudevent("consent", PUBLICATIONS, n.id, partners.mapper.to_domain_event(n), n.state)
        for n in partners.recorder.select_notifications(start=1, limit=1000)
    ]
    relations = [e for e in published if ".relatie" in e["type"]]
    assert [(e["type"].split(".")[3:5], e["subject"]) for e in relations] == [
        (["relaties", "geopend"], dossier_id),
        (["relatie", "begonnen"], dossier_id),
        (["relatie", "beeindigd"], dossier_id),
    ]
    assert relations[-1]["data"] == {
        "dossier_id": dossier_id,
        "proposal_id": proposal,
        "organisation": VWN,
        "reason": "afgewezen",
    }
    for event in relations:
        _validate(event)
