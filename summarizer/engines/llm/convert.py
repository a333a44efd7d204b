"""From draft to brief: ground quotes, drop what cannot stand, record why.

Quotes become evidence with offsets from the ``Checker``'s ``Grounder`` only.
Claims and unknowns left without evidence are dropped; duplicate ids and
dangling references are removed, keeping each item where it still makes sense.
Every drop is a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from summarizer.engines.llm.draft import Checker, DraftBrief, DraftSource
from summarizer.schema import Claim, Evidence, OpenQuestion, Party, Source, Unknown
from summarizer.text import clip


@dataclass
class Parts:
    """An ArticleBrief's content before meta is known."""

    summary: str
    parties: list[Party] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)
    open_questions: list[OpenQuestion] = field(default_factory=list)


class _Quoted(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def evidence(self) -> list[str]: ...


D = TypeVar("D", bound=_Quoted)
B = TypeVar("B")


def ground(
    quotes: list[str], owner: str, checker: Checker, offset: int, warnings: list[str]
) -> list[Evidence]:
    """Evidence for ``quotes`` found in the checker's text, moved by ``offset`` into the article.

    ``owner`` names the item in the warning for each quote that is not found.
    """
    found: list[Evidence] = []
    for quote in quotes:
        evidence = checker.evidence(quote)
        if evidence is None:
            warnings.append(f"{owner}: dropped a quote not found in the article: {clip(quote)!r}")
            continue
        moved = evidence.interval.shifted(offset)
        shifted = Evidence(text=evidence.text, start=moved.start, end=moved.end)
        if shifted not in found:
            found.append(shifted)
    return found


def _supported(
    drafts: Sequence[D],
    kind: str,
    build: Callable[[D, list[Evidence]], B],
    checker: Checker,
    offset: int,
    warnings: list[str],
) -> list[B]:
    """Items built from the drafts that keep some evidence; the others dropped with a warning."""
    kept = []
    for item in drafts:
        evidence = ground(item.evidence, f"{kind} {item.id}", checker, offset, warnings)
        if evidence:
            kept.append(build(item, evidence))
        else:
            warnings.append(f"{kind} {item.id} dropped: no quote from the article supports it")
    return kept


def to_parts(draft: DraftBrief, checker: Checker, offset: int, warnings: list[str]) -> Parts:
    """Ground every quote; claims and unknowns left without evidence are dropped."""
    parts = Parts(summary=draft.summary)
    parts.parties = [
        Party(id=p.id, name=p.name, kind=p.kind, aliases=p.aliases) for p in draft.parties
    ]
    parts.sources = [_source(s, checker, offset, warnings) for s in draft.sources]
    parts.claims = _supported(
        draft.claims, "claim",
        lambda c, evidence: Claim(id=c.id, statement=c.statement, source_id=c.source_id,
                                  attribution=c.attribution, evidence=evidence),
        checker, offset, warnings,
    )  # fmt: skip
    parts.unknowns = _supported(
        draft.unknowns, "unknown",
        lambda u, evidence: Unknown(id=u.id, statement=u.statement, evidence=evidence),
        checker, offset, warnings,
    )  # fmt: skip
    parts.open_questions = [
        OpenQuestion(question=q.question, based_on=q.based_on) for q in draft.open_questions
    ]
    resolve_references(parts, warnings)
    return parts


def _source(draft: DraftSource, checker: Checker, offset: int, warnings: list[str]) -> Source:
    """The source with its grounded quotes; unlike a claim, it is kept without any."""
    return Source(
        id=draft.id, label=draft.label, anonymous=draft.anonymous, party_id=draft.party_id,
        count=draft.count if draft.count and draft.count >= 1 else None,
        anonymity_reason=draft.anonymity_reason,
        evidence=ground(draft.evidence, f"source {draft.id}", checker, offset, warnings),
    )  # fmt: skip


def resolve_references(parts: Parts, warnings: list[str]) -> None:
    """Drop duplicate ids and dangling references, keeping each item where it still makes sense."""
    _drop_duplicate_ids(parts, warnings)
    party_ids = {p.id for p in parts.parties}
    for source in parts.sources:
        if source.party_id is not None and source.party_id not in party_ids:
            warnings.append(f"source {source.id}: removed link to unknown party {source.party_id}")
            source.party_id = None
    source_ids = {s.id for s in parts.sources}
    kept_claims = []
    for claim in parts.claims:
        if claim.source_id is not None and claim.source_id not in source_ids:
            warnings.append(f"claim {claim.id} dropped: it names unknown source {claim.source_id}")
        else:
            kept_claims.append(claim)
    parts.claims = kept_claims
    targets = source_ids | {c.id for c in parts.claims} | {u.id for u in parts.unknowns}
    for question in parts.open_questions:
        dangling = [ref for ref in question.based_on if ref not in targets]
        if dangling:
            warnings.append(
                f"open question {clip(question.question, 40)!r}: removed unknown ids {dangling}"
            )
            question.based_on = [ref for ref in question.based_on if ref in targets]


def _drop_duplicate_ids(parts: Parts, warnings: list[str]) -> None:
    """Keep the first item of each id, over parties, sources, claims and unknowns together."""
    seen: set[str] = set()

    def unique(items: list[Any], kind: str) -> list[Any]:
        kept = []
        for item in items:
            if item.id in seen:
                warnings.append(f"{kind} {item.id} dropped: its id is used twice")
                continue
            seen.add(item.id)
            kept.append(item)
        return kept

    parts.parties = unique(parts.parties, "party")
    parts.sources = unique(parts.sources, "source")
    parts.claims = unique(parts.claims, "claim")
    parts.unknowns = unique(parts.unknowns, "unknown")
