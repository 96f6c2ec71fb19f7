"""Partner feeds on real RabbitMQ: the broker keeps each partner to its own queue; health data
reaches a partner only under a consent; after a withdrawal the next event is not delivered and
the withdrawal event is. A volunteer organisation hears only of the people it guides or has a
proposal for, never of enforcement; Nieuwegein's "never" on health holds for progress on a health
goal; narrowing a consent tells the partner what to delete."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from urllib.parse import urlsplit

import jsonschema
import pytest
from amqp.exceptions import AccessRefused, NotFound
from kombu import Connection, Consumer, Queue
from referencing import Registry, Resource

from examples.partner_consumer import LocalStore, PartnerFeed
from services.common.broker import partner_user
from services.common.clock import today_in_amsterdam
from tests.e2e.http import as_role, send
from tests.e2e.test_pip import _completed_intake
from tests.matching_fixtures import SEMHAR_PROFILE, guide_body
from tests.pip_fixtures import goal, sections
from tests.platform import ROOT, eventually, person, rabbitmqctl

A, B = "00000003000000000021", "00000003000000000022"
V = "00000003000000000041"  # a volunteer organisation subscribed to everything of its gemeenten
GOAL_ADDED = "nl.wegwijs.pip.doel.toegevoegd.v1"
PROPOSED = "nl.wegwijs.matching.voorstel.gedaan.v1"
PROGRESS = "nl.wegwijs.pip.doel.voortgang-vastgelegd.v1"
PLANNED = "nl.wegwijs.intake.gesprek.gepland.v1"
WITHDRAWN = "nl.wegwijs.partnerfeed.toestemming-beeindigd.v1"
ENFORCEMENT = {
    "nl.wegwijs.intake.gesprek.niet-verschenen.v1",
    "nl.wegwijs.intake.sanctie.aan-de-orde.v1",
    "nl.wegwijs.intake.sanctie.besloten.v1",
    "nl.wegwijs.pip.handhaving.geopend.v1",
    "nl.wegwijs.pip.verplichting.geschonden.v1",
    "nl.wegwijs.pip.maatregel.aan-de-orde.v1",
    "nl.wegwijs.pip.maatregel.besloten.v1",
}
PARTNER_CONTRACTS = ROOT / "contracts" / "partner"


@pytest.fixture(scope="module")
def feeds(platform):
    """Three volunteer organisations with their own AMQP users and a guide each: A subscribed to
    goals added and proposals in 0344, V to every event of 0344 and 0356."""
    credentials = {}
    for oin, name in ((A, "VluchtelingenWerk A"), (B, "Humanitas B"), (V, "Welzijn V")):
        out = platform.cli(
            "partner", "add", "--oin", oin, "--name", name,
            "--kind", "maatschappelijke-begeleiding", "--gemeente", "0344", "--gemeente", "0356",
        )  # fmt: skip
        credentials[oin] = json.loads(out.strip().splitlines()[-1])["feed"]
        registered = send(
            platform,
            "POST",
            "/api/v1/guides",
            guide_body(f"Gids {name}", today_in_amsterdam()),
            as_role("coordinator", "0344", oin),
        )
        assert registered.status_code == 201, registered.text
        credentials[oin]["guide"] = registered.json()["id"]
    for channel, event_type in (("pip", GOAL_ADDED), ("matching", PROPOSED)):
        platform.cli(
            "partner", "subscribe", "--oin", A, "--channel", channel, "--type", event_type,
            "--gemeente", "0344", "--purpose", "maatschappelijke-begeleiding",
        )  # fmt: skip
    for channel in ("intake", "pip", "matching"):
        platform.cli(
            "partner", "subscribe", "--oin", V, "--channel", channel, "--gemeente", "0344",
            "--gemeente", "0356", "--purpose", "maatschappelijke-begeleiding",
        )  # fmt: skip
    yield credentials
    for oin in (A, B, V):
        rabbitmqctl("delete_user", partner_user(oin))


def _refused(uri: str, action) -> bool:
    with Connection(uri) as conn:
        channel = conn.channel()
        try:
            action(channel)
        except (AccessRefused, NotFound):  # not allowed, or not there in its own vhost
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
        (resource.contents["$id"], resource)
        for resource in (
            Resource.from_contents(json.loads(p.read_text()))
            for p in PARTNER_CONTRACTS.glob("*.json")
        )
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


def _propose_guide(platform, dossier_id: str, guide_id: str, gemeente: str = "0344") -> str:
    """The regievoerder proposes the guide to the person: their organisation now has a relation
    with the person."""
    headers = as_role(gemeente=gemeente)
    eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/guidance", None, headers),
        lambda r: r.status_code == 200,
        what="matching knows the dossier",
    )
    profile = send(
        platform, "PUT", f"/api/v1/dossiers/{dossier_id}/matching-profile", SEMHAR_PROFILE, headers
    )
    assert profile.status_code == 200, profile.text
    proposed = send(
        platform,
        "POST",
        f"/api/v1/dossiers/{dossier_id}/proposals",
        {"kind": "begeleider", "candidate_id": guide_id},
        headers,
    )
    assert proposed.status_code == 201, proposed.text
    return proposed.json()["id"]


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
        _propose_guide(platform, dossier_id, feeds[A]["guide"])
        feed.until(
            lambda e: e["subject"] == dossier_id and e["type"] == PROPOSED, "the proposal to A"
        )
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


def _established(platform, gemeente: str, domains: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """A dossier with an established PIP with one goal per domain; its goal ids by domain."""
    today = today_in_amsterdam()
    dossier_id = _completed_intake(platform, today - timedelta(weeks=6), gemeente)
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    headers = as_role(gemeente=gemeente)
    assert send(platform, "PATCH", pip, sections(today), headers).status_code == 200
    for domain in domains:
        added = send(platform, "POST", f"{pip}/goals", goal(today, domain), headers)
        assert added.status_code == 201, added.text
    established = send(platform, "POST", f"{pip}/establish", {}, headers)
    assert established.status_code == 200, established.text
    return dossier_id, {g["domain"]: g["id"] for g in established.json()["plan"]["goals"]}


def _misses_a_conversation_and_breaks_the_plan_twice(platform, dossier_id: str) -> None:
    """A no-show with its sanction step, and two breaches of the PIP (Utrecht: a fine is due)."""
    intake = f"/api/v1/dossiers/{dossier_id}/intake/conversations"
    planned = send(platform, "POST", intake, {"planned_on": "2026-11-20", "purpose": "Intake"})
    assert planned.status_code == 200, planned.text
    missed = send(platform, "PUT", f"{intake}/1/attendance", {"attended": False, "note": "Weg."})
    assert missed.json()["sanctions"], missed.text
    for _ in range(2):
        breach = {"obligation": "Taalles", "description": "Twee weken afwezig."}
        recorded = send(platform, "POST", f"/api/v1/dossiers/{dossier_id}/pip/breaches", breach)
        assert recorded.status_code == 201, recorded.text
    assert recorded.json()["handhaving"][-1]["measure"] == "boete"


def test_a_volunteer_organisation_hears_only_of_the_people_it_guides_and_never_of_enforcement(
    platform, feeds
):
    stranger, _ = _established(platform, "0344", ("gezondheid", "taal"))
    _misses_a_conversation_and_breaks_the_plan_twice(platform, stranger)
    guided, goals = _established(platform, "0344", ("gezondheid", "taal"))
    feed = Feed(feeds[V]["amqp_uri"], feeds[V]["queue"])
    ours = lambda e, event_type: e["subject"] == guided and e["type"] == event_type  # noqa: E731
    try:
        _propose_guide(platform, guided, feeds[V]["guide"])
        received = feed.until(lambda e: ours(e, PROPOSED), "the proposal to V")
        _misses_a_conversation_and_breaks_the_plan_twice(platform, guided)
        conversations = f"/api/v1/dossiers/{guided}/intake/conversations"
        again = {"planned_on": "2026-12-04", "purpose": "Intake, tweede keer"}
        assert send(platform, "POST", conversations, again).status_code == 200
        progress = f"/api/v1/dossiers/{guided}/pip/goals/{goals['taal']}/progress"
        assert send(platform, "POST", progress, {"status": "bezig", "note": "Les 3."}).ok
        markers: set[str] = set()  # intake's and pip's last events come in either order

        def both_markers(e: dict) -> bool:
            if ours(e, PLANNED) and e["data"].get("number") == 2:
                markers.add("intake")
            if ours(e, PROGRESS):
                markers.add("pip")
            return markers == {"intake", "pip"}

        received += feed.until(both_markers, "the second appointment and the progress")
    finally:
        feed.close()

    assert {e["subject"] for e in received} == {guided}, "nothing about anyone V does not guide"
    assert not {e["type"] for e in received} & ENFORCEMENT
    assert '"measure"' not in json.dumps(received) and "boete" not in json.dumps(received)
    assert [e["data"]["number"] for e in received if e["type"] == PLANNED] == [1, 2]


def test_nieuwegein_never_shares_progress_on_a_health_goal_even_with_consent(platform, feeds):
    dossier_id, goals = _established(platform, "0356", ("gezondheid", "taal"))
    consent = {
        "grantor": {"kind": "betrokkene"},
        "grantee": {"oin": V, "name": "Welzijn V"},
        "purpose": "maatschappelijke-begeleiding",
        "categories": ["gezondheid"],
        "valid_until": (today_in_amsterdam() + timedelta(days=365)).isoformat(),
        "collection": {"method": "mondeling-met-tolk", "language": "Dari"},
        "evidence": "Formulier N-2026-7",
    }
    headers = as_role(gemeente="0356")
    given = send(platform, "POST", f"/api/v1/dossiers/{dossier_id}/consents", consent, headers)
    assert given.status_code == 201, given.text
    feed = Feed(feeds[V]["amqp_uri"], feeds[V]["queue"])
    ours = lambda e, event_type: e["subject"] == dossier_id and e["type"] == event_type  # noqa: E731
    try:
        _propose_guide(platform, dossier_id, feeds[V]["guide"], "0356")
        feed.until(lambda e: ours(e, PROPOSED), "the proposal to V")
        pip = f"/api/v1/dossiers/{dossier_id}/pip/goals"
        for domain in ("gezondheid", "taal"):
            recorded = send(
                platform,
                "POST",
                f"{pip}/{goals[domain]}/progress",
                {"status": "bezig", "note": "Gaat goed."},
                headers,
            )
            assert recorded.status_code == 201, recorded.text
        received = feed.until(
            lambda e: ours(e, PROGRESS) and e["data"]["goal_id"] == goals["taal"],
            "the progress on the language goal",
        )
    finally:
        feed.close()

    progress = [e["data"] for e in received if ours(e, PROGRESS)]
    assert [(p["goal_id"], p.get("domain")) for p in progress] == [(goals["taal"], "taal")]


def test_narrowing_a_consent_tells_the_partner_what_to_delete(platform, feeds):
    dossier_id = platform.register(person("0344"))
    consents = f"/api/v1/dossiers/{dossier_id}/consents"
    eventually(
        lambda: send(platform, "GET", consents).status_code,
        lambda status: status == 200,
        what="consent knows the dossier",
    )
    today = today_in_amsterdam()
    consent = {
        "grantor": {"kind": "betrokkene"},
        "grantee": {"oin": V, "name": "Welzijn V"},
        "purpose": "maatschappelijke-begeleiding",
        "categories": ["gezondheid", "financien"],
        "valid_from": (today - timedelta(days=30)).isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(),
        "collection": {"method": "schriftelijk", "language": "Nederlands"},
        "evidence": "Formulier U-2026-31",
    }
    consent_id = send(platform, "POST", consents, consent).json()["id"]
    feed = Feed(feeds[V]["amqp_uri"], feeds[V]["queue"])
    notice = lambda e: e["subject"] == dossier_id and e["type"] == WITHDRAWN  # noqa: E731
    try:
        narrowed = send(
            platform,
            "PATCH",
            f"{consents}/{consent_id}",
            {"categories": ["gezondheid"], "reason": "Geldzaken regelt ze zelf."},
        )
        assert narrowed.status_code == 200, narrowed.text
        *_, fewer = feed.until(notice, "a notice for the categories taken out")
        yesterday = (today - timedelta(days=1)).isoformat()
        shortened = send(
            platform,
            "PATCH",
            f"{consents}/{consent_id}",
            {"valid_until": yesterday, "reason": "Ze wil stoppen per gisteren."},
        )
        assert shortened.status_code == 200, shortened.text
        *_, ended = feed.until(notice, "a notice for the period that ended")
    finally:
        feed.close()

    for sent, categories in ((fewer, ["financien"]), (ended, ["gezondheid"])):
        _validator(sent["type"]).validate(sent)
        assert sent["data"] == {
            "consent_id": consent_id,
            "categories": categories,
            "on": today.isoformat(),
            "reason": "ingeperkt",
            "instruction": "verwijderen",
        }


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


def test_a_partner_following_the_asyncapi_document_connects_and_receives_an_event(platform, feeds):
    """What `contracts/asyncapi.json` says (server host, the vhost in its pathname, the
    channel's address) with the user `wegwijs partner add` gave: that is where the feed is."""
    document = json.loads((ROOT / "contracts" / "asyncapi.json").read_text())
    server = document["servers"]["rabbitmq"]
    given = urlsplit(feeds[A]["amqp_uri"])
    vhost = f"{platform.layout.name}-partner-{A}"  # "<platform vhost>-partner-<your OIN>"
    path = server["pathname"].replace("{vhost}", vhost)
    uri = f"amqp://{given.username}:{given.password}@{server['host']}{path}"
    queue = document["channels"]["partnerFeed"]["address"].replace("{oin}", A)
    assert server["protocol"] == "amqp" and queue == feeds[A]["queue"]

    dossier_id = platform.register(person("0344"))
    feed = Feed(uri, queue)
    try:
        _propose_guide(platform, dossier_id, feeds[A]["guide"])
        [*_, proposed] = feed.until(
            lambda e: e["subject"] == dossier_id and e["type"] == PROPOSED, "the proposal to A"
        )
    finally:
        feed.close()

    message = document["channels"]["partnerFeed"]["messages"]
    assert PROPOSED in {m["name"] for m in message.values()}
    _validator(PROPOSED).validate(proposed)


def test_the_organisation_of_the_guide_hears_of_a_move_and_a_stranger_does_not(platform, feeds):
    """Warme overdracht (issue 17): when the new gemeente accepts a move, the organisation with a
    guide for the person is told, through its own feed, as its subscription and the protocol
    allow; an organisation that does not know the person hears nothing."""
    guided, _ = _established(platform, "0344", ("gezondheid", "taal"))
    feed = Feed(feeds[V]["amqp_uri"], feeds[V]["queue"])
    moved = "nl.wegwijs.matching.begeleiding.overgedragen.v1"
    try:
        _propose_guide(platform, guided, feeds[V]["guide"])
        feed.until(lambda e: e["subject"] == guided and e["type"] == PROPOSED, "the proposal")
        move = {"to_gemeente": "0356", "moved_on": today_in_amsterdam().isoformat()}
        proposed = send(platform, "POST", f"/api/v1/dossiers/{guided}/verhuizing", move)
        assert proposed.status_code == 201, proposed.text
        accept = f"/api/v1/dossiers/{guided}/verhuizing/accept"
        accepted = send(platform, "POST", accept, {}, as_role(gemeente="0356"))
        assert accepted.status_code == 200, accepted.text
        told = feed.until(lambda e: e["subject"] == guided and e["type"] == moved, "the move")
    finally:
        feed.close()
    assert told[-1]["data"]["to_gemeente"] == "0356"
    proposal = "nl.wegwijs.intake.verhuizing.voorgesteld.v1"
    assert proposal not in {e["type"] for e in told}, "a proposed move stays between gemeenten"
    stranger = Feed(feeds[A]["amqp_uri"], feeds[A]["queue"])
    try:
        with pytest.raises(AssertionError):
            stranger.until(lambda e: e["subject"] == guided, "anything of the moved person", 5)
    finally:
        stranger.close()
