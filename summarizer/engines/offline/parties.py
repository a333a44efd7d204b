"""Parties for the offline engine: named entities that act, merged across aliases.

``collect`` groups the entity mentions of a parsed article into parties (a
``PartyMention`` each, with every place the party is named); ``to_parties`` turns
them into the brief's ``Party`` entries, and ``listed`` picks those worth listing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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


def collect(doc: Doc) -> list[PartyMention]:
    """Entities grouped into parties; single names join the full name they end."""
    persons = [clean_name(e.text) for e in doc.ents if e.label_ == "PERSON"]
    surnames = {_key_words(n)[-1].lower(): n for n in persons if len(_key_words(n)) > 1}
    groups: dict[str, PartyMention] = {}
    for entity in doc.ents:
        if entity.label_ not in ACTOR_LABELS:
            continue
        name = clean_name(with_title(entity).text)
        if not name or not any(ch.isalpha() for ch in name):
            continue
        words = _key_words(name)
        label_kind = party_kind(entity, name)
        if words[-1].lower() in surnames and (entity.label_ == "PERSON" or len(words) == 1):
            key, label_kind = "person:" + words[-1].lower(), "person"
        elif entity.label_ == "PERSON":
            key = "person:" + words[-1].lower()
        else:
            key = entity.label_ + ":" + " ".join(words).lower()
        group = groups.setdefault(key, PartyMention(kind=label_kind))
        group.names.append(name)
        start = with_title(entity).start_char
        group.ranges.append(CharInterval(start, start + len(name)))
        group.acts = group.acts or _acts(entity, label_kind)
        group.role = group.role or _has_role(entity)
        group.fragment = group.fragment and _is_fragment(entity)
    return [g for g in groups.values() if g.acts]


def to_parties(groups: list[PartyMention]) -> list[Party]:
    """One ``Party`` per group, ids in order: named by its longest name."""
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
