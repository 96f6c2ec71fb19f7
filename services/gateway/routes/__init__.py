"""The API as a table: every route of the gateway, by the service it goes to."""

from __future__ import annotations

from services.gateway.routes import (
    audit,
    consent,
    documents,
    intake,
    matching,
    overdracht,
    pip,
    werkvoorraad,
)

ROUTES = (
    *intake.ROUTES,
    *overdracht.ROUTES,
    *pip.ROUTES,
    *consent.ROUTES,
    *matching.ROUTES,
    *audit.ROUTES,
    *documents.ROUTES,
    *werkvoorraad.ROUTES,
)
