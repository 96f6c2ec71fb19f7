"""consent's published models against what the consent application really answers and takes:
every answer of its routes fits its answer model, a body the service takes fits its request
model, and a body of the wrong shape is refused naming the field."""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest
from pydantic import BaseModel, ValidationError

from services.common.context import Actor, CommandContext
from services.contracts import consent as c
from services.contracts.base import field_errors
from services.gateway.routes.consent import ROUTES
from tests.unit.test_applications import context
from tests.unit.test_consent import TODAY, VWN, _admin, _consent, _dossier
from tests.unit.test_consent_feeds import _goal_event, _guided, _subscribe


def _fits(model: type[BaseModel], answer: Any) -> BaseModel:
    """`answer` as the gateway checks it: as JSON, strictly."""
    return model.model_validate_json(json.dumps(answer), strict=True)


def _refused(model: type[BaseModel], body: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        model.model_validate_json(json.dumps(body))
    return {e["field"]: e["detail"] for e in field_errors(refused.value)}


def _route(operation: str):
    [route] = [r for r in ROUTES if r.operation == operation]
    return route


QUESTION = {
    "dossier_id": "6f0d3c5e-2a1b-4c7d-9e8f-0a1b2c3d4e5f",
    "organisation": VWN,
    "purpose": "maatschappelijke-begeleiding",
    "categories": ["gezondheid", "pip"],
}


# answers ------------------------------------------------------------------------------------
def test_a_consent_through_its_life_answers_as_its_models_say(partners):
    dossier_id = _dossier(partners)
    given = partners.give_consent(context(), dossier_id, _consent(), today=TODAY)
    changed = partners.change_consent(
        context(),
        dossier_id,
        given["id"],
        {"categories": ["gezondheid", "gezin"], "reason": "Uitgebreid."},
        today=TODAY,
    )
    withdrawn = partners.withdraw_consent(context(), dossier_id, given["id"], {}, today=TODAY)
    listed = partners.consents(context(), dossier_id)
    receipt = partners.receipt(context(), dossier_id, given["id"])

    assert _fits(_route("giveConsent").answer, given).withdrawn_on is None
    assert _fits(_route("changeConsent").answer, changed).history[-1].fields == ["categories"]
    assert _fits(_route("withdrawConsent").answer, withdrawn).withdrawn_on == TODAY
    [record] = _fits(_route("listConsents").answer, listed).consents
    assert [step.what for step in record.history] == ["gegeven", "gewijzigd", "ingetrokken"]
    shown = _fits(_route("getConsentReceipt").answer, receipt)
    assert shown.status == "ingetrokken" and shown.controller.name == "Gemeente Utrecht"
    assert {category.id for category in shown.categories} == {"gezondheid", "gezin"}


def test_a_representatives_consent_answers_with_their_name(partners):
    dossier_id = _dossier(partners)
    given = partners.give_consent(
        context(),
        dossier_id,
        _consent(grantor={"kind": "wettelijk-vertegenwoordiger", "name": "Voogd"}),
        today=TODAY,
    )
    assert _fits(c.ConsentRecord, given).grantor.name == "Voogd"


def test_a_sharing_decision_answers_each_category_with_its_basis(partners):
    dossier_id = _dossier(partners)
    given = partners.give_consent(context(), dossier_id, _consent(), today=TODAY)
    answer = partners.decide(context(), {**QUESTION, "dossier_id": dossier_id}, today=TODAY)

    decided = _fits(_route("decideSharing").answer, answer)
    assert {d.category: d.basis for d in decided.decisions} == {
        "gezondheid": "toestemming",
        "pip": "wet",
    }
    assert {d.category: d.consent_id for d in decided.decisions}["gezondheid"] == given["id"]
    assert decided.on == TODAY


def test_the_protocol_partners_and_subscriptions_answer_as_their_models_say(consent):
    consent.adopt_protocol()
    registered = consent.register_partner(
        _admin(),
        {"oin": VWN, "name": "VluchtelingenWerk", "kind": "coa", "gemeenten": ["0344"]},
    )
    subscribed = _subscribe(consent)

    protocol = _fits(_route("getSharingProtocol").answer, consent.protocol_view(context()))
    assert protocol.adopted[-1].digest == protocol.digest
    assert any(rule.id == "G0356-01" for rule in protocol.gemeenten["0356"])
    assert _fits(_route("registerPartner").answer, registered).kind == "coa"
    assert _fits(_route("subscribePartner").answer, subscribed).channel == "pip"


def test_an_event_a_partner_fetches_answers_as_its_model_says(partners):
    _subscribe(partners)
    dossier_id = _guided(partners)
    event = _goal_event(dossier_id, "taal")
    partners.process("pip", [event])
    partner = CommandContext(
        actor=Actor("vwn-systeem", "VWN", ("partner",), VWN, ()), activity="delen-met-partner"
    )

    fetched = _fits(
        _route("fetchPartnerEvent").answer, partners.fetch(partner, dossier_id, event["id"])
    )

    assert str(fetched.subject) == dossier_id and fetched.data["domain"] == "taal"


def test_an_answer_that_drifted_is_refused_naming_the_field(partners):
    dossier_id = _dossier(partners)
    given = partners.give_consent(context(), dossier_id, _consent(), today=TODAY)
    with pytest.raises(ValidationError) as drifted:
        _fits(c.ConsentRecord, {**given, "status": "misschien", "valid_until": "morgen"})
    assert {e["field"] for e in field_errors(drifted.value)} == {"status", "valid_until"}


# requests -----------------------------------------------------------------------------------
def test_the_bodies_the_service_takes_fit_their_models(partners):
    dossier_id = _dossier(partners)
    bodies = [
        (c.ConsentGiven, _consent()),
        (c.ConsentChange, {"evidence": "Nieuw formulier", "reason": "Scan."}),
        (c.ConsentWithdrawal, {}),
        (c.ConsentWithdrawal, {"on": None, "reason": ""}),
        (c.SharingQuestion, {**QUESTION, "dossier_id": dossier_id, "on": "2026-11-28"}),
        (c.SharingQuestion, {**QUESTION, "on": None}),
        (
            c.SubscriptionRequest,
            {"channel": "matching", "gemeenten": ["0344"], "purpose": "participatie"},
        ),
    ]
    for model, body in bodies:
        model.model_validate_json(json.dumps(body))
    partners.give_consent(context(), dossier_id, _consent(), today=TODAY)  # and the service too


def test_a_consent_missing_a_field_or_with_a_wrong_method_is_refused_naming_them():
    body = {**_consent(), "collection": {"method": "telepathie"}, "categories": ["alles"]}
    del body["evidence"]

    errors = _refused(c.ConsentGiven, body)

    assert errors["evidence"] == "is required"
    assert errors["collection/method"] == (
        "must be one of: schriftelijk, mondeling-met-tolk, digitaal"
    )
    assert errors["collection/language"] == "is required"
    assert errors["categories/0"].startswith("must be one of: identiteit, contact")


def test_a_representative_must_be_named_and_null_is_no_start_date():
    errors = _refused(
        c.ConsentGiven,
        {
            **_consent(grantor={"kind": "wettelijk-vertegenwoordiger", "name": " "}),
            "valid_from": None,
        },
    )
    assert errors == {
        "grantor/name": "is required for a legal representative",
        "valid_from": "must be a date written as YYYY-MM-DD",
    }


def test_an_unknown_field_is_refused_in_the_body_and_inside_it():
    errors = _refused(c.ConsentGiven, {**_consent(), "grantee": {"oin": VWN, "kvk": "1"}, "x": 1})
    assert errors == {
        "grantee/kvk": "is not a field of this request",
        "x": "is not a field of this request",
    }
    assert _refused(c.ConsentWithdrawal, {"reden": "typo"}) == {
        "reden": "is not a field of this request"
    }


def test_a_sharing_decision_on_an_object_is_refused_naming_on():
    assert _refused(c.SharingQuestion, {**QUESTION, "on": {}}) == {
        "on": "must be a date written as YYYY-MM-DD"
    }
    assert set(_refused(c.SharingQuestion, {**QUESTION, "purpose": "reclame"})) == {"purpose"}
    assert set(_refused(c.SharingQuestion, {**QUESTION, "organisation": "VWN"})) == {"organisation"}


def test_a_change_must_change_something_and_say_why():
    assert _refused(c.ConsentChange, {"reason": "Niets."}) == {
        "": "name categories, valid_until or evidence to change"
    }
    assert _refused(c.ConsentChange, {"valid_until": None, "evidence": " "}) == {
        "valid_until": "must be a date written as YYYY-MM-DD",
        "evidence": "must match \\S",
        "reason": "is required",
    }


def test_a_partner_and_a_subscription_of_the_wrong_kind_are_refused():
    partner = {"oin": "123", "name": "X", "kind": "reisbureau", "gemeenten": ["0344"]}
    assert set(_refused(c.PartnerRegistration, partner)) == {"oin", "kind"}
    subscription = {
        "channel": "audit",
        "types": ["nl.wegwijs.consent.toestemming.gegeven.v1"],
        "gemeenten": ["0344"],
        "purpose": "participatie",
    }
    assert set(_refused(c.SubscriptionRequest, subscription)) == {"channel", "types/0"}


def test_the_consent_service_takes_its_enumerations_from_the_contract():
    from services.consent.feeds import CHANNELS
    from services.consent.protocol import BASES, Protocol
    from services.consent.records import COLLECTION_METHODS, GRANTOR_KINDS

    assert GRANTOR_KINDS == ("betrokkene", "wettelijk-vertegenwoordiger")
    assert COLLECTION_METHODS == ("schriftelijk", "mondeling-met-tolk", "digitaal")
    assert BASES == ("wet", "toestemming", "nooit") and CHANNELS == ("intake", "pip", "matching")
    protocol = Protocol.load()
    assert set(protocol.purposes) == set(get_args(c.Purpose))
    assert set(protocol.recipient_kinds) == set(get_args(c.RecipientKind))
