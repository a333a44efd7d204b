"""Text helpers every part shares: word sets, clipping, hashing, token estimates,
sentence splitting and chunking, and the cheap checks that become warnings.

Sentences are found by a small regex splitter (no spaCy: it must be fast). A
sentence ends at ``.``, ``!``, ``?`` or ``…`` (plus closing quotes/brackets)
followed by whitespace, unless the word before the full stop is a known
abbreviation ("Mr.", "Nov.", "U.S.", an initial "J."), or the next word starts in
lower case. A line break always ends a sentence (headlines, paragraphs).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass


def word_set(text: str) -> frozenset[str]:
    """The words of a space-separated list."""
    return frozenset(text.split())


def clip(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters with "..." when longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def text_hash(text: str) -> str:
    """sha256 of the exact text (lone surrogates kept), as hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()



# Common English function words: news prose in English is about a third these.
_ENGLISH = word_set(
    "the a an of and or to in on at by for with from as is are was were be been has have had "
    "it its he she they his her their this that these those not but said says will would "
    "who which what when there than after before about over into"
)
MIN_ENGLISH_RATIO = 0.12
MIN_WORDS = 8
_LETTERS = re.compile(r"[^\W\d_]+")
_HTML_NAMES = (
    "!doctype|html|head|body|title|meta|link|script|style|div|span|p|a|br|img|ul|ol|li|nav|"
    "header|footer|main|section|article|aside|h[1-6]|table|tr|td|form|input|button|iframe|em|strong"
)
_TAG = re.compile(rf"</?(?:{_HTML_NAMES})(?:\s[^<>]*)?/?>", re.IGNORECASE)
MIN_TAGS = 5
MIN_TAG_SHARE = 0.1

NOT_ENGLISH = (
    "the article does not look like English; the offline engine only handles English, "
    "so this brief is likely poor: use --engine llm with a multilingual model"
)
LOOKS_HTML = (
    "the text looks like an HTML page, not article text: save it as a .html file "
    "(or pass its URL) so the story is extracted from the page"
)


def looks_english(text: str) -> bool:
    """False when most letters are not Latin, or too few words are common English ones."""
    words = _LETTERS.findall(text.lower())
    letters = sum(len(w) for w in words)
    if not letters:
        return True
    latin = sum(len(w) for w in words if w.isascii())
    if latin < letters / 2:
        return False
    if len(words) < MIN_WORDS:
        return True
    return sum(w in _ENGLISH for w in words) / len(words) >= MIN_ENGLISH_RATIO


def looks_html(text: str) -> bool:
    """True when the text is full of markup tags (a saved page passed as .txt)."""
    tags = _TAG.findall(text)
    if len(tags) < MIN_TAGS:
        return False
    return sum(len(t) for t in tags) >= MIN_TAG_SHARE * len(text)


def text_warnings(text: str, *, english_only: bool) -> list[str]:
    warnings = []
    if looks_html(text):
        warnings.append(LOOKS_HTML)
    if english_only and not looks_english(text):
        warnings.append(NOT_ENGLISH)
    return warnings


#: Rough rule: English text averages about four characters per model token.
CHARS_PER_TOKEN = 4

# fmt: off
_ABBREVIATIONS = frozenset([
    "mr", "mrs", "ms", "mx", "dr", "prof", "sr", "jr", "st", "mt", "ft", "rev", "hon", "gov",
    "sen", "rep", "gen", "lt", "col", "maj", "capt", "cmdr", "sgt", "adm", "pres", "supt",
    "insp", "det", "atty", "amb", "ret", "inc", "corp", "co", "ltd", "llc", "plc", "bros",
    "dept", "univ", "assn", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun",
    "vs", "etc", "al", "approx", "est", "fig", "ca", "cf", "ie", "eg",
    "sens", "reps", "govs", "gens", "drs", "messrs", "mmes", "lts", "cols",
    # US states, AP style (not those that are also common words: Wash., Miss.)
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan",
    "kans", "ky", "la", "md", "mass", "mich", "minn", "mo", "mont", "neb", "nev", "okla",
    "ore", "pa", "tenn", "vt", "va", "wis", "wyo",
])
# fmt: on
# Only abbreviations before a number: "No. 3", "Art. 5", "p. 12".
_NUMBER_ABBREVIATIONS = frozenset(["no", "nos", "art", "vol", "pp", "p", "ch", "sec", "para"])

_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*(?=\s)|\n")
_LAST_WORD = re.compile(r"[\w.'\u2019-]+$")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\.?$")


@dataclass(frozen=True)
class Chunk:
    """A piece of the article: ``text == article[start:end]``."""

    start: int
    end: int
    text: str


def estimate_tokens(text: str) -> int:
    """Cheap token estimate: one token per ``CHARS_PER_TOKEN`` characters, rounded up."""
    return -(-len(text) // CHARS_PER_TOKEN)


def _span_tokens(start: int, end: int) -> int:
    """``estimate_tokens(text[start:end])`` without copying the text."""
    return -(-(end - start) // CHARS_PER_TOKEN)


def _is_abbreviation(text: str, stop: int, next_char: str) -> bool:
    """Whether the full stop ending at ``stop`` belongs to a word, not a sentence end."""
    word_match = _LAST_WORD.search(text, max(0, stop - 30), stop)
    if word_match is None:
        return False
    word = word_match.group().rstrip(".").lower()
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return True
    if _DOTTED.search(word_match.group()):  # "U.S.", "a.m."
        return True
    if word in _NUMBER_ABBREVIATIONS:
        return next_char.isdigit()
    return word in _ABBREVIATIONS


def sentence_starts(text: str) -> list[int]:
    """Offsets where sentences start; the first is 0. Sentences keep trailing spaces."""
    starts = [0]
    for m in _SENTENCE_END.finditer(text):
        nxt = m.end()
        while nxt < len(text) and text[nxt].isspace():
            nxt += 1
        if nxt >= len(text):
            break
        if m.group() != "\n":
            if text[nxt].islower():
                continue
            if m.group()[-1] == "." and _is_abbreviation(text, m.end(), text[nxt]):
                continue
        if nxt > starts[-1]:
            starts.append(nxt)
    return starts


def sentence_spans(text: str) -> list[tuple[int, int]]:
    starts = sentence_starts(text)
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def _split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into pieces of at most ``max_chars``, at whitespace if possible."""
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        cut = start + max_chars
        space = max(text.rfind(" ", start + 1, cut), text.rfind("\n", start + 1, cut))
        if space > start:
            cut = space + 1
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def _units(text: str, max_tokens: int) -> list[tuple[int, int]]:
    """Sentences, with any sentence over the budget cut into pieces that fit."""
    max_chars = max_tokens * CHARS_PER_TOKEN
    units: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        if _span_tokens(start, end) > max_tokens:
            units.extend(_split_long(text, start, end, max_chars))
        else:
            units.append((start, end))
    return units


def split_article(text: str, max_tokens: int, overlap_sentences: int = 2) -> list[Chunk]:
    """Chunks of whole sentences within ``max_tokens`` each (``estimate_tokens``).

    Consecutive chunks share ``overlap_sentences`` sentences (fewer when a chunk
    holds too few to share that many and still move on). The chunks cover the
    text from 0 to ``len(text)``.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    if overlap_sentences < 0:
        raise ValueError(f"overlap_sentences must be 0 or more, got {overlap_sentences}")
    if estimate_tokens(text) <= max_tokens:
        return [Chunk(0, len(text), text)]
    units = _units(text, max_tokens)
    chunks: list[Chunk] = []
    first = 0
    while True:
        last = first + 1
        while last < len(units) and _span_tokens(units[first][0], units[last][1]) <= max_tokens:
            last += 1
        start, end = units[first][0], units[last - 1][1]
        chunks.append(Chunk(start, end, text[start:end]))
        if last == len(units):
            return chunks
        first = max(first + 1, last - overlap_sentences)
