"""Reports on PIPs per gemeente and for the region (aandachtspunt c: monitoring and reporting).

Counted from pip's read models. A PIP counts as on time when it was established on or before its
deadline; as late when established after it, or when it is still a draft past its deadline. Drafts
whose deadline is still ahead (or open while an extension waits) are not counted yet.
A region report shows every gemeente's numbers but lists dossiers only of the gemeenten the
reader acts for: no gemeente sees another's people.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from psycopg import Cursor

from services.common.values import CsvText
from services.contracts.pip import GOAL_STATUSES, report_rows
from services.pip.rules import PHASES, ROUTES, add_months

TERMIJN_HORIZON_MONTHS = 6
_FINISHED = ("behaald", "niet-behaald")


def _empty(gemeente: str) -> dict[str, Any]:
    return {
        "gemeente": gemeente,
        "on_time": {"on_time": 0, "established_late": 0, "overdue_drafts": 0, "share": None},
        "routes": dict.fromkeys(ROUTES, 0),
        "goals_by_status": dict.fromkeys(GOAL_STATUSES, 0),
        "goals_by_owner": [],
        "phases": [{"phase": phase, "goals": 0, "goals_open": 0, "persons": 0} for phase in PHASES],
        "termijnen_ending": {"within_months": TERMIJN_HORIZON_MONTHS, "count": 0},
    }


def counts(cur: Cursor, gemeenten: list[str], today: date) -> dict[str, dict[str, Any]]:
    """The numbers of each gemeente: no dossier ids."""
    reports = {g: _empty(g) for g in gemeenten}
    horizon = add_months(today, TERMIJN_HORIZON_MONTHS)
    cur.execute(
        "SELECT gemeente,"
        " count(*) FILTER (WHERE status = 'vastgesteld' AND on_time) AS on_time,"
        " count(*) FILTER (WHERE status = 'vastgesteld' AND NOT on_time) AS established_late,"
        " count(*) FILTER (WHERE status = 'concept' AND deadline < %(today)s) AS overdue_drafts,"
        " count(*) FILTER (WHERE status = 'vastgesteld'"
        "   AND termijn_end BETWEEN %(today)s AND %(horizon)s) AS termijnen_ending"
        " FROM pip.pip_overview WHERE gemeente = ANY(%(gemeenten)s) GROUP BY gemeente",
        {"today": today, "horizon": horizon, "gemeenten": gemeenten},
    )
    for row in cur.fetchall():
        on_time = reports[row["gemeente"]]["on_time"]
        on_time.update({k: row[k] for k in ("on_time", "established_late", "overdue_drafts")})
        counted = row["on_time"] + row["established_late"] + row["overdue_drafts"]
        on_time["share"] = round(row["on_time"] / counted, 4) if counted else None
        reports[row["gemeente"]]["termijnen_ending"]["count"] = row["termijnen_ending"]
    cur.execute(
        "SELECT gemeente, route, count(*) AS n FROM pip.pip_overview"
        " WHERE status = 'vastgesteld' AND gemeente = ANY(%s) GROUP BY gemeente, route",
        (gemeenten,),
    )
    for row in cur.fetchall():
        reports[row["gemeente"]]["routes"][row["route"]] = row["n"]
    cur.execute(
        "SELECT gemeente, owner_role, owner_organisation, status, count(*) AS n"
        " FROM pip.pip_goals WHERE gemeente = ANY(%s)"
        " GROUP BY gemeente, owner_role, owner_organisation, status"
        " ORDER BY gemeente, owner_role, owner_organisation",
        (gemeenten,),
    )
    for row in cur.fetchall():
        report = reports[row["gemeente"]]
        report["goals_by_status"][row["status"]] += row["n"]
        owners = report["goals_by_owner"]
        key = {"role": row["owner_role"], "organisation": row["owner_organisation"]}
        if not owners or {k: owners[-1][k] for k in key} != key:
            owners.append({**key, "by_status": dict.fromkeys(GOAL_STATUSES, 0)})
        owners[-1]["by_status"][row["status"]] = row["n"]
    cur.execute(
        "SELECT gemeente, phase, count(*) AS goals,"
        " count(*) FILTER (WHERE NOT status = ANY(%s)) AS goals_open,"
        " count(DISTINCT dossier_id) FILTER (WHERE NOT status = ANY(%s)) AS persons"
        " FROM pip.pip_goals WHERE gemeente = ANY(%s) GROUP BY gemeente, phase",
        (list(_FINISHED), list(_FINISHED), gemeenten),
    )
    for row in cur.fetchall():
        reports[row["gemeente"]]["phases"][row["phase"]].update(
            {k: row[k] for k in ("goals", "goals_open", "persons")}
        )
    return reports


def dossier_lists(cur: Cursor, gemeente: str, today: date) -> dict[str, list[dict[str, Any]]]:
    """The late PIPs and the termijnen ending soon of one gemeente, by pseudonymous dossier id."""
    cur.execute(
        "SELECT dossier_id, deadline, established_on FROM pip.pip_overview"
        " WHERE gemeente = %(g)s AND ((status = 'vastgesteld' AND NOT on_time)"
        "   OR (status = 'concept' AND deadline < %(today)s))"
        " ORDER BY deadline, dossier_id",
        {"g": gemeente, "today": today},
    )
    late = [
        {
            "dossier_id": str(row["dossier_id"]),
            "deadline": row["deadline"].isoformat(),
            "established_on": row["established_on"] and row["established_on"].isoformat(),
        }
        for row in cur.fetchall()
    ]
    cur.execute(
        "SELECT dossier_id, termijn_end FROM pip.pip_overview"
        " WHERE gemeente = %s AND status = 'vastgesteld' AND termijn_end BETWEEN %s AND %s"
        " ORDER BY termijn_end, dossier_id",
        (gemeente, today, add_months(today, TERMIJN_HORIZON_MONTHS)),
    )
    ending = [
        {"dossier_id": str(row["dossier_id"]), "termijn_end": row["termijn_end"].isoformat()}
        for row in cur.fetchall()
    ]
    return {"late": late, "termijnen_ending": ending}


def gemeente_report(cur: Cursor, gemeente: str, today: date) -> dict[str, Any]:
    report = counts(cur, [gemeente], today)[gemeente]
    lists = dossier_lists(cur, gemeente, today)
    report["on_time"]["late"] = lists["late"]
    report["termijnen_ending"]["dossiers"] = lists["termijnen_ending"]
    return {"as_of": today.isoformat(), **report}


def region_report(
    cur: Cursor, region: list[str], acts_for: tuple[str, ...], today: date
) -> dict[str, Any]:
    """Every gemeente's numbers; dossier lists only for the gemeenten in `acts_for`."""
    per_gemeente = counts(cur, region, today)
    for gemeente in region:
        if gemeente in acts_for:
            lists = dossier_lists(cur, gemeente, today)
            per_gemeente[gemeente]["on_time"]["late"] = lists["late"]
            per_gemeente[gemeente]["termijnen_ending"]["dossiers"] = lists["termijnen_ending"]
        else:
            # An owner's organisation is free text (an employer, a named practice): another
            # gemeente sees goals by owner role only.
            report = per_gemeente[gemeente]
            report["goals_by_owner"] = _by_role(report["goals_by_owner"])
    return {
        "as_of": today.isoformat(),
        "total": _total(list(per_gemeente.values())),
        "gemeenten": list(per_gemeente.values()),
    }


def _by_role(owners: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, int]] = {}
    for owner in owners:
        counts_of_role = merged.setdefault(owner["role"], dict.fromkeys(GOAL_STATUSES, 0))
        for status, n in owner["by_status"].items():
            counts_of_role[status] += n
    return [{"role": role, "by_status": n} for role, n in sorted(merged.items())]


def _total(reports: list[dict[str, Any]]) -> dict[str, Any]:
    total = _empty("regio")
    on_time = total["on_time"]
    for report in reports:
        for key in ("on_time", "established_late", "overdue_drafts"):
            on_time[key] += report["on_time"][key]
        for key in ("routes", "goals_by_status"):
            for name, n in report[key].items():
                total[key][name] += n
        for phase, row in zip(total["phases"], report["phases"], strict=True):
            for key in ("goals", "goals_open", "persons"):
                phase[key] += row[key]
        total["termijnen_ending"]["count"] += report["termijnen_ending"]["count"]
    counted = on_time["on_time"] + on_time["established_late"] + on_time["overdue_drafts"]
    on_time["share"] = round(on_time["on_time"] / counted, 4) if counted else None
    del total["goals_by_owner"]
    return total


def report_csv(report: dict[str, Any]) -> str:
    """A report in its published CSV form (contracts.pip.report_rows): section, gemeente,
    item, measure, value."""
    writer = CsvText()
    for row in report_rows(report):
        writer.writerow(row)
    return writer.getvalue()
