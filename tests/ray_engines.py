"""Engines for the Ray executor's tests, importable by Ray's worker processes (the test
cluster runs with ``tests/`` on its PYTHONPATH).

``CrashEngine`` is the fake engine, except that it ends its own process (as a worker
killed by the system would end) on an article holding ``CRASH-ALWAYS``, or holding
``CRASH-ONCE:<path>`` the first time (it creates ``<path>`` then).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from fakes import FakeEngine

from summarizer.schema import ArticleBrief


class CrashEngine(FakeEngine):
    async def abrief(self, text: str) -> ArticleBrief:
        once = re.search(r"CRASH-ONCE:(\S+)", text)
        if once and not Path(once.group(1)).exists():
            Path(once.group(1)).touch()
            os._exit(1)
        if "CRASH-ALWAYS" in text:
            os._exit(1)
        return await super().abrief(text)
