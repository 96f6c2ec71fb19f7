"""A document's PDF, made from its stored HTML with WeasyPrint (BSD), so the PDF says what the
issued HTML says.

WeasyPrint lays a page out in Python and draws it in C (Pango), for a while. It runs in a worker
process of its own (this module, run as `python -m services.common.documents.pdf`), started on
the first PDF and kept, so the service's eventlet hub serves on meanwhile. Two reasons not to use
a thread of the service's own process:
- a real thread runs Python only when the hub lets go of the interpreter's lock, and a busy hub
  lets go of it for microseconds at a time: beside four greenthreads that log, one PDF took 30
  to 50 seconds on the CI machine, against 0.2 seconds alone;
- the process's locks are green (monkey patching), and a real thread that waits on one while a
  greenthread holds it breaks the hub ("Cannot switch to a different thread"): logging takes
  such a lock for every record.

The worker reads one HTML document at a time from its standard input and writes the PDF back
(each as a status byte, a length of four bytes and the bytes). A greenthread waits on the pipe.
One PDF at a time per process; a worker that dies or takes longer than PDF_SECONDS is replaced
by a new one for the next PDF. The worker gets no secret of the service: only the environment
it needs to find Python, fonts and a place for caches."""

from __future__ import annotations

import logging
import os
import struct
import sys
from typing import IO, Any

log = logging.getLogger(__name__)

PDF_SECONDS = 60.0
QUIET = ("weasyprint", "fontTools")
# What of the service's environment the worker gets: nothing of Wegwijs's own settings.
PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")
PASSED_ON_PREFIXES = ("XDG_", "FONTCONFIG_")
_LENGTH = struct.Struct(">I")
OK, FAILED = b"0", b"1"


class PdfFailed(RuntimeError):
    """The worker could not make the PDF (it says why), or did not answer."""


# the service's side ------------------------------------------------------------------------------
class _Worker:
    def __init__(self) -> None:
        from eventlet.semaphore import Semaphore

        self.turn = Semaphore()
        self.process: Any = None

    def _started(self) -> Any:
        if self.process is None or self.process.poll() is not None:
            from eventlet.green import subprocess

            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=worker_env(os.environ),
            )
        return self.process

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def pdf(self, html: str) -> bytes:
        import eventlet

        with self.turn:
            process = self._started()
            try:
                with eventlet.Timeout(PDF_SECONDS):
                    _send(process.stdin, OK, html.encode())
                    status, body = _receive(process.stdout)
            except BaseException as exc:
                self.stop()  # half a conversation: the next PDF gets a new worker
                if isinstance(exc, eventlet.Timeout):
                    raise PdfFailed(f"no PDF within {PDF_SECONDS:.0f} s") from None
                if isinstance(exc, (OSError, EOFError)):
                    raise PdfFailed(f"the PDF worker went: {exc!r}") from None
                raise
        if status != OK:
            raise PdfFailed(body.decode(errors="replace"))
        return body


_worker: _Worker | None = None


def as_pdf(html: str) -> bytes:
    """The PDF of `html` (A4, as the template's print styles say); raises PdfFailed."""
    global _worker
    if _worker is None:
        _worker = _Worker()
    return _worker.pdf(html)


def worker_env(env: dict[str, str] | os._Environ[str]) -> dict[str, str]:
    """The worker's environment: what it needs of `env`, and no setting or secret."""
    return {
        name: value
        for name, value in env.items()
        if name in PASSED_ON or name.startswith(PASSED_ON_PREFIXES)
    }


# the wire ------------------------------------------------------------------------------------
def _send(stream: IO[bytes], status: bytes, body: bytes) -> None:
    stream.write(status + _LENGTH.pack(len(body)) + body)
    stream.flush()


def _exactly(stream: IO[bytes], size: int) -> bytes:
    found = b""
    while len(found) < size:
        part = stream.read(size - len(found))
        if not part:
            raise EOFError("the other side closed the pipe")
        found += part
    return found


def _receive(stream: IO[bytes]) -> tuple[bytes, bytes]:
    status = _exactly(stream, 1)
    (size,) = _LENGTH.unpack(_exactly(stream, _LENGTH.size))
    return status, _exactly(stream, size) if size else b""


# the worker's side ---------------------------------------------------------------------------
def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """Answer HTML documents with their PDFs until the service closes the pipe."""
    for name in QUIET:  # their warnings about a style they do not know: errors only
        logging.getLogger(name).setLevel(logging.ERROR)
    while True:
        try:
            _, body = _receive(requests)
        except EOFError:
            return
        try:
            _send(answers, OK, _pdf(body.decode()))
        except Exception as exc:  # noqa: BLE001 - the service is told, and asks again
            # The kind only: a message may quote the document, which holds personal data.
            _send(answers, FAILED, f"WeasyPrint failed ({type(exc).__name__})".encode())


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
