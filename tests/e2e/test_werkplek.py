"""The Werkplek in a real headless Chromium (issue 16). The browser tests are in
werkplek_browser_*.py, one file per part of the chain, and run in a pytest process of their own
on this run's platform: Playwright cannot run under the eventlet monkey patching this process
needs (conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.platform import ROOT, TEST_ENV

HERE = ROOT / "tests" / "e2e"
BROWSER_TESTS = sorted(HERE.glob("werkplek_browser_*.py"))


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


def _bsn_start(tests) -> str:
    """Where the persons of one browser test file start: apart from the main run's and from
    every other file's, since each file runs in a process of its own."""
    return str(999950000 + 3000 * BROWSER_TESTS.index(tests))


@pytest.mark.parametrize("tests", BROWSER_TESTS, ids=[t.stem for t in BROWSER_TESTS])
def test_the_werkplek_in_a_real_browser(platform, tests):
    _browser_tests(str(tests), "-k", "not idle_time", WEGWIJS_TEST_BSN_START=_bsn_start(tests))


def test_a_werkplek_session_ends_after_its_idle_time(platform):
    idle = {"WEGWIJS_WERKPLEK_IDLE_SECONDS": "2"}
    platform.stop("werkplek")
    platform.start("werkplek", env=idle)
    try:
        test = "test_a_session_past_its_idle_time_is_sent_to_login"
        regievoerder = HERE / "werkplek_browser_regievoerder.py"
        start = {"WEGWIJS_TEST_BSN_START": str(int(_bsn_start(regievoerder)) + 2000)}
        _browser_tests(f"{regievoerder}::{test}", **idle, **start)
    finally:
        platform.stop("werkplek")
        platform.start("werkplek")
