"""The routes of a move out of the region: recording it (intake), and the overdrachtsdossier the
gemeente the person left hands to their new gemeente, composed of intake's and pip's parts, as
JSON and as a printable Dutch page. Reading it is in the access log."""

from __future__ import annotations

from html import escape
from typing import Any

from werkzeug.wrappers import Response

from services.common import dutch
from services.common.access import Action
from services.common.errors import NotFound
from services.contracts import intake as c
from services.contracts.overdracht import Overdrachtsdossier
from services.gateway.http import html_response
from services.gateway.routing import Call, Read, Route

DOSSIER = "/api/v1/dossiers/{dossier_id}"
FILE = f"{DOSSIER}/overdrachtsdossier"
READ_ERRORS = (401, 403, 404, 503, 504)
# What the overdrachtsdossier shows of the person: never health (see contracts/overdracht.py).
READ = Read("overdrachtsdossier", ["identiteit", "pip", "handhaving", "taal-leerbaarheid"])
HEALTH_LEFT_OUT = {
    "what": "Gezondheid: persoonlijke omstandigheden, signalen en doelen over gezondheid",
    "why": "Gegevens over gezondheid zijn bijzondere persoonsgegevens (AVG art. 9 lid 1). De"
    " persoon gaf de nieuwe gemeente geen uitdrukkelijke toestemming via Wegwijs (AVG art. 9 lid"
    " 2 sub a). De nieuwe gemeente vraagt de persoon zelf.",
}


def _file(call: Call) -> dict[str, Any]:
    dossier_id = call.path["dossier_id"]
    intake = call.invoke("intake.transfer_file", dossier_id)
    try:
        pip = call.invoke("pip.transfer_file", dossier_id)
    except NotFound:
        pip = None
    left_out = [HEALTH_LEFT_OUT]
    if pip is not None:
        withheld = pip.pop("health_goals_withheld")
        if withheld:
            left_out.append(
                {
                    "what": f"{withheld} doel(en) over gezondheid uit het PIP",
                    "why": HEALTH_LEFT_OUT["why"],
                }
            )
    return {"dossier_id": dossier_id, **intake, "pip": pip, "left_out": left_out}


def _page(call: Call, file: dict[str, Any]) -> Response:
    return html_response(page(file))


def page(file: dict[str, Any]) -> str:
    """The overdrachtsdossier as a printable page in Dutch (B1)."""
    person, move, pip = file["person"], file["move"], file["pip"]
    rows = [
        ("Naam", f"{person['given_name']} {person['family_name']}"),
        ("BSN", person["bsn"]),
        ("V-nummer", person["v_nummer"]),
        ("Geboren op", dutch.as_date(person["birth_date"])),
        ("Brief van DUO", dutch.as_date(person["duo_notice_date"])),
        ("Ingeschreven in de BRP", dutch.as_date(person["brp_registration_date"])),
        ("Verhuisd op", dutch.as_date(move["moved_on"])),
        ("Naar gemeente", move["to_gemeente"]),
        ("Leerroute", file["route"] or "nog niet gekozen"),
        ("Brede intake", "afgerond" if file["intake_complete"] else "niet afgerond"),
    ]
    if pip is not None:
        rows += [
            ("PIP", "vastgesteld" if pip["status"] == "vastgesteld" else "nog een concept"),
            ("Uiterste datum PIP", dutch.as_date(pip["deadline"]) if pip["deadline"] else "-"),
        ]
        if pip["termijn"]:
            rows.append(
                (
                    "Inburgeringstermijn",
                    f"{dutch.as_date(pip['termijn']['start'])} tot en met"
                    f" {dutch.as_date(pip['termijn']['end'])}",
                )
            )
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    goals = "".join(
        f"<li>{escape(g['description'])} ({escape(g['domain'])}; {escape(g['status'])};"
        f" klaar op {escape(dutch.as_date(g['due_on']))})</li>"
        for g in (pip["goals"] if pip else [])
    )
    sanctions = [
        f"Brede intake: {s['step']} ({s['decision']})" for s in file["intake_sanctions"]
    ] + [
        f"PIP: {m['measure']} na afspraak niet nagekomen op {dutch.as_date(m['on'])}"
        f" ({m['decision']})"
        for m in (pip["measures"] if pip else [])
    ]
    sanction_items = "".join(f"<li>{escape(s)}</li>" for s in sanctions) or "<li>Geen.</li>"
    left_out = "".join(
        f"<li><strong>{escape(o['what'])}</strong>. {escape(o['why'])}</li>"
        for o in file["left_out"]
    )
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Overdrachtsdossier inburgering</title>
<style>
body {{ font-family: sans-serif; max-width: 46rem; margin: 2rem auto; line-height: 1.5; }}
th {{ text-align: left; padding-right: 1rem; vertical-align: top; }}
@media print {{ body {{ margin: 0; }} }}
</style>
</head>
<body>
<h1>Overdrachtsdossier inburgering</h1>
<p>De persoon hieronder is verhuisd naar uw gemeente. Gemeente {escape(file["gemeente"])} geeft
u wat u nodig hebt om de inburgering voort te zetten. De inburgeringstermijn blijft hetzelfde.</p>
<table>{table}</table>
<h2>Doelen in het PIP</h2>
<ul>{goals or "<li>Geen doelen.</li>"}</ul>
<h2>Sancties en maatregelen</h2>
<ul>{sanction_items}</ul>
<h2>Niet in dit dossier</h2>
<ul>{left_out}</ul>
</body>
</html>
"""


ROUTES = (
    Route(
        "POST",
        f"{DOSSIER}/verhuizing-buiten-regio",
        "leaveRegion",
        "Record a move out of the region (the old gemeente's regievoerder): the dossier closes"
        " for the region; the old gemeente keeps its history and the overdrachtsdossier",
        Action.MOVE_DOSSIER,
        "verhuizing",
        "intake.leave_region",
        body=c.RegionExit,
        answer=c.Move,
        status=201,
        answer_description="The move, out of the region.",
        errors=(400, 401, 403, 404, 409, 422, 503, 504),
    ),
    Route(
        "GET",
        FILE,
        "getOverdrachtsdossier",
        "The overdrachtsdossier of a person who left the region, for the gemeente they left"
        " to hand over (never health); reading it is in the access log",
        Action.MOVE_DOSSIER,
        "verhuizing",
        _file,
        answer=Overdrachtsdossier,
        errors=READ_ERRORS,
        read=READ,
    ),
    Route(
        "GET",
        f"{FILE}.html",
        "getOverdrachtsdossierPage",
        "The overdrachtsdossier as a printable page in Dutch",
        Action.MOVE_DOSSIER,
        "verhuizing",
        _file,
        answer_description="HTML page.",
        media={"text/html": {"type": "string"}},
        errors=READ_ERRORS,
        read=READ,
        render=_page,
    ),
)
