"""Plain values for answers: dates as ISO strings, all the way down."""

from __future__ import annotations

from datetime import date
from typing import Any


def jsonable(value: Any) -> Any:
    """`value` with every date (in dicts and lists) as YYYY-MM-DD."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that cannot start a spreadsheet formula (CSV injection): text starting with
    =, +, -, @ or a tab gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t"):
        return "'" + value
    return value
