"""A small PostgreSQL helper for what is not an event store: positions, read models, the ledger."""

from __future__ import annotations

import hashlib
import types
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from services.common import pgwait, settings

pgwait.install()  # under eventlet: psycopg parks on the hub per round trip, without a select


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for PostgreSQL advisory locks."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def application_name(part: str = "") -> str:
    """How a process's connections show in pg_stat_activity: `wegwijs-<process>[-<part>]`."""
    return "-".join(p for p in ("wegwijs", settings.process(), part) if p)


def close_when_idle(pool: Any, idle_seconds: float | None = None) -> None:
    """Make a (not yet opened) psycopg pool close every connection left unused for a whole
    `idle_seconds` (default WEGWIJS_PG_IDLE_SECONDS), down to its min_size, instead of one per
    period as psycopg_pool does: after a burst a process is back at rest within two periods."""
    pool.max_idle = float(idle_seconds or settings.PG_IDLE_SECONDS.get())

    def shrink(self: Any) -> None:
        closing = []
        with self._lock:
            unused = self._nconns_min  # fewest connections idle in the pool during the period
            self._nconns_min = len(self._pool)
            while unused > 0 and self._pool and self._nconns > self._min_size:
                closing.append(self._pool.popleft())
                self._nconns -= 1
                self._nconns_min -= 1
                unused -= 1
        for conn in closing:
            self._close_connection(conn)

    pool._shrink_pool = types.MethodType(shrink, pool)


class Database:
    """A connection pool on the platform database; opened on `open()`, never at import.

    Connections are opened when needed, up to the process's share of WEGWIJS_PG_CONNECTIONS,
    and closed when unused for WEGWIJS_PG_IDLE_SECONDS: at rest the pool holds none."""

    def __init__(self, conninfo: str | None = None, max_size: int | None = None):
        self.conninfo = conninfo or settings.postgres_conninfo()
        self._pool = ConnectionPool(
            self.conninfo,
            min_size=0,
            max_size=max_size or settings.pool_sizes()[1],
            open=False,
            kwargs={"row_factory": dict_row, "application_name": application_name()},
        )
        close_when_idle(self._pool)

    def open(self) -> Database:
        self._pool.open(wait=False)
        return self

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def transaction(self, pipelined: bool = False) -> Iterator[psycopg.Cursor]:
        """A cursor in a transaction that commits when the block ends without error.

        `pipelined`: in pipeline mode, so statements whose results are not fetched are sent
        together (a batch of INSERTs in one round trip); no COPY in it."""
        with (
            self._pool.connection() as conn,
            conn.pipeline() if pipelined else nullcontext(),
            conn.transaction(),
            conn.cursor() as cur,
        ):
            yield cur

    @contextmanager
    def advisory_lock(self, name: str) -> Iterator[psycopg.Connection]:
        """Hold a session-level advisory lock for the block (waiting for it), yielding its
        (autocommit) connection. The lock dies with the connection, so a killed process never
        keeps it."""
        key = lock_key(name)
        with self._session() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield conn
            finally:
                _unlock(conn, key)

    @contextmanager
    def leading(self, name: str, query: Any, params: Any = None) -> Iterator[Lead | None]:
        """Try the session-level advisory lock `name` without waiting (one leader among a
        service's instances). Taken: yields the `Lead`, with its (autocommit) connection and
        the rows `query` gives, read once the lock is held, in one round trip for both; None
        when another session holds it. The lock is released when the block ends."""
        key = lock_key(name)
        with self._session() as conn:
            try:
                with conn.pipeline():
                    taken = conn.execute("SELECT pg_try_advisory_lock(%s) AS ok", (key,))
                    found = conn.execute(query, params)
                # Out of pipeline mode (synced): each statement of the block commits on its own.
                acquired = bool(taken.fetchone()["ok"])
                rows = found.fetchall()
            except BaseException:
                conn.close()  # the lock may have been taken: it goes with the session
                raise
            if not acquired:
                yield None
                return
            try:
                yield Lead(conn, rows)
            finally:
                _unlock(conn, key)

    @contextmanager
    def _session(self) -> Iterator[psycopg.Connection]:
        """A pooled connection in autocommit mode for the block."""
        with self._pool.connection() as conn:
            conn.autocommit = True
            try:
                yield conn
            finally:
                if not conn.closed:
                    conn.autocommit = False


class Lead:
    """A leader's session (`Database.leading`): its (autocommit) connection and the rows of its
    first read."""

    def __init__(self, conn: psycopg.Connection, rows: list[dict[str, Any]]):
        self.conn = conn
        self.rows = rows

    @property
    def row(self) -> dict[str, Any] | None:
        return self.rows[0] if self.rows else None


def _unlock(conn: psycopg.Connection, key: int) -> None:
    """Release a session lock; when that cannot be done, close the connection, so that the
    lock goes with its session instead of staying in the pool."""
    if conn.closed:
        return
    try:
        conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
    except BaseException:
        conn.close()
        raise


def ensure_database(dbname: str | None = None) -> bool:
    """Create the platform database if it does not exist; True if it was created."""
    dbname = dbname or settings.PG_DBNAME.get()
    admin = settings.postgres_conninfo("postgres", identity=settings.ADMIN)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if exists:
            return False
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(dbname)))
        return True
