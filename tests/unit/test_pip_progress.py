"""Progress by owners, deadline and termijn monitoring, and handhaving per gemeente."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.context import Actor, CommandContext
from services.common.errors import Conflict, Forbidden, InvalidInput
from services.pip.application import Pips
from tests.pip_fixtures import GUIDE, goal
from tests.unit.test_applications import context, guiding, stored
from tests.unit.test_pip_plan import TODAY, _dossier, _established, _ready


def _goal_id(pips, dossier_id, domain):
    goals = pips.pip(context(), dossier_id)["plan"]["goals"]
    return next(g["id"] for g in goals if g["domain"] == domain)


def _guide(oin: str = "00000003000000000001") -> CommandContext:
    actor = Actor("u-vrijwilliger", "Vrijwilliger", ("begeleider",), oin, ("0344",))
    return CommandContext(actor=actor, activity="pip-voortgang")


def _with_guide_goal(pips: Pips) -> tuple[str, str]:
    dossier_id = _dossier(pips)
    decided = date(2026, 11, 20)
    _ready(pips, dossier_id, decided)
    owner = {**GUIDE, "oin": "00000003000000000001"}
    pips.add_goal(context(), dossier_id, goal(decided, "sociaal_netwerk", owner=owner, phase=1))
    pips.establish(context(), dossier_id, {"decided_on": "2026-11-20"}, today=TODAY)
    return dossier_id, _goal_id(pips, dossier_id, "sociaal_netwerk")


def test_the_goals_owner_records_progress_with_a_date_and_a_note(pips):
    dossier_id, goal_id = _with_guide_goal(pips)

    progress = {"status": "bezig", "on": "2026-11-25", "note": "Buurthuis"}
    pip = pips.record_goal_progress(_guide(), dossier_id, goal_id, progress, guiding)

    shown = next(g for g in pip["plan"]["goals"] if g["id"] == goal_id)
    assert shown["status"] == "bezig"
    [entry] = shown["history"]
    assert entry.items() >= {"status": "bezig", "on": "2026-11-25", "note": "Buurthuis"}.items()
    assert entry["source"] == "eigenaar" and entry["recorded_on"] >= "2026-11-25"


def test_events_about_one_goal_name_its_domain_so_a_health_goals_events_are_health(pips):
    from services.common.envelope import to_cloudevent
    from services.pip.events import PUBLICATIONS

    dossier_id = _dossier(pips)
    decided = date(2026, 11, 20)
    _ready(pips, dossier_id, decided)
    extra = pips.add_goal(context(), dossier_id, goal(decided, "financien"))
    extra_id = next(g["id"] for g in extra["plan"]["goals"] if g["domain"] == "financien")
    pips.change_goal(context(), dossier_id, extra_id, {"domain": "gezondheid"})
    pips.remove_goal(context(), dossier_id, extra_id)
    pips.establish(context(), dossier_id, {"decided_on": "2026-11-20"}, today=TODAY)
    health = _goal_id(pips, dossier_id, "gezondheid")
    pips.record_goal_progress(context(), dossier_id, health, {"status": "bezig", "note": "x"})

    published = {
        e["type"].split(".")[4]: e["data"]
        for e in (
            to_cloudevent("pip", PUBLICATIONS, n.id, pips.mapper.to_domain_event(n), n.state)
            for n in pips.recorder.select_notifications(start=1, limit=200)
        )
        if e["type"].startswith("nl.wegwijs.pip.doel.")
    }
    assert published["gewijzigd"]["domain"] == "gezondheid", "the domain after the change"
    assert published["verwijderd"]["domain"] == "gezondheid"
    assert published["voortgang-vastgelegd"] == {
        **published["voortgang-vastgelegd"],
        "goal_id": health,
        "domain": "gezondheid",
    }


def test_someone_who_does_not_own_the_goal_may_not_record_its_progress(pips):
    dossier_id, _ = _with_guide_goal(pips)
    health = _goal_id(pips, dossier_id, "gezondheid")  # owned by the regievoerder
    with pytest.raises(Forbidden, match="owner"):
        pips.record_goal_progress(
            _guide(), dossier_id, health, {"status": "bezig", "note": "x"}, guiding
        )


def test_when_the_pip_names_the_owners_oin_another_organisation_may_not_record(pips):
    dossier_id = _dossier(pips)
    decided = date(2026, 11, 20)
    _ready(pips, dossier_id, decided)
    owner = {**GUIDE, "oin": "00000003000000000001"}
    pips.add_goal(context(), dossier_id, goal(decided, "werk", owner=owner))
    pips.establish(context(), dossier_id, {"decided_on": "2026-11-20"}, today=TODAY)
    goal_id = _goal_id(pips, dossier_id, "werk")
    progress = {"status": "bezig", "note": "Gestart"}
    with pytest.raises(Forbidden):
        pips.record_goal_progress(
            _guide("00000003000000000002"), dossier_id, goal_id, progress, guiding
        )
    own = _guide("00000003000000000001")
    pips.record_goal_progress(own, dossier_id, goal_id, progress, guiding)


def test_progress_needs_an_established_pip_and_a_known_status(pips):
    dossier_id = _dossier(pips)
    _ready(pips, dossier_id, date(2026, 11, 20))
    goal_id = _goal_id(pips, dossier_id, "gezondheid")
    with pytest.raises(Conflict, match="draft"):
        pips.record_goal_progress(context(), dossier_id, goal_id, {"status": "bezig", "note": "x"})
    with pytest.raises(InvalidInput, match="status"):
        pips.record_goal_progress(context(), dossier_id, goal_id, {"status": "klaar", "note": "x"})


def test_module_hours_add_up(pips):
    dossier_id = _established(pips)
    for on in ("2026-11-23", "2026-11-27"):
        pip = pips.record_module_hours(
            context(), dossier_id, "nt2", {"hours": 12, "on": on, "note": "Les"}
        )
    assert pip["plan"]["modules"]["nt2"]["hours_done"] == 24
    assert (
        pips.pip(context(), dossier_id, as_of="2026-11-24")["plan"]["modules"]["nt2"]["hours_done"]
        == 12
    )


def test_a_volunteer_guide_sees_neither_health_goals_nor_ontzorgen(pips):
    dossier_id, _ = _with_guide_goal(pips)
    seen = pips.pip(_guide(), dossier_id, guides=guiding)
    assert {g["domain"] for g in seen["plan"]["goals"]} == {"taal", "sociaal_netwerk"}
    assert seen["plan"]["goals_withheld"] == 1
    assert "ontzorgen" not in seen["plan"] and "handhaving" not in seen


# monitoring ---------------------------------------------------------------------------------------
def test_the_deadline_warning_and_miss_each_happen_once(pips):
    dossier_id = _dossier(pips)  # deadline 2026-11-23; the default warns 14 days ahead
    assert pips.monitor(dossier_id, date(2026, 11, 8)) == []
    assert pips.monitor(dossier_id, date(2026, 11, 9)) == ["deadline-warned"]
    assert pips.monitor(dossier_id, date(2026, 11, 10)) == []
    assert pips.monitor(dossier_id, date(2026, 11, 23)) == []
    assert pips.monitor(dossier_id, date(2026, 11, 24)) == ["deadline-missed"]
    assert pips.monitor(dossier_id, date(2026, 11, 25)) == []
    assert [e.deadline for e in stored(pips, "Pip.DeadlineWarned")] == [date(2026, 11, 23)]
    assert len(stored(pips, "Pip.DeadlineMissed")) == 1
    assert stored(pips, "Pip.DeadlineMissed")[0].context["actor"]["user_id"] == "system:pip"


def test_an_extended_deadline_is_warned_again_and_none_while_waiting(pips):
    dossier_id = _dossier(pips)
    pips.monitor(dossier_id, date(2026, 11, 10))
    pips.request_extension(
        context(),
        dossier_id,
        {"awaited": "Verslag", "from_party": "COA", "requested_on": "2026-11-20"},
        today=TODAY,
    )
    assert pips.monitor(dossier_id, date(2026, 11, 30)) == []
    pips.information_arrived(context(), dossier_id, {"arrived_on": "2026-11-26"}, today=TODAY)
    assert pips.monitor(dossier_id, date(2026, 11, 28)) == ["deadline-warned"]
    assert [e.deadline for e in stored(pips, "Pip.DeadlineWarned")] == [
        date(2026, 11, 23),
        date(2026, 12, 10),
    ]


def test_the_end_of_the_termijn_is_warned_and_marked_once(pips):
    dossier_id = _established(pips, decided_on=date(2026, 11, 20))  # termijn ends 2029-11-20
    assert pips.monitor(dossier_id, date(2029, 11, 5)) == []
    assert pips.monitor(dossier_id, date(2029, 11, 6)) == ["termijn-warned"]
    assert pips.monitor(dossier_id, date(2029, 11, 21)) == ["termijn-ended"]
    assert pips.monitor(dossier_id, date(2029, 11, 22)) == []
    assert stored(pips, "Pip.TermijnEnded")[0].goals_not_achieved == 2


def test_a_gemeente_sets_its_own_lead_times(pips):
    dossier_id = _dossier(pips, gemeente="0321")  # warns 21 days ahead
    assert pips.monitor(dossier_id, date(2026, 11, 2)) == ["deadline-warned"]


# handhaving ---------------------------------------------------------------------------------------
def _breach(pips, dossier_id, gemeente="0344"):
    breach = {"obligation": "Taalles NT2", "description": "Drie weken afwezig.", "on": "2026-11-27"}
    return pips.record_breach(context("regievoerder", gemeente), dossier_id, breach)


def test_the_ladder_of_the_gemeente_decides_which_measure_is_due(pips):
    utrecht = _established(pips)
    _breach(pips, utrecht)
    assert [b["measure"] for b in _breach(pips, utrecht)["handhaving"]] == ["waarschuwing", "boete"]

    nieuwegein = _dossier(pips, gemeente="0356")
    ctx = context("regievoerder", "0356")
    _ready(pips, nieuwegein, date(2026, 11, 20), gemeente="0356")
    pips.establish(ctx, nieuwegein, {"decided_on": "2026-11-20"}, today=TODAY)
    _breach(pips, nieuwegein, "0356")
    measures = [b["measure"] for b in _breach(pips, nieuwegein, "0356")["handhaving"]]
    assert measures == ["waarschuwing", "maatregel-participatiewet"]


def test_a_fine_needs_a_culpability_assessment_finding_the_breach_culpable(pips):
    dossier_id = _established(pips)
    _breach(pips, dossier_id)
    _breach(pips, dossier_id)
    culpable = {"culpable": True, "circumstances": "Weigert zonder reden; uitzonderlijk."}
    warned = pips.decide_measure(
        context(),
        dossier_id,
        1,
        {"take": True, "reason": "Eerste keer afwezig.", "culpability": culpable},
    )
    assert warned["handhaving"][0]["decision"]["taken"] is True
    fine = {
        "take": True,
        "reason": "Herhaald afwezig.",
        "hearing": {"on": "2026-11-28", "summary": "Zegt geen reden te hebben."},
        "amount_eur": 250,
    }
    with pytest.raises(InvalidInput, match="culpab"):
        pips.decide_measure(context(), dossier_id, 2, fine)
    not_culpable = {**fine, "culpability": {"culpable": False, "circumstances": "Ziek."}}
    with pytest.raises(InvalidInput, match="culpab"):
        pips.decide_measure(context(), dossier_id, 2, not_culpable)
    decided = pips.decide_measure(context(), dossier_id, 2, {**fine, "culpability": culpable})
    assert decided["handhaving"][1]["decision"]["taken"] is True
    assert decided["handhaving"][1]["decision"]["amount_eur"] == 250


def test_waiving_a_measure_needs_only_the_reason(pips):
    dossier_id = _established(pips)
    _breach(pips, dossier_id)
    waived = pips.decide_measure(
        context(), dossier_id, 1, {"take": False, "reason": "Eerste keer."}
    )
    assert waived["handhaving"][0]["decision"]["taken"] is False


def test_a_volunteer_guide_sees_no_finance_goal_and_the_klantmanager_no_health_goal(pips):
    dossier_id = _dossier(pips)
    decided = date(2026, 11, 20)
    _ready(pips, dossier_id, decided)  # a health goal and a language goal
    klantmanager = {"organisation": "Gemeente Utrecht", "role": "klantmanager"}
    pips.add_goal(context(), dossier_id, goal(decided, "financien", owner=klantmanager))

    by_guide = pips.pip(_guide(), dossier_id, guides=guiding)["plan"]
    by_klantmanager = pips.pip(context("klantmanager"), dossier_id)["plan"]

    assert {g["domain"] for g in by_guide["goals"]} == {"taal"}
    assert by_guide["goals_withheld"] == 2
    assert {g["domain"] for g in by_klantmanager["goals"]} == {"taal", "financien"}
