"""The inzage report for one person (AVG art. 15): what was recorded about them, for which
purpose and on which basis, how long it is kept, who received what and on which basis, and who
read their data. Composed from the ledger and the register of processing activities, in Dutch, as
JSON and as a printable page: organisations by name, data categories by name, periods and dates
written out. No I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from services.audit.register import ProcessingRegister
from services.common import dutch

DECIDED = "nl.wegwijs.consent.deelbesluit.genomen.v1"
READ = "nl.wegwijs.gateway.gegevens.ingezien.v1"
RESULTS = {
    "toegestaan": "gedeeld",
    "deels-toegestaan": "deels gedeeld",
    "geweigerd": "niet gedeeld",
    "tegengehouden": "tegengehouden",
}


def inzage(
    dossier_id: str,
    entries: Sequence[Mapping[str, Any]],
    register: ProcessingRegister,
    organisations: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The report: per processing activity what happened and when; recipients; readers. Each
    organisation's OIN with its name where `organisations` (OIN -> name) knows it."""
    names = organisations or {}
    activities = []
    for activity in register.activities:
        mine = [e for e in entries if e["event_type"] in activity.event_types]
        if not mine:
            continue
        activities.append(
            {
                "verwerking": activity.name,
                "doel": activity.purpose,
                "grondslag": activity.legal_basis,
                "gegevens": list(activity.data_categories),
                "bewaartermijn": activity.retention,
                "aantal": len(mine),
                "eerste": mine[0]["event_time"][:10],
                "laatste": mine[-1]["event_time"][:10],
            }
        )
    recipients = [
        {
            "ontvanger": e["receiving_party"],
            "ontvanger_naam": names.get(e["receiving_party"], ""),
            "datum": e["event_time"][:10],
            "uitkomst": RESULTS.get(e["result"], e["result"]),
            "grondslag": e["legal_basis"],
        }
        for e in entries
        if e["event_type"] == DECIDED and e.get("receiving_party")
    ]
    readers = [
        {
            "rol": e["actor_roles"],
            "organisatie": e["organisation"],
            "organisatie_naam": names.get(e["organisation"] or "", ""),
            "waarom": e["activity"],
            "datum": e["event_time"][:10],
        }
        for e in entries
        if e["event_type"] == READ
    ]
    return {
        "dossier_id": dossier_id,
        "register_versie": register.version,
        "verwerkingen": activities,
        "ontvangers": recipients,
        "inzage_door": readers,
    }


def inzage_html(report: Mapping[str, Any], category_labels: Mapping[str, str]) -> str:
    """A printable page in Dutch, for the person to keep."""

    def table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
        if not rows:
            return "<p>Geen.</p>"
        header = "".join(f"<th>{escape(h)}</th>" for h in head)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
        )
        return f"<table><tr>{header}</tr>{body}</table>"

    def named(oin: str | None, name: str | None) -> str:
        return name or dutch.organisation(oin, {})

    activities = table(
        ("Verwerking", "Doel", "Grondslag", "Gegevens", "Bewaren", "Van", "Tot en met"),
        [
            (
                a["verwerking"],
                a["doel"],
                a["grondslag"],
                ", ".join(category_labels.get(c, c) for c in a["gegevens"]),
                _retention(a["bewaartermijn"]),
                dutch.as_date(a["eerste"]),
                dutch.as_date(a["laatste"]),
            )
            for a in report["verwerkingen"]
        ],
    )
    recipients = table(
        ("Ontvanger", "Datum", "Uitkomst", "Grondslag"),
        [
            (
                named(r["ontvanger"], r.get("ontvanger_naam")),
                dutch.as_date(r["datum"]),
                r["uitkomst"],
                r["grondslag"],
            )
            for r in report["ontvangers"]
        ],
    )
    readers = table(
        ("Rol", "Organisatie", "Waarom", "Datum"),
        [
            (
                dutch.roles(r["rol"]),
                named(r["organisatie"], r.get("organisatie_naam")),
                (r["waarom"] or "").replace("-", " "),
                dutch.as_date(r["datum"]),
            )
            for r in report["inzage_door"]
        ],
    )
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Inzage in uw gegevens</title>
<style>
body {{ font-family: sans-serif; max-width: 60rem; margin: 2rem auto; line-height: 1.4; }}
table {{ border-collapse: collapse; margin-bottom: 1.5rem; }}
th, td {{ border: 1px solid #999; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }}
@media print {{ body {{ margin: 0; }} }}
</style>
</head>
<body>
<h1>Inzage in uw gegevens</h1>
<p>Dit overzicht laat zien wat de gemeente over u heeft vastgelegd, met welk doel en op welke
grondslag, aan wie gegevens zijn verstrekt en wie uw gegevens heeft ingezien (AVG artikel 15).
Kenmerk: {escape(report["dossier_id"])}.</p>
<h2>Wat is vastgelegd</h2>
{activities}
<h2>Aan wie is iets verstrekt</h2>
{recipients}
<h2>Wie heeft uw gegevens ingezien</h2>
{readers}
<p>Klopt er iets niet? U kunt de gemeente vragen gegevens te verbeteren of te verwijderen.</p>
</body>
</html>
"""


def _retention(period: str) -> str:
    """How long it is kept: the register's periods run from the end of the inburgeringstermijn."""
    if not period:
        return ""
    return f"{dutch.as_period(period)} na het einde van de inburgeringstermijn"
