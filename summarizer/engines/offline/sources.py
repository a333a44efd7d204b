"""Sources for the offline engine: who each attribution rests on.

Named sources link to the party their head word names; descriptions of people
that name nobody ("McConnell aides", "many lawmakers") are anonymous and keep
their count and stated reason for anonymity; pronouns ("he said"), bare plurals
("sources said") and definite descriptions ("the sources noted", "the members
wrote") resolve to the nearest fitting source before them; outlets that relay a
statement ("told the Washington Post") are sources of their own. A speaker that
resolves to nobody ("they said" before anyone is named) is kept as written.

``resolve`` builds the ``SourceTable`` (one draft per source, and which source each
attribution has); ``to_sources`` turns it into the brief's ``Source`` entries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from summarizer.engines.offline.attribution import Attribution
from summarizer.engines.offline.nlp import text_of
from summarizer.engines.offline.parties import (
    TITLE_WORDS,
    PartyMention,
    clean_name,
    last_person,
    party_at,
)
from summarizer.engines.offline.quotes import Quotes
from summarizer.schema import Evidence, Source
from summarizer.spans import CharInterval
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
# "a number of lawmakers", "dozens of members": the people counted are the source.
QUANTITY_NOUNS = word_set("number dozen dozens handful majority couple lot array host score")
# "the president", "the California congressman": a title that points back to a person.
TITLE_NOUNS = {
    "president": ("president", "president-elect"),
    "chairman": ("chairman", "chair"),
    "chairwoman": ("chairwoman", "chair"),
    "senator": ("senator", "sen."),
    "congressman": ("congressman", "rep.", "representative"),
    "congresswoman": ("congresswoman", "rep.", "representative"),
    "governor": ("governor", "gov."),
    "mayor": ("mayor",),
    "secretary": ("secretary",),
    "minister": ("minister",),
    "chancellor": ("chancellor",),
    "nominee": ("nominee",),
}
SPOKESPEOPLE = word_set("spokesman spokeswoman spokesperson")
DEFINITE = word_set("the this that these those")
PERSON_PRONOUNS = word_set("he she him her")
OTHER_PRONOUNS = word_set("i we they it you me us them")
MARKS = "\"“”'‘’ \n\t"
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1, "another": 1}


@dataclass
class SourceDraft:
    """A source being built: how the article describes it and where."""

    label: str
    anonymous: bool
    party: int | None = None  # index of the party it names
    count: int | None = None
    reason: str | None = None
    ranges: list[CharInterval] = field(default_factory=list)
    head: str = ""  # lemma of the description's head noun, for back-references

    def mention(self, found: CharInterval) -> None:
        if found not in self.ranges:
            self.ranges.append(found)


@dataclass
class SourceTable:
    """Sources in order of first mention, and which source each attribution has."""

    drafts: list[SourceDraft] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)
    of_attribution: dict[int, int] = field(default_factory=dict)

    def add(self, key: str, draft: SourceDraft, found: CharInterval) -> int:
        """The index of the source ``key`` names, made from ``draft`` when new; mentions it."""
        index = self.keys.get(key)
        if index is None:
            index = len(self.drafts)
            self.keys[key] = index
            self.drafts.append(draft)
        self.drafts[index].mention(found)
        return index


def resolve(doc: Doc, found: list[Attribution], parties: list[PartyMention]) -> SourceTable:
    """The sources the attributions rest on, by attribution number."""
    return _Resolver(doc, parties).run(found)


def to_sources(table: SourceTable, party_ids: list[str], text: str) -> list[Source]:
    """The brief's sources, ids in order of first mention."""
    return [
        Source(
            id=f"s{number}",
            label=draft.label,
            anonymous=draft.anonymous,
            party_id=party_ids[draft.party] if draft.party is not None else None,
            count=draft.count,
            anonymity_reason=draft.reason,
            evidence=[Evidence.at(text, found) for found in sorted(draft.ranges)],
        )
        for number, draft in enumerate(table.drafts, start=1)
    ]


def without_marks(text: str, found: CharInterval) -> CharInterval:
    """A source span without stray quote marks or line breaks at its ends."""
    start, end = found.start, found.end
    while start < end - 1 and text[start] in MARKS:
        start += 1
    while end > start + 1 and text[end - 1] in MARKS:
        end -= 1
    return CharInterval(start, end)


# --------------------------------------------------------------------------- #
# Resolution
# --------------------------------------------------------------------------- #


class _Resolver:
    """Builds the source table of one article; each step adds to the table it owns."""

    def __init__(self, doc: Doc, parties: list[PartyMention]) -> None:
        self.doc = doc
        self.text = text_of(doc)
        self.parties = parties
        self.table = SourceTable()
        self.quotes = Quotes(self.text)

    def in_quotation(self, found: CharInterval) -> bool:
        """Whether ``found`` lies in a quotation: words a speaker says, not the narration."""
        return self.quotes.at(found) is not None

    def run(self, found: list[Attribution]) -> SourceTable:
        table = self.table
        for number, item in enumerate(found):
            if item.source is None or item.source_head is None:
                continue
            index = self.speaker(item.source, self.doc[item.source_head])
            if index is not None:
                table.of_attribution[number] = index
            self.outlet(item)
        for index, reason in _anonymity_reasons(self.doc, table.drafts).items():
            table.drafts[index].reason = reason
        for number, item in enumerate(found):
            if number not in table.of_attribution and item.source is not None:
                table.of_attribution[number] = self.as_written(item.source)
        return table

    def speaker(self, source: CharInterval, head: Token) -> int | None:
        """The source a speaker is: a person named before a pronoun, an earlier
        description, a party, or a description of its own."""
        table = self.table
        source = without_marks(self.text, source)
        span = self.doc.char_span(source.start, source.end, alignment_mode="expand")
        tokens = list(span) if span is not None else [head]
        lower = head.lower_
        if head.pos_ == "PRON" and lower in PERSON_PRONOUNS:
            near = last_person(self.parties, source.start, skip=self.in_quotation)
            if near is None:  # a lead's "he" before anyone is named: the sentence's speaker
                return _nearest_source(table, source.start, lambda d: not d.anonymous)
            near = self.subject_of_sentence(near, source.start)
            return self.named(near[1], near[0])
        if head.pos_ == "PRON" and lower in OTHER_PRONOUNS:
            return _nearest_source(table, source.start)
        named = _named_in_apposition(head, tokens)
        if named is not None:  # "a spokeswoman for Acme Corp., Jane Doe"
            head = named
        if not any(t.ent_type_ == "PERSON" for t in tokens):
            back = self.back_reference(head, source)
            if back is not None:
                return back
        party = self.party_of(head, source)
        if party is not None:
            return self.named(source, party)
        titled = self.titled_person(head, tokens, source)
        if titled is not None:
            return titled
        label = source.of(self.text)
        counted = _counted(head)
        anonymous = _is_anonymous(counted)
        draft = SourceDraft(label=label, anonymous=anonymous, head=head.lemma_.lower(),
                            count=_count(head) if anonymous and counted is head else None)
        return table.add("label:" + label.lower(), draft, source)

    def back_reference(self, head: Token, found: CharInterval) -> int | None:
        """'the sources noted', 'sources said', 'the members wrote': an earlier source."""
        table = self.table
        lemma = head.lemma_.lower()
        if _is_bare(head) or _is_definite(head):
            same = _nearest_source(table, found.start, lambda d: d.head == lemma)
            if same is not None and not (head.tag_ == "NNS" and table.drafts[same].count == 1):
                table.drafts[same].mention(found)
                return same
        if _is_back_reference(head) and lemma in ANONYMOUS_HEADS:
            back = _nearest_source(table, found.start, lambda d: d.anonymous)
            if back is not None:
                table.drafts[back].mention(found)
                return back
        return None

    def party_of(self, head: Token, found: CharInterval) -> int | None:
        """The party the source names: by its head word, or by its whole label."""
        if head.ent_type_ == "NORP" and any(c.dep_ in ("nummod", "det") for c in head.children):
            return None  # "one Democrat" is a person left unnamed, not the Democrats
        for index, group in enumerate(self.parties):
            if any(mention.start <= head.idx < mention.end for mention in group.ranges):
                return index
        if head.pos_ == "PROPN":
            inside = party_at(self.parties, found)
            if inside is not None:
                return inside
        label = clean_name(found.of(self.text)).lower()
        for index, group in enumerate(self.parties):
            names = {n.lower() for n in group.names}
            if label in names or (group.kind == "person" and " " not in label and label in {
                n.split()[-1] for n in names
            }):
                return index
        return None

    def subject_of_sentence(self, near: tuple[int, CharInterval],
                            before: int) -> tuple[int, CharInterval]:
        """'Obama said after meeting with Putin. He ...': a person named only after a
        preposition gives way to the subject of that sentence's main verb."""
        span = self.doc.char_span(near[1].start, near[1].end, alignment_mode="expand")
        if span is None or span.root.dep_ != "pobj":
            return near
        sent = span.sent
        best = near
        for index, group in enumerate(self.parties):
            if group.kind != "person":
                continue
            for mention in group.ranges:
                if not (sent.start_char <= mention.start and mention.end <= before):
                    continue
                other = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
                if other is not None and other.root.dep_ in ("nsubj", "nsubjpass") and (
                    other.root.head == sent.root and not self.in_quotation(mention)
                ):
                    best = (index, mention)
        return best

    def titled_person(self, head: Token, tokens: list[Token], found: CharInterval) -> int | None:
        """'the California congressman said': the person named before with that title
        ('Rep. Adam Schiff'), else the named person who spoke last before."""
        titles = TITLE_NOUNS.get(head.lemma_.lower())
        plural = head.tag_ == "NNS"  # "the senators": back to senators named together
        if titles is None or head.pos_ != "NOUN" or head.tag_ not in ("NN", "NNS") or not any(
            c.dep_ == "det" and c.lower_ == "the" for c in head.children
        ) or any(t.ent_type_ in ("PERSON", "ORG") for t in tokens) or any(
            c.dep_ == "appos" for c in head.children
        ):
            return None  # "the minister, Mr. Guajardo," names the person itself
        best = last_person(self.parties, found.start, among=lambda group: any(
            w in titles or w.removesuffix("s") in titles
            for n in group.names for w in n.lower().split()))
        if best is None and plural:
            return None
        source = self.named(best[1], best[0]) if best else _nearest_source(
            self.table, found.start, lambda d: d.party is not None
            and self.parties[d.party].kind == "person")
        if source is not None:
            self.table.drafts[source].mention(found)
        return source

    def named(self, found: CharInterval, party: int) -> int:
        group = self.parties[party]
        label = found.of(self.text)
        if group.kind == "person":
            label = _person_label(label, group.full_name())
        draft = SourceDraft(label=label, anonymous=False, party=party)
        return self.table.add(f"party:{party}", draft, found)

    def outlet(self, item: Attribution) -> None:
        """'... told the Washington Post': the outlet relaying the statement."""
        cue = self.doc.char_span(item.cue.start, item.cue.end, alignment_mode="expand")
        if cue is None or cue.root.lemma_ != "tell":
            return
        for child in cue.root.children:
            if child.dep_ in ("dobj", "dative") and child.ent_type_ == "ORG":
                span = self.doc.char_span(child.left_edge.idx, child.idx + len(child.text))
                if span is None:
                    continue
                found = CharInterval(span.start_char, span.end_char)
                party = party_at(self.parties, found)
                draft = SourceDraft(label=span.text, anonymous=False, party=party)
                # "the Post" later on is the same outlet: one source per party.
                key = f"party:{party}" if party is not None else "label:" + span.text.lower()
                self.table.add(key, draft, found)

    def as_written(self, source: CharInterval) -> int:
        """An unresolved speaker ('they said' with nobody before) is a source as written;
        its evidence is where it first speaks."""
        label = source.of(self.text)
        key = "label:" + label.lower()
        index = self.table.keys.get(key)
        if index is None:
            index = self.table.add(key, SourceDraft(label, anonymous=False), source)
        return index


def _person_label(mention: str, full: str) -> str:
    """A person's source label: the mention when it is the full name, with titles only
    ('Governor Tom Reyes'); else the full name ('Reince Priebus' for 'Priebus')."""
    mention = clean_name(mention)
    if not mention.endswith(full):
        return full
    before = mention[: len(mention) - len(full)].split()
    return mention if all(w.lower() in TITLE_WORDS for w in before) else full


def _counted(head: Token) -> Token:
    """'a number of lawmakers' -> 'lawmakers': the people a quantity counts."""
    if head.lemma_.lower() not in QUANTITY_NOUNS and head.lower_ not in QUANTITY_NOUNS:
        return head
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            people = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if people is not None:
                return people
    return head


def _named_in_apposition(head: Token, tokens: list[Token]) -> Token | None:
    """The person a description of a speaker names in apposition, if it names one."""
    if head.ent_type_ == "PERSON" or head.lemma_.lower() not in PEOPLE_NOUNS:
        return None
    return next((t for t in tokens if t.dep_ == "appos" and t.ent_type_ == "PERSON"
                 and t.i > head.i), None)


def _count(head: Token) -> int | None:
    for child in head.children:
        if child.dep_ in ("nummod", "det", "quantmod") and child.lower_ in NUMBERS:
            return NUMBERS[child.lower_]
        if child.dep_ == "nummod" and child.text.isdigit():
            return int(child.text)
    return 1 if head.tag_ == "NN" else None


def _is_anonymous(head: Token) -> bool:
    """A description of people that names nobody ('McConnell aides' names no aide). A
    spokesperson of a named body ('an ICE spokeswoman') speaks on its record."""
    if head.lemma_.lower() not in PEOPLE_NOUNS and head.lower_ not in PEOPLE_NOUNS:
        return False
    if head.lemma_.lower() in SPOKESPEOPLE and any(_is_name(t) for t in _body_of(head)):
        return False
    return not (head.ent_type_ in ("PERSON", "ORG", "GPE") and head.pos_ == "PROPN")


def _is_name(token: Token) -> bool:
    """A name, or an acronym the tagger did not take for one ('ICE')."""
    return (token.ent_type_ in ("ORG", "GPE", "NORP") or token.pos_ == "PROPN"
            or (token.text.isupper() and len(token.text) > 1))


def _body_of(head: Token) -> list[Token]:
    """The words naming whom a description speaks for: 'ICE' in 'an ICE spokeswoman',
    'Acme' in 'a spokesman for Acme'."""
    found = [c for c in head.children if c.dep_ == "compound" and c.i < head.i]
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("for", "of", "at"):
            found.extend(c for c in prep.children if c.dep_ == "pobj")
    return found


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


def _nearest_source(table: SourceTable, before: int,
                    keep: Callable[[SourceDraft], bool] = lambda draft: True) -> int | None:
    """The source ``keep`` accepts that was mentioned last before ``before``."""
    best: tuple[int, int] | None = None
    for index, draft in enumerate(table.drafts):
        if not keep(draft):
            continue
        for found in draft.ranges:
            if found.end <= before and (best is None or found.start > best[1]):
                best = (index, found.start)
    return best[0] if best else None


def _anonymity_reasons(doc: Doc, drafts: list[SourceDraft]) -> dict[int, str]:
    """'The sources requested anonymity to discuss the sensitive topic': the reason, by
    the index of each anonymous source mentioned in or up to two sentences before."""
    reasons: dict[int, str] = {}
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
        for index, draft in enumerate(drafts):
            if draft.anonymous and index not in reasons and any(
                window_start <= r.start < sent.end_char for r in draft.ranges
            ):
                reasons[index] = reason
    return reasons


def _previous_sentence_start(doc: Doc, token_index: int, back: int) -> int:
    sents = [s for s in doc.sents if s.start <= token_index]
    return sents[max(0, len(sents) - 1 - back)].start_char
