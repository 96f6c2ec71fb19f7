"""The Werkplek in a real browser (issue 16): people log in at the real OpenID Connect provider,
do their work on Dutch pages that pass axe-core, and what they do reaches the API. Closed by
default: no page without a session, no form without its CSRF token, no dossier of another
gemeente by URL, and a session ends after its idle time."""

from __future__ import annotations

import os
import re
import time

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser import CHROMIUM, checked, log_in
from tests.platform import person


@pytest.fixture(scope="module")
def browser():
    # Not stopped: Playwright's stop waits on its driver's exit through asyncio's child watcher,
    # which eventlet's monkey patching (nameko's, in conftest) never lets finish. The driver
    # exits by itself when this process does.
    chromium = sync_playwright().start().chromium.launch(executable_path=CHROMIUM, headless=True)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL", bypass_csp=True)  # for axe-core only
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def werkplek(platform):
    return f"http://{platform.env['WEGWIJS_WERKPLEK_ADDRESS']}"


def test_the_login_page_is_the_provider_s_and_passes_axe(page, werkplek, platform):
    page.goto(werkplek)

    assert page.url.startswith(platform.env["WEGWIJS_OIDC_ISSUER"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen bij Wegwijs")
    checked(page, "inloggen")
    page.get_by_label("Gebruikersnaam").fill("anna")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator("#login-error")).to_contain_text("klopt niet")
    checked(page, "inloggen-fout")


def test_a_regievoerder_registers_a_person_with_errors_next_to_the_fields(page, werkplek, platform):
    log_in(page, werkplek, "anna")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkvoorraad")
    expect(page.get_by_text("Anna de Vries, regievoerder (Utrecht)")).to_be_visible()
    checked(page, "werkvoorraad")

    page.get_by_role("link", name="Persoon inschrijven").click()
    who = person("0344", given_name="Rania", family_name="Ingeschreven Via Werkplek")
    page.get_by_label("Voornaam").fill(who["given_name"])
    page.get_by_label("Achternaam").fill(who["family_name"])
    page.get_by_label("Geboortedatum").fill(who["birth_date"])
    page.get_by_label("BSN").fill("123456789")
    page.get_by_label("V-nummer").fill(who["v_nummer"])
    page.get_by_label("Datum kennisgeving DUO").fill(who["duo_notice_date"])
    page.get_by_role("button", name="Inschrijven").click()

    expect(page.locator("#bsn-fout")).to_have_text(
        "Dit is geen geldig BSN. Een BSN heeft 9 cijfers."
    )
    expect(page.locator("#brp_registration_date-fout")).to_have_text("Vul dit in.")
    expect(page.get_by_label("Voornaam")).to_have_value(who["given_name"])
    checked(page, "inschrijven-fouten")

    page.get_by_label("BSN").fill(who["bsn"])
    page.get_by_label("Datum inschrijving BRP").fill(who["brp_registration_date"])
    page.get_by_role("button", name="Inschrijven").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{who['given_name']} {who['family_name']}"
    )
    expect(page.get_by_role("status")).to_contain_text("is ingeschreven")
    checked(page, "dossier")
    dossier_id = page.url.rsplit("/", 1)[-1].split("?")[0]
    stored = platform.get(f"/api/v1/dossiers/{dossier_id}", "regievoerder", "0344").json()
    assert (stored["bsn"], stored["family_name"]) == (who["bsn"], who["family_name"])


def test_search_finds_a_person_by_name_bsn_and_v_nummer(page, werkplek, platform):
    who = person("0344", given_name="Dawit", family_name="Gezocht Tesfamariam")
    dossier_id = platform.register(who)
    log_in(page, werkplek, "anna")

    for terms in (who["family_name"], who["bsn"], who["v_nummer"]):
        page.goto(f"{werkplek}/zoeken")
        page.get_by_label("Naam, BSN of v-nummer").fill(terms)
        page.get_by_role("button", name="Zoeken").click()
        expect(
            page.get_by_role("link", name=f"{who['given_name']} {who['family_name']}")
        ).to_have_attribute("href", f"/dossiers/{dossier_id}")
    checked(page, "zoeken")


def test_another_gemeente_s_dossier_is_not_reachable_by_url(page, werkplek, platform):
    houten = platform.register(person("0321"))
    log_in(page, werkplek, "anna")

    answer = page.goto(f"{werkplek}/dossiers/{houten}")

    assert answer.status in (403, 404)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("Niet gevonden|U mag dit niet zien")
    )
    checked(page, "geen-toegang")


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(page, werkplek, platform):
    log_in(page, werkplek, "anna")
    who = person("0344", family_name="Zonder Formuliersleutel")

    answer = page.request.post(f"{werkplek}/dossiers/nieuw", form={**who, "csrf": "geraden"})

    assert answer.status == 403
    assert "niet meer geldig" in answer.text()
    listed = platform.get("/api/v1/dossiers?limit=500", "regievoerder", "0344").json()
    assert who["family_name"] not in {d["family_name"] for d in listed["dossiers"]}


def test_logout_ends_the_session_here_and_at_the_provider(page, werkplek, platform):
    log_in(page, werkplek, "anna")

    page.get_by_role("button", name="Uitloggen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("U bent uitgelogd")
    checked(page, "uitgelogd")
    page.goto(werkplek)
    assert page.url.startswith(platform.env["WEGWIJS_OIDC_ISSUER"])
    expect(page.get_by_label("Gebruikersnaam")).to_be_visible()


@pytest.mark.skipif(
    os.environ.get("WEGWIJS_WERKPLEK_IDLE_SECONDS") != "2",
    reason="run by test_werkplek.py with a Werkplek whose sessions end after 2 seconds idle",
)
def test_a_session_past_its_idle_time_is_sent_to_login(page, werkplek):
    log_in(page, werkplek, "anna")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkvoorraad")

    time.sleep(3)  # the idle time itself: no request may come in between
    page.goto(f"{werkplek}/zoeken")

    assert "/interaction/" in page.url
    expect(page.get_by_label("Gebruikersnaam")).to_be_visible()
