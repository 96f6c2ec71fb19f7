"""The routes onto consent."""

from __future__ import annotations

ROUTES = ()
