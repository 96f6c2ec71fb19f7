"""PIP reports on PostgreSQL, against a hand-counted fixture of 62 dossiers in two gemeenten.

The fixture lives in its own database, so the platform's other tests cannot change its counts.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections import Counter
from datetime import date, timedelta

import psycopg
import pytest

from services.common import settings
from services.common.db import Database
from services.common.projection import Projector
from services.pip.application import Pips
from services.pip.projections import PROJECTIONS
from services.pip.reports import gemeente_report, region_report, report_csv
from services.pip.rules import pip_deadline
from services.tools.migrate import migrate
from tests.pip_fixtures import (
    SCHOOL,
    goal,
    intake_completed,
    intake_event,
    registered,
    sections,
)
from tests.unit.test_applications import context

DBNAME = "wegwijs_pip_reports"
TODAY = date(2026, 11, 28)  # the report's day; every date below is on or before it

# (scenario, how many in 0344, how many in 0356): counted by hand below.
SCENARIOS = [
    ("on_time", 15, 8),  # established a week before the deadline
    ("on_deadline", 3, 0),  # established on the deadline itself: on time
    ("late", 8, 5),  # established 3 days after the deadline (Z-route)
    ("overdue", 6, 3),  # still a draft, deadline passed
    ("pending", 4, 3),  # still a draft, deadline today or later: not counted yet
    ("extended", 3, 1),  # information arrived; established after the legal deadline, in time
    ("waiting", 1, 0),  # extension waiting for information: deadline open, not counted
    ("old", 2, 0),  # established in time in 2023: termijn ends 2026-12-08, within 6 months
]
# Hand count. 0344: on time 15 + 3 + 3 + 2 = 23; late 8 established + 6 overdue = 14.
#             0356: on time 8 + 1 = 9;           late 5 established + 3 overdue = 8.
EXPECTED = {
    "0344": {"on_time": 23, "established_late": 8, "overdue_drafts": 6, "share": 0.6216},
    "0356": {"on_time": 9, "established_late": 5, "overdue_drafts": 3, "share": 0.5294},
}
EXPECTED_REGION_SHARE = 0.5926  # 32 / (32 + 13 + 9)
ACHIEVED_IN_0344 = 5  # the language goal of the first five on-time PIPs of 0344


@pytest.fixture(scope="module")
def reporting():
    """Pips on a fresh database of its own, with its read models."""
    with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEGWIJS_PG_DBNAME", DBNAME)
        migrate()
        app, db = Pips.on_postgres(), Database().open()
        try:
            yield app, db, _load_fixture(app)
        finally:
            app.close()
            db.close()


def _brp_for(scenario: str, n: int) -> date:
    """A BRP date (equal to the DUO date) that puts the deadline where the scenario needs it."""
    if scenario == "old":
        return date(2023, 10, 2)
    if scenario == "pending":
        return TODAY - timedelta(weeks=10) + timedelta(days=n)  # deadline today + n
    return date(2026, 7, 1) + timedelta(days=n)


def _load_fixture(app: Pips) -> dict[str, list[tuple[str, str]]]:
    """Store the 62 dossiers; returns (scenario, dossier id) per gemeente."""
    made: dict[str, list[tuple[str, str]]] = {"0344": [], "0356": []}
    for scenario, in_0344, in_0356 in SCENARIOS:
        for gemeente, count in (("0344", in_0344), ("0356", in_0356)):
            for n in range(count):
                dossier_id = _dossier(app, gemeente, scenario, n)
                made[gemeente].append((scenario, dossier_id))
    for _, dossier_id in made["0344"][:ACHIEVED_IN_0344]:
        taal = next(
            g["id"]
            for g in app.pip(context(), dossier_id)["plan"]["goals"]
            if g["domain"] == "taal"
        )
        progress = {"status": "behaald", "on": "2026-11-27", "note": "Examen gehaald"}
        app.record_goal_progress(context(), dossier_id, taal, progress)
    return made


def _dossier(app: Pips, gemeente: str, scenario: str, n: int) -> str:
    dossier_id = str(uuid.uuid4())
    brp = _brp_for(scenario, n)
    deadline = pip_deadline(brp, brp)
    app.process(
        "intake",
        [
            registered(dossier_id, brp, brp, gemeente),
            intake_completed(dossier_id, gemeente=gemeente, on=brp),
        ],
    )
    ctx = context("regievoerder", gemeente)
    decided = {
        "on_time": deadline - timedelta(days=7),
        "on_deadline": deadline,
        "late": deadline + timedelta(days=3),
        "extended": deadline + timedelta(days=5),
        "old": date(2023, 12, 8),
    }.get(scenario)
    if scenario in ("extended", "waiting"):
        asked = {"awaited": "Rapport", "from_party": "GGD", "requested_on": deadline.isoformat()}
        app.request_extension(ctx, dossier_id, asked, today=deadline)
    if scenario == "extended":
        arrival = {"arrived_on": (deadline + timedelta(days=1)).isoformat()}
        app.information_arrived(ctx, dossier_id, arrival, today=deadline + timedelta(days=1))
    if decided is None:
        return dossier_id
    route = "z" if scenario == "late" else "b1"
    app.change_sections(ctx, dossier_id, sections(decided, route))
    app.add_goal(ctx, dossier_id, goal(decided))
    app.add_goal(ctx, dossier_id, goal(decided, "taal", owner=SCHOOL, phase=1, term="lang"))
    # Each step is recorded on the day it happened, as a regievoerder would have.
    app.establish(ctx, dossier_id, {"decided_on": decided.isoformat()}, today=decided)
    return dossier_id


def _report(db: Database, gemeente: str) -> dict:
    with db.transaction() as cur:
        return gemeente_report(cur, gemeente, TODAY)


def test_the_on_time_share_matches_the_hand_count(reporting):
    app, db, made = reporting
    Projector(app, db, PROJECTIONS).run()
    assert sum(len(v) for v in made.values()) == 62

    for gemeente, expected in EXPECTED.items():
        on_time = _report(db, gemeente)["on_time"]
        assert {k: on_time[k] for k in expected} == expected, gemeente
        late_ids = {row["dossier_id"] for row in on_time["late"]}
        assert late_ids == {d for s, d in made[gemeente] if s in ("late", "overdue")}

    with db.transaction() as cur:
        region = region_report(cur, ["0344", "0356", "0321"], ("0344",), TODAY)
    assert region["total"]["on_time"]["share"] == EXPECTED_REGION_SHARE


def test_routes_goals_phases_and_ending_termijnen_are_counted(reporting):
    app, db, made = reporting
    Projector(app, db, PROJECTIONS).run()
    report = _report(db, "0344")

    assert report["routes"] == {"b1": 23, "onderwijs": 0, "z": 8}
    assert report["goals_by_status"] == {
        "open": 62 - ACHIEVED_IN_0344,
        "bezig": 0,
        "behaald": ACHIEVED_IN_0344,
        "niet-behaald": 0,
    }
    school = next(o for o in report["goals_by_owner"] if o["role"] == "taalaanbieder")
    assert school["by_status"]["behaald"] == ACHIEVED_IN_0344
    phases = {p["phase"]: p for p in report["phases"]}
    assert phases[0] == {"phase": 0, "goals": 31, "goals_open": 31, "persons": 31}
    assert phases[1] == {"phase": 1, "goals": 31, "goals_open": 26, "persons": 26}
    ending = report["termijnen_ending"]
    assert ending["count"] == 2
    assert {d["dossier_id"] for d in ending["dossiers"]} == {
        d for s, d in made["0344"] if s == "old"
    }
    assert {d["termijn_end"] for d in ending["dossiers"]} == {"2026-12-08"}


def test_a_region_report_lists_no_dossier_of_another_gemeente(reporting):
    app, db, made = reporting
    Projector(app, db, PROJECTIONS).run()
    with db.transaction() as cur:
        region = region_report(cur, ["0344", "0356", "0321"], ("0344",), TODAY)

    text = json.dumps(region)
    assert not [d for _, d in made["0356"] if d in text]
    assert [d for _, d in made["0344"] if d in text], "the reader's own gemeente is listed"
    nieuwegein = next(g for g in region["gemeenten"] if g["gemeente"] == "0356")
    assert nieuwegein["on_time"]["on_time"] == 9 and "late" not in nieuwegein["on_time"]
    assert nieuwegein["termijnen_ending"].keys() == {"within_months", "count"}
    assert {o["role"] for o in nieuwegein["goals_by_owner"]} == {"regievoerder", "taalaanbieder"}
    assert all("organisation" not in o for o in nieuwegein["goals_by_owner"])
    utrecht = next(g for g in region["gemeenten"] if g["gemeente"] == "0344")
    assert all("organisation" in o for o in utrecht["goals_by_owner"])
    assert not [d for _, d in made["0356"] if d in report_csv(region)]


def test_the_csv_holds_the_same_numbers(reporting):
    app, db, _ = reporting
    Projector(app, db, PROJECTIONS).run()
    rows = list(csv.DictReader(io.StringIO(report_csv(_report(db, "0356")))))
    share = next(r for r in rows if r["section"] == "op-tijd" and r["measure"] == "share")
    assert float(share["value"]) == EXPECTED["0356"]["share"]
    late = Counter(r["item"] for r in rows if r["section"] == "te-laat")
    assert len(late) == 8 and set(late.values()) == {2}


def test_the_read_models_rebuild_to_the_same_report(reporting):
    app, db, _ = reporting
    projector = Projector(app, db, PROJECTIONS)
    projector.run()
    before = (_report(db, "0344"), _report(db, "0356"))
    for projection in PROJECTIONS:
        projector.rebuild(projection.name)
    assert (_report(db, "0344"), _report(db, "0356")) == before


def test_a_correction_after_an_arrived_extension_keeps_the_read_model_in_step(reporting):
    app, db, _ = reporting
    dossier_id, brp = str(uuid.uuid4()), date(2026, 9, 14)  # legal deadline 2026-11-23
    app.process("intake", [registered(dossier_id, date(2026, 9, 1), brp, "0321")])
    ctx = context("regievoerder", "0321")
    asked = {"awaited": "Rapport", "from_party": "GGD", "requested_on": "2026-11-20"}
    app.request_extension(ctx, dossier_id, asked, today=TODAY)
    app.information_arrived(ctx, dossier_id, {"arrived_on": "2026-11-27"}, today=TODAY)
    correction = {
        "dossier_id": dossier_id,
        "fields": ["brp_registration_date"],
        "brp_registration_date": "2026-09-07",
    }
    app.process(
        "intake",
        [intake_event("nl.wegwijs.intake.dossier.gecorrigeerd.v1", correction, "0321")],
    )
    Projector(app, db, PROJECTIONS).run()

    shown = app.pip(ctx, dossier_id)
    with db.transaction() as cur:
        cur.execute(
            "SELECT legal_deadline, deadline FROM pip.pip_overview WHERE dossier_id = %s",
            (dossier_id,),
        )
        row = cur.fetchone()
    assert row["legal_deadline"].isoformat() == shown["legal_deadline"] == "2026-11-16"
    assert row["deadline"].isoformat() == shown["deadline"] == "2026-12-11"
