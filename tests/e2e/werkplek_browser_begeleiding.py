"""The Werkplek in a real browser, maatschappelijke begeleiding (issue 16): the coordinator of the
demo partner organisation (mila) keeps its guides and placements and answers proposals; the demo
guide (yara) sees the people she guides, logs an activity on a goal of the plan and gives a
signal. Each logs in at the real OpenID Connect provider, every page passes axe-core, and each
change is checked in the API."""

from __future__ import annotations

import random
import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from services.common.clock import today_in_amsterdam
from services.gateway.auth import issue_token
from tests.browser import checked, log_in
from tests.e2e.http import send
from tests.matching_fixtures import TRAINING, guide_body
from tests.pip_fixtures import goal, sections
from tests.platform import eventually, person
from tests.roles_fixtures import headers
from tests.unit.test_brede_intake import CIRCUMSTANCES, EDUCATION, LBT

# The demo people's organisation and account (infra/oidc/users.json): the API knows them by these.
DEMO_ORG = "00000003000000000101"
YARA = "demo-yara"
REGION = ["0344", "0356", "0321"]


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json() if response.content else {}


def _coordinator() -> dict[str, str]:
    token = issue_token("coordinator", ["0344", "0356"], user_id="mila", organisation=DEMO_ORG)
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def _tag() -> str:
    """Letters only, so a name stays a name."""
    return "".join(random.choice("bcdfghjklmnpqrstvwxz") for _ in range(6)).capitalize()


@pytest.fixture(scope="module")
def demo_org(platform) -> str:
    """The demo partner organisation, as the demo loader registers it."""
    admin = {
        "Authorization": f"Bearer {issue_token('admin', REGION, user_id='werkplek-admin')}",
        "Content-Type": "application/json",
    }
    body = {
        "oin": DEMO_ORG,
        "name": "VluchtelingenWerk Midden-Nederland (demo)",
        "kind": "maatschappelijke-begeleiding",
        "gemeenten": REGION,
    }
    _ok(send(platform, "POST", "/api/v1/partners", body, admin))
    return DEMO_ORG


def _register(platform, gemeente: str = "0344", **overrides: Any) -> str:
    """A person with a BSN of this file's own (each browser test file runs in a process of its
    own, so the shared counter of tests/platform.py would repeat the other files' BSNs)."""
    while True:
        number = random.randrange(999_600_000, 999_900_000)
        digits = str(number)
        weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
        if sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11:
            continue
        who = person(gemeente, bsn=digits, v_nummer=f"3{digits}", **overrides)
        made = platform.post("/api/v1/dossiers", who, "regievoerder", gemeente)
        if made.status_code != 409:
            return _ok(made, 201)["id"]


def _known_to_matching(platform, dossier_id: str) -> None:
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


def _person_with_a_plan(platform, given_name: str) -> tuple[str, dict[str, str]]:
    """A person in Utrecht whose brede intake is complete and whose PIP is established, with a
    goal on taking part and one on language; returns the dossier and the goals by domain."""
    today = today_in_amsterdam()
    arrived = today - timedelta(weeks=6)
    dossier_id = _register(
        platform,
        given_name=given_name,
        duo_notice_date=arrived.isoformat(),
        brp_registration_date=arrived.isoformat(),
    )
    regie = headers("regievoerder")
    dossier = f"/api/v1/dossiers/{dossier_id}"
    intake = f"{dossier}/intake"
    for method, path, body in (
        ("PUT", f"{intake}/leerbaarheidstoets", {**LBT, "taken_on": arrived.isoformat()}),
        (
            "PUT",
            f"{intake}/domains/verwachtingen",
            {"expectations": "Werk.", "three_year_goal": "Werk."},
        ),
        ("POST", f"{intake}/education", EDUCATION),
        ("PUT", f"{intake}/personal-circumstances", CIRCUMSTANCES),
        ("POST", f"{intake}/complete", None),
    ):
        _ok(send(platform, method, path, body, regie))
    eventually(
        lambda: send(platform, "GET", f"{dossier}/pip", None, regie).json(),
        lambda pip: (pip.get("starting_points") or {}).get("intake_completed_on"),
        what="pip has the intake's starting points",
    )
    _ok(send(platform, "PATCH", f"{dossier}/pip", sections(today), regie))
    guide = {"organisation": "VluchtelingenWerk", "role": "begeleider", "oin": DEMO_ORG}
    goals = {}
    for domain, owner, description in (
        ("participatie", guide, f"{given_name} gaat zelf naar de buurtvereniging."),
        ("taal", guide, f"{given_name} leest zelf de post."),
        # Every PIP has a goal on health; a guide does not see it.
        ("gezondheid", None, f"{given_name} kiest een huisarts."),
    ):
        body = goal(today, domain, owner=owner, description=description, phase=1)
        plan = _ok(send(platform, "POST", f"{dossier}/pip/goals", body, regie), 201)["plan"]
        goals[domain] = next(g["id"] for g in plan["goals"] if g["description"] == description)
    _ok(send(platform, "POST", f"{dossier}/pip/establish", {}, regie))
    eventually(
        lambda: send(platform, "GET", f"{dossier}/guidance", None, regie).json(),
        lambda g: len(g.get("goals") or []) == 3,
        what="matching knows the PIP's goals",
    )
    return dossier_id, goals


def _start_guiding(platform, dossier_id: str) -> None:
    """Yara's guide record at the demo organisation, proposed, accepted and started."""
    regie = headers("regievoerder")
    dossier = f"/api/v1/dossiers/{dossier_id}"
    profile = {"languages": {"ar": "C2"}, "dutch_level": "A1"}
    _ok(send(platform, "PUT", f"{dossier}/matching-profile", profile, regie))
    body = guide_body(f"Yara {_tag()}", today_in_amsterdam(), user_id=YARA, max_caseload=1)
    guide_id = _ok(send(platform, "POST", "/api/v1/guides", body, _coordinator()), 201)["id"]
    proposal = {"kind": "begeleider", "candidate_id": guide_id}
    made = _ok(send(platform, "POST", f"{dossier}/proposals", proposal, regie), 201)
    answers = f"{dossier}/proposals/{made['id']}/answers"
    _ok(send(platform, "POST", answers, {"side": "persoon", "accepted": True}, regie))
    _ok(send(platform, "POST", answers, {"side": "aanbieder", "accepted": True}, _coordinator()))
    _ok(send(platform, "POST", f"{dossier}/proposals/{made['id']}/start", {}, regie))


# the coordinator ----------------------------------------------------------------------------
def test_a_coordinator_adds_and_changes_a_guide_and_a_placement(page, werkplek, platform, demo_org):
    name = f"Guus {_tag()}"
    today = today_in_amsterdam()
    log_in(page, werkplek, "mila")

    expect(page.get_by_role("heading", level=1)).to_have_text("Begeleiders en plaatsen")
    expect(page.get_by_text("Mila Bakker, coördinator")).to_be_visible()
    checked(page, "begeleiding-aanbod")

    page.get_by_role("link", name="Begeleider toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Begeleider toevoegen")
    page.get_by_label("Datum VOG").fill((today + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Begeleider toevoegen").click()

    expect(page.locator("#name-fout")).to_have_text("Vul de naam in.")
    expect(page.get_by_label("Naam", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_contain_text("Nog niet opgeslagen")
    checked(page, "begeleiding-begeleider-fouten")
    page.get_by_label("Naam", exact=True).fill(name)
    page.get_by_role("button", name="Begeleider toevoegen").click()
    expect(page.locator("#vog_issued_on-fout")).to_have_text(
        "Deze datum mag niet in de toekomst liggen."
    )
    expect(page.get_by_label("Naam", exact=True)).to_have_value(name)

    vog = (today - timedelta(days=400)).isoformat()
    trained = (today - timedelta(days=30)).isoformat()
    page.get_by_label("Gebruikersnaam in Wegwijs").fill(f"guus-{name[-6:].lower()}")
    page.get_by_label("Taal 2", exact=True).select_option("ar")
    page.get_by_label("Niveau van taal 2").select_option("B1")
    page.get_by_label("dinsdag").check()
    page.get_by_label("donderdag").check()
    page.get_by_label("Fase 2").check()
    page.get_by_label("Z-route").check()
    page.get_by_label("Datum VOG").fill(vog)
    page.get_by_label("Datum basistraining maatschappelijke begeleiding").fill(trained)
    page.get_by_role("button", name="Begeleider toevoegen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("status")).to_contain_text(f"{name} is toegevoegd")
    checked(page, "begeleiding-begeleider")
    offer = _ok(send(platform, "GET", "/api/v1/offer", None, _coordinator()))
    stored = next(g for g in offer["guides"] if g["name"] == name)
    assert stored["languages"] == {"nl": "C2", "ar": "B1"}
    assert (stored["vog_issued_on"], stored["training"]) == (vog, {TRAINING: trained})
    assert (stored["days"], stored["phases"], stored["routes"]) == (["di", "do"], [2], ["z"])
    assert (stored["gemeenten"], stored["max_caseload"]) == (["0344"], 3)

    # A new VOG and room for more people.
    new_vog = (today - timedelta(days=2)).isoformat()
    page.get_by_label("Datum VOG").fill(new_vog)
    page.get_by_label("Hoeveel huishoudens hoogstens").fill("5")
    page.get_by_label("Nieuwegein").check()
    page.get_by_role("button", name="Wijzigingen opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("De wijzigingen zijn opgeslagen")
    checked(page, "begeleiding-begeleider-gewijzigd")
    changed = _ok(send(platform, "GET", f"/api/v1/guides/{stored['id']}", None, _coordinator()))
    assert (changed["vog_issued_on"], changed["max_caseload"]) == (new_vog, 5)
    assert changed["gemeenten"] == ["0344", "0356"]

    # The guide stops.
    page.get_by_label("Waarom stopt deze begeleider?").fill("Verhuist naar Groningen.")
    page.get_by_role("button", name="Begeleider laten stoppen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Begeleiders en plaatsen")
    expect(page.get_by_role("status")).to_contain_text("De begeleider is gestopt")
    row = page.get_by_role("row", name=re.compile(name))
    expect(row).to_contain_text("Gestopt")
    checked(page, "begeleiding-aanbod-gestopt")
    withdrawn = _ok(send(platform, "GET", f"/api/v1/guides/{stored['id']}", None, _coordinator()))
    assert withdrawn["withdrawn"] == "Verhuist naar Groningen."

    # A placement: offered, and closed again.
    title = f"Kringloop sorteren {_tag()}"
    page.get_by_role("link", name="Plaats toevoegen").click()
    page.get_by_label("Naam van de plaats").fill(title)
    page.get_by_role("button", name="Plaats toevoegen").click()
    expect(page.locator("#kind-fout")).to_have_text("Kies de soort.")
    expect(page.locator("#gemeente-fout")).to_have_text("Kies de gemeente.")
    checked(page, "begeleiding-plaats-fouten")
    page.get_by_label("Soort plaats").select_option("leerwerkvrijwilligerswerk")
    page.get_by_label("Gemeente").select_option("0344")
    page.get_by_label("Uren per week").fill("8")
    page.get_by_label("Niveau Nederlands dat nodig is").select_option("A1")
    page.get_by_label("Aangepast voor mensen die nog weinig Nederlands spreken").check()
    page.get_by_label("Aantal plaatsen").fill("2")
    page.get_by_role("button", name="Plaats toevoegen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    checked(page, "begeleiding-plaats")
    offer = _ok(send(platform, "GET", "/api/v1/offer", None, _coordinator()))
    place = next(p for p in offer["placements"] if p["title"] == title)
    assert (place["kind"], place["gemeente"], place["capacity"]) == (
        "leerwerkvrijwilligerswerk",
        "0344",
        2,
    )
    assert (place["dutch_required"], place["adapted_low_dutch"], place["closed"]) == (
        "A1",
        True,
        False,
    )
    page.get_by_label("Waarom sluit deze plaats?").fill("De kringloop verhuist.")
    page.get_by_role("button", name="Plaats sluiten").click()
    expect(page.get_by_role("status")).to_contain_text("De plaats is gesloten")
    closed = _ok(send(platform, "GET", f"/api/v1/placements/{place['id']}", None, _coordinator()))
    assert closed["closed"] == "De kringloop verhuist."


def test_a_coordinator_answers_the_proposals_made_to_the_organisation(
    page, werkplek, platform, demo_org
):
    regie = headers("regievoerder")
    proposals = {}
    for answer in ("ja", "nee"):
        dossier_id = _register(platform)
        _known_to_matching(platform, dossier_id)
        dossier = f"/api/v1/dossiers/{dossier_id}"
        profile = {"languages": {"ar": "C2"}, "dutch_level": "A1"}
        _ok(send(platform, "PUT", f"{dossier}/matching-profile", profile, regie))
        name = f"Voorstel {answer} {_tag()}"
        body = guide_body(name, today_in_amsterdam(), max_caseload=1)
        guide_id = _ok(send(platform, "POST", "/api/v1/guides", body, _coordinator()), 201)["id"]
        made = send(
            platform,
            "POST",
            f"{dossier}/proposals",
            {"kind": "begeleider", "candidate_id": guide_id},
            regie,
        )
        proposals[answer] = (name, dossier_id, _ok(made, 201)["id"])
    log_in(page, werkplek, "mila")

    page.get_by_role("link", name="Voorstellen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Voorstellen")
    to_answer = page.locator("section", has=page.locator("#beantwoorden"))
    for name, *_ in proposals.values():
        expect(to_answer.get_by_role("row", name=re.compile(name))).to_contain_text("Utrecht")
    checked(page, "begeleiding-voorstellen")

    # Yes to the first.
    name, dossier_id, proposal_id = proposals["ja"]
    to_answer.get_by_role("link", name=f"{name} beantwoorden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Voorstel beantwoorden")
    expect(page.get_by_text("Niveau Nederlands")).to_be_visible()
    checked(page, "begeleiding-voorstel")
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator("#answer-fout")).to_have_text("Kies ja of nee.")
    checked(page, "begeleiding-voorstel-fout")
    page.get_by_label("Ja, wij nemen dit voorstel aan").check()
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.get_by_role("status")).to_contain_text("U hebt het voorstel aangenomen")
    waiting = page.locator("section", has=page.locator("#wachten"))
    expect(waiting.get_by_role("row", name=re.compile(name))).to_contain_text("U zei ja")
    checked(page, "begeleiding-voorstellen-beantwoord")
    guidance = _ok(send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/guidance", None, regie))
    answered = next(p for p in guidance["proposals"] if p["id"] == proposal_id)
    assert answered["answers"] == {"aanbieder": {"accepted": True, "reason": ""}}

    # No to the second, which needs a reason.
    name, dossier_id, proposal_id = proposals["nee"]
    page.get_by_role("link", name=f"{name} beantwoorden").click()
    page.get_by_label("Nee, wij nemen dit voorstel niet aan").check()
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator("#reason-fout")).to_have_text("Schrijf op waarom u nee zegt.")
    expect(page.get_by_label("Waarom niet?")).to_have_attribute("aria-invalid", "true")
    checked(page, "begeleiding-voorstel-reden")
    page.get_by_label("Waarom niet?").fill("Deze begeleider heeft geen tijd meer.")
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.get_by_role("status")).to_contain_text("U hebt het voorstel afgewezen")
    expect(page.get_by_role("link", name=f"{name} beantwoorden")).to_have_count(0)
    guidance = _ok(send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/guidance", None, regie))
    declined = next(p for p in guidance["proposals"] if p["id"] == proposal_id)
    assert declined["status"] == "afgewezen"
    assert declined["answers"]["aanbieder"] == {
        "accepted": False,
        "reason": "Deze begeleider heeft geen tijd meer.",
    }


# the begeleider ---------------------------------------------------------------------------------
def test_a_guide_logs_an_activity_on_a_goal_and_gives_a_signal(page, werkplek, platform, demo_org):
    given_name = f"Selam {_tag()}"
    dossier_id, goals = _person_with_a_plan(platform, given_name)
    _start_guiding(platform, dossier_id)
    not_hers = _register(platform)
    log_in(page, werkplek, "yara")

    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn mensen")
    expect(page.get_by_role("link", name=given_name)).to_have_attribute(
        "href", f"/begeleiding/mensen/{dossier_id}"
    )
    checked(page, "begeleiding-mensen")
    listed = _ok(send(platform, "GET", "/api/v1/guidance", None, _yara()))["guidances"]
    assert dossier_id in {g["dossier_id"] for g in listed}

    page.get_by_role("link", name=given_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(given_name)
    doelen = page.locator("section", has=page.locator("#doelen"))
    expect(doelen).to_contain_text(f"{given_name} gaat zelf naar de buurtvereniging.")
    expect(doelen).to_contain_text("Nog niet begonnen")
    expect(doelen).not_to_contain_text("huisarts")
    checked(page, "begeleiding-persoon")

    # An activity: first without anything filled in, then on the goal of taking part.
    page.get_by_role("link", name="Activiteit vastleggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Activiteit vastleggen voor {given_name}"
    )
    page.get_by_role("button", name="Activiteit vastleggen").click()
    expect(page.locator("#goal_id-fout")).to_have_text("Kies het doel waar u aan werkte.")
    expect(page.locator("#activity-fout")).to_have_text("Schrijf op wat u samen hebt gedaan.")
    checked(page, "begeleiding-activiteit-fouten")
    page.get_by_label(f"{given_name} gaat zelf naar de buurtvereniging.").check()
    page.get_by_label("Wat hebt u samen gedaan?").fill("Samen met de bus naar de buurtvereniging.")
    page.get_by_label(f"Wat deed {given_name} zelf?").fill("Zelf het kaartje gekocht.")
    page.get_by_label("Hoe ging het?").fill("Goed. Volgende keer gaat zij alleen.")
    page.get_by_role("button", name="Activiteit vastleggen").click()

    expect(page.get_by_role("status")).to_contain_text("De activiteit is vastgelegd")
    done = page.locator("section", has=page.locator("#activiteiten"))
    expect(done).to_contain_text("Zelf het kaartje gekocht.")
    checked(page, "begeleiding-persoon-activiteit")
    regie = headers("regievoerder")
    guidance = _ok(send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/guidance", None, regie))
    logged = [a for a in guidance["activities"] if a["by"] == YARA]
    assert [(a["goal_id"], a["did_themselves"]) for a in logged] == [
        (goals["participatie"], "Zelf het kaartje gekocht.")
    ]
    # pip takes the activity as progress on the goal.
    eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/pip", None, regie).json(),
        lambda pip: any(
            g["id"] == goals["participatie"] and g["status"] == "bezig"
            for g in pip["plan"]["goals"]
        ),
        what="pip records progress on the goal",
    )

    # A signal to the regievoerder, and where she was referred.
    page.get_by_role("link", name="Signaal geven").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Signaal geven over {given_name}")
    page.get_by_role("button", name="Signaal doorgeven").click()
    expect(page.locator("#domain-fout")).to_have_text("Kies waar het signaal over gaat.")
    checked(page, "begeleiding-signaal-fouten")
    page.get_by_label("Waar gaat het over?").select_option("huisvesting")
    page.get_by_label("Wat wilt u de regievoerder laten weten?").fill(
        "Er zit schimmel in de slaapkamer."
    )
    page.get_by_label("Doorverwezen naar").fill("Het wijkteam")
    page.get_by_role("button", name="Signaal doorgeven").click()

    expect(page.get_by_role("status")).to_contain_text("Het signaal is doorgegeven")
    expect(page.locator("section", has=page.locator("#signalen"))).to_contain_text("Het wijkteam")
    checked(page, "begeleiding-persoon-signaal")
    guidance = _ok(send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/guidance", None, regie))
    signal = next(s for s in guidance["signals"] if s["by"] == YARA)
    assert (signal["domain"], signal["text"], signal["referred_to"]) == (
        "huisvesting",
        "Er zit schimmel in de slaapkamer.",
        "Het wijkteam",
    )

    # Someone she does not guide is not reachable by URL.
    answer = page.goto(f"{werkplek}/begeleiding/mensen/{not_hers}")
    assert answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Niet gevonden")
    checked(page, "begeleiding-persoon-niet-gevonden")


def _yara() -> dict[str, str]:
    token = issue_token("begeleider", ["0344"], user_id=YARA, organisation=DEMO_ORG)
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
