"""The Werkplek in a real browser, the consents tab (issue 16): the regievoerder gives a consent
(a refused input shown at its field), prints its receipt (organisation, data, language and
period written out; no menus on paper), changes it and withdraws it after a confirmation; the
API shows each change."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from services.common.clock import today_in_amsterdam
from services.common.dutch import as_date
from tests.browser import checked, log_in
from tests.e2e.http import as_role, send
from tests.platform import eventually, person

PARTNER = "00000003000000000183"  # a partner organisation of these tests only
PARTNER_NAME = "Taalhuis Utrecht (toestemmingen)"
LANGUAGE_SCHOOL = "Taalonderwijs, KNM en het examen in de leerroute"  # the protocol's purpose


def _partner(platform) -> None:
    body = {"oin": PARTNER, "name": PARTNER_NAME, "kind": "taalaanbieder", "gemeenten": ["0344"]}
    registered = send(platform, "POST", "/api/v1/partners", body, as_role("admin"))
    assert registered.status_code in (200, 201), registered.text


def _consents(platform, dossier_id: str) -> list[dict]:
    answer = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/consents")
    assert answer.status_code == 200, answer.text
    return answer.json()["consents"]


def test_a_regievoerder_gives_prints_changes_and_withdraws_a_consent(page, werkplek, platform):
    _partner(platform)
    who = person("0344", given_name="Meron", family_name="Toestemming Gegeven")
    dossier_id = platform.register(who)
    eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/consents").status_code,
        lambda status: status == 200,
        what="consent knows the dossier",
    )
    log_in(page, werkplek, "anna")
    page.goto(f"{werkplek}/dossiers/{dossier_id}/toestemmingen")
    expect(page.get_by_text("Er zijn geen toestemmingen vastgelegd.")).to_be_visible()
    checked(page, "toestemmingen-leeg")

    # Give one, first with an end date more than 3 years on: refused at that field.
    page.get_by_role("link", name="Toestemming vastleggen").click()
    page.get_by_label("Aan welke organisatie").select_option(label=PARTNER_NAME)
    page.get_by_label(LANGUAGE_SCHOOL).check()
    page.get_by_label(re.compile("^Taal en leerbaarheid")).check()
    page.get_by_label(re.compile("^Opleiding en werk")).check()
    page.get_by_label("Geldig vanaf").fill("2026-03-01")
    page.get_by_label("Geldig tot en met").fill("2030-03-01")
    page.get_by_label("mondeling, met een tolk").check()
    page.get_by_label("In welke taal is de persoon ingelicht?").select_option(label="Tigrinya")
    page.get_by_label("Bewijs", exact=True).fill("Gespreksverslag T-17")
    page.get_by_role("button", name="Toestemming vastleggen").click()

    expect(page.locator("#valid_until-fout")).to_have_text(
        "Een toestemming geldt hoogstens 3 jaar na de begindatum."
    )
    expect(page.get_by_label("Geldig tot en met")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Bewijs", exact=True)).to_have_value("Gespreksverslag T-17")
    checked(page, "toestemming-geven-fout")
    assert _consents(platform, dossier_id) == []

    page.get_by_label("Geldig tot en met").fill("2028-02-29")
    page.get_by_role("button", name="Toestemming vastleggen").click()

    # The receipt, to print: names, data, the language and the period written out.
    expect(page.get_by_role("heading", level=1)).to_have_text("Bewijs van toestemming")
    expect(page.get_by_role("status")).to_contain_text("De toestemming is vastgelegd.")
    receipt = page.locator("#bewijs")
    expect(receipt).to_contain_text(PARTNER_NAME)
    expect(receipt).to_contain_text("Gemeente Utrecht")
    expect(receipt).to_contain_text(LANGUAGE_SCHOOL)
    expect(receipt).to_contain_text("van 1 maart 2026 tot en met 29 februari 2028")
    expect(receipt).to_contain_text("mondeling, met een tolk, in het Tigrinya")
    expect(page.locator("#gegevens")).to_have_text(re.compile("Opleiding en werk\\s*Taal en"))
    expect(page.locator("main")).not_to_contain_text(PARTNER)
    checked(page, "toestemming-bewijs")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_hidden()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_hidden()
    expect(page.get_by_role("link", name="Toestemming wijzigen")).to_be_hidden()
    expect(page.get_by_role("status")).to_be_hidden()
    expect(receipt).to_be_visible()
    checked(page, "toestemming-bewijs-op-papier")
    page.emulate_media(media="screen")
    [given] = _consents(platform, dossier_id)
    assert given["grantee"] == {"oin": PARTNER, "name": PARTNER_NAME}
    assert given["categories"] == ["opleiding-werk", "taal-leerbaarheid"]
    assert given["collection"] == {"method": "mondeling-met-tolk", "language": "ti"}
    assert (given["valid_from"], given["valid_until"]) == ("2026-03-01", "2028-02-29")

    # Change it: fewer data, an earlier end, and why.
    page.get_by_role("link", name="Toestemming wijzigen").click()
    page.get_by_label(re.compile("^Opleiding en werk")).uncheck()
    page.get_by_label("Geldig tot en met").fill("2027-12-31")
    page.get_by_label("Waarom verandert de toestemming?").fill("Werk is nog niet aan de orde.")
    page.get_by_role("button", name="Wijziging opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("De toestemming is gewijzigd.")
    expect(receipt).to_contain_text("van 1 maart 2026 tot en met 31 december 2027")
    expect(page.locator("#geschiedenis")).to_contain_text(
        "Gewijzigd (welke gegevens, einddatum): Werk is nog niet aan de orde."
    )
    checked(page, "toestemming-gewijzigd")
    [changed] = _consents(platform, dossier_id)
    assert (changed["categories"], changed["valid_until"]) == (["taal-leerbaarheid"], "2027-12-31")
    assert changed["history"][-1]["fields"] == ["categories", "valid_until"]

    # Withdraw it: first the question whether that is meant, which changes nothing.
    page.get_by_role("link", name="Toestemming intrekken").click()
    expect(page.get_by_text("Weet u zeker dat u deze toestemming wilt intrekken?")).to_be_visible()
    checked(page, "toestemming-intrekken")
    assert _consents(platform, dossier_id)[0]["status"] == "gegeven"
    page.get_by_label("Reden (als de persoon die gaf)").fill("Wil het zelf regelen.")
    page.get_by_role("button", name="Ja, toestemming intrekken").click()

    expect(page.get_by_role("status")).to_have_text("De toestemming is ingetrokken.")
    today = today_in_amsterdam()
    row = page.get_by_role("row", name=re.compile(re.escape(PARTNER_NAME)))
    expect(row).to_contain_text(f"ingetrokken op {as_date(today)}")
    expect(row.get_by_role("link", name=re.compile("^Intrekken"))).to_have_count(0)
    checked(page, "toestemmingen-ingetrokken")
    [withdrawn] = _consents(platform, dossier_id)
    assert (withdrawn["status"], withdrawn["withdrawn_on"]) == ("ingetrokken", today.isoformat())
    assert withdrawn["history"][-1]["reason"] == "Wil het zelf regelen."
