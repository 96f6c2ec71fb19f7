"""The consent receipt a person can be handed (Kantara consent receipt), as JSON and as a printable
page in Dutch. No I/O."""

from __future__ import annotations

from html import escape
from typing import Any

from services.common import dutch
from services.common.values import jsonable


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
    """A printable page in Dutch, for the person to keep: organisations and the language by
    name, dates written out (the same words as the Werkplek's receipt page)."""
    categories = "".join(f"<li>{escape(c['label'])}</li>" for c in data["categories"])
    rows = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in dutch.receipt_rows(data)
    )
    history = "".join(f"<li>{escape(line)}</li>" for line in dutch.consent_history(data["history"]))
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
<h2>Wat er met deze toestemming gebeurde</h2>
<ul>{history}</ul>
<p>{escape(data["withdrawal"])}</p>
</body>
</html>
"""
