"""The Werkplek in a real headless Chromium (issue 16). The browser tests are in
werkplek_in_a_browser.py and run in a pytest process of their own on this run's platform:
Playwright cannot run under the eventlet monkey patching this process needs (conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.platform import ROOT, TEST_ENV

BROWSER_TESTS = ROOT / "tests" / "e2e" / "werkplek_in_a_browser.py"


def _browser_tests(*args: str, **env: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", *args],
        env={**os.environ, **TEST_ENV, "WEGWIJS_TEST_ATTACHED": "1", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    assert " passed" in done.stdout and " failed" not in done.stdout


def test_the_werkplek_in_a_real_browser(platform):
    _browser_tests(str(BROWSER_TESTS), "-k", "not idle_time")


def test_a_werkplek_session_ends_after_its_idle_time(platform):
    idle = {"WEGWIJS_WERKPLEK_IDLE_SECONDS": "2"}
    platform.stop("werkplek")
    platform.start("werkplek", env=idle)
    try:
        _browser_tests(
            f"{BROWSER_TESTS}::test_a_session_past_its_idle_time_is_sent_to_login", **idle
        )
    finally:
        platform.stop("werkplek")
        platform.start("werkplek")
