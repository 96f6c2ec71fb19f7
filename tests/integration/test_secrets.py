"""Outside development no process starts with a default, empty or too short secret, and says
which; `wegwijs settings` never shows one (issue 13, finding 3). Runs the real command, no
platform needed."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from services.common import settings
from tests.platform import ROOT, TEST_ENV

PRODUCTION = {**TEST_ENV, "WEGWIJS_ENVIRONMENT": "production", "PATH": "/usr/bin:/bin"}

# Per process, a secret it needs made unfit, and the setting the refusal must name.
UNFIT = [
    ("gateway", settings.PG_PASSWORDS["gateway"].name, "too-short"),
    ("intake", settings.BSN_INDEX_KEY.name, settings.BSN_INDEX_KEY.default),
    ("audit", settings.AUDIT_SIGNING_KEY.name, settings.AUDIT_SIGNING_KEY.default),
    ("pip", settings.AMQP_PASSWORDS["pip"].name, ""),
    ("matching", settings.PG_PASSWORDS["matching"].name, "short"),
    ("consent", settings.CALL_KEYS["consent"].name, "bm90IGEga2V5"),
    ("gateway", settings.CALL_KEYS["gateway"].name, ""),
    ("intake", settings.CALL_PUBLIC_KEYS.name, ""),
]


def _wegwijs(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "services.tools.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize(("process", "name", "value"), UNFIT, ids=[f"{u[0]}-{u[1]}" for u in UNFIT])
def test_outside_development_a_process_with_an_unfit_secret_exits_naming_it(process, name, value):
    started = time.monotonic()

    done = _wegwijs("run", process, env={**PRODUCTION, name: value})

    assert done.returncode != 0
    assert time.monotonic() - started < 10
    assert name in done.stdout + done.stderr
    assert "refusing to start" in done.stdout + done.stderr


def test_migrate_outside_development_needs_the_administrator_s_password():
    done = _wegwijs("migrate", env={**PRODUCTION, settings.PG_ADMIN_PASSWORD.name: ""})

    assert done.returncode != 0
    assert settings.PG_ADMIN_PASSWORD.name in done.stderr


def test_settings_never_shows_a_secret():
    shown = _wegwijs("settings", env=dict(TEST_ENV, PATH="/usr/bin:/bin")).stdout

    secrets = [s for s in settings.declared() if s.secret and TEST_ENV.get(s.name)]
    assert len(secrets) >= 20
    for secret in secrets:
        assert TEST_ENV[secret.name] not in shown, secret.name
        assert f"{secret.name}=<secret" in shown
    assert settings.JWT_SECRET.default not in shown


def test_no_development_tokens_outside_development():
    done = _wegwijs("token", "--role", "admin", "--gemeente", "0344", env=PRODUCTION)

    assert done.returncode != 0
    assert "development" in done.stderr
    assert done.stdout == ""
