"""Every read of personal data through the API, and every auditor's query, is an event that
reaches the audit ledger: who, which dossier, why; the stored event also says which data
categories were read."""

from __future__ import annotations

import json

from services.gateway.auth import issue_token
from tests.platform import eventually, person


def _get(platform, path: str, role: str, user: str):
    token = issue_token(role, ["0344"], user_id=user)
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
    _get(platform, f"/api/v1/dossiers/{dossier_id}/view", "begeleider", "bram")
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
        "SELECT state FROM gateway.accesslogs_events WHERE topic LIKE %s", "%AccessLog.Read"
    )
    read = [json.loads(bytes(r["state"])) for r in stored]
    mine = [r for r in read if r["context"]["subject"]["dossier_id"] == dossier_id]
    endpoints = {r["endpoint"]: r["categories"] for r in mine}
    assert "bsn" not in json.dumps(mine)
    assert "gezondheid" not in endpoints["dossier-view"], "a guide is never shown health"
    assert "identiteit" in endpoints["dossier"] and "pip" in endpoints["pip"]
    assert endpoints["audit"] == ["intern"]
