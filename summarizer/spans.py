"""One type for a stretch of the article: ``CharInterval``, used everywhere offsets are.

Offsets are Python ``str`` indexes into the exact article text, start inclusive,
end exclusive, so ``text[interval.start:interval.end]`` is the stretch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True, slots=True)
class CharInterval:
    """``[start, end)`` in the article; ordered by start, then end, like a tuple."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad interval [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: CharInterval) -> bool:
        """True when the two share at least one character."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: CharInterval) -> bool:
        return self.start <= other.start and other.end <= self.end

    def shifted(self, offset: int) -> CharInterval:
        return CharInterval(self.start + offset, self.end + offset)

    def of(self, text: str) -> str:
        """The stretch of ``text`` this interval covers."""
        return text[self.start : self.end]

    def holds(self, text: str, quote: str) -> bool:
        """The grounding check: ``text[start:end] == quote``."""
        return self.of(text) == quote

    def distance(self, other: CharInterval) -> int:
        """Characters between the two; 0 when they touch or overlap."""
        return max(0, other.start - self.end, self.start - other.end)

    def lines(self, text: str) -> tuple[CharInterval, ...]:
        """This stretch of ``text`` cut at line breaks, each piece without the blanks
        around it; itself when nothing but blanks is in it."""
        pieces = []
        start = self.start
        for line in self.of(text).split("\n"):
            stripped = line.strip()
            if stripped:
                begin = start + line.index(stripped)
                pieces.append(CharInterval(begin, begin + len(stripped)))
            start += len(line) + 1
        return tuple(pieces) or (self,)


def any_overlap(left: list[CharInterval], right: list[CharInterval]) -> bool:
    """True when some interval of ``left`` overlaps some interval of ``right``."""
    return any(a.overlaps(b) for a in left for b in right)
