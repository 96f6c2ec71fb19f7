"""The Werkplek in a real browser, the auditor's part (issue 16): Sanne logs in at the provider,
searches the ledger (filters, pages, a CSV of everything found), sees who saw a dossier, prints
the person's inzage report, and sees that the ledger is whole. What the pages show is what the API
answers, and the pages pass axe-core."""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path

from playwright.sync_api import expect

from services.common.clock import today_in_amsterdam
from services.gateway.auth import issue_token
from services.werkplek.texts import category_labels
from tests.browser import checked, log_in
from tests.platform import eventually, person

READS = 30  # more than a page of 25


def _auditor(platform, path: str) -> dict:
    answer = platform.get(path, "auditor", "0344")
    assert answer.status_code == 200, answer.text
    return answer.json()


def _read_often(platform, reader: str) -> str:
    """A dossier in Utrecht that `reader`, a regievoerder, opened READS times."""
    dossier_id = platform.register(person("0344", family_name="Logboek Gelezen"))
    token = issue_token("regievoerder", ["0344"], user_id=reader)
    for _ in range(READS):
        answer = platform.http.get(
            f"{platform.url}/api/v1/dossiers/{dossier_id}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=15,
        )
        assert answer.status_code == 200, answer.text
    eventually(
        lambda: _auditor(platform, f"/api/v1/audit/entries?actor={reader}&limit=500"),
        lambda page: len(page["entries"]) >= READS,
        what="every read in the ledger",
    )
    return dossier_id


def _column(table, index: int) -> list[str]:
    return [
        row.locator("td").nth(index).inner_text().strip() for row in table.locator("tbody tr").all()
    ]


def test_an_auditor_searches_the_ledger_page_by_page_and_downloads_it(page, werkplek, platform):
    reader = f"lezer-{uuid.uuid4().hex[:8]}"
    dossier_id = _read_often(platform, reader)
    log_in(page, werkplek, "sanne")

    expect(page.get_by_role("heading", level=1)).to_have_text("Logboek")
    expect(page.get_by_text("Sanne Visser, auditor (Utrecht)")).to_be_visible()
    checked(page, "logboek")

    page.get_by_label("Gebruiker").fill(reader)
    page.get_by_label("Vanaf datum").fill(today_in_amsterdam().isoformat())
    page.get_by_label("Regels per pagina").select_option("25")
    page.get_by_role("button", name="Zoeken").click()

    expect(page.get_by_role("heading", level=2, name=re.compile("Gevonden"))).to_have_text(
        "Gevonden: pagina 1, 25 regels"
    )
    api = _auditor(platform, f"/api/v1/audit/entries?actor={reader}&limit=500")["entries"]
    table = page.locator("#regels")
    assert _column(table, 0) == [str(e["seq"]) for e in api[:25]]
    expect(table.locator("tbody tr").first).to_contain_text(f"{reader} (regievoerder)")
    expect(table.locator("tbody tr").first).to_contain_text("Inzage in dossiers")
    checked(page, "logboek-gevonden")

    page.get_by_role("link", name="Volgende pagina").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Gevonden"))).to_have_text(
        f"Gevonden: pagina 2, {len(api) - 25} regels"
    )
    assert _column(page.locator("#regels"), 0) == [str(e["seq"]) for e in api[25:]]
    expect(page.get_by_label("Gebruiker")).to_have_value(reader)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download alles wat deze zoekvraag vindt").click()
    download = download_info.value
    assert download.suggested_filename == f"logboek-wegwijs-{today_in_amsterdam()}.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_bytes().decode())))
    assert [int(r["seq"]) for r in rows] == [e["seq"] for e in api]
    assert {r["dossier_id"] for r in rows} == {dossier_id}

    # A wrong date is named next to its field, and nothing is searched.
    answer = page.goto(f"{werkplek}/toezicht/logboek?van=gisteren&actor={reader}")
    assert answer.status == 422
    expect(page.locator("#van-fout")).to_have_text("Vul een datum in, zoals 12-03-2026.")
    expect(page.get_by_label("Vanaf datum")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_contain_text("Vanaf datum")
    checked(page, "logboek-fout")


def test_an_auditor_sees_who_saw_a_dossier_and_its_inzage_report(page, werkplek, platform):
    reader = f"lezer-{uuid.uuid4().hex[:8]}"
    dossier_id = _read_often(platform, reader)
    log_in(page, werkplek, "sanne")

    page.get_by_role("link", name="Wie zag een dossier").click()
    page.get_by_label("Dossiernummer").fill("niet-een-nummer")
    page.get_by_role("button", name="Opzoeken").click()
    expect(page.locator("#dossier-fout")).to_contain_text("Vul een dossiernummer in")
    checked(page, "dossier-zoeken-fout")
    page.get_by_label("Dossiernummer").fill(dossier_id)
    page.get_by_role("button", name="Opzoeken").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Wie zag dit dossier")
    expect(page.locator("#dossiernummer")).to_have_text(dossier_id)
    readers = _auditor(platform, f"/api/v1/audit/dossiers/{dossier_id}/readers")["readers"]
    shown = page.locator("#inzage-log tbody tr").filter(has_text=reader)
    expect(shown).to_have_count(sum(1 for r in readers if r["actor"] == reader))
    expect(shown).to_have_count(READS)
    expect(shown.first).to_contain_text("regievoerder")
    expect(shown.first).to_contain_text("dossier inzien")
    checked(page, "dossier-gezien")

    page.get_by_role("link", name="Inzageoverzicht voor de persoon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inzage in uw gegevens")
    report = _auditor(platform, f"/api/v1/audit/dossiers/{dossier_id}/inzage")
    recorded = page.locator("#verwerkingen tbody th").all_inner_texts()
    # The API's report may hold this very page's read too, logged after it was shown.
    assert set(recorded) <= {v["verwerking"] for v in report["verwerkingen"]}
    assert "Registratie van een statushouder bij de gemeente" in recorded
    registration = page.locator("#verwerkingen tbody tr").filter(
        has_text="Registratie van een statushouder"
    )
    expect(registration).to_contain_text("5 jaar")  # P5Y, written out
    # The data categories by their names, never their codes (the fourth column).
    names = set(category_labels().values())
    for cell in page.locator("#verwerkingen tbody tr td:nth-of-type(3)").all_inner_texts():
        assert cell and set(cell.split(", ")) <= names, cell
    # The reads, once per role, organisation, reason and day, with how many times.
    read_by_staff = page.locator("#bekeken tbody tr").filter(has_text="regievoerder")
    expect(read_by_staff).to_have_count(1)
    expect(read_by_staff.locator("td").last).to_have_text(str(READS))
    checked(page, "inzage")

    # The ledger's own page for this dossier: the same dossier, every entry the API has.
    page.goto(f"{werkplek}/toezicht/dossiers/{dossier_id}")
    page.get_by_role("link", name="Alles over dit dossier in het logboek").click()
    expect(page.get_by_label("Dossiernummer")).to_have_value(dossier_id)
    expect(page.locator("#regels")).to_contain_text("dossier geregistreerd")


def test_an_auditor_sees_the_ledger_verified_and_its_checkpoints(page, werkplek, platform):
    platform.register(person("0344", family_name="Logboek Gecontroleerd"))
    platform.wait_ledger_complete()
    platform.cli("audit", "checkpoint")
    platform.cli("audit", "verify")
    signed = platform.scalar("SELECT max(number) FROM audit.checkpoints")
    log_in(page, werkplek, "sanne")

    page.get_by_role("link", name="Controle van het logboek").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Controle van het logboek")
    expect(page.locator("#stand")).to_contain_text("Het logboek is in orde.")
    status = _auditor(platform, "/api/v1/audit/status")
    last = status["last_verification"]
    assert last["clean"] and last["verified_by"] == "wegwijs audit verify"
    expect(page.locator("#stand")).to_contain_text(f"alle {last['entries']} regels")
    first = page.locator("#controlepunten tbody tr").first
    number = int(first.locator("td").first.inner_text())
    assert signed <= number <= status["checkpoints"][0]["number"]
    expect(first).to_contain_text("klopt")
    expect(first).not_to_contain_text("klopt niet")
    expect(page.locator("#controles-tabel tbody tr").first).to_contain_text("in orde")
    expect(page.locator("#feiten")).to_contain_text(status["key_id"])
    checked(page, "logboek-controle")


def test_another_role_is_refused_the_auditor_s_pages(page, werkplek):
    log_in(page, werkplek, "bas")

    for path in ("/toezicht/logboek", "/toezicht/controle", "/toezicht/dossiers"):
        answer = page.goto(f"{werkplek}{path}")
        assert answer.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text("U mag dit niet zien")
    expect(page.get_by_role("link", name="Logboek")).to_have_count(0)
