"""Merge the briefs of an article's chunks into one brief, every id remapped."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from summarizer.schema import (
    ArticleBrief,
    Claim,
    Evidence,
    Meta,
    OpenQuestion,
    Party,
    Source,
    Unknown,
    Usage,
)
from summarizer.spans import any_overlap
from summarizer.text import sentence_spans, text_hash


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_HasId)
V = TypeVar("V")


_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_SUMMARY_SENTENCES = 4


def _key(text: str) -> str:
    """Case-, punctuation- and whitespace-insensitive form of a name or sentence."""
    return _SPACES.sub(" ", _PUNCT.sub(" ", text.casefold())).strip()


def _overlap(a: list[Evidence], b: list[Evidence]) -> bool:
    return any_overlap([e.interval for e in a], [e.interval for e in b])


def _union_evidence(groups: list[list[Evidence]]) -> list[Evidence]:
    """Each span once, in article order."""
    spans = {e.interval: e for group in groups for e in group}
    return [spans[span] for span in sorted(spans)]


class _Groups:
    """Union-find over item indexes; groups come out in first-seen order."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.root(i), self.root(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def members(self) -> list[list[int]]:
        groups: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            groups.setdefault(self.root(i), []).append(i)
        return list(groups.values())


def _cluster(
    items: list[tuple[int, T]], same: Callable[[tuple[int, T], tuple[int, T]], bool]
) -> list[list[tuple[int, T]]]:
    """Group (part, item) pairs. Items of the same part never link directly: the
    model listed them separately on purpose."""
    groups = _Groups(len(items))
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            if a[0] != items[j][0] and same(a, items[j]):
                groups.join(i, j)
    return [[items[k] for k in group] for group in groups.members()]


def _first(values: Iterable[V | None]) -> V | None:
    return next((v for v in values if v is not None), None)


def _weight(item: Claim | Unknown) -> tuple[int, int]:
    """Better grounded (more evidence text) first, then the longer statement."""
    return sum(len(e.interval) for e in item.evidence), len(item.statement)


def _same_statement(a: Claim | Unknown, b: Claim | Unknown) -> bool:
    return _overlap(a.evidence, b.evidence) or _key(a.statement) == _key(b.statement)


class _Merger:
    def __init__(self, text: str, parts: list[ArticleBrief]) -> None:
        self.text = text
        self.dropped = 0
        self.parts = [self._grounded(part) for part in parts]
        self.ids: list[dict[str, str]] = [{} for _ in parts]  # per part: old id -> new id

    def _keep(self, evidence: list[Evidence]) -> list[Evidence]:
        kept = [e for e in evidence if e.grounded_in(self.text)]
        self.dropped += len(evidence) - len(kept)
        return kept

    def _grounded(self, part: ArticleBrief) -> ArticleBrief:
        """A copy of ``part`` without evidence that is not the article's text."""
        update = {
            name: [x.model_copy(update={"evidence": self._keep(x.evidence)}) for x in group]
            for name, group in (
                ("sources", part.sources),
                ("claims", part.claims),
                ("unknowns", part.unknowns),
            )
        }
        return part.model_copy(update=update)

    def _renumber(self, prefix: str, groups: list[list[tuple[int, T]]]) -> list[str]:
        new_ids = []
        for n, group in enumerate(groups, 1):
            new_ids.append(f"{prefix}{n}")
            for part, item in group:
                self.ids[part][item.id] = new_ids[-1]
        return new_ids

    def _new(self, part: int, old: str | None) -> str | None:
        return None if old is None else self.ids[part].get(old)

    def parties(self) -> list[Party]:
        items = [(i, p) for i, part in enumerate(self.parts) for p in part.parties]
        groups = _cluster(items, lambda a, b: bool(_names(a[1]) & _names(b[1])))
        return [
            _merged_party(new_id, [p for _, p in group])
            for new_id, group in zip(self._renumber("p", groups), groups, strict=True)
        ]

    def _same_source(self, a: tuple[int, Source], b: tuple[int, Source]) -> bool:
        (pa, sa), (pb, sb) = a, b
        party = self._new(pa, sa.party_id)
        same_party = party is not None and party == self._new(pb, sb.party_id)
        return (
            _key(sa.label) == _key(sb.label)
            or _overlap(sa.evidence, sb.evidence)
            or (same_party and not sa.anonymous and not sb.anonymous)
        )

    def sources(self) -> list[Source]:
        items = [(i, s) for i, part in enumerate(self.parts) for s in part.sources]
        groups = _cluster(items, self._same_source)
        return [
            Source(
                id=new_id,
                label=group[0][1].label,
                anonymous=group[0][1].anonymous,
                party_id=_first(self._new(i, s.party_id) for i, s in group),
                count=_first(s.count for _, s in group),
                anonymity_reason=_first(s.anonymity_reason for _, s in group),
                evidence=_union_evidence([s.evidence for _, s in group]),
            )
            for new_id, group in zip(self._renumber("s", groups), groups, strict=True)
        ]

    def claims(self) -> list[Claim]:
        items = [(i, c) for i, part in enumerate(self.parts) for c in part.claims]
        groups = _cluster(items, lambda a, b: _same_statement(a[1], b[1]))
        merged = []
        for new_id, group in zip(self._renumber("c", groups), groups, strict=True):
            part, best = max(group, key=lambda pair: _weight(pair[1]))
            merged.append(
                Claim(
                    id=new_id,
                    statement=best.statement,
                    source_id=self._new(part, best.source_id),
                    attribution=best.attribution,
                    evidence=_union_evidence([c.evidence for _, c in group]),
                )
            )
        return merged

    def unknowns(self) -> list[Unknown]:
        items = [(i, u) for i, part in enumerate(self.parts) for u in part.unknowns]
        groups = _cluster(items, lambda a, b: _same_statement(a[1], b[1]))
        return [
            Unknown(
                id=new_id,
                statement=max((u for _, u in group), key=_weight).statement,
                evidence=_union_evidence([u.evidence for _, u in group]),
            )
            for new_id, group in zip(self._renumber("u", groups), groups, strict=True)
        ]

    def open_questions(self) -> list[OpenQuestion]:
        merged: dict[str, OpenQuestion] = {}
        for i, part in enumerate(self.parts):
            for q in part.open_questions:
                refs = [r for r in (self._new(i, ref) for ref in q.based_on) if r is not None]
                kept = merged.setdefault(_key(q.question), OpenQuestion(question=q.question))
                kept.based_on.extend(r for r in refs if r not in kept.based_on)
        return list(merged.values())

    def summary(self) -> str:
        sentences: dict[str, str] = {}
        for part in self.parts:
            for start, end in sentence_spans(part.summary):
                sentence = part.summary[start:end].strip()
                if sentence:
                    sentences.setdefault(_key(sentence), sentence)
        return " ".join(list(sentences.values())[:_SUMMARY_SENTENCES])

    def meta(self) -> Meta:
        first = self.parts[0].meta
        warnings = [w for part in self.parts for w in part.meta.warnings]
        if self.dropped:
            warnings.append(
                f"merge dropped {self.dropped} evidence span(s) not matching the article"
            )
        return Meta(
            schema_version=first.schema_version,
            engine=first.engine,
            model=first.model,
            prompt_version=first.prompt_version,
            usage=sum((p.meta.usage for p in self.parts), Usage()),
            attempts=sum(p.meta.attempts for p in self.parts),
            seconds=sum(p.meta.seconds for p in self.parts),
            chunks=len(self.parts),
            article_sha256=text_hash(self.text),
            article_chars=len(self.text),
            warnings=list(dict.fromkeys(warnings)),
        )


def _names(party: Party) -> set[str]:
    return {k for k in map(_key, [party.name, *party.aliases]) if k}


def _merged_party(new_id: str, group: list[Party]) -> Party:
    name = max((p.name for p in group), key=len)  # the fullest name
    aliases: dict[str, str] = {}
    for party in group:
        for alias in [party.name, *party.aliases]:
            if _key(alias) and _key(alias) != _key(name):
                aliases.setdefault(_key(alias), alias)
    return Party(id=new_id, name=name, kind=group[0].kind, aliases=list(aliases.values()))


def merge_briefs(text: str, parts: list[ArticleBrief]) -> ArticleBrief:
    """One brief of ``text`` from the briefs of its chunks.

    Evidence offsets in ``parts`` must already index into ``text``; evidence that
    does not match ``text`` is dropped with a warning. Duplicates that the chunk
    overlap produces are merged (parties by shared names, sources by label,
    evidence or party, claims and unknowns by overlapping evidence or equal
    statement), ids are renumbered p1.., s1.., c1.., u1.. and every reference is
    remapped.
    """
    if not parts:
        raise ValueError("merge_briefs needs at least one brief")
    merger = _Merger(text, parts)
    parties = merger.parties()  # ids of parties first: sources refer to them
    sources = merger.sources()  # then sources: claims refer to them
    claims = merger.claims()
    unknowns = merger.unknowns()
    return ArticleBrief(
        summary=merger.summary(),
        parties=parties,
        sources=sources,
        claims=claims,
        unknowns=unknowns,
        open_questions=merger.open_questions(),
        meta=merger.meta(),
    )
