"""The Werkplek in a real browser, the PIP (issue 16): the regievoerder reads the plan's sections
and goals in Dutch, changes the draft, establishes it after a confirmation, revises it, and sees
each version as it stood on its date; a refused input is shown at its field, and every change
reaches the API."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from services.common.clock import today_in_amsterdam
from services.werkplek.texts import as_date
from tests.browser import checked, log_in
from tests.e2e.http import as_role, send
from tests.pip_fixtures import SCHOOL, goal, sections
from tests.pip_history import intake_completed_earlier
from tests.platform import eventually, person
from tests.unit.test_brede_intake import CIRCUMSTANCES, EDUCATION, LBT


def _draft_pip(platform, family_name: str) -> str:
    """A person who arrived six weeks ago, whose brede intake was completed then, with a draft PIP:
    every section, a health goal, a language goal and a goal to remove."""
    today = today_in_amsterdam()
    arrived = (today - timedelta(weeks=6)).isoformat()
    who = person(
        "0344",
        given_name="Amal",
        family_name=family_name,
        duo_notice_date=arrived,
        brp_registration_date=arrived,
    )
    dossier_id = platform.register(who)
    intake = f"/api/v1/dossiers/{dossier_id}/intake"
    for method, path, body in (
        ("PUT", f"{intake}/leerbaarheidstoets", {**LBT, "taken_on": arrived}),
        ("POST", f"{intake}/education", EDUCATION),
        ("PUT", f"{intake}/personal-circumstances", CIRCUMSTANCES),
        ("POST", f"{intake}/complete", None),
    ):
        assert send(platform, method, path, body, as_role()).status_code == 200
    pip = f"/api/v1/dossiers/{dossier_id}/pip"
    eventually(
        lambda: send(platform, "GET", pip, None, as_role()).json(),
        lambda shown: (shown.get("starting_points") or {}).get("intake_completed_on"),
        what="pip has the intake's starting points",
    )
    # A PIP is not dated before its intake's completion: the intake was done when they arrived.
    intake_completed_earlier(dossier_id, today - timedelta(weeks=6))
    assert send(platform, "PATCH", pip, sections(today), as_role()).status_code == 200
    for body in (
        goal(today, description="Preventief gezondheidsgesprek bij de huisarts."),
        goal(today, "taal", owner=SCHOOL, description="Taal leren tot A2.", phase=1),
        goal(today, "werk", description="Overbodig doel."),
    ):
        assert send(platform, "POST", f"{pip}/goals", body, as_role()).status_code == 201
    return dossier_id


def _pip(platform, dossier_id: str, **query: str) -> dict:
    suffix = "".join(f"?{name}={value}" for name, value in query.items())
    return platform.get(f"/api/v1/dossiers/{dossier_id}/pip{suffix}").json()


def _goal(shown: dict, description: str) -> dict:
    return next(g for g in shown["plan"]["goals"] if g["description"] == description)


def test_a_regievoerder_drafts_establishes_and_revises_a_pip(page, werkplek, platform):
    dossier_id = _draft_pip(platform, "Plan Vaststellen")
    today = today_in_amsterdam()
    decided_on = today - timedelta(days=20)
    log_in(page, werkplek, "anna")

    # The draft: its state, the intake's starting points, the sections and the goals by domain.
    page.goto(f"{werkplek}/dossiers/{dossier_id}/pip")
    expect(page.get_by_text("Concept: nog niet vastgesteld")).to_be_visible()
    expect(page.get_by_role("heading", name="Startpunten uit de brede intake")).to_be_visible()
    expect(page.get_by_text("Elk plan heeft een doel over gezondheid")).to_be_visible()
    expect(page.get_by_role("heading", name="Leerroute", exact=True)).to_be_visible()
    expect(page.get_by_role("definition").get_by_text("B1-route", exact=True)).to_be_visible()
    language = page.get_by_role("table", name="Taal", exact=True)
    expect(language.get_by_role("row", name=re.compile("Taal leren tot A2."))).to_contain_text(
        "Fase 1: een zinvolle dag"
    )
    expect(page.get_by_role("table", name="Gezondheid")).to_contain_text("Preventief")
    checked(page, "pip-concept")

    # A goal changed: its phase, description and due date; then another removed.
    page.get_by_role("link", name="Taal leren tot A2.").click()
    expect(page.get_by_role("heading", name="Doel: Taal leren tot A2.")).to_be_visible()
    checked(page, "pip-doel-concept")
    page.get_by_label("Doel", exact=True).fill("Taal leren tot B1.")
    page.get_by_label("Fase op de participatieladder (0 tot en met 4)").select_option("2")
    due_on = (today + timedelta(days=200)).isoformat()
    page.get_by_label("Klaar op").fill(due_on)
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Opgeslagen.")
    row = page.get_by_role("row", name=re.compile("Taal leren tot B1."))
    expect(row).to_contain_text("Fase 2: leren in vrijwilligerswerk")
    expect(row).to_contain_text(as_date(due_on))
    changed = _goal(_pip(platform, dossier_id), "Taal leren tot B1.")
    assert (changed["phase"], changed["due_on"]) == (2, due_on)

    page.get_by_role("link", name="Overbodig doel.").click()
    page.get_by_role("button", name="Doel verwijderen").click()
    expect(page.get_by_role("status")).to_have_text("Het doel is verwijderd.")
    expect(page.get_by_role("link", name="Overbodig doel.")).to_have_count(0)
    shown = _pip(platform, dossier_id)
    assert "Overbodig doel." not in {g["description"] for g in shown["plan"]["goals"]}

    # The draft's own sections as a form.
    page.get_by_role("link", name="Onderdelen van het plan invullen of wijzigen").click()
    guidance = page.get_by_role("group", name="Begeleiding")
    expect(guidance.get_by_label("Uren begeleiding per week")).to_have_value("2")
    checked(page, "pip-onderdelen")
    guidance.get_by_label("Uren begeleiding per week").fill("3")
    page.get_by_role("button", name="Onderdelen opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Opgeslagen.")
    assert _pip(platform, dossier_id)["plan"]["guidance"]["hours_per_week"] == 3

    # Establishing, dated 20 days back: refused without a reason for that date, at its field.
    page.get_by_role("link", name="PIP vaststellen").click()
    checked(page, "pip-vaststellen")
    page.get_by_label("Datum van het besluit").fill(decided_on.isoformat())
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("heading", name="Klopt dit?")).to_be_visible()
    expect(page.get_by_text(f"vast op {as_date(decided_on)}")).to_be_visible()
    expect(page.get_by_text("Dit is op tijd")).to_be_visible()
    checked(page, "pip-vaststellen-bevestigen")
    page.get_by_role("button", name="Nee, terug").click()
    expect(page.get_by_label("Datum van het besluit")).to_have_value(decided_on.isoformat())
    page.get_by_role("button", name="Verder").click()
    page.get_by_role("button", name="Ja, PIP vaststellen").click()
    expect(page.locator("#backdating_reason-fout")).to_have_text(
        "Schrijf op waarom het besluit een datum heeft van meer dan 14 dagen geleden."
    )
    expect(page.get_by_label("Datum van het besluit")).to_have_value(decided_on.isoformat())
    checked(page, "pip-vaststellen-fout")
    assert _pip(platform, dossier_id)["status"] == "concept"
    page.get_by_label("Reden voor een datum").fill("Besluit op papier genomen, nu ingevoerd.")
    page.get_by_role("button", name="Verder").click()
    page.get_by_role("button", name="Ja, PIP vaststellen").click()
    expect(page.get_by_role("status")).to_have_text(
        f"Het PIP is vastgesteld op {as_date(decided_on)}. Dat is op tijd: de deadline was "
        f"{as_date(today + timedelta(weeks=4))}."
    )
    expect(page.get_by_role("button", name="Doel toevoegen")).to_have_count(0)
    checked(page, "pip-vastgesteld")
    established = _pip(platform, dossier_id)
    assert established["status"] == "vastgesteld"
    assert established["decision"]["decided_on"] == decided_on.isoformat()
    assert established["decision"]["backdating_reason"].startswith("Besluit op papier")

    # Revising: a new version, today, with a reason and a goal in a later phase.
    page.get_by_role("link", name="PIP bijstellen").click()
    checked(page, "pip-bijstellen")
    page.get_by_label("Soort bijstelling").select_option("anders")
    page.get_by_label("Waarom wordt het plan bijgesteld?").fill("Taalles gaat sneller.")
    page.get_by_role("group", name="Taal leren tot B1.").get_by_label("Fase").select_option("3")
    page.get_by_role("button", name="PIP bijstellen").click()
    expect(page.get_by_role("status")).to_contain_text("Het PIP is bijgesteld.")
    expect(page.get_by_role("row", name=re.compile("Taal leren tot B1."))).to_contain_text("Fase 3")
    revised = _pip(platform, dossier_id)
    assert [v["number"] for v in revised["versions"]] == [1, 2]
    assert revised["decision"]["explanation"] == "Taalles gaat sneller."
    assert _goal(revised, "Taal leren tot B1.")["phase"] == 3

    # The history: each version with its date and reason, and the PIP as it stood then.
    versions = page.get_by_role("table", name=re.compile("Elke versie"))
    expect(versions.get_by_role("row", name=re.compile("Taalles gaat sneller."))).to_contain_text(
        as_date(today)
    )
    checked(page, "pip-bijgesteld")
    versions.get_by_role("link", name=f"Het PIP op {as_date(decided_on)}").click()
    expect(page.get_by_text(f"versie 1, van {as_date(decided_on)}")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Taal leren tot B1."))).to_contain_text("Fase 2")
    checked(page, "pip-versie-1")
    then = _pip(platform, dossier_id, as_of=decided_on.isoformat())
    assert _goal(then, "Taal leren tot B1.")["phase"] == 2

    # Progress on a goal of the plan in force.
    page.get_by_role("link", name="Naar het PIP van nu").click()
    page.get_by_role("link", name="Taal leren tot B1.").click()
    page.get_by_label("Stand van het doel").select_option("bezig")
    page.get_by_label("Toelichting").fill("Eerste lessen gevolgd.")
    page.get_by_role("button", name="Voortgang vastleggen").click()
    expect(page.get_by_role("status")).to_have_text("De voortgang is vastgelegd.")
    expect(page.get_by_role("row", name=re.compile("Eerste lessen gevolgd."))).to_contain_text(
        "Bezig"
    )
    checked(page, "pip-doel-voortgang")
    assert _goal(_pip(platform, dossier_id), "Taal leren tot B1.")["status"] == "bezig"


def test_a_klantmanager_reads_the_pip_without_its_forms(page, werkplek, platform):
    dossier_id = _draft_pip(platform, "Plan Alleen Lezen")
    log_in(page, werkplek, "karim")

    page.goto(f"{werkplek}/dossiers/{dossier_id}/pip")

    expect(page.get_by_role("row", name=re.compile("Taal leren tot A2."))).to_be_visible()
    expect(page.get_by_role("heading", name="Doel toevoegen")).to_have_count(0)
    expect(page.get_by_role("link", name="PIP vaststellen")).to_have_count(0)
    expect(page.get_by_role("heading", name="Startpunten uit de brede intake")).to_have_count(0)
    checked(page, "pip-klantmanager")
    page.get_by_role("link", name="Taal leren tot A2.").click()
    expect(page.get_by_role("heading", name="Doel: Taal leren tot A2.")).to_be_visible()
    expect(page.get_by_role("button")).to_have_text(["Uitloggen"])
    checked(page, "pip-doel-klantmanager")
