"""The consent nameko service."""

from __future__ import annotations

from services.common.runtime import ChainRuntime
from services.common.service import ChainService
from services.consent.application import Consent


class ConsentService(ChainService):
    name = "consent"
    chain = ChainRuntime(Consent, publications={})
