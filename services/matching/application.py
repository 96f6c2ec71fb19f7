"""The matching application. Its use cases arrive with their issue; the event store, relay and
notification log already run, so its events will reach the ledger like every other service's."""

from __future__ import annotations

from services.common.application import ChainApplication


class Matching(ChainApplication):
    name = "Matching"
    schema = "matching"
