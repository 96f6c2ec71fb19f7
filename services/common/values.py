"""Plain values for answers: dates as ISO strings, all the way down."""

from __future__ import annotations

from collections.abc import Iterable
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
    =, +, -, @, a tab or a carriage return gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_cell(value: Any) -> str:
    """One CSV field that any CSV parser reads back as written (RFC 4180: a field holding a
    comma, a quote, a line feed or a carriage return is quoted, quotes doubled; Python's csv
    module leaves a lone carriage return unquoted) and that cannot start a formula."""
    text = "" if value is None else str(spreadsheet_safe(value))
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


class CsvText:
    """CSV text built row by row from `csv_cell`s, a line feed after each row."""

    def __init__(self) -> None:
        self._lines: list[str] = []

    def writerow(self, cells: Iterable[Any]) -> None:
        self._lines.append(",".join(csv_cell(c) for c in cells) + "\n")

    def getvalue(self) -> str:
        return "".join(self._lines)
