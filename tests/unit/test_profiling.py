"""The hot path bench's profiler (services/common/profiling.py) counts CPU where it is spent."""

from __future__ import annotations

import json
import time

from services.common import profiling
from tests.platform import eventually


def _burn(seconds: float) -> int:
    """CPU in a frame of this test for `seconds` of CPU time."""
    end, n = time.process_time() + seconds, 0
    while time.process_time() < end:
        n += 1
    return n


def test_ticks_of_cpu_are_counted_where_the_cpu_went_and_idle_time_is_not(tmp_path, monkeypatch):
    monkeypatch.setenv("WEGWIJS_PROFILE_DIR", str(tmp_path))
    monkeypatch.setenv("WEGWIJS_ENVIRONMENT", "development")
    monkeypatch.setattr(profiling, "_started", False)
    assert profiling.start("test")
    switch, report = tmp_path / "sampling", tmp_path / "test.profile.json"
    switch.touch()
    time.sleep(0.7)  # the sampler looks for the switch twice a second
    _burn(0.4)
    time.sleep(0.4)  # idle: no CPU, no ticks
    switch.unlink()
    counts = eventually(
        lambda: json.loads(report.read_text()) if report.exists() else None,
        lambda r: r is not None and r["busy"] >= 40,
        what="the profile written",
        deadline=10,
    )
    # 0.4 s of CPU in ticks of 5 ms: about 80, none from the sleeps.
    assert 40 <= counts["busy"] <= 120, counts
