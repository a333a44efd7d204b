"""Parses fixed by hand: the offline rules that spaCy's parse of a natural sentence does
not reach, tested whatever the parser would make of the words."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from summarizer.engines.offline import nlp

# (word, head, dep, pos, lemma), or (word, head, dep, pos, tag, lemma)
Row = tuple[str, int, str, str, str] | tuple[str, int, str, str, str, str]


def hand_parsed(rows: Sequence[Row]) -> Doc:
    """One row per token, words separated by spaces except before '.' and ','."""
    words = [row[0] for row in rows]
    tags = [row[4] for row in rows] if all(len(row) == 6 for row in rows) else None
    spaces = [not (k + 1 < len(words) and words[k + 1] in ".,") for k in range(len(words))]
    return Doc(nlp.parse("x").vocab, words=words, spaces=spaces,
               heads=[row[1] for row in rows], deps=[row[2] for row in rows],
               pos=[row[3] for row in rows], tags=tags, lemmas=[row[-1] for row in rows])
