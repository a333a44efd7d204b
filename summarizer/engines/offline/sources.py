"""Sources for the offline engine: who each attribution rests on.

Named sources link to the party their head word names; descriptions of people
that name nobody ("McConnell aides", "many lawmakers") are anonymous and keep
their count and stated reason for anonymity; pronouns ("he said"), bare plurals
("sources said") and definite descriptions ("the sources noted", "the members
wrote") resolve to the nearest fitting source before them; outlets that relay a
statement ("told the Washington Post") are sources of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from summarizer.engines.offline.attribution import Attribution, Range
from summarizer.engines.offline.parties import PartyMention, clean_name, party_at
from summarizer.schema import Evidence, Source
from summarizer.text import word_set

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

ANONYMOUS_HEADS = word_set(
    "source official aide adviser advisor person people insider ally diplomat staffer "
    "operative strategist associate confidant officer member friend employee"
)
# Other nouns for people: a description built on one ("many lawmakers", "his lawyer") is
# an anonymous source unless it names someone.
PEOPLE_NOUNS = ANONYMOUS_HEADS | word_set(
    "lawmaker legislator analyst expert critic supporter opponent developer investigator "
    "prosecutor lawyer attorney spokesman spokeswoman spokesperson advocate activist "
    "observer economist researcher scientist historian pollster voter resident witness "
    "participant organizer group insider donor consultant negotiator representative "
    "delegate republican democrat conservative liberal leader veteran worker protester "
    "some many others several most few"
)
DEFINITE = word_set("the this that these those")
PERSON_PRONOUNS = word_set("he she him her")
OTHER_PRONOUNS = word_set("i we they it you me us them")
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1, "another": 1}


@dataclass
class SourceDraft:
    label: str
    anonymous: bool
    party: int | None = None
    count: int | None = None
    reason: str | None = None
    ranges: list[Range] = field(default_factory=list)
    head: str = ""  # lemma of the description's head noun, for back-references

    def mention(self, found: Range) -> None:
        if found not in self.ranges:
            self.ranges.append(found)


@dataclass
class SourceTable:
    """Sources in order of first mention, and which source each attribution has."""

    drafts: list[SourceDraft] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)
    of_attribution: dict[int, int] = field(default_factory=dict)

    def add(self, key: str, draft: SourceDraft, found: Range) -> int:
        index = self.keys.get(key)
        if index is None:
            index = len(self.drafts)
            self.keys[key] = index
            self.drafts.append(draft)
        self.drafts[index].mention(found)
        return index


def _count(head: Token) -> int | None:
    for child in head.children:
        if child.dep_ in ("nummod", "det", "quantmod") and child.lower_ in NUMBERS:
            return NUMBERS[child.lower_]
        if child.dep_ == "nummod" and child.text.isdigit():
            return int(child.text)
    return 1 if head.tag_ == "NN" else None


def _is_anonymous(head: Token) -> bool:
    """A description of people that names nobody ('McConnell aides' names no aide)."""
    if head.lemma_.lower() not in PEOPLE_NOUNS and head.lower_ not in PEOPLE_NOUNS:
        return False
    return not (head.ent_type_ in ("PERSON", "ORG", "GPE") and head.pos_ == "PROPN")


def _is_back_reference(head: Token) -> bool:
    """'the sources', 'the source': a description that points back, not a new source."""
    children = [c for c in head.children if c.dep_ != "punct"]
    return len(children) == 1 and children[0].lower_ in ("the", "these", "those")


def _is_bare(head: Token) -> bool:
    """'sources said': a plural with no words of its own."""
    return head.tag_ == "NNS" and not [c for c in head.children if c.dep_ != "punct"]


def _is_definite(head: Token) -> bool:
    return head.pos_ == "NOUN" and any(
        c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in head.children
    )


def _nearest_person(parties: list[PartyMention], before: int) -> tuple[int, Range] | None:
    best: tuple[int, Range] | None = None
    for index, group in enumerate(parties):
        if group.kind != "person":
            continue
        for found in group.ranges:
            if found[1] <= before and (best is None or found[0] > best[1][0]):
                best = (index, found)
    return best


def _nearest_source(table: SourceTable, before: int, anonymous: bool | None,
                    head: str | None = None) -> int | None:
    best: tuple[int, int] | None = None
    for index, draft in enumerate(table.drafts):
        if anonymous is not None and draft.anonymous != anonymous:
            continue
        if head is not None and draft.head != head:
            continue
        for found in draft.ranges:
            if found[1] <= before and (best is None or found[0] > best[1]):
                best = (index, found[0])
    return best[0] if best else None


def _label(text: str, found: Range) -> str:
    return text[found[0] : found[1]]


def resolve(doc: Doc, found: list[Attribution], parties: list[PartyMention]) -> SourceTable:
    table = SourceTable()
    text = doc.text  # built from the tokens on every access: read it once
    for number, item in enumerate(found):
        if item.source is None or item.source_head is None:
            continue
        index = _resolve_one(doc, text, item, parties, table)
        if index is not None:
            table.of_attribution[number] = index
        _add_outlet(doc, item, parties, table)
    _anonymity_reasons(doc, table)
    return table


def _resolve_one(doc: Doc, text: str, item: Attribution, parties: list[PartyMention],
                 table: SourceTable) -> int | None:
    assert item.source is not None and item.source_head is not None
    head = doc[item.source_head]
    item = replace(item, source=_without_marks(text, item.source))
    assert item.source is not None
    span = doc.char_span(*item.source, alignment_mode="expand")
    tokens = list(span) if span is not None else [head]
    lower = head.lower_
    if head.pos_ == "PRON" and lower in PERSON_PRONOUNS:
        near = _nearest_person(parties, item.source[0])
        if near is None:  # a lead's "he" before anyone is named: the sentence's speaker
            return _nearest_source(table, item.source[0], False)
        return _named(text, near[1], near[0], table)
    if head.pos_ == "PRON" and lower in OTHER_PRONOUNS:
        return _nearest_source(table, item.source[0], None)
    if not any(t.ent_type_ == "PERSON" for t in tokens):
        back = _back_reference(head, item.source, table)
        if back is not None:
            return back
    party = _party_of(text, head, item.source, parties)
    if party is not None:
        return _named(text, item.source, party, table)
    label = _label(text, item.source)
    anonymous = _is_anonymous(head)
    draft = SourceDraft(label=label, anonymous=anonymous, head=head.lemma_.lower(),
                        count=_count(head) if anonymous else None)
    return table.add("label:" + label.lower(), draft, item.source)


def _back_reference(head: Token, found: Range, table: SourceTable) -> int | None:
    """'the sources noted', 'sources said', 'the members wrote': an earlier source."""
    lemma = head.lemma_.lower()
    if _is_bare(head) or _is_definite(head):
        same = _nearest_source(table, found[0], None, head=lemma)
        if same is not None and not (head.tag_ == "NNS" and table.drafts[same].count == 1):
            table.drafts[same].mention(found)
            return same
    if _is_back_reference(head) and lemma in ANONYMOUS_HEADS:
        back = _nearest_source(table, found[0], True)
        if back is not None:
            table.drafts[back].mention(found)
            return back
    return None


def _party_of(text: str, head: Token, found: Range, parties: list[PartyMention]) -> int | None:
    """The party the source names: by its head word, or by its whole label."""
    if head.ent_type_ == "NORP" and any(c.dep_ in ("nummod", "det") for c in head.children):
        return None  # "one Democrat" is a person left unnamed, not the Democrats
    for index, group in enumerate(parties):
        if any(start <= head.idx < end for start, end in group.ranges):
            return index
    if head.pos_ == "PROPN":
        inside = party_at(parties, *found)
        if inside is not None:
            return inside
    label = clean_name(_label(text, found)).lower()
    for index, group in enumerate(parties):
        names = {n.lower() for n in group.names}
        if label in names or (group.kind == "person" and " " not in label and label in {
            n.split()[-1] for n in names
        }):
            return index
    return None


MARKS = "\"“”'‘’ \n\t"


def _without_marks(text: str, found: Range) -> Range:
    """A source span without stray quote marks or line breaks at its ends."""
    start, end = found
    while start < end - 1 and text[start] in MARKS:
        start += 1
    while end > start + 1 and text[end - 1] in MARKS:
        end -= 1
    return start, end


def _named(text: str, found: Range, party: int, table: SourceTable) -> int:
    draft = SourceDraft(label=_label(text, found), anonymous=False, party=party)
    return table.add(f"party:{party}", draft, found)


def _add_outlet(doc: Doc, item: Attribution, parties: list[PartyMention],
                table: SourceTable) -> None:
    """'... told the Washington Post': the outlet relaying the statement."""
    cue = doc.char_span(*item.cue, alignment_mode="expand")
    if cue is None or cue.root.lemma_ != "tell":
        return
    for child in cue.root.children:
        if child.dep_ in ("dobj", "dative") and child.ent_type_ == "ORG":
            span = doc.char_span(child.left_edge.idx, child.idx + len(child.text))
            if span is None:
                continue
            found = (span.start_char, span.end_char)
            party = party_at(parties, *found)
            draft = SourceDraft(label=span.text, anonymous=False, party=party)
            table.add("label:" + span.text.lower(), draft, found)


def _anonymity_reasons(doc: Doc, table: SourceTable) -> None:
    """'The sources requested anonymity to discuss the sensitive topic.'"""
    for token in doc:
        if token.lower_ != "anonymity":
            continue
        verb = token.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        reason_heads = [c for c in verb.children
                        if c.dep_ in ("xcomp", "advcl") and c.i > token.i]
        if not reason_heads:
            continue
        reason = doc[reason_heads[0].left_edge.i : reason_heads[0].right_edge.i + 1].text
        sent = token.sent
        window_start = _previous_sentence_start(doc, sent.start, 2)
        for draft in table.drafts:
            if draft.anonymous and draft.reason is None and any(
                window_start <= r[0] < sent.end_char for r in draft.ranges
            ):
                draft.reason = reason


def _previous_sentence_start(doc: Doc, token_index: int, back: int) -> int:
    sents = [s for s in doc.sents if s.start <= token_index]
    return sents[max(0, len(sents) - 1 - back)].start_char


def to_sources(table: SourceTable, party_ids: list[str], text: str) -> list[Source]:
    sources = []
    for number, draft in enumerate(table.drafts, start=1):
        evidence = [Evidence(text=text[s:e], start=s, end=e) for s, e in sorted(draft.ranges)]
        sources.append(
            Source(
                id=f"s{number}",
                label=draft.label,
                anonymous=draft.anonymous,
                party_id=party_ids[draft.party] if draft.party is not None else None,
                count=draft.count,
                anonymity_reason=draft.reason,
                evidence=evidence,
            )
        )
    return sources
