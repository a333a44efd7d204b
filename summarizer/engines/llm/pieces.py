"""What one model call works on and what it cost: the article piece, the answers' tally."""

from __future__ import annotations

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
