"""The Werkplek in a real browser, the dossier's documents (issue 17): the regievoerder finds the
letters the dossier's decisions were sent with under "Documenten" on the Tijdlijn tab, opens one
as it was issued and as a PDF, and follows the timeline's link to the same letter."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from services.common.clock import today_in_amsterdam
from services.werkplek.texts import as_date
from tests.browser import checked, log_in
from tests.e2e.http import send
from tests.e2e.test_pip import _completed_intake, _draft
from tests.platform import eventually

BESCHIKKING = "Besluit: uw Plan Inburgering en Participatie (PIP)"


def _established(platform) -> str:
    today = today_in_amsterdam()
    dossier_id = _completed_intake(platform, today - timedelta(weeks=6))
    _draft(platform, dossier_id, today)
    established = send(platform, "POST", f"/api/v1/dossiers/{dossier_id}/pip/establish", {})
    assert established.status_code == 200, established.text
    eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/timeline").json(),
        lambda page: any(i["document"] for i in page["items"]),
        what="the letter's issue on the timeline",
    )
    return dossier_id


def test_anna_opens_the_pip_beschikking_from_the_documents_and_the_timeline(
    page, werkplek, platform
):
    dossier_id = _established(platform)
    person = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}").json()
    name = f"{person['given_name']} {person['family_name']}"
    log_in(page, werkplek, "anna")

    page.goto(f"{werkplek}/dossiers/{dossier_id}/tijdlijn")

    documents = page.get_by_role("list", name="Documenten")
    expect(documents.get_by_role("listitem")).to_have_count(1)
    expect(documents).to_contain_text(as_date(today_in_amsterdam()))
    checked(page, "dossier-documenten")
    href = documents.get_by_role("link", name="als PDF").get_attribute("href")
    pdf = page.request.get(f"{werkplek}{href}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")

    documents.get_by_role("link", name=BESCHIKKING, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(BESCHIKKING)
    expect(page.get_by_text(f"Beste {name},")).to_be_visible()
    expect(page.get_by_role("heading", name="Bent u het niet eens met deze brief?")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="brief bekijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BESCHIKKING)


def test_a_dossier_without_decisions_says_there_are_no_letters_yet(page, werkplek, platform):
    dossier_id = platform.register()
    log_in(page, werkplek, "anna")

    page.goto(f"{werkplek}/dossiers/{dossier_id}/tijdlijn")

    expect(page.get_by_text("Er zijn nog geen brieven met een besluit verstuurd.")).to_be_visible()
