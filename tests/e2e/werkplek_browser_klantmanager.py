"""The Werkplek in a real browser, the klantmanager's part (issue 16): Karim, klantmanager in
Utrecht, starts on the werkvoorraad of his gemeente, lists the open practical items of the brede
intakes, and closes one of his domain (financien) with a note, which reaches the API. He is never
shown a health item, cannot close an item of another domain, and another gemeente's dossier is not
reachable by URL. Every page passes axe-core."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser import checked, log_in
from tests.e2e.http import as_role, send
from tests.platform import eventually, person
from tests.unit.test_brede_intake import FINANCES, HEALTH

GEZIN = {"partner": True, "children": 2, "childcare_needed": True, "one_to_one_offered": True}


def _person_with_open_items(platform, gemeente: str = "0344", **names: str) -> str:
    """A person whose brede intake has open items of financien, gezondheid and gezin."""
    dossier_id = platform.register(person(gemeente, **names))
    intake = f"/api/v1/dossiers/{dossier_id}/intake"
    regie = as_role("regievoerder", gemeente)
    for domain, facts in (
        ("financien", FINANCES),
        ("gezondheid", {**HEALTH, "health_insurance": False}),
        ("gezin", GEZIN),
    ):
        answer = send(platform, "PUT", f"{intake}/domains/{domain}", facts, regie)
        assert answer.status_code == 200, answer.text
    return dossier_id


def test_a_klantmanager_closes_a_practical_item_of_their_domain_with_a_note(
    page, werkplek, platform
):
    name = {"given_name": "Samira", "family_name": "Praktisch Browsertest"}
    full = f"{name['given_name']} {name['family_name']}"
    dossier_id = _person_with_open_items(platform, **name)
    eventually(
        lambda: platform.get("/api/v1/practical-items", "klantmanager", "0344").json()["items"],
        lambda items: any(i["dossier_id"] == dossier_id for i in items),
        what="the open items are listed",
    )

    log_in(page, werkplek, "karim")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkvoorraad")
    expect(page.get_by_text("Karim El Amrani, klantmanager (Utrecht)")).to_be_visible()
    expect(page.get_by_role("link", name="Brede intake nog niet afgerond")).to_contain_text(
        re.compile(r": [1-9][0-9]*")
    )
    checked(page, "klantmanager-werkvoorraad")

    page.get_by_role("link", name="Praktische zaken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Praktische zaken")
    mine = page.get_by_role("region", name=re.compile("^Voor u"))
    expect(mine.get_by_role("row", name=re.compile(f"{full} Schulden"))).to_be_visible()
    expect(
        mine.get_by_role("row", name=re.compile(f"{full} Huurtoeslag niet aangevraagd"))
    ).to_be_visible()
    others = page.get_by_role("region", name=re.compile("^Regelt de regievoerder"))
    expect(others.get_by_role("row", name=re.compile(f"{full} Kinderopvang nodig"))).to_be_visible()
    expect(page.get_by_text("Geen zorgverzekering")).to_have_count(0)
    checked(page, "klantmanager-praktische-zaken")

    mine.get_by_role("link", name=full).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(full)
    expect(page.get_by_role("heading", level=2)).to_have_text("Praktische zaken")
    debts = page.get_by_role("region", name="Schulden", exact=True)
    childcare = page.get_by_role("region", name="Kinderopvang nodig")
    expect(childcare).to_contain_text("Dit regelt de regievoerder.")
    expect(childcare.get_by_role("button")).to_have_count(0)
    expect(page.get_by_text("Geen zorgverzekering")).to_have_count(0)
    checked(page, "klantmanager-dossier")

    debts.get_by_role("button", name="Schulden afsluiten").click()
    expect(page.locator("#note-schulden-aanpakken-fout")).to_have_text(
        "Schrijf op hoe het is opgelost."
    )
    expect(page.get_by_role("alert")).to_contain_text("Niet afgesloten")
    checked(page, "klantmanager-afsluiten-fout")

    note = "Aangemeld bij de schuldhulpverlening van de gemeente."
    debts.get_by_label("Hoe is het opgelost?").fill(note)
    debts.get_by_role("button", name="Schulden afsluiten").click()

    expect(page.get_by_role("status")).to_have_text("Schulden: afgesloten.")
    closed = page.get_by_role("region", name=re.compile("^Afgesloten"))
    expect(closed.get_by_role("row", name=f"Schulden {note}")).to_be_visible()
    expect(page.get_by_role("region", name="Schulden", exact=True)).to_have_count(0)
    checked(page, "klantmanager-afgesloten")
    stored = platform.get(f"/api/v1/dossiers/{dossier_id}/intake", "regievoerder", "0344").json()
    items = {i["item"]: i for i in stored["practical_items"]}
    assert (items["schulden-aanpakken"]["open"], items["schulden-aanpakken"]["note"]) == (
        False,
        note,
    )
    assert items["zorgverzekering-regelen"]["open"] is True
    assert stored["history"][-1]["role"] == "klantmanager"

    page.get_by_role("link", name="Praktische zaken", exact=True).first.click()
    mine = page.get_by_role("region", name=re.compile("^Voor u"))
    expect(mine.get_by_role("row", name=re.compile(f"{full} Schulden"))).to_have_count(0)


def test_another_gemeente_s_practical_items_are_not_reachable_by_url(page, werkplek, platform):
    houten = _person_with_open_items(platform, "0321")
    log_in(page, werkplek, "karim")

    answer = page.goto(f"{werkplek}/dossiers/{houten}/praktische-zaken")

    assert answer.status in (403, 404)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("Niet gevonden|U mag dit niet zien")
    )
    checked(page, "klantmanager-geen-toegang")


def test_a_klantmanager_ticks_off_an_item_of_the_household_checklist(page, werkplek, platform):
    name = {"given_name": "Yusuf", "family_name": "Checklist Browsertest"}
    dossier_id = platform.register(person("0344", **name))
    log_in(page, werkplek, "karim")

    page.goto(f"{werkplek}/dossiers/{dossier_id}/praktische-zaken")
    household = page.get_by_role("region", name="Checklist van het huishouden")
    expect(household).to_contain_text("Bankrekening openen")
    expect(household).to_contain_text("Woning inrichten")
    expect(household).not_to_contain_text("Zorgverzekering")  # health: the regievoerder's
    bank = household.get_by_role("listitem").filter(has_text="Bankrekening openen")
    checked(page, "klantmanager-checklist-huishouden")

    bank.get_by_role("button", name="Afvinken").click()
    expect(page.get_by_role("alert")).to_contain_text("Niet afgesloten")
    note = "Rekening geopend, de pas komt per post."
    household = page.get_by_role("region", name="Checklist van het huishouden")
    bank = household.get_by_role("listitem").filter(has_text="Bankrekening openen")
    bank.get_by_label("Hoe is het opgelost?").fill(note)
    bank.get_by_role("button", name="Afvinken").click()

    expect(page.get_by_role("status")).to_have_text("Bankrekening openen: afgesloten.")
    done = page.get_by_role("table", name="Afgevinkt")
    expect(done.get_by_role("row", name=re.compile(f"Bankrekening openen {note}"))).to_be_visible()
    checked(page, "klantmanager-checklist-afgevinkt")
    stored = platform.get(f"/api/v1/dossiers/{dossier_id}/household/checklist").json()
    bank_item = {i["item"]: i for i in stored["items"]}["bankrekening-openen"]
    assert (bank_item["open"], bank_item["note"], bank_item["closed_role"]) == (
        False,
        note,
        "klantmanager",
    )
