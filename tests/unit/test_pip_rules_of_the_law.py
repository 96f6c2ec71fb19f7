"""The PIP's rules of the law (issue 17): backdating does not move a legal limit, afschalen counts
the PIP's own hours log, and a measure is taken fairly and by the role the law gives it."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest

from services.common.errors import Conflict, Forbidden, InvalidInput
from services.pip.handhaving import Handhaving
from services.pip.rules import last_route_switch_day
from tests.pip_fixtures import intake_completed, registered, sections
from tests.unit.test_applications import context, stored
from tests.unit.test_pip_plan import TODAY, _afschalen, _ready, log_nt2
from tests.unit.test_pip_progress import _breach

BACKDATED = "Overgenomen uit het vorige systeem."
CULPABLE = {"culpable": True, "circumstances": "Bleef weg zonder bericht; uitzonderlijk."}
HEARD = {"on": "2026-11-28", "summary": "Zegt de afspraak vergeten te zijn."}


def _dossier(pips, brp: date, intake_on: date, gemeente: str = "0344") -> str:
    """A registered person (DUO and BRP on `brp`) whose intake was completed on `intake_on`."""
    dossier_id = str(uuid.uuid4())
    pips.process(
        "intake",
        [
            registered(dossier_id, brp, brp, gemeente),
            intake_completed(dossier_id, gemeente=gemeente, on=intake_on),
        ],
    )
    return dossier_id


# backdating ---------------------------------------------------------------------------------------
def test_a_pip_dated_before_its_intake_was_completed_is_refused_naming_decided_on(pips):
    dossier_id = _dossier(pips, brp=date(2026, 9, 14), intake_on=date(2026, 11, 25))
    _ready(pips, dossier_id, date(2026, 11, 24))

    with pytest.raises(InvalidInput) as refused:
        pips.establish(context(), dossier_id, {"decided_on": "2026-11-24"}, today=TODAY)

    assert refused.value.errors[0]["field"] == "decided_on"
    assert "2026-11-25, the day of the brede intake's completion" in str(refused.value)
    pips.establish(context(), dossier_id, {"decided_on": "2026-11-25"}, today=TODAY)


def test_a_decision_recorded_after_the_deadline_is_late_whatever_date_it_carries(pips):
    brp = date(2026, 8, 1)  # deadline 10 October 2026
    late = _dossier(pips, brp, intake_on=date(2026, 9, 1))
    in_time = _dossier(pips, brp + timedelta(days=1), intake_on=date(2026, 9, 1))
    decided = date(2026, 10, 1)
    for dossier_id in (late, in_time):
        _ready(pips, dossier_id, decided)

    pips.establish(
        context(),
        late,
        {"decided_on": decided.isoformat(), "backdating_reason": BACKDATED},
        today=TODAY,
    )
    pips.establish(context(), in_time, {"decided_on": decided.isoformat()}, today=decided)

    on_time = {e.originator_id: e.on_time for e in stored(pips, "Pip.Established")}
    assert sorted(on_time.values()) == [False, True]
    assert pips.pip(context(), late)["decision"]["recorded_on"] == TODAY.isoformat()


def test_a_route_switch_recorded_after_month_eighteen_is_refused_whatever_its_date(pips):
    established = date(2025, 1, 10)
    dossier_id = _dossier(pips, date(2024, 11, 1), intake_on=date(2024, 12, 2))
    _ready(pips, dossier_id, established)
    pips.establish(context(), dossier_id, {"decided_on": "2025-01-10"}, today=established)
    last_day = last_route_switch_day(established)  # 10 July 2026
    switch = {
        "kind": "routewijziging",
        "explanation": "Naar de Z-route.",
        "decided_on": (last_day - timedelta(days=30)).isoformat(),
        "backdating_reason": BACKDATED,
        "sections": {
            k: v for k, v in sections(established, "z").items() if k in ("leerroute", "modules")
        },
    }

    with pytest.raises(Conflict, match="recorded today"):
        pips.revise(context(), dossier_id, switch, today=last_day + timedelta(days=1))

    switched = pips.revise(context(), dossier_id, switch, today=last_day)
    assert switched["plan"]["leerroute"]["route"] == "z"


# afschalen ----------------------------------------------------------------------------------------
def test_afschalen_counts_the_hours_log_and_refuses_a_typed_figure_that_differs(pips):
    dossier_id = _dossier(pips, date(2026, 9, 14), intake_on=date(2026, 9, 14))
    _ready(pips, dossier_id, date(2026, 11, 20))
    pips.establish(context(), dossier_id, {"decided_on": "2026-11-20"}, today=TODAY)
    log_nt2(pips, dossier_id, 250)

    with pytest.raises(InvalidInput) as refused:
        pips.revise(context(), dossier_id, _afschalen(620), today=TODAY)

    error = refused.value.errors[0]
    assert error["field"] == "evidence/nt2_hours"
    assert "620" in error["detail"] and "250" in error["detail"]
    untyped = _afschalen(0)
    del untyped["evidence"]["nt2_hours"]
    with pytest.raises(InvalidInput, match="holds 250"):
        pips.revise(context(), dossier_id, untyped, today=TODAY)

    log_nt2(pips, dossier_id, 370)
    lowered = pips.revise(context(), dossier_id, untyped, today=TODAY)
    assert lowered["decision"]["evidence"]["nt2_hours"] == 620


# handhaving ---------------------------------------------------------------------------------------
def _two_breaches(pips, gemeente: str = "0344") -> str:
    dossier_id = _dossier(pips, date(2026, 9, 14), date(2026, 9, 14), gemeente)
    ctx = context("regievoerder", gemeente)
    _ready(pips, dossier_id, date(2026, 11, 20), gemeente=gemeente)
    pips.establish(ctx, dossier_id, {"decided_on": "2026-11-20"}, today=TODAY)
    _breach(pips, dossier_id, gemeente)
    _breach(pips, dossier_id, gemeente)
    return dossier_id


def test_a_fine_without_a_warning_culpability_hearing_or_amount_names_each(pips):
    dossier_id = _two_breaches(pips)

    with pytest.raises(InvalidInput) as refused:
        pips.decide_measure(context(), dossier_id, 2, {"take": True, "reason": "Weer weg."})

    fields = [e["field"] for e in refused.value.errors]
    assert fields == ["culpability", "warning", "hearing", "amount_eur"]


def test_a_fine_follows_a_warning_that_was_taken_not_one_that_was_waived(pips):
    dossier_id = _two_breaches(pips)
    pips.decide_measure(context(), dossier_id, 1, {"take": False, "reason": "Eerste keer."})
    fine = {
        "take": True,
        "reason": "Weer weg.",
        "culpability": CULPABLE,
        "hearing": HEARD,
        "amount_eur": 200,
    }

    with pytest.raises(InvalidInput) as refused:
        pips.decide_measure(context(), dossier_id, 2, fine)
    assert [e["field"] for e in refused.value.errors] == ["warning"]


def test_a_hearing_before_the_breach_is_no_hearing_on_it(pips):
    dossier_id = _two_breaches(pips)
    warning = {"take": True, "reason": "Eerste keer.", "culpability": CULPABLE}
    pips.decide_measure(context(), dossier_id, 1, warning)
    fine = {
        "take": True,
        "reason": "Weer weg.",
        "culpability": CULPABLE,
        "hearing": {**HEARD, "on": "2026-11-20"},
        "amount_eur": 200,
    }

    with pytest.raises(InvalidInput) as refused:
        pips.decide_measure(context(), dossier_id, 2, fine)
    assert [e["field"] for e in refused.value.errors] == ["hearing/on"]

    taken = pips.decide_measure(context(), dossier_id, 2, {**fine, "hearing": HEARD})
    assert taken["handhaving"][1]["decision"]["hearing"] == HEARD


def test_a_warning_too_is_taken_only_for_a_culpable_breach(pips):
    dossier_id = _two_breaches(pips)
    with pytest.raises(InvalidInput) as refused:
        pips.decide_measure(context(), dossier_id, 1, {"take": True, "reason": "Weg."})
    assert [e["field"] for e in refused.value.errors] == ["culpability"]


def test_the_regievoerder_refers_a_participatiewet_measure_and_cannot_take_it(pips):
    dossier_id = _two_breaches(pips, "0356")  # Nieuwegein: the second rung is a benefit measure
    ctx = context("regievoerder", "0356")
    cut = {"take": True, "reason": "Bijstand verlagen.", "culpability": CULPABLE}

    with pytest.raises(Forbidden, match="klantmanager"):
        pips.decide_measure(ctx, dossier_id, 2, cut)
    with pytest.raises(InvalidInput) as both:
        pips.decide_measure(ctx, dossier_id, 2, {**cut, "refer_to_klantmanager": True})
    assert both.value.errors[0]["field"] == "take"
    with pytest.raises(InvalidInput) as not_a_benefit:
        pips.decide_measure(
            ctx, dossier_id, 1, {"take": False, "reason": "x", "refer_to_klantmanager": True}
        )
    assert not_a_benefit.value.errors[0]["field"] == "refer_to_klantmanager"

    referred = pips.decide_measure(
        ctx,
        dossier_id,
        2,
        {"take": False, "reason": "Voor de klantmanager.", "refer_to_klantmanager": True},
    )
    decision = referred["handhaving"][1]["decision"]
    assert decision["taken"] is False and decision["referred_to"] == "klantmanager"


def test_a_ladder_that_puts_a_fine_before_a_warning_is_refused_naming_the_gemeente(tmp_path):
    ladder = {
        "version": "test",
        "region_default": {
            "monitoring": {"pip_deadline_warning_days": 14, "termijn_end_warning_days": 14},
            "ladder": [
                {"after_breaches": 1, "measure": "waarschuwing"},
                {"after_breaches": 2, "measure": "boete"},
            ],
        },
        "gemeenten": {"0321": {"ladder": [{"after_breaches": 1, "measure": "boete"}]}},
    }
    path = tmp_path / "pip-handhaving.json"
    path.write_text(json.dumps(ladder))

    with pytest.raises(ValueError, match="0321"):
        Handhaving.load(path)
