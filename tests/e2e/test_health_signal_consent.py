"""A health signal reaches the gemeente only on a basis recorded first (issue 17, point 6).

Health is a special category (AVG art. 9 lid 1). A GP's or social worker's signal about it is
not care the gemeente gives, so AVG art. 9 lid 2 sub h does not carry it: the person's explicit
consent (art. 9 lid 2 sub a) to the gemeente, for the purpose the protocol names, must be
recorded before the signal is accepted, and the signal keeps that consent as its basis."""

from __future__ import annotations

import uuid

from tests.e2e.http import as_role, send
from tests.platform import eventually, person
from tests.roles_fixtures import start_guiding

UTRECHT = "00000001000000000344"  # the gemeente's OIN (infra/region.json)

HEALTH_CONSENT = {
    "grantor": {"kind": "betrokkene"},
    "grantee": {"oin": UTRECHT, "name": "Gemeente Utrecht"},
    "purpose": "inburgering",
    "categories": ["gezondheid"],
    "valid_until": "2028-12-31",
    "collection": {"method": "mondeling-met-tolk", "language": "Tigrinya"},
    "evidence": "Gesprek 2026-11-29, tolk 4411",
}


def _registered(platform) -> str:
    dossier_id = platform.register(person("0344"))
    eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/consents"),
        lambda r: r.status_code == 200,
        what="consent knows the dossier",
    )
    return dossier_id


def _signal(platform, dossier_id: str, domain: str, role: str = "huisarts"):
    return send(
        platform,
        "POST",
        f"/api/v1/dossiers/{dossier_id}/signals",
        {"domain": domain, "text": "Slaapt slecht sinds de reis.", "sensitivity": "vertrouwelijk"},
        as_role(role),
    )


def _missing(response) -> set[str]:
    return {e["field"] for e in response.json().get("errors", [])}


def test_a_health_signal_needs_the_persons_consent_and_keeps_it_as_its_basis(platform):
    dossier_id = _registered(platform)
    consents = f"/api/v1/dossiers/{dossier_id}/consents"

    without = _signal(platform, dossier_id, "gezondheid")
    assert without.status_code == 422, without.text
    assert "consent" in _missing(without)

    given = send(platform, "POST", consents, HEALTH_CONSENT)
    assert given.status_code == 201, given.text
    consent_id = given.json()["id"]

    accepted = _signal(platform, dossier_id, "gezondheid")
    assert accepted.status_code == 201, accepted.text
    basis = accepted.json()["basis"]
    assert basis["basis"] == "toestemming" and basis["consent_id"] == consent_id
    assert "art. 9 lid 2 sub a" in basis["article"]

    read = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/signals").json()
    assert [s["basis"]["consent_id"] for s in read["signals"]] == [consent_id]

    withdrawn = send(
        platform,
        "POST",
        f"{consents}/{consent_id}/withdrawal",
        {"reason": "Wil het niet meer."},
    )
    assert withdrawn.status_code == 200, withdrawn.text

    after = _signal(platform, dossier_id, "gezondheid")
    assert after.status_code == 422, after.text
    assert "consent" in _missing(after)
    read = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/signals").json()
    assert len(read["signals"]) == 1, "only the signal given under the consent was kept"


def test_a_consent_for_another_category_or_purpose_does_not_cover_health(platform):
    dossier_id = _registered(platform)
    consents = f"/api/v1/dossiers/{dossier_id}/consents"
    other = send(platform, "POST", consents, {**HEALTH_CONSENT, "categories": ["financien"]})
    assert other.status_code == 201, other.text

    refused = _signal(platform, dossier_id, "gezondheid", role="maatschappelijk-werker")
    assert refused.status_code == 422, refused.text
    assert "consent" in _missing(refused)


def test_a_signal_that_is_not_about_health_needs_no_consent(platform):
    dossier_id = _registered(platform)

    given = _signal(platform, dossier_id, "huisvesting")

    assert given.status_code == 201, given.text
    assert given.json()["basis"] is None


def test_a_guides_health_signal_needs_the_persons_consent_to_the_gemeente_too(platform):
    """The volunteer guide's signal (through matching's guidance) is a signal to the gemeente
    as well: about health, only with the person's explicit consent recorded first."""
    dossier_id = _registered(platform)
    guide = start_guiding(platform, dossier_id, f"gids-{uuid.uuid4().hex[:8]}")
    signals = f"/api/v1/dossiers/{dossier_id}/guidance/signals"
    health = {"domain": "gezondheid", "text": "Lijkt erg moe bij de afspraken."}

    without = send(platform, "POST", signals, health, guide)
    assert without.status_code == 422, without.text
    assert "consent" in _missing(without)
    guidance = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/guidance").json()
    assert guidance["signals"] == [], "the refused signal was not kept"

    other = send(platform, "POST", signals, {"domain": "huisvesting", "text": "Lekkage."}, guide)
    assert other.status_code == 201, other.text

    consent_id = send(
        platform, "POST", f"/api/v1/dossiers/{dossier_id}/consents", HEALTH_CONSENT
    ).json()["id"]
    accepted = send(platform, "POST", signals, health, guide)
    assert accepted.status_code == 201, accepted.text

    guidance = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/guidance").json()
    bases = {s["domain"]: s["basis"] for s in guidance["signals"]}
    assert bases["huisvesting"] is None
    assert bases["gezondheid"]["consent_id"] == consent_id
    assert "art. 9 lid 2 sub a" in bases["gezondheid"]["article"]
