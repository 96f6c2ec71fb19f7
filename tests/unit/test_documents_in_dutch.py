"""The documents for a person, the consent receipt and the inzage report, in Dutch a person can
read (issue 16): organisations and languages by name, periods and dates written out."""

from __future__ import annotations

import re

from services.audit.inzage import inzage, inzage_html
from services.audit.register import ProcessingRegister
from services.common import dutch
from services.common.region import Region
from services.consent.receipt import receipt_html

PARTNER = "00000003000000000023"
UTRECHT = "00000001000000000344"
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\bP\d+[YMWD]\b")


def _entry(event_type: str, **fields: str) -> dict[str, str]:
    return {
        "event_type": event_type,
        "event_time": "2026-11-29T10:15:00+00:00",
        "receiving_party": "",
        "result": "",
        "legal_basis": "",
        "actor_roles": "",
        "organisation": "",
        "activity": "",
        **fields,
    }


def test_the_inzage_page_names_organisations_and_writes_out_periods_and_dates():
    entries = [
        _entry("nl.wegwijs.intake.dossier.geregistreerd.v1"),
        _entry(
            "nl.wegwijs.consent.deelbesluit.genomen.v1",
            receiving_party=PARTNER,
            result="toegestaan",
        ),
        _entry(
            "nl.wegwijs.gateway.gegevens.ingezien.v1",
            actor_roles="regievoerder,klantmanager",
            organisation=UTRECHT,
            activity="dossier-inzien",
        ),
    ]
    names = {PARTNER: "Taalhuis", **dutch.gemeente_organisations(Region.load())}
    report = inzage("d-1", entries, ProcessingRegister.load(), names)

    page = inzage_html(report, {"identiteit": "Identiteit", "contact": "Contactgegevens"})

    assert report["ontvangers"][0]["ontvanger_naam"] == "Taalhuis"
    assert "Taalhuis" in page and PARTNER not in page
    assert "Gemeente Utrecht" in page and UTRECHT not in page
    assert "5 jaar na het einde van de inburgeringstermijn" in page
    assert "29 november 2026" in page and not ISO.search(page)
    assert "Contactgegevens" in page and "regievoerder, klantmanager" in page


def test_an_organisation_the_report_cannot_name_is_said_to_be_one():
    entries = [
        _entry(
            "nl.wegwijs.consent.deelbesluit.genomen.v1", receiving_party=PARTNER, result="geweigerd"
        )
    ]
    page = inzage_html(inzage("d-1", entries, ProcessingRegister.load()), {})
    assert f"organisatie {PARTNER}" in page


def _receipt(**changes) -> dict:
    return {
        "consent_id": "c-1",
        "controller": {"name": "Gemeente Utrecht", "oin": UTRECHT},
        "grantor": {"kind": "wettelijk-vertegenwoordiger", "name": "<b>A. Voogd</b>"},
        "grantee": {"oin": PARTNER, "name": "Taalhuis"},
        "purpose": {"id": "inburgeringsonderwijs", "label": "Taalonderwijs"},
        "categories": [{"id": "taal-leerbaarheid", "label": "Taal en leerbaarheid"}],
        "valid_from": "2026-03-01",
        "valid_until": "2028-02-29",
        "collection": {"method": "mondeling-met-tolk", "language": "ti"},
        "evidence": "T-17",
        "status": "gegeven",
        "withdrawn_on": None,
        "history": [
            {"what": "gegeven", "by": "anna"},
            {"what": "gewijzigd", "by": "anna", "fields": ["valid_until"], "reason": "Korter."},
        ],
        "withdrawal": "Intrekken kan altijd.",
        **changes,
    }


def test_the_receipt_names_the_organisation_and_the_language_and_writes_out_the_period():
    page = receipt_html(_receipt())

    assert "Taalhuis" in page and PARTNER not in page
    assert "mondeling, met een tolk, in het Tigrinya" in page
    assert "van 1 maart 2026 tot en met 29 februari 2028" in page and not ISO.search(page)
    assert "Gewijzigd (einddatum): Korter." in page
    assert "&lt;b&gt;A. Voogd&lt;/b&gt;" in page and "<b>A. Voogd" not in page


def test_a_withdrawn_consent_says_since_when_and_a_language_written_out_stays_as_it_is():
    rows = dict(
        dutch.receipt_rows(
            _receipt(
                status="ingetrokken",
                withdrawn_on="2026-11-29",
                collection={"method": "schriftelijk", "language": "Arabisch"},
            )
        )
    )
    assert rows["Status"] == "ingetrokken op 29 november 2026"
    assert rows["Gevraagd"] == "schriftelijk, met handtekening, in het Arabisch"


def test_a_refused_consent_form_has_each_problem_at_its_field_in_dutch():
    from services.werkplek.dossier_toestemmingen import _problems
    from services.werkplek.gateway import Problem

    refused = Problem(
        422,
        errors=[
            {"field": "valid_until", "detail": "must be within 3 years of valid_from"},
            {"field": "collection/language", "detail": "String should have at least 1 character"},
            {"field": "categories/0", "detail": "Input should be 'contact' or 'gezin'"},
            {"field": "grantee/oin", "detail": "String should match pattern '^[0-9]{20}$'"},
        ],
    )
    assert _problems(refused) == {
        "valid_until": "Een toestemming geldt hoogstens 3 jaar na de begindatum.",
        "collection_language": "Kies de taal waarin de persoon is ingelicht.",
        "categories": "Kies minstens één soort gegevens.",
        "grantee": "Kies de organisatie die de gegevens krijgt.",
    }
    assert _problems(Problem(409)) == {
        "_": "Deze toestemming is ingetrokken of verlopen. Leg zo nodig een nieuwe vast."
    }
