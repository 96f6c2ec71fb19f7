"""What the Werkplek's admin and klantmanager pages read and do over the API (issue 16): the
admin lists the partner organisations of their gemeenten and a partner's subscriptions; the
klantmanager lists the open practical items of their gemeente, and closes those of their domain
(financien), never a health item, and not in another gemeente."""

from __future__ import annotations

from services.gateway.auth import issue_token
from tests.e2e.http import as_role, send
from tests.platform import eventually, person
from tests.unit.test_brede_intake import FINANCES, HEALTH

TAALHUIS = "00000003000000000301"
BUURTHUIS = "00000003000000000302"


def _admin(*gemeenten: str) -> dict[str, str]:
    token = issue_token("admin", list(gemeenten), user_id="e2e-admin-" + "-".join(gemeenten))
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def test_an_admin_lists_the_partners_of_their_gemeenten_and_a_partner_s_subscriptions(platform):
    partners = "/api/v1/partners"
    for oin, name, gemeenten in (
        (TAALHUIS, "Taalhuis Lijst", ["0344"]),
        (BUURTHUIS, "Buurthuis Lijst", ["0321"]),
    ):
        body = {"oin": oin, "name": name, "kind": "taalaanbieder", "gemeenten": gemeenten}
        made = send(platform, "POST", partners, body, _admin("0344", "0321"))
        assert made.status_code == 200, made.text
    subscription = {
        "channel": "pip",
        # An event no test causes: a subscription to every pip event of Utrecht would add a
        # sharing decision to what each later registration causes (test_slice counts those).
        "types": ["nl.wegwijs.pip.inburgeringstermijn.verstreken.v1"],
        "gemeenten": ["0344"],
        "purpose": "maatschappelijke-begeleiding",
    }
    subscribed = send(
        platform, "POST", f"{partners}/{TAALHUIS}/subscriptions", subscription, _admin("0344")
    )
    assert subscribed.status_code == 201, subscribed.text

    utrecht = send(platform, "GET", partners, None, _admin("0344"))
    region = send(platform, "GET", partners, None, _admin("0344", "0321"))
    of_taalhuis = send(
        platform, "GET", f"{partners}/{TAALHUIS}/subscriptions", None, _admin("0344")
    )
    from_houten = send(
        platform, "GET", f"{partners}/{TAALHUIS}/subscriptions", None, _admin("0321")
    )
    unknown = send(
        platform, "GET", f"{partners}/00000003000000000309/subscriptions", None, _admin("0344")
    )
    regievoerder = send(platform, "GET", partners, None, as_role("regievoerder"))
    begeleider = send(platform, "GET", partners, None, as_role("begeleider"))

    assert utrecht.status_code == 200, utrecht.text
    listed = {p["oin"]: p for p in utrecht.json()["partners"]}
    assert listed[TAALHUIS] == {
        "oin": TAALHUIS,
        "name": "Taalhuis Lijst",
        "kind": "taalaanbieder",
        "gemeenten": ["0344"],
    }
    assert BUURTHUIS not in listed, "a partner of only another gemeente is not listed"
    assert {TAALHUIS, BUURTHUIS} <= {p["oin"] for p in region.json()["partners"]}
    assert of_taalhuis.status_code == 200, of_taalhuis.text
    assert of_taalhuis.json()["partner"]["name"] == "Taalhuis Lijst"
    assert [s["id"] for s in of_taalhuis.json()["subscriptions"]] == [subscribed.json()["id"]]
    assert of_taalhuis.json()["subscriptions"][0]["channel"] == "pip"
    assert from_houten.status_code == 404, "not a partner of the admin's gemeenten"
    assert unknown.status_code == 404
    # the staff choose whom a consent is given to from the list: names, of their gemeente only
    assert {TAALHUIS: "Taalhuis Lijst"}.items() <= {
        p["oin"]: p["name"] for p in regievoerder.json()["partners"]
    }.items()
    assert BUURTHUIS not in {p["oin"] for p in regievoerder.json()["partners"]}
    assert begeleider.status_code == 403

    # A name changed by registering again shows in the list.
    renamed = {"oin": TAALHUIS, "name": "Taalhuis Nieuw", "kind": "taalaanbieder"}
    again = send(platform, "POST", partners, {**renamed, "gemeenten": ["0344"]}, _admin("0344"))
    assert again.status_code == 200, again.text
    names = {
        p["oin"]: p["name"]
        for p in send(platform, "GET", partners, None, _admin("0344")).json()["partners"]
    }
    assert names[TAALHUIS] == "Taalhuis Nieuw"


def _with_open_items(platform, gemeente: str = "0344") -> str:
    dossier_id = platform.register(person(gemeente, family_name="Praktisch Openstaand"))
    intake = f"/api/v1/dossiers/{dossier_id}/intake"
    regie = as_role("regievoerder", gemeente)
    for domain, facts in (
        ("financien", FINANCES),
        ("gezondheid", {**HEALTH, "health_insurance": False}),
    ):
        answer = send(platform, "PUT", f"{intake}/domains/{domain}", facts, regie)
        assert answer.status_code == 200, answer.text
    return dossier_id


def _items_of(platform, dossier_id: str, role: str, gemeente: str = "0344") -> dict[str, dict]:
    answer = platform.get("/api/v1/practical-items", role, gemeente)
    assert answer.status_code == 200, answer.text
    return {i["item"]: i for i in answer.json()["items"] if i["dossier_id"] == dossier_id}


def test_a_klantmanager_lists_the_open_items_they_may_see_and_closes_one_of_financien(platform):
    dossier_id = _with_open_items(platform)
    intake = f"/api/v1/dossiers/{dossier_id}/intake"
    karim = as_role("klantmanager")

    seen = eventually(
        lambda: _items_of(platform, dossier_id, "klantmanager"),
        lambda items: len(items) == 2,
        what="the klantmanager's list has the dossier's open items of financien",
    )
    assert set(seen) == {"huurtoeslag-aanvragen", "schulden-aanpakken"}, "no health item"
    assert seen["schulden-aanpakken"]["may_close"] is True
    assert seen["schulden-aanpakken"]["family_name"] == "Praktisch Openstaand"
    assert seen["schulden-aanpakken"]["label"] == "Schulden"
    assert "zorgverzekering-regelen" in _items_of(platform, dossier_id, "regievoerder")
    assert _items_of(platform, dossier_id, "klantmanager", "0356") == {}

    health = send(
        platform,
        "POST",
        f"{intake}/practical-items/zorgverzekering-regelen/close",
        {"note": "Geregeld."},
        karim,
    )
    elsewhere = send(
        platform,
        "POST",
        f"{intake}/practical-items/schulden-aanpakken/close",
        {"note": "Geregeld."},
        as_role("klantmanager", "0356"),
    )
    closed = send(
        platform,
        "POST",
        f"{intake}/practical-items/schulden-aanpakken/close",
        {"note": "Aangemeld bij de schuldhulpverlening."},
        karim,
    )

    assert health.status_code == 403, health.text
    assert elsewhere.status_code == 404, elsewhere.text
    assert closed.status_code == 200, closed.text
    items = {i["item"]: i for i in closed.json()["practical_items"]}
    assert items["schulden-aanpakken"]["open"] is False
    assert items["schulden-aanpakken"]["note"] == "Aangemeld bij de schuldhulpverlening."
    assert "zorgverzekering-regelen" not in items
    assert set(_items_of(platform, dossier_id, "klantmanager")) == {"huurtoeslag-aanvragen"}
    as_regie = platform.get(intake, "regievoerder").json()
    assert {i["item"]: i["open"] for i in as_regie["practical_items"]} == {
        "huurtoeslag-aanvragen": True,
        "schulden-aanpakken": False,
        "zorgverzekering-regelen": True,
    }
    assert as_regie["history"][-1]["role"] == "klantmanager"
