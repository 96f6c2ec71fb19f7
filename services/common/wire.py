"""The RPC wire format: plain JSON, in both directions.

kombu's own `json` codec turns any object shaped `{"__type__": ..., "__value__": ...}` into a
Python object (bytes, a date, a UUID, a Decimal) and refuses the whole message when it does not
know the type. Anything a client wrote travels inside RPC arguments, so a client could make a
service build objects from its data, or leave a call undecodable (the caller then waits for its
timeout). Importing this module registers `json` (`application/json`) again as plain JSON: dates,
times, UUIDs and Decimals are written as text, and nothing is ever turned back into an object.
Every Wegwijs process imports it with `services.common.entrypoints` or `services.common.remote`.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from kombu.serialization import register

CONTENT_TYPE = "application/json"


def as_text(value: Any) -> str:
    """A value JSON has no type for, as the wire writes it."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not sent over RPC")


def dumps(value: Any) -> str:
    return json.dumps(value, default=as_text)


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    if isinstance(data, memoryview):
        data = data.tobytes()
    if isinstance(data, bytes | bytearray):
        data = data.decode("utf-8")
    return json.loads(data)


register("json", dumps, loads, content_type=CONTENT_TYPE, content_encoding="utf-8")
