"""Worklists in the API (issue 17, "Missing today", third bullet): PIP deadlines within N days,
breaches awaiting a decision, the monitor's warnings on the werkvoorraad (once, with two pip
instances marking), and a dossier's regievoerder with the werkvoorraad per regievoerder."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from services.common.clock import today_in_amsterdam
from services.gateway.auth import issue_token
from services.pip.rules import add_months, termijn
from tests.e2e.http import send
from tests.e2e.test_pip import _completed_intake, _draft, _marks
from tests.pip_history import established_on, intake_completed_on
from tests.platform import eventually, extra_port, person

WERKVOORRAAD = "/api/v1/werkvoorraad"
NO_SHOW = {"attended": False, "note": "Niet verschenen, geen bericht."}


def _regievoerder(name: str, gemeente: str = "0344", role: str = "regievoerder") -> tuple:
    """Headers of a regievoerder of their own (a fresh user id) acting for `gemeente` (CBS
    codes, comma-separated), and that id."""
    user_id = f"e2e-{name.lower()}-{uuid.uuid4().hex[:8]}"
    token = issue_token(role, gemeente.split(","), user_id=user_id, name=name)
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, user_id


def _lists(platform, query: str = "", headers: dict | None = None) -> dict[str, dict]:
    answer = send(platform, "GET", f"{WERKVOORRAAD}{query}", None, headers)
    assert answer.status_code == 200, answer.text
    return {entry["key"]: entry for entry in answer.json()["lists"]}


def _ids(entry: dict) -> list[str]:
    return [item["dossier_id"] for item in entry["items"]]


def _arriving(days_to_deadline: int) -> dict:
    """A person of Utrecht whose PIP deadline (10 weeks after DUO and BRP) is that many days
    away."""
    day = (
        today_in_amsterdam() - timedelta(weeks=10) + timedelta(days=days_to_deadline)
    ).isoformat()
    return person("0344", duo_notice_date=day, brp_registration_date=day)


def _fields(answer) -> list[str]:
    assert answer.status_code == 422, answer.text
    assert answer.headers["Content-Type"] == "application/problem+json", answer.text
    return [e["field"] for e in answer.json()["errors"]]


# 1. within_days ---------------------------------------------------------------------------------
def test_the_deadline_list_looks_within_days_ahead_and_bad_input_names_the_field(platform):
    in_twenty_days = platform.register(_arriving(20))
    eventually(
        lambda: _lists(platform),
        lambda lists: (
            in_twenty_days in _ids(lists["pip_to_establish"])
            or lists["pip_to_establish"]["count"] > 50
        ),
        what="the draft is on the werkvoorraad",
    )

    default = _lists(platform)
    wider = _lists(platform, "?within_days=30")
    narrower = _lists(platform, "?within_days=19")

    assert in_twenty_days not in _ids(default["pip_deadline_soon"]), "default: two weeks"
    assert in_twenty_days in _ids(wider["pip_deadline_soon"])
    assert in_twenty_days not in _ids(narrower["pip_deadline_soon"])
    assert wider["pip_deadline_soon"]["count"] >= default["pip_deadline_soon"]["count"] + 1
    for bad in ("0", "-3", "367", "twee", "1.5"):
        refused = send(platform, "GET", f"{WERKVOORRAAD}?within_days={bad}")
        assert _fields(refused) == ["within_days"], bad


# 2. breaches awaiting a decision ----------------------------------------------------------------
def test_breaches_awaiting_a_decision_list_intake_steps_and_pip_measures_until_decided(platform):
    headers, _ = _regievoerder("Bram")
    today = today_in_amsterdam()
    at_intake = platform.register(person("0344"))
    conversations = f"/api/v1/dossiers/{at_intake}/intake/conversations"
    planned = {"planned_on": today.isoformat(), "purpose": "Brede intake"}
    assert send(platform, "POST", conversations, planned).status_code == 200
    missed = send(platform, "PUT", f"{conversations}/1/attendance", NO_SHOW)
    assert missed.status_code == 200, missed.text

    in_pip = _completed_intake(platform, today - timedelta(weeks=6))
    pip = f"/api/v1/dossiers/{in_pip}/pip"
    _draft(platform, in_pip, today)
    assert send(platform, "POST", f"{pip}/establish", {}).status_code == 200
    breach = {"obligation": "Taalles", "description": "Twee weken afwezig."}
    assert send(platform, "POST", f"{pip}/breaches", breach).status_code == 201
    for dossier_id in (at_intake, in_pip):  # both are this regievoerder's, to be found at once
        taken = send(
            platform,
            "PUT",
            f"/api/v1/dossiers/{dossier_id}/regievoerder",
            {"regievoerder": "mij"},
            headers,
        )
        assert taken.status_code == 200, taken.text

    lists = eventually(
        lambda: _lists(platform, "?regievoerder=mij", headers),
        lambda found: len(found["breaches_to_decide"]["items"]) == 2,
        what="both breaches await a decision",
    )
    due = {i["dossier_id"]: i for i in lists["breaches_to_decide"]["items"]}
    assert lists["breaches_to_decide"]["count"] == 2
    assert due[at_intake]["measure"] == "waarschuwing" and due[at_intake]["source"] == "intake"
    assert due[at_intake]["on"] == today.isoformat()
    assert due[in_pip]["measure"] == "waarschuwing" and due[in_pip]["source"] == "pip"
    assert due[in_pip]["number"] == 1 and due[in_pip]["given_name"]

    waive = {"take": False, "reason": "Eerste keer, de brief kwam te laat."}
    decided = send(
        platform, "PUT", f"/api/v1/dossiers/{at_intake}/intake/sanctions/waarschuwing", waive
    )
    assert decided.status_code == 200, decided.text
    decided = send(platform, "PUT", f"{pip}/breaches/1/decision", waive)
    assert decided.status_code == 200, decided.text
    after = _lists(platform, "?regievoerder=mij", headers)
    assert after["breaches_to_decide"]["count"] == 0 and after["breaches_to_decide"]["items"] == []


def _termijn_ending_in(platform, days: int) -> tuple[str, date]:
    """A dossier whose PIP was established almost three years ago (written to pip's store as a
    pip instance would have, tests/pip_history.py): its termijn ends in about `days` days."""
    today = today_in_amsterdam()
    decided = add_months(today, -36) + timedelta(days=days)
    end = termijn(decided)[1]
    assert 0 <= (end - today).days <= 14, "within Utrecht's warning lead time (14 days)"
    arrived = decided - timedelta(days=60)
    dossier_id = platform.register(
        person(
            "0344", duo_notice_date=arrived.isoformat(), brp_registration_date=arrived.isoformat()
        )
    )
    eventually(
        lambda: _marks(platform, dossier_id, "Pip.DraftOpened"),
        lambda n: n == 1,
        what="the draft opened",
    )
    intake_completed_on(dossier_id, decided - timedelta(days=30))
    established_on(dossier_id, decided)
    return dossier_id, end


# 3. the monitor's warnings reach the werkvoorraad, once -----------------------------------------
def test_deadline_and_termijn_warnings_show_on_the_werkvoorraad_once_with_two_pip_instances(
    platform,
):
    headers, _ = _regievoerder("Wim")
    near = platform.register(_arriving(7))  # within every gemeente's warning lead time
    eventually(
        lambda: _marks(platform, near, "Pip.DraftOpened"),
        lambda n: n == 1,
        what="the draft opened",
    )
    ending, termijn_end = _termijn_ending_in(platform, 7)
    for dossier_id in (near, ending):
        taken = send(
            platform,
            "PUT",
            f"/api/v1/dossiers/{dossier_id}/regievoerder",
            {"regievoerder": "mij"},
            headers,
        )
        assert taken.status_code == 200, taken.text
    before = _lists(platform, "?regievoerder=mij", headers)
    assert before["pip_deadline_warned"]["items"] == [] and before["termijn_warned"]["items"] == []

    fast = {"WEGWIJS_MONITOR_SECONDS": "0.5"}
    monitors = [
        platform.start("pip", name=f"pip-worklist-{n}", port=extra_port(5 + n), env=fast)
        for n in (1, 2)
    ]
    try:
        lists = eventually(
            lambda: _lists(platform, "?regievoerder=mij", headers),
            lambda found: (
                near in _ids(found["pip_deadline_warned"])
                and ending in _ids(found["termijn_warned"])
            ),
            deadline=60,
            what="both warnings are on the werkvoorraad",
        )
        eventually(
            lambda: [
                m.metric(
                    "wegwijs_entrypoint_latency_seconds_count", entrypoint="monitor", outcome="ok"
                )
                for m in monitors
            ],
            lambda ticks: min(ticks) >= 6,
            deadline=60,
            what="both instances ran the monitor several times after it",
        )
    finally:
        for monitor in monitors:
            platform.stop(monitor.name)

    after = _lists(platform, "?regievoerder=mij", headers)
    warned, termijn_warned = after["pip_deadline_warned"], after["termijn_warned"]
    assert _ids(warned) == [near] and warned["count"] == 1, warned
    assert warned["items"][0]["on"] == (today_in_amsterdam() + timedelta(days=7)).isoformat()
    assert _ids(termijn_warned) == [ending] and termijn_warned["count"] == 1, termijn_warned
    assert termijn_warned["items"][0]["on"] == termijn_end.isoformat()
    assert _ids(lists["pip_deadline_soon"]).count(near) == 1
    platform.wait_ledger_complete()
    for dossier_id, kind in (
        (near, "nl.wegwijs.pip.deadline.nadert.v1"),
        (ending, "nl.wegwijs.pip.inburgeringstermijn.eindigt-binnenkort.v1"),
    ):
        entries = platform.get(f"/api/v1/audit/dossiers/{dossier_id}", "auditor").json()
        assert [e["event_type"] for e in entries["entries"]].count(kind) == 1, kind


# 4. the regievoerder of a dossier ---------------------------------------------------------------
def test_a_regievoerder_takes_or_assigns_a_dossier_and_the_werkvoorraad_is_theirs(platform):
    anna, anna_id = _regievoerder("Anna")
    piet, piet_id = _regievoerder("Piet")
    noor, noor_id = _regievoerder("Noor", "0321")
    klantmanager, _ = _regievoerder("Karim", role="klantmanager")
    first, second = platform.register(person("0344")), platform.register(person("0344"))
    in_houten = platform.register(person("0321"))

    def assign(dossier_id: str, who: str, headers: dict):
        body = {"regievoerder": who}
        return send(platform, "PUT", f"/api/v1/dossiers/{dossier_id}/regievoerder", body, headers)

    assert send(platform, "GET", f"/api/v1/dossiers/{first}").json()["regievoerder"] is None
    by_piet = assign(second, "mij", piet)
    assert by_piet.status_code == 200, by_piet.text
    assert by_piet.json()["regievoerder"] == {"id": piet_id, "name": "Piet"}
    assert assign(in_houten, "mij", noor).status_code == 200
    assert assign(first, "mij", anna).json()["regievoerder"] == {"id": anna_id, "name": "Anna"}

    # Only a regievoerder of the dossier's gemeente, known to it, is assigned.
    for who in (noor_id, "e2e-nobody-known"):
        refused = assign(second, who, anna)
        assert _fields(refused) == ["regievoerder"], who
    refused_role = assign(first, "mij", klantmanager)
    assert refused_role.status_code == 403
    assert assign(first, "mij", noor).status_code == 404, "another gemeente's dossier"
    shown = send(platform, "GET", f"/api/v1/dossiers/{second}").json()["regievoerder"]
    assert shown == {"id": piet_id, "name": "Piet"}, "nothing changed"
    handed = assign(second, anna_id, piet)
    assert handed.status_code == 200 and handed.json()["regievoerder"]["id"] == anna_id
    assert assign(second, piet_id, anna).json()["regievoerder"]["id"] == piet_id

    mine = eventually(
        lambda: _lists(platform, "?regievoerder=mij", anna),
        lambda lists: first in _ids(lists["pip_to_establish"]),
        what="anna's draft is on her werkvoorraad",
    )
    assert _ids(mine["intake_open"]) == [first] and mine["intake_open"]["count"] == 1
    assert mine["intake_open"]["items"][0]["regievoerder"] == {"id": anna_id, "name": "Anna"}
    assert _ids(mine["pip_to_establish"]) == [first]
    pietes = _lists(platform, f"?regievoerder={piet_id}", anna)
    assert _ids(pietes["intake_open"]) == [second]
    everyone = _lists(platform, "", anna)
    assert everyone["intake_open"]["count"] >= 2
    assert _fields(send(platform, "GET", f"{WERKVOORRAAD}?regievoerder=", None, anna)) == [
        "regievoerder"
    ]
    ledger_kinds = set()
    platform.wait_ledger_complete()
    for entry in platform.get(f"/api/v1/audit/dossiers/{second}", "auditor").json()["entries"]:
        ledger_kinds.add(entry["event_type"])
    assert "nl.wegwijs.intake.regievoerder.toegewezen.v1" in ledger_kinds


# per gemeente -----------------------------------------------------------------------------------
def test_a_regievoerder_of_two_gemeenten_sees_the_werkvoorraad_of_one_of_them(platform):
    both, _ = _regievoerder("Lotte", "0344,0321")
    utrecht, houten = platform.register(person("0344")), platform.register(person("0321"))
    for dossier_id in (utrecht, houten):
        taken = send(
            platform,
            "PUT",
            f"/api/v1/dossiers/{dossier_id}/regievoerder",
            {"regievoerder": "mij"},
            both,
        )
        assert taken.status_code == 200, taken.text

    everywhere = _lists(platform, "?regievoerder=mij", both)
    in_houten = _lists(platform, "?regievoerder=mij&gemeente=0321", both)

    assert sorted(_ids(everywhere["intake_open"])) == sorted([utrecht, houten])
    assert _ids(in_houten["intake_open"]) == [houten] and in_houten["intake_open"]["count"] == 1
    assert all(
        item["gemeente"] == "0321" for entry in in_houten.values() for item in entry["items"]
    )
    elsewhere = send(platform, "GET", f"{WERKVOORRAAD}?gemeente=0356", None, both)
    assert elsewhere.status_code == 403 and "0356" in elsewhere.json()["detail"]
    assert _fields(send(platform, "GET", f"{WERKVOORRAAD}?gemeente=utrecht", None, both)) == [
        "gemeente"
    ]
