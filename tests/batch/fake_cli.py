"""The ``summarizer`` command with every engine a fake, for tests that need a real process.

    PYTHONPATH=tests python tests/batch/fake_cli.py batch IN --out OUT ...

What the ``fake_engine`` fixture (tests/conftest.py) does in a test, this does in a
subprocess: every engine the command asks for is ``SlowFakeEngine``, the fake engine
taking ``FAKE_SECONDS`` (environment; default 0) per article, so that a kill can land
in the middle of a batch. With ``FAKE_ENGINE=offline`` it is ``SlowOfflineEngine``,
named offline, so that batch runs it in worker processes as it runs the real one.
"""

from __future__ import annotations

import asyncio
import os

from fakes import FakeEngine

from summarizer import engines
from summarizer.schema import ArticleBrief


class SlowFakeEngine(FakeEngine):
    async def abrief(self, text: str) -> ArticleBrief:
        await asyncio.sleep(float(os.environ.get("FAKE_SECONDS") or 0))
        return await super().abrief(text)


class SlowOfflineEngine(SlowFakeEngine):
    name = "offline"


if __name__ == "__main__":
    from summarizer.cli import main

    chosen = "SlowOfflineEngine" if os.environ.get("FAKE_ENGINE") == "offline" else "SlowFakeEngine"
    for name in engines.ENGINES:
        engines.ENGINES[name] = f"__main__:{chosen}"
    main()
