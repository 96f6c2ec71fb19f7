"""The Werkplek in a real browser, the admin's part (issue 16): the region's admin keeps the partner
organisations: registers one (each problem next to its field), changes it, subscribes it to a
channel of the chain's events, and ends a subscription after saying she is sure; what they do
reaches the API, and every page passes axe-core."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser import checked, log_in

TAALHUIS = "00000003000000000311"
BUURTHUIS = "00000003000000000312"
PIP_GOAL_ADDED = "nl.wegwijs.pip.doel.toegevoegd.v1"


def test_an_admin_registers_a_partner_with_errors_next_to_the_fields_and_subscribes_it(
    page, werkplek, platform
):
    log_in(page, werkplek, "admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerorganisaties")
    expect(page.get_by_text("Beheerder regio, beheerder")).to_be_visible()
    checked(page, "beheer-partners")

    page.get_by_role("link", name="Partner registreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerorganisatie registreren")
    page.get_by_label("OIN").fill("12345")
    page.get_by_role("button", name="Registreren").click()

    expect(page.locator("#oin-fout")).to_have_text("Een OIN heeft 20 cijfers.")
    expect(page.locator("#name-fout")).to_have_text("Vul dit in.")
    expect(page.locator("#kind-fout")).to_have_text("Kies wat voor organisatie het is.")
    expect(page.locator("#gemeenten-fout")).to_have_text("Kies minstens één gemeente.")
    expect(page.get_by_label("OIN")).to_have_value("12345")
    expect(page.get_by_role("alert")).to_contain_text("Niet opgeslagen")
    checked(page, "beheer-registreren-fouten")

    page.get_by_label("OIN").fill(TAALHUIS)
    page.get_by_label("Naam").fill("Taalhuis Browsertest")
    page.get_by_label("Taalschool of onderwijsinstelling").check()
    kinds = page.get_by_role("group", name="Werkt voor de gemeenten")
    kinds.get_by_label("Utrecht").check()
    kinds.get_by_label("Nieuwegein").check()
    page.get_by_role("button", name="Registreren").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Taalhuis Browsertest")
    expect(page.get_by_role("status")).to_contain_text("zijn opgeslagen")
    expect(page.get_by_text("Deze organisatie heeft nog geen abonnementen.")).to_be_visible()
    checked(page, "beheer-partner")
    listed = platform.get("/api/v1/partners", "admin", "0344").json()["partners"]
    assert {
        "oin": TAALHUIS,
        "name": "Taalhuis Browsertest",
        "kind": "taalaanbieder",
        "gemeenten": ["0344", "0356"],
    } in listed

    # A subscription with an event of another channel is refused next to the events.
    page.get_by_role("group", name="Kanaal").get_by_label(re.compile("^Plan Inburgering")).check()
    page.get_by_text("Alleen bepaalde gebeurtenissen kiezen").click()
    intake_events = page.get_by_role(
        "group", name="Gebeurtenissen van Inschrijving en brede intake"
    )
    intake_events.get_by_label("Dossier geregistreerd", exact=True).check()
    page.get_by_role("group", name="Voor de gemeenten").get_by_label("Utrecht").check()
    page.get_by_label("Doel", exact=True).select_option(
        label="Taalonderwijs, KNM en het examen in de leerroute"
    )
    page.get_by_role("button", name="Abonnement toevoegen").click()

    expect(page.locator("#types-fout")).to_have_text(
        "Kies alleen gebeurtenissen van het gekozen kanaal."
    )
    checked(page, "beheer-abonnement-fouten")

    intake_events.get_by_label("Dossier geregistreerd", exact=True).uncheck()
    pip_events = page.get_by_role("group", name=re.compile("^Gebeurtenissen van Plan Inburgering"))
    pip_events.get_by_label("Doel toegevoegd", exact=True).check()
    page.get_by_role("button", name="Abonnement toevoegen").click()

    expect(page.get_by_role("status")).to_contain_text("Het abonnement is aangemaakt.")
    table = page.locator("section", has=page.locator("#abonnementen")).get_by_role("table")
    expect(table).to_contain_text("Doel toegevoegd")
    expect(table).to_contain_text("Taalonderwijs, KNM en het examen in de leerroute")
    checked(page, "beheer-abonnement")
    answer = platform.get(f"/api/v1/partners/{TAALHUIS}/subscriptions", "admin", "0344").json()
    [made] = answer["subscriptions"]
    assert (made["channel"], made["types"], made["gemeenten"], made["purpose"]) == (
        "pip",
        [PIP_GOAL_ADDED],
        ["0344"],
        "inburgeringsonderwijs",
    )

    # The partner's name is changed by registering it again; the list shows it.
    page.get_by_role("link", name="Gegevens wijzigen").click()
    expect(page.get_by_label("OIN")).to_have_value(TAALHUIS)
    checked(page, "beheer-wijzigen")
    page.get_by_label("Naam").fill("Taalhuis Browsertest Noord")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Taalhuis Browsertest Noord")
    page.get_by_role("link", name="Partnerorganisaties").click()
    expect(page.get_by_role("link", name="Taalhuis Browsertest Noord")).to_have_attribute(
        "href", f"/partners/{TAALHUIS}"
    )
    checked(page, "beheer-partners-gevuld")
    names = {
        p["oin"]: p["name"]
        for p in platform.get("/api/v1/partners", "admin", "0344").json()["partners"]
    }
    assert names[TAALHUIS] == "Taalhuis Browsertest Noord"


def test_an_admin_ends_a_subscription_after_saying_she_is_sure(page, werkplek, platform):
    partner = {
        "oin": BUURTHUIS,
        "name": "Buurthuis Browsertest",
        "kind": "maatschappelijke-begeleiding",
        "gemeenten": ["0344"],
    }
    assert platform.post("/api/v1/partners", partner, "admin", "0344").status_code == 200
    subscriptions = f"/api/v1/partners/{BUURTHUIS}/subscriptions"
    asked = {
        "channel": "pip",
        "types": [PIP_GOAL_ADDED],
        "gemeenten": ["0344"],
        "purpose": "maatschappelijke-begeleiding",
    }
    made = platform.post(subscriptions, asked, "admin", "0344")
    assert made.status_code == 201, made.text
    log_in(page, werkplek, "admin")
    page.goto(f"{werkplek}/partners/{BUURTHUIS}")
    end = page.get_by_role(
        "link", name="Abonnement op Plan Inburgering en Participatie (PIP) beëindigen"
    )

    # First the question whether she is sure; no is no.
    end.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Abonnement beëindigen")
    expect(page.get_by_text("Doel toegevoegd")).to_be_visible()
    checked(page, "beheer-abonnement-beeindigen")
    page.get_by_role("link", name="Nee, niet beëindigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buurthuis Browsertest")
    listed = platform.get(subscriptions, "admin", "0344").json()["subscriptions"]
    assert [s["id"] for s in listed] == [made.json()["id"]]

    end.click()
    page.get_by_role("button", name="Ja, abonnement beëindigen").click()

    expect(page.get_by_role("status")).to_contain_text("Het abonnement is beëindigd")
    expect(page.get_by_text("Deze organisatie heeft nog geen abonnementen.")).to_be_visible()
    checked(page, "beheer-abonnement-beeindigd")
    assert platform.get(subscriptions, "admin", "0344").json()["subscriptions"] == []
    again = page.goto(
        f"{werkplek}/partners/{BUURTHUIS}/abonnementen/{made.json()['id']}/beeindigen"
    )
    assert again.status == 404


def test_an_unknown_partner_is_not_found(page, werkplek):
    log_in(page, werkplek, "admin")

    answer = page.goto(f"{werkplek}/partners/00000003000000000319")

    assert answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Niet gevonden")
    checked(page, "beheer-onbekend")
