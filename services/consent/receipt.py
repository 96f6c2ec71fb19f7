"""The consent receipt a person can be handed (Kantara consent receipt), as JSON and as a printable
page in Dutch. No I/O."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from services.common.values import jsonable

COLLECTION_LABELS = {
    "schriftelijk": "schriftelijk, met handtekening",
    "mondeling-met-tolk": "mondeling, met een tolk",
    "digitaal": "digitaal",
}
GRANTOR_LABELS = {
    "betrokkene": "de betrokkene zelf",
    "wettelijk-vertegenwoordiger": "een wettelijk vertegenwoordiger",
}


def receipt(
    consent: dict[str, Any],
    dossier_id: str,
    gemeente: dict[str, str],
    category_labels: dict[str, str],
    purpose_label: str,
) -> dict[str, Any]:
    """The receipt's contents: what was agreed, with whom, until when, and how to withdraw."""
    return jsonable(
        {
            "receipt_version": "KI-CR-v1.1.0 (Kantara), as a Wegwijs receipt",
            "consent_id": consent["id"],
            "dossier_id": dossier_id,
            "controller": {"name": f"Gemeente {gemeente['name']}", "oin": gemeente["oin"]},
            "grantor": consent["grantor"],
            "grantee": consent["grantee"],
            "purpose": {"id": consent["purpose"], "label": purpose_label},
            "categories": [
                {"id": c, "label": category_labels.get(c, c)} for c in consent["categories"]
            ],
            "valid_from": consent["valid_from"],
            "valid_until": consent["valid_until"],
            "collection": consent["collection"],
            "evidence": consent["evidence"],
            "status": consent["status"],
            "withdrawn_on": consent["withdrawn_on"],
            "history": consent["history"],
            "withdrawal": (
                "Intrekken kan altijd, zonder reden, bij de regievoerder van de gemeente. "
                "Wat al gedeeld is, moet de ontvanger dan verwijderen."
            ),
        }
    )


def receipt_html(data: dict[str, Any]) -> str:
    """A printable page in Dutch, for the person to keep."""

    def row(label: str, value: Any) -> str:
        return f"<tr><th>{escape(label)}</th><td>{escape(str(value))}</td></tr>"

    categories = "".join(f"<li>{escape(c['label'])}</li>" for c in data["categories"])
    status = {"gegeven": "geldig", "ingetrokken": "ingetrokken", "verlopen": "verlopen"}
    rows = "".join(
        (
            row("Gemeente (verantwoordelijke)", data["controller"]["name"]),
            row(
                "Toestemming gegeven door",
                GRANTOR_LABELS[data["grantor"]["kind"]]
                + (f": {data['grantor']['name']}" if data["grantor"]["name"] else ""),
            ),
            row("Ontvanger", data["grantee"]["name"] or data["grantee"]["oin"]),
            row("Doel", data["purpose"]["label"]),
            row("Geldig van", _dutch(data["valid_from"])),
            row("Geldig tot en met", _dutch(data["valid_until"])),
            row(
                "Gevraagd",
                COLLECTION_LABELS[data["collection"]["method"]]
                + f", in het {data['collection']['language']}",
            ),
            row("Bewijs", data["evidence"]),
            row(
                "Status",
                status.get(data["status"], data["status"])
                + (f" op {_dutch(data['withdrawn_on'])}" if data["withdrawn_on"] else ""),
            ),
            row("Kenmerk", data["consent_id"]),
        )
    )
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Bewijs van toestemming</title>
<style>
body {{ font-family: sans-serif; max-width: 42rem; margin: 2rem auto; line-height: 1.5; }}
th {{ text-align: left; padding-right: 1rem; vertical-align: top; }}
@media print {{ body {{ margin: 0; }} }}
</style>
</head>
<body>
<h1>Bewijs van toestemming</h1>
<p>U hebt toestemming gegeven om deze gegevens te delen:</p>
<ul>{categories}</ul>
<table>{rows}</table>
<p>{escape(data["withdrawal"])}</p>
</body>
</html>
"""


def _dutch(iso: str | None) -> str:
    if not iso:
        return ""
    months = (
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    )  # fmt: skip
    day = date.fromisoformat(iso)
    return f"{day.day} {months[day.month - 1]} {day.year}"
