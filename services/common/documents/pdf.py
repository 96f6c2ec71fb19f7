"""A document's PDF, made from its stored HTML with WeasyPrint (BSD), so the PDF says what the
issued HTML says. WeasyPrint works in C (Pango) for a while: it runs in a real thread, so the
process's eventlet hub keeps serving meanwhile."""

from __future__ import annotations


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported on first use: a process that never prints pays nothing

    return HTML(string=html).write_pdf()


def as_pdf(html: str) -> bytes:
    """The PDF of `html` (A4, as the template's print styles say)."""
    from eventlet import tpool

    return tpool.execute(_pdf, html)
