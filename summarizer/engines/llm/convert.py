"""From draft to brief: ids given, references mended, quotes grounded, every change noted.

* ids: an item without one gets its position (``c3``); a duplicate gets the
  next free id of its kind;
* references are mended rather than dropped: a claim whose ``source`` is a
  party id (or a party's or source's name) goes to the source of that party;
  a claim whose source cannot be found is kept without one; a source with an
  empty label takes its first quote, or its party's name, as label (one with
  neither, cited by no claim, is dropped);
* quotes become evidence with offsets from the ``Checker``'s ``Grounder``
  only, all of one answer together (``Grounder.assign``): each occurrence of a
  repeated quote goes to the item whose other evidence (or whose source's
  evidence) is nearest. Claims and unknowns left without evidence are dropped.

Every change that is not a pure spelling fix is a warning. An answer holding
nothing is an ``ExtractionError``; one without claims carries a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from summarizer.engines.llm.draft import Checker, DraftBrief
from summarizer.engines.llm.lenient import ID_PREFIX
from summarizer.errors import ExtractionError
from summarizer.grounding import QuoteRequest
from summarizer.schema import Claim, Evidence, OpenQuestion, Party, Source, Unknown
from summarizer.text import clip

NO_CLAIMS = "the model found no claim in the article"
UNLABELLED = "unnamed source"


@dataclass
class Parts:
    """An ArticleBrief's content before meta is known."""

    summary: str
    parties: list[Party] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)
    open_questions: list[OpenQuestion] = field(default_factory=list)


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
        shifted = _shifted(evidence, offset)
        if shifted not in found:
            found.append(shifted)
    return found


def _shifted(evidence: Evidence, offset: int) -> Evidence:
    moved = evidence.interval.shifted(offset)
    return Evidence(text=evidence.text, start=moved.start, end=moved.end)


# --------------------------------------------------------------------------- ids


def assign_ids(draft: DraftBrief, warnings: list[str]) -> dict[str, list[str]]:
    """An id for every party, source, claim and unknown, unique over all four, in order."""
    lists = {name: getattr(draft, name) for name in ID_PREFIX}
    explicit = [item.id for items in lists.values() for item in items if item.id]
    taken: set[str] = set()
    ids: dict[str, list[str]] = {}
    for name, items in lists.items():
        prefix, ids[name] = ID_PREFIX[name], []
        for position, item in enumerate(items, start=1):
            wanted = item.id or f"{prefix}{position}"
            if wanted in taken or (not item.id and wanted in explicit):
                number = position
                while f"{prefix}{number}" in taken or f"{prefix}{number}" in explicit:
                    number += 1
                if item.id:
                    warnings.append(
                        f"{name} item {position}: id {item.id} used twice, renamed {prefix}{number}"
                    )
                wanted = f"{prefix}{number}"
            taken.add(wanted)
            ids[name].append(wanted)
    return ids


# --------------------------------------------------------------------------- grounding


class _Grounding:
    """Every quote of one answer grounded together, so repeats go where their item is."""

    def __init__(self, checker: Checker, offset: int) -> None:
        self.checker, self.offset = checker, offset
        self.requests: list[QuoteRequest] = []
        self.owners: list[tuple[str, int]] = []  # (list name, index) per request

    def hint(self, quotes: Sequence[str]) -> int | None:
        """Where the item is: the start of its first quote found only once."""
        for quote in quotes:
            found = self.checker.grounder.find_all(quote)
            if len(found) == 1:
                return found[0].start
        return None

    def add(self, name: str, index: int, quotes: Sequence[str], near: int | None) -> None:
        for quote in quotes:
            self.requests.append(QuoteRequest(quote, near))
            self.owners.append((name, index))

    def run(
        self, warnings: list[str], labels: dict[tuple[str, int], str]
    ) -> dict[tuple[str, int], list[Evidence]]:
        matches = self.checker.grounder.assign(self.requests) if self.requests else []
        evidence: dict[tuple[str, int], list[Evidence]] = {}
        for request, owner, match in zip(self.requests, self.owners, matches, strict=True):
            found = evidence.setdefault(owner, [])
            if match is None:
                warnings.append(
                    f"{labels[owner]}: dropped a quote not found in the article: "
                    f"{clip(request.quote)!r}"
                )
                continue
            shifted = _shifted(self.checker.grounder.evidence_at(match.interval), self.offset)
            if shifted not in found:
                found.append(shifted)
        return evidence


# --------------------------------------------------------------------------- the brief


def to_parts(draft: DraftBrief, checker: Checker, offset: int, warnings: list[str]) -> Parts:
    """The brief's content from ``draft``: see the module docstring.

    ExtractionError when the answer holds nothing at all.
    """
    warnings.extend(note for note in checker.notes if note not in warnings)
    checker.notes = []
    if draft.is_empty():
        raise ExtractionError(
            "the model's answer held no brief (no summary, parties, sources, claims or "
            "unknowns): try another --mode or a stronger model"
        )
    ids = assign_ids(draft, warnings)
    parts = Parts(summary=draft.summary)
    parties = [Party(id=i, name=p.name, kind=p.kind, aliases=p.aliases)
               for i, p in zip(ids["parties"], draft.parties, strict=True)]  # fmt: skip
    parts.parties = parties
    party_of = _names(parties)

    grounding = _Grounding(checker, offset)
    labels: dict[tuple[str, int], str] = {}
    source_hint: dict[str, int | None] = {}
    for n, (sid, s) in enumerate(zip(ids["sources"], draft.sources, strict=True)):
        near = grounding.hint(s.quotes)
        source_hint[sid] = near
        grounding.add("sources", n, s.quotes, near)
        labels["sources", n] = f"source {sid}"
    for name, kind in (("claims", "claim"), ("unknowns", "unknown")):
        for n, (item_id, item) in enumerate(zip(ids[name], getattr(draft, name), strict=True)):
            near = grounding.hint(item.quotes)
            if near is None and name == "claims":
                near = source_hint.get(item.source or "")
            grounding.add(name, n, item.quotes, near)
            labels[name, n] = f"{kind} {item_id}"
    evidence = grounding.run(warnings, labels)

    cited = {c.source for c in draft.claims}
    for n, (sid, s) in enumerate(zip(ids["sources"], draft.sources, strict=True)):
        found = evidence.get(("sources", n), [])
        party = _party(s.party, party_of, f"source {sid}", warnings)
        label = s.label.strip()
        if not label:
            named = next((p.name for p in parties if p.id == party), None)
            if not (found or named or sid in cited):
                warnings.append(f"source {sid} dropped: no label, no quote and no claim")
                continue
            label = found[0].text if found else named or UNLABELLED
            warnings.append(f"source {sid}: no label given, labelled {clip(label)!r}")
        parts.sources.append(Source(
            id=sid, label=label, anonymous=s.anonymous, party_id=party,
            count=s.count if s.count and s.count >= 1 else None,
            anonymity_reason=s.anonymity_reason or None, evidence=found,
        ))  # fmt: skip

    source_of = _sources(parts.sources, party_of)
    for n, (cid, c) in enumerate(zip(ids["claims"], draft.claims, strict=True)):
        found = evidence.get(("claims", n), [])
        if not found:
            warnings.append(f"claim {cid} dropped: no quote from the article supports it")
            continue
        source = _claim_source(c.source, source_of, party_of, f"claim {cid}", warnings)
        parts.claims.append(Claim(id=cid, statement=c.statement, source_id=source,
                                  attribution=c.kind, evidence=found))  # fmt: skip
    for n, (uid, u) in enumerate(zip(ids["unknowns"], draft.unknowns, strict=True)):
        found = evidence.get(("unknowns", n), [])
        if not found:
            warnings.append(f"unknown {uid} dropped: no quote from the article supports it")
            continue
        parts.unknowns.append(Unknown(id=uid, statement=u.statement, evidence=found))

    targets = {s.id for s in parts.sources} | {c.id for c in parts.claims}
    targets |= {u.id for u in parts.unknowns}
    for q in draft.questions:
        dangling = [ref for ref in q.based_on if ref not in targets]
        if dangling:
            warnings.append(
                f"open question {clip(q.question, 40)!r}: removed unknown ids {dangling}"
            )
        kept = [ref for ref in dict.fromkeys(q.based_on) if ref in targets]
        parts.open_questions.append(OpenQuestion(question=q.question, based_on=kept))
    if not parts.claims:
        warnings.append(NO_CLAIMS)
    return parts


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _names(parties: list[Party]) -> dict[str, str]:
    """Party id by its id, name and aliases (case-insensitive)."""
    found: dict[str, str] = {}
    for p in parties:
        for name in (p.id, p.name, *p.aliases):
            found.setdefault(_key(name), p.id)
    return found


def _party(ref: str | None, party_of: dict[str, str], owner: str, warnings: list[str]) -> Any:
    if ref is None:
        return None
    party = party_of.get(_key(ref))
    if party is None:
        warnings.append(f"{owner}: removed link to unknown party {ref}")
    return party


def _sources(sources: list[Source], party_of: dict[str, str]) -> dict[str, str]:
    """Source id by its id, its label, and (first source of each) its party."""
    found: dict[str, str] = {}
    for s in sources:
        found.setdefault(_key(s.id), s.id)
    for s in sources:
        found.setdefault(_key(s.label), s.id)
        if s.party_id is not None:
            found.setdefault(f"party:{s.party_id}", s.id)
    return found


def _claim_source(
    ref: str | None,
    source_of: dict[str, str],
    party_of: dict[str, str],
    owner: str,
    warnings: list[str],
) -> str | None:
    """The source id ``ref`` means: a source's id or label, or a party that is a source."""
    if ref is None or not ref.strip() or _key(ref) in ("null", "none", "the article", "article"):
        return None
    key = _key(ref)
    if key in source_of:
        return source_of[key]
    party = party_of.get(key)
    if party is not None and f"party:{party}" in source_of:
        source = source_of[f"party:{party}"]
        warnings.append(f"{owner}: source {ref} is a party; read as its source {source}")
        return source
    warnings.append(f"{owner}: names unknown source {ref}; kept without a source")
    return None
