"""The pip nameko service: reacts to intake's events and serves the PIP."""

from __future__ import annotations

from typing import Any

from services.common.entrypoints import consume, rpc
from services.common.errors import EXPECTED
from services.common.runtime import ChainRuntime, events_from
from services.common.service import ChainService
from services.pip.application import Pips
from services.pip.events import PUBLICATIONS


class PipService(ChainService):
    name = "pip"
    chain = ChainRuntime(Pips, PUBLICATIONS, origins=("intake",))

    @consume(events_from("intake", "pip"))
    def on_intake_event(self, event: dict[str, Any]) -> None:
        self.chain.receive("intake", event)

    @rpc(expected_exceptions=EXPECTED)
    def pip(self, dossier_id: str) -> dict[str, Any]:
        return self.chain.app.pip(self.chain.ctx, dossier_id)
