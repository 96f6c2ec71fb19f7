"""Waking on PostgreSQL notifications instead of polling.

Every event store has a statement-level trigger (made by `wegwijs migrate`) that issues
`NOTIFY wegwijs_stored_<schema>` in the transaction that inserts stored events: PostgreSQL
delivers it when, and only when, that transaction commits, to every session listening, whichever
process or instance wrote. Each process keeps one connection that listens on the channels it
cares about (its own event store: the relay and the projector; the event stores it consumes:
the catch-up) and calls what was registered for a channel when a notification comes.

PostgreSQL delivers every notification of a transaction that commits while a session listens; a
notification can be missed only while the listening connection is down (PostgreSQL restarted).
So on every (re)connect the listener calls everything once, and it is `reliable` only while it
is connected and every store it listens to has its trigger: the loops it wakes then need no
timer, and fall back to looking now and then only while it is not. The payload is empty: a
notification says only that a store has new events, never what.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import eventlet
import psycopg
from eventlet.hubs import trampoline
from psycopg import sql

log = logging.getLogger(__name__)

PREFIX = "wegwijs_stored_"
FUNCTION = "notify_stored"
# How long the listener waits for its socket before it looks again (a quiet connection is fine).
QUIET_SECONDS = 300.0
RECONNECT_SECONDS = 1.0


def channel(schema: str) -> str:
    """The channel on which the event store in `schema` announces new events."""
    return f"{PREFIX}{schema}"


def create_notify_trigger(cur: psycopg.Cursor, schema: str, table: str) -> None:
    """Idempotent: the trigger that announces every insert into `schema.table` on commit (one
    notification per statement; PostgreSQL folds equal ones of a transaction into one)."""
    body = f"BEGIN PERFORM pg_notify('{channel(schema)}', ''); RETURN NULL; END"
    cur.execute(
        sql.SQL("CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS {}").format(
            sql.Identifier(schema, FUNCTION), sql.Literal(body)
        )
    )
    cur.execute(
        sql.SQL(
            "CREATE OR REPLACE TRIGGER {} AFTER INSERT ON {}"
            " FOR EACH STATEMENT EXECUTE FUNCTION {}()"
        ).format(
            sql.Identifier(FUNCTION),
            sql.Identifier(schema, table),
            sql.Identifier(schema, FUNCTION),
        )
    )


class Listener:
    """One listening connection per process; `on(schema, wake)` before `run()`."""

    def __init__(self, conninfo: str, application_name: str):
        self.conninfo = conninfo
        self.application_name = application_name
        self._wakers: dict[str, list[Callable[[], Any]]] = {}
        self.reliable = False

    def on(self, schema: str, wake: Callable[[], Any]) -> None:
        """Call `wake` whenever the event store in `schema` committed new events."""
        self._wakers.setdefault(channel(schema), []).append(wake)

    @property
    def channels(self) -> Iterable[str]:
        return self._wakers.keys()

    def run(self) -> None:
        """Listen for ever (a managed greenthread), connecting again after any fault."""
        if not self._wakers:
            return
        while True:
            try:
                self._listen()
            except Exception as exc:  # noqa: BLE001 - connect again; the fallback timers cover
                log.warning("listener_failed", extra={"error_type": type(exc).__name__})
            self.reliable = False
            eventlet.sleep(RECONNECT_SECONDS)

    def _listen(self) -> None:
        with psycopg.connect(
            self.conninfo, autocommit=True, application_name=self.application_name
        ) as conn:
            for name in self.channels:
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(name)))
            self.reliable = self._triggers_present(conn)
            # Whatever was committed while nobody listened.
            self._wake(set(self.channels))
            while True:
                woken = {n.channel for n in conn.notifies(timeout=0)}
                if woken:
                    self._wake(woken)
                    continue
                # Sleep until PostgreSQL sends something (a notification, or the socket closing).
                try:
                    trampoline(conn.fileno(), read=True, timeout=QUIET_SECONDS)
                except eventlet.timeout.Timeout:
                    conn.execute("SELECT 1")  # a connection gone quiet is still there

    def _triggers_present(self, conn: psycopg.Connection) -> bool:
        """Whether every store listened to notifies (a database `wegwijs migrate` has not
        brought up to date has no trigger yet: then the loops keep their fallback timers)."""
        schemas = sorted(name.removeprefix(PREFIX) for name in self.channels)
        rows = conn.execute(
            "SELECT DISTINCT n.nspname FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE t.tgname = %s AND n.nspname = ANY(%s)",
            (FUNCTION, schemas),
        ).fetchall()
        missing = sorted(set(schemas) - {row[0] for row in rows})
        if missing:
            log.warning("listener_without_trigger", extra={"schemas": missing})
        return not missing

    def _wake(self, channels: Iterable[str]) -> None:
        for name in channels:
            for wake in self._wakers.get(name, ()):
                try:
                    wake()
                except Exception:  # one waker's fault leaves the others
                    log.exception("listener_wake_failed")


class Generations:
    """How often a store announced new events, for what a process keeps in memory of it.

    Something read from the store while the count stood at `n` is still what the store holds
    while the count is `n` and the listener that counts is reliable: every commit since, by any
    instance, would have been announced. Without a reliable listener there is no count (`None`),
    and what is kept must be read again each time."""

    def __init__(self, listener: Listener | None = None):
        self._listener = listener
        self._count = 0

    def bump(self) -> None:
        self._count += 1

    @property
    def current(self) -> int | None:
        if self._listener is None or not self._listener.reliable:
            return None
        return self._count
