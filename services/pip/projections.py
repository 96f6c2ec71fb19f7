"""pip's read models: one row per PIP (deadlines, decision, route, termijn, monitoring marks) and
one row per goal of the plan in force (domain, phase, owner, status). Reports and the monitoring
timer read them; both can be dropped and rebuilt from pip's events (G6)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from psycopg import Cursor, sql

from services.common.projection import Projection
from services.pip.domain import Pip


class PipOverview(Projection):
    name = "pip_overview"
    tables = ("pip_overview",)

    def create_statements(self, schema: str) -> list[sql.Composable]:
        table = sql.Identifier(schema, "pip_overview")
        return [
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " dossier_id uuid PRIMARY KEY,"
                " gemeente text NOT NULL,"
                " status text NOT NULL,"
                " legal_deadline date NOT NULL,"
                " deadline date,"  # null while an extension waits for information
                " established_on date,"
                " on_time boolean,"
                " route text,"
                " language_target text,"
                " termijn_start date,"
                " termijn_end date,"
                " versions integer NOT NULL DEFAULT 0,"
                " deadline_warned_for date,"
                " deadline_missed_for date,"
                " termijn_warned boolean NOT NULL DEFAULT false,"
                " termijn_ended boolean NOT NULL DEFAULT false)"
            ).format(table),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (gemeente, status)").format(
                sql.Identifier("pip_overview_gemeente"), table
            ),
        ]

    def apply(self, cur: Cursor, schema: str, e: Any) -> None:
        table = sql.Identifier(schema, "pip_overview")

        def update(assignments: str, *values: Any) -> None:
            cur.execute(
                sql.SQL("UPDATE {} SET " + assignments + " WHERE dossier_id = %s").format(table),
                (*values, e.context["subject"]["dossier_id"]),
            )

        if isinstance(e, Pip.DraftOpened):
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (dossier_id, gemeente, status, legal_deadline, deadline)"
                    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (dossier_id) DO NOTHING"
                ).format(table),
                (e.dossier_id, e.gemeente, Pip.DRAFT, e.deadline, e.deadline),
            )
        elif isinstance(e, Pip.HandedOver):
            cur.execute(
                sql.SQL("UPDATE {} SET gemeente = %s WHERE dossier_id = %s").format(table),
                (e.to_gemeente, e.context["subject"]["dossier_id"]),
            )
        elif isinstance(e, Pip.DatesCorrected):
            # Events stored before the effective deadline was recorded had no extension then.
            effective = getattr(e, "effective_deadline", e.deadline)
            update("legal_deadline = %s, deadline = %s", e.deadline, effective)
        elif isinstance(e, Pip.ExtensionStarted):
            update("deadline = NULL")
        elif isinstance(e, Pip.InformationArrived):
            update("deadline = %s", e.deadline)
        elif isinstance(e, Pip.Established):
            leerroute = e.plan["leerroute"]
            # Late when recorded after the deadline, whatever its date: events stored before
            # pip counted the recording day are counted so too on a rebuild.
            recorded_on = getattr(e, "recorded_on", None)
            on_time = e.on_time and (recorded_on is None or recorded_on <= e.deadline)
            update(
                "status = %s, established_on = %s, on_time = %s, route = %s,"
                " language_target = %s, termijn_start = %s, termijn_end = %s, versions = 1",
                Pip.ESTABLISHED,
                e.decided_on,
                on_time,
                leerroute["route"],
                leerroute["language_target"],
                e.termijn_start,
                e.termijn_end,
            )
        elif isinstance(e, Pip.Revised):
            leerroute = e.plan["leerroute"]
            update(
                "route = %s, language_target = %s, versions = %s",
                leerroute["route"],
                leerroute["language_target"],
                e.number,
            )
        elif isinstance(e, Pip.DeadlineWarned):
            update("deadline_warned_for = %s", e.deadline)
        elif isinstance(e, Pip.DeadlineMissed):
            update("deadline_missed_for = %s", e.deadline)
        elif isinstance(e, Pip.TermijnEndWarned):
            update("termijn_warned = true")
        elif isinstance(e, Pip.TermijnEnded):
            update("termijn_ended = true")


class PipGoals(Projection):
    """The goals of each established PIP's plan in force, with their latest status."""

    name = "pip_goals"
    tables = ("pip_goals",)

    def create_statements(self, schema: str) -> list[sql.Composable]:
        table = sql.Identifier(schema, "pip_goals")
        return [
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " goal_id uuid PRIMARY KEY,"
                " dossier_id uuid NOT NULL,"
                " gemeente text NOT NULL,"
                " domain text NOT NULL,"
                " term text NOT NULL,"
                " phase integer NOT NULL,"
                " owner_role text NOT NULL,"
                " owner_organisation text NOT NULL,"
                " due_on date NOT NULL,"
                " status text NOT NULL DEFAULT 'open')"
            ).format(table),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (gemeente)").format(
                sql.Identifier("pip_goals_gemeente"), table
            ),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (dossier_id)").format(
                sql.Identifier("pip_goals_dossier"), table
            ),
        ]

    def apply(self, cur: Cursor, schema: str, e: Any) -> None:
        table = sql.Identifier(schema, "pip_goals")
        if isinstance(e, Pip.Established | Pip.Revised):
            subject = e.context["subject"]
            goals = e.plan["goals"]
            cur.execute(
                sql.SQL("DELETE FROM {} WHERE dossier_id = %s AND NOT goal_id = ANY(%s)").format(
                    table
                ),
                (subject["dossier_id"], list(goals)),
            )
            for goal_id, goal in goals.items():
                cur.execute(
                    sql.SQL(
                        "INSERT INTO {} (goal_id, dossier_id, gemeente, domain, term, phase,"
                        " owner_role, owner_organisation, due_on)"
                        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                        " ON CONFLICT (goal_id) DO UPDATE SET domain = EXCLUDED.domain,"
                        " term = EXCLUDED.term, phase = EXCLUDED.phase,"
                        " owner_role = EXCLUDED.owner_role,"
                        " owner_organisation = EXCLUDED.owner_organisation,"
                        " due_on = EXCLUDED.due_on"
                    ).format(table),
                    (
                        goal_id,
                        subject["dossier_id"],
                        subject["gemeente"],
                        goal["domain"],
                        goal["term"],
                        goal["phase"],
                        goal["owner"]["role"],
                        goal["owner"]["organisation"],
                        goal["due_on"],
                    ),
                )
        elif isinstance(e, Pip.HandedOver):
            cur.execute(
                sql.SQL("UPDATE {} SET gemeente = %s WHERE dossier_id = %s").format(table),
                (e.to_gemeente, e.context["subject"]["dossier_id"]),
            )
        elif isinstance(e, Pip.GoalProgressRecorded):
            cur.execute(
                sql.SQL("UPDATE {} SET status = %s WHERE goal_id = %s").format(table),
                (e.status, e.goal_id),
            )


PROJECTIONS = (PipOverview(), PipGoals())


def monitoring_candidates(
    cur: Cursor, today: date, horizon_days: int, region: Iterable[str] | None = None
) -> list[str]:
    """PIPs whose deadline or termijn end is within `horizon_days` or passed and not yet marked
    as passed; the aggregate itself decides what, if anything, to mark. With `region`, only
    PIPs of its gemeenten (one whose person left the region is no longer monitored here)."""
    cur.execute(
        "SELECT dossier_id FROM pip.pip_overview WHERE"
        " ((status = 'concept' AND deadline <= %(horizon)s"
        "   AND deadline_missed_for IS DISTINCT FROM deadline)"
        " OR (status = 'vastgesteld' AND termijn_end <= %(horizon)s AND NOT termijn_ended))"
        " AND (%(region)s::text[] IS NULL OR gemeente = ANY(%(region)s::text[]))",
        {
            "horizon": today + timedelta(days=horizon_days),
            "region": None if region is None else list(region),
        },
    )
    return [str(row["dossier_id"]) for row in cur.fetchall()]


# The werkvoorraad: each list of a regievoerder's work that pip knows, its condition on
# pip_overview and the date each item is about (earliest first).
WORKLIST_LIMIT = 50
_WORKLISTS = {
    "pip_deadline_missed": (
        "status = 'concept' AND deadline < %(today)s",
        "deadline",
    ),
    "pip_deadline_soon": (
        "status = 'concept' AND deadline BETWEEN %(today)s AND %(soon)s",
        "deadline",
    ),
    "pip_to_establish": ("status = 'concept'", "coalesce(deadline, legal_deadline)"),
    "termijn_ending": (
        "status = 'vastgesteld' AND termijn_end BETWEEN %(today)s AND %(half_year)s",
        "termijn_end",
    ),
}


def worklist(cur: Cursor, gemeenten: tuple[str, ...], today: date) -> dict[str, dict[str, Any]]:
    """Per list: how many PIPs of the gemeenten are on it, and the first WORKLIST_LIMIT of them
    (dossier id and the date it is about): deadlines missed and within two weeks, drafts to
    establish, inburgeringstermijnen ending within six months."""
    bounds = {
        "today": today,
        "soon": today + timedelta(days=14),
        "half_year": today + timedelta(days=183),
        "gemeenten": list(gemeenten),
        "limit": WORKLIST_LIMIT,
    }
    lists = {}
    for key, (condition, day) in _WORKLISTS.items():
        cur.execute(
            f"SELECT dossier_id, {day} AS on_day, count(*) OVER () AS total"
            f" FROM pip.pip_overview WHERE gemeente = ANY(%(gemeenten)s) AND {condition}"
            " ORDER BY on_day NULLS LAST, dossier_id LIMIT %(limit)s",
            bounds,
        )
        rows = cur.fetchall()
        lists[key] = {
            "count": rows[0]["total"] if rows else 0,
            "items": [
                {"dossier_id": str(r["dossier_id"]), "on": r["on_day"] and r["on_day"].isoformat()}
                for r in rows
            ],
        }
    return lists
