"""The Werkplek in a real browser, the beleidsmedewerker's part (issue 16): Bas logs in at the
provider, reads the PIP report of the region and of a gemeente as tables with bar charts, and
downloads each as CSV with a Dutch file name. What the pages show is what the API answers, and the
pages pass axe-core."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

from services.common.clock import today_in_amsterdam
from tests.browser import checked, log_in
from tests.e2e.http import as_role, send
from tests.pip_fixtures import goal, sections
from tests.platform import eventually, person

REGION = "/api/v1/reports/pip/region"
NIEUWEGEIN = "0356"
ALL = ("0344", "0356", "0321")
# The least a brede intake needs to be completed (as tests/unit/test_brede_intake.py has them).
INTAKE = (
    ("PUT", "leerbaarheidstoets", {"outcome": "gemiddeld"}),
    (
        "PUT",
        "domains/verwachtingen",
        {"expectations": "Zelf de post lezen.", "three_year_goal": "Werken als kapper."},
    ),
    (
        "POST",
        "education",
        {
            "country": "Eritrea",
            "level": "voortgezet",
            "years": 10,
            "diploma": True,
            "recognition_requested": False,
        },
    ),
    ("PUT", "personal-circumstances", {"summary": "Woont sinds kort in Nieuwegein."}),
    ("POST", "complete", None),
)


def _report(platform, path: str = REGION) -> dict:
    answer = platform.get(path, "beleidsmedewerker", *ALL)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _nieuwegein(report: dict) -> dict:
    return next(g for g in report["gemeenten"] if g["gemeente"] == NIEUWEGEIN)


def _established_pip(platform, gemeente: str) -> str:
    """A person whose PIP was established today, well within its term: on time, route B1."""
    today = today_in_amsterdam()
    arrived = today - timedelta(weeks=6)
    dossier_id = platform.register(
        person(
            gemeente,
            family_name="Rapportage Op Tijd",
            duo_notice_date=arrived.isoformat(),
            brp_registration_date=arrived.isoformat(),
        )
    )
    regie = as_role(gemeente=gemeente)
    base = f"/api/v1/dossiers/{dossier_id}"
    for method, part, body in INTAKE:
        if part == "leerbaarheidstoets":
            body = {**body, "taken_on": arrived.isoformat()}
        answer = send(platform, method, f"{base}/intake/{part}", body, regie)
        assert answer.status_code == 200, answer.text
    eventually(
        lambda: send(platform, "GET", f"{base}/pip", None, regie),
        lambda r: r.status_code == 200 and r.json()["starting_points"]["intake_completed_on"],
        what="pip has the completed intake",
    )
    assert send(platform, "PATCH", f"{base}/pip", sections(today), regie).status_code == 200
    added = send(platform, "POST", f"{base}/pip/goals", goal(today), regie)
    assert added.status_code == 201, added.text
    established = send(platform, "POST", f"{base}/pip/establish", {}, regie)
    assert established.status_code == 200, established.text
    return dossier_id


def _overdue_draft(platform, gemeente: str) -> str:
    """A person registered long ago whose PIP is still a draft: its deadline has passed."""
    dossier_id = platform.register(person(gemeente, family_name="Rapportage Te Laat"))
    regie = as_role(gemeente=gemeente)
    eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/pip", None, regie),
        lambda r: r.status_code == 200,
        what="the draft PIP exists",
    )
    return dossier_id


def _cells(row) -> list[str]:
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def test_a_beleidsmedewerker_reads_the_reports_and_downloads_them_as_csv(page, werkplek, platform):
    before = _nieuwegein(_report(platform))
    on_time = _established_pip(platform, NIEUWEGEIN)
    overdue = _overdue_draft(platform, NIEUWEGEIN)
    report = eventually(
        lambda: _report(platform),
        lambda r: (
            _nieuwegein(r)["on_time"]["on_time"] > before["on_time"]["on_time"]
            and _nieuwegein(r)["on_time"]["overdue_drafts"] > before["on_time"]["overdue_drafts"]
        ),
        what="the report counts the new PIPs",
    )
    numbers = _nieuwegein(report)
    assert numbers["routes"]["b1"] > before["routes"]["b1"]

    log_in(page, werkplek, "bas")

    # The region: every gemeente side by side, as the API counts them.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"PIP-rapportage {report['region']}")
    expect(page.get_by_text("Bas Smit, beleidsmedewerker")).to_be_visible()
    on_time_row = _cells(page.locator("#op-tijd-0356"))
    share = numbers["on_time"]["share"]
    assert on_time_row[:4] == [
        str(numbers["on_time"]["on_time"]),
        str(numbers["on_time"]["established_late"]),
        str(numbers["on_time"]["overdue_drafts"]),
        f"{round(share * 100)}%",
    ]
    total = report["total"]
    region_row = _cells(page.locator("#op-tijd-regio"))
    assert region_row[0] == str(total["on_time"]["on_time"])
    routes = page.get_by_role("table", name="Vastgestelde PIP's per leerroute, hele regio")
    expect(routes.get_by_role("row", name=re.compile("^B1-route"))).to_contain_text(
        str(total["routes"]["b1"])
    )
    statuses = page.get_by_role("table", name="Doelen per status, hele regio")
    expect(statuses.get_by_role("row", name=re.compile("^Open"))).to_contain_text(
        str(total["goals_by_status"]["open"])
    )
    # The bars are pictures of the numbers in the table: hidden from screen readers.
    expect(page.locator("svg.staaf").first).to_have_attribute("aria-hidden", "true")
    checked(page, "rapportage-regio")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download de cijfers van de regio").click()
    download = download_info.value
    assert download.suggested_filename == f"pip-rapportage-regio-{report['as_of']}.csv"
    region_csv = Path(download.path()).read_bytes().decode("utf-8")
    assert region_csv.startswith("section,gemeente,item,measure,value")
    assert f"op-tijd,0356,,on_time,{numbers['on_time']['on_time']}" in region_csv

    # One gemeente: its numbers, and the dossiers it lists.
    page.get_by_role("link", name="Nieuwegein", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PIP-rapportage Nieuwegein")
    gemeente = _report(platform, f"/api/v1/reports/pip/gemeenten/{NIEUWEGEIN}")
    counted = sum(gemeente["on_time"][k] for k in ("on_time", "established_late", "overdue_drafts"))
    expect(page.locator("#deel-op-tijd")).to_have_text(
        f"{round(gemeente['on_time']['share'] * 100)}% van de PIP's is op tijd vastgesteld:"
        f" {gemeente['on_time']['on_time']} van {counted}."
    )
    late = page.get_by_role(
        "table", name="PIP's die niet op tijd zijn vastgesteld, op dossiernummer"
    )
    expect(late.get_by_role("row", name=re.compile(overdue))).to_contain_text(
        "nog niet vastgesteld"
    )
    expect(late).not_to_contain_text(on_time)
    checked(page, "rapportage-gemeente")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download de cijfers van Nieuwegein").click()
    download = download_info.value
    assert download.suggested_filename == f"pip-rapportage-nieuwegein-{gemeente['as_of']}.csv"
    gemeente_csv = Path(download.path()).read_bytes().decode("utf-8")
    api_csv = platform.http.get(
        f"{platform.url}/api/v1/reports/pip/gemeenten/{NIEUWEGEIN}?format=csv",
        headers=platform.headers("beleidsmedewerker", *ALL),
        timeout=15,
    )
    assert gemeente_csv == api_csv.text
    assert f"te-laat,0356,{overdue},deadline," in gemeente_csv


def test_a_regievoerder_reads_only_their_own_gemeente_s_report_with_its_dossiers(
    page, werkplek, platform
):
    overdue = _overdue_draft(platform, "0344")
    log_in(page, werkplek, "anna")

    page.get_by_role("link", name="Rapportage", exact=True).click()
    expect(page.get_by_role("link", name="Nieuwegein", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Utrecht", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PIP-rapportage Utrecht")
    expect(page.get_by_role("link", name=overdue)).to_have_attribute("href", f"/dossiers/{overdue}")
    checked(page, "rapportage-gemeente-regievoerder")

    answer = page.goto(f"{werkplek}/rapportage/gemeenten/0356")

    assert answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("U mag dit niet zien")
    answer = page.goto(f"{werkplek}/rapportage/gemeenten/0356/csv")
    assert answer.status == 403
