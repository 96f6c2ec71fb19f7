"""The Werkplek in a real browser (issue 17 point 6): a health signal without the person's
consent to the gemeente is refused, and the regievoerder reads why next to the field; once the
consent is recorded, the signal is taken and keeps the consent as its basis."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import checked, log_in
from tests.e2e.test_health_signal_consent import HEALTH_CONSENT
from tests.platform import eventually, person


def test_a_health_signal_waits_for_the_persons_consent(page, werkplek, platform):
    dossier_id = platform.register(person("0344", given_name="Samira", family_name="Signaal"))
    consents = f"/api/v1/dossiers/{dossier_id}/consents"
    eventually(
        lambda: platform.get(consents, "regievoerder", "0344").status_code,
        lambda status: status == 200,
        what="consent knows the dossier",
    )
    log_in(page, werkplek, "anna")
    page.goto(f"{werkplek}/dossiers/{dossier_id}/signalen")

    page.get_by_label("Leefgebied").select_option("gezondheid")
    page.get_by_label("Wat is er aan de hand?").fill("Slaapt slecht sinds de reis.")
    page.get_by_label("Gevoeligheid").select_option("vertrouwelijk")
    page.get_by_role("button", name="Signaal geven").click()
    expect(page.locator("#consent-fout")).to_contain_text("toestemming")
    checked(page, "dossier-signalen-zonder-toestemming")
    signals = f"/api/v1/dossiers/{dossier_id}/signals"
    assert platform.get(signals, "regievoerder", "0344").json()["signals"] == []

    given = platform.post(consents, HEALTH_CONSENT)
    assert given.status_code == 201, given.text
    page.get_by_label("Leefgebied").select_option("gezondheid")
    page.get_by_label("Wat is er aan de hand?").fill("Slaapt slecht sinds de reis.")
    page.get_by_label("Gevoeligheid").select_option("vertrouwelijk")
    page.get_by_role("button", name="Signaal geven").click()
    expect(page.get_by_text("Slaapt slecht sinds de reis.")).to_be_visible()
    checked(page, "dossier-signalen-met-toestemming")
    [signal] = platform.get(signals, "regievoerder", "0344").json()["signals"]
    assert signal["basis"]["consent_id"] == given.json()["id"]
