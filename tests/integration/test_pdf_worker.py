"""A document's PDF is made in a worker process beside the service's greenthreads.

CI found two faults of a real thread in the service's own process: the gateway broke for good
("Cannot switch to a different thread") when WeasyPrint logged from its thread while a
greenthread held logging's lock; and, on a slower machine, a thread beside greenthreads that
log got the interpreter's lock so rarely that one PDF took 30 to 50 seconds (this test ran into
its two minutes)."""

from __future__ import annotations

import subprocess
import sys

from tests.platform import ROOT

# A process as a service is one: monkey patched, logging at INFO, greenthreads logging all the
# time while PDFs are made.
BUSY_PROCESS = """
import eventlet
eventlet.monkey_patch()
import logging, os
logging.basicConfig(level=logging.INFO, stream=open(os.devnull, "w"))
from services.common.documents.pdf import as_pdf

stop = []
def chatter():
    log = logging.getLogger("chatter")
    while not stop:
        log.info("a line of a busy service")
        eventlet.sleep(0)

workers = [eventlet.spawn(chatter) for _ in range(4)]
html = "<html><body>" + "<p>Beschikking over uw plan</p>" * 200 + "</body></html>"
pdfs = [as_pdf(html) for _ in range(12)]
stop.append(True)
print(all(pdf.startswith(b"%PDF") for pdf in pdfs), eventlet.spawn(lambda: "hub").wait())
"""

# The worker goes (killed, or it crashed) between two PDFs; it gets none of the service's
# settings.
WORKER_GONE = """
import eventlet
eventlet.monkey_patch()
import os
os.environ["WEGWIJS_GATEWAY_SECRET"] = "not for the worker"
from services.common.documents import pdf

first = pdf.as_pdf("<p>Een</p>")
worker = pdf._worker.process
environ = open(f"/proc/{worker.pid}/environ", "rb").read().split(b"\\0")
worker.kill()
worker.wait()
second = pdf.as_pdf("<p>Twee</p>")
print(first.startswith(b"%PDF"), second.startswith(b"%PDF"), pdf._worker.process.pid != worker.pid,
      any(v.startswith(b"WEGWIJS_") for v in environ))
"""


def _run(program: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,  # a broken hub hangs the process: that fails too
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Cannot switch" not in done.stderr
    return done.stdout.split()


def test_pdfs_are_made_while_greenthreads_log_and_the_hub_keeps_working():
    assert _run(BUSY_PROCESS) == ["True", "hub"]


def test_a_worker_that_went_is_replaced_and_no_worker_holds_the_services_settings():
    assert _run(WORKER_GONE) == ["True", "True", "True", "False"]
