"""Partner feeds on real RabbitMQ: the broker keeps each partner to its own queue; health data
reaches a partner only under a consent; after a withdrawal the next event is not delivered and
the withdrawal event is."""

from __future__ import annotations

import json
import time

import jsonschema
import pytest
from amqp.exceptions import AccessRefused
from kombu import Connection, Consumer, Queue
from referencing import Registry, Resource

from examples.partner_consumer import LocalStore, PartnerFeed
from services.common.broker import partner_user
from tests.e2e.http import as_role, send
from tests.platform import ROOT, eventually, person, rabbitmqctl

A, B = "00000003000000000021", "00000003000000000022"
GOAL_ADDED = "nl.wegwijs.pip.doel.toegevoegd.v1"
WITHDRAWN = "nl.wegwijs.partnerfeed.toestemming-beeindigd.v1"
PARTNER_CONTRACTS = ROOT / "contracts" / "partner"


@pytest.fixture(scope="module")
def feeds(platform):
    """Two partners with their own AMQP users; A subscribed to goals added in 0344."""
    credentials = {}
    for oin, name in ((A, "VluchtelingenWerk A"), (B, "Humanitas B")):
        out = platform.cli(
            "partner", "add", "--oin", oin, "--name", name,
            "--kind", "maatschappelijke-begeleiding", "--gemeente", "0344",
        )  # fmt: skip
        credentials[oin] = json.loads(out.strip().splitlines()[-1])["feed"]
    platform.cli(
        "partner", "subscribe", "--oin", A, "--channel", "pip", "--type", GOAL_ADDED,
        "--gemeente", "0344", "--purpose", "maatschappelijke-begeleiding",
    )  # fmt: skip
    yield credentials
    for oin in (A, B):
        rabbitmqctl("delete_user", partner_user(oin))


def _refused(uri: str, action) -> bool:
    with Connection(uri) as conn:
        channel = conn.channel()
        try:
            action(channel)
        except AccessRefused:
            return True
        return False


def test_the_broker_keeps_each_partner_to_its_own_queue(feeds):
    a = feeds[A]["amqp_uri"]
    others_queue = Queue(feeds[B]["queue"], no_declare=True)

    assert _refused(a, lambda ch: Consumer(ch, queues=[others_queue]).consume())
    assert _refused(
        a,
        lambda ch: ch.queue_bind(
            feeds[A]["queue"], exchange="wegwijs.events", routing_key="intake.#"
        ),
    )
    assert _refused(a, lambda ch: Queue("stolen", durable=False)(ch).declare())
    own = Queue(feeds[A]["queue"], no_declare=True)
    assert not _refused(a, lambda ch: Consumer(ch, queues=[own], callbacks=[]).consume())


class Feed:
    """Partner A's queue, read with the example consumer a partner would copy."""

    def __init__(self, uri: str, queue: str):
        self.feed = PartnerFeed(uri, queue)
        self.store = LocalStore()
        self.received: list[dict] = []

    def until(self, predicate, what: str, deadline: float = 30) -> list[dict]:
        """Every message up to and including the first for which `predicate` holds."""
        give_up = time.monotonic() + deadline
        while time.monotonic() < give_up:
            for index, event in enumerate(self.received):
                if predicate(event):
                    taken, self.received = self.received[: index + 1], self.received[index + 1 :]
                    return taken
            for event in self.feed.events(idle_seconds=0.5):
                self.store.handle(event)
                self.received.append(event)
        raise AssertionError(f"not within {deadline} s: {what}; got {self.received}")

    def close(self) -> None:
        self.feed.close()


def _validator(event_type: str) -> jsonschema.Validator:
    resources = [
        (p.name, Resource.from_contents(json.loads(p.read_text())))
        for p in PARTNER_CONTRACTS.glob("*.json")
    ]
    own = PARTNER_CONTRACTS / f"{event_type}.json"
    schema = json.loads(
        (own if own.exists() else PARTNER_CONTRACTS / "cloudevent.v1.json").read_text()
    )
    return jsonschema.Draft202012Validator(
        schema,
        registry=Registry().with_resources(resources),
        format_checker=jsonschema.FormatChecker(),
    )


def _goal(platform, dossier_id: str, domain: str, marker: str) -> None:
    goal = {
        "domain": domain,
        "term": "kort",
        "description": f"{marker}: persoonlijk doel",
        "measure": "Gehaald.",
        "due_on": "2027-06-01",
        "phase": 0,
        "owner": {"organisation": "Gemeente Utrecht", "role": "regievoerder"},
    }
    added = send(platform, "POST", f"/api/v1/dossiers/{dossier_id}/pip/goals", goal)
    assert added.status_code == 201, added.text


def test_health_reaches_a_partner_only_under_consent_and_withdrawal_stops_the_next(platform, feeds):
    who = person("0344")
    dossier_id = platform.register(who)
    eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/consents").status_code,
        lambda status: status == 200,
        what="consent knows the dossier",
    )
    eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/pip").status_code,
        lambda status: status == 200,
        what="the draft PIP exists",
    )
    feed = Feed(feeds[A]["amqp_uri"], feeds[A]["queue"])
    ours = lambda e, domain: e["subject"] == dossier_id and e["data"].get("domain") == domain  # noqa: E731
    try:
        _goal(platform, dossier_id, "gezondheid", "zonder toestemming")
        _goal(platform, dossier_id, "taal", "eerste taaldoel")
        before = feed.until(lambda e: ours(e, "taal"), "the language goal")
        assert not [e for e in before if ours(e, "gezondheid")], "health without consent"

        consent = {
            "grantor": {"kind": "betrokkene"},
            "grantee": {"oin": A, "name": "VluchtelingenWerk A"},
            "purpose": "maatschappelijke-begeleiding",
            "categories": ["gezondheid"],
            "valid_until": "2027-12-31",
            "collection": {"method": "mondeling-met-tolk", "language": "Arabisch"},
            "evidence": "Opname gesprek 2026-11-28",
        }
        consents = f"/api/v1/dossiers/{dossier_id}/consents"
        consent_id = send(platform, "POST", consents, consent).json()["id"]
        _goal(platform, dossier_id, "gezondheid", "met toestemming")
        [*_, shared] = feed.until(lambda e: ours(e, "gezondheid"), "the health goal under consent")

        withdrawn = send(platform, "POST", f"{consents}/{consent_id}/withdrawal", {})
        assert withdrawn.status_code == 200
        _goal(platform, dossier_id, "gezondheid", "na intrekking")
        _goal(platform, dossier_id, "taal", "tweede taaldoel")
        after = feed.until(
            lambda e: ours(e, "taal") and e["id"] != before[-1]["id"], "the second language goal"
        )
        kept = feed.store.by_dossier[dossier_id]
    finally:
        feed.close()

    assert [e["type"] for e in after if e["subject"] == dossier_id] == [WITHDRAWN, GOAL_ADDED]
    assert [e["data"]["domain"] for e in kept] == ["taal"], "the example deleted on withdrawal"
    notice = after[0]
    assert notice["data"] == {
        "consent_id": consent_id,
        "categories": ["gezondheid"],
        "on": notice["data"]["on"],
        "reason": "ingetrokken",
        "instruction": "verwijderen",
    }
    for event in (*before, shared, *after):
        _validator(event["type"]).validate(event)
        attributes = json.dumps({k: v for k, v in event.items() if k != "data"})
        for personal in (who["bsn"], who["family_name"], who["v_nummer"]):
            assert personal not in attributes
        assert "persoonlijk doel" not in json.dumps(event), "goal texts never leave pip"

    partner_token = as_role("partner", organisation=A)
    fetched = platform.http.get(shared["dataref"], headers=partner_token, timeout=15)
    assert fetched.status_code == 404, "after withdrawal the dataref no longer gives health"
    language = platform.http.get(before[-1]["dataref"], headers=partner_token, timeout=15)
    assert language.status_code == 200 and language.json()["data"]["domain"] == "taal"
    other = platform.http.get(
        before[-1]["dataref"], headers=as_role("partner", organisation=B), timeout=15
    )
    assert other.status_code == 404


def test_every_sharing_decision_of_the_run_is_in_the_ledger_with_what_decided_it(platform, feeds):
    platform.wait_ledger_complete()
    decided = [
        r["notification_id"]
        for r in platform.sql(
            "SELECT notification_id FROM consent.consent_events WHERE topic LIKE %s",
            "%DisclosureLog.Decided",
        )
    ]
    entries = platform.sql(
        "SELECT origin_position, legal_basis, activity FROM audit.ledger"
        " WHERE origin = 'consent' AND event_type = %s ORDER BY origin_position",
        "nl.wegwijs.consent.deelbesluit.genomen.v1",
    )
    assert len(decided) >= 5, "the feed test above decided at least five events"
    assert [e["origin_position"] for e in entries] == sorted(decided)
    for entry in entries:
        answers = entry["legal_basis"].split("; ")
        assert answers and all(": ja (" in a or ": nee (" in a for a in answers), entry
