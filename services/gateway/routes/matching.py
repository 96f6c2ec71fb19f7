"""The routes onto matching."""

from __future__ import annotations

ROUTES = ()
