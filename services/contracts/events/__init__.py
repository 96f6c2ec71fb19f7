"""The integration events of the chain, as models of their `data`: one module per origin, and
the register they are in (`base.REGISTER`, filled by importing `ALL`)."""

from __future__ import annotations

from services.contracts.events import consent, gateway, intake, matching, partner, pip
from services.contracts.events.base import REGISTER, EventType

ALL = (intake, pip, matching, consent, gateway, partner)

__all__ = ["ALL", "REGISTER", "EventType"]
