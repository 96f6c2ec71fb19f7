"""The Werkplek in a real browser, matching (issue 16): Anna (regievoerder, Utrecht) records what
matching may use of a person, sees the guides that fit best with the explanation per criterion,
proposes one of the demo organisation and says yes for the person; Mila (its coordinator) accepts;
Anna starts it; Mila ends it after a confirmation step. Each logs in at the real OpenID Connect
provider, every page passes axe-core, and each step is checked in the API."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from services.common.clock import today_in_amsterdam
from services.gateway.auth import issue_token
from tests.browser import checked, log_in
from tests.e2e.http import send
from tests.matching_fixtures import guide_body
from tests.platform import eventually, person
from tests.roles_fixtures import headers

# The demo people's organisation (infra/oidc/users.json): Mila is its coordinator.
DEMO_ORG = "00000003000000000101"
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


def _guidance(platform, dossier_id: str) -> dict[str, Any]:
    return _ok(
        send(
            platform,
            "GET",
            f"/api/v1/dossiers/{dossier_id}/guidance",
            None,
            headers("regievoerder"),
        )
    )


def _proposal(platform, dossier_id: str, guide_id: str) -> dict[str, Any]:
    proposals = _guidance(platform, dossier_id)["proposals"]
    return next(p for p in proposals if p["candidate_id"] == guide_id)


def test_a_guide_is_proposed_accepted_started_and_ended_on_the_werkplek(
    page, browser, werkplek, platform, demo_org
):
    given_name = f"Hodan {_tag()}"
    dossier_id = platform.register(person("0344", given_name=given_name))
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
    # A guide who speaks the person's language, lives nearby and is free when she is.
    name = f"Sahra {_tag()}"
    body = guide_body(
        name,
        today_in_amsterdam(),
        languages={"so": "C2", "nl": "B2"},
        area="3561",
        days=["ma", "wo"],
        phases=[0],
        max_caseload=2,
    )
    guide_id = _ok(send(platform, "POST", "/api/v1/guides", body, _coordinator()), 201)["id"]
    log_in(page, werkplek, "anna")

    # The profile: a language without its level is refused next to the languages.
    page.goto(f"{werkplek}/dossiers/{dossier_id}/matching")
    expect(page.get_by_role("heading", level=2, name="Matching")).to_be_visible()
    expect(page.get_by_text("Sla eerst het profiel op.")).to_be_visible()
    checked(page, "matching-leeg")
    page.get_by_label("Taal 1", exact=True).select_option("so")
    page.get_by_role("button", name="Profiel opslaan").click()
    expect(page.locator("#languages-fout")).to_have_text("Kies bij elke taal ook het niveau.")
    expect(page.get_by_role("alert")).to_contain_text("Nog niet opgeslagen")
    checked(page, "matching-profiel-fout")
    page.get_by_label("Niveau van taal 1").select_option("C2")
    page.get_by_label("Postcodegebied").fill("3561")
    page.get_by_label("maandag").check()
    page.get_by_label("woensdag").check()
    page.get_by_role("button", name="Profiel opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("Het profiel is opgeslagen")
    assert _guidance(platform, dossier_id)["profile"] == {
        "languages": {"so": "C2"},
        "dutch_level": "A0",
        "area": "3561",
        "days": ["ma", "wo"],
        "needs_childcare": False,
        "women_only": False,
    }

    # The shortlist, each criterion explained in words.
    guides = page.locator("section", has=page.locator("#begeleider-lijst"))
    card = guides.locator("article", has=page.get_by_role("heading", name=name, exact=True))
    language = card.get_by_role("row", name=re.compile("^Taal"))
    expect(language).to_contain_text("Past goed")
    expect(language).to_contain_text("Spreekt Somalisch (C2)")
    expect(card.get_by_role("row", name=re.compile("^Wanneer"))).to_contain_text(
        "op maandag en woensdag"
    )
    expect(card.get_by_role("row", name=re.compile("^Waar"))).to_contain_text(
        "In dezelfde buurt (3561)"
    )
    expect(page.locator("section", has=page.locator("#plaatsing-lijst"))).to_be_visible()
    checked(page, "matching-lijst")

    # Proposing her, after seeing what the organisation will be told.
    card.get_by_role("link", name=f"{name} voorstellen").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        f"{name} voorstellen aan {given_name}"
    )
    expect(page.get_by_text("Zij hoort alleen het niveau Nederlands")).to_be_visible()
    checked(page, "matching-voorstellen")
    page.get_by_label("Notitie voor de gemeente").fill("Spreekt Somalisch en woont vlakbij.")
    page.get_by_role("button", name="Voorstel doen").click()

    expect(page.get_by_role("status")).to_contain_text("Het voorstel is gedaan")
    proposals = page.locator("section", has=page.locator("#voorstellen"))
    expect(proposals.get_by_role("row", name=re.compile(name))).to_contain_text("Voorgesteld")
    proposed = _proposal(platform, dossier_id, guide_id)
    assert (proposed["status"], proposed["note"]) == (
        "voorgesteld",
        "Spreekt Somalisch en woont vlakbij.",
    )

    # Anna says yes for the person.
    proposals.get_by_role("link", name=re.compile(name)).click()
    expect(page.get_by_role("heading", level=2)).to_have_text(f"Voorstel: {name}")
    checked(page, "matching-voorstel")
    page.get_by_label(f"{given_name} wil dit", exact=True).check()
    page.get_by_role("button", name="Antwoord opslaan").click()
    expect(page.get_by_role("status")).to_contain_text(f"Het antwoord van {given_name}")
    expect(
        page.get_by_text("wacht het voorstel op het antwoord van de organisatie")
    ).to_be_visible()
    answers = _proposal(platform, dossier_id, guide_id)["answers"]
    assert answers == {"persoon": {"accepted": True, "reason": ""}}

    # Mila accepts, at her own desk.
    mila = browser.new_context(locale="nl-NL", bypass_csp=True).new_page()
    log_in(mila, werkplek, "mila")
    mila.goto(f"{werkplek}/begeleiding/voorstellen")
    mila.get_by_role("link", name=f"{name} beantwoorden").click()
    mila.get_by_label("Ja, wij nemen dit voorstel aan").check()
    mila.get_by_role("button", name="Antwoord versturen").click()
    expect(mila.get_by_role("status")).to_contain_text("U hebt het voorstel aangenomen")
    assert _proposal(platform, dossier_id, guide_id)["status"] == "geaccepteerd"

    # Anna starts it.
    page.reload()
    expect(page.get_by_text(f"{given_name} en de organisatie zeiden ja.")).to_be_visible()
    checked(page, "matching-voorstel-starten")
    page.get_by_role("button", name="Begeleiding starten").click()
    expect(page.get_by_role("status")).to_contain_text("Het is gestart")
    checked(page, "matching-voorstel-gestart")
    started = _proposal(platform, dossier_id, guide_id)
    assert (started["status"], started["started_on"]) == (
        "gestart",
        today_in_amsterdam().isoformat(),
    )
    assert _guidance(platform, dossier_id)["guide"]["guide_id"] == guide_id

    # Mila ends it: first the form (each problem at its field), then whether she is sure.
    mila.goto(f"{werkplek}/begeleiding/voorstellen")
    running = mila.locator("section", has=mila.locator("#lopend"))
    running.get_by_role("link", name=f"{name}: beëindigen").click()
    expect(mila.get_by_role("heading", level=1)).to_have_text("Begeleiding beëindigen")
    checked(mila, "begeleiding-beeindigen")
    mila.get_by_role("button", name="Verder").click()
    expect(mila.locator("#outcome-fout")).to_have_text("Kies hoe het is afgelopen.")
    expect(mila.locator("#reason-fout")).to_have_text("Schrijf op waarom het stopt.")
    checked(mila, "begeleiding-beeindigen-fouten")
    mila.get_by_label("De doelen zijn bereikt").check()
    mila.get_by_label("Waarom stopt het?").fill(
        f"{given_name} gaat nu zelf naar de buurtvereniging."
    )
    mila.get_by_role("button", name="Verder").click()
    expect(mila.get_by_role("heading", name="Weet u het zeker?")).to_be_visible()
    checked(mila, "begeleiding-beeindigen-zeker")
    assert _proposal(platform, dossier_id, guide_id)["status"] == "gestart", (
        "not before she is sure"
    )
    mila.get_by_role("button", name="Ja, begeleiding beëindigen").click()

    expect(mila.get_by_role("status")).to_contain_text("Het is beëindigd")
    expect(mila.get_by_role("link", name=f"{name}: beëindigen")).to_have_count(0)
    ended = _proposal(platform, dossier_id, guide_id)
    assert (ended["status"], ended["outcome"], ended["end_reason"]) == (
        "beeindigd",
        "doelen-bereikt",
        f"{given_name} gaat nu zelf naar de buurtvereniging.",
    )
    assert _guidance(platform, dossier_id)["guide"] is None

    # Anna sees how it ended.
    page.get_by_role("link", name="Terug naar matching").click()
    row = page.locator("section", has=page.locator("#voorstellen")).get_by_role(
        "row", name=re.compile(name)
    )
    expect(row).to_contain_text("Beëindigd")
    expect(row).to_contain_text("De doelen zijn bereikt")
    checked(page, "matching-beeindigd")
    mila.context.close()

    # Karim, klantmanager, reads the profile and the proposals; matching is not his to do.
    karim = browser.new_context(locale="nl-NL", bypass_csp=True).new_page()
    log_in(karim, werkplek, "karim")
    karim.goto(f"{werkplek}/dossiers/{dossier_id}/matching")
    expect(karim.get_by_text("Somalisch (C2)")).to_be_visible()
    expect(karim.locator("section", has=karim.locator("#voorstellen"))).to_contain_text("Beëindigd")
    expect(karim.get_by_role("button")).to_have_text(["Uitloggen"])
    expect(karim.locator("#begeleider-lijst")).to_have_count(0)
    checked(karim, "matching-klantmanager")
    karim.context.close()
