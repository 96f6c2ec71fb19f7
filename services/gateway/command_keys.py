"""Idempotency keys: a client's command is carried out once, and answered the same way again.

As the IETF draft "The Idempotency-Key HTTP Header Field" (httpapi) has it, a client sends each
command (POST, PUT, PATCH, DELETE) with `Idempotency-Key: "<key>"`, a key of its own making
(a UUID will do); without one the gateway makes one and says which in the answer's
`Idempotency-Key` header. A key belongs to the one who used it (its scope is the actor and the
key). For each key the gateway keeps (`gateway.command_keys`):

- what the request was (its fingerprint: method, path and body): the same key with another
  request is refused with 422;
- the command id the services carry it out under (`services/common/commands.py`): a retry with
  the same key reaches the service with the same id, so it takes effect at most once;
- and, as the gateway's own command outcome (written in one transaction with the ledger's record
  of the command, `HandledCommand`), the answer: a retry is answered with it (`Idempotent-
  Replayed: true`).

A command whose answer is not known (the gateway gave up waiting: 504; a service or the broker
failed while it was under way) is settled afterwards (`settle.py`): the services say whether one
has an outcome for the command id, and those without one record that the command is given up,
so it can never take effect later. Only then does the ledger record the command, with what
happened in the end. A client may ask for that outcome by its key
(`GET /api/v1/commands/{key}`), or send the request again with the same key: the first answer,
or, when the command was given up, a new attempt.

Keys are kept `KEEP_HOURS` hours.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

from psycopg import Cursor

from services.common.context import CommandContext
from services.common.errors import ChainError, Conflict, InvalidInput, field_error

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEEP_HOURS = 24
# How a command whose answer got lost was settled (the ledger's words for its result).
SETTLED_APPLIED, SETTLED_REFUSED, SETTLED_FAILED = "uitgevoerd", "geweigerd", "mislukt"
MAX_LENGTH = 255
# What a key may hold: visible ASCII, no quote or backslash (an RFC 8941 sf-string's content).
_KEY = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]{1,255}$")
# The answer headers a replay repeats.
KEPT_HEADERS = ("Location", "Content-Type", "Content-Disposition")

DDL = [
    """CREATE TABLE IF NOT EXISTS gateway.command_keys (
        scope text PRIMARY KEY,
        command_id text NOT NULL,
        fingerprint text NOT NULL,
        method text NOT NULL,
        route text NOT NULL,
        answered_status integer,
        received_at text NOT NULL,
        dossier_id text NOT NULL,
        context jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    )""",
    "CREATE INDEX IF NOT EXISTS command_keys_created_at ON gateway.command_keys (created_at)",
]


class MalformedKey(ChainError):
    status = 400
    title = "Malformed Idempotency-Key"
    slug = "ongeldige-sleutel"

    def __init__(self, detail: str):
        super().__init__(detail)
        self.errors = [field_error(HEADER, detail)]


def parse_key(value: str | None) -> str | None:
    """The key of an `Idempotency-Key` header (an sf-string; a bare token is taken too), or
    None when there is none. Raises MalformedKey naming the header."""
    if value is None:
        return None
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    if not _KEY.match(text):
        raise MalformedKey(
            f"must be 1 to {MAX_LENGTH} visible ASCII characters without quote or backslash,"
            ' written as a string: Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"'
        )
    return text


def new_key() -> str:
    return str(uuid.uuid4())


def scope_of(actor_id: str, key: str) -> str:
    """A key is the actor's own: another actor's same key is another command."""
    return hashlib.sha256(f"{actor_id}\n{key}".encode()).hexdigest()


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


@dataclass(frozen=True)
class Key:
    """One key's command: its current attempt's id and what is known of it."""

    scope: str
    key: str
    command_id: str
    method: str
    route: str
    received_at: str
    answered_status: int | None
    dossier_id: str
    # Who asked, as they asked it: the settled command is recorded in their name.
    context: CommandContext


@dataclass(frozen=True)
class StoredAnswer:
    """A command's answer as the gateway gave it, or how it was settled afterwards."""

    status: int
    headers: dict[str, str]
    body: str
    # Set when the command was settled after its answer got lost: "uitgevoerd", "geweigerd" or
    # "mislukt" (given up, never to take effect).
    settled: str = ""

    def as_outcome_answer(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "headers": self.headers,
            "body": self.body,
            "settled": self.settled,
        }

    @classmethod
    def from_outcome_answer(cls, answer: dict[str, Any]) -> StoredAnswer:
        return cls(answer["status"], answer["headers"], answer["body"], answer.get("settled", ""))


def mismatch() -> InvalidInput:
    return InvalidInput(
        [
            field_error(
                HEADER, "was used before for another request; use a new key for a new request"
            )
        ]
    )


class CommandKeys:
    """The gateway's table of keys (see the module's text)."""

    def __init__(self, db: Any):
        self.db = db

    def begin(
        self,
        ctx: CommandContext,
        key: str,
        print_: str,
        method: str,
        route: str,
        received_at: str,
        dossier_id: str,
    ) -> tuple[Key, StoredAnswer | None]:
        """The key's command, new or as it was used before, with its answer if it has one.
        Raises InvalidInput when the key was used before for another request."""
        scope = scope_of(ctx.actor.user_id, key)
        values = (
            scope,
            str(uuid.uuid4()),
            print_,
            method,
            route,
            received_at,
            dossier_id,
            json.dumps(ctx.as_dict()),
        )
        for _attempt in range(2):
            with self.db.transaction() as cur:
                cur.execute(_BEGIN, (*values, scope))
                row = cur.fetchone()
            if row is not None:
                break
        else:  # (a twin request inserted it after this statement began, twice over)
            raise Conflict("the same key is in use by another request just now; try again")
        if row["fingerprint"] != print_:
            raise mismatch()
        return _key(row, key), _answer(row)

    def find(self, actor_id: str, key: str) -> tuple[Key, StoredAnswer | None] | None:
        with self.db.transaction() as cur:
            row = _select(cur, scope_of(actor_id, key))
        return (_key(row, key), _answer(row)) if row else None

    def retry_after_abandon(self, found: Key, received_at: str) -> Key:
        """A new attempt for a key whose command was given up: a new command id, begun now (so
        it is not settled before it could be answered)."""
        fresh = str(uuid.uuid4())
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE gateway.command_keys SET command_id = %s, answered_status = NULL,"
                " received_at = %s, created_at = now() WHERE scope = %s AND command_id = %s",
                (fresh, received_at, found.scope, found.command_id),
            )
            row = _select(cur, found.scope)
        return _key(row, found.key)

    def unknown(self, key: Key, status: int) -> None:
        """The client was answered `status` while the outcome of `key`'s attempt was not
        known."""
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE gateway.command_keys SET answered_status = %s"
                " WHERE scope = %s AND command_id = %s",
                (status, key.scope, key.command_id),
            )

    def unsettled(self, older_than_seconds: float, limit: int = 100) -> list[Key]:
        """Keys whose current attempt has no outcome at the gateway, begun long enough ago that
        no answer can still come."""
        with self.db.transaction() as cur:
            cur.execute(
                "SELECT k.* FROM gateway.command_keys k"
                " WHERE NOT EXISTS (SELECT 1 FROM gateway.command_outcomes o"
                "  WHERE o.command_id = k.command_id)"
                " AND k.created_at < now() - make_interval(secs => %s)"
                " ORDER BY k.created_at LIMIT %s",
                (older_than_seconds, limit),
            )
            return [_key(row, "") for row in cur.fetchall()]

    def forget(self) -> int:
        with self.db.transaction() as cur:
            cur.execute(
                "DELETE FROM gateway.command_keys"
                " WHERE created_at < now() - make_interval(hours => %s)",
                (KEEP_HOURS + 1,),
            )
            return cur.rowcount


# One statement: the key's new row, or the one it had, with its current attempt's answer. (When a
# twin request inserts the key after this statement began, it sees neither: then again.)
_BEGIN = """
WITH new AS (
    INSERT INTO gateway.command_keys (scope, command_id, fingerprint, method, route, received_at,
        dossier_id, context)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (scope) DO NOTHING RETURNING *
)
SELECT new.*, NULL::json AS outcome FROM new
UNION ALL
SELECT k.*, o.outcome FROM gateway.command_keys k
    LEFT JOIN gateway.command_outcomes o ON o.command_id = k.command_id
    WHERE k.scope = %s AND NOT EXISTS (SELECT 1 FROM new)
"""


def _select(cur: Cursor, scope: str) -> dict[str, Any] | None:
    """A key's row with its current attempt's answer (the gateway's own command outcome)."""
    cur.execute(
        "SELECT k.*, o.outcome FROM gateway.command_keys k LEFT JOIN gateway.command_outcomes o"
        " ON o.command_id = k.command_id WHERE k.scope = %s",
        (scope,),
    )
    return cur.fetchone()


def _answer(row: dict[str, Any]) -> StoredAnswer | None:
    outcome = row.get("outcome")
    if not outcome:
        return None
    return StoredAnswer.from_outcome_answer(outcome["answer"])


def _key(row: dict[str, Any], key: str) -> Key:
    return Key(
        scope=row["scope"],
        key=key,
        command_id=row["command_id"],
        method=row["method"],
        route=row["route"],
        received_at=row["received_at"],
        answered_status=row["answered_status"],
        dossier_id=row["dossier_id"],
        context=CommandContext.from_dict(row["context"]),
    )


def create_tables(cur: Cursor) -> None:
    for statement in DDL:
        cur.execute(statement)


def answer_headers(headers: Any) -> dict[str, str]:
    return {name: headers[name] for name in KEPT_HEADERS if name in headers}


def body_text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def command_state(key: str, command: Key, answer: StoredAnswer | None) -> dict[str, Any]:
    """What a client is told of its command, by its key: never the answer's body (a retry with
    the same key gives that), only whether it took effect and how it was answered."""
    if answer is None:
        state = "onderweg"  # the answer may still come
    elif answer.settled:
        state = answer.settled
    elif answer.status < 400:
        state = SETTLED_APPLIED
    else:
        state = SETTLED_REFUSED if answer.status < 500 else SETTLED_FAILED
    found: dict[str, Any] = {
        "idempotency_key": key,
        "method": command.method,
        "route": command.route,
        "received_at": command.received_at,
        "state": state,
    }
    if answer is not None:
        found["answered_status"] = answer.status
        if location := answer.headers.get("Location"):
            found["location"] = location
    elif command.answered_status is not None:
        found["answered_status"] = command.answered_status
    return found
