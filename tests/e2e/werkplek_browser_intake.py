"""The Werkplek in a real browser, the brede intake part by part and the household (issue 16):
Anna, regievoerder in Utrecht, fills in the intake's parts each on its own page, is shown what
she got wrong at its field, sees on the intake tab who recorded what, and the API holds what she
stored; she registers a household member from a dossier, and both dossiers show the household.
A klantmanager reads the parts but is given no form, and no health at all. Every page passes
axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from services.common.clock import today_in_amsterdam
from tests.browser import checked, log_in
from tests.e2e.http import as_role, send
from tests.platform import person
from tests.unit.test_brede_intake import FINANCES, HEALTH

ANNA = "Anna de Vries (regievoerder)"


def _choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _saved(page) -> None:
    expect(page.get_by_role("status")).to_have_text("Opgeslagen.")


def test_a_regievoerder_fills_in_the_brede_intake_part_by_part(page, werkplek, platform):
    who = person("0344", given_name="Meron", family_name="Intake Per Deel")
    dossier_id = platform.register(who)
    log_in(page, werkplek, "anna")
    page.goto(f"{werkplek}/dossiers/{dossier_id}")
    page.get_by_role("link", name="Brede intake").click()
    expect(page.get_by_text("De brede intake is nog niet begonnen.")).to_be_visible()
    checked(page, "intake-nog-niet-begonnen")

    # Education: a number out of range is refused at its field, and the rest is kept.
    page.get_by_role("link", name="Opleiding", exact=True).click()
    page.get_by_label("Land").fill("Eritrea")
    page.get_by_label("Niveau").select_option(label="Voortgezet onderwijs")
    page.get_by_label("Aantal jaren").fill("45")
    _choose(page, "Diploma gehaald?", "Ja")
    _choose(page, "Erkenning van het diploma aangevraagd?", "Nee")
    page.get_by_role("button", name="Opleiding toevoegen").click()
    expect(page.locator("#years-fout")).to_have_text("Vul een heel getal in van 0 tot en met 30.")
    expect(page.get_by_label("Aantal jaren")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Land")).to_have_value("Eritrea")
    checked(page, "intake-opleiding-fout")
    page.get_by_label("Aantal jaren").fill("10")
    page.get_by_role("button", name="Opleiding toevoegen").click()
    _saved(page)
    expect(page.get_by_role("row", name=re.compile("Eritrea"))).to_contain_text(
        "Voortgezet onderwijs"
    )
    expect(page.get_by_text(f"Laatst vastgelegd door {ANNA}")).to_be_visible()
    checked(page, "intake-opleiding")

    # A life domain, with its choices and yes/no questions in Dutch.
    page.get_by_role("link", name="Terug naar de brede intake").click()
    page.get_by_role("link", name="Financiën").click()
    page.get_by_label("Inkomen").select_option(label="Bijstandsuitkering")
    _choose(page, "Heeft schulden?", "Ja")
    _choose(page, "Huurtoeslag aangevraagd?", "Nee")
    _choose(page, "Zorgtoeslag aangevraagd?", "Ja")
    _choose(page, "Voorschot op de uitkering nodig?", "Nee")
    page.get_by_role("button", name="Opslaan").click()
    _saved(page)
    expect(page.locator("dl")).to_contain_text("Bijstandsuitkering")
    checked(page, "intake-leefgebied-financien")

    # The personal circumstances: the form shows what is recorded, to change it.
    page.get_by_role("link", name="Terug naar de brede intake").click()
    page.get_by_role("link", name="Persoonlijke omstandigheden").click()
    page.get_by_label("Samenvatting").fill("Woont sinds september in Utrecht.")
    page.get_by_label("Psychische gezondheid").fill("Slaapt slecht.")
    page.get_by_role("button", name="Opslaan").click()
    _saved(page)
    expect(page.get_by_label("Samenvatting")).to_have_value("Woont sinds september in Utrecht.")
    checked(page, "intake-persoonlijke-omstandigheden")

    # A conversation, planned, and then whether she came.
    page.get_by_role("link", name="Terug naar de brede intake").click()
    page.get_by_role("link", name="Gesprekken").click()
    page.get_by_label("Datum van het gesprek").fill("2026-11-20")
    page.get_by_label("Doel van het gesprek").fill("Kennismaken")
    page.get_by_role("button", name="Gesprek plannen").click()
    _saved(page)
    expect(page.get_by_role("row", name=re.compile("Kennismaken"))).to_contain_text(
        "20 november 2026"
    )
    checked(page, "intake-gesprekken")
    page.get_by_role("link", name="Vastleggen of de persoon kwam bij gesprek 1").click()
    _choose(page, "Is de persoon gekomen?", "Ja")
    page.get_by_role("button", name="Opslaan").click()
    _saved(page)
    expect(page.locator("dl")).to_contain_text("Gekomen")
    checked(page, "intake-gesprek")

    # The leerbaarheidstoets on the tab, then completing the intake.
    page.get_by_role("link", name="Terug naar de gesprekken").click()
    page.get_by_role("link", name="Terug naar de brede intake").click()
    page.get_by_label("Datum van de toets").fill("2026-10-02")
    page.get_by_label("Uitkomst").select_option("gemiddeld")
    page.get_by_role("button", name="Opslaan").click()
    _saved(page)
    page.get_by_role("button", name="Brede intake afronden").click()
    expect(page.get_by_text("De brede intake is afgerond.")).to_be_visible()

    # The route: another one than the advice needs a reason, asked for at its field.
    page.get_by_role("link", name="Leerroute").click()
    expect(page.get_by_text("Advies: B1-route.")).to_be_visible()
    page.get_by_label("Leerroute", exact=True).select_option(label="Z-route")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#reason-fout")).to_have_text("Vul dit in.")
    checked(page, "intake-leerroute-fout")
    page.get_by_label("Waarom deze leerroute?").fill("Kan niet lezen en schrijven.")
    page.get_by_role("button", name="Opslaan").click()
    _saved(page)
    checked(page, "intake-leerroute")

    # The tab: every part with where it stands and who recorded it, in Dutch.
    page.get_by_role("link", name="Terug naar de brede intake").click()
    parts = page.get_by_role("table", name="De delen van de brede intake")
    education = parts.get_by_role("row", name=re.compile("^Opleiding"))
    expect(education).to_contain_text("1 opleiding")
    expect(education).to_contain_text(ANNA)
    expect(parts.get_by_role("row", name=re.compile("^Financiën"))).to_contain_text(ANNA)
    expect(parts.get_by_role("row", name=re.compile("^Leerroute"))).to_contain_text(
        "Z-route gekozen"
    )
    history = page.get_by_role("table", name="Alles wat is vastgelegd, het oudste eerst")
    expect(
        history.get_by_role("row", name=re.compile("Leefgebied financiën vastgelegd"))
    ).to_contain_text(ANNA)
    checked(page, "intake-overzicht")

    stored = platform.get(f"/api/v1/dossiers/{dossier_id}/intake", "regievoerder", "0344").json()
    assert stored["education"] == [
        {
            "country": "Eritrea",
            "level": "voortgezet",
            "years": 10,
            "diploma": True,
            "recognition_requested": False,
        }
    ]
    assert stored["domains"]["financien"]["income"] == "bijstand"
    assert stored["personal_circumstances"]["mental_health"] == "Slaapt slecht."
    assert [(c["purpose"], c["outcome"]) for c in stored["conversations"]] == [
        ("Kennismaken", "bijgewoond")
    ]
    assert stored["route_choice"]["route"] == "z"
    assert {(h["by"], h["role"]) for h in stored["history"]} == {("anna", "regievoerder")}


def test_a_klantmanager_reads_the_parts_without_a_form_and_without_health(page, werkplek, platform):
    dossier_id = platform.register(person("0344", family_name="Intake Alleen Lezen"))
    intake = f"/api/v1/dossiers/{dossier_id}/intake"
    regie = as_role("regievoerder", "0344")
    for domain, facts in (("financien", FINANCES), ("gezondheid", HEALTH)):
        answer = send(platform, "PUT", f"{intake}/domains/{domain}", facts, regie)
        assert answer.status_code == 200, answer.text
    log_in(page, werkplek, "karim")

    page.goto(f"{werkplek}/dossiers/{dossier_id}/intake")
    expect(page.get_by_role("row", name=re.compile("^Financiën"))).to_contain_text("Vastgelegd")
    expect(page.get_by_role("link", name="Gezondheid")).to_have_count(0)
    expect(page.get_by_role("button", name="Opslaan")).to_have_count(0)
    checked(page, "intake-klantmanager")
    page.get_by_role("link", name="Financiën").click()
    expect(page.locator("dl")).to_contain_text("Bijstandsuitkering")
    expect(page.get_by_text("Alleen de regievoerder legt het vast.")).to_be_visible()
    expect(page.locator("#inhoud form")).to_have_count(0)
    checked(page, "intake-klantmanager-leefgebied")

    answer = page.goto(f"{werkplek}/dossiers/{dossier_id}/intake/domeinen/gezondheid")

    assert answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("U mag dit niet zien")


def test_a_regievoerder_registers_a_household_member_and_both_dossiers_show_it(
    page, werkplek, platform
):
    first = person("0344", given_name="Rahel", family_name="Gezin Tesfay")
    first_id = platform.register(first)
    member = person("0344", given_name="Yonas", family_name="Gezin Tesfay")
    log_in(page, werkplek, "anna")
    page.goto(f"{werkplek}/dossiers/{first_id}")
    expect(page.get_by_text("Er zijn nog geen gezinsleden ingeschreven.")).to_be_visible()

    page.get_by_role("link", name="Gezinslid inschrijven").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gezinslid inschrijven")
    expect(page.get_by_label("Gemeente")).to_have_value("0344")
    for label, field in (
        ("Voornaam", "given_name"),
        ("Achternaam", "family_name"),
        ("Geboortedatum", "birth_date"),
        ("BSN", "bsn"),
        ("V-nummer", "v_nummer"),
        ("Datum kennisgeving DUO", "duo_notice_date"),
        ("Datum inschrijving BRP", "brp_registration_date"),
    ):
        page.get_by_label(label).fill(member[field])
    page.get_by_role("button", name="Inschrijven").click()
    expect(page.locator("#relation-fout")).to_have_text("Kies wat deze persoon is van Rahel.")
    checked(page, "gezinslid-inschrijven-fout")
    page.get_by_label("Wat is deze persoon van Rahel?").select_option(label="Partner")
    page.get_by_role("button", name="Inschrijven").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Yonas Gezin Tesfay")
    household = page.get_by_role("region", name="Huishouden")
    expect(household).to_contain_text("Yonas Gezin Tesfay (dit dossier), partner")
    checked(page, "dossier-huishouden")
    member_id = page.url.rsplit("/", 1)[-1].split("?")[0]
    household.get_by_role("link", name="Rahel Gezin Tesfay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rahel Gezin Tesfay")
    household = page.get_by_role("region", name="Huishouden")
    link = household.get_by_role("link", name="Yonas Gezin Tesfay")
    expect(household).to_contain_text("Rahel Gezin Tesfay (dit dossier)")
    expect(link).to_have_attribute("href", f"/dossiers/{member_id}")
    expect(page.get_by_role("region", name="Persoon")).to_contain_text("Inburgeringsplichtig")
    checked(page, "dossier-huishouden-eerste")

    # A child of the household has no obligation yet: the dossier says from when it is expected.
    born = today_in_amsterdam() - timedelta(days=7 * 365)
    child = person(
        "0344",
        given_name="Saba",
        family_name="Gezin Tesfay",
        birth_date=born.isoformat(),
        household_of=first_id,
        relation="kind",
        inburgeringsplicht=False,
    )
    child_id = platform.register(child)
    page.goto(f"{werkplek}/dossiers/{child_id}")
    expect(page.get_by_role("region", name="Persoon")).to_contain_text(
        "Nog niet inburgeringsplichtig, naar verwachting vanaf"
    )
    checked(page, "dossier-kind-zonder-inburgeringsplicht")

    stored = platform.get(f"/api/v1/dossiers/{first_id}/household", "regievoerder", "0344").json()
    assert {(m["id"], m["relation"]) for m in stored["members"]} == {
        (first_id, ""),
        (member_id, "partner"),
        (child_id, "kind"),
    }
