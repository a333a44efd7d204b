"""How the offline engine words what it found: statements, questions, short phrases.

Everything here works on plain strings; the words themselves come from the article.
"""

from __future__ import annotations

import re

from summarizer.text import word_set

QUOTE_MARKS = re.compile(r"[“”\"]|''")
# Words that open a sentence in lower case when they move to its middle.
COMMON_OPENERS = word_set(
    "the a an during in on at it this that there his her their its now still also so but and"
)


def as_sentence(text: str) -> str:
    """``text`` capitalised, ending with a full stop unless it ends with . ? or !"""
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def as_question(text: str) -> str:
    """``text`` on one line without quote marks, capitalised, ending with a question mark."""
    text = " ".join(QUOTE_MARKS.sub("", text).split())
    text = text.rstrip(" .,;:…")
    return text[0].upper() + text[1:] + "?"


def clip_words(text: str, words: int = 16) -> str:
    """The first ``words`` words of ``text``, with " …" when it had more."""
    parts = text.strip().rstrip(".").split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def lower_first(text: str) -> str:
    """Lower-case the first word only when it is a common word, not a name."""
    first = text.split(" ", 1)[0]
    if first.lower() in COMMON_OPENERS:
        return first.lower() + text[len(first):]
    return text


def possessive(name: str) -> str:
    """'Trump' -> 'Trump’s', 'Reyes' -> 'Reyes’'."""
    return name + ("’" if name.endswith("s") else "’s")
