"""The Werkplek in a real browser, the dossier's timeline (issue 16): the regievoerder sees what
happened in the dossier and who did it, by day, newest first, a page at a time; never a signal's
text; another gemeente's timeline is not reachable by URL."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from services.common.clock import today_in_amsterdam
from services.gateway.auth import issue_token
from services.werkplek.texts import as_date
from tests.browser import checked, log_in
from tests.platform import eventually, person

ANNA = "anna (regievoerder, Gemeente Utrecht)"


def _timeline_of(platform, dossier_id: str, query: str = "?limit=100") -> list[dict]:
    answer = platform.get(f"/api/v1/dossiers/{dossier_id}/timeline{query}", "regievoerder", "0344")
    return answer.json()["items"] if answer.status_code == 200 else []


def _has(what: str):
    return lambda items: what in {i["what"] for i in items}


def test_anna_sees_the_timeline_after_registering_and_recording_something(page, werkplek, platform):
    who = person("0344", given_name="Luwam", family_name="Tijdlijn Werkplek")
    log_in(page, werkplek, "anna")
    page.get_by_role("link", name="Persoon inschrijven").click()
    page.get_by_label("Voornaam").fill(who["given_name"])
    page.get_by_label("Achternaam").fill(who["family_name"])
    page.get_by_label("Geboortedatum").fill(who["birth_date"])
    page.get_by_label("BSN").fill(who["bsn"])
    page.get_by_label("V-nummer").fill(who["v_nummer"])
    page.get_by_label("Datum kennisgeving DUO").fill(who["duo_notice_date"])
    page.get_by_label("Datum inschrijving BRP").fill(who["brp_registration_date"])
    page.get_by_role("button", name="Inschrijven").click()
    expect(page.get_by_role("status")).to_contain_text("is ingeschreven")
    dossier_id = page.url.rsplit("/", 1)[-1].split("?")[0]
    page.get_by_role("link", name="Brede intake").click()
    page.get_by_label("Datum van de toets").fill("2026-10-02")
    page.get_by_label("Uitkomst").select_option("gemiddeld")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Opgeslagen.")
    # A health signal reaches the gemeente only with the person's consent to it (issue 17).
    consent = {
        "grantor": {"kind": "betrokkene"},
        "grantee": {"oin": "00000001000000000344", "name": "Gemeente Utrecht"},
        "purpose": "inburgering",
        "categories": ["gezondheid"],
        "valid_until": (today_in_amsterdam() + timedelta(days=365)).isoformat(),
        "collection": {"method": "mondeling-met-tolk", "language": "Tigrinya"},
        "evidence": "Toestemmingsformulier signalen",
    }
    regie = issue_token("regievoerder", ["0344"], user_id="anna-tijdlijn")
    recorded = platform.http.post(
        f"{platform.url}/api/v1/dossiers/{dossier_id}/consents",
        json=consent,
        headers={"Authorization": f"Bearer {regie}"},
        timeout=15,
    )
    assert recorded.status_code == 201, recorded.text
    doctor = issue_token("huisarts", ["0344"], user_id="dokter-tijdlijn")
    secret = "Slaapt slecht sinds de verhuizing (tijdlijn)."
    given = platform.http.post(
        f"{platform.url}/api/v1/dossiers/{dossier_id}/signals",
        json={"domain": "gezondheid", "text": secret},
        headers={"Authorization": f"Bearer {doctor}"},
        timeout=15,
    )
    assert given.status_code == 201, given.text
    items = eventually(
        lambda: _timeline_of(platform, dossier_id),
        _has("Signaal gegeven"),
        what="the signal in the timeline",
    )

    page.get_by_role("link", name="Tijdlijn").click()

    expect(page.get_by_role("heading", level=2, name="Tijdlijn")).to_be_visible()
    today = page.get_by_role("region", name=as_date(today_in_amsterdam()))
    lines = today.get_by_role("listitem")
    expect(lines.first).to_contain_text("Signaal gegeven, door dokter-tijdlijn (huisarts)")
    expect(lines.filter(has_text="Leerbaarheidstoets vastgelegd")).to_contain_text(ANNA)
    expect(lines.last).to_contain_text(f"Persoon ingeschreven, door {ANNA}")
    expect(lines.first).to_contain_text(re.compile(r"^\d\d\.\d\d uur: "))
    expect(page.get_by_text("Slaapt slecht")).to_have_count(0)
    expect(page.get_by_text(who["bsn"])).to_have_count(0)
    checked(page, "dossier-tijdlijn")
    assert [i["what"] for i in items][-1] == "Persoon ingeschreven"


def test_earlier_events_are_on_the_next_page(page, werkplek, platform):
    dossier_id = platform.register(person("0344", family_name="Tijdlijn Lang"))
    eventually(  # what the registration causes first, so that the steps below come after it
        lambda: _timeline_of(platform, dossier_id),
        _has("Concept-PIP gemaakt"),
        what="the draft PIP in the timeline",
    )
    work = f"/api/v1/dossiers/{dossier_id}/intake/work"
    for year in range(1, 27):
        done = platform.post(work, {"country": "Syrië", "occupation": "Kapper", "years": year})
        assert done.status_code == 200, done.text
    items = eventually(
        lambda: _timeline_of(platform, dossier_id),
        lambda found: [i["what"] for i in found].count("Werkervaring toegevoegd") == 26,
        what="every step in the timeline",
    )
    assert len(items) > 25
    log_in(page, werkplek, "anna")

    page.goto(f"{werkplek}/dossiers/{dossier_id}/tijdlijn")
    expect(page.get_by_role("listitem").filter(has_text="Werkervaring toegevoegd")).to_have_count(
        25
    )
    expect(page.get_by_text("Persoon ingeschreven")).to_have_count(0)
    page.get_by_role("link", name="Eerdere gebeurtenissen").click()

    expect(page.get_by_text("Persoon ingeschreven, door test-regievoerder")).to_be_visible()
    expect(page.get_by_role("link", name="Eerdere gebeurtenissen")).to_have_count(0)
    checked(page, "dossier-tijdlijn-eerder")
    page.get_by_role("link", name="Nieuwste gebeurtenissen").click()
    expect(page.get_by_role("link", name="Eerdere gebeurtenissen")).to_be_visible()


def test_another_gemeente_s_timeline_is_not_reachable_by_url(page, werkplek, platform):
    houten = platform.register(person("0321"))
    log_in(page, werkplek, "anna")

    answer = page.goto(f"{werkplek}/dossiers/{houten}/tijdlijn")

    assert answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Niet gevonden")
