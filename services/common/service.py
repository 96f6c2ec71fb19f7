"""What every Wegwijs nameko service offers besides its own use cases."""

from __future__ import annotations

import json
import logging
from typing import Any

from nameko.web.handlers import http
from werkzeug.wrappers import Response

from services.common import access, metrics
from services.common.entrypoints import rpc
from services.common.errors import EXPECTED
from services.common.runtime import ChainRuntime

log = logging.getLogger(__name__)


class ChainService:
    """Base of the nameko service classes: notification log, health and metrics."""

    name: str
    chain: ChainRuntime

    @rpc(expected_exceptions=EXPECTED)
    def notifications(self, start: int, limit: int) -> list[dict[str, Any]]:
        """Integration events from position `start` on: how consumers close gaps and catch up."""
        access.require_system(self.chain.ctx)
        if self.chain.runtime.relay is None:
            return []
        return self.chain.runtime.relay.cloudevents(int(start), min(int(limit), 1000))

    @rpc(expected_exceptions=EXPECTED)
    def settle_command(self, command_id: str) -> str:
        """What came of a command whose answer the gateway lost (see runtime.settle)."""
        access.require_system(self.chain.ctx)
        return self.chain.runtime.settle(str(command_id))

    @rpc
    def health(self) -> dict[str, Any]:
        return self.chain.runtime.health()

    @http("GET", "/health")
    def http_health(self, request: Any) -> Response:
        try:
            report = self.chain.runtime.health()
            status = 200 if report["status"] == "ok" else 503
        except Exception:
            log.exception("health_check_failed")
            report, status = {"service": self.name, "status": "down", "postgres": "down"}, 503
        return Response(json.dumps(report), status=status, mimetype="application/json")

    @http("GET", "/metrics")
    def http_metrics(self, request: Any) -> Response:
        body, content_type = metrics.exposition()
        return Response(body, status=200, content_type=content_type)
