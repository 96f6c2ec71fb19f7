"""The Werkplek in a real headless Chromium (issue 16). The browser tests are in
werkplek_browser_*.py, one file per part of the chain, and run in a pytest process of their own
on this run's platform: Playwright cannot run under the eventlet monkey patching this process
needs (conftest.py).

Two files run at a time: each test starts the next selected file before it waits for its own, so
one file's browser works while the other's waits on the platform. Each file's persons have BSNs
of their own, so the two do not meet; a file that changes what the others see runs alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.platform import ROOT, TEST_ENV

HERE = ROOT / "tests" / "e2e"
BROWSER_TESTS = sorted(HERE.glob("werkplek_browser_*.py"))
# Policy officers' settings change what every other file's pages show while they are set, and
# the auditor's pages count the reads of a dossier, to which another file's lists would add.
ALONE = frozenset({"werkplek_browser_beleid", "werkplek_browser_toezicht"})
LOGS = ROOT / ".run" / "browser"
TIMEOUT_SECONDS = 600


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", *args]


def _env(**env: str) -> dict[str, str]:
    return {**os.environ, **TEST_ENV, "WEGWIJS_TEST_ATTACHED": "1", **env}


def _check(returncode: int, output: str) -> None:
    assert returncode == 0, output[-25000:]
    assert " passed" in output and " failed" not in output


def _browser_tests(*args: str, **env: str) -> None:
    done = subprocess.run(
        _command(*args),
        env=_env(**env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
    _check(done.returncode, done.stdout + done.stderr)


def _bsn_start(tests: Path) -> str:
    """Where the persons of one browser test file start: apart from the main run's and from
    every other file's, since each file runs in a process of its own."""
    return str(999950000 + 3000 * BROWSER_TESTS.index(tests))


class _Files:
    """Browser test files running in the background, each writing to .run/browser/<file>.log."""

    def __init__(self) -> None:
        self.running: dict[Path, tuple[subprocess.Popen, Path]] = {}

    def start(self, tests: Path) -> None:
        if tests in self.running:
            return
        LOGS.mkdir(parents=True, exist_ok=True)
        log = LOGS / f"{tests.stem}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                _command(str(tests), "-k", "not idle_time"),
                env=_env(WEGWIJS_TEST_BSN_START=_bsn_start(tests)),
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.running[tests] = (process, log)

    def finish(self, tests: Path) -> tuple[int, str]:
        process, log = self.running.pop(tests)
        try:
            returncode = process.wait(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            returncode = -1
        return returncode, log.read_text()

    def settle(self) -> None:
        """Let every file still running finish (its own test reads its outcome)."""
        for process, _ in self.running.values():
            try:
                process.wait(timeout=TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()

    def stop(self) -> None:
        for process, _ in self.running.values():
            process.kill()
            process.wait()
        self.running.clear()


FILES = _Files()


@pytest.fixture(scope="module", autouse=True)
def _no_file_left_running():
    yield
    FILES.stop()


def _next_selected(request, tests: Path) -> Path | None:
    """The browser test file this run takes after `tests`, if any."""
    selected = [
        item.callspec.params["tests"]
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_the_werkplek_in_a_real_browser"
    ]
    after = selected[selected.index(tests) + 1 :] if tests in selected else []
    return after[0] if after else None


@pytest.mark.parametrize("tests", BROWSER_TESTS, ids=[t.stem for t in BROWSER_TESTS])
def test_the_werkplek_in_a_real_browser(platform, tests, request):
    if tests.stem in ALONE:
        FILES.settle()
    FILES.start(tests)
    following = _next_selected(request, tests)
    if following is not None and ALONE.isdisjoint({tests.stem, following.stem}):
        FILES.start(following)
    _check(*FILES.finish(tests))


def test_a_werkplek_session_ends_after_its_idle_time(platform):
    FILES.settle()  # the Werkplek restarts: no other file may be using it
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
