"""Matching over HTTP on the running platform: organisations register guides and placements, the
regievoerder ranks with explanations and proposes, both sides answer, one fixed guide, and the
guide's activity log turns into progress in the PIP, once, with two pip and two matching
instances running."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.clock import today_in_amsterdam
from services.gateway.auth import issue_token
from services.pip.domain import pip_id
from tests.e2e.http import as_role, send
from tests.e2e.test_pip import _completed_intake
from tests.matching_fixtures import SEMHAR_PROFILE, guide_body, phase_two_goals, placement_body
from tests.pip_fixtures import goal, sections
from tests.platform import eventually, extra_port

GUIDES_ORG = "00000003000000000021"  # maatschappelijke begeleiding
PLACES_ORG = "00000003000000000023"  # werkgever: volunteer work and internships


@pytest.fixture(scope="module")
def organisations(platform):
    for oin, name, kind in (
        (GUIDES_ORG, "VluchtelingenWerk Utrecht", "maatschappelijke-begeleiding"),
        (PLACES_ORG, "Kringloop Utrecht", "werkgever"),
    ):
        out = platform.cli(
            "partner", "add", "--oin", oin, "--name", name, "--kind", kind,
            "--gemeente", "0344", "--gemeente", "0356",
        )  # fmt: skip
        assert oin in out
    return GUIDES_ORG, PLACES_ORG


def _coordinator(oin: str) -> dict[str, str]:
    return as_role("coordinator", "0344", oin)


def _guide_user(user_id: str) -> dict[str, str]:
    token = issue_token("begeleider", ["0344"], user_id=user_id, organisation=GUIDES_ORG)
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def _guide(platform, name: str, **overrides) -> str:
    body = guide_body(name, today_in_amsterdam(), **overrides)
    made = send(platform, "POST", "/api/v1/guides", body, _coordinator(GUIDES_ORG))
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _placement(platform, title: str, **overrides) -> str:
    body = placement_body(title, **overrides)
    made = send(platform, "POST", "/api/v1/placements", body, _coordinator(PLACES_ORG))
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _semhar(platform) -> str:
    """A person on the Z-route with an established PIP of phase-2 goals, whose matching profile
    says Tigrinya and Arabic, no Dutch, and who consented to the kringloop knowing her level."""
    today = today_in_amsterdam()
    dossier_id = _completed_intake(platform, today - timedelta(weeks=6))
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    assert send(platform, "PATCH", pip, sections(today, "z")).status_code == 200
    for body in (goal(today), *phase_two_goals(today)):
        assert send(platform, "POST", f"{pip}/goals", body).status_code == 201
    established = send(platform, "POST", f"{pip}/establish", {})
    assert established.status_code == 200, established.text
    consent = {
        "grantor": {"kind": "betrokkene"},
        "grantee": {"oin": PLACES_ORG, "name": "Kringloop Utrecht"},
        "purpose": "participatie",
        "categories": ["identiteit", "taal-leerbaarheid"],
        "valid_until": (today + timedelta(days=365)).isoformat(),
        "collection": {"method": "mondeling-met-tolk", "language": "Tigrinya"},
        "evidence": "Gespreksverslag met tolk, 2026-0107",
    }
    given = send(platform, "POST", f"/api/v1/dossiers/{dossier_id}/consents", consent)
    assert given.status_code == 201, given.text
    guidance = f"/api/v1/dossiers/{dossier_id}/guidance"
    eventually(
        lambda: send(platform, "GET", guidance),
        lambda r: r.status_code == 200 and r.json()["route"] == "z" and r.json()["goals"],
        what="matching knows the dossier and its PIP",
    )
    profile = send(
        platform, "PUT", f"/api/v1/dossiers/{dossier_id}/matching-profile", SEMHAR_PROFILE
    )
    assert profile.status_code == 200, profile.text
    return dossier_id


def _ranked(platform, dossier_id: str, kind: str) -> dict:
    ranking = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/matches?kind={kind}")
    assert ranking.status_code == 200, ranking.text
    return ranking.json()


def _reason(candidate: dict, criterion: str) -> str:
    return next(c["reden"] for c in candidate["uitleg"] if c["criterium"] == criterion)


def _match(platform, dossier_id: str, kind: str, candidate_id: str, organisation: str) -> dict:
    base = f"/api/v1/dossiers/{dossier_id}/proposals"
    proposed = send(platform, "POST", base, {"kind": kind, "candidate_id": candidate_id})
    assert proposed.status_code == 201, proposed.text
    proposal = proposed.json()
    answers = f"{base}/{proposal['id']}/answers"
    assert send(platform, "POST", answers, {"side": "persoon", "accepted": True}).ok
    accepted = send(
        platform,
        "POST",
        answers,
        {"side": "aanbieder", "accepted": True},
        _coordinator(organisation),
    )
    assert accepted.status_code == 200, accepted.text
    return proposal


def test_a_tigrinya_speaker_in_phase_2_on_the_z_route_is_matched_and_told_why(
    platform, organisations
):
    dossier_id = _semhar(platform)
    speaks = _guide(platform, "Yonas", languages={"nl": "C2", "ti": "C2"})
    anne = _guide(platform, "Anne", languages={"nl": "C2", "en": "C1"})
    adapted = _placement(platform, "Kringloop sorteren", adapted_low_dutch=True)
    _placement(platform, "Receptie", kind="vrijwilligerswerk", dutch_required="B1")

    guides = _ranked(platform, dossier_id, "begeleider")
    places = _ranked(platform, dossier_id, "plaatsing")

    assert guides["persoon"]["fase"] == 2 and guides["persoon"]["route"] == "z"
    # Other tests of the run offer guides too: Yonas, who speaks her language, comes before Anne.
    ranked = [c["id"] for c in guides["kandidaten"]]
    assert ranked.index(speaks) < ranked.index(anne)
    assert "Tigrinya" in _reason(guides["kandidaten"][ranked.index(speaks)], "taal")
    assert places["kandidaten"][0]["id"] == adapted
    assert "weinig Nederlands" in _reason(places["kandidaten"][0], "taal")

    proposal = _match(platform, dossier_id, "plaatsing", adapted, PLACES_ORG)
    assert proposal["told"] == {"dutch_level": "A0", "needs_adapted_work": True}
    inbox = send(platform, "GET", "/api/v1/offer", None, _coordinator(PLACES_ORG)).json()
    seen = next(p for p in inbox["proposals"] if p["proposal_id"] == proposal["id"])
    assert seen["status"] == "geaccepteerd" and seen["told"]["dutch_level"] == "A0"
    other_org = send(platform, "GET", "/api/v1/offer", None, _coordinator(GUIDES_ORG)).json()
    assert proposal["id"] not in {p["proposal_id"] for p in other_org["proposals"]}
    platform.wait_ledger_complete()
    entries = platform.get(f"/api/v1/audit/dossiers/{dossier_id}", "auditor").json()["entries"]
    told = [e for e in entries if e["event_type"] == "nl.wegwijs.consent.deelbesluit.genomen.v1"]
    assert told, "the organisation being told the level is a recorded sharing decision"


def test_an_expired_vog_or_a_full_caseload_is_never_proposed_and_one_guide_at_a_time(
    platform, organisations
):
    dossier_id, other = _semhar(platform), _semhar(platform)
    expired = _guide(
        platform,
        "Verlopen VOG",
        languages={"ti": "C2"},
        vog_issued_on=(today_in_amsterdam() - timedelta(days=4 * 366)).isoformat(),
    )
    full = _guide(platform, "Volle caseload", languages={"ti": "C2"}, max_caseload=1)
    first = _match(platform, other, "begeleider", full, GUIDES_ORG)
    started = send(platform, "POST", f"/api/v1/dossiers/{other}/proposals/{first['id']}/start", {})
    assert started.status_code == 200, started.text

    ranking = _ranked(platform, dossier_id, "begeleider")
    ranked = {c["id"] for c in ranking["kandidaten"]}
    assert expired not in ranked and full not in ranked
    assert any("verlopen" in r for r in ranking["uitgesloten"][expired])
    assert any("geen ruimte" in r for r in ranking["uitgesloten"][full])
    for refused in (expired, full):
        proposed = send(
            platform,
            "POST",
            f"/api/v1/dossiers/{dossier_id}/proposals",
            {"kind": "begeleider", "candidate_id": refused},
        )
        assert proposed.status_code == 422, proposed.text
        assert proposed.json()["errors"][0]["field"] == "candidate_id"

    one, two = _guide(platform, "Eerste"), _guide(platform, "Tweede")
    base = f"/api/v1/dossiers/{dossier_id}/proposals"
    p1 = _match(platform, dossier_id, "begeleider", one, GUIDES_ORG)
    assert send(platform, "POST", f"{base}/{p1['id']}/start", {}).status_code == 200
    p2 = _match(platform, dossier_id, "begeleider", two, GUIDES_ORG)
    second = send(platform, "POST", f"{base}/{p2['id']}/start", {})
    assert second.status_code == 409, second.text
    assert "active guide" in second.json()["detail"]
    change = send(
        platform, "POST", f"{base}/{p2['id']}/start", {"change_reason": "Eerste verhuist."}
    )
    assert change.status_code == 200, change.text
    guidance = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/guidance").json()
    assert guidance["guide"]["guide_id"] == two
    assert [(h["guide_id"], h["outcome"]) for h in guidance["guide_history"]] == [
        (one, "gewisseld"),
        (two, None),
    ]


def test_an_activity_needs_a_pip_goal_and_moves_that_goal_once_with_two_instances_each(
    platform, organisations
):
    dossier_id = _semhar(platform)
    yonas = _guide(platform, "Yonas", user_id="e2e-yonas", languages={"ti": "C2", "nl": "B2"})
    proposal = _match(platform, dossier_id, "begeleider", yonas, GUIDES_ORG)
    start = f"/api/v1/dossiers/{dossier_id}/proposals/{proposal['id']}/start"
    assert send(platform, "POST", start, {}).status_code == 200
    activities = f"/api/v1/dossiers/{dossier_id}/guidance/activities"
    activity = {
        "activity": "Samen naar de kringloop.",
        "did_themselves": "Zelf de route gepland.",
        "reflection": "Volgende keer alleen.",
    }
    as_yonas = _guide_user("e2e-yonas")

    without = send(platform, "POST", activities, activity, as_yonas)
    assert without.status_code == 422, without.text
    assert without.json()["errors"][0]["field"] == "goal_id"

    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    goals = send(platform, "GET", pip).json()["plan"]["goals"]
    goal_id = next(g["id"] for g in goals if g["domain"] == "participatie")
    extra = [
        platform.start(service, name=f"{service}-second", port=port)
        for service, port in (("pip", extra_port(11)), ("matching", extra_port(12)))
    ]
    try:
        for _ in range(3):
            logged = send(platform, "POST", activities, {**activity, "goal_id": goal_id}, as_yonas)
            assert logged.status_code == 201, logged.text

        def history() -> list:
            plan = send(platform, "GET", pip).json()["plan"]["goals"]
            return next(g for g in plan if g["id"] == goal_id)["history"]

        eventually(history, lambda h: len(h) >= 3, what="pip took progress from the activities")
        platform.wait_ledger_complete()
    finally:
        for process in extra:
            platform.stop(process.name)

    entries = history()
    assert len(entries) == 3 and {e["source"] for e in entries} == {"begeleiding"}
    goal = next(g for g in send(platform, "GET", pip).json()["plan"]["goals"] if g["id"] == goal_id)
    assert goal["status"] == "bezig"
    stored = platform.scalar(
        "SELECT count(*) FROM pip.pips_events WHERE originator_id = %s AND topic LIKE %s",
        pip_id(dossier_id),
        "%Pip.GoalProgressRecorded",
    )
    assert stored == 3, "each activity is progress once, however many instances consume it"
    by_other = send(
        platform, "POST", activities, {**activity, "goal_id": goal_id}, _guide_user("e2e-someone")
    )
    assert by_other.status_code == 403


def test_two_starts_racing_for_a_guides_last_place_one_wins(platform, organisations):
    from concurrent.futures import ThreadPoolExecutor

    people = [_semhar(platform), _semhar(platform)]
    last_place = _guide(platform, "Een plek", languages={"ti": "C2"}, max_caseload=1)
    proposals = [_match(platform, d, "begeleider", last_place, GUIDES_ORG) for d in people]
    second = platform.start("matching", name="matching-racer", port=extra_port(13))
    try:
        with ThreadPoolExecutor(2) as pool:
            answers = list(
                pool.map(
                    lambda pair: send(
                        platform,
                        "POST",
                        f"/api/v1/dossiers/{pair[0]}/proposals/{pair[1]['id']}/start",
                        {},
                    ),
                    zip(people, proposals, strict=True),
                )
            )
    finally:
        platform.stop(second.name)

    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 409)
    assert "geen ruimte" in refused.json()["detail"]
    guide = send(
        platform, "GET", f"/api/v1/guides/{last_place}", None, _coordinator(GUIDES_ORG)
    ).json()
    assert guide["caseload"] == 1
