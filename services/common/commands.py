"""Commands that take effect once, whatever the broker or a client does twice.

Every command a service carries out has an id: the one its caller chose (the gateway derives it
from the client's `Idempotency-Key`, see `services/gateway/command_keys.py`), or else the nonce
of the signed call, which a redelivery of the same message keeps. The events a command causes
and its outcome (the answer its caller got, or the refusal) are committed in one transaction,
with the outcome under the command's id as primary key. So:

- a command delivered again (RabbitMQ redelivers a message whose acknowledgement was lost) or
  retried (the same id, a new call) is not carried out again: the first outcome is the answer;
- two deliveries of one command at the same moment commit once: the second's transaction fails
  on the id and it answers with the first's outcome;
- an id used again for other arguments is refused (422), as the IETF Idempotency-Key draft asks;
- a command that failed on something else (the database, a bug) recorded nothing, so trying it
  again is safe.

Inside a command entrypoint `ChainApplication.save` does not write at once: what the command
saves is collected (a unit of work, `_unit`) and written with the outcome when the command
returns. Reads of the repository inside the command see what it collected (`pending`). A
concurrent writer's change makes the commit fail on an aggregate's version; the command then runs
again from the start, at most `ATTEMPTS` times.

Outcomes are kept `KEEP_HOURS` hours, longer than the gateway keeps its answers by key.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.popo import POPOProcessRecorder
from eventsourcing.postgres import PostgresProcessRecorder
from psycopg import Cursor, sql

from services.common import errors
from services.common.errors import (
    ChainError,
    Contention,
    GivenUp,
    InvalidInput,
    Unavailable,
    field_error,
)
from services.common.tracking import PositionMoved
from services.common.wire import as_text

log = logging.getLogger(__name__)

TABLE = "command_outcomes"
ATTEMPTS = 3
KEEP_HOURS = 48
# An outcome that says the command was given up on: it will never be carried out (the gateway
# settled a command it had answered 504, see `settle`).
ABANDONED = "abandoned"


# Outcomes that are not kept: trying the same command again may turn out otherwise.
TRANSIENT = (Contention, Unavailable)


@dataclass(frozen=True)
class Outcome:
    """What came of one command: its answer, or the refusal its caller got (`error`)."""

    command_id: str
    method: str
    digest: str
    answer: Any = None
    error: dict[str, Any] | None = None

    @property
    def abandoned(self) -> bool:
        return self.error is not None and self.error.get("type") == ABANDONED

    def raise_or_answer(self) -> Any:
        """The answer, or the refusal raised again as itself."""
        if self.error is None:
            return self.answer
        if self.abandoned:
            raise GivenUp("this command was given up on and not carried out; send it again")
        kind = {cls.__name__: cls for cls in errors.EXPECTED}.get(self.error["type"], ChainError)
        raise kind(*self.error["args"])

    def row(self) -> tuple[str, str, str, str]:
        body = {"answer": self.answer} if self.error is None else {"error": self.error}
        return self.command_id, self.method, self.digest, _dumps(body)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Outcome:
        body = row["outcome"] if isinstance(row["outcome"], dict) else json.loads(row["outcome"])
        return cls(
            row["command_id"], row["method"], row["args_digest"], body.get("answer"),
            body.get("error"),
        )  # fmt: skip


def refusal(command_id: str, method: str, digest: str, exc: ChainError) -> Outcome:
    error = {"type": type(exc).__name__, "args": _args(exc)}
    return Outcome(command_id, method, digest, error=error)


def abandonment(command_id: str) -> Outcome:
    return Outcome(command_id, "", "", error={"type": ABANDONED, "args": []})


def _args(exc: ChainError) -> list[Any]:
    return json.loads(_dumps(list(exc.args)))


def _dumps(value: Any) -> str:
    """As the RPC wire writes it (`services.common.wire`): the stored answer is the sent one."""
    return json.dumps(value, default=as_text, separators=(",", ":"))


def answer_as_sent(value: Any) -> Any:
    """`value` as the caller decodes it from the wire."""
    return json.loads(_dumps(value))


def digest_of(method: str, args: Any, kwargs: Any) -> str:
    """The command as a fingerprint: the same id with other arguments is another command."""
    canonical = json.dumps(
        {"method": method, "args": list(args), "kwargs": dict(kwargs)},
        sort_keys=True,
        separators=(",", ":"),
        default=as_text,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def step_id(command_id: str, target: str, method: str, args: Any, kwargs: Any) -> str:
    """The id of a command one service gives another while carrying out `command_id`."""
    return f"{command_id}>{digest_of(f'{target}.{method}', args, kwargs)[:32]}"


def check_same(outcome: Outcome, method: str, digest: str) -> None:
    """Refuse an id used before for another command (an abandoned one matches anything)."""
    if outcome.abandoned:
        return
    if (outcome.method, outcome.digest) != (method, digest):
        raise InvalidInput(
            [
                field_error(
                    "Idempotency-Key",
                    "was used before for another request; use a new key for a new request",
                )
            ]
        )


# The unit of work of the command in hand (per greenthread).
_unit: contextvars.ContextVar[ProcessingEvent | None] = contextvars.ContextVar(
    "wegwijs_command_unit", default=None
)


def collecting() -> ProcessingEvent | None:
    """The unit of work a `save` now adds to, if a command is in hand."""
    return _unit.get()


def start_unit() -> ProcessingEvent:
    """Begin the unit of work of the command in hand (in this greenthread: a nameko worker)."""
    unit = ProcessingEvent()
    _unit.set(unit)
    return unit


@contextmanager
def unit_of_work() -> Iterator[ProcessingEvent]:
    """A unit of work for a block (tests, and callers outside a nameko worker)."""
    token = _unit.set(ProcessingEvent())
    try:
        yield _unit.get()
    finally:
        _unit.reset(token)


# carrying a command out -----------------------------------------------------------------------
# What an entrypoint answers: (result, exc_info), as nameko hands them around.
Answer = tuple[Any, Any]


@dataclass(frozen=True)
class Call:
    """One delivery of a command: its id, method and arguments."""

    command_id: str
    method: str
    args: Any
    kwargs: Any

    @property
    def digest(self) -> str:
        return digest_of(self.method, self.args, self.kwargs)


def answered_before(app: Any, call: Call) -> Outcome | None:
    """The outcome of a command carried out before (raises InvalidInput when its id was used for
    another command), or None: then carry it out."""
    found = app.outcome(call.command_id)
    if found is not None:
        check_same(found, call.method, call.digest)
    return found


def conclude(
    app: Any,
    call: Call,
    result: Any,
    exc_info: Any,
    run_again: Callable[[], Answer],
    after_commit: Callable[[], None] = lambda: None,
) -> Answer:
    """Write what the command collected (in the unit of work in hand) together with its outcome,
    and answer with that outcome: its own, or, when another delivery of the same command
    committed first, that one's. When an aggregate it changed was changed meanwhile, start a new
    unit and `run_again`, at most ATTEMPTS times in all. A failure that is no refusal (the
    database, a bug) writes nothing and is answered as it is."""
    for attempt in range(1, ATTEMPTS + 1):
        if exc_info is None:
            outcome = Outcome(call.command_id, call.method, call.digest, answer_as_sent(result))
        elif isinstance(exc_info[1], ChainError) and not isinstance(exc_info[1], TRANSIENT):
            outcome = refusal(call.command_id, call.method, call.digest, exc_info[1])
        else:  # nothing is written: trying it again is safe
            return result, exc_info
        try:
            try:
                app.commit(collecting(), outcome)
                after_commit()
                return answer_of(outcome)
            except IntegrityError:
                found = app.outcome(call.command_id)
                if found is not None:
                    log.info("command_committed_elsewhere", extra={"method": call.method})
                    return answer_of(found)
        except Exception as exc:  # noqa: BLE001 - the database is gone: answered, not fatal
            log.warning("command_not_written", extra={"method": call.method, "error": repr(exc)})
            return _unavailable()
        if attempt == ATTEMPTS:
            break
        log.info("command_retried", extra={"method": call.method, "attempt": attempt + 1})
        start_unit()
        result, exc_info = run_again()
    return raised(
        Contention("what this changes was changed meanwhile, three times over; try again")
    )


def carry_out(app: Any, call: Call, run: Callable[[], Any]) -> Any:
    """A command carried out as a `command` entrypoint does (for callers outside nameko: the
    unit tests deliver commands twice with it): answered from its outcome if it has one, else
    run in a unit of work and concluded. Returns the answer or raises the refusal."""
    found = answered_before(app, call)
    if found is not None:
        return found.raise_or_answer()
    token = _unit.set(ProcessingEvent())
    try:
        result, exc_info = conclude(app, call, *_run(run), run_again=lambda: _run(run))
    finally:
        _unit.reset(token)
    if exc_info is not None:
        raise exc_info[1]
    return result


def _run(run: Callable[[], Any]) -> Answer:
    try:
        return run(), None
    except Exception:  # noqa: BLE001 - concluded as the entrypoint concludes an error
        return None, sys.exc_info()


def answer_of(outcome: Outcome) -> Answer:
    """(result, exc_info) as the entrypoint answers `outcome`."""
    try:
        return outcome.raise_or_answer(), None
    except Exception:  # noqa: BLE001 - the refusal, as the caller is to get it
        return None, sys.exc_info()


def raised(exc: Exception) -> Answer:
    try:
        raise exc
    except Exception:  # noqa: BLE001 - as the entrypoint answers an error
        return None, sys.exc_info()


def _unavailable() -> Answer:
    """The command could not be written, or it is not known whether its write went through: a
    retry with the same command id finds out, and takes effect at most once."""
    return raised(
        Unavailable(
            "the command could not be completed now; send it again with the same"
            " Idempotency-Key to learn whether it took effect"
        )
    )


# storage --------------------------------------------------------------------------------------
def create_outcome_table(cur: Cursor, schema: str) -> None:
    """`outcome` is `json`, not `jsonb`: an answer given again is the same text, keys in the
    order the first answer had them."""
    cur.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (command_id text PRIMARY KEY, method text NOT NULL,"
            " args_digest text NOT NULL, outcome json NOT NULL,"
            " recorded_at timestamptz NOT NULL DEFAULT now())"
        ).format(sql.Identifier(schema, TABLE))
    )
    cur.execute(
        sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (recorded_at)").format(
            sql.Identifier(f"{TABLE}_recorded_at"), sql.Identifier(schema, TABLE)
        )
    )


@dataclass(frozen=True)
class TrackingAfter(Tracking):
    """A position to record only when the recorded one is `after` (a consumer's batch that
    follows on the position it knew: services.common.tracking)."""

    after: int


# Records `notification_id` only when the recorded position is `after` (no row: 0).
TRACKING_AFTER = (
    "INSERT INTO {table} AS t SELECT %(application_name)s, %(notification_id)s"
    " WHERE %(after)s = 0"
    " OR EXISTS (SELECT FROM {table} WHERE application_name = %(application_name)s)"
    " ON CONFLICT (application_name) DO UPDATE SET notification_id = EXCLUDED.notification_id"
    " WHERE t.notification_id = %(after)s RETURNING notification_id"
)


class PostgresOutcomeRecorder(PostgresProcessRecorder):
    """eventsourcing's process recorder, which also writes a command's outcome (`outcome=`) in
    the transaction of the command's events, and records a `TrackingAfter` only when the
    recorded position is the one it follows on (else `PositionMoved`, and nothing is written)."""

    def _insert_tracking(self, curs: Cursor, tracking: Tracking) -> None:
        if not isinstance(tracking, TrackingAfter):
            super()._insert_tracking(curs, tracking)
            return
        table = sql.Identifier(self.datastore.schema, self.tracking_table_name)
        curs.execute(
            sql.SQL(TRACKING_AFTER).format(table=table),
            {
                "application_name": tracking.application_name,
                "notification_id": tracking.notification_id,
                "after": tracking.after,
            },
            prepare=True,
        )
        if curs.fetchone() is None:
            raise PositionMoved(
                f"{tracking.application_name}: the recorded position is not {tracking.after}"
            )

    def _insert_events(self, curs: Cursor, stored_events: Any, **kwargs: Any) -> None:
        outcome: Outcome | None = kwargs.get("outcome")
        if outcome is not None:
            curs.execute(
                sql.SQL(
                    "INSERT INTO {} (command_id, method, args_digest, outcome)"
                    " VALUES (%s, %s, %s, %s)"
                ).format(self._outcomes()),
                outcome.row(),
            )
        super()._insert_events(curs, stored_events, **kwargs)

    def _outcomes(self) -> sql.Composable:
        return sql.Identifier(self.datastore.schema or "public", TABLE)

    def outcome(self, command_id: str) -> Outcome | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                sql.SQL(
                    "SELECT command_id, method, args_digest, outcome FROM {} WHERE command_id = %s"
                ).format(self._outcomes()),
                (command_id,),
            )
            row = curs.fetchone()
        return Outcome.from_row(row) if row else None

    def forget_outcomes(self) -> int:
        """Drop outcomes older than KEEP_HOURS; returns how many."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            older = "DELETE FROM {} WHERE recorded_at < now() - make_interval(hours => %s)"
            curs.execute(sql.SQL(older).format(self._outcomes()), (KEEP_HOURS,))
            return curs.rowcount


class PopoOutcomeRecorder(POPOProcessRecorder):
    """The same in memory (unit tests)."""

    def __init__(self) -> None:
        super().__init__()
        self._outcomes: dict[str, Outcome] = {}

    def _assert_uniqueness(self, stored_events: Any, **kwargs: Any) -> None:
        tracking = kwargs.get("tracking")
        if isinstance(tracking, TrackingAfter):
            recorded = self._max_tracking_ids[tracking.application_name] or 0
            if recorded != tracking.after:
                raise PositionMoved(
                    f"{tracking.application_name}: the recorded position is {recorded},"
                    f" not {tracking.after}"
                )
        super()._assert_uniqueness(stored_events, **kwargs)
        outcome: Outcome | None = kwargs.get("outcome")
        if outcome is not None and outcome.command_id in self._outcomes:
            raise IntegrityError(f"command {outcome.command_id} has an outcome already")

    def _update_table(self, stored_events: Any, **kwargs: Any) -> Any:
        ids = super()._update_table(stored_events, **kwargs)
        outcome: Outcome | None = kwargs.get("outcome")
        if outcome is not None:
            self._outcomes[outcome.command_id] = outcome
        return ids

    def outcome(self, command_id: str) -> Outcome | None:
        with self._database_lock:
            return self._outcomes.get(command_id)

    def forget_outcomes(self) -> int:
        return 0
