"""The PIP from draft to decision and revisions, on in-memory persistence."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from services.common.errors import Conflict, InvalidInput, NotFound
from services.common.tracking import PositionMoved
from services.pip.application import Pips
from tests.pip_fixtures import goal, intake_completed, intake_event, registered, sections
from tests.unit.test_applications import context, stored

TODAY = date(2026, 11, 28)
DUO, BRP = date(2026, 9, 1), date(2026, 9, 14)  # deadline 2026-11-23


def _dossier(pips: Pips, duo=DUO, brp=BRP, gemeente="0344", complete=True, route="b1") -> str:
    dossier_id = str(uuid.uuid4())
    events = [registered(dossier_id, duo, brp, gemeente)]
    if complete:
        events.append(intake_completed(dossier_id, route, gemeente=gemeente, on=brp))
    pips.process("intake", events)
    return dossier_id


def _ready(pips: Pips, dossier_id: str, decided_on: date, route: str = "b1", gemeente="0344"):
    ctx = context("regievoerder", gemeente)
    pips.change_sections(ctx, dossier_id, sections(decided_on, route))
    pips.add_goal(ctx, dossier_id, goal(decided_on))
    pips.add_goal(ctx, dossier_id, goal(decided_on, "taal", term="lang", phase=1))


def _established(pips, decided_on=date(2026, 11, 20), route="b1", duo=DUO, brp=BRP) -> str:
    dossier_id = _dossier(pips, duo, brp, route=route)
    _ready(pips, dossier_id, decided_on, route)
    decision = {"decided_on": decided_on.isoformat()}
    if decided_on < TODAY - timedelta(days=14):
        decision["backdating_reason"] = "Overgenomen uit het vorige systeem."
    pips.establish(context(), dossier_id, decision, today=TODAY)
    return dossier_id


def test_the_completed_intake_offers_starting_points_and_the_regievoerder_decides(pips):
    dossier_id = _dossier(pips)
    pips.process(
        "intake",
        [
            intake_event(
                "nl.wegwijs.intake.signaal.gegeven.v1",
                {"dossier_id": dossier_id, "domain": "gezin", "author_role": "huisarts"},
            ),
            intake_event(
                "nl.wegwijs.intake.praktische-zaak.geopend.v1",
                {"dossier_id": dossier_id, "item": "kinderopvang-regelen"},
            ),
        ],
    )

    points = pips.starting_points(context(), dossier_id)

    assert points["suggested_route"] == "b1"
    assert points["open_practical_items"] == ["kinderopvang-regelen", "zorgverzekering-regelen"]
    assert points["signals_by_domain"] == {"gezin": 1}
    suggested = {s["from"]: s for s in points["suggested_goals"]}
    assert suggested["praktische-zaak:zorgverzekering-regelen"]["domain"] == "gezondheid"
    assert suggested["praktische-zaak:kinderopvang-regelen"]["owner_role"] == "regievoerder"
    assert pips.pip(context(), dossier_id)["plan"]["goals"] == [], "nothing is adopted by itself"


def test_a_klantmanager_sees_the_starting_points_without_health(pips):
    dossier_id = _dossier(pips)  # the intake left "no health insurance" open
    pips.process(
        "intake",
        [
            intake_event(
                "nl.wegwijs.intake.signaal.gegeven.v1",
                {"dossier_id": dossier_id, "domain": domain, "author_role": "huisarts"},
            )
            for domain in ("gezondheid", "financien")
        ],
    )

    as_klantmanager = pips.pip(context("klantmanager"), dossier_id)["starting_points"]
    as_regievoerder = pips.pip(context(), dossier_id)["starting_points"]

    assert as_klantmanager["open_practical_items"] == []
    assert as_klantmanager["summary"]["open_practical_items"] == []
    assert as_klantmanager["summary"]["domains"] == []
    assert as_klantmanager["signals"] == {"financien": 1}
    assert as_regievoerder["open_practical_items"] == ["zorgverzekering-regelen"]
    assert as_regievoerder["signals"] == {"gezondheid": 1, "financien": 1}


def test_establishing_without_goals_is_refused_naming_the_goals_and_stores_nothing(pips):
    dossier_id = _dossier(pips)
    pips.change_sections(context(), dossier_id, sections(date(2026, 11, 20)))
    before = len(stored(pips, ""))

    with pytest.raises(InvalidInput) as refused:
        pips.establish(context(), dossier_id, {"decided_on": "2026-11-20"}, today=TODAY)

    assert [e["field"] for e in refused.value.errors] == ["goals"]
    assert "at least one goal" in refused.value.errors[0]["detail"]
    assert len(stored(pips, "")) == before
    assert pips.pip(context(), dossier_id)["status"] == "concept"


def test_a_pip_without_a_health_goal_is_not_established(pips):
    dossier_id = _dossier(pips)
    pips.change_sections(context(), dossier_id, sections(date(2026, 11, 20)))
    pips.add_goal(context(), dossier_id, goal(date(2026, 11, 20), "werk"))
    with pytest.raises(InvalidInput, match="gezondheid"):
        pips.establish(context(), dossier_id, {"decided_on": "2026-11-20"}, today=TODAY)


def test_a_pip_is_established_after_the_intake_only(pips):
    dossier_id = _dossier(pips, complete=False)
    _ready(pips, dossier_id, date(2026, 11, 20))
    with pytest.raises(Conflict, match="brede intake"):
        pips.establish(context(), dossier_id, {"decided_on": "2026-11-20"}, today=TODAY)


def test_missing_sections_and_wrong_modules_are_each_named(pips):
    dossier_id = _dossier(pips)
    plan = sections(date(2026, 11, 20), "onderwijs")
    plan["modules"]["map"] = {"hours": 40, "hours_per_week": 4, "provider": plan["guidance"]["by"]}
    del plan["monitoring"]
    pips.change_sections(context(), dossier_id, plan)
    pips.add_goal(context(), dossier_id, goal(date(2026, 11, 20)))

    with pytest.raises(InvalidInput) as refused:
        pips.establish(context(), dossier_id, {"decided_on": "2026-11-20"}, today=TODAY)

    fields = {e["field"]: e["detail"] for e in refused.value.errors}
    assert set(fields) == {"monitoring", "modules/map"}
    assert fields["modules/map"] == "is not part of the Onderwijsroute"


def test_bad_sections_are_refused_field_by_field(pips):
    dossier_id = _dossier(pips)
    bad = {
        "leerroute": {"route": "c2", "end_date": "later"},
        "ontzorgen": {"applies": True, "from": "2026-12-01", "months": 3},
        "colour": "blue",
    }
    with pytest.raises(InvalidInput) as refused:
        pips.change_sections(context(), dossier_id, bad)
    fields = {e["field"] for e in refused.value.errors}
    assert {"colour", "leerroute/route", "leerroute/end_date", "ontzorgen/months"} <= fields
    # The machtiging is asked of an ontzorgen whose fields are each right (its model's rule).
    unauthorised = {"ontzorgen": {**bad["ontzorgen"], "months": 6}}
    with pytest.raises(InvalidInput) as refused:
        pips.change_sections(context(), dossier_id, unauthorised)
    assert {e["field"] for e in refused.value.errors} == {"ontzorgen/authorised"}


def test_establishing_makes_a_decision_and_the_termijn_starts_the_next_day(pips):
    dossier_id = _established(pips, decided_on=date(2026, 11, 20))

    pip = pips.pip(context(), dossier_id)

    assert pip["status"] == "vastgesteld"
    assert pip["decision"]["decided_on"] == "2026-11-20"
    assert pip["termijn"] == {"start": "2026-11-21", "end": "2029-11-20"}
    assert [v["number"] for v in pip["versions"]] == [1]
    established = stored(pips, "Pip.Established")[0]
    # Dated before the deadline of 23 November, but recorded after it (on 28 November): late.
    assert established.on_time is False and established.deadline == date(2026, 11, 23)
    with pytest.raises(Conflict, match="revision"):
        pips.add_goal(context(), dossier_id, goal(date(2026, 11, 20), "werk"))


def test_a_decision_dated_in_the_future_or_before_the_person_arrived_is_refused(pips):
    dossier_id = _dossier(pips)
    _ready(pips, dossier_id, date(2026, 11, 20))
    for decided_on, detail in (("2026-11-29", "future"), ("2026-09-13", "before 2026-09-14")):
        with pytest.raises(InvalidInput, match=detail):
            pips.establish(context(), dossier_id, {"decided_on": decided_on}, today=TODAY)


def test_while_waiting_for_information_the_deadline_is_open_then_ends_two_weeks_after(pips):
    dossier_id = _dossier(pips)
    extension = {"awaited": "Medisch advies", "from_party": "GGD", "requested_on": "2026-11-16"}

    waiting = pips.request_extension(context(), dossier_id, extension, today=TODAY)
    assert waiting["deadline"] is None and waiting["legal_deadline"] == "2026-11-23"
    _ready(pips, dossier_id, date(2026, 11, 27))
    with pytest.raises(Conflict, match="waiting"):
        pips.establish(context(), dossier_id, {"decided_on": "2026-11-27"}, today=TODAY)

    arrived = pips.information_arrived(
        context(), dossier_id, {"arrived_on": "2026-11-20"}, today=TODAY
    )
    assert arrived["deadline"] == "2026-12-04"
    pips.establish(context(), dossier_id, {"decided_on": "2026-11-27"}, today=TODAY)
    assert stored(pips, "Pip.Established")[0].on_time is True


def test_an_extension_after_the_deadline_is_refused(pips):
    dossier_id = _dossier(pips)
    late = {"awaited": "Medisch advies", "from_party": "GGD", "requested_on": "2026-11-24"}
    with pytest.raises(InvalidInput, match="after the deadline"):
        pips.request_extension(context(), dossier_id, late, today=TODAY)


def test_a_corrected_brp_date_moves_the_deadline_of_a_draft(pips):
    dossier_id = _dossier(pips)
    pips.process(
        "intake",
        [
            intake_event(
                "nl.wegwijs.intake.dossier.gecorrigeerd.v1",
                {
                    "dossier_id": dossier_id,
                    "fields": ["brp_registration_date"],
                    "brp_registration_date": "2026-09-28",
                },
            )
        ],
    )
    assert pips.pip(context(), dossier_id)["deadline"] == "2026-12-07"


# revisions ---------------------------------------------------------------------------------------
def _switch(to: str, decided_on: date) -> dict:
    return {
        "kind": "routewijziging",
        "explanation": "Toch onderwijs: diploma erkend.",
        "decided_on": decided_on.isoformat(),
        "sections": {"leerroute": sections(date(2026, 11, 20), to)["leerroute"]}
        | {"modules": sections(date(2026, 11, 20), to)["modules"]},
    }


def test_a_route_switch_within_one_and_a_half_years_is_a_new_version(pips):
    dossier_id = _established(pips)
    revised = pips.revise(context(), dossier_id, _switch("onderwijs", TODAY), today=TODAY)
    assert revised["plan"]["leerroute"]["route"] == "onderwijs"
    assert "map" not in revised["plan"]["modules"]
    assert [v["kind"] for v in revised["versions"]] == ["vaststelling", "routewijziging"]


def test_a_route_switch_after_one_and_a_half_years_is_refused(pips):
    decided = date(2024, 11, 20)
    dossier_id = _established(pips, decided, duo=date(2024, 9, 1), brp=date(2024, 9, 14))
    with pytest.raises(Conflict, match="until 2026-05-20"):
        pips.revise(context(), dossier_id, _switch("z", TODAY), today=TODAY)
    assert pips.pip(context(), dossier_id)["plan"]["leerroute"]["route"] == "b1"


def test_a_route_change_must_say_it_is_a_route_switch(pips):
    dossier_id = _established(pips)
    disguised = {**_switch("onderwijs", TODAY), "kind": "anders"}
    with pytest.raises(InvalidInput, match="routewijziging"):
        pips.revise(context(), dossier_id, disguised, today=TODAY)


def _afschalen(hours: int) -> dict:
    leerroute = sections(date(2026, 11, 20))["leerroute"] | {"language_target": "A2"}
    return {
        "kind": "afschalen",
        "explanation": "B1 blijkt niet haalbaar.",
        "sections": {"leerroute": leerroute},
        "evidence": {
            "nt2_hours": hours,
            "school": "Taalschool Utrecht",
            "certified": True,
            "effort": "Aanwezigheid 95%, huiswerk gemaakt.",
        },
    }


def log_nt2(pips: Pips, dossier_id: str, hours: int, on: str = "2026-11-27") -> None:
    """Record `hours` of NT2 in the PIP's module-hours log (at most 400 an entry)."""
    while hours > 0:
        entry = min(hours, 400)
        done = {"hours": entry, "on": on, "note": "Lessen bij de taalschool"}
        pips.record_module_hours(context(), dossier_id, "nt2", done)
        hours -= entry


def test_afschalen_without_six_hundred_hours_of_nt2_is_refused(pips):
    dossier_id = _established(pips)
    log_nt2(pips, dossier_id, 450)
    with pytest.raises(InvalidInput) as refused:
        pips.revise(context(), dossier_id, _afschalen(450), today=TODAY)
    assert refused.value.errors[0]["field"] == "evidence/nt2_hours"
    assert "at least 600" in refused.value.errors[0]["detail"]


def test_afschalen_with_the_hours_lowers_b1_to_a2(pips):
    dossier_id = _established(pips)
    log_nt2(pips, dossier_id, 620)
    revised = pips.revise(context(), dossier_id, _afschalen(620), today=TODAY)
    assert revised["plan"]["leerroute"]["language_target"] == "A2"
    assert revised["decision"]["evidence"]["nt2_hours"] == 620


def test_as_of_shows_the_earlier_version_after_a_revision_and_the_termijn_stays(pips):
    dossier_id = _established(pips, decided_on=date(2026, 11, 20))
    new_goal = goal(date(2026, 11, 26), "werk", term="lang", phase=3)
    pips.revise(
        context(),
        dossier_id,
        {
            "kind": "anders",
            "explanation": "Werkdoel toegevoegd na gesprek.",
            "decided_on": "2026-11-26",
            "add_goals": [new_goal],
        },
        today=TODAY,
    )

    before = pips.pip(context(), dossier_id, as_of="2026-11-25")
    after = pips.pip(context(), dossier_id, as_of="2026-11-26")
    now = pips.pip(context(), dossier_id)

    assert before["decision"]["number"] == 1 and after["decision"]["number"] == 2
    assert sorted(g["domain"] for g in before["plan"]["goals"]) == ["gezondheid", "taal"]
    assert sorted(g["domain"] for g in after["plan"]["goals"]) == ["gezondheid", "taal", "werk"]
    assert before["termijn"] == after["termijn"] == now["termijn"]
    assert now["termijn"] == {"start": "2026-11-21", "end": "2029-11-20"}
    with pytest.raises(NotFound, match="2026-11-19"):
        pips.pip(context(), dossier_id, as_of="2026-11-19")


def test_a_move_keeps_the_route(pips):
    dossier_id = _established(pips)
    moved = {
        "kind": "verhuizing",
        "explanation": "Verhuisd naar Nieuwegein.",
        "evidence": {"to_gemeente": "0356"},
        "sections": _switch("z", TODAY)["sections"],
    }
    with pytest.raises(InvalidInput, match="stays the same"):
        pips.revise(context(), dossier_id, moved, today=TODAY)
    del moved["sections"]
    assert pips.revise(context(), dossier_id, moved, today=TODAY)["versions"][-1]["kind"] == (
        "verhuizing"
    )


def test_a_revision_may_not_withdraw_the_last_health_goal(pips):
    dossier_id = _established(pips)
    health = next(
        g["id"]
        for g in pips.pip(context(), dossier_id)["plan"]["goals"]
        if g["domain"] == "gezondheid"
    )
    with pytest.raises(InvalidInput, match="gezondheid"):
        pips.revise(
            context(),
            dossier_id,
            {"kind": "anders", "explanation": "Opschonen.", "withdraw_goals": [health]},
            today=TODAY,
        )


def test_another_gemeente_neither_reads_nor_drafts_the_pip(pips):
    dossier_id = _dossier(pips)
    other = context("regievoerder", "0356")
    with pytest.raises(NotFound):
        pips.pip(other, dossier_id)
    with pytest.raises(NotFound):
        pips.change_sections(other, dossier_id, sections(TODAY - timedelta(days=1)))


def test_a_batch_that_follows_on_a_position_no_longer_recorded_writes_nothing(pips):
    """Another instance recorded the position meanwhile (services.common.tracking)."""
    one, two = registered(str(uuid.uuid4()), DUO, BRP), registered(str(uuid.uuid4()), DUO, BRP)
    pips.process("intake", [one], after=0)
    with pytest.raises(PositionMoved):
        pips.process("intake", [two], after=0)
    assert pips.tracked_position("intake") == int(one["sequence"])
    with pytest.raises(NotFound):
        pips.pip(context("regievoerder"), two["subject"])
