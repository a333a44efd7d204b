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

from summarizer import nlp
from summarizer.attribution import Attribution, Range, extract, word_set
from summarizer.errors import InputError
from summarizer.offline_parties import PartyMention, collect, to_parties
from summarizer.offline_sources import SourceDraft, SourceTable, resolve, to_sources
from summarizer.offline_unknowns import FoundUnknown, find_unknowns, question_for
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

if TYPE_CHECKING:
    from spacy.tokens import Doc

SUMMARY_WORDS = 70
NARRATION_CLAIMS = 4
MAX_QUESTIONS = 6
_QUOTE_MARKS = re.compile(r"[“”\"]")


class OfflineEngine:
    """Briefs articles with spaCy; needs no key, no server and no network."""

    name = "offline"

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
    return ArticleBrief(
        summary=summary(doc),
        parties=parties,
        sources=sources,
        claims=[c.claim for c in claims],
        unknowns=unknowns,
        open_questions=open_questions(unknown_items, unknowns, claims, sources, parties, groups),
        meta=Meta(engine="offline", model=nlp.MODEL,
                  seconds=round(time.perf_counter() - started, 4)),
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
    for sent in doc.sents:
        if len(claims) >= NARRATION_CLAIMS:
            break
        span = _trimmed(doc.text, (sent.start_char, sent.end_char))
        words = doc.text[span[0] : span[1]].split()
        if not 8 <= len(words) <= 60 or any(r[0] < span[1] and span[0] < r[1] for r in covered):
            continue
        if not sent.ents or _QUOTE_MARKS.search(sent.text) or sent.text.rstrip().endswith("?"):
            continue
        if not any(t.pos_ in ("VERB", "AUX") and t.dep_ == "ROOT" for t in sent):
            continue
        statement = statement_from(doc.text[span[0] : span[1]])
        claim = Claim(id="", statement=statement, source_id=None, attribution="narration",
                      evidence=[_evidence(doc.text, span)])
        claims.append(RankedClaim(claim, _score(doc.text, span[0], statement) - 0.1,
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


def _clip(statement: str, words: int = 18) -> str:
    parts = statement.rstrip(".").split()
    clipped = " ".join(parts[:words])
    return clipped + (" …" if len(parts) > words else "")


def open_questions(found: list[FoundUnknown], unknowns: list[Unknown], claims: list[RankedClaim],
                   sources: list[Source], parties: list[Party],
                   groups: list[PartyMention]) -> list[OpenQuestion]:
    questions = [
        OpenQuestion(question=question_for(item), based_on=[unknown.id])
        for item, unknown in zip(found, unknowns, strict=True)
    ]
    for item in [c for c in claims if c.anonymous_only][:2]:
        claim = item.claim
        questions.append(OpenQuestion(
            question="Can anyone confirm on the record that "
                     f"{_lower_first(_clip(claim.statement))}?",
            based_on=[claim.id, *([claim.source_id] if claim.source_id else [])],
        ))
    questions.extend(_unheard(claims, sources, parties, groups))
    unique = {q.question: q for q in questions}
    return list(unique.values())[:MAX_QUESTIONS]


_COMMON_OPENERS = word_set("the a an during in on at it this that there his her their its")


def _lower_first(text: str) -> str:
    """Lower-case the first word only when it is a common word, not a name."""
    first = text.split(" ", 1)[0]
    if first.lower() in _COMMON_OPENERS:
        return first.lower() + text[len(first):]
    return text


def _unheard(claims: list[RankedClaim], sources: list[Source], parties: list[Party],
             groups: list[PartyMention]) -> list[OpenQuestion]:
    """People and bodies the claims are about who are never a source themselves."""
    heard = {s.party_id for s in sources if s.party_id}
    questions = []
    for party, group in zip(parties, groups, strict=True):
        if party.id in heard or party.kind not in ("person", "organization", "government"):
            continue
        about = [c.claim for c in claims if c.claim.source_id and any(
            e.start <= s and t <= e.end for e in c.claim.evidence for s, t in group.ranges)]
        if not about:
            continue
        claim = _lower_first(_clip(about[0].statement, 14))
        questions.append(OpenQuestion(
            question=f"What is {party.name}'s own account of the claim that {claim}?",
            based_on=[c.id for c in about[:3]],
        ))
        if len(questions) >= 2:
            break
    return questions
