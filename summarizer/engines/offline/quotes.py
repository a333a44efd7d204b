"""Quotations in the article text: where they are, and which one a cue introduces.

Quotations are found on the characters alone, before and apart from the parse:
each opening mark closes only with its own kind (“ with ”, " with ", '' with ''),
and a paragraph break ends a quotation left open, unless the next paragraph reopens
it (the news convention for a quotation over several paragraphs).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from summarizer.spans import CharInterval

PAIRS = {"“": "”", '"': '"', "''": "''"}
OPEN_QUOTES = "“\""
CLOSE_QUOTES = "”\""
# How far after a cue a quotation may open and still be what the cue introduces.
CUE_REACH = 30
# How far after a quotation's cue its continuation ('"A," she said. "B."') may open.
CONTINUATION_REACH = 120
# How far a continuation may open when the cue's sentence runs on: 'said X, a professor
# at ..., who ... . "B."'
SENTENCE_REACH = 250
# A sentence's end inside a gap: a stop right after the cue, or after a word of three
# letters or more ("Mr." and "Sen." are no ends).
SENTENCE_END = re.compile(r"(?:^|[a-z]{3})[.!?][\"”'’]*\s")
# A blank line, whatever the line ends (CRLF) or the blanks on it.
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A sentence that runs on after a quotation, with a word in lower case.
RUNS_ON = re.compile(r" [a-z]")


def quotations(text: str) -> list[CharInterval]:
    """Quoted stretches of the text, quote marks included, in text order."""
    found: list[CharInterval] = []
    start: int | None = None
    closer = ""
    i = 0
    while i < len(text):
        if start is None:
            mark = _opening_mark(text, i)
            if mark:
                start, closer = i, PAIRS[mark]
        elif i > start + 1 and (end_mark := _closes(text, i, closer)):
            found.append(CharInterval(start, i + len(end_mark)))
            start = None
        elif text[i] == "\n" and text[i + 1 : i + 2] == "\n":
            reopen = _reopening(text, i, start)
            if reopen is None:
                start = None
            else:
                i = reopen  # past the mark that reopens the quotation
                continue
        i += 1
    return found


def _closes(text: str, i: int, closer: str) -> str:
    """The mark that closes the quotation at ``i``, if any: its own kind, or the other
    double mark, as in an article that mixes them ('“No," he said'); a straight mark
    closes a curly quotation only after a word, not where a quotation inside would open."""
    if text.startswith(closer, i):
        return closer
    if closer == '"' and text[i] == "”":
        return "”"
    if closer == "”" and text[i] == '"' and not text[i - 1].isspace():
        return '"'
    return ""


def _reopening(text: str, i: int, start: int) -> int | None:
    """Where the paragraph after the break at ``i`` goes on when it reopens the
    quotation opened at ``start`` with the same mark; None when it does not."""
    after = i
    while after < len(text) and text[after] in " \n\t":
        after += 1
    mark = _opening_mark(text, start)
    if after < len(text) and _opening_mark(text, after) == mark:
        return after + len(mark)
    return None


def _opening_mark(text: str, i: int) -> str:
    if text[i] == "“":
        return "“"
    if text[i] == '"' and _opens(text, i):
        return '"'
    if text.startswith("''", i) and _opens(text, i):
        return "''"
    return ""


def _opens(text: str, i: int) -> bool:
    """A straight mark opens after no word and before one ('" he said' closes)."""
    after = text[i + 1 : i + 2]
    return (i == 0 or not text[i - 1].isalnum()) and after != "" and not after.isspace()


class Quotes:
    """The quotations of one article, and the questions the extractor asks of them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = quotations(text)
        self.ends = [q.end for q in self.spans]  # sorted: quotations never overlap

    def from_(self, position: int) -> Iterator[CharInterval]:
        """The quotations that end after ``position``, in text order."""
        spans = self.spans
        return (spans[i] for i in range(bisect_right(self.ends, position), len(spans)))

    def at(self, interval: CharInterval) -> CharInterval | None:
        """The quotation that overlaps ``interval``, if any."""
        index = bisect_right(self.ends, interval.start)
        if index < len(self.spans) and self.spans[index].overlaps(interval):
            return self.spans[index]
        return None

    def holds(self, interval: CharInterval) -> bool:
        """Whether ``interval`` is a quotation, give or take its marks."""
        quote = self.at(interval)
        return quote is not None and (
            quote.start <= interval.start + 1 and quote.end >= interval.end - 1
        )

    def after_cue(self, cue_end: int, sentence_end: int) -> CharInterval | None:
        """'X said: "Y"' or 'X said, "Y"': the quotation right after the cue."""
        for q in self.from_(cue_end):
            if q.start >= cue_end and q.start - cue_end <= CUE_REACH and (
                q.start < sentence_end + 3
            ):
                gap = self.text[cue_end : q.start]
                if ":" in gap or "," in gap or gap.strip() == "" or " in " in gap:
                    return q
            if q.start > cue_end + CUE_REACH:
                break
        return None

    def runs_on(self, quote: CharInterval) -> bool:
        """'portray "illegal" immigrants as criminals': a quotation the sentence runs on
        from, a word of what was said and not all of it."""
        inside = self.text[quote.start : quote.end].rstrip(CLOSE_QUOTES + "'")[-1:]
        return inside.isalnum() and RUNS_ON.match(self.text, quote.end) is not None

    def after_stop(self, end: int, taken: list[CharInterval]) -> CharInterval | None:
        """'She says A. "B."', 'He recalled A: "B."': the quotation that opens right after
        the stop or colon closing a content that ends at ``end``, on its line, when no
        other content (``taken``) holds it."""
        quote = next(self.from_(end), None)
        if quote is None or quote.start < end or any(quote.overlaps(p) for p in taken):
            return None
        gap = self.text[end : quote.start]
        return quote if gap.strip() in (".", ":") and "\n" not in gap else None

    def after_mark(self, cue_end: int, sentence_end: int) -> CharInterval | None:
        """'she interjected: "A"': a quotation after the cue and only a comma or colon."""
        quote = self.after_cue(cue_end, sentence_end)
        gap = "" if quote is None else self.text[cue_end : quote.start].strip()
        return quote if gap in (",", ":") else None

    def clause_before(self, position: int) -> CharInterval | None:
        """'"A," Jones fumed.': the quotation just before, a clause closed by a comma, a
        question or an exclamation mark."""
        quote = self.before(position)
        ending = "" if quote is None else quote.of(self.text).rstrip(CLOSE_QUOTES + "'")[-1:]
        return quote if ending and ending in ",?!" else None

    def before_phrase(self, starts: list[int], cue: int) -> CharInterval | None:
        """'"Y," X said.': the quotation just before the speaker's words (their starts), or
        one closing a clause that the parser hung on the speaker: '"Y," Jones, 69, told'."""
        outside = (i for i in starts if self.at(CharInterval(i, i + 1)) is None)
        found = self.before(min(starts[0], cue))
        return found or self.clause_before(min(next(outside, starts[-1]), cue))

    def before(self, sentence_start: int) -> CharInterval | None:
        """'"A," \nTrump said.': the quotation the parser left in the sentence before a
        cue's sentence that holds nothing else, on the same line."""
        index = bisect_right(self.ends, sentence_start) - 1
        if index < 0:
            return None
        quote = self.spans[index]
        gap = self.text[quote.end : sentence_start]
        return quote if len(gap) <= 3 and "\n" not in gap else None

    def continuation(self, position: int, first: bool) -> CharInterval | None:
        """The quotation that continues one: after the cue's clause (``first``), or right
        after the last piece. A title quoted in the cue's clause ('she said on "Meet the
        Press."') is passed over."""
        for q in self.from_(position):
            if q.start < position:
                continue
            gap = self.text[position : q.start]
            if not first:
                return q if gap.strip() == "" else None
            if len(gap) <= SENTENCE_REACH and _in_running_text(gap):
                continue
            return q if _short_tail(gap) or _one_sentence(gap) else None
        return None

    def widen(self, found: CharInterval) -> CharInterval:
        """Content takes in whole every quotation it overlaps: one it opens runs to its
        close, even in a later sentence."""
        start, end = found.start, found.end
        for q in self.from_(start):  # each ends after ``start``: it overlaps unless after
            if q.start >= end:
                break
            start, end = min(start, q.start), max(end, q.end)
        return CharInterval(start, end)


def _short_tail(gap: str) -> bool:
    """'"A," she said. "B."': the cue's clause ends just before the quotation."""
    if len(gap) > CONTINUATION_REACH or (
        PARAGRAPH_BREAK.search(gap) and gap.strip() not in ("", ".")
    ):
        return False
    tail = gap.rsplit(".", 1)[-1] if "." in gap else gap.rsplit(",", 1)[-1]
    return tail.strip() == "" and ("," in gap or "." in gap)


def _one_sentence(gap: str) -> bool:
    """The rest of the cue's sentence, however long, ending in a stop right before the
    quotation, even across a paragraph break: 'said X, who ... .\n\n"B."'."""
    body = gap.rstrip().rstrip(CLOSE_QUOTES + "'’")  # a title may end the sentence
    words = any(c.isalnum() for c in body)
    return words and len(gap) <= SENTENCE_REACH and body.endswith(".") and not (
        SENTENCE_END.search(body) or PARAGRAPH_BREAK.search(body))


def _in_running_text(gap: str) -> bool:
    """A quotation that opens right after a word is a title or a phrase in the
    sentence ('on NBC's "Meet the Press."'), not the start of a new quotation."""
    return gap[-1:] == " " and gap[-2:-1].isalnum()
