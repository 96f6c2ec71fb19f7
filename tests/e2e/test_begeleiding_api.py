"""What the Werkplek's begeleiding pages need of the API, over HTTP: a guide lists the guidances
they give now (`GET /api/v1/guidance`), theirs only and only while they run, and a coordinator's
offer tells which side of a proposal has accepted so far (`answered`)."""

from __future__ import annotations

import uuid

from services.common.clock import today_in_amsterdam
from tests.e2e.http import send
from tests.matching_fixtures import guide_body
from tests.platform import eventually, person
from tests.roles_fixtures import (
    GUIDES_ORG,
    guide_headers,
    headers,
    register_guides_org,
    start_guiding,
)

OWN_GUIDANCE = "/api/v1/guidance"
OTHER_ORG = "00000003000000000072"


def _known_to_matching(platform, gemeente: str = "0344") -> str:
    dossier_id = platform.register(person(gemeente))
    eventually(
        lambda: (
            send(
                platform,
                "GET",
                f"/api/v1/dossiers/{dossier_id}/guidance",
                None,
                headers("regievoerder"),
            ).status_code
        ),
        lambda status: status == 200,
        what="matching knows the dossier",
    )
    return dossier_id


def _listed(platform, user_id: str, org: str = GUIDES_ORG) -> list[dict]:
    answer = send(platform, "GET", OWN_GUIDANCE, None, guide_headers(user_id, org=org))
    assert answer.status_code == 200, answer.text
    return answer.json()["guidances"]


def test_a_guide_lists_the_guidances_they_give_now_and_no_one_else_s(platform):
    user, other = f"eigen-{uuid.uuid4().hex[:8]}", f"ander-{uuid.uuid4().hex[:8]}"
    first, second, someone_else_s = (_known_to_matching(platform) for _ in range(3))
    start_guiding(platform, first, user)
    start_guiding(platform, second, user)
    start_guiding(platform, someone_else_s, other)

    listed = _listed(platform, user)

    assert {g["dossier_id"] for g in listed} == {first, second}
    today = today_in_amsterdam().isoformat()
    assert {(g["gemeente"], g["since"]) for g in listed} == {("0344", today)}
    assert [g["dossier_id"] for g in _listed(platform, other)] == [someone_else_s]
    # The same account name at another organisation is another person.
    register_guides_org(platform, OTHER_ORG)
    assert _listed(platform, user, OTHER_ORG) == []
    # Each listed guidance is one the guide may open.
    for g in listed:
        view = send(
            platform, "GET", f"/api/v1/dossiers/{g['dossier_id']}/view", None, guide_headers(user)
        )
        opened = send(
            platform,
            "GET",
            f"/api/v1/dossiers/{g['dossier_id']}/guidance",
            None,
            guide_headers(user),
        )
        assert view.status_code == 200 and opened.status_code == 200, opened.text
        assert opened.json()["guide"]["proposal_id"] == g["proposal_id"]

    # Once the guidance ends, it is no longer theirs to list.
    ending = next(g for g in listed if g["dossier_id"] == first)
    ended = send(
        platform,
        "POST",
        f"/api/v1/dossiers/{first}/proposals/{ending['proposal_id']}/end",
        {"outcome": "afgerond", "reason": "Doelen gehaald."},
        headers("regievoerder"),
    )
    assert ended.status_code == 200, ended.text
    assert [g["dossier_id"] for g in _listed(platform, user)] == [second]


def test_only_a_begeleider_has_guidances_of_their_own(platform):
    for role in ("regievoerder", "klantmanager", "coordinator"):
        refused = send(platform, "GET", OWN_GUIDANCE, None, headers(role, organisation=GUIDES_ORG))
        assert refused.status_code == 403, (role, refused.text)


def test_the_offer_tells_the_coordinator_which_side_accepted(platform):
    register_guides_org(platform)
    dossier_id = _known_to_matching(platform)
    regie = headers("regievoerder")
    coordinator = headers("coordinator", organisation=GUIDES_ORG)
    dossier = f"/api/v1/dossiers/{dossier_id}"
    profile = {"languages": {"ar": "C2"}, "dutch_level": "A1"}
    assert send(platform, "PUT", f"{dossier}/matching-profile", profile, regie).status_code == 200
    body = guide_body(f"Antwoord {uuid.uuid4().hex[:6]}", today_in_amsterdam(), max_caseload=1)
    guide = send(platform, "POST", "/api/v1/guides", body, coordinator)
    assert guide.status_code == 201, guide.text
    made = send(
        platform,
        "POST",
        f"{dossier}/proposals",
        {"kind": "begeleider", "candidate_id": guide.json()["id"]},
        regie,
    )
    assert made.status_code == 201, made.text
    answers = f"{dossier}/proposals/{made.json()['id']}/answers"

    def seen() -> dict:
        offer = send(platform, "GET", "/api/v1/offer", None, coordinator)
        assert offer.status_code == 200, offer.text
        return next(p for p in offer.json()["proposals"] if p["proposal_id"] == made.json()["id"])

    assert (seen()["status"], seen()["answered"]) == ("voorgesteld", {})
    accepted = send(platform, "POST", answers, {"side": "persoon", "accepted": True}, regie)
    assert accepted.status_code == 200, accepted.text
    assert (seen()["status"], seen()["answered"]) == ("voorgesteld", {"persoon": True})
    accepted = send(platform, "POST", answers, {"side": "aanbieder", "accepted": True}, coordinator)
    assert accepted.status_code == 200, accepted.text
    assert (seen()["status"], seen()["answered"]) == (
        "geaccepteerd",
        {"persoon": True, "aanbieder": True},
    )
