"""The arithmetic of matching: local alignment of word tokens, and sharing out occurrences."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Local alignment scores: a matched word outweighs one inserted or missing word.
_MATCH, _MISMATCH, _GAP = 2, -1, -1


def nearest(spans: list[tuple[int, int]], near: int | None) -> tuple[int, int]:
    """The first span, or the one starting nearest to ``near`` (earlier wins a tie)."""
    if near is None:
        return spans[0]
    return min(spans, key=lambda sp: (abs(sp[0] - near), sp[0]))


def distinct(hints: list[int], starts: list[int]) -> list[int]:
    """Occurrence index for each hint (both ascending), all different
    (``len(hints) <= len(starts)``), minimising the total hint-to-start distance.

    On a line an optimal assignment never crosses, so this is a DP over
    (hints used, occurrences used); ties go to earlier occurrences.
    """
    n, m = len(hints), len(starts)
    inf = math.inf
    # best[i][j]: least cost of giving the first i hints distinct occurrences < j.
    best = [[0.0] * (m + 1)] + [[inf] * (m + 1) for _ in range(n)]
    for i in range(1, n + 1):
        row, above = best[i], best[i - 1]
        for j in range(i, m + 1):
            row[j] = min(row[j - 1], above[j - 1] + abs(hints[i - 1] - starts[j - 1]))
    chosen = [0] * n
    i, j = n, m
    while i > 0:
        if best[i][j - 1] == best[i][j]:  # occurrence j-1 not needed: prefer earlier ones
            j -= 1
        else:
            chosen[i - 1] = j - 1
            i, j = i - 1, j - 1
    return chosen


def covering(hints: list[int], starts: list[int]) -> list[int]:
    """Occurrence index for each hint (both ascending) when there are more hints
    than occurrences: every occurrence is used, the extra hints share, and the
    total hint-to-start distance is least (a non-crossing assignment)."""
    n, m = len(hints), len(starts)
    inf = math.inf
    # best[i][j]: least cost with hint i-1 on occurrence j-1, occurrences < j all used.
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, min(i, m) + 1):
            before = min(best[i - 1][j - 1], best[i - 1][j])
            best[i][j] = before + abs(hints[i - 1] - starts[j - 1])
    chosen = [0] * n
    j = m
    for i in range(n, 0, -1):
        chosen[i - 1] = j - 1
        if i > 1 and best[i - 1][j - 1] <= best[i - 1][j]:
            j -= 1
    return chosen


@dataclass(frozen=True)
class _Alignment:
    matched: int
    first: int  # index of the first matched token in the aligned window
    last: int  # index of the last matched token in the aligned window


def local_alignment(window: list[str], quote: list[str]) -> _Alignment | None:
    """Best local alignment (Smith-Waterman) of quote tokens inside window tokens."""
    cols = len(quote) + 1
    score = [[0] * cols for _ in range(len(window) + 1)]
    best, best_at = 0, (0, 0)
    for i in range(1, len(window) + 1):
        row, above, word = score[i], score[i - 1], window[i - 1]
        for j in range(1, cols):
            diagonal = above[j - 1] + (_MATCH if word == quote[j - 1] else _MISMATCH)
            cell = max(0, diagonal, above[j] + _GAP, row[j - 1] + _GAP)
            row[j] = cell
            if cell > best:
                best, best_at = cell, (i, j)
    if best == 0:
        return None
    return _trace_back(score, window, quote, best_at)


def _trace_back(
    score: list[list[int]], window: list[str], quote: list[str], at: tuple[int, int]
) -> _Alignment:
    i, j = at
    matched_rows: list[int] = []
    while i > 0 and j > 0 and score[i][j] > 0:
        same = window[i - 1] == quote[j - 1]
        if score[i][j] == score[i - 1][j - 1] + (_MATCH if same else _MISMATCH):
            if same:
                matched_rows.append(i - 1)
            i, j = i - 1, j - 1
        elif score[i][j] == score[i - 1][j] + _GAP:
            i -= 1
        else:
            j -= 1
    return _Alignment(len(matched_rows), min(matched_rows), max(matched_rows))
