"""pip's read models: one row per PIP (deadlines, decision, route, termijn, monitoring marks) and
one row per goal of the plan in force (domain, phase, owner, status). Reports and the monitoring
timer read them; both can be dropped and rebuilt from pip's events (G6)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from psycopg import Cursor, sql

from services.common.clock import AMSTERDAM
from services.common.documents.store import Documents
from services.common.projection import Projection
from services.common.worklists import Worklist, first_items
from services.pip.domain import Pip
from services.pip.handhaving import Enforcement


class PipOverview(Projection):
    name = "pip_overview"
    tables = ("pip_overview",)
    handles = (
        Pip.DraftOpened,
        Pip.HandedOver,
        Pip.DatesCorrected,
        Pip.ExtensionStarted,
        Pip.InformationArrived,
        Pip.Established,
        Pip.Revised,
        Pip.DeadlineWarned,
        Pip.DeadlineMissed,
        Pip.TermijnEndWarned,
        Pip.TermijnEnded,
    )

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
            # The werkvoorraad's PIP lists in their order, only their rows (issue 18): a list's
            # first items are read from here, and its length counted here, at any size.
            *(
                sql.SQL(
                    "CREATE INDEX IF NOT EXISTS {} ON {} (gemeente, (" + order + "), dossier_id)"
                    " WHERE " + rows
                ).format(sql.Identifier(name), table)
                for name, order, rows in _WORKLIST_INDEXES
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
    handles = (Pip.Established, Pip.Revised, Pip.HandedOver, Pip.GoalProgressRecorded)

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


class PipMeasuresDue(Projection):
    """The measures of the handhaving ladder due on a breach of the PIP and not yet decided:
    the werkvoorraad's breaches awaiting a decision (issue 17). A measure on the benefit the
    regievoerder referred stays, as the klantmanager's (`decided_by`), until they record theirs."""

    name = "pip_measures_due"
    tables = ("pip_measures_due",)
    handles = (
        Enforcement.MeasureDue,
        Enforcement.HandedOver,
        Enforcement.MeasureDecided,
        Enforcement.ParticipatiewetDecided,
    )

    def create_statements(self, schema: str) -> list[sql.Composable]:
        table = sql.Identifier(schema, "pip_measures_due")
        return [
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " dossier_id uuid NOT NULL,"
                " number integer NOT NULL,"
                " gemeente text NOT NULL,"
                " measure text NOT NULL,"
                " due_on date NOT NULL,"
                " decided_by text NOT NULL DEFAULT 'regievoerder',"
                " PRIMARY KEY (dossier_id, number))"
            ).format(table),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (gemeente, due_on)").format(
                sql.Identifier("pip_measures_due_gemeente"), table
            ),
        ]

    def apply(self, cur: Cursor, schema: str, e: Any) -> None:
        table = sql.Identifier(schema, "pip_measures_due")
        if isinstance(e, Enforcement.MeasureDue):
            subject = e.context["subject"]
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (dossier_id, number, gemeente, measure, due_on)"
                    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (dossier_id, number)"
                    " DO UPDATE SET measure = EXCLUDED.measure"
                ).format(table),
                (
                    subject["dossier_id"],
                    e.number,
                    subject["gemeente"],
                    e.measure,
                    e.timestamp.astimezone(AMSTERDAM).date(),
                ),
            )
        elif isinstance(e, Enforcement.HandedOver):
            cur.execute(
                sql.SQL("UPDATE {} SET gemeente = %s WHERE dossier_id = %s").format(table),
                (e.to_gemeente, e.context["subject"]["dossier_id"]),
            )
        elif isinstance(e, Enforcement.MeasureDecided) and getattr(e, "referred_to", None):
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET decided_by = %s, due_on = %s"
                    " WHERE dossier_id = %s AND number = %s"
                ).format(table),
                (
                    e.referred_to,
                    e.timestamp.astimezone(AMSTERDAM).date(),
                    e.context["subject"]["dossier_id"],
                    e.number,
                ),
            )
        elif isinstance(e, Enforcement.MeasureDecided | Enforcement.ParticipatiewetDecided):
            cur.execute(
                sql.SQL("DELETE FROM {} WHERE dossier_id = %s AND number = %s").format(table),
                (e.context["subject"]["dossier_id"], e.number),
            )


PROJECTIONS = (PipOverview(), PipGoals(), PipMeasuresDue(), Documents("pip"))


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
    # The monitor's warning (DeadlineWarned, the gemeente's lead time: pip-handhaving.json)
    # for the deadline in force, until the PIP is established or the deadline passes.
    "pip_deadline_warned": (
        "status = 'concept' AND deadline >= %(today)s AND deadline_warned_for = deadline",
        "deadline",
    ),
    "pip_deadline_soon": (
        "status = 'concept' AND deadline BETWEEN %(today)s AND %(soon)s",
        "deadline",
    ),
    "pip_to_establish": ("status = 'concept'", "coalesce(deadline, legal_deadline)"),
    # The monitor's warning that the inburgeringstermijn ends (TermijnEndWarned), until it ends.
    "termijn_warned": (
        "status = 'vastgesteld' AND termijn_warned AND NOT termijn_ended",
        "termijn_end",
    ),
    "termijn_ending": (
        "status = 'vastgesteld' AND termijn_end BETWEEN %(today)s AND %(half_year)s",
        "termijn_end",
    ),
}


# The indexes behind _WORKLISTS: (name, order, which rows).
_WORKLIST_INDEXES = (
    # missed and soon: a draft's deadline
    ("pip_overview_draft_deadline", "deadline", "status = 'concept'"),
    (
        "pip_overview_deadline_warned",
        "deadline",
        "status = 'concept' AND deadline_warned_for = deadline",
    ),
    ("pip_overview_to_establish", "coalesce(deadline, legal_deadline)", "status = 'concept'"),
    (
        "pip_overview_termijn_warned",
        "termijn_end",
        "status = 'vastgesteld' AND termijn_warned AND NOT termijn_ended",
    ),
    ("pip_overview_termijn_end", "termijn_end", "status = 'vastgesteld'"),
)


def worklist(
    cur: Cursor,
    gemeenten: tuple[str, ...],
    today: date,
    within_days: int = 14,
    only: list[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Per list: how many PIPs of the gemeenten are on it, and the first WORKLIST_LIMIT of them
    (dossier id and the date it is about): deadlines missed, warned about and within
    `within_days`, drafts to establish, inburgeringstermijnen warned about and ending within six
    months; and the measures due on breaches, not yet decided (`breaches_to_decide`, one item
    each). `only`: just these dossiers (a regievoerder's)."""
    bounds = {
        "today": today,
        "soon": today + timedelta(days=within_days),
        "half_year": today + timedelta(days=183),
        "gemeenten": list(gemeenten),
        "limit": WORKLIST_LIMIT,
        "only": only,
    }
    among = " AND dossier_id = ANY(%(only)s::uuid[])" if only is not None else ""
    lists = {}
    found = first_items(
        cur,
        {
            key: Worklist(
                select=f"dossier_id, {day} AS on_day",
                source="pip.pip_overview",
                gemeente_column="gemeente",
                condition=condition + among,
                order=("on_day", "dossier_id"),
            )
            for key, (condition, day) in _WORKLISTS.items()
        },
        gemeenten=gemeenten,
        binds=bounds,
        limit=WORKLIST_LIMIT,
    )
    for key, (count, rows) in found.items():
        lists[key] = {
            "count": count,
            "items": [
                {"dossier_id": str(r["dossier_id"]), "on": r["on_day"] and r["on_day"].isoformat()}
                for r in rows
            ],
        }
    cur.execute(
        "SELECT dossier_id, number, measure, due_on, decided_by, count(*) OVER () AS total"
        f" FROM pip.pip_measures_due WHERE gemeente = ANY(%(gemeenten)s){among}"
        " ORDER BY due_on, dossier_id, number LIMIT %(limit)s",
        bounds,
    )
    rows = cur.fetchall()
    lists["breaches_to_decide"] = {
        "count": rows[0]["total"] if rows else 0,
        "items": [
            {
                "dossier_id": str(r["dossier_id"]),
                "on": r["due_on"].isoformat(),
                "source": "pip",
                "measure": r["measure"],
                "number": r["number"],
                "decided_by": r["decided_by"],
            }
            for r in rows
        ],
    }
    return lists
