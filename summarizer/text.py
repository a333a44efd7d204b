"""Cheap checks on article text that become warnings in the brief, never errors."""

from __future__ import annotations

import re

from summarizer.engines.offline.attribution import word_set

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
