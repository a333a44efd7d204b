"""Locate the model's quotes in the article, so evidence offsets come from code.

``Grounder(article).find(quote)`` tries, in order:

1. **exact**: the quote (whitespace-stripped) as a substring of the article;
2. **normalized**: both sides case-folded, whitespace runs collapsed, curly and
   angled quotes made straight, dashes made "-" (spaces around them and repeats
   dropped: "a — b" == "a--b" == "a-b"), "…" made "..."; then again with
   the quote's leading/trailing quote marks and punctuation stripped. An index
   array maps every normalised character back to its original offset;
3. **elided**: a quote with "..." / "…" is split at the ellipsis and its parts are
   found in order (each by steps 1, 2, 4), close to each other; the match runs
   from the first part's start to the last part's end and is reported as
   "normalized" (or "fuzzy" if a part was fuzzy), never "exact";
4. **fuzzy**: word tokens of the quote aligned to the article (local alignment,
   in the spirit of google/langextract's resolver), accepted only when enough of
   the quote matches (``MIN_COVERAGE``) and the matched article span is not mostly
   other words (``MIN_DENSITY``).

Steps 1 and 2 first look only for matches on word boundaries, then (failing
that) inside words too, so "he said" finds "He said" before "she said". Among
several occurrences the first wins, or the one nearest to ``near`` when given.
Fuzzy and elided matches cost more, so they run only when 1 and 2 find nothing.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from summarizer.schema import Evidence
from summarizer.spans import CharInterval

Method = Literal["exact", "normalized", "fuzzy"]

#: Fraction of the quote's word tokens that must be matched in the article.
MIN_COVERAGE = 0.75
#: Matched tokens / tokens in the matched article span. Below this the quote's
#: words are scattered over unrelated text.
MIN_DENSITY = 0.6
#: Quotes with fewer word tokens are too ambiguous to match fuzzily.
MIN_FUZZY_TOKENS = 3
#: How many candidate article regions the fuzzy step aligns per quote.
MAX_FUZZY_CANDIDATES = 4
#: Largest gap (characters) allowed between consecutive parts of an elided quote.
MAX_ELISION_GAP = 600
#: How many occurrences of an elided quote's first part are tried.
MAX_ELISION_RETRIES = 5

# Local alignment scores: a matched word outweighs one inserted or missing word.
_MATCH, _MISMATCH, _GAP = 2, -1, -1

_METHOD_RANK: dict[Method, int] = {"exact": 0, "normalized": 1, "fuzzy": 2}

_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u00b4": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"',
        "\u00bb": '"', "\u2033": '"', "\u2039": '"', "\u203a": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u00a0": " ",
    }
)  # fmt: skip
# Runs the normalised text shortens: whitespace, dashes with the spaces around them
# ("a — b", "a--b" and "a-b" all become "a-b"), and the ellipsis character.
# Lone spaces are not matched (they stay as they are), which keeps this fast.
_STRETCHES = re.compile(r"(?:\s*-)+\s*|\s{2,}|[^\S ]|\u2026")
_EDGE_JUNK = "\"'.,;:!?-()[]{}*\u2026 \t\r\n"
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\s*){3}\]|\.{3,}|\u2026|\. \. \.)\s*")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Match:
    """Where a quote was found: ``article[start:end]`` is the evidence."""

    start: int
    end: int
    method: Method
    score: float  # 1.0 for exact and normalized matches; Dice ratio of tokens for fuzzy

    @property
    def interval(self) -> CharInterval:
        return CharInterval(self.start, self.end)


def normalize(text: str) -> str:
    """The normalised form of ``text`` that the normalized match compares."""
    return _normalize_with_index(text)[0]


def _lower_one_to_one(text: str) -> tuple[str, list[int]]:
    """Lower-case ``text`` and give, for each result char, the index it came from."""
    lowered = text.lower()
    if len(lowered) == len(text):  # lower() only ever grows a char, so this is 1:1
        return lowered, list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        low = ch.lower()
        chars.append(low)
        origin.extend([i] * len(low))
    return "".join(chars), origin


def _replacement(stretch: re.Match[str]) -> tuple[str, int]:
    """What a stretch becomes, and the index (in the lowered text) it maps back to."""
    text = stretch.group()
    if text == "\u2026":
        return "...", stretch.start()
    if "-" in text:
        return "-", stretch.start() + text.index("-")
    return " ", stretch.start()


def _normalize_with_index(text: str) -> tuple[str, list[int]]:
    """Normalise ``text``; ``origin[k]`` is the original index of normalised char k."""
    lowered, origin = _lower_one_to_one(text.translate(_CHAR_MAP))
    pieces: list[str] = []
    index: list[int] = []
    last = 0
    for m in _STRETCHES.finditer(lowered):
        pieces.append(lowered[last : m.start()])
        index.extend(origin[last : m.start()])
        replacement, at = _replacement(m)
        pieces.append(replacement)
        index.extend([origin[at]] * len(replacement))
        last = m.end()
    pieces.append(lowered[last:])
    index.extend(origin[last:])
    return "".join(pieces), index


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    before = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    after = end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    return before and after


def _occurrences(haystack: str, needle: str, lo: int) -> list[int]:
    found: list[int] = []
    at = haystack.find(needle, lo)
    while at != -1:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def _pick(starts: list[int], near: int | None) -> int:
    """The first start, or the one nearest to ``near`` (earlier wins a tie)."""
    if near is None:
        return starts[0]
    return min(starts, key=lambda s: (abs(s - near), s))


@dataclass(frozen=True)
class _Alignment:
    matched: int
    first: int  # index of the first matched token in the aligned window
    last: int  # index of the last matched token in the aligned window


def _local_alignment(window: list[str], quote: list[str]) -> _Alignment | None:
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


class Grounder:
    """Finds quotes in one article. Build once per article, then call ``find`` often."""

    def __init__(self, article: str) -> None:
        self.article = article
        self._norm, self._norm_origin = _normalize_with_index(article)
        self._token_spans: list[tuple[int, int]] = []
        self._token_starts: list[int] = []
        self._token_keys: list[str] = []
        self._positions: dict[str, list[int]] = defaultdict(list)
        for m in _WORD.finditer(article):
            key = m.group().lower()
            self._positions[key].append(len(self._token_spans))
            self._token_keys.append(key)
            self._token_spans.append(m.span())
            self._token_starts.append(m.start())

    # ------------------------------------------------------------------ public

    def find(self, quote: str, near: int | None = None) -> Match | None:
        """Locate ``quote``; ``near`` (an article offset) chooses among repeats."""
        return self._find(quote, near, 0)

    def evidence(self, quote: str, near: int | None = None) -> Evidence | None:
        """The article span ``quote`` was found at, as Evidence, or None."""
        match = self.find(quote, near)
        return None if match is None else self.evidence_at(match.interval)

    def evidence_at(self, interval: CharInterval) -> Evidence:
        """Evidence for ``interval`` of the article; ValueError when out of range or empty."""
        if not 0 <= interval.start < interval.end <= len(self.article):
            raise ValueError(
                f"span [{interval.start}, {interval.end}) is empty or outside the article "
                f"(length {len(self.article)})"
            )
        return Evidence.at(self.article, interval)

    # ------------------------------------------------------------------ steps

    def _find(self, quote: str, near: int | None, lo: int) -> Match | None:
        quote = quote.strip()
        if not quote:
            return None
        return (
            self._exact(quote, near, lo, whole_words=True)
            or self._normalized(quote, near, lo, whole_words=True)
            or self._exact(quote, near, lo, whole_words=False)
            or self._normalized(quote, near, lo, whole_words=False)
            or self._elided(quote, near, lo)
            or self._fuzzy(quote, near, lo)
        )

    def _choose(
        self, spans: list[tuple[int, int]], near: int | None, whole_words: bool
    ) -> tuple[int, int] | None:
        if whole_words:
            spans = [sp for sp in spans if _on_word_boundaries(self.article, *sp)]
        if not spans:
            return None
        start = _pick([s for s, _ in spans], near)
        return next(sp for sp in spans if sp[0] == start)

    def _exact(self, quote: str, near: int | None, lo: int, whole_words: bool) -> Match | None:
        spans = [(s, s + len(quote)) for s in _occurrences(self.article, quote, lo)]
        chosen = self._choose(spans, near, whole_words)
        return None if chosen is None else Match(*chosen, "exact", 1.0)

    def _normalized(self, quote: str, near: int | None, lo: int, whole_words: bool) -> Match | None:
        needle = normalize(quote).strip()
        trimmed = needle.strip(_EDGE_JUNK)
        for candidate in dict.fromkeys([needle, trimmed]):
            chosen = self._choose(self._normalized_spans(candidate, lo), near, whole_words)
            if chosen is not None:
                return Match(*chosen, "normalized", 1.0)
        return None

    def _normalized_spans(self, needle: str, lo: int) -> list[tuple[int, int]]:
        """Article spans whose normalised text is ``needle``, starting at or after ``lo``."""
        if not needle:
            return []
        origin = self._norm_origin
        return [
            (origin[s], origin[s + len(needle) - 1] + 1)
            for s in _occurrences(self._norm, needle, bisect_left(origin, lo))
        ]

    def _elided(self, quote: str, near: int | None, lo: int) -> Match | None:
        parts = [p for p in _ELLIPSIS.split(quote) if p.strip(_EDGE_JUNK)]
        if len(parts) < 2:
            return None
        found = None
        for _attempt in range(MAX_ELISION_RETRIES):
            first = self._find(parts[0], near, lo)
            if first is None:
                return None
            found = self._rest_in_order(first, parts[1:])
            if found is not None:
                break
            lo = first.start + 1
        if found is None:
            return None
        # The span holds text the quote left out, so it is never an "exact" match.
        method = max((m.method for m in found), key=_METHOD_RANK.__getitem__)
        if method == "exact":
            method = "normalized"
        score = min(m.score for m in found)
        return Match(found[0].start, found[-1].end, method, score)

    def _rest_in_order(self, first: Match, parts: list[str]) -> list[Match] | None:
        """``first`` followed by each part, in order, each close after the previous."""
        found = [first]
        for part in parts:
            at = self._find(part, None, found[-1].end)
            if at is None or at.start - found[-1].end > MAX_ELISION_GAP:
                return None
            found.append(at)
        return found

    def _fuzzy(self, quote: str, near: int | None, lo: int) -> Match | None:
        words = [w.lower() for w in _WORD.findall(quote)]
        if len(words) < MIN_FUZZY_TOKENS:
            return None
        first_token = bisect_left(self._token_starts, lo)
        matches = [
            match
            for window_start in self._candidate_windows(words, first_token)
            if (match := self._align_window(words, window_start)) is not None
        ]
        if not matches:
            return None
        return min(
            matches,
            key=lambda m: (-m.score, 0 if near is None else abs(m.start - near), m.start),
        )

    # ------------------------------------------------------------------ fuzzy helpers

    def _band_width(self, n_words: int) -> int:
        # In an accepted alignment the diagonals (article index - quote index) of
        # matched tokens differ by at most span - matched <= n * (1/density - 1).
        return math.ceil(n_words * (1 / MIN_DENSITY - 1)) + 1

    def _candidate_windows(self, words: list[str], first_token: int) -> list[int]:
        """Diagonals (article token index - quote token index) worth aligning around."""
        diagonals = sorted(
            p - j
            for j, word in enumerate(words)
            for p in self._positions.get(word, ())
            if p >= first_token
        )
        needed = math.ceil(MIN_COVERAGE * len(words))
        width = self._band_width(len(words))
        counts: list[tuple[int, int]] = []
        right = 0
        for left, d in enumerate(diagonals):
            while right < len(diagonals) and diagonals[right] <= d + width:
                right += 1
            if right - left >= needed:
                counts.append((right - left, d))
        chosen: list[int] = []
        for _count, d in sorted(counts, key=lambda c: (-c[0], c[1])):
            if all(abs(d - other) > width for other in chosen):
                chosen.append(d)
            if len(chosen) == MAX_FUZZY_CANDIDATES:
                break
        return [max(first_token, d) for d in chosen]

    def _align_window(self, words: list[str], window_start: int) -> Match | None:
        stop = window_start + self._band_width(len(words)) + len(words) + 1
        spans = self._token_spans[window_start:stop]
        window = self._token_keys[window_start:stop]
        aligned = _local_alignment(window, words)
        if aligned is None:
            return None
        span_tokens = aligned.last - aligned.first + 1
        coverage = aligned.matched / len(words)
        density = aligned.matched / span_tokens
        if coverage < MIN_COVERAGE or density < MIN_DENSITY:
            return None
        score = 2 * aligned.matched / (len(words) + span_tokens)
        return Match(spans[aligned.first][0], spans[aligned.last][1], "fuzzy", score)
