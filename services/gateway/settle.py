"""Settling commands whose answer got lost, so that the ledger says what happened in the end.

The gateway answers 504 when a service does not answer in time, and 5xx when the broker or a
service fails while a command is on its way: the command may or may not have taken effect. Such
a command (and one whose request died with the gateway) is left open under its key
(`command_keys.py`). Once no answer can still come (`settle_after`), the settler asks the
services what came of it (`settle_command`): the one it went to answers with its outcome; a
service without an outcome for it records that the command is given up, so that a delivery still
under way can never carry it out. Then the ledger gets the command's one record: what the client
was answered, and what happened in the end.
"""

from __future__ import annotations

import logging
from typing import Any

import eventlet
from nameko.extensions import DependencyProvider

from services.common import settings
from services.common.context import system_context
from services.common.proxies import PlatformClient
from services.gateway.command_keys import (
    SETTLED_APPLIED,
    SETTLED_FAILED,
    SETTLED_REFUSED,
    CommandKeys,
    Key,
    StoredAnswer,
)

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0
# A gateway whose own keys have all come due and been looked at (no request for settle_after
# and two more rounds) looks only every five minutes, for keys a gateway that died left (a
# client asking after its key settles it at once): at rest it keeps no PostgreSQL connection
# busy.
QUIET_SECONDS = 300.0
# The services that carry out commands (they keep command outcomes).
COMMAND_SERVICES = ("intake", "pip", "matching", "consent")
FORGET_EVERY_SECONDS = 600.0
# What the ledger says the client was answered when the gateway died before answering.
NO_ANSWER = 504


def settle_after() -> float:
    """Seconds after which no answer to a command can still come: the gateway's patience, and
    the same again for a worker that took the request just before it expired."""
    return 2 * float(settings.RPC_TIMEOUT_SECONDS.get())


class CommandKeyStore(DependencyProvider):
    """The gateway's keys (what a route gets as `self.command_keys`), and the settler."""

    def setup(self) -> None:
        self.runtime = _runtime_of(self.container)
        self._client: PlatformClient | None = None
        self._rpc: Any = None
        self._lock = eventlet.semaphore.Semaphore()
        self._last_request = eventlet.hubs.get_hub().clock()

    @property
    def keys(self) -> CommandKeys:
        return CommandKeys(self.runtime.db)

    def start(self) -> None:
        self.container.spawn_managed_thread(self._settle_loop)

    def stop(self) -> None:
        if self._client is not None:
            self._client.stop()

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx: Any) -> Keys:
        self._last_request = eventlet.hubs.get_hub().clock()
        return Keys(self)

    # settling ------------------------------------------------------------------------------
    def _settle_loop(self) -> None:
        forgotten_at = looked_at = 0.0
        clock = eventlet.hubs.get_hub().clock
        while True:
            eventlet.sleep(POLL_SECONDS)
            quiet = clock() - self._last_request > settle_after() + 2 * POLL_SECONDS
            if quiet and clock() - looked_at < QUIET_SECONDS:
                continue
            looked_at = clock()
            try:
                for key in self.keys.unsettled(settle_after()):
                    try:
                        self.settle(key)
                    except Exception as exc:  # noqa: BLE001 - the others go on; it comes again
                        log.warning("settle_failed", extra={"error": repr(exc)})
                if eventlet.hubs.get_hub().clock() - forgotten_at > FORGET_EVERY_SECONDS:
                    forgotten_at = eventlet.hubs.get_hub().clock()
                    if forgotten := self.keys.forget():
                        log.info("command_keys_forgotten", extra={"keys": forgotten})
            except Exception as exc:  # noqa: BLE001 - the next round tries again
                log.warning("settle_failed", extra={"error": repr(exc)})

    def settle(self, key: Key) -> StoredAnswer:
        """Find out what came of `key`'s command, and record it once in the ledger."""
        verdict = self._verdict(key.command_id)
        status = key.answered_status or NO_ANSWER
        answer = StoredAnswer(status, {}, "", settled=verdict)
        ctx = key.context.for_command(key.command_id)
        gemeente = ""
        if not key.dossier_id and len(ctx.actor.gemeenten) == 1:
            gemeente = ctx.actor.gemeenten[0]
        recorded = self.runtime.app.record_command(
            ctx,
            key.method,
            key.route,
            status,
            key.received_at,
            dossier_id=key.dossier_id,
            gemeente=gemeente,
            answer=(key.command_id, answer),
            result=verdict,
        )
        log.info(
            "command_settled",
            extra={"route": key.route, "result": verdict, "recorded": recorded},
        )
        return answer

    def _verdict(self, command_id: str) -> str:
        """What came of a command, asked of every service that carries out commands (a command
        goes to one of them; the others record that it never will reach them)."""
        verdicts = {self._settle_at(service, command_id) for service in COMMAND_SERVICES}
        for verdict in (SETTLED_APPLIED, SETTLED_REFUSED):
            if verdict in verdicts:
                return verdict
        return SETTLED_FAILED

    def _settle_at(self, service: str, command_id: str) -> str:
        with self._lock:
            if self._rpc is None:
                self._client = PlatformClient(
                    "gateway",
                    lambda: system_context("gateway", "systeem"),
                    timeout=float(settings.RPC_TIMEOUT_SECONDS.get()),
                    amqp_uri=self.container.config["AMQP_URI"],
                )
                self._rpc = self._client.start()
            try:
                return getattr(self._rpc, service).settle_command(command_id)
            except Exception:
                self._client.stop()
                self._client = self._rpc = None
                raise


class Keys:
    """What a request gets: the key table, and settling one key now (a client asking)."""

    def __init__(self, store: CommandKeyStore):
        self._store = store
        self._table = store.keys

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def settle(self, key: Key) -> StoredAnswer:
        return self._store.settle(key)


def _runtime_of(container: Any) -> Any:
    from services.common.runtime import ChainRuntime

    return next(d for d in container.dependencies if isinstance(d, ChainRuntime))
