"""Split a long article into overlapping chunks, and merge the chunks' briefs.

Sentences are found by a small regex splitter (no spaCy: it must be fast). A
sentence ends at ``.``, ``!``, ``?`` or ``…`` (plus closing quotes/brackets)
followed by whitespace, unless the word before the full stop is a known
abbreviation ("Mr.", "Nov.", "U.S.", an initial "J."), or the next word starts in
lower case. A line break always ends a sentence (headlines, paragraphs).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from summarizer.batch.cache import text_hash
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


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_HasId)
V = TypeVar("V")

#: Rough rule: English text averages about four characters per model token.
CHARS_PER_TOKEN = 4

# fmt: off
_ABBREVIATIONS = frozenset([
    "mr", "mrs", "ms", "mx", "dr", "prof", "sr", "jr", "st", "mt", "ft", "rev", "hon", "gov",
    "sen", "rep", "gen", "lt", "col", "maj", "capt", "cmdr", "sgt", "adm", "pres", "supt",
    "insp", "det", "atty", "amb", "ret", "inc", "corp", "co", "ltd", "llc", "plc", "bros",
    "dept", "univ", "assn", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun",
    "vs", "etc", "al", "approx", "est", "fig", "ca", "cf", "ie", "eg",
    "sens", "reps", "govs", "gens", "drs", "messrs", "mmes", "lts", "cols",
    # US states, AP style (not those that are also common words: Wash., Miss.)
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan",
    "kans", "ky", "la", "md", "mass", "mich", "minn", "mo", "mont", "neb", "nev", "okla",
    "ore", "pa", "tenn", "vt", "va", "wis", "wyo",
])
# fmt: on
# Only abbreviations before a number: "No. 3", "Art. 5", "p. 12".
_NUMBER_ABBREVIATIONS = frozenset(["no", "nos", "art", "vol", "pp", "p", "ch", "sec", "para"])

_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*(?=\s)|\n")
_LAST_WORD = re.compile(r"[\w.'\u2019-]+$")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\.?$")


@dataclass(frozen=True)
class Chunk:
    """A piece of the article: ``text == article[start:end]``."""

    start: int
    end: int
    text: str


def estimate_tokens(text: str) -> int:
    """Cheap token estimate: one token per ``CHARS_PER_TOKEN`` characters, rounded up."""
    return -(-len(text) // CHARS_PER_TOKEN)


def _span_tokens(start: int, end: int) -> int:
    """``estimate_tokens(text[start:end])`` without copying the text."""
    return -(-(end - start) // CHARS_PER_TOKEN)


def _is_abbreviation(text: str, stop: int, next_char: str) -> bool:
    """Whether the full stop ending at ``stop`` belongs to a word, not a sentence end."""
    word_match = _LAST_WORD.search(text, max(0, stop - 30), stop)
    if word_match is None:
        return False
    word = word_match.group().rstrip(".").lower()
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return True
    if _DOTTED.search(word_match.group()):  # "U.S.", "a.m."
        return True
    if word in _NUMBER_ABBREVIATIONS:
        return next_char.isdigit()
    return word in _ABBREVIATIONS


def sentence_starts(text: str) -> list[int]:
    """Offsets where sentences start; the first is 0. Sentences keep trailing spaces."""
    starts = [0]
    for m in _SENTENCE_END.finditer(text):
        nxt = m.end()
        while nxt < len(text) and text[nxt].isspace():
            nxt += 1
        if nxt >= len(text):
            break
        if m.group() != "\n":
            if text[nxt].islower():
                continue
            if m.group()[-1] == "." and _is_abbreviation(text, m.end(), text[nxt]):
                continue
        if nxt > starts[-1]:
            starts.append(nxt)
    return starts


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    starts = sentence_starts(text)
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def _split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into pieces of at most ``max_chars``, at whitespace if possible."""
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        cut = start + max_chars
        space = max(text.rfind(" ", start + 1, cut), text.rfind("\n", start + 1, cut))
        if space > start:
            cut = space + 1
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def _units(text: str, max_tokens: int) -> list[tuple[int, int]]:
    """Sentences, with any sentence over the budget cut into pieces that fit."""
    max_chars = max_tokens * CHARS_PER_TOKEN
    units: list[tuple[int, int]] = []
    for start, end in _sentence_spans(text):
        if _span_tokens(start, end) > max_tokens:
            units.extend(_split_long(text, start, end, max_chars))
        else:
            units.append((start, end))
    return units


def split_article(text: str, max_tokens: int, overlap_sentences: int = 2) -> list[Chunk]:
    """Chunks of whole sentences within ``max_tokens`` each (``estimate_tokens``).

    Consecutive chunks share ``overlap_sentences`` sentences (fewer when a chunk
    holds too few to share that many and still move on). The chunks cover the
    text from 0 to ``len(text)``.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    if overlap_sentences < 0:
        raise ValueError(f"overlap_sentences must be 0 or more, got {overlap_sentences}")
    if estimate_tokens(text) <= max_tokens:
        return [Chunk(0, len(text), text)]
    units = _units(text, max_tokens)
    chunks: list[Chunk] = []
    first = 0
    while True:
        last = first + 1
        while last < len(units) and _span_tokens(units[first][0], units[last][1]) <= max_tokens:
            last += 1
        start, end = units[first][0], units[last - 1][1]
        chunks.append(Chunk(start, end, text[start:end]))
        if last == len(units):
            return chunks
        first = max(first + 1, last - overlap_sentences)


# --------------------------------------------------------------------------- #
# Merging the briefs of the chunks
# --------------------------------------------------------------------------- #

_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_SUMMARY_SENTENCES = 4


def _key(text: str) -> str:
    """Case-, punctuation- and whitespace-insensitive form of a name or sentence."""
    return _SPACES.sub(" ", _PUNCT.sub(" ", text.casefold())).strip()


def _overlap(a: list[Evidence], b: list[Evidence]) -> bool:
    return any(x.start < y.end and y.start < x.end for x in a for y in b)


def _union_evidence(groups: list[list[Evidence]]) -> list[Evidence]:
    spans = {(e.start, e.end): e for group in groups for e in group}
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
    return sum(e.end - e.start for e in item.evidence), len(item.statement)


def _same_statement(a: Claim | Unknown, b: Claim | Unknown) -> bool:
    return _overlap(a.evidence, b.evidence) or _key(a.statement) == _key(b.statement)


class _Merger:
    def __init__(self, text: str, parts: list[ArticleBrief]) -> None:
        self.text = text
        self.dropped = 0
        self.parts = [self._grounded(part) for part in parts]
        self.ids: list[dict[str, str]] = [{} for _ in parts]  # per part: old id -> new id

    def _keep(self, evidence: list[Evidence]) -> list[Evidence]:
        kept = [e for e in evidence if self.text[e.start : e.end] == e.text]
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
            for start, end in _sentence_spans(part.summary):
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
