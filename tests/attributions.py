"""What the offline extractor finds in a short text, keyed by cue word: the helpers the
attribution tests share."""

from __future__ import annotations

from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import Attribution, extract


def by_cue(text: str) -> dict[str, Attribution]:
    return {item.cue.of(text): item for item in extract(nlp.parse(text))}


def contents(text: str) -> dict[str, str]:
    """Cue -> content text of every attribution of the text."""
    return {cue: item.text(text) for cue, item in by_cue(text).items()}


def source_of(item: Attribution, text: str) -> str:
    assert item.source is not None
    return item.source.of(text)


def content_and_source(text: str, cue: str) -> tuple[str, str]:
    found = by_cue(text)
    assert cue in found, list(found)
    return found[cue].text(text), source_of(found[cue], text)
