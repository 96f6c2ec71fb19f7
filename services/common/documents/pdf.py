"""A document's PDF, made from its stored HTML with WeasyPrint (BSD), so the PDF says what the
issued HTML says. WeasyPrint works in C (Pango) for a while: it runs in a real thread, so the
process's eventlet hub keeps serving meanwhile.

That thread must not touch anything of eventlet's: the process's locks are green (monkey
patching), and a real thread that waits on one while a greenthread holds it breaks the hub
("Cannot switch to a different thread"). Python's logging takes such a lock for every record, so
WeasyPrint and the fontTools it uses are imported here, in the greenthread, and their loggers
switched off before the thread starts. The process's first PDF is made in the greenthread
itself, so the modules WeasyPrint loads on the way (and their loggers) are there before any
thread needs them."""

from __future__ import annotations

import logging

QUIET = ("weasyprint", "fontTools")
_made: list[bool] = []  # whether this process made a PDF before


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def _prepare() -> None:
    """Import what the thread runs and silence its loggers (first use only costs time)."""
    import fontTools.subset  # noqa: F401 - WeasyPrint subsets the fonts it embeds
    import weasyprint  # noqa: F401 - imported on first use: a process that never prints pays nothing

    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.split(".")[0] in QUIET:
            logger.disabled = True


def as_pdf(html: str) -> bytes:
    """The PDF of `html` (A4, as the template's print styles say)."""
    from eventlet import tpool

    _prepare()
    if not _made:
        pdf = _pdf(html)
        _prepare()  # the loggers of what the first PDF loaded
        _made.append(True)
        return pdf
    return tpool.execute(_pdf, html)
