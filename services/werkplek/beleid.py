"""The beleidsmedewerker's pages: the PIP reports per gemeente and for the region, as tables with
simple bar charts (no JavaScript: each bar is drawn by the server and its number is in the table,
so a screen reader reads the numbers), and each report as a CSV download."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from services.werkplek import texts
from services.werkplek.gateway import Gateway
from services.werkplek.sessions import Session

REPORTS = "/api/v1/reports/pip"
ROUTES = {"b1": "B1-route", "onderwijs": "Onderwijsroute", "z": "Z-route"}
GOAL_STATUSES = {
    "open": "Open",
    "bezig": "Bezig",
    "behaald": "Behaald",
    "niet-behaald": "Niet behaald",
}
# Piëzo's phases (the PIP's goals), 0 to 4: from home in order to paid work or education.
PHASES = {phase: f"Fase {phase}" for phase in range(5)}
ON_TIME = (
    ("on_time", "Op tijd vastgesteld"),
    ("established_late", "Te laat vastgesteld"),
    ("overdue_drafts", "Nog niet vastgesteld, termijn voorbij"),
)
BAR_WIDTH = 200  # pixels of a full bar


def bars(items: list[tuple[str, int]], whole: int | None = None) -> list[dict[str, Any]]:
    """Rows of a bar chart: label, number, its share of `whole` (the sum of the numbers unless
    given) in words ("40%"), and the bar's width. Nothing counted: every share is empty."""
    total = sum(n for _, n in items) if whole is None else whole
    rows = []
    for label, n in items:
        share = n / total if total else None
        rows.append(
            {
                "label": label,
                "count": n,
                "share": percent(share),
                "width": round((share or 0) * BAR_WIDTH),
            }
        )
    return rows


def percent(share: float | None) -> str:
    """0.75 as "75%"; nothing counted as a dash."""
    if share is None:
        return "-"
    return f"{round(share * 100)}%"


def _on_time(numbers: dict[str, Any]) -> dict[str, Any]:
    on_time = numbers["on_time"]
    counted = sum(on_time[key] for key, _ in ON_TIME)
    return {
        "chart": bars([(label, on_time[key]) for key, label in ON_TIME]),
        "counted": counted,
        "on_time": on_time["on_time"],
        "share": percent(on_time["share"]),
        "width": round((on_time["share"] or 0) * BAR_WIDTH),
        "late": on_time.get("late"),
    }


def _phases(phases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    most = max((p["persons"] for p in phases), default=0)
    return [
        {
            **p,
            "label": PHASES.get(p["phase"], f"Fase {p['phase']}"),
            "width": round(p["persons"] / most * BAR_WIDTH) if most else 0,
        }
        for p in phases
    ]


def numbers(part: dict[str, Any]) -> dict[str, Any]:
    """One gemeente's (or the region's) numbers, ready for the tables and charts."""
    routes = part["routes"]
    statuses = part["goals_by_status"]
    return {
        "gemeente": part["gemeente"],
        "name": "Regio" if part["gemeente"] == "regio" else texts.gemeente(part["gemeente"]),
        "on_time": _on_time(part),
        "routes": bars([(ROUTES.get(r, r), n) for r, n in routes.items()]),
        "routes_total": sum(routes.values()),
        "statuses": bars([(GOAL_STATUSES.get(s, s), n) for s, n in statuses.items()]),
        "goals_total": sum(statuses.values()),
        "owners": part.get("goals_by_owner"),
        "phases": _phases(part["phases"]),
        "termijnen": part["termijnen_ending"],
    }


async def region(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The region's report: every gemeente side by side, and the region in total."""
    report = await gateway.get(f"{REPORTS}/region")
    parts = [numbers(part) for part in report["gemeenten"]]
    return werkplek.render(
        request,
        "beleid_regio.html",
        session=session,
        report=report,
        total=numbers(report["total"]),
        parts=parts,
        own=set(session.gemeenten),
        routes=ROUTES,
        statuses=GOAL_STATUSES,
    )


async def gemeente(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One gemeente's report, with the dossiers it lists (late PIPs, termijnen ending)."""
    code = request.path_params["gemeente"]
    report = await gateway.get(f"{REPORTS}/gemeenten/{code}")
    return werkplek.render(
        request,
        "beleid_gemeente.html",
        session=session,
        report=report,
        part=numbers(report),
        statuses=GOAL_STATUSES,
        reads_dossiers=bool({"regievoerder", "klantmanager"} & set(session.roles)),
    )


async def region_csv(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    return await _download(gateway, f"{REPORTS}/region", "regio")


async def gemeente_csv(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    code = request.path_params["gemeente"]
    return await _download(gateway, f"{REPORTS}/gemeenten/{code}", _slug(texts.gemeente(code)))


async def _download(gateway: Gateway, path: str, name: str) -> Response:
    """The API's CSV of a report, fetched with the person's own token, as a download named in
    Dutch with the report's date: pip-rapportage-utrecht-2026-03-12.csv."""
    answer = await gateway.client.get(
        f"{gateway.base_url}{path}",
        params={"format": "csv"},
        headers={**gateway.headers, "Accept": "text/csv"},
    )
    if answer.status_code >= 400:
        Gateway._body(answer)  # raises the problem: page() shows it
    dated = re.search(r"(\d{4}-\d{2}-\d{2})\.csv", answer.headers.get("Content-Disposition", ""))
    filename = f"pip-rapportage-{name}{'-' + dated.group(1) if dated else ''}.csv"
    return Response(
        answer.content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _slug(name: str) -> str:
    """A file name's part: "'s-Hertogenbosch" as "s-hertogenbosch"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "gemeente"


REPORT_READERS = ("beleidsmedewerker", "regievoerder")
# (path, handler, methods) of each page, and the menu: (label, path, roles that see it).
PAGES: tuple = (
    ("/rapportage", region, ["GET"]),
    ("/rapportage/regio.csv", region_csv, ["GET"]),
    ("/rapportage/gemeenten/{gemeente:str}/csv", gemeente_csv, ["GET"]),
    ("/rapportage/gemeenten/{gemeente:str}", gemeente, ["GET"]),
)
MENU: tuple = (("Rapportage", "/rapportage", REPORT_READERS),)
