"""Fair enforcement at the brede intake, over HTTP on the running platform (issue 17, points 2-4):
no-shows only for conversations that took place, an excuse stops the count, a fine only after a
warning and with culpability and a hearing, and an intake that completes without the
leerbaarheidstoets when the person cannot take it."""

from __future__ import annotations

from datetime import timedelta

from services.common.clock import today_in_amsterdam
from tests.e2e.http import as_role, send
from tests.platform import eventually, person
from tests.unit.test_brede_intake import CIRCUMSTANCES, EDUCATION

NO_SHOW = {"attended": False, "note": "Niet verschenen, geen bericht."}
HEARING = {
    "invited_on": (today_in_amsterdam() - timedelta(days=3)).isoformat(),
    "response": "schriftelijk",
    "summary": "Zegt dat de brief te laat kwam; geen bewijs.",
}
CULPABLE = {
    "culpable": True,
    "reasoning": "Twee keer niet gekomen zonder bericht, na een waarschuwing in eigen taal.",
}


def _plan(platform, dossier_id: str, days_from_today: int) -> int:
    planned_on = today_in_amsterdam() + timedelta(days=days_from_today)
    answer = send(
        platform,
        "POST",
        f"/api/v1/dossiers/{dossier_id}/intake/conversations",
        {"planned_on": planned_on.isoformat(), "purpose": "Brede intake"},
    )
    assert answer.status_code == 200, answer.text
    return len(answer.json()["conversations"])


def _attendance(platform, dossier_id: str, number: int, body: dict):
    path = f"/api/v1/dossiers/{dossier_id}/intake/conversations/{number}/attendance"
    return send(platform, "PUT", path, body)


def _two_no_shows(platform, dossier_id: str) -> dict:
    for _ in range(2):
        missed = _attendance(platform, dossier_id, _plan(platform, dossier_id, -7), NO_SHOW)
        assert missed.status_code == 200, missed.text
    return missed.json()


def _decide(platform, dossier_id: str, step: str, body: dict):
    return send(platform, "PUT", f"/api/v1/dossiers/{dossier_id}/intake/sanctions/{step}", body)


def _fields(answer) -> list[str]:
    assert answer.headers["Content-Type"] == "application/problem+json", answer.text
    return [e["field"] for e in answer.json()["errors"]]


def test_a_no_show_for_a_conversation_still_to_come_is_refused_and_one_planned_today_is_not(
    platform,
):
    dossier_id = platform.register(person("0344"))
    coming = _plan(platform, dossier_id, 3)

    refused = _attendance(platform, dossier_id, coming, NO_SHOW)

    assert refused.status_code == 422
    assert _fields(refused) == ["number"]
    planned_on = today_in_amsterdam() + timedelta(days=3)
    assert planned_on.isoformat() in refused.json()["errors"][0]["detail"]
    intake = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/intake").json()
    assert intake["conversations"][0]["outcome"] is None
    assert intake["sanctions"] == []

    today = _plan(platform, dossier_id, 0)
    recorded = _attendance(platform, dossier_id, today, NO_SHOW)
    assert recorded.status_code == 200, recorded.text
    assert [s["step"] for s in recorded.json()["sanctions"]] == ["waarschuwing"]


def test_an_excused_absence_makes_no_step_due_and_a_late_excuse_withdraws_the_step(platform):
    dossier_id = platform.register(person("0344"))

    excused = _attendance(
        platform,
        dossier_id,
        _plan(platform, dossier_id, -10),
        {"attended": False, "excused": True, "note": "Belde 's ochtends af: ziek."},
    )

    assert excused.status_code == 200, excused.text
    assert excused.json()["conversations"][0]["outcome"] == "afgemeld"
    assert excused.json()["sanctions"] == []

    missed = _attendance(platform, dossier_id, _plan(platform, dossier_id, -5), NO_SHOW)
    assert [(s["step"], s["decision"]) for s in missed.json()["sanctions"]] == [
        ("waarschuwing", None)
    ]
    late = send(
        platform,
        "POST",
        f"/api/v1/dossiers/{dossier_id}/intake/conversations/2/excuse",
        {"reason": "Briefje van de huisarts: die dag opgenomen in het ziekenhuis."},
    )

    assert late.status_code == 200, late.text
    body = late.json()
    assert body["conversations"][1]["outcome"] == "afgemeld"
    assert [(s["step"], s["decision"]) for s in body["sanctions"]] == [
        ("waarschuwing", "ingetrokken")
    ]
    assert "SanctionStepWithdrawn" in [h["step"] for h in body["history"]]
    again = _decide(platform, dossier_id, "waarschuwing", {"take": True, "reason": "Toch?"})
    assert again.status_code == 422 and _fields(again) == ["step"]
    withdrawn = eventually(
        lambda: platform.get(f"/api/v1/audit/dossiers/{dossier_id}", "auditor").json(),
        lambda ledger: any(
            e["event_type"] == "nl.wegwijs.intake.sanctie.ingetrokken.v1" for e in ledger["entries"]
        ),
        what="the withdrawal reaches the ledger",
    )
    assert withdrawn


def test_a_fine_needs_a_prior_warning_a_culpability_assessment_and_a_hearing(platform):
    dossier_id = platform.register(person("0344"))
    due = _two_no_shows(platform, dossier_id)
    assert [s["step"] for s in due["sanctions"]] == ["waarschuwing", "boete"]

    bare = _decide(platform, dossier_id, "boete", {"take": True, "reason": "Twee keer weg."})

    assert bare.status_code == 422
    assert _fields(bare) == ["warning", "culpability", "hearing"]
    not_to_blame = _decide(
        platform,
        dossier_id,
        "boete",
        {
            "take": True,
            "reason": "Twee keer weg.",
            "culpability": {"culpable": False, "reasoning": "Was ziek."},
            "hearing": HEARING,
        },
    )
    assert _fields(not_to_blame) == ["warning", "culpability"]

    by_klantmanager = send(
        platform,
        "PUT",
        f"/api/v1/dossiers/{dossier_id}/intake/sanctions/waarschuwing",
        {"take": True, "reason": "Eerste keer."},
        as_role("klantmanager"),
    )
    assert by_klantmanager.status_code == 403
    warned = _decide(platform, dossier_id, "waarschuwing", {"take": True, "reason": "Eerste keer."})
    assert warned.status_code == 200, warned.text
    fined = _decide(
        platform,
        dossier_id,
        "boete",
        {"take": True, "reason": "Twee keer weg.", "culpability": CULPABLE, "hearing": HEARING},
    )

    assert fined.status_code == 200, fined.text
    fine = next(s for s in fined.json()["sanctions"] if s["step"] == "boete")
    assert fine["decision"] == "genomen"
    assert fine["culpability"]["culpable"] is True
    assert fine["hearing"]["response"] == "schriftelijk"
    assert fine["hearing"]["basis"].startswith("Awb art. 4:8")


def test_an_exempted_leerbaarheidstoets_lets_the_intake_complete_with_advice_from_its_ground(
    platform,
):
    dossier_id = platform.register(person("0344"))
    base = f"/api/v1/dossiers/{dossier_id}/intake"
    exempted = send(
        platform,
        "PUT",
        f"{base}/leerbaarheidstoets/exemption",
        {
            "ground": "analfabetisme",
            "note": "Heeft nooit leren lezen of schrijven; kon de oefenvragen niet maken.",
        },
    )
    assert exempted.status_code == 200, exempted.text
    assert "leerbaarheidstoets" not in exempted.json()["missing_parts"]
    send(platform, "POST", f"{base}/education", {**EDUCATION, "level": "geen", "years": 0})
    send(platform, "PUT", f"{base}/personal-circumstances", CIRCUMSTANCES)

    completed = send(platform, "POST", f"{base}/complete")

    assert completed.status_code == 200, completed.text
    advice = completed.json()["route_advice"]
    assert (advice["route"], advice["rule"]) == ("z", "geen-toets-analfabetisme")
    assert advice["facts"]["leerbaarheidstoets"] == "niet afgenomen"
    assert completed.json()["complete"] is True


def test_without_an_advice_from_its_ground_the_intake_completes_with_the_regievoerders_choice(
    platform,
):
    dossier_id = platform.register(person("0321"))
    base = f"/api/v1/dossiers/{dossier_id}/intake"
    noor = as_role(gemeente="0321")
    send(
        platform,
        "PUT",
        f"{base}/leerbaarheidstoets/exemption",
        {"ground": "lichamelijke-belemmering", "note": "Blind; de toets is alleen op een scherm."},
        noor,
    )
    send(platform, "POST", f"{base}/education", EDUCATION, noor)
    send(platform, "PUT", f"{base}/personal-circumstances", CIRCUMSTANCES, noor)

    without_choice = send(platform, "POST", f"{base}/complete", None, noor)
    assert without_choice.status_code == 422
    assert _fields(without_choice) == ["route", "reason"]
    completed = send(
        platform,
        "POST",
        f"{base}/complete",
        {"route": "b1", "reason": "Hbo-opleiding in braille; leert snel, met aangepast examen."},
        noor,
    )

    assert completed.status_code == 200, completed.text
    body = completed.json()
    assert body["route_advice"]["rule"] == "geen-toets-keuze-regievoerder"
    assert body["route_choice"]["route"] == "b1"
    assert "braille" in body["route_choice"]["reason"]
    as_klantmanager = send(platform, "GET", base, None, as_role("klantmanager", "0321")).json()
    assert "Blind" not in str(as_klantmanager)
