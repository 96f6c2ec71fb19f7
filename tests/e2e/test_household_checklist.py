"""The klantmanager's part of the intake, the household's practical checklist, and a residence
intention that steers (issue 17, "Missing today", bullets 1-2), over HTTP on the running
platform."""

from __future__ import annotations

from datetime import date, timedelta

from services.common.clock import today_in_amsterdam
from tests.e2e.http import as_role, send
from tests.platform import eventually, person

WORK = {
    "employment": "geen",
    "available_for_work": True,
    "registered_as_jobseeker": False,
    "hours_per_week": 24,
    "reintegration": "Start bij een leerwerkbedrijf als kapper.",
}
PARTICIPATION = {
    "ambition": "Over drie jaar werk ik als kapper in een eigen zaak.",
    "goals": [
        {"what": "Vrijwilligerswerk bij de voedselbank", "with_whom": "Voedselbank Utrecht"},
        {"what": "Kapperscursus volgen", "with_whom": "ROC Midden Nederland"},
    ],
}
# Every item a new household gets, whatever its facts: the complete practical checklist.
HOUSEHOLD_ITEMS = {
    "bankrekening-openen",
    "digid-aanvragen",
    "zorgverzekering-regelen",
    "huisarts-kiezen",
    "huurtoeslag-aanvragen",
    "zorgtoeslag-aanvragen",
    "voorschot-uitkering",
    "woning-inrichten",
    "energiecontracten-afsluiten",
    "schulden-aanpakken",
}
CHILD_ITEMS = {"kinderbijslag-aanvragen", "kindgebonden-budget-aanvragen"}
HEALTH_ITEMS = {"zorgverzekering-regelen", "huisarts-kiezen"}


def _years_ago(years: int) -> str:
    today = today_in_amsterdam()
    return (
        date(today.year - years, today.month, min(today.day, 28)) - timedelta(days=3)
    ).isoformat()


def _intake(dossier_id: str) -> str:
    return f"/api/v1/dossiers/{dossier_id}/intake"


def _checklist_path(dossier_id: str) -> str:
    return f"/api/v1/dossiers/{dossier_id}/household/checklist"


def _checklist(platform, dossier_id: str, role: str = "regievoerder", gemeente: str = "0344"):
    answer = send(platform, "GET", _checklist_path(dossier_id), None, as_role(role, gemeente))
    assert answer.status_code == 200, answer.text
    return answer.json()


def _by_key(checklist: dict) -> dict[str, dict]:
    return {
        item["item"] + (f":{item['child']['given_name']}" if item.get("child") else ""): item
        for item in checklist["items"]
    }


# 1. the klantmanager's domains -----------------------------------------------------------------
def test_the_klantmanager_records_their_domains_and_closes_an_item_of_them(platform):
    dossier_id = platform.register(person("0344"))
    intake = _intake(dossier_id)
    karim = as_role("klantmanager")

    work = send(platform, "PUT", f"{intake}/domains/werk_en_reintegratie", WORK, karim)
    ambitions = send(
        platform, "PUT", f"{intake}/domains/participatie_en_ambities", PARTICIPATION, karim
    )
    health = send(
        platform,
        "PUT",
        f"{intake}/domains/gezondheid",
        {"health_insurance": True, "gp_registered": True},
        karim,
    )
    intention = send(
        platform, "PUT", f"{intake}/domains/verblijfsintentie", {"intention": "blijven"}, karim
    )
    guide = send(
        platform, "PUT", f"{intake}/domains/werk_en_reintegratie", WORK, as_role("begeleider")
    )
    elsewhere = send(
        platform,
        "PUT",
        f"{intake}/domains/werk_en_reintegratie",
        WORK,
        as_role("klantmanager", "0356"),
    )

    assert work.status_code == 200, work.text
    assert ambitions.status_code == 200, ambitions.text
    assert health.status_code == 403, "health is the regievoerder's (AVG art. 9)"
    assert intention.status_code == 403, "the residence intention is the regievoerder's"
    assert guide.status_code == 403
    assert elsewhere.status_code == 404
    answer = ambitions.json()
    assert answer["domains"]["werk_en_reintegratie"]["hours_per_week"] == 24
    assert answer["domains"]["participatie_en_ambities"]["goals"][0] == {
        "what": "Vrijwilligerswerk bij de voedselbank",
        "with_whom": "Voedselbank Utrecht",
    }
    items = {i["item"]: i for i in answer["practical_items"]}
    assert items["inschrijven-werkzoekende"]["open"] is True
    assert items["inschrijven-werkzoekende"]["domain"] == "werk_en_reintegratie"
    assert items["inschrijven-werkzoekende"]["may_close"] is True
    assert items["inschrijven-werkzoekende"]["label"].startswith("Inschrijven als werkzoekende")
    assert ("LifeDomainRecorded", "klantmanager") in {
        (step["step"], step["role"]) for step in answer["history"]
    }

    not_theirs = send(
        platform,
        "POST",
        f"{intake}/practical-items/inschrijven-werkzoekende/close",
        {"note": "Ingeschreven."},
        as_role("begeleider"),
    )
    closed = send(
        platform,
        "POST",
        f"{intake}/practical-items/inschrijven-werkzoekende/close",
        {"note": "Ingeschreven op werk.nl, samen met de klantmanager."},
        karim,
    )
    assert not_theirs.status_code == 403, not_theirs.text
    assert closed.status_code == 200, closed.text
    state = {i["item"]: i for i in closed.json()["practical_items"]}["inschrijven-werkzoekende"]
    assert state["open"] is False
    assert state["note"] == "Ingeschreven op werk.nl, samen met de klantmanager."

    # The regievoerder keeps what the law gives them: every domain of the brede intake.
    regie = send(platform, "PUT", f"{intake}/domains/werk_en_reintegratie", WORK, as_role())
    assert regie.status_code == 200, regie.text


def test_the_klantmanager_may_not_close_an_item_outside_their_domains(platform):
    dossier_id = platform.register(person("0344"))
    intake = _intake(dossier_id)
    facts = {"partner": False, "children": 1, "childcare_needed": True, "one_to_one_offered": True}
    assert send(platform, "PUT", f"{intake}/domains/gezin", facts).status_code == 200

    refused = send(
        platform,
        "POST",
        f"{intake}/practical-items/kinderopvang-regelen/close",
        {"note": "Geregeld."},
        as_role("klantmanager"),
    )
    assert refused.status_code == 403, refused.text
    still = send(platform, "GET", intake).json()
    assert {i["item"]: i["open"] for i in still["practical_items"]} == {
        "kinderopvang-regelen": True
    }


# 2. the household's practical checklist ---------------------------------------------------------
def test_a_new_household_gets_one_complete_checklist_shared_by_its_members(platform):
    mother = platform.register(
        person(
            "0344",
            given_name="Amira",
            children=[
                {"given_name": "Sami", "birth_date": _years_ago(9)},
                {"given_name": "Lina", "birth_date": _years_ago(2)},
            ],
        )
    )
    father = platform.register(person("0344", household_of=mother, relation="partner"))
    son = platform.register(
        person(
            "0344",
            given_name="Omar",
            birth_date=_years_ago(12),
            household_of=mother,
            relation="kind",
            inburgeringsplicht=False,
        )
    )

    via_mother = _checklist(platform, mother)
    via_father = _checklist(platform, father)
    via_son = _checklist(platform, son)

    assert via_mother == via_father == via_son, "one checklist for the household"
    assert via_mother["household_id"] == mother
    items = _by_key(via_mother)
    expected = {
        *HOUSEHOLD_ITEMS,
        *CHILD_ITEMS,
        "schoolinschrijving:Sami",
        "schoolinschrijving:Omar",
    }
    assert set(items) == expected, "complete; school per child of school age (not Lina, 2)"
    assert all(item["open"] for item in items.values())
    assert all(item["label"] and item["opened_at"] for item in items.values())
    assert items["bankrekening-openen"]["label"] == "Bankrekening openen"
    assert items["schoolinschrijving:Sami"]["label"] == "Kind inschrijven op een school"
    assert via_mother["open"] == len(expected)

    # The klantmanager sees no health item, and closes the items of their domain.
    as_karim = _by_key(_checklist(platform, father, "klantmanager"))
    assert not HEALTH_ITEMS & set(as_karim)
    assert as_karim["bankrekening-openen"]["may_close"] is True
    assert as_karim["woning-inrichten"]["may_close"] is False
    closed = send(
        platform,
        "POST",
        f"{_checklist_path(father)}/bankrekening-openen/close",
        {"note": "Rekening geopend bij de bank, pas komt per post."},
        as_role("klantmanager"),
    )
    assert closed.status_code == 200, closed.text
    refused = send(
        platform,
        "POST",
        f"{_checklist_path(father)}/woning-inrichten/close",
        {"note": "Klaar."},
        as_role("klantmanager"),
    )
    assert refused.status_code == 403, refused.text

    # A child's school enrolment is closed per child.
    sami = items["schoolinschrijving:Sami"]["child"]["key"]
    school = send(
        platform,
        "POST",
        f"{_checklist_path(mother)}/schoolinschrijving/close",
        {"note": "Ingeschreven op basisschool De Regenboog.", "child": sami},
        as_role(),
    )
    assert school.status_code == 200, school.text
    no_child = send(
        platform,
        "POST",
        f"{_checklist_path(mother)}/schoolinschrijving/close",
        {"note": "Ingeschreven."},
        as_role(),
    )
    assert no_child.status_code == 422, no_child.text
    assert "child" in {e["field"] for e in no_child.json()["errors"]}

    after = _by_key(_checklist(platform, son))
    assert after["bankrekening-openen"]["open"] is False
    assert after["bankrekening-openen"]["closed_by"] == "e2e-klantmanager"
    assert after["bankrekening-openen"]["closed_role"] == "klantmanager"
    assert after["bankrekening-openen"]["closed_at"]
    assert after["bankrekening-openen"]["note"].startswith("Rekening geopend")
    assert after["schoolinschrijving:Sami"]["open"] is False
    assert after["schoolinschrijving:Sami"]["closed_by"] == "e2e-regievoerder"
    assert after["schoolinschrijving:Omar"]["open"] is True
    assert after["woning-inrichten"]["open"] is True

    # Facts recorded in a member's brede intake settle the household's items.
    finances = {
        "income": "bijstand",
        "debts": False,
        "huurtoeslag_applied": True,
        "zorgtoeslag_applied": False,
        "advance_needed": True,
    }
    recorded = send(platform, "PUT", f"{_intake(father)}/domains/financien", finances)
    assert recorded.status_code == 200, recorded.text
    settled = _by_key(_checklist(platform, mother))
    assert settled["huurtoeslag-aanvragen"]["open"] is False
    assert settled["schulden-aanpakken"]["open"] is False
    assert settled["zorgtoeslag-aanvragen"]["open"] is True
    assert "financien" in settled["huurtoeslag-aanvragen"]["note"]


def test_a_household_without_children_has_no_child_items_and_others_may_not_read_it(platform):
    single = platform.register(person("0344"))

    items = _by_key(_checklist(platform, single))
    assert set(items) == HOUSEHOLD_ITEMS
    path = _checklist_path(single)
    assert send(platform, "GET", path, None, as_role("regievoerder", "0356")).status_code == 404
    assert send(platform, "GET", path, None, as_role("begeleider")).status_code == 403
    closing = f"{path}/digid-aanvragen/close"
    assert send(platform, "POST", closing, {"note": "x"}, as_role("begeleider")).status_code == 403
    empty = send(platform, "POST", closing, {"note": " "}, as_role())
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "note"
    assert _by_key(_checklist(platform, single))["digid-aanvragen"]["open"] is True


def test_closing_an_item_in_a_member_s_intake_closes_it_on_the_household_checklist(platform):
    first = platform.register(person("0344"))
    second = platform.register(person("0344", household_of=first, relation="partner"))
    finances = {
        "income": "bijstand",
        "debts": True,
        "huurtoeslag_applied": True,
        "zorgtoeslag_applied": True,
        "advance_needed": False,
    }
    assert (
        send(platform, "PUT", f"{_intake(second)}/domains/financien", finances).status_code == 200
    )
    closed = send(
        platform,
        "POST",
        f"{_intake(second)}/practical-items/schulden-aanpakken/close",
        {"note": "Aangemeld bij de schuldhulpverlening."},
        as_role("klantmanager"),
    )
    assert closed.status_code == 200, closed.text

    debts = _by_key(_checklist(platform, first))["schulden-aanpakken"]
    assert debts["open"] is False
    assert debts["note"] == "Aangemeld bij de schuldhulpverlening."
    assert debts["closed_role"] == "klantmanager"


# 3. a residence intention that steers ----------------------------------------------------------
def test_an_unsure_residence_intention_opens_a_conversation_the_regievoerder_must_hold(platform):
    dossier_id = platform.register(person("0344", family_name="Twijfel Blijven"))
    intake = _intake(dossier_id)

    unsure = send(
        platform,
        "PUT",
        f"{intake}/domains/verblijfsintentie",
        {"intention": "onzeker", "notes": "Denkt erover terug te gaan als het veilig is."},
    )
    assert unsure.status_code == 200, unsure.text
    item = {i["item"]: i for i in unsure.json()["practical_items"]}["verblijfsintentie-gesprek"]
    assert item["open"] is True
    assert item["domain"] == "verblijfsintentie"
    assert "blijven" in item["label"]

    listed = eventually(
        lambda: platform.get("/api/v1/practical-items", "regievoerder").json()["items"],
        lambda items: any(
            i["dossier_id"] == dossier_id and i["item"] == "verblijfsintentie-gesprek"
            for i in items
        ),
        what="the regievoerder's list of open items has the conversation",
    )
    assert listed
    view = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/view").json()
    assert "verblijfsintentie-gesprek" in {i["item"] for i in view["intake"]["practical_items"]}

    # Saying "blijven" later does not settle it: the conversation must be held.
    stay = send(platform, "PUT", f"{intake}/domains/verblijfsintentie", {"intention": "blijven"})
    still = {i["item"]: i for i in stay.json()["practical_items"]}
    assert still["verblijfsintentie-gesprek"]["open"] is True

    karim = send(
        platform,
        "POST",
        f"{intake}/practical-items/verblijfsintentie-gesprek/close",
        {"note": "Gesproken."},
        as_role("klantmanager"),
    )
    held = send(
        platform,
        "POST",
        f"{intake}/practical-items/verblijfsintentie-gesprek/close",
        {"note": "Gesprek gevoerd: blijven is reëel; doelen voor werk en taal in het PIP."},
    )
    assert karim.status_code == 403, karim.text
    assert held.status_code == 200, held.text
    closed = {i["item"]: i for i in held.json()["practical_items"]}["verblijfsintentie-gesprek"]
    assert closed["open"] is False


def test_intending_to_return_also_opens_the_conversation(platform):
    dossier_id = platform.register(person("0344"))
    answer = send(
        platform,
        "PUT",
        f"{_intake(dossier_id)}/domains/verblijfsintentie",
        {"intention": "terugkeren"},
    )
    assert answer.status_code == 200, answer.text
    assert {i["item"] for i in answer.json()["practical_items"] if i["open"]} == {
        "verblijfsintentie-gesprek"
    }


def test_community_involvement_is_recorded_as_concrete_goals(platform):
    dossier_id = platform.register(person("0344"))
    path = f"{_intake(dossier_id)}/domains/sociaal_netwerk"
    goals = [
        {"what": "Elke week naar het taalcafé", "with_whom": "Buurthuis De Pijler"},
        {"what": "Meehelpen bij de moestuin", "with_whom": "Buren in de straat"},
    ]

    recorded = send(platform, "PUT", path, {"contacts_in_nl": True, "goals": goals})
    only_yes_no = send(platform, "PUT", path, {"contacts_in_nl": True})
    vague = send(platform, "PUT", path, {"goals": [{"what": "Meedoen"}]})

    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["domains"]["sociaal_netwerk"]["goals"] == goals
    assert only_yes_no.status_code == 422, only_yes_no.text
    assert "goals" in {e["field"] for e in only_yes_no.json()["errors"]}
    assert vague.status_code == 422, vague.text
    assert any("with_whom" in e["field"] for e in vague.json()["errors"])
    kept = send(platform, "GET", _intake(dossier_id)).json()["domains"]["sociaal_netwerk"]
    assert kept["goals"] == goals, "a refused body changes nothing"


def test_a_child_named_in_a_correction_reaches_the_household_checklist(platform):
    parent = platform.register(person("0344"))
    child = {"given_name": "Noor", "birth_date": _years_ago(6)}

    corrected = send(
        platform,
        "PATCH",
        f"/api/v1/dossiers/{parent}",
        {"changes": {"children": [child]}, "reason": "Dochter kwam later met gezinshereniging."},
    )

    assert corrected.status_code == 200, corrected.text
    items = _by_key(_checklist(platform, parent))
    assert {"schoolinschrijving:Noor", *CHILD_ITEMS} <= set(items)
    assert items["schoolinschrijving:Noor"]["opened_because"] == "kind van schoolgaande leeftijd"
