"""The documents the services make for a person, the consent receipt and the inzage report, are
in Dutch a person can read (issue 16): organisations by name, not by OIN; a language by its
name, not its code; periods and dates written out, not in ISO 8601."""

from __future__ import annotations

import re

import pytest

from tests.e2e.http import as_role, send
from tests.platform import eventually, person

PARTNER = "00000003000000000023"  # a partner organisation of these tests only
PARTNER_NAME = "Stichting Nieuwe Start (documenten)"
UTRECHT_OIN = "00000001000000000344"  # infra/region.json
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ISO_PERIOD = re.compile(r"\bP(?:\d+[YMWD])+\b")
CONSENT = {
    "grantor": {"kind": "betrokkene"},
    "grantee": {"oin": PARTNER},
    "purpose": "maatschappelijke-begeleiding",
    "categories": ["gezondheid", "taal-leerbaarheid"],
    "valid_until": "2027-12-31",
    "collection": {"method": "mondeling-met-tolk", "language": "ti"},
    "evidence": "Gespreksverslag 2026-0311",
}


@pytest.fixture(scope="module")
def partner(platform):
    body = {
        "oin": PARTNER,
        "name": PARTNER_NAME,
        "kind": "maatschappelijke-begeleiding",
        "gemeenten": ["0344"],
    }
    registered = send(platform, "POST", "/api/v1/partners", body, as_role("admin"))
    assert registered.status_code in (200, 201), registered.text
    return PARTNER


def _with_consent(platform) -> tuple[str, str]:
    """A dossier in Utrecht with a consent for the partner, given without its name."""
    dossier_id = platform.register(person("0344"))
    consents = f"/api/v1/dossiers/{dossier_id}/consents"
    eventually(
        lambda: send(platform, "GET", consents).status_code,
        lambda status: status == 200,
        what="consent knows the dossier",
    )
    given = send(platform, "POST", consents, CONSENT)
    assert given.status_code == 201, given.text
    return dossier_id, given.json()["id"]


def test_the_receipt_names_the_organisation_the_language_and_the_dates(platform, partner):
    dossier_id, consent_id = _with_consent(platform)
    receipt = f"/api/v1/dossiers/{dossier_id}/consents/{consent_id}/receipt"

    page = send(platform, "GET", f"{receipt}.html")
    as_json = send(platform, "GET", receipt).json()

    assert page.status_code == 200, page.text
    text = page.text
    assert PARTNER_NAME in text and PARTNER not in text
    assert "in het Tigrinya" in text and not re.search(r"in het ti\b", text)
    assert "Gezondheid" in text and "Taal en leerbaarheid" in text
    assert "31 december 2027" in text and not ISO_DATE.search(text)
    assert as_json["grantee"] == {"oin": PARTNER, "name": PARTNER_NAME}
    unauthorised = platform.http.get(f"{platform.url}{receipt}.html", timeout=15)
    assert unauthorised.status_code == 401


def test_the_inzage_report_names_organisations_and_writes_out_periods_and_dates(platform, partner):
    dossier_id, _ = _with_consent(platform)
    question = {
        "dossier_id": dossier_id,
        "organisation": PARTNER,
        "purpose": "maatschappelijke-begeleiding",
        "categories": ["gezondheid"],
    }
    assert send(platform, "POST", "/api/v1/sharing/decisions", question).status_code == 200
    reader = as_role("regievoerder", organisation=UTRECHT_OIN)
    assert send(platform, "GET", f"/api/v1/dossiers/{dossier_id}", None, reader).ok
    auditor = as_role("auditor")
    inzage = f"/api/v1/audit/dossiers/{dossier_id}/inzage"
    eventually(
        lambda: send(platform, "GET", inzage, None, auditor).json(),
        lambda report: report.get("ontvangers") and report.get("inzage_door"),
        what="the decision and the read in the ledger",
    )

    page = send(platform, "GET", f"{inzage}.html", None, auditor)

    assert page.status_code == 200, page.text
    text = page.text
    assert PARTNER_NAME in text and PARTNER not in text
    assert "Gemeente Utrecht" in text and UTRECHT_OIN not in text
    assert "5 jaar" in text and not ISO_PERIOD.search(text)
    assert "Contactgegevens en wonen" in text  # a data category by its name
    assert not ISO_DATE.search(text)
    unauthorised = platform.http.get(f"{platform.url}{inzage}.html", timeout=15)
    assert unauthorised.status_code == 401
