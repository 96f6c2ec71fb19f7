"""The thin slice over real HTTP: register a person, a draft PIP follows, both in the ledger."""

from __future__ import annotations

import json

from services.gateway.openapi import openapi_document
from tests.e2e.http import register_traced
from tests.platform import TEST, eventually, person


def test_registering_a_person_answers_201_with_only_a_uuid_and_shows_the_dossier(platform):
    who = person("0344")
    response = platform.post("/api/v1/dossiers", who, "regievoerder", "0344")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id"}
    assert response.headers["Location"] == f"/api/v1/dossiers/{body['id']}"
    dossier = platform.get(f"/api/v1/dossiers/{body['id']}", "regievoerder", "0344").json()
    assert dossier["bsn"] == who["bsn"]
    assert dossier["gemeente"] == "0344"
    assert dossier["family_name"] == who["family_name"]


def test_a_draft_pip_is_opened_with_the_deadline_ten_weeks_after_the_later_date(platform):
    who = person("0356", duo_notice_date="2026-08-03", brp_registration_date="2026-08-31")
    dossier_id = platform.register(who)

    pip = eventually(
        lambda: platform.get(f"/api/v1/dossiers/{dossier_id}/pip", "regievoerder", "0356"),
        lambda r: r.status_code == 200,
        what="the draft PIP is visible",
    ).json()

    assert pip["status"] == "concept"
    assert pip["deadline"] == "2026-11-09"  # BRP (later) + 70 days
    assert pip["dossier_id"] == dossier_id


def _caused(platform, dossier_id: str) -> list[dict]:
    """The ledger entries of a dossier, without the access log of the auditor's own queries."""
    entries = platform.get(f"/api/v1/audit/dossiers/{dossier_id}", "auditor", "0344").json()
    return [e for e in entries["entries"] if e["origin"] != "gateway"]


def test_the_audit_ledger_lists_what_one_registration_caused_with_one_correlation_id(platform):
    dossier_id, trace_id = register_traced(platform, person("0344"))

    entries = eventually(
        lambda: _caused(platform, dossier_id),
        lambda found: len(found) == 6,
        what="registration, BSN claim, household checklist, draft PIP, consent records and"
        " guidance are in the ledger",
    )

    # The ledger interleaves origins as their events arrive; within one origin it keeps order.
    activity_of = {e["event_type"]: e["activity"] for e in entries}
    assert activity_of == {
        "nl.wegwijs.intake.dossier.geregistreerd.v1": "registratie",
        "nl.wegwijs.intake.bsn.geclaimd.v1": "registratie",
        "nl.wegwijs.intake.huishoudchecklist.geopend.v1": "registratie",
        "nl.wegwijs.pip.concept.geopend.v1": "pip-opstellen",
        "nl.wegwijs.consent.toestemmingen.geopend.v1": "toestemming-beheren",
        "nl.wegwijs.matching.begeleiding.geopend.v1": "koppelen",
    }
    intake_types = [e["event_type"] for e in entries if e["origin"] == "intake"]
    assert intake_types == [
        "nl.wegwijs.intake.dossier.geregistreerd.v1",
        "nl.wegwijs.intake.bsn.geclaimd.v1",
        "nl.wegwijs.intake.huishoudchecklist.geopend.v1",  # a new household's (issue 17)
    ]
    assert {e["correlation_id"] for e in entries} == {trace_id}
    assert {e["actor"] for e in entries} == {"test-regievoerder"}
    assert all(e["gemeente"] == "0344" and e["dossier_id"] == dossier_id for e in entries)
    assert all(e["payload_hash"].startswith("sha256:") for e in entries)
    assert all(e["event_time"] <= e["ledger_time"] for e in entries)


def test_every_stored_event_records_actor_activity_and_correlation_id(platform):
    platform.register(person("0321"))
    for table in (
        "intake.intake_events",
        "pip.pips_events",
        "consent.consent_events",
        "matching.matching_events",
        "gateway.accesslogs_events",
    ):
        rows = platform.sql(f"SELECT topic, state FROM {table}")
        assert rows, table
        for row in rows:
            context = json.loads(bytes(row["state"]))["context"]
            assert context["actor"]["user_id"], row["topic"]
            assert context["actor"]["roles"], row["topic"]
            assert context["activity"], row["topic"]
            assert len(context["correlation_id"]) == 32, row["topic"]


def test_only_an_auditor_may_read_the_ledger_and_only_of_their_gemeenten(platform):
    dossier_id = platform.register(person("0344"))
    eventually(
        lambda: _caused(platform, dossier_id),
        lambda found: len(found) == 6,
        what="what the registration caused is in the ledger",
    )

    assert (
        platform.get(f"/api/v1/audit/dossiers/{dossier_id}", "regievoerder", "0344").status_code
        == 403
    )
    other = platform.get(f"/api/v1/audit/dossiers/{dossier_id}", "auditor", "0356")
    assert other.status_code == 200
    assert other.json()["entries"] == []


def test_the_dossier_list_shows_only_the_gemeenten_the_actor_acts_for(platform):
    mine = platform.register(person("0321"))
    theirs = platform.register(person("0356"))

    dossiers = platform.get("/api/v1/dossiers", "regievoerder", "0321").json()["dossiers"]
    listed = {d["id"] for d in dossiers}
    summary = openapi_document()["components"]["schemas"]["DossierSummary"]["properties"]
    assert all(set(d) == set(summary) for d in dossiers), "the list is what the contract says"

    assert mine in listed
    assert theirs not in listed


def test_health_openapi_and_metrics_answer(platform):
    health = platform.http.get(f"{platform.url}/health", timeout=10)
    assert health.status_code == 200
    assert set(health.json()["checks"]) == {
        "postgres",
        "rabbitmq",
        "gateway",
        "intake",
        "pip",
        "matching",
        "consent",
        "audit",
    }
    document = platform.http.get(f"{platform.url}/openapi.json", timeout=10).json()
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/dossiers/{dossier_id}/pip" in document["paths"]
    metrics = platform.http.get(f"{platform.url}/metrics", timeout=10).text
    assert "wegwijs_entrypoint_latency_seconds_bucket" in metrics
    intake_metrics = platform.http.get(
        f"http://127.0.0.1:{TEST.service_port_base + 1}/metrics", timeout=10
    ).text
    assert 'wegwijs_events_stored_total{service="intake"}' in intake_metrics
    assert 'wegwijs_outbox_lag_events{service="intake"}' in intake_metrics
    audit_metrics = platform.http.get(
        f"http://127.0.0.1:{TEST.service_port_base + 5}/metrics", timeout=10
    ).text
    assert 'wegwijs_consumer_lag_events{origin="intake",service="audit"}' in audit_metrics


def test_each_service_logs_one_json_line_per_command_with_its_correlation_id(platform):
    _, trace_id = register_traced(platform, person("0344"))

    def lines_with_trace(name: str) -> list[dict]:
        lines = platform.processes[name].log.read_text().splitlines()
        return [json.loads(line) for line in lines if trace_id in line]

    def done_by(name: str, entrypoint: str) -> list[dict]:
        return [
            entry
            for entry in lines_with_trace(name)
            if entry["event"] == "entrypoint_done" and entry["entrypoint"] == entrypoint
        ]

    # pip takes the registration and, with the same trace, matching's guidance opened, in the
    # order they arrive: the command looked for is one of them.
    for name, entrypoint in (
        ("gateway", "register_dossier"),
        ("intake", "register"),
        ("pip", "on_intake_event"),
    ):
        done = eventually(
            lambda name=name, entrypoint=entrypoint: done_by(name, entrypoint),
            bool,
            what=f"{name} logged the command",
        )
        assert done[0]["correlation_id"] == trace_id
        assert done[0]["service"] == name
        assert done[0]["outcome"] == "ok"


def test_health_is_503_and_names_the_service_when_one_is_down(platform):
    platform.stop("matching")
    try:
        response = platform.http.get(f"{platform.url}/health", timeout=15)
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "down"
        assert body["checks"]["matching"].startswith("down")
        assert body["checks"]["intake"] == "ok"
    finally:
        platform.start("matching")
    platform.wait_healthy()
