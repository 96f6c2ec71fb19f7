"""Who is inburgeringsplichtig (issue 17, point 1), over HTTP: a member of a household without an
obligation of their own (a child, someone past the pensioengerechtigde leeftijd) is registered
as a member but gets no PIP and no deadline, and their dossier says when the obligation starts."""

from __future__ import annotations

from datetime import date, timedelta

from services.common.clock import today_in_amsterdam
from tests.e2e.http import send
from tests.platform import eventually, person


def _years_ago(years: int, days: int = 0) -> date:
    today = today_in_amsterdam()
    return date(today.year - years, today.month, min(today.day, 28)) - timedelta(days=days)


def _pip(platform, dossier_id: str):
    return send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/pip")


def _pip_opened(platform, dossier_id: str) -> dict:
    return eventually(
        lambda: _pip(platform, dossier_id),
        lambda r: r.status_code == 200,
        what="the draft PIP is open",
    ).json()


def _dossier(platform, dossier_id: str) -> dict:
    answer = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def _pip_lists(platform) -> set[str]:
    answer = platform.get("/api/v1/werkvoorraad", "regievoerder", "0344")
    assert answer.status_code == 200, answer.text
    return {
        item["dossier_id"]
        for entry in answer.json()["lists"]
        if entry["key"].startswith("pip_")
        for item in entry["items"]
    }


def test_a_child_in_a_household_gets_no_pip_and_no_deadline_and_the_dossier_says_when(platform):
    arrived = (today_in_amsterdam() - timedelta(weeks=11)).isoformat()  # deadline last week
    dates = {"duo_notice_date": arrived, "brp_registration_date": arrived}
    mother = platform.register(person("0344", birth_date="1981-04-02", **dates))
    born = _years_ago(7)
    child = platform.register(
        person(
            "0344",
            birth_date=born.isoformat(),
            household_of=mother,
            relation="kind",
            inburgeringsplicht=False,
            **dates,
        )
    )
    # Registered after the child: once its PIP is open, pip has read the child's registration.
    neighbour = platform.register(person("0344", **dates))
    _pip_opened(platform, neighbour)

    assert _pip(platform, child).status_code == 404
    assert _pip_opened(platform, mother)["status"] == "concept"
    assert child not in _pip_lists(platform)
    obligation = _dossier(platform, child)["obligation"]
    assert obligation["status"] == "nog-niet-inburgeringsplichtig"
    assert obligation["obligated"] is False
    assert obligation["starts_on"] == date(born.year + 18, born.month, born.day).isoformat()
    assert "18" in obligation["reason"] and "Wi 2021 art. 3" in obligation["articles"]
    household = send(platform, "GET", f"/api/v1/dossiers/{mother}/household").json()
    assert child in {m["id"] for m in household["members"]}


def test_a_45_year_old_is_obligated_and_gets_a_pip_with_its_legal_deadline(platform):
    arrived = date(2026, 9, 1)
    adult = platform.register(
        person(
            "0344",
            birth_date=_years_ago(45).isoformat(),
            duo_notice_date=arrived.isoformat(),
            brp_registration_date=arrived.isoformat(),
        )
    )

    pip = _pip_opened(platform, adult)
    assert pip["legal_deadline"] == (arrived + timedelta(weeks=10)).isoformat()
    obligation = _dossier(platform, adult)["obligation"]
    assert obligation["status"] == "inburgeringsplichtig" and obligation["obligated"] is True
    assert obligation["starts_on"] == arrived.isoformat()


def test_a_person_past_the_pension_age_has_no_obligation_and_no_pip(platform):
    grandfather = platform.register(person("0344", birth_date="1955-06-10"))
    later = platform.register(person("0344"))
    _pip_opened(platform, later)

    assert _pip(platform, grandfather).status_code == 404
    obligation = _dossier(platform, grandfather)["obligation"]
    assert obligation["status"] == "niet-inburgeringsplichtig"
    assert obligation["ends_on"] == "2021-10-10"  # 66 years and 4 months
    assert "pensioengerechtigde leeftijd" in obligation["reason"]


def test_duos_notice_for_a_seventeen_year_old_opens_the_pip_then(platform):
    seventeen = platform.register(person("0344", birth_date=_years_ago(17, days=30).isoformat()))
    assert _dossier(platform, seventeen)["obligation"]["obligated"] is False
    notice = today_in_amsterdam().isoformat()

    corrected = send(
        platform,
        "PATCH",
        f"/api/v1/dossiers/{seventeen}",
        {
            "changes": {"inburgeringsplicht": True, "duo_notice_date": notice},
            "reason": "De brief van DUO is gekomen: geen kwalificatieplicht meer.",
        },
    )

    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["obligation"]["status"] == "inburgeringsplichtig"
    pip = _pip_opened(platform, seventeen)
    assert pip["legal_deadline"] == (date.fromisoformat(notice) + timedelta(weeks=10)).isoformat()


def _worklist(platform, key: str) -> dict[str, str]:
    answer = platform.get("/api/v1/werkvoorraad", "regievoerder", "0344")
    assert answer.status_code == 200, answer.text
    (entry,) = [e for e in answer.json()["lists"] if e["key"] == key]
    return {item["dossier_id"]: item["on"] for item in entry["items"]}


def test_the_werkvoorraad_shows_who_becomes_obligated_within_six_months(platform):
    eighteen_on = today_in_amsterdam() + timedelta(days=60)
    born = date(eighteen_on.year - 18, eighteen_on.month, min(eighteen_on.day, 28))
    almost_adult = platform.register(person("0344", birth_date=born.isoformat()))
    child = platform.register(person("0344", birth_date=_years_ago(7).isoformat()))

    coming = _worklist(platform, "obligation_coming")
    assert coming[almost_adult] == date(born.year + 18, born.month, born.day).isoformat()
    assert child not in coming
    open_intakes = _worklist(platform, "intake_open")
    assert almost_adult not in open_intakes and child not in open_intakes

    corrected = send(
        platform,
        "PATCH",
        f"/api/v1/dossiers/{almost_adult}",
        {
            "changes": {"inburgeringsplicht": True},
            "reason": "DUO heeft de inburgeringsplicht vastgesteld.",
        },
    )
    assert corrected.status_code == 200, corrected.text
    assert almost_adult not in _worklist(platform, "obligation_coming")
    _pip_opened(platform, almost_adult)
