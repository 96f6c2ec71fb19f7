"""Ending a partner's subscription, on in-memory persistence: the partner hears nothing more
through it, ending it again changes nothing, and only the admin of its gemeenten ends it, by the
partner's own OIN."""

from __future__ import annotations

import uuid

import pytest

from services.common.errors import Forbidden, NotFound
from services.consent.feeds import SUBSCRIPTIONS_ID
from tests.unit.test_consent import SCHOOL, VWN, _admin
from tests.unit.test_consent_feeds import _deliveries, _goal_event, _guided, _subscribe


def test_an_ended_subscription_feeds_the_partner_nothing_more(partners):
    made = _subscribe(partners)
    dossier_id = _guided(partners)
    partners.process("pip", [_goal_event(dossier_id, "taal")])

    ended = partners.end_subscription(_admin(), VWN, made["id"])
    partners.process("pip", [_goal_event(dossier_id, "taal")])

    assert ended == {**made, "ended": True}
    assert len(_deliveries(partners)) == 1, "only the event before the end was fed"
    assert partners.subscriptions(_admin(), VWN) == []


def test_ending_a_subscription_again_answers_the_same_and_stores_nothing(partners):
    made = _subscribe(partners)
    first = partners.end_subscription(_admin(), VWN, made["id"])
    version = partners.repository.get(SUBSCRIPTIONS_ID).version

    again = partners.end_subscription(_admin(), VWN, made["id"])

    assert again == first
    assert partners.repository.get(SUBSCRIPTIONS_ID).version == version


def test_a_subscription_is_ended_only_by_its_own_partner_s_oin(partners):
    made = _subscribe(partners)

    with pytest.raises(NotFound):
        partners.end_subscription(_admin(), SCHOOL, made["id"])
    with pytest.raises(NotFound):
        partners.end_subscription(_admin(), VWN, str(uuid.uuid4()))
    assert [s["id"] for s in partners.subscriptions(_admin(), VWN)] == [made["id"]]


def test_only_an_admin_of_its_gemeenten_ends_a_subscription_even_once_it_ended(partners):
    made = _subscribe(partners)  # for Utrecht

    with pytest.raises(Forbidden, match="0344"):
        partners.end_subscription(_admin("0356"), VWN, made["id"])
    partners.end_subscription(_admin("0344"), VWN, made["id"])
    with pytest.raises(Forbidden, match="0344"):
        partners.end_subscription(_admin("0356"), VWN, made["id"])
