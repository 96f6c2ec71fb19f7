"""Test configuration: eventlet first (as nameko needs), then the test platform's settings.

The browser tests run in a pytest process of their own (tests/e2e/test_werkplek.py starts it):
Playwright cannot run under eventlet's monkey patching. That process sets ATTACHED and uses the
platform the main run started instead of starting one."""

import os
import warnings

ATTACHED = os.environ.get("WEGWIJS_TEST_ATTACHED") == "1"

if not ATTACHED:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import eventlet

    eventlet.monkey_patch()

import services  # noqa: E402, F401 - sets PSYCOPG_WAIT_FUNC before psycopg is imported
from tests.platform import TEST_ENV  # noqa: E402

os.environ.update(TEST_ENV)

import pytest  # noqa: E402

from tests.platform import Platform  # noqa: E402


def pytest_collection_modifyitems(items):
    """Tests marked `late` make much data of their own, so they run after the others; tests
    marked `last` check what the whole run did, so they run after all of them."""
    items.sort(
        key=lambda item: (
            item.get_closest_marker("last") is not None,
            item.get_closest_marker("late") is not None,
        )
    )


@pytest.fixture(scope="session")
def platform():
    """The whole platform, each service its own process, on a fresh database and vhost."""
    running = Platform()
    if ATTACHED:
        yield running
        return
    running.reset_infrastructure()
    try:
        running.start_all()
        yield running
    finally:
        running.stop_all()


@pytest.fixture(scope="session")
def database(platform):
    """The test database with every schema (the platform created it)."""
    return platform
