"""The Werkplek in a real browser, moving within the region (warme overdracht, issue 17): Anna of
Utrecht passes a move to Houten on ("Verhuizing doorgeven"); Noor of Houten finds it in her
werkvoorraad ("Verhuizing accepteren"), accepts it and opens the dossier, which Anna no longer
can."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from services.common.clock import today_in_amsterdam
from tests.browser import checked, log_in
from tests.platform import person


def test_anna_passes_a_move_on_and_noor_of_houten_accepts_it(browser, page, werkplek, platform):
    who = person("0344", given_name="Senait", family_name="Verhuizing Werkplek")
    dossier_id = platform.register(who)
    log_in(page, werkplek, "anna")
    page.goto(f"{werkplek}/dossiers/{dossier_id}")
    page.get_by_role("link", name="Verhuizing doorgeven").click()
    page.get_by_role("button", name="Verhuizing doorgeven").click()
    expect(page.get_by_role("alert")).to_contain_text("Niet opgeslagen")
    expect(page.locator("#to_gemeente-fout")).to_be_visible()
    page.get_by_label("Nieuwe gemeente").select_option(label="Houten")
    moved_on = today_in_amsterdam() - timedelta(days=2)
    page.get_by_label("Verhuisd op (zoals in de BRP)").fill(moved_on.isoformat())
    page.get_by_role("button", name="Verhuizing doorgeven").click()
    expect(page.get_by_role("status")).to_have_text("Opgeslagen.")
    expect(page.get_by_text("de nieuwe gemeente moet nog antwoorden")).to_be_visible()
    checked(page, "verhuizing-doorgegeven")

    noor = browser.new_context(locale="nl-NL", bypass_csp=True).new_page()
    log_in(noor, werkplek, "noor")
    moves = noor.locator("section", has=noor.get_by_role("heading", name="Verhuizing accepteren"))
    moves.get_by_role("link", name="Senait Verhuizing Werkplek").click()
    expect(noor.get_by_role("heading", level=1)).to_have_text("Verhuizing accepteren")
    expect(noor.locator("dd", has_text="Utrecht")).to_be_visible()
    checked(noor, "verhuizing-accepteren")
    noor.get_by_role("button", name="Verhuizing accepteren").click()
    expect(noor.get_by_role("status")).to_contain_text("is nu van uw gemeente")
    expect(noor.locator("dd", has_text="Houten")).to_be_visible()
    checked(noor, "verhuizing-geaccepteerd")

    page.goto(f"{werkplek}/dossiers/{dossier_id}")
    expect(page.get_by_text("Senait Verhuizing Werkplek")).to_have_count(0)
