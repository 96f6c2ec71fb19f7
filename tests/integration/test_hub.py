"""No database call blocks the eventlet hub (the eventlet pitfall of the architecture)."""

from __future__ import annotations

import subprocess
import sys
import uuid

import eventlet
import psycopg

from services.common import settings
from tests.platform import ROOT, TEST_DB, eventually, person

ORDER_SCRIPT = """
import eventlet
eventlet.monkey_patch()
import services  # sets PSYCOPG_WAIT_FUNC unless the environment chose one
import psycopg
slow_conn = psycopg.connect({conninfo!r})
fast_conn = psycopg.connect({conninfo!r})
order = []
def query(conn, sql, name):
    conn.execute(sql)
    order.append(name)
slow = eventlet.spawn(query, slow_conn, "SELECT pg_sleep(0.5)", "slow")
fast = eventlet.spawn(query, fast_conn, "SELECT 1", "fast")
slow.wait(); fast.wait()
print(",".join(order))
"""

# The services' own wait (services/common/pgwait.py, installed when services.common.db is
# imported): a pipelined transaction waits for reading and writing at once, a listener for
# notifications with a timeout.
PGWAIT_SCRIPT = """
import eventlet
eventlet.monkey_patch()
import services
import services.common.db  # installs it
from services.common import pgwait
import psycopg
from psycopg import waiting
assert waiting.wait is pgwait.wait
slow_conn = psycopg.connect({conninfo!r})
fast_conn = psycopg.connect({conninfo!r}, autocommit=True)
order = []
def slow():
    slow_conn.execute("SELECT pg_sleep(0.5)")
    order.append("slow")
def fast():
    with fast_conn.pipeline(), fast_conn.transaction():
        cursors = [fast_conn.execute("SELECT %s::int", (i,)) for i in range(200)]
    assert [c.fetchone()[0] for c in cursors] == list(range(200))
    fast_conn.execute("LISTEN pgwait")
    assert list(fast_conn.notifies(timeout=0)) == []
    fast_conn.execute("NOTIFY pgwait")
    assert [n.channel for n in fast_conn.notifies(timeout=5, stop_after=1)] == ["pgwait"]
    order.append("fast")
threads = [eventlet.spawn(slow), eventlet.spawn(fast)]
for thread in threads:
    thread.wait()
print(",".join(order))
"""


def _finishing_order(wait_func: str | None, script: str = ORDER_SCRIPT) -> str:
    env = {k: v for k, v in __import__("os").environ.items() if k != "PSYCOPG_WAIT_FUNC"}
    if wait_func:
        env["PSYCOPG_WAIT_FUNC"] = wait_func
    script = script.format(conninfo=settings.postgres_conninfo(TEST_DB))
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_with_the_services_setting_a_fast_query_overtakes_a_slow_one(database):
    assert _finishing_order(None) == "fast,slow"


def test_the_services_own_wait_lets_a_pipeline_and_a_listener_overtake_a_slow_query(database):
    assert _finishing_order(None, PGWAIT_SCRIPT) == "fast,slow"


def test_with_psycopgs_c_wait_the_slow_query_would_block_the_hub(database):
    # The control: without the setting the same script finishes in the blocked order.
    assert _finishing_order("wait_c") == "slow,fast"


def test_a_slow_query_does_not_delay_a_fast_request_to_the_same_service(platform):
    dossier_id = platform.register(person("0344"))
    eventually(
        lambda: platform.scalar(
            "SELECT count(*) FROM intake.dossier_index WHERE dossier_id = %s", uuid.UUID(dossier_id)
        ),
        lambda n: n == 1,
    )
    with psycopg.connect(settings.postgres_conninfo(TEST_DB)) as locker:
        locker.execute("LOCK TABLE intake.dossier_index IN ACCESS EXCLUSIVE MODE")
        slow = eventlet.spawn(platform.get, "/api/v1/dossiers", "regievoerder", "0344")
        eventually(
            lambda: platform.scalar(
                "SELECT count(*) FROM pg_locks"
                " WHERE NOT granted AND relation = 'intake.dossier_index'::regclass"
            ),
            lambda waiting: waiting >= 1,
            what="intake's list query waits on the lock",
        )

        fast = platform.get(f"/api/v1/dossiers/{dossier_id}", "regievoerder", "0344")

        assert fast.status_code == 200
        assert not slow.dead, "the slow request finished before the lock was released"
        locker.rollback()
    listed = slow.wait()
    assert listed.status_code == 200
    assert dossier_id in {d["id"] for d in listed.json()["dossiers"]}
