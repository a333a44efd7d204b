"""Parties for the offline engine: named entities that act, merged across aliases.

``collect`` groups the entity mentions of a parsed article into parties (a
``PartyMention`` each, with every place the party is named); ``to_parties`` turns
them into the brief's ``Party`` entries, and ``listed`` picks those worth listing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from summarizer.engines.offline.nlp import text_of
from summarizer.schema import Party, PartyKind, Source
from summarizer.spans import CharInterval
from summarizer.text import word_set

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP")
MEDIA_WORDS = word_set(
    "post times journal news nbc cbs abc cnn fox msnbc reuters ap bloomberg politico axios "
    "guardian telegraph bbc npr tribune herald gazette wire press magazine daily"
)
TITLE_WORDS = word_set(
    "president president-elect prime minister sen. senator rep. gov. governor mr. mrs. ms. "
    "dr. secretary former vice chief general gen. judge speaker leader hungarian russian "
    "ukrainian u.s. american"
)
_POSSESSIVE = re.compile(r"(’s|'s|’|')$")


@dataclass
class PartyMention:
    """A party being built: the names it goes by and where each mention is."""

    kind: PartyKind
    names: list[str] = field(default_factory=list)
    ranges: list[CharInterval] = field(default_factory=list)
    acts: bool = False
    role: bool = False  # some mention is a subject or object, not only a modifier
    fragment: bool = True  # every mention is a piece of a longer name ("Secretary of State")

    def notable(self) -> bool:
        """Worth listing: named more than once or doing something, and a name of its own."""
        return not self.fragment and (len(self.ranges) > 1 or self.role)


def clean_name(text: str) -> str:
    """A name without surrounding space and a possessive ending ("Trump’s" -> "Trump")."""
    return _POSSESSIVE.sub("", text.strip()).strip()


def _key_words(name: str) -> list[str]:
    words = [w for w in name.split() if w.lower() not in TITLE_WORDS and w.lower() != "the"]
    return words or name.split()


def party_kind(entity: Span, name: str) -> PartyKind:
    """The kind of party an entity is, from its label and, for bodies, its name."""
    label = entity.label_
    if label == "PERSON":
        return "person"
    if label == "NORP":
        return "group"
    if label == "GPE":
        return "country"
    words = {w.lower().strip(".") for w in name.split()}
    if words & MEDIA_WORDS:
        return "media"
    if words & {"department", "administration", "government", "congress", "senate", "ministry"}:
        return "government"
    return "organization"


def _acts(entity: Span, kind: PartyKind) -> bool:
    """People and bodies are parties; places and outlets only when they act."""
    if entity.label_ in ("PERSON", "ORG") and kind != "media":
        return True
    root = entity.root
    return root.dep_ in ("nsubj", "nsubjpass") or (
        root.dep_ == "poss" and root.head.dep_ in ("nsubj", "nsubjpass")
    )


ROLE_DEPS = ("nsubj", "nsubjpass", "dobj", "dative", "appos", "conj")
# "talks with X", "support from X": prepositions that make X take part, unlike "in X".
ROLE_PREPOSITIONS = word_set("with from against by to for including between among")
NAME_PARTS = word_set("secretary department ministry minister director office committee")


def _has_role(entity: Span) -> bool:
    root = entity.root
    if root.dep_ == "pobj" and (root.head.dep_ == "agent" or root.head.lower_ in ROLE_PREPOSITIONS):
        return True
    return root.dep_ in ROLE_DEPS or (root.dep_ == "poss" and root.head.dep_ in ROLE_DEPS)


def _is_fragment(entity: Span) -> bool:
    """'State' in 'Secretary of State', a lowercase 'un', a 'Republican' adjective."""
    doc = entity.doc
    if entity.text.islower():
        return True
    if entity.label_ == "NORP" and entity.root.tag_ not in ("NNPS", "NNS"):
        return True
    start = entity.start
    return start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in NAME_PARTS


def with_title(entity: Span) -> Span:
    """'Donald Trump' -> 'President-elect Donald Trump': titles the parser joins to it."""
    start = entity.start
    doc = entity.doc
    while start > 0:
        before = doc[start - 1]
        titled = before.pos_ == "PROPN" or before.text == "-" or before.ent_type_ == "NORP"
        if not (titled and start <= before.head.i < entity.end):
            break
        start -= 1
    return doc[start : entity.end]


def is_turn_label(entity: Span, text: str) -> bool:
    """'TRUMP' in a transcript's 'TRUMP: ...' line (``text`` is the doc's): a speaker,
    so a person."""
    doc = entity.doc
    line_start = entity.start_char == 0 or text[entity.start_char - 1] == "\n"
    return (line_start and entity.end < len(doc) and doc[entity.end].text == ":"
            and entity.text.isupper())


def _person_key(words: list[str]) -> str:
    """'Laura Ellis' and 'Mark Ellis' are two people: given name and surname."""
    return "person:" + (words[0] + " " + words[-1] if len(words) > 1 else words[-1]).lower()


class _Surnames:
    """Where each full name is mentioned, by surname: a lone 'Ellis' is the Ellis named
    last before it (as a subject, if one was), else the first Ellis named."""

    def __init__(self, entities: list[Span]) -> None:
        self.named: dict[str, list[tuple[int, str, bool]]] = {}
        self.longer: dict[str, str] = {}  # "person:suu kyi" -> "person:aung kyi"
        full = [_key_words(clean_name(with_title(e).text)) for e in entities
                if e.label_ == "PERSON"]
        for entity in entities:
            words = _key_words(clean_name(with_title(entity).text))
            if entity.label_ == "PERSON" and len(words) > 1:
                subject = entity.root.dep_ in ("nsubj", "nsubjpass")
                self.named.setdefault(words[-1].lower(), []).append(
                    (entity.start_char, self.full_key(words, full), subject))

    def full_key(self, words: list[str], full: list[list[str]]) -> str:
        """'Suu Kyi' is 'Aung San Suu Kyi': a name that ends a longer one is that one."""
        key = _person_key(words)
        for other in full:
            if len(other) > len(words) and [w.lower() for w in other[-len(words):]] == [
                w.lower() for w in words
            ]:
                self.longer[key] = _person_key(other)
                return self.longer[key]
        return key

    def __contains__(self, surname: str) -> bool:
        return surname in self.named

    def key(self, surname: str, position: int) -> str:
        named = self.named[surname]
        before = [n for n in named if n[0] < position]
        subjects = [n for n in before if n[2]]
        return (subjects or before or named[:1])[-1][1]


def collect(doc: Doc) -> list[PartyMention]:
    """Entities grouped into parties; single names join the full name they end."""
    entities = [e for e in doc.ents if e.label_ in ACTOR_LABELS]
    surnames = _Surnames(entities)
    text = text_of(doc)
    groups: dict[str, PartyMention] = {}
    for entity in entities:
        name = clean_name(with_title(entity).text)
        if not name or not any(ch.isalpha() for ch in name):
            continue
        words = _key_words(name)
        label_kind = party_kind(entity, name)
        last = words[-1].lower()
        turn = is_turn_label(entity, text)
        person = entity.label_ == "PERSON" or turn
        if person or (len(words) == 1 and last in surnames):
            label_kind = "person"
            if len(words) > 1 or last not in surnames:
                key = _person_key(words)
                key = surnames.longer.get(key, key)
            else:
                key = surnames.key(last, entity.start_char)
        else:
            key = "body:" + " ".join(words).lower()  # one party per name, whatever its label
        group = groups.setdefault(key, PartyMention(kind=label_kind))
        group.names.append(name)
        bare = clean_name(entity.text)  # "Jason Chaffetz" in "Chairman Jason Chaffetz"
        if bare != name and bare not in group.names and any(ch.isalpha() for ch in bare):
            group.names.append(bare)
        start = with_title(entity).start_char
        group.ranges.append(CharInterval(start, start + len(name)))
        group.acts = group.acts or person or _acts(entity, label_kind)
        group.role = group.role or _has_role(entity) or turn
        group.fragment = group.fragment and _is_fragment(entity) and not turn
    return [g for g in groups.values() if g.acts]


def to_parties(groups: list[PartyMention]) -> list[Party]:
    """One ``Party`` per group, ids in order: named by its longest name; the others,
    and the name without its title ('Vladimir Putin'), are aliases."""
    parties = []
    for number, group in enumerate(groups, start=1):
        name = max(group.names, key=len)
        aliases = sorted({n for n in group.names if n != name}, key=group.names.index)
        parties.append(Party(id=f"p{number}", name=name, kind=group.kind, aliases=aliases))
    return parties


def party_at(groups: list[PartyMention], interval: CharInterval) -> int | None:
    """Index of the party with a mention inside ``interval``, if any."""
    for index, group in enumerate(groups):
        if any(interval.contains(mention) for mention in group.ranges):
            return index
    return None


def last_person(groups: list[PartyMention], before: int,
                *, whole: bool = True) -> tuple[int, CharInterval] | None:
    """The person named last before offset ``before``: its group's index and that mention.

    With ``whole``, the mention ends by ``before``; without, it only starts before it.
    """
    best: tuple[int, CharInterval] | None = None
    for index, group in enumerate(groups):
        if group.kind != "person":
            continue
        for mention in group.ranges:
            ahead = mention.end <= before if whole else mention.start < before
            if ahead and (best is None or mention.start > best[1].start):
                best = (index, mention)
    return best


def listed(parties: list[Party], groups: list[PartyMention], sources: list[Source]) -> list[Party]:
    """The parties a brief lists: the notable ones, and any a source speaks for."""
    linked = {s.party_id for s in sources}
    return [p for p, g in zip(parties, groups, strict=True) if g.notable() or p.id in linked]
