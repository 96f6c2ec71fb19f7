"""Every read of personal data through the API, and every auditor's query, is an event that
reaches the audit ledger: who, which dossier, why; the stored event also says which data
categories were read."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from services.gateway.auth import issue_token
from tests.e2e.http import register_traced, trace_of
from tests.platform import eventually, person
from tests.roles_fixtures import start_guiding

DECIDED = "nl.wegwijs.consent.deelbesluit.genomen.v1"


def _get(platform, path: str, role: str, user: str, gemeente: str = "0344"):
    token = issue_token(role, [gemeente], user_id=user)
    response = platform.http.get(
        platform.url + path, headers={"Authorization": f"Bearer {token}"}, timeout=15
    )
    assert response.status_code == 200, response.text
    return response


def test_each_read_of_a_dossier_and_each_audit_query_is_in_the_ledger(platform):
    dossier_id = platform.register(person("0344"))
    eventually(
        lambda: (
            platform.http.get(
                f"{platform.url}/api/v1/dossiers/{dossier_id}/pip",
                headers={"Authorization": f"Bearer {issue_token('regievoerder', ['0344'])}"},
                timeout=15,
            ).status_code
        ),
        lambda status: status == 200,
        what="the draft PIP exists",
    )
    _get(platform, f"/api/v1/dossiers/{dossier_id}", "regievoerder", "anna")
    bram = start_guiding(platform, dossier_id, "bram")
    viewed = platform.http.get(f"{platform.url}/api/v1/dossiers/{dossier_id}/view", headers=bram)
    assert viewed.status_code == 200, viewed.text
    _get(platform, f"/api/v1/dossiers/{dossier_id}/pip", "klantmanager", "kees")
    _get(platform, f"/api/v1/audit/dossiers/{dossier_id}", "auditor", "ans")

    reads = eventually(
        lambda: platform.sql(
            "SELECT actor, activity, confidentiality, processing_activity FROM audit.ledger"
            " WHERE dossier_id = %s AND event_type = %s ORDER BY seq",
            dossier_id,
            "nl.wegwijs.gateway.gegevens.ingezien.v1",
        ),
        lambda rows: {"anna", "bram", "kees", "ans"} <= {r["actor"] for r in rows},
        what="every read in the ledger",
    )
    by_actor = {r["actor"]: r for r in reads}
    assert by_actor["anna"]["activity"] == "dossier-inzien"
    assert by_actor["kees"]["activity"] == "pip-inzien"
    assert by_actor["ans"]["activity"] == "audit-controle"
    assert {r["processing_activity"] for r in reads} == {"urn:wegwijs:verwerking:dossier-inzien"}

    stored = platform.sql(
        "SELECT state FROM gateway.accesslogs_events WHERE topic LIKE %s", "%DossierRead.Read"
    )
    read = [json.loads(bytes(r["state"])) for r in stored]
    mine = [r for r in read if r["dossier_id"] == dossier_id]
    endpoints = {r["endpoint"]: r["categories"] for r in mine}
    assert "bsn" not in json.dumps(mine)
    assert "gezondheid" not in endpoints["dossier-view"], "a guide is never shown health"
    assert "identiteit" in endpoints["dossier"] and "pip" in endpoints["pip"]
    assert endpoints["audit"] == ["intern"]


def test_who_saw_this_dossier_lists_every_read_and_another_gemeente_sees_nothing(platform):
    dossier_id = platform.register(person("0344"))
    for role, user in (
        ("regievoerder", "lisa"),
        ("klantmanager", "karim"),
        ("regievoerder", "lisa"),
    ):
        _get(platform, f"/api/v1/dossiers/{dossier_id}", role, user)

    readers = eventually(
        lambda: _get(
            platform, f"/api/v1/audit/dossiers/{dossier_id}/readers", "auditor", "ans"
        ).json()["readers"],
        lambda found: len(found) >= 3,
        what="the three reads in the ledger",
    )
    actors = [r["actor"] for r in readers]
    assert actors[:3] == ["lisa", "karim", "lisa"]
    assert set(actors[3:]) <= {"ans"}, "after them only the auditor's own queries"
    assert {r["activity"] for r in readers[:3]} == {"dossier-inzien"}

    token = issue_token("auditor", ["0356"], user_id="other")
    other = platform.http.get(
        f"{platform.url}/api/v1/audit/dossiers/{dossier_id}/readers",
        headers={"Authorization": f"Bearer {token}"},
        timeout=15,
    )
    assert other.status_code == 200 and other.json()["readers"] == []


def test_a_trace_id_query_returns_what_one_registration_caused_across_services(platform):
    """In order: the HTTP command, intake's and pip's stored events, and consent's decision on
    sharing the registration with a subscribed partner (COA, which the law lets hear of everyone
    housed: a volunteer organisation hears only of the people it guides)."""
    partner = "00000003000000000032"
    platform.cli(
        "partner", "add", "--oin", partner, "--name", "COA Nieuwegein",
        "--kind", "coa", "--gemeente", "0356",
    )  # fmt: skip
    platform.cli(
        "partner", "subscribe", "--oin", partner, "--channel", "intake",
        "--type", "nl.wegwijs.intake.dossier.geregistreerd.v1", "--gemeente", "0356",
        "--purpose", "huisvesting",
    )  # fmt: skip
    dossier_id, trace_id = register_traced(platform, person("0356"))

    def trace(**params: str):
        query = "&".join(f"{k}={v}" for k, v in {"trace_id": trace_id, **params}.items())
        return _get(platform, f"/api/v1/audit/entries?{query}", "auditor", "ans", "0356")

    entries = eventually(
        lambda: trace().json()["entries"],
        lambda found: (
            {e["origin"] for e in found} >= {"gateway", "intake", "pip"}
            and any(e["event_type"] == DECIDED for e in found)
        ),
        what="the registration's effects in the ledger",
    )
    platform.wait_ledger_complete()  # nothing of the trace still on its way
    entries = trace().json()["entries"]
    types = [e["event_type"] for e in entries]
    command = entries[0]
    assert command["event_type"] == "nl.wegwijs.gateway.opdracht.behandeld.v1", types
    assert command["result"] == "uitgevoerd" and command["actor_roles"] == "regievoerder"
    assert command["processing_activity"] == "urn:wegwijs:verwerking:opdrachten-verantwoorden"
    registered = types.index("nl.wegwijs.intake.dossier.geregistreerd.v1")
    drafted = types.index("nl.wegwijs.pip.concept.geopend.v1")
    decided = types.index(DECIDED)
    assert 0 < registered < drafted and registered < decided, types
    assert entries[decided]["receiving_party"] == partner
    assert {e["dossier_id"] for e in entries} == {dossier_id}
    assert {e["trace_id"] for e in entries} == {trace_id}
    times = [e["event_time"] for e in entries]
    assert times == sorted(times), "a trace reads in the order things happened"

    first, second = trace(limit="1").json(), trace(limit="1", after=str(command["seq"])).json()
    assert [e["seq"] for e in first["entries"] + second["entries"]] == [
        e["seq"] for e in entries[:2]
    ]
    assert first["next_after"] == command["seq"]
    exported = trace(format="csv")
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert exported.text.splitlines()[0].startswith("seq,origin,origin_position")
    assert len(exported.text.splitlines()) == len(entries) + 1

    other = _get(platform, f"/api/v1/audit/entries?trace_id={trace_id}", "auditor", "ans")
    assert other.json()["entries"] == [], "an auditor for 0344 sees nothing of 0356"


def test_a_refused_command_is_accounted_for_with_its_outcome(platform):
    refused = platform.post("/api/v1/dossiers", person("0344"), "begeleider", "0344")
    assert refused.status_code == 403
    trace_id = trace_of(refused)
    [entry] = eventually(
        lambda: _get(
            platform, f"/api/v1/audit/entries?trace_id={trace_id}", "auditor", "ans"
        ).json()["entries"],
        lambda found: len(found) == 1,
        what="the refused command in the ledger",
    )
    assert entry["event_type"] == "nl.wegwijs.gateway.opdracht.behandeld.v1"
    assert (entry["result"], entry["actor_roles"], entry["dossier_id"]) == (
        "geweigerd", "begeleider", ""
    )  # fmt: skip
    assert entry["activity"] == "registratie"


def test_the_inzage_report_says_what_was_recorded_who_received_what_and_who_read(platform):
    partner = "00000003000000000031"
    platform.cli(
        "partner", "add", "--oin", partner, "--name", "Welzijn Utrecht",
        "--kind", "maatschappelijke-begeleiding", "--gemeente", "0344",
    )  # fmt: skip
    dossier_id = platform.register(person("0344"))
    eventually(
        lambda: (
            platform.http.get(
                f"{platform.url}/api/v1/dossiers/{dossier_id}/consents",
                headers={"Authorization": f"Bearer {issue_token('regievoerder', ['0344'])}"},
                timeout=15,
            ).status_code
        ),
        lambda status: status == 200,
        what="consent knows the dossier",
    )
    _get(platform, f"/api/v1/dossiers/{dossier_id}", "klantmanager", "karim")
    question = {
        "dossier_id": dossier_id,
        "organisation": partner,
        "purpose": "maatschappelijke-begeleiding",
        "categories": ["pip", "gezondheid"],
    }
    token = issue_token("regievoerder", ["0344"], user_id="lisa")
    decided = platform.http.post(
        f"{platform.url}/api/v1/sharing/decisions",
        data=json.dumps(question),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=15,
    )
    assert decided.status_code == 200

    report = eventually(
        lambda: _get(
            platform, f"/api/v1/audit/dossiers/{dossier_id}/inzage", "auditor", "fg"
        ).json(),
        lambda r: r["ontvangers"] and r["inzage_door"],
        what="the decision and the read in the report",
    )
    names = {a["verwerking"] for a in report["verwerkingen"]}
    assert "Registratie van een statushouder bij de gemeente" in names
    assert "Opstellen en bijstellen van het PIP" in names
    [recipient] = report["ontvangers"]
    assert recipient["ontvanger"] == partner and recipient["uitkomst"] == "deels gedeeld"
    assert "pip: ja (R03)" in recipient["grondslag"]
    assert {"rol": "klantmanager", "organisatie": "", "waarom": "dossier-inzien"}.items() <= {
        k: v for r in report["inzage_door"] if r["rol"] == "klantmanager" for k, v in r.items()
    }.items()
    assert "karim" not in json.dumps(report), "employees are named by role, not by user id"

    page = _get(platform, f"/api/v1/audit/dossiers/{dossier_id}/inzage.html", "auditor", "fg")
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Inzage in uw gegevens" in page.text and "Aan wie is iets verstrekt" in page.text


def test_the_auditor_cli_pages_through_entries_as_json_lines_and_csv(platform):
    dossier_id = platform.register(person("0321"))
    _get(platform, f"/api/v1/dossiers/{dossier_id}", "klantmanager", "kim", "0321")
    token = issue_token("auditor", ["0321"], user_id="ans")
    expected = eventually(
        lambda: _get(
            platform, f"/api/v1/audit/entries?dossier_id={dossier_id}", "auditor", "ans", "0321"
        ).json()["entries"],
        lambda found: len(found) >= 5 and any(e["actor"] == "kim" for e in found),
        what="the registration, its effects and the read in the ledger",
    )

    lines = platform.cli(
        "audit", "entries", "--dossier", dossier_id, "--page-size", "2", "--token", token
    ).splitlines()
    listed = [json.loads(line) for line in lines]
    assert [e["seq"] for e in listed][: len(expected)] == [e["seq"] for e in expected]
    assert {e["dossier_id"] for e in listed} == {dossier_id}

    exported = platform.cli(
        "audit", "entries", "--dossier", dossier_id, "--page-size", "2", "--format", "csv",
        "--token", token,
    ).splitlines()  # fmt: skip
    assert exported[0].startswith("seq,origin,origin_position")
    assert sum(line.startswith("seq,") for line in exported) == 1, "one header over all pages"
    assert len(exported) - 1 >= len(expected)

    readers = platform.cli("audit", "readers", dossier_id, "--token", token).splitlines()
    assert "kim" in {json.loads(line)["actor"] for line in readers}

    other = issue_token("auditor", ["0344"], user_id="other")
    assert platform.cli("audit", "entries", "--dossier", dossier_id, "--token", other) == ""


def test_the_auditor_cli_says_what_is_wrong_with_a_query(platform):
    token = issue_token("auditor", ["0321"], user_id="ans")
    refused = subprocess.run(
        [sys.executable, "-m", "services.tools.cli", "audit", "entries", "--since", "gisteren",
         "--token", token],
        env=platform.env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "from: must be an ISO 8601 date-time" in refused.stderr
    forbidden = subprocess.run(
        [sys.executable, "-m", "services.tools.cli", "audit", "entries",
         "--token", issue_token("begeleider", ["0321"])],
        env=platform.env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert forbidden.returncode == 2 and "HTTP 403" in forbidden.stderr


def test_an_auditor_is_refused_every_command_and_changes_nothing(platform):
    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

    from services.gateway.service import GatewayService

    dossier_id = platform.register(person("0344"))
    platform.wait_ledger_complete()
    before = platform.scalar(
        "SELECT count(*) FROM audit.ledger WHERE dossier_id = %s AND origin <> 'gateway'",
        dossier_id,
    )
    commands = sorted(
        (entrypoint.method, entrypoint.url)
        for name in dir(GatewayService)
        for entrypoint in getattr(getattr(GatewayService, name), ENTRYPOINT_EXTENSIONS_ATTR, ())
        if getattr(entrypoint, "method", "GET") != "GET"
    )
    assert len(commands) >= 20, "no command routes found: the test would prove nothing"
    token = issue_token("auditor", ["0344"], user_id="ans")
    for method, route in commands:
        path = route.replace("<string:dossier_id>", dossier_id).replace("<int:number>", "1")
        path = re.sub(r"<(?:\w+:)?\w+_id>", "00000000-0000-4000-8000-000000000001", path)
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"\1", path)
        answer = platform.http.request(
            method,
            platform.url + path,
            data=json.dumps({}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            timeout=15,
        )
        assert answer.status_code == 403, (method, route, answer.status_code, answer.text)

    refused = eventually(
        lambda: platform.sql(
            "SELECT result FROM audit.ledger WHERE actor = 'ans' AND event_type = %s",
            "nl.wegwijs.gateway.opdracht.behandeld.v1",
        ),
        lambda rows: len(rows) >= len(commands),
        what="each refused command in the ledger",
    )
    assert {r["result"] for r in refused} == {"geweigerd"}
    platform.wait_ledger_complete()
    after = platform.scalar(
        "SELECT count(*) FROM audit.ledger WHERE dossier_id = %s AND origin <> 'gateway'",
        dossier_id,
    )
    assert after == before, "an auditor's command changed the dossier"


def test_reads_and_refused_commands_are_filed_under_the_dossiers_own_gemeente(platform):
    """A reader acting for two gemeenten reads consents (whose answer does not say the gemeente);
    an employee of another gemeente tries a command on the dossier: 0344's auditor sees both."""
    dossier_id = platform.register(person("0344"))
    regional = issue_token("regievoerder", ["0356", "0344"], user_id="rita")
    consents = f"{platform.url}/api/v1/dossiers/{dossier_id}/consents"
    eventually(
        lambda: (
            platform.http.get(
                consents, headers={"Authorization": f"Bearer {regional}"}, timeout=15
            ).status_code
        ),
        lambda status: status == 200,
        what="rita reads the consents",
    )
    outsider = issue_token("regievoerder", ["0356"], user_id="otto")
    tried = platform.http.post(
        f"{platform.url}/api/v1/dossiers/{dossier_id}/signals",
        data=json.dumps({}),
        headers={"Authorization": f"Bearer {outsider}", "Content-Type": "application/json"},
        timeout=15,
    )
    assert tried.status_code in (403, 404, 422)

    readers = eventually(
        lambda: _get(
            platform, f"/api/v1/audit/dossiers/{dossier_id}/readers", "auditor", "ans"
        ).json()["readers"],
        lambda found: "rita" in {r["actor"] for r in found},
        what="rita's read under 0344",
    )
    assert {r["gemeente"] for r in readers} == {"0344"}
    attempts = eventually(
        lambda: _get(
            platform, f"/api/v1/audit/entries?dossier_id={dossier_id}&actor=otto", "auditor", "ans"
        ).json()["entries"],
        lambda found: len(found) == 1,
        what="otto's refused command under 0344",
    )
    assert attempts[0]["result"] == "geweigerd" and attempts[0]["gemeente"] == "0344"


def test_the_dossier_list_honours_its_limit_and_records_each_dossier_it_shows(platform):
    for _ in range(3):
        platform.register(person("0344"))
    listed = _get(platform, "/api/v1/dossiers?limit=2", "regievoerder", "lijst-lezer")
    shown = [d["id"] for d in listed.json()["dossiers"]]
    assert len(shown) == 2

    recorded = eventually(
        lambda: {
            row["dossier_id"]
            for row in platform.sql(
                "SELECT dossier_id FROM audit.ledger WHERE correlation_id = %s AND event_type = %s",
                trace_of(listed),
                "nl.wegwijs.gateway.gegevens.ingezien.v1",
            )
        },
        lambda found: found == set(shown),
        what="each listed dossier is recorded as read",
    )
    assert recorded == set(shown)

    token = issue_token("regievoerder", ["0344"], user_id="lijst-lezer")
    for wrong in ("0", "501", "twee", "-1"):
        refused = platform.http.get(
            f"{platform.url}/api/v1/dossiers?limit={wrong}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=15,
        )
        assert refused.status_code == 422, (wrong, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == ["limit"]
