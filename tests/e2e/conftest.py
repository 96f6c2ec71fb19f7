"""Fixtures of the Werkplek's browser tests (werkplek_browser_*.py), which run in a pytest
process of their own (test_werkplek.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import CHROMIUM


@pytest.fixture(scope="module")
def browser():
    # Not stopped: Playwright's stop waits on its driver's exit through asyncio's child watcher,
    # which eventlet's monkey patching (nameko's, in conftest) never lets finish. The driver
    # exits by itself when this process does.
    chromium = sync_playwright().start().chromium.launch(executable_path=CHROMIUM, headless=True)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL", bypass_csp=True)  # for axe-core only
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def werkplek(platform):
    return f"http://{platform.env['WEGWIJS_WERKPLEK_ADDRESS']}"
