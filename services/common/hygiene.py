"""What text and JSON from outside must be before anything takes it: the gateway applies these
rules to every request, and every service again to every RPC call (a caller on the broker may
skip the gateway).

- Text is NFC-normalised, so one name has one spelling in the chain.
- NUL, lone surrogates and the other control characters (all but tab, line feed and carriage
  return) are refused: PostgreSQL cannot store a NUL in text, a lone surrogate cannot be encoded
  as UTF-8, and neither belongs in a name or a note. The refusal names the field.
- JSON nests at most `MAX_DEPTH` levels.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from services.common.errors import InvalidInput, field_error

MAX_DEPTH = 32

# C0 controls but tab, LF and CR; DEL and the C1 controls; the surrogate code points.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def refusal(text: str) -> str | None:
    """Why `text` cannot be taken, or None when it can."""
    found = _REFUSED.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"holds a lone surrogate (U+{code:04X}); send text as valid Unicode"
    return (
        f"holds a control character (U+{code:04X}) at position {found.start()}; only tab, line"
        " feed and carriage return are accepted"
    )


def printable(text: str) -> str:
    """`text` with every refused character replaced (U+FFFD): for a message about bad data."""
    return _REFUSED.sub("\ufffd", text)


def nests_deeper_than(json_text: str, depth: int = MAX_DEPTH) -> bool:
    """Whether JSON text opens more than `depth` arrays and objects inside each other, found
    without parsing it (a parser may run out of stack first)."""
    level = 0
    for token in _BRACKETS.finditer(json_text):
        bracket = token.group()
        if bracket in "[{":
            level += 1
            if level > depth:
                return True
        elif bracket in "]}":
            level -= 1
    return False


def child(field: str, segment: str | int) -> str:
    """The path of `segment` inside `field`, as problem documents name fields: a JSON Pointer
    without its leading `#/`."""
    escaped = str(segment).replace("~", "~0").replace("/", "~1")
    return f"{field}/{escaped}" if field else escaped


def clean(value: Any, field: str = "") -> Any:
    """`value` with every text NFC-normalised; raises InvalidInput naming each refused field."""
    errors: list[dict[str, str]] = []
    cleaned = _clean(value, field, 0, errors)
    if errors:
        raise InvalidInput(errors)
    return cleaned


def _clean(value: Any, field: str, depth: int, errors: list[dict[str, str]]) -> Any:
    if isinstance(value, str):
        if reason := refusal(value):
            errors.append(field_error(field or "body", reason))
            return value
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Mapping | list | tuple) and depth >= MAX_DEPTH:
        errors.append(field_error(field or "body", f"nests deeper than {MAX_DEPTH} levels"))
        return value
    if isinstance(value, Mapping):
        cleaned = {}
        for key, item in value.items():
            key = str(key)
            if reason := refusal(key):
                errors.append(field_error(field or "body", f"a property name {reason}"))
                continue
            key = unicodedata.normalize("NFC", key)
            cleaned[key] = _clean(item, child(field, key), depth + 1, errors)
        return cleaned
    if isinstance(value, list | tuple):
        return [_clean(item, child(field, i), depth + 1, errors) for i, item in enumerate(value)]
    return value


def clean_arguments(
    method: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    """The arguments of an RPC call to `method`, cleaned. A mapping (a request body, a query)
    names its fields by their own keys, as the API does; any other argument by its parameter."""
    names = _parameters(method)
    errors: list[dict[str, str]] = []

    def one(name: str, value: Any) -> Any:
        return _clean(value, "" if isinstance(value, Mapping) else name, 0, errors)

    cleaned_args = [
        one(names[i] if i < len(names) else f"argument {i}", v) for i, v in enumerate(args)
    ]
    cleaned_kwargs = {str(k): one(str(k), v) for k, v in kwargs.items()}
    if errors:
        raise InvalidInput(errors)
    return cleaned_args, cleaned_kwargs


@lru_cache(maxsize=512)
def _parameters(method: Callable[..., Any]) -> tuple[str, ...]:
    """The parameter names of an unbound service method, without `self`."""
    try:
        names = tuple(inspect.signature(method).parameters)
    except (TypeError, ValueError):
        return ()
    return names[1:] if names[:1] == ("self",) else names
