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


@pytest.fixture
def partners(consent):
    """Consent with three partner organisations: VluchtelingenWerk, a school, an employer."""
    from tests.unit.test_consent import EMPLOYER, SCHOOL, VWN, _admin

    for oin, name, kind in (
        (VWN, "VluchtelingenWerk", "maatschappelijke-begeleiding"),
        (SCHOOL, "Taalschool", "taalaanbieder"),
        (EMPLOYER, "Kringloop", "werkgever"),
    ):
        consent.register_partner(
            _admin(),
            {"oin": oin, "name": name, "kind": kind, "gemeenten": ["0344", "0356", "0321"]},
        )
    return consent
