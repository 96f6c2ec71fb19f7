"""Rendering a decision's document: the gemeente's letter in Dutch (Jinja2 templates in
`templates/`), with the legal grounds of its kind and the bezwaar clause (`rules.py`)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.common import dutch
from services.common.documents.rules import BEZWAAR_ARTICLES, BEZWAAR_WEEKS, KINDS
from services.common.region import Region

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["datum"] = dutch.as_date
    environment.filters["euro"] = lambda amount: f"€ {amount:,}".replace(",", ".")
    return environment


def render(
    kind: str, *, gemeente: str, addressee: str, issued_on: date, decided: Mapping[str, Any]
) -> dict[str, Any]:
    """The document of a decision of `kind`, as the aggregate keeps it: what it is, its HTML
    and the HTML's SHA-256. `decided` holds what the kind's template says was decided."""
    known = KINDS[kind]
    sender = Region.load().gemeente(gemeente)
    html = (
        _environment()
        .get_template(f"{kind}.html")
        .render(
            kind=known,
            gemeente=sender.name,
            addressee=addressee,
            issued_on=issued_on,
            decided=decided,
            bezwaar_weeks=BEZWAAR_WEEKS,
            bezwaar_articles=BEZWAAR_ARTICLES,
        )
    )
    return {
        "kind": kind,
        "title": known.title,
        "category": known.category,
        "issued_on": issued_on,
        "html": html,
        "sha256": hashlib.sha256(html.encode()).hexdigest(),
    }
