"""A document's PDF is made in a real thread beside the process's greenthreads (CI: the gateway
broke for good, "Cannot switch to a different thread", when WeasyPrint logged from its thread
while a greenthread held logging's lock; every page after that failed)."""

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


def test_pdfs_are_made_while_greenthreads_log_and_the_hub_keeps_working():
    done = subprocess.run(
        [sys.executable, "-c", BUSY_PROCESS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,  # a broken hub hangs the process: that fails too
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Cannot switch" not in done.stderr
    assert done.stdout.split() == ["True", "hub"]
