"""``Grounder``: finds quotes in one article (see the package docstring for the steps)."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from summarizer.grounding.align import covering, distinct, local_alignment, nearest
from summarizer.grounding.normal import (
    EDGE_JUNK,
    ELLIPSIS,
    WORD,
    normalize,
    normalize_with_index,
    occurrences,
    on_word_boundaries,
    on_word_boundaries_unicode,
    quote_words,
    splits_a_character,
    word_spans,
)
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

_METHOD_RANK: dict[Method, int] = {"exact": 0, "normalized": 1, "fuzzy": 2}


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


@dataclass(frozen=True)
class QuoteRequest:
    """One quote to ground with ``Grounder.assign``; ``near`` is an article offset
    where the quote is expected (e.g. the start of the item's other evidence)."""

    quote: str
    near: int | None = None


class Grounder:
    """Finds quotes in one article. Build once per article, then call ``find`` often."""

    def __init__(self, article: str) -> None:
        self.article = article
        self._norm, self._norm_origin, self._norm_end = normalize_with_index(article)
        # Plain: every normalised char is one article char (no NFKC change, no
        # invisible, no combining mark), so the fast ASCII-era code paths apply.
        self._plain = self._norm_end is None
        if self._norm_end is None:
            tokens = list(WORD.finditer(article))
            self._token_keys = [m.group().lower() for m in tokens]
            self._token_spans = [m.span() for m in tokens]
        else:
            origin, ends, norm = self._norm_origin, self._norm_end, self._norm
            spans = word_spans(norm)
            self._token_keys = [norm[s:e] for s, e in spans]
            self._token_spans = [(origin[s], ends[e - 1]) for s, e in spans]
        self._token_starts = [s for s, _ in self._token_spans]
        self._positions: dict[str, list[int]] = defaultdict(list)
        for k, key in enumerate(self._token_keys):
            self._positions[key].append(k)

    # ------------------------------------------------------------------ public

    def find(self, quote: str, near: int | None = None) -> Match | None:
        """Locate ``quote``; ``near`` (an article offset) chooses among repeats."""
        return self._find(quote, near, 0)

    def find_all(self, quote: str) -> list[Match]:
        """Every occurrence of ``quote``, in text order, by the first step that
        finds any; ``find(quote)`` is the first of them (for fuzzy matches, the
        best-scoring one). Of fuzzy matches that overlap only the better one is
        kept; exact and normalized ones may overlap ("ha ha" in "ha ha ha")."""
        quote = quote.strip()
        if not quote:
            return []
        plain = self._plain_spans(quote, 0)
        if plain is not None:
            spans, method = plain
            return [Match(s, e, method, 1.0) for s, e in spans]
        elided: list[Match] = []
        lo = 0
        while (match := self._elided(quote, None, lo)) is not None:
            elided.append(match)
            lo = match.end
        if elided:
            return elided
        kept: list[Match] = []
        for match in sorted(self._fuzzy_matches(quote, 0), key=lambda m: (-m.score, m.start)):
            if all(match.end <= k.start or k.end <= match.start for k in kept):
                kept.append(match)
        return sorted(kept, key=lambda m: m.start)

    def assign(self, requests: list[QuoteRequest]) -> list[Match | None]:
        """Ground several quotes together: one Match (or None) per request, in order.

        Requests whose quotes have the same occurrences (the same words, quoted by
        two items) share those occurrences out: while they last, each request gets
        a different one, the requests with a ``near`` hint first, so that the total
        distance from hints to occurrence starts is least (hints keep their text
        order; ties go to earlier occurrences); requests without a hint then take
        the remaining occurrences in text order. When requests outnumber the
        occurrences, every occurrence is still used and the extra requests share
        the one nearest their hint (or the first, without a hint) -- never None
        for a quote that is found. A request whose quote has no fellow behaves
        exactly as ``find(quote, near)``.
        """
        found: dict[str, list[Match]] = {}
        groups: dict[tuple[tuple[int, int], ...], list[int]] = defaultdict(list)
        for k, request in enumerate(requests):
            quote = request.quote.strip()
            if quote not in found:
                found[quote] = self.find_all(quote)
            if found[quote]:
                groups[tuple((m.start, m.end) for m in found[quote])].append(k)
        result: list[Match | None] = [None] * len(requests)
        for members in groups.values():
            if len(members) == 1:
                only = requests[members[0]]
                result[members[0]] = self.find(only.quote, only.near)
                continue
            choice = self._share_out(
                [requests[k].near for k in members],
                [m.start for m in found[requests[members[0]].quote.strip()]],
            )
            for k, index in zip(members, choice, strict=True):
                result[k] = found[requests[k].quote.strip()][index]
        return result

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

    # ------------------------------------------------------------------ assignment

    @staticmethod
    def _share_out(nears: list[int | None], starts: list[int]) -> list[int]:
        """Occurrence index (into ``starts``, ascending) for each of ``nears``."""
        choice = [0] * len(nears)
        hinted = sorted(
            (k for k, near in enumerate(nears) if near is not None),
            key=lambda k: (nears[k], k),
        )
        hints = [near for k in hinted if (near := nears[k]) is not None]
        if hints:
            share = distinct if len(hints) <= len(starts) else covering
            for k, index in zip(hinted, share(hints, starts), strict=True):
                choice[k] = index
        used = {choice[k] for k in hinted}
        free = iter([i for i in range(len(starts)) if i not in used])
        for k, near in enumerate(nears):
            if near is None:
                choice[k] = next(free, 0)
        return choice

    # ------------------------------------------------------------------ steps

    def _find(self, quote: str, near: int | None, lo: int) -> Match | None:
        quote = quote.strip()
        if not quote:
            return None
        plain = self._plain_spans(quote, lo)
        if plain is not None:
            spans, method = plain
            return Match(*nearest(spans, near), method, 1.0)
        return self._elided(quote, near, lo) or self._fuzzy(quote, near, lo)

    def _keep(self, spans: list[tuple[int, int]], whole_words: bool) -> list[tuple[int, int]]:
        """The spans that cut no combining sequence (and lie on word boundaries)."""
        text = self.article
        if self._plain:
            if whole_words:
                spans = [sp for sp in spans if on_word_boundaries(text, *sp)]
            return spans
        spans = [sp for sp in spans if not splits_a_character(text, *sp)]
        if whole_words:
            spans = [sp for sp in spans if on_word_boundaries_unicode(text, *sp)]
        return spans

    def _plain_spans(self, quote: str, lo: int) -> tuple[list[tuple[int, int]], Method] | None:
        """Spans of the first of: exact and normalized on word boundaries, then
        exact and normalized anywhere, that finds any (at or after ``lo``)."""
        exact = [(s, s + len(quote)) for s in occurrences(self.article, quote, lo)]
        needles: list[str] | None = None
        normalized: dict[str, list[tuple[int, int]]] = {}
        for whole_words in (True, False):
            spans = self._keep(exact, whole_words)
            if spans:
                return spans, "exact"
            if needles is None:
                needle = normalize(quote).strip()
                needles = list(dict.fromkeys([needle, needle.strip(EDGE_JUNK)]))
            for needle in needles:
                if needle not in normalized:
                    normalized[needle] = self._normalized_spans(needle, lo)
                spans = self._keep(normalized[needle], whole_words)
                if spans:
                    return spans, "normalized"
        return None

    def _normalized_spans(self, needle: str, lo: int) -> list[tuple[int, int]]:
        """Article spans whose normalised text is ``needle``, starting at or after ``lo``."""
        if not needle:
            return []
        origin, ends = self._norm_origin, self._norm_end
        found = occurrences(self._norm, needle, bisect_left(origin, lo))
        last = len(needle) - 1
        if ends is None:
            return [(origin[s], origin[s + last] + 1) for s in found]
        return [(origin[s], ends[s + last]) for s in found]

    def _elided(self, quote: str, near: int | None, lo: int) -> Match | None:
        parts = [p for p in ELLIPSIS.split(quote) if p.strip(EDGE_JUNK)]
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
        matches = self._fuzzy_matches(quote, lo)
        if not matches:
            return None
        return min(
            matches,
            key=lambda m: (-m.score, 0 if near is None else abs(m.start - near), m.start),
        )

    def _fuzzy_matches(self, quote: str, lo: int) -> list[Match]:
        """Accepted alignments of the quote's words around the likeliest regions."""
        words = quote_words(quote)
        if len(words) < MIN_FUZZY_TOKENS:
            return []
        first_token = bisect_left(self._token_starts, lo)
        return [
            match
            for window_start in self._candidate_windows(words, first_token)
            if (match := self._align_window(words, window_start)) is not None
        ]

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
        aligned = local_alignment(window, words)
        if aligned is None:
            return None
        span_tokens = aligned.last - aligned.first + 1
        coverage = aligned.matched / len(words)
        density = aligned.matched / span_tokens
        if coverage < MIN_COVERAGE or density < MIN_DENSITY:
            return None
        score = 2 * aligned.matched / (len(words) + span_tokens)
        return Match(spans[aligned.first][0], spans[aligned.last][1], "fuzzy", score)
