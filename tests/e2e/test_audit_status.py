"""The ledger's integrity for auditors (GET /api/v1/audit/status): its size, the signed
checkpoints with their signatures checked, and each verification's outcome as recorded by
`wegwijs audit verify` (and the audit service's own timer); no one but an auditor asks it."""

from __future__ import annotations

from tests.platform import eventually, extra_port, person


def test_an_auditor_sees_the_latest_checkpoint_and_verification_of_the_ledger(platform):
    platform.register(person("0344"))
    platform.wait_ledger_complete()
    platform.cli("audit", "checkpoint")
    platform.cli("audit", "verify")
    size = platform.scalar("SELECT max(size) FROM audit.checkpoints")

    answer = platform.get("/api/v1/audit/status", "auditor", "0344")

    assert answer.status_code == 200, answer.text
    status = answer.json()
    assert status["entries"] >= size >= 1
    assert status["checkpoint_count"] >= 1
    newest = status["checkpoints"][0]
    assert newest["size"] == size and newest["signature_valid"] is True
    assert newest["key_id"] == status["key_id"]
    last = status["last_verification"]
    assert last == status["verifications"][0]
    assert (last["clean"], last["verified_by"], last["findings"]) == (
        True,
        "wegwijs audit verify",
        [],
    )
    assert last["entries"] >= size and 1 <= last["checkpoints"] <= status["checkpoint_count"]
    assert status["schedule"]["verify_seconds"] > 0
    # Counts and hashes only: nothing of an entry's content.
    assert "gemeente" not in answer.text and "regievoerder" not in answer.text


def test_only_an_auditor_asks_the_ledger_s_status(platform):
    for role in ("regievoerder", "beleidsmedewerker", "admin"):
        assert platform.get("/api/v1/audit/status", role, "0344").status_code == 403
    assert platform.http.get(platform.url + "/api/v1/audit/status").status_code == 401


def test_the_audit_service_verifies_the_ledger_on_its_timer_and_records_it(platform):
    fast = {"WEGWIJS_VERIFY_SECONDS": "1"}
    platform.start("audit", name="audit-verifier", port=extra_port(40), env=fast)
    try:
        status = eventually(
            lambda: platform.get("/api/v1/audit/status", "auditor", "0344").json(),
            lambda s: (s["last_verification"] or {}).get("verified_by") == "audit",
            what="a verification by the audit service's timer",
        )
    finally:
        platform.stop("audit-verifier")
    last = status["last_verification"]
    assert last["clean"] and not last["findings"] and last["entries"] >= 1
    assert last["outside_checkpoints"] is False
