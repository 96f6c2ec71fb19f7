"""Structured logs: one JSON object a line, with the correlation id of the action in hand."""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from services.common.context import current_context

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# The password in a URL (`scheme://user:password@host`). nameko logs a failed broker connection
# with its whole URI and masks the first node's password only, not those of the other nodes.
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s;]*:)[^@\s;]+@")


def without_passwords(text: str) -> str:
    return _URL_PASSWORD.sub(r"\1********@", text)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str = "", **kwargs: Any):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": without_passwords(record.getMessage()),
        }
        if self.service:
            entry["service"] = self.service
        ctx = current_context()
        if ctx is not None:
            entry["correlation_id"] = ctx.correlation_id
            entry["actor"] = ctx.actor.user_id
            if ctx.trace_link:
                entry["trace_link"] = ctx.trace_link
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = without_passwords(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


class NoMessageBodies(logging.Filter):
    """Keeps message bodies out of the log: kombu logs a message it cannot decode with its raw
    body (an RPC call's arguments: BSNs, names). The line keeps what happened, not the data."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "kombu.mixins" and str(record.msg).startswith("Can't decode message"):
            args = record.args if isinstance(record.args, tuple) else ()
            error, content_type = (*args, None, None)[:2]
            record.msg = "message_undecodable"
            record.args = ()
            record.error_type = type(error).__name__
            record.content_type = content_type
        return True
