"""Claims for the offline engine: what the article reports, and in what order.

Attributed claims come from the attributions, one each, with the source the
source table gives them; narration claims are the article's own factual
sentences near the top. ``rank`` orders them, earlier and mid-length first, named
sources before anonymous ones, and numbers them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from summarizer.engines.offline.nlp import text_of
from summarizer.engines.offline.parties import last_person
from summarizer.engines.offline.wording import QUOTE_MARKS, as_sentence
from summarizer.schema import Claim, Evidence, Party
from summarizer.spans import CharInterval
from summarizer.text import word_set

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from summarizer.engines.offline.attribution import Attribution
    from summarizer.engines.offline.pipeline import Analysis

NARRATION_CLAIMS = 4
NARRATION_REACH = 40  # sentences from the top where narration claims are looked for
NAMED_BONUS = 0.15  # a claim on a named source's word ranks above an anonymous one
NARRATION_PENALTY = 0.1
CENTRAL_SOURCE = 0.15  # a source the story comes back to
CENTRAL_ACTORS = 0.15  # a claim about the parties the story names most
FRAGMENT_PENALTY = 0.3  # content that is a bare object, or a quotation of a few words
SHORT_QUOTE = 10
PRONOUN_OPENERS = word_set("he she it they i we you his her its their")
HEADLINE_PENALTY = 1.0
HEADLINE_WORDS = 15  # a first paragraph this short is a headline, not the lead


@dataclass(frozen=True)
class RankedClaim:
    """A claim with what ranking and the open questions need to know of it."""

    claim: Claim
    score: float
    anonymous_only: bool = False  # it rests on an anonymous source alone
    start: int = 0  # where its evidence starts: ties rank in text order
    headline: bool = False  # it comes from the article's headline


def statement_from(text: str, subject: str | None = None) -> str:
    """Content text as a standalone sentence: no quote marks, capitalised, full stop.

    A leading "he" or "she" becomes ``subject`` when one is given.
    """
    plain = " ".join(QUOTE_MARKS.sub("", text).split()).strip(" ,;:-—")
    plain = re.sub(r"^that\s+", "", plain, flags=re.IGNORECASE)
    if subject:
        plain = re.sub(r"^(he|she)\b", subject, plain, flags=re.IGNORECASE)
    return as_sentence(plain)


def attributed_claims(state: Analysis) -> list[RankedClaim]:
    """One claim per attribution that has a source, in attribution order."""
    doc, text = state.doc, state.text
    claims = []
    for number, item in enumerate(state.attributions):
        index = state.table.of_attribution.get(number)
        if index is None:
            continue
        draft = state.table.drafts[index]
        speaker = draft.label if draft.party is None else _short_name(state.parties[draft.party])
        first = item.content[0]
        statement = statement_from(item.text(text), _person_before(state, first.start))
        if not _is_clause(doc, first):
            statement = statement_from(f"{speaker} {item.cue.of(text)} {item.text(text)}")
        if not statement:
            continue
        claim = Claim(
            id="",
            statement=statement,
            source_id=state.sources[index].id,
            attribution="direct_quote" if item.direct else "paraphrase",
            evidence=[Evidence.at(text, piece) for piece in item.content],
        )
        score = _score(text, first.start, statement) + (0.0 if draft.anonymous else NAMED_BONUS)
        score += _weight(state, number, index, item, clause=_is_clause(doc, first))
        claims.append(RankedClaim(claim, score, draft.anonymous, first.start,
                                  headline=first.start < headline_end(text)))
    return claims


def _weight(state: Analysis, number: int, source: int, item: Attribution, clause: bool) -> float:
    """Importance beyond position: a source heard often, actors the story keeps naming,
    a statement of its own (not a bare object), not a short quotation, not the headline."""
    heard = sum(1 for s in state.table.of_attribution.values() if s == source)
    weight = CENTRAL_SOURCE * min(heard - 1, 3) / 3
    weight += CENTRAL_ACTORS * _actors(state, item.content)
    if not clause:
        weight -= FRAGMENT_PENALTY
    words = sum(len(piece.of(state.text).split()) for piece in item.content)
    if item.direct and words < SHORT_QUOTE:
        weight -= FRAGMENT_PENALTY
    if item.content[0].start < headline_end(state.text):
        weight -= HEADLINE_PENALTY
    return weight


def _actors(state: Analysis, content: tuple[CharInterval, ...]) -> float:
    """How much the story names the most-named party the content names, 0 to 1."""
    counts = [len(group.ranges) for group in state.mentions]
    if not counts:
        return 0.0
    named = [len(group.ranges) for group in state.mentions
             if any(piece.contains(m) for piece in content for m in group.ranges)]
    return max(named, default=0) / max(counts)


def headline_end(text: str) -> int:
    """Where a headline on the first line ends (0 when the first line is no headline):
    a line without a full stop, most of its words capitalised, or a paragraph of its own
    too short to be a lead."""
    end = text.find("\n")
    if end <= 0:
        return 0
    line = text[:end].strip()
    words = line.split()
    capitalised = sum(1 for w in words if w[:1].isupper())
    alone = text[end:end + 2] == "\n\n" and len(words) <= HEADLINE_WORDS
    if len(words) <= 25 and (
        not line.endswith((".", "”", '"')) or capitalised > len(words) / 2 or alone
    ):
        return end
    return 0


def narration_claims(doc: Doc, found: list[Attribution],
                     unknowns: list[CharInterval]) -> list[RankedClaim]:
    """The article's own factual sentences near the top, outside any attribution and
    any unknown ("X did not comment" is an unknown, not a fact the article states)."""
    covered = [piece for item in found for piece in (*item.content, item.cue)] + unknowns
    claims: list[RankedClaim] = []
    text = text_of(doc)
    headline = headline_end(text)
    for number, sent in enumerate(doc.sents):
        if len(claims) >= NARRATION_CLAIMS or number >= NARRATION_REACH:
            break
        span = _trimmed(text, CharInterval(sent.start_char, sent.end_char))
        words = span.of(text).split()
        if span.start < headline or not 8 <= len(words) <= 60 or any(
            piece.overlaps(span) for piece in covered
        ):
            continue
        if QUOTE_MARKS.search(sent.text) or sent.text.rstrip().endswith("?") or not sent.ents:
            continue
        if not any(t.pos_ in ("VERB", "AUX") and t.dep_ == "ROOT" for t in sent):
            continue
        statement = statement_from(span.of(text))
        claim = Claim(id="", statement=statement, source_id=None, attribution="narration",
                      evidence=[Evidence.at(text, span)])
        score = _score(text, span.start, statement) - NARRATION_PENALTY
        claims.append(RankedClaim(claim, score, start=span.start))
    return claims


def rank(claims: list[RankedClaim]) -> list[RankedClaim]:
    """Best first, ties in text order; ids ``c1``, ``c2``, ... in that order."""
    ordered = sorted(claims, key=lambda c: (-c.score, c.start))
    return [replace(item, claim=item.claim.model_copy(update={"id": f"c{number}"}))
            for number, item in enumerate(ordered, start=1)]


def _short_name(party: Party) -> str:
    return min([party.name, *party.aliases], key=len)


def _person_before(state: Analysis, position: int) -> str | None:
    """The shortest name of the person named last before ``position``."""
    near = last_person(state.mentions, position, whole=False)
    return min(state.mentions[near[0]].names, key=len) if near else None


def _is_clause(doc: Doc, found: CharInterval) -> bool:
    """Whether the content has its own subject ('he will win' vs 'to win')."""
    span = doc.char_span(found.start, found.end, alignment_mode="expand")
    if span is None or span[0].is_punct:
        return True
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in span.root.children)


def _trimmed(text: str, found: CharInterval) -> CharInterval:
    start, end = found.start, found.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return CharInterval(start, end)


def _score(text: str, start: int, statement: str) -> float:
    """Earlier and mid-length statements first; one that opens on a pronoun does not
    stand alone, and comes after those that do."""
    position = 1.0 - start / max(len(text), 1)
    words = statement.split()
    length = 0.2 if 8 <= len(words) <= 45 else (-0.4 if len(words) < 4 else 0.0)
    opens_on_pronoun = bool(words) and words[0].lower() in PRONOUN_OPENERS
    return position + length - (FRAGMENT_PENALTY if opens_on_pronoun else 0.0)
