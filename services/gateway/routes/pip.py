"""The routes onto pip."""

from __future__ import annotations

ROUTES = ()
