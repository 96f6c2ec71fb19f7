"""The Werkplek in a real browser, the regievoerder's part (issue 16): people log in at the
real OpenID Connect provider, do their work on Dutch pages that pass axe-core, and what they do
reaches the API. Closed by default: no page without a session, no form without its CSRF token,
no dossier of another gemeente by URL, and a session ends after its idle time."""

from __future__ import annotations

import os
import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser import checked, log_in
from tests.platform import eventually, person
from tests.roles_fixtures import register_guides_org

PARTNER = "00000003000000000177"  # a partner organisation of these tests only


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

    counter = page.get_by_role("link", name="Brede intake nog niet afgerond")
    open_before = int(counter.inner_text().rsplit(":", 1)[1])
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

    # The new person's brede intake is open: the werkvoorraad counts one more.
    page.get_by_role("link", name="Werkvoorraad").click()
    expect(page.get_by_role("link", name="Brede intake nog niet afgerond")).to_contain_text(
        f": {open_before + 1}"
    )
    checked(page, "werkvoorraad-gevuld")


def test_a_regievoerder_takes_a_dossier_and_sees_only_their_own_werkvoorraad(
    page, werkplek, platform
):
    # Issue 17: a dossier has a regievoerder, and the werkvoorraad can show only theirs.
    mine = platform.register(person("0344", given_name="Selam", family_name="Opgepakt Door Anna"))
    platform.register(person("0344", given_name="Tesfay", family_name="Niet Van Anna"))
    log_in(page, werkplek, "anna")

    page.goto(f"{werkplek}/dossiers/{mine}")
    expect(page.locator(".gegevens")).to_contain_text("Nog niemand")
    page.get_by_role("button", name="Dit dossier oppakken").click()

    expect(page.get_by_role("status")).to_contain_text("U bent nu de regievoerder")
    expect(page.locator(".gegevens")).to_contain_text("Anna de Vries")
    expect(page.get_by_role("button", name="Dit dossier oppakken")).to_have_count(0)
    checked(page, "dossier-opgepakt")
    stored = platform.get(f"/api/v1/dossiers/{mine}", "regievoerder", "0344").json()
    assert stored["regievoerder"] == {"id": "anna", "name": "Anna de Vries"}

    page.get_by_role("link", name="Werkvoorraad").click()
    page.get_by_label("Alleen mijn dossiers").check()
    page.get_by_role("button", name="Tonen").click()

    expect(page.get_by_label("Alleen mijn dossiers")).to_be_checked()
    open_intakes = page.locator("section", has=page.locator("#intake_open"))
    expect(open_intakes.get_by_role("link", name="Selam Opgepakt Door Anna")).to_be_visible()
    row = open_intakes.get_by_role("row", name=re.compile("Selam Opgepakt Door Anna"))
    expect(row).to_contain_text("Anna de Vries")
    expect(page.get_by_role("link", name="Tesfay Niet Van Anna")).to_have_count(0)
    expect(page.locator("#breaches_to_decide")).to_contain_text("Besluit nodig over een maatregel")
    expect(page.locator("#pip_deadline_warned")).to_be_visible()
    checked(page, "werkvoorraad-mijn")


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


def test_a_regievoerder_works_in_the_dossier_s_tabs(page, werkplek, platform):
    who = person("0344", given_name="Selam", family_name="Tabbladen Werkt")
    dossier_id = platform.register(who)
    log_in(page, werkplek, "anna")
    page.goto(f"{werkplek}/dossiers/{dossier_id}")

    page.get_by_role("link", name="Brede intake").click()
    expect(page.get_by_role("heading", level=2, name="Brede intake")).to_be_visible()
    page.get_by_label("Datum van de toets").fill("2026-10-02")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#outcome-fout")).to_be_visible()
    checked(page, "dossier-intake-fout")
    page.get_by_label("Uitkomst").select_option("gemiddeld")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Opgeslagen.")
    expect(page.get_by_text("gemiddeld, gemaakt op 2 oktober 2026")).to_be_visible()
    checked(page, "dossier-intake")
    intake = platform.get(f"/api/v1/dossiers/{dossier_id}/intake", "regievoerder", "0344").json()
    assert intake["leerbaarheidstoets"]["outcome"] == "gemiddeld"

    page.get_by_role("link", name="Signalen").click()
    page.get_by_label("Leefgebied").select_option("huisvesting")
    page.get_by_label("Wat is er aan de hand?").fill("De verwarming doet het niet.")
    page.get_by_role("button", name="Signaal geven").click()
    expect(page.get_by_text("De verwarming doet het niet.")).to_be_visible()
    checked(page, "dossier-signalen")

    page.get_by_role("link", name="PIP").click()
    expect(page.get_by_text("concept")).to_be_visible()
    page.get_by_label("Hoe weten we dat het doel bereikt is?").fill("Certificaat A2.")
    page.get_by_role("button", name="Doel toevoegen").click()
    expect(page.locator("#description-fout")).to_have_text("Vul dit in.")
    page.get_by_label("Doel", exact=True).fill("Taal leren tot A2.")
    page.get_by_label("Leefgebied").select_option("taal")
    page.get_by_label("Termijn").select_option("lang")
    page.get_by_label("Fase op de participatieladder (0 tot en met 4)").select_option("1")
    page.get_by_label("Klaar op").fill("2027-09-01")
    page.get_by_label("Organisatie die het doel trekt").fill("Taalschool Utrecht")
    page.get_by_label("Rol").select_option("taalaanbieder")
    page.get_by_role("button", name="Doel toevoegen").click()
    expect(page.get_by_role("cell", name="Taal leren tot A2.")).to_be_visible()
    checked(page, "dossier-pip")
    shown = platform.get(f"/api/v1/dossiers/{dossier_id}/pip", "regievoerder", "0344").json()
    assert [g["description"] for g in shown["plan"]["goals"]] == ["Taal leren tot A2."]


def test_the_pip_as_it_stood_on_a_date_and_the_consents(page, werkplek, platform):
    who = person("0344", given_name="Hana", family_name="Geschiedenis Toestemming")
    dossier_id = platform.register(who)
    consent = {
        "grantor": {"kind": "betrokkene"},
        "grantee": {"oin": PARTNER, "name": "VluchtelingenWerk Utrecht"},
        "purpose": "maatschappelijke-begeleiding",
        "categories": ["gezondheid"],
        "valid_until": "2027-12-31",
        "collection": {"method": "schriftelijk", "language": "Arabisch"},
        "evidence": "Formulier 2026-0099",
    }
    register_guides_org(platform, PARTNER)
    # consent learns of the dossier from intake's event: until then it does not know it.
    consents = f"/api/v1/dossiers/{dossier_id}/consents"
    eventually(
        lambda: platform.get(consents, "regievoerder", "0344").status_code,
        lambda status: status == 200,
        what="consent knows the dossier",
    )
    given = platform.post(consents, consent)
    assert given.status_code == 201, given.text
    log_in(page, werkplek, "anna")

    page.goto(f"{werkplek}/dossiers/{dossier_id}/pip")
    page.get_by_label("Het PIP zoals het was op").fill("2026-01-01")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_text("Op 1 januari 2026 was er nog geen PIP.")).to_be_visible()
    checked(page, "dossier-pip-op-datum")

    page.get_by_role("link", name="Toestemmingen").click()
    row = page.get_by_role("row", name=re.compile("VluchtelingenWerk Utrecht"))
    expect(row).to_contain_text("tot en met 31 december 2027")
    checked(page, "dossier-toestemmingen")
