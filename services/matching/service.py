"""The matching nameko service."""

from __future__ import annotations

from services.common.runtime import ChainRuntime
from services.common.service import ChainService
from services.matching.application import Matching


class MatchingService(ChainService):
    name = "matching"
    chain = ChainRuntime(Matching, publications={})
