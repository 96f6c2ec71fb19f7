"""Fixtures shared by the unit tests: applications on in-memory persistence."""

from __future__ import annotations

import pytest

from services.common.region import Region
from services.intake.application import Intake
from services.pip.application import Pips


@pytest.fixture
def pips() -> Pips:
    app = Pips.in_memory()
    yield app
    app.close()


@pytest.fixture
def intake() -> Intake:
    app = Intake(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, region=Region.load(), bsn_key="k"
    )
    yield app
    app.close()


@pytest.fixture
def consent():
    from services.consent.application import Consent

    app = Consent.in_memory()
    yield app
    app.close()
