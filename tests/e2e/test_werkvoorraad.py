"""The werkvoorraad (issue 16): a regievoerder sees, per list, how many people of their own
gemeenten need work and who: PIP deadlines missed and within two weeks, PIPs to establish,
brede intakes not completed, and signals nobody has read yet."""

from __future__ import annotations

from datetime import timedelta

from services.common.clock import today_in_amsterdam
from tests.platform import eventually, person


def _werkvoorraad(platform, gemeente: str = "0344") -> dict[str, dict]:
    answer = platform.get("/api/v1/werkvoorraad", "regievoerder", gemeente)
    assert answer.status_code == 200, answer.text
    return {entry["key"]: entry for entry in answer.json()["lists"]}


def _ids(entry: dict) -> set[str]:
    return {item["dossier_id"] for item in entry["items"]}


def _counts(platform) -> dict[str, int]:
    return {key: entry["count"] for key, entry in _werkvoorraad(platform).items()}


def test_the_werkvoorraad_lists_deadlines_open_intakes_and_new_signals(platform):
    # Each list shows its first 50, earliest first: the whole suite's people are on them too,
    # so what is new is checked by its count, and by its place where it comes first.
    today = today_in_amsterdam()
    before = _counts(platform)
    # The PIP's deadline is 10 weeks after the later of DUO's notice and the BRP registration.
    soon = (today - timedelta(weeks=10) + timedelta(days=5)).isoformat()
    long_ago = "2025-01-06"  # a deadline before any other test's
    due_soon = platform.register(person("0344", duo_notice_date=soon, brp_registration_date=soon))
    overdue = platform.register(
        person("0344", duo_notice_date=long_ago, brp_registration_date=long_ago)
    )
    elsewhere = platform.register(person("0321"))

    lists = eventually(
        lambda: _werkvoorraad(platform),
        lambda found: (
            due_soon in _ids(found["pip_deadline_soon"])
            and overdue in _ids(found["pip_deadline_missed"])
        ),
        what="both drafts are on the werkvoorraad",
    )

    assert lists["pip_to_establish"]["count"] >= before["pip_to_establish"] + 2
    assert overdue not in _ids(lists["pip_deadline_soon"])
    assert lists["intake_open"]["count"] == before["intake_open"] + 2
    item = next(i for i in lists["pip_deadline_soon"]["items"] if i["dossier_id"] == due_soon)
    assert item["on"] == (today + timedelta(days=5)).isoformat()
    assert item["family_name"] and item["gemeente"] == "0344"
    every = set().union(*(_ids(entry) for entry in lists.values()))
    assert elsewhere not in every, "another gemeente's person is not on it"
    for entry in lists.values():
        assert entry["count"] >= len(entry["items"])
        assert len(entry["items"]) <= 50

    signals = f"/api/v1/dossiers/{due_soon}/signals"
    given = platform.post(
        signals, {"domain": "huisvesting", "text": "Huurachterstand."}, "regievoerder", "0344"
    )
    assert given.status_code == 201, given.text
    assert _counts(platform)["signals_new"] == before["signals_new"] + 1
    assert platform.get(signals, "regievoerder", "0344").status_code == 200
    assert _counts(platform)["signals_new"] == before["signals_new"]
