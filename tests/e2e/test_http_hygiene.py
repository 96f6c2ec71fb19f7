"""What every HTTP answer carries, whatever it is: a problem document for any error (routing's
404 and 405 too), no caching, no sniffing, a strict content policy; a flood is slowed down per
token; a client's trace is a link, never the chain's own trace; the audit CSV reads back as it
was written."""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

from services.gateway.auth import issue_token
from tests.e2e.test_input_hygiene import assert_problem
from tests.platform import eventually, person

CLIENT_TRACE = "0af7651916cd43dd8448eb211c80aaaa"
CLIENT_PARENT = f"00-{CLIENT_TRACE}-b7ad6b7169203331-01"


def _headers(role: str = "regievoerder", gemeente: str = "0344", **claims: str) -> dict:
    token = issue_token(role, [gemeente], **claims)
    return {"Authorization": f"Bearer {token}"}


def assert_hygienic(response) -> None:
    assert response.headers.get("Cache-Control") == "no-store", response.request.url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", response.request.url
    assert response.headers.get("Referrer-Policy") == "no-referrer", response.request.url
    assert "default-src 'none'" in response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_an_unknown_route_is_a_404_problem_document(platform):
    for headers in ({}, _headers()):
        response = platform.http.get(f"{platform.url}/api/v1/nowhere", headers=headers, timeout=10)
        assert assert_problem(response, 404)["detail"]
        assert_hygienic(response)


def test_a_method_a_route_does_not_take_is_a_405_problem_document_saying_which_it_does(platform):
    response = platform.http.delete(f"{platform.url}/api/v1/dossiers", headers=_headers())
    assert_problem(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert_hygienic(response)


def test_every_answer_forbids_caching_and_sniffing_and_html_gets_a_strict_policy(platform):
    dossier_id = platform.register(person("0344"))
    auditor = _headers("auditor")
    answers = [
        platform.get("/api/v1/dossiers"),
        platform.get(f"/api/v1/dossiers/{dossier_id}"),
        platform.get("/api/v1/dossiers/00000000-0000-0000-0000-000000000000"),
        platform.http.get(f"{platform.url}/api/v1/dossiers", timeout=10),
        platform.post("/api/v1/dossiers", {"bsn": "1"}),
        platform.http.get(f"{platform.url}/health", timeout=10),
        platform.http.get(f"{platform.url}/metrics", timeout=10),
        platform.http.get(f"{platform.url}/openapi.json", timeout=10),
    ]
    page = eventually(
        lambda: platform.http.get(
            f"{platform.url}/api/v1/audit/dossiers/{dossier_id}/inzage.html",
            headers=auditor,
            timeout=10,
        ),
        lambda r: r.status_code == 200,
        what="the inzage page",
    )
    for answer in [*answers, page]:
        assert_hygienic(answer)
    assert page.headers["Content-Type"].startswith("text/html")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src" not in policy or "'none'" in policy
    assert "unsafe-eval" not in policy


def test_a_flood_with_one_token_is_answered_429_with_retry_after_while_others_go_on(platform):
    flood = _headers(user_id="flooder")
    calm = _headers(user_id="calm-neighbour")
    url = f"{platform.url}/api/v1/nowhere"

    def one(_: int):
        return platform.http.get(url, headers=flood, timeout=10)

    limited, sent = [], 0
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        while not limited and sent < 3000:
            answers = list(pool.map(one, range(100)))
            sent += len(answers)
            limited = [a for a in answers if a.status_code == 429]
    elapsed = time.monotonic() - started

    assert limited, f"{sent} requests in {elapsed:.1f} s and no 429"
    refused = limited[0]
    assert_problem(refused, 429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert_hygienic(refused)
    neighbour = platform.http.get(f"{platform.url}/api/v1/dossiers", headers=calm, timeout=10)
    assert neighbour.status_code == 200, "another token is not slowed down by the flood"


def test_a_clients_traceparent_is_a_link_and_the_chain_gets_its_own_trace(platform):
    headers = {
        **_headers(user_id="traced-client"),
        "traceparent": CLIENT_PARENT,
        "Content-Type": "application/json",
    }
    response = platform.http.post(
        f"{platform.url}/api/v1/dossiers", data=json.dumps(person("0344")), headers=headers
    )
    assert response.status_code == 201, response.text
    dossier_id = response.json()["id"]
    answered = re.fullmatch(r"00-([0-9a-f]{32})-[0-9a-f]{16}-01", response.headers["traceresponse"])
    assert answered, response.headers["traceresponse"]
    own_trace = answered.group(1)
    assert own_trace != CLIENT_TRACE

    auditor = _headers("auditor")
    entries = eventually(
        lambda: platform.http.get(
            f"{platform.url}/api/v1/audit/entries?trace_id={own_trace}", headers=auditor
        ).json()["entries"],
        lambda found: {e["dossier_id"] for e in found} == {dossier_id},
        what="the registration under the chain's own trace",
    )
    assert entries
    borrowed = platform.http.get(
        f"{platform.url}/api/v1/audit/entries?trace_id={CLIENT_TRACE}", headers=auditor
    )
    assert borrowed.json()["entries"] == [], "nothing is filed under the client's trace"
    [row] = platform.sql(
        "SELECT state FROM intake.intake_events"
        " WHERE originator_id = %s AND originator_version = 1",
        dossier_id,
    )
    context = json.loads(bytes(row["state"]))["context"]
    assert (context["correlation_id"], context["trace_link"]) == (own_trace, CLIENT_PARENT)
    log = platform.processes["gateway"].log.read_text().splitlines()
    lines = [json.loads(line) for line in log if line.startswith("{")]
    logged = [entry for entry in lines if entry.get("correlation_id") == own_trace]
    assert logged and all(entry.get("trace_link") == CLIENT_PARENT for entry in logged)


def test_a_carriage_return_in_who_acts_never_reaches_the_ledger_or_its_csv(platform):
    """Refused at the door (401), so no actor with a bare CR is ever written; the CSV rule that
    quotes one anyway is in tests/unit/test_hygiene.py."""
    actor = "medewerker\r=1+1"
    headers = {**_headers(user_id=actor), "Content-Type": "application/json"}
    made = platform.http.post(
        f"{platform.url}/api/v1/dossiers", data=json.dumps(person("0344")), headers=headers
    )

    assert made.status_code == 401, made.text
    assert platform.scalar("SELECT count(*) FROM audit.ledger WHERE actor = %s", actor) == 0
