"""The Werkplek in a real browser, fair enforcement at the brede intake (issue 17 points 2 to 4):
Anna, regievoerder in Utrecht, records that Samir did not come, takes the warning the ladder makes
due, records a doctor's note that came afterwards (the fine is no longer due), and, when the fine
is due again, is told at the fields what the law asks first (culpability and a hearing) before
she takes it. For Yonas, who cannot take the leerbaarheidstoets, she records why, and completes
the intake with a route she chooses and explains. In Nieuwegein, Lotte records breaches of a PIP,
takes the warning after assessing culpability, and sends the measure on the benefit to Daan, the
klantmanager, who records his decision after hearing the person. Every page passes axe-core."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from services.common.clock import today_in_amsterdam
from tests.browser import checked, log_in
from tests.e2e.http import as_role, send
from tests.e2e.test_pip import _completed_intake, _draft
from tests.platform import person
from tests.unit.test_brede_intake import CIRCUMSTANCES, EDUCATION

NO_SHOW = {"attended": False, "note": "Niet verschenen, geen bericht."}


def _choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _saved(page) -> None:
    expect(page.get_by_role("status")).to_have_text("Opgeslagen.")


def _planned_last_week(platform, dossier_id: str) -> int:
    """A conversation planned a week ago, over the API; its number."""
    planned_on = (today_in_amsterdam() - timedelta(days=7)).isoformat()
    answer = send(
        platform,
        "POST",
        f"/api/v1/dossiers/{dossier_id}/intake/conversations",
        {"planned_on": planned_on, "purpose": "Brede intake"},
    )
    assert answer.status_code == 200, answer.text
    return len(answer.json()["conversations"])


def _missed(platform, dossier_id: str, number: int) -> None:
    path = f"/api/v1/dossiers/{dossier_id}/intake/conversations/{number}/attendance"
    answer = send(platform, "PUT", path, NO_SHOW)
    assert answer.status_code == 200, answer.text


def _steps(page):
    return page.get_by_role("table", name="Sanctiestappen na niet komen bij gesprekken")


def _sanctions(platform, dossier_id: str) -> list[tuple[str, str | None]]:
    intake = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/intake").json()
    return [(s["step"], s["decision"]) for s in intake["sanctions"]]


def test_a_regievoerder_takes_the_sanction_steps_of_the_intake_as_the_law_asks(
    page, werkplek, platform
):
    dossier_id = platform.register(person("0344", given_name="Samir", family_name="Handhaving"))
    first = _planned_last_week(platform, dossier_id)
    log_in(page, werkplek, "anna")
    intake = f"{werkplek}/dossiers/{dossier_id}/intake"

    # The first no-show, recorded in the browser: the ladder makes a warning due.
    page.goto(f"{intake}/gesprekken")
    page.get_by_role("link", name=f"Vastleggen of de persoon kwam bij gesprek {first}").click()
    _choose(page, "Is de persoon gekomen?", "Nee")
    page.get_by_label("Wat is er gebeurd?").fill("Niet gekomen, niet gebeld.")
    page.get_by_role("button", name="Opslaan").click()
    _saved(page)
    page.goto(intake)
    warning = _steps(page).get_by_role("row", name="Waarschuwing")
    expect(warning).to_contain_text("Nog te besluiten")
    checked(page, "handhaving-intake-sancties")

    # Anna takes the warning.
    warning.get_by_role("link", name="Waarschuwing").click()
    expect(page.get_by_role("heading", name="Waarschuwing")).to_be_visible()
    _choose(page, "Neemt u deze stap?", "Ja")
    page.get_by_label("Waarom neemt u deze stap, of ziet u ervan af?").fill(
        "Eerste keer niet gekomen; uitleg in eigen taal gegeven."
    )
    checked(page, "handhaving-waarschuwing")
    page.get_by_role("button", name="Besluit vastleggen").click()
    _saved(page)
    expect(page.get_by_text("Over deze stap is al besloten.")).to_be_visible()
    assert _sanctions(platform, dossier_id) == [("waarschuwing", "genomen")]

    # The second no-show makes a fine due; a doctor's note afterwards excuses it.
    second = _planned_last_week(platform, dossier_id)
    _missed(platform, dossier_id, second)
    assert _sanctions(platform, dossier_id)[-1] == ("boete", None)
    page.goto(f"{intake}/gesprekken/{second}")
    expect(page.get_by_role("heading", name="Afmelding achteraf vastleggen")).to_be_visible()
    page.get_by_label("Wat is de reden van de afmelding?").fill("Briefje van de huisarts: ziek.")
    checked(page, "handhaving-afmelding-achteraf")
    page.get_by_role("button", name="Afmelding vastleggen").click()
    _saved(page)
    assert _sanctions(platform, dossier_id)[-1] == ("boete", "ingetrokken")
    page.goto(intake)
    expect(_steps(page).get_by_role("row", name="Boete")).to_contain_text(
        "Niet meer nodig (afgemeld)"
    )

    # Another no-show: the fine is due again. Taking it without culpability and a hearing is
    # refused, with what is missing at each group of fields.
    third = _planned_last_week(platform, dossier_id)
    _missed(platform, dossier_id, third)
    page.goto(f"{intake}/sancties/boete")
    _choose(page, "Neemt u deze stap?", "Ja")
    page.get_by_label("Waarom neemt u deze stap, of ziet u ervan af?").fill("Weer niet gekomen.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_role("alert")).to_contain_text("Niet opgeslagen")
    expect(page.locator("#culpability-fout")).to_contain_text("te verwijten")
    expect(page.locator("#hearing-fout")).to_contain_text("kon reageren")
    expect(page.get_by_label("Waarom neemt u deze stap, of ziet u ervan af?")).to_have_value(
        "Weer niet gekomen."
    )
    checked(page, "handhaving-boete-fout")
    assert _sanctions(platform, dossier_id)[-1] == ("boete", None), "nothing was taken"

    culpability = page.get_by_role("group", name="Verwijtbaarheid")
    _choose(culpability, "Is het de persoon te verwijten?", "Ja")
    culpability.get_by_label("Waarom wel of niet?").fill(
        "Na een waarschuwing in eigen taal weer niet gekomen, zonder bericht."
    )
    hearing = page.get_by_role("group", name="Zienswijze")
    heard_on = (today_in_amsterdam() - timedelta(days=2)).isoformat()
    hearing.get_by_label("Wanneer kreeg de persoon de kans om te reageren?").fill(heard_on)
    hearing.get_by_label("Hoe reageerde de persoon?").select_option(label="In een gesprek")
    hearing.get_by_label("Wat zei of schreef de persoon?").fill("Vergeten; geen andere reden.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    _saved(page)
    assert _sanctions(platform, dossier_id)[-1] == ("boete", "genomen")
    decided = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/intake").json()["sanctions"]
    assert decided[-1]["hearing"]["invited_on"] == heard_on
    assert decided[-1]["culpability"]["culpable"] is True


def test_an_intake_completes_without_the_toets_when_the_person_cannot_take_it(
    page, werkplek, platform
):
    dossier_id = platform.register(person("0344", given_name="Yonas", family_name="Zonder Toets"))
    path = f"/api/v1/dossiers/{dossier_id}/intake"
    assert send(platform, "POST", f"{path}/education", EDUCATION).status_code < 300
    circumstances = send(platform, "PUT", f"{path}/personal-circumstances", CIRCUMSTANCES)
    assert circumstances.status_code < 300, circumstances.text
    log_in(page, werkplek, "anna")
    page.goto(f"{werkplek}/dossiers/{dossier_id}/intake")

    page.get_by_role("link", name="Leg vast waarom de toets niet wordt afgenomen").click()
    page.get_by_label("Waarom wordt de toets niet afgenomen?").select_option(
        label="Een lichamelijke beperking, bijvoorbeeld slecht zien"
    )
    page.get_by_label("Toelichting").fill("Ziet bijna niets; de toets is op een scherm.")
    checked(page, "handhaving-toets-niet-afnemen")
    page.get_by_role("button", name="Opslaan").click()
    _saved(page)

    page.get_by_role("link", name="Terug naar de brede intake").click()
    parts = page.get_by_role("table", name="De delen van de brede intake")
    expect(parts.get_by_role("row", name="Leerbaarheidstoets")).to_contain_text(
        "Niet afgenomen: een lichamelijke beperking"
    )
    page.get_by_role("button", name="Brede intake afronden").click()
    expect(page.locator("#route-fout")).to_be_visible()
    checked(page, "handhaving-afronden-zonder-route")
    page.get_by_label("Leerroute", exact=True).select_option(label="Z-route")
    page.get_by_label("Waarom deze leerroute?").fill("Zonder toets; past bij wat hij kan.")
    page.get_by_role("button", name="Brede intake afronden").click()
    _saved(page)
    expect(page.get_by_text("De brede intake is afgerond.")).to_be_visible()
    intake = send(platform, "GET", path).json()
    assert intake["complete"] is True and intake["route_choice"]["route"] == "z"


def _established_in_nieuwegein(platform) -> str:
    """A dossier in Nieuwegein with an established PIP, over the API; its ladder makes a
    warning due on the first breach and a measure on the benefit on the second."""
    today = today_in_amsterdam()
    dossier_id = _completed_intake(platform, today - timedelta(weeks=6), "0356")
    _draft(platform, dossier_id, today, "0356")
    path = f"/api/v1/dossiers/{dossier_id}/pip/establish"
    established = send(platform, "POST", path, {}, as_role(gemeente="0356"))
    assert established.status_code == 200, established.text
    return dossier_id


def _breaches(platform, dossier_id: str) -> list[dict]:
    path = f"/api/v1/dossiers/{dossier_id}/pip"
    return send(platform, "GET", path, None, as_role(gemeente="0356")).json()["handhaving"]


def test_a_regievoerder_records_breaches_of_the_pip_and_sends_a_benefit_measure_on(
    page, werkplek, platform
):
    dossier_id = _established_in_nieuwegein(platform)
    log_in(page, werkplek, "lotte")
    page.goto(f"{werkplek}/dossiers/{dossier_id}/pip")
    expect(page.get_by_text("Er is geen schending van het PIP vastgelegd.")).to_be_visible()
    page.get_by_role("link", name="Naar de handhaving").click()

    for description in ("Drie lessen gemist.", "Weer twee weken niet op les."):
        page.get_by_label("Welke afspraak uit het PIP is niet nagekomen?").fill("Taalles NT2")
        page.get_by_label("Wat is er gebeurd?").fill(description)
        page.get_by_role("button", name="Schending vastleggen").click()
        _saved(page)
    table = page.get_by_role("table", name="Schendingen van het PIP en de maatregelen")
    expect(table.get_by_role("row", name="Schending 1")).to_contain_text("Waarschuwing")
    expect(table.get_by_role("row", name="Schending 2")).to_contain_text(
        "Maatregel op de uitkering"
    )
    checked(page, "handhaving-pip-schendingen")

    # The warning: taking it without a culpability assessment is refused at the group.
    table.get_by_role("link", name="Schending 1").click()
    _choose(page, "Neemt u deze maatregel?", "Ja")
    page.get_by_label("Waarom neemt u de maatregel, of ziet u ervan af?").fill("Eerste keer.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.locator("#culpability-fout")).to_contain_text("te verwijten")
    checked(page, "handhaving-pip-waarschuwing-fout")
    culpability = page.get_by_role("group", name="Verwijtbaarheid")
    _choose(culpability, "Is het de persoon te verwijten?", "Ja")
    culpability.get_by_label("Waarom wel of niet? Welke omstandigheden wogen mee?").fill(
        "Geen bericht gegeven; de les was goed bereikbaar."
    )
    page.get_by_role("button", name="Besluit vastleggen").click()
    _saved(page)
    assert _breaches(platform, dossier_id)[0]["decision"]["taken"] is True

    # The measure on the benefit is the klantmanager's: the regievoerder sends it on.
    page.get_by_role("link", name="Terug naar de handhaving").click()
    table.get_by_role("link", name="Schending 2").click()
    expect(page.get_by_role("heading", name="Doorsturen naar de klantmanager")).to_be_visible()
    expect(page.get_by_label("Neemt u deze maatregel?")).to_have_count(0)
    page.get_by_label("Waarom neemt u de maatregel, of ziet u ervan af?").fill(
        "Tweede schending; de klantmanager beslist over de uitkering."
    )
    checked(page, "handhaving-pip-doorsturen")
    page.get_by_role("button", name="Doorsturen").click()
    _saved(page)
    expect(page.get_by_text("De klantmanager besluit over deze maatregel.")).to_be_visible()
    assert _breaches(platform, dossier_id)[1]["decision"]["referred_to"] == "klantmanager"


def test_the_klantmanager_records_their_decision_on_a_benefit_measure(page, werkplek, platform):
    dossier_id = _established_in_nieuwegein(platform)
    lotte = as_role(gemeente="0356")
    breaches = f"/api/v1/dossiers/{dossier_id}/pip/breaches"
    for _ in range(2):
        body = {"obligation": "Taalles NT2", "description": "Niet gekomen."}
        assert send(platform, "POST", breaches, body, lotte).status_code == 201
    referral = {"take": False, "reason": "Voor de klantmanager.", "refer_to_klantmanager": True}
    assert send(platform, "PUT", f"{breaches}/2/decision", referral, lotte).status_code == 200

    log_in(page, werkplek, "daan")
    page.goto(f"{werkplek}/dossiers/{dossier_id}/pip/handhaving/2")
    form = page.get_by_role("heading", name="Uw besluit over de uitkering vastleggen")
    expect(form).to_be_visible()
    _choose(page, "Is de uitkering verlaagd?", "Ja")
    today = today_in_amsterdam().isoformat()
    page.get_by_label("Datum van het besluit").fill(today)
    page.get_by_label("Waarom?", exact=True).fill("Verlaging van 20 procent, een maand.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.locator("#culpability-fout")).to_be_visible()
    expect(page.locator("#hearing-fout")).to_be_visible()
    checked(page, "handhaving-klantmanager-fout")
    assert _breaches(platform, dossier_id)[1].get("participatiewet") is None

    culpability = page.get_by_role("group", name="Verwijtbaarheid")
    _choose(culpability, "Is het de persoon te verwijten?", "Ja")
    culpability.get_by_label("Waarom wel of niet? Welke omstandigheden wogen mee?").fill(
        "Wist van de afspraak; geen reden gegeven."
    )
    heard = page.get_by_role("group", name="Horen")
    heard.get_by_label("Wanneer is de persoon gehoord?").fill(today)
    heard.get_by_label("Wat zei of schreef de persoon?").fill("Vond de les te ver weg.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    _saved(page)
    expect(page.locator("dl")).to_contain_text("Uitkering verlaagd")
    checked(page, "handhaving-klantmanager-besluit")
    decided = _breaches(platform, dossier_id)[1]["participatiewet"]
    assert decided["lowered"] is True and decided["hearing"]["summary"] == "Vond de les te ver weg."
