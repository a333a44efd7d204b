"""The offline engine: a brief from linguistic analysis alone (spaCy), no model server.

The steps, in order (``analyse``): parse; find attributions; group the entity
mentions into parties; resolve each attribution's source; make and rank the
claims; find the unknowns; then word the summary and the open questions
(``build_brief``). Every evidence span comes straight from the parse, so it is
grounded by construction: ``evidence.text == article[start:end]``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from summarizer import __version__
from summarizer.engines import Engine, EngineIdentity
from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import extract
from summarizer.engines.offline.claims import attributed_claims, narration_claims, rank
from summarizer.engines.offline.parties import collect, listed, to_parties
from summarizer.engines.offline.questions import build_questions
from summarizer.engines.offline.sources import SourceTable, resolve, to_sources
from summarizer.engines.offline.unknowns import find_unknowns, to_unknowns
from summarizer.errors import InputError
from summarizer.schema import ArticleBrief, Meta
from summarizer.text import text_warnings

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from summarizer.engines.offline.attribution import Attribution
    from summarizer.engines.offline.claims import RankedClaim
    from summarizer.engines.offline.parties import PartyMention
    from summarizer.engines.offline.unknowns import FoundUnknown
    from summarizer.schema import Party, Source, Unknown

SUMMARY_WORDS = 70
# Memory grows with the text (measured: +0.45 GB at 150,000 characters, +2.7 GB at
# 1,000,000), once per batch worker; news articles are far shorter.
MAX_CHARS = 150_000


@dataclass
class Analysis:
    """One parsed article and everything found in it so far, filled in step by step:
    each step reads what earlier steps put here and returns its own result; only
    ``analyse`` writes the fields."""

    doc: Doc
    text: str  # doc.text, read once: spaCy builds it from the tokens on every access
    attributions: list[Attribution] = field(default_factory=list)
    mentions: list[PartyMention] = field(default_factory=list)  # one group per party
    parties: list[Party] = field(default_factory=list)  # aligned with ``mentions``
    table: SourceTable = field(default_factory=SourceTable)
    sources: list[Source] = field(default_factory=list)  # aligned with ``table.drafts``
    claims: list[RankedClaim] = field(default_factory=list)  # ranked, best first
    found_unknowns: list[FoundUnknown] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)  # aligned with ``found_unknowns``


class OfflineEngine(Engine):
    """Briefs articles with spaCy; needs no key, no server and no network.

    The work is CPU-bound: ``brief`` does it, ``abrief`` runs it in a thread.
    """

    name = "offline"

    async def identify(self) -> EngineIdentity:
        """The engine's name and the package version, as the prompt version of its briefs."""
        return EngineIdentity(self.name, prompt_version=f"summarizer-{__version__}")

    def brief(self, text: str) -> ArticleBrief:
        """Brief one article; raises ``InputError`` when it is empty or too long."""
        _check(text)
        started = time.perf_counter()
        return build_brief(nlp.parse(str.__str__(text)), started)

    def brief_many(self, texts: Iterable[str]) -> list[ArticleBrief]:
        """Brief several articles, parsing them in one batch."""
        texts = [str.__str__(text) if isinstance(text, str) else text for text in texts]
        for text in texts:
            _check(text)
        briefs = []
        started = time.perf_counter()
        for doc in nlp.parse_many(texts):
            briefs.append(build_brief(doc, started))
            started = time.perf_counter()
        return briefs

    async def abrief(self, text: str) -> ArticleBrief:
        """``brief`` in a worker thread, so an event loop keeps running meanwhile."""
        return await asyncio.to_thread(self.brief, text)


def _check(text: object) -> None:
    if not isinstance(text, str) or not text.strip():
        raise InputError("the article is empty: give some text to brief")
    if len(text) > MAX_CHARS:
        raise InputError(
            f"the article has {len(text):,} characters; the offline engine briefs at most "
            f"{MAX_CHARS:,}: split it, or use --engine llm, which briefs long texts in parts"
        )


def analyse(doc: Doc) -> Analysis:
    """Everything the brief is made from, one step after another."""
    state = Analysis(doc=doc, text=nlp.text_of(doc))
    state.attributions = extract(doc)
    state.mentions = collect(doc)
    state.parties = to_parties(state.mentions)
    state.table = resolve(doc, state.attributions, state.mentions)
    state.sources = to_sources(state.table, [p.id for p in state.parties], state.text)
    state.found_unknowns = find_unknowns(doc)
    said = [u.evidence for u in state.found_unknowns]
    state.claims = rank(attributed_claims(state) + narration_claims(doc, state.attributions, said))
    state.unknowns = to_unknowns(state.found_unknowns, state.text)
    return state


def build_brief(doc: Doc, started: float) -> ArticleBrief:
    """The brief of a parsed article; ``started`` is when its timing began."""
    state = analyse(doc)
    return ArticleBrief(
        summary=summary(doc),
        parties=listed(state.parties, state.mentions, state.sources),
        sources=state.sources,
        claims=[c.claim for c in state.claims],
        unknowns=state.unknowns,
        open_questions=build_questions(state),
        meta=Meta(engine="offline", model=nlp.MODEL,
                  seconds=round(time.perf_counter() - started, 4),
                  warnings=text_warnings(state.text, english_only=True)),
    )


def summary(doc: Doc) -> str:
    """The lead: first sentences up to about SUMMARY_WORDS words."""
    words: list[str] = []
    for sent in doc.sents:
        sentence = sent.text.split()
        if len(sentence) < 5 or not sent.text.rstrip().endswith((".", "”", '"', "!", "?")):
            continue
        if words and len(words) + len(sentence) > SUMMARY_WORDS:
            break
        words.extend(sentence)
        if len(words) >= SUMMARY_WORDS // 2:
            break
    if not words:
        words = doc.text.split()
    if len(words) > SUMMARY_WORDS:
        return " ".join(words[:SUMMARY_WORDS]).rstrip(",;:") + " …"
    return " ".join(words)
