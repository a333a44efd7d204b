"""Headless Chromium for the HTML tests: Debian's ``chromium`` driven by ``playwright``
(no ``playwright install``). Missing pieces skip, or fail under SUMMARIZER_REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

from optional_deps import unavailable

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def chromium() -> Iterator[Any]:
    """A launched headless Chromium (for a module-scoped fixture), closed after."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("BROWSER", "the playwright package is not installed (pip install playwright)")
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        unavailable("BROWSER", f"{CHROMIUM} not found (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
