"""Text normalisation for matching, with maps back to the original offsets."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
#: Invisible characters the normalised text leaves out: soft hyphen, zero-width
#: space / non-joiner / joiner, word joiner, zero-width no-break space (BOM).
IGNORABLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_IGNORABLE_SET = frozenset(IGNORABLE)
_DROP_IGNORABLE = str.maketrans(dict.fromkeys(IGNORABLE))
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Runs the normalised text shortens: whitespace, dashes with the spaces around them
# ("a — b", "a--b" and "a-b" all become "a-b"), and the ellipsis character.
# Lone spaces are not matched (they stay as they are), which keeps this fast.
_STRETCHES = re.compile(r"(?:\s*-)+\s*|\s{2,}|[^\S ]|\u2026")
EDGE_JUNK = "\"'.,;:!?-()[]{}*\u2026 \t\r\n"
ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\s*){3}\]|\.{3,}|\u2026|\. \. \.)\s*")
WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    """The normalised form of ``text`` that the normalized match compares."""
    return normalize_with_index(text)[0]


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


def _continues(ch: str) -> bool:
    """True for a char that belongs to the one before it: a combining mark, or a
    Hangul vowel/final jamo (the only non-marks that compose with a predecessor)."""
    return not ch.isascii() and (unicodedata.category(ch)[0] == "M" or "\u1160" <= ch <= "\u11ff")


@lru_cache(maxsize=4096)
def _fold(piece: str) -> str:
    """NFKC of one character with its combining marks, invisibles dropped."""
    return unicodedata.normalize("NFKC", piece.translate(_DROP_IGNORABLE)).translate(_CHAR_MAP)


def _unicode_fold(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` NFKC-normalised piece by piece, without soft hyphens and zero-width
    characters, and the original ``[start, end)`` of the piece each output char
    came from. A piece is a character with the combining marks that follow it, so
    "e\u0301" (two chars) becomes "é" with the span of both."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    for region in _NON_ASCII.finditer(text):
        a, b = region.span()
        if a > last:  # the ASCII char before a non-ASCII run may carry its marks
            a -= 1
        pieces.append(text[last:a])
        starts.extend(range(last, a))
        ends.extend(range(last + 1, a + 1))
        i = a
        while i < b:
            if text[i] in _IGNORABLE_SET:
                i += 1
                continue
            j = i + 1
            while j < b and (text[j] in _IGNORABLE_SET or _continues(text[j])):
                j += 1
            while text[j - 1] in _IGNORABLE_SET:  # trailing invisibles are not the char's
                j -= 1
            folded = _fold(text[i:j])
            pieces.append(folded)
            starts.extend([i] * len(folded))
            ends.extend([j] * len(folded))
            i = j
        last = b
    pieces.append(text[last:])
    starts.extend(range(last, len(text)))
    ends.extend(range(last + 1, len(text) + 1))
    return "".join(pieces), starts, ends


def _collapse(text: str) -> tuple[str, list[int]]:
    """Lower-case ``text`` and shorten its stretches; index of each char in ``text``."""
    lowered, origin = _lower_one_to_one(text)
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


def normalize_with_index(text: str) -> tuple[str, list[int], list[int] | None]:
    """Normalise ``text``; normalised char k came from ``text[starts[k]:ends[k]]``.

    ``ends`` is None when every normalised char came from one original char
    (the ASCII fast path): then ``ends[k] == starts[k] + 1``.
    """
    translated = text.translate(_CHAR_MAP)
    if translated.isascii():
        norm, starts = _collapse(translated)
        return norm, starts, None
    folded, piece_starts, piece_ends = _unicode_fold(translated)
    norm, index = _collapse(folded)
    return norm, [piece_starts[i] for i in index], [piece_ends[i] for i in index]


def word_spans(text: str) -> list[tuple[int, int]]:
    """Word tokens of ``text``: runs of word characters and combining marks."""
    marks = "".join(sorted(ch for ch in set(text) if _continues(ch)))
    return [m.span() for m in _word_pattern(marks).finditer(text)]


@lru_cache(maxsize=256)
def _word_pattern(marks: str) -> re.Pattern[str]:
    return re.compile(f"[\\w{re.escape(marks)}]+") if marks else WORD


def quote_words(quote: str) -> list[str]:
    if quote.isascii():
        return [w.lower() for w in WORD.findall(quote)]
    norm = normalize(quote)
    return [norm[s:e] for s, e in word_spans(norm)]


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    before = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    after = end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    return before and after


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or _continues(ch)


def on_word_boundaries_unicode(text: str, start: int, end: int) -> bool:
    """Like ``on_word_boundaries``, seeing through invisibles; marks are word chars."""
    before = start - 1
    while before >= 0 and text[before] in _IGNORABLE_SET:
        before -= 1
    after = end
    while after < len(text) and text[after] in _IGNORABLE_SET:
        after += 1
    if before >= 0 and _is_word_char(text[before]) and _is_word_char(text[start]):
        return False
    return not (after < len(text) and _is_word_char(text[end - 1]) and _is_word_char(text[after]))


def splits_a_character(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` cuts a combining sequence (mark without its base)."""
    return (0 < start < len(text) and _continues(text[start])) or (
        end < len(text) and _continues(text[end])
    )


def occurrences(haystack: str, needle: str, lo: int) -> list[int]:
    found: list[int] = []
    at = haystack.find(needle, lo)
    while at != -1:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found
