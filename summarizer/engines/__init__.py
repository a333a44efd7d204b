"""Engines turn article text into an ``ArticleBrief``. They share one small interface."""

from __future__ import annotations

from typing import Protocol

from summarizer.schema import ArticleBrief


class Engine(Protocol):
    """What every engine offers. ``text`` is the exact article; offsets index into it."""

    name: str

    def brief(self, text: str) -> ArticleBrief: ...

    async def abrief(self, text: str) -> ArticleBrief: ...
