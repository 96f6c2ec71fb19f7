"""A real headless Chromium (Debian's `chromium`) driven by Playwright for Python, with axe-core
(npm) for WCAG 2.1 AA and screenshots of each page the tests visit (in .run/screenshots, not
committed)."""

from __future__ import annotations

import re
import shutil
from typing import Any

from tests.platform import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / ".run" / "screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def log_in(page: Any, werkplek_url: str, login: str, password: str = "wegwijs") -> None:
    """Open the Werkplek, log in on the provider's own page, and come back logged in."""
    page.goto(werkplek_url)
    page.get_by_label("Gebruikersnaam").fill(login)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(re.escape(werkplek_url)))


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.1 AA violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def checked(page: Any, name: str) -> None:
    """Save a screenshot of the page and assert axe-core finds nothing serious on it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert serious_violations(page) == [], name
