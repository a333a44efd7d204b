"""What one model call works on and what it cost: the article piece, the answers' tally."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from summarizer.engines.llm.convert import Parts
from summarizer.schema import Usage


@dataclass
class Tally:
    """What one piece's model calls cost, counted from every raw response."""

    usage: Usage = field(default_factory=Usage)
    responses: list[Any] = field(default_factory=list)

    def record(self, response: Any) -> None:
        self.responses.append(response)
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.usage = self.usage + Usage(
                prompt_tokens=usage.prompt_tokens or 0,
                completion_tokens=usage.completion_tokens or 0,
                total_tokens=usage.total_tokens or 0,
            )


@dataclass
class Piece:
    """The text one model call briefs: ``article[start:start + len(text)]``, part ``number``."""

    text: str
    start: int
    number: int
    count: int


@dataclass
class PieceResult:
    parts: Parts
    tally: Tally
    warnings: list[str]


def progress_for(
    piece: Piece, listener: Callable[[int], None] | None, log: logging.Logger
) -> Callable[[int, float], None] | None:
    """What hears ``piece``'s answer tokens arriving: ``log`` at debug level (``-v``) and
    ``listener`` (told how many new tokens came), if either wants to; None otherwise."""
    verbose = log.isEnabledFor(logging.DEBUG)
    if not verbose and listener is None:
        return None
    part = f"part {piece.number}/{piece.count}: " if piece.count > 1 else ""
    heard = 0

    def progress(tokens: int, seconds: float) -> None:
        nonlocal heard
        if listener is not None and tokens > heard:
            listener(tokens - heard)
        heard = max(heard, tokens)
        if verbose:
            rate = tokens / seconds if seconds > 0 else 0.0
            log.debug("%s%d tokens in %.1fs (%.1f tokens/s)", part, tokens, seconds, rate)

    return progress
