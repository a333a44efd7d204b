"""The offline engine: a brief from linguistic analysis alone (spaCy), no model server.

Every evidence span comes straight from the parse, so it is grounded by
construction: ``evidence.text == article[start:end]``.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from summarizer import __version__
from summarizer.engines import Engine, EngineIdentity
from summarizer.engines.offline import nlp
from summarizer.engines.offline.attribution import Attribution, Range, extract, overlaps
from summarizer.engines.offline.parties import PartyMention, collect, to_parties
from summarizer.engines.offline.questions import ClaimView, build_questions
from summarizer.engines.offline.sources import SourceDraft, SourceTable, resolve, to_sources
from summarizer.engines.offline.unknowns import FoundUnknown, find_unknowns
from summarizer.errors import InputError
from summarizer.schema import (
    ArticleBrief,
    Claim,
    Evidence,
    Meta,
    OpenQuestion,
    Party,
    Source,
    Unknown,
)
from summarizer.text import text_warnings

if TYPE_CHECKING:
    from spacy.tokens import Doc

SUMMARY_WORDS = 70
# Memory grows with the text (measured: +0.45 GB at 150,000 characters, +2.7 GB at
# 1,000,000), once per batch worker; news articles are far shorter.
MAX_CHARS = 150_000
NARRATION_CLAIMS = 4
_QUOTE_MARKS = re.compile(r"[“”\"]")


class OfflineEngine(Engine):
    """Briefs articles with spaCy; needs no key, no server and no network."""

    name = "offline"

    async def identify(self) -> EngineIdentity:
        return EngineIdentity(self.name, prompt_version=f"summarizer-{__version__}")

    def brief(self, text: str) -> ArticleBrief:
        _check(text)
        started = time.perf_counter()
        return build_brief(nlp.parse(text), started)

    def brief_many(self, texts: Iterable[str]) -> list[ArticleBrief]:
        """Brief several articles, parsing them in one batch."""
        texts = list(texts)
        for text in texts:
            _check(text)
        briefs = []
        started = time.perf_counter()
        for doc in nlp.parse_many(texts):
            briefs.append(build_brief(doc, started))
            started = time.perf_counter()
        return briefs

    async def abrief(self, text: str) -> ArticleBrief:
        return await asyncio.to_thread(self.brief, text)


def _check(text: object) -> None:
    if not isinstance(text, str) or not text.strip():
        raise InputError("the article is empty: give some text to brief")
    if len(text) > MAX_CHARS:
        raise InputError(
            f"the article has {len(text):,} characters; the offline engine briefs at most "
            f"{MAX_CHARS:,}: split it, or use --engine llm, which briefs long texts in parts"
        )


def _evidence(text: str, found: Range) -> Evidence:
    return Evidence(text=text[found[0] : found[1]], start=found[0], end=found[1])


# --------------------------------------------------------------------------- #
# The brief
# --------------------------------------------------------------------------- #


def build_brief(doc: Doc, started: float) -> ArticleBrief:
    text = doc.text
    found = extract(doc)
    groups = collect(doc)
    parties = to_parties(groups)
    table = resolve(doc, found, groups)
    sources = to_sources(table, [p.id for p in parties], text)
    claims = rank(attributed_claims(doc, found, table, sources, groups, parties)
                  + narration_claims(doc, found))
    unknown_items = find_unknowns(doc)
    unknowns = [
        Unknown(id=f"u{n}", statement=u.statement, evidence=[_evidence(text, u.evidence)])
        for n, u in enumerate(unknown_items, start=1)
    ]
    linked = {s.party_id for s in sources}
    return ArticleBrief(
        summary=summary(doc),
        parties=[p for p, g in zip(parties, groups, strict=True) if g.notable() or p.id in linked],
        sources=sources,
        claims=[c.claim for c in claims],
        unknowns=unknowns,
        open_questions=open_questions(doc, unknown_items, unknowns, claims, sources, parties,
                                      groups),
        meta=Meta(engine="offline", model=nlp.MODEL,
                  seconds=round(time.perf_counter() - started, 4),
                  warnings=text_warnings(text, english_only=True)),
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


# --------------------------------------------------------------------------- #
# Claims
# --------------------------------------------------------------------------- #


@dataclass
class RankedClaim:
    claim: Claim
    score: float
    anonymous_only: bool = False
    start: int = 0


def statement_from(text: str, subject: str | None = None) -> str:
    """Content text as a standalone sentence: no quote marks, capitalised, full stop."""
    plain = " ".join(_QUOTE_MARKS.sub("", text).split()).strip(" ,;:-—")
    plain = re.sub(r"^that\s+", "", plain, flags=re.IGNORECASE)
    if subject:
        plain = re.sub(r"^(he|she)\b", subject, plain, flags=re.IGNORECASE)
    if not plain:
        return plain
    plain = plain[0].upper() + plain[1:]
    return plain if plain.endswith((".", "?", "!")) else plain + "."


def _short_name(party: Party) -> str:
    return min([party.name, *party.aliases], key=len)


def _is_clause(doc: Doc, found: Range) -> bool:
    """Whether the content has its own subject ('he will win' vs 'to win')."""
    span = doc.char_span(*found, alignment_mode="expand")
    if span is None or span[0].is_punct:
        return True
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in span.root.children)


def _person_before(groups: list[PartyMention], position: int) -> str | None:
    """The shortest name of the person named last before ``position``."""
    best: tuple[int, PartyMention] | None = None
    for group in groups:
        if group.kind != "person":
            continue
        for start, _ in group.ranges:
            if start < position and (best is None or start > best[0]):
                best = (start, group)
    return min(best[1].names, key=len) if best else None


def attributed_claims(doc: Doc, found: list[Attribution], table: SourceTable,
                      sources: list[Source], groups: list[PartyMention],
                      parties: list[Party]) -> list[RankedClaim]:
    text = doc.text
    claims = []
    for number, item in enumerate(found):
        index = table.of_attribution.get(number)
        if index is None:
            index = _fallback_source(doc, item, table, sources)
            if index is None:
                continue
        source = sources[index]
        draft = table.drafts[index]
        speaker = _short_name(parties[draft.party]) if draft.party is not None else draft.label
        statement = statement_from(item.text(text), _person_before(groups, item.content[0][0]))
        if not _is_clause(doc, item.content[0]):
            cue = text[item.cue[0] : item.cue[1]]
            statement = statement_from(f"{speaker} {cue} {item.text(text)}")
        if not statement:
            continue
        claim = Claim(
            id="",
            statement=statement,
            source_id=source.id,
            attribution="direct_quote" if item.direct else "paraphrase",
            evidence=[_evidence(text, r) for r in item.content],
        )
        score = _score(text, item.content[0][0], statement) + (0.0 if draft.anonymous else 0.15)
        claims.append(RankedClaim(claim, score, draft.anonymous, item.content[0][0]))
    return claims


def _fallback_source(doc: Doc, item: Attribution, table: SourceTable,
                     sources: list[Source]) -> int | None:
    """An unresolved speaker ('they said' with nobody before) is kept as written."""
    if item.source is None:
        return None
    label = doc.text[item.source[0] : item.source[1]]
    index = table.add("label:" + label.lower(), SourceDraft(label, anonymous=False), item.source)
    if index == len(sources):
        sources.append(Source(id=f"s{index + 1}", label=label, anonymous=False,
                              evidence=[_evidence(doc.text, item.source)]))
    return index


def narration_claims(doc: Doc, found: list[Attribution]) -> list[RankedClaim]:
    """The article's own factual sentences near the top, outside any attribution."""
    covered = [r for item in found for r in (*item.content, item.cue)]
    claims: list[RankedClaim] = []
    text = doc.text  # built from the tokens on every access: read it once
    for sent in doc.sents:
        if len(claims) >= NARRATION_CLAIMS:
            break
        span = _trimmed(text, (sent.start_char, sent.end_char))
        words = text[span[0] : span[1]].split()
        if not 8 <= len(words) <= 60 or any(overlaps(r, span) for r in covered):
            continue
        if not sent.ents or _QUOTE_MARKS.search(sent.text) or sent.text.rstrip().endswith("?"):
            continue
        if not any(t.pos_ in ("VERB", "AUX") and t.dep_ == "ROOT" for t in sent):
            continue
        statement = statement_from(text[span[0] : span[1]])
        claim = Claim(id="", statement=statement, source_id=None, attribution="narration",
                      evidence=[_evidence(text, span)])
        claims.append(RankedClaim(claim, _score(text, span[0], statement) - 0.1,
                                  start=span[0]))
    return claims


def _trimmed(text: str, found: Range) -> Range:
    start, end = found
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _score(text: str, start: int, statement: str) -> float:
    """Earlier and mid-length statements first."""
    position = 1.0 - start / max(len(text), 1)
    words = len(statement.split())
    length = 0.2 if 8 <= words <= 45 else (-0.4 if words < 4 else 0.0)
    return position + length


def rank(claims: list[RankedClaim]) -> list[RankedClaim]:
    ordered = sorted(claims, key=lambda c: (-c.score, c.start))
    for number, item in enumerate(ordered, start=1):
        item.claim.id = f"c{number}"
    return ordered


# --------------------------------------------------------------------------- #
# Open questions
# --------------------------------------------------------------------------- #


def open_questions(doc: Doc, found: list[FoundUnknown], unknowns: list[Unknown],
                   claims: list[RankedClaim], sources: list[Source], parties: list[Party],
                   groups: list[PartyMention]) -> list[OpenQuestion]:
    views = [ClaimView(c.claim, c.anonymous_only) for c in claims]
    pairs = [(u.id, item) for item, u in zip(found, unknowns, strict=True)]
    return build_questions(doc, pairs, views, sources, parties, groups)
