"""Parties for the offline engine: named entities that act, merged across aliases.

``collect`` groups the entity mentions of a parsed article into parties (a
``PartyMention`` each, with every place the party is named); ``to_parties`` turns
them into the brief's ``Party`` entries, and ``listed`` picks those worth listing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from summarizer.engines.offline.nlp import text_of
from summarizer.schema import Party, PartyKind, Source
from summarizer.spans import CharInterval
from summarizer.text import word_set

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

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
    bare: list[str] = field(default_factory=list)  # names as the entity gives them, no title
    acts: bool = False
    role: bool = False  # some mention is a subject or object, not only a modifier
    fragment: bool = True  # every mention is a piece of a longer name ("Secretary of State")

    def notable(self) -> bool:
        """Worth listing: named more than once or doing something, and a name of its own."""
        return not self.fragment and (len(self.ranges) > 1 or self.role)

    def full_name(self) -> str:
        """The longest name the entity itself gives ('Bruce Ash' for 'Chairman Bruce Ash')."""
        return max(self.bare or self.names, key=len)


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
# "president of the Apartment Owners Association": a body a named person speaks for.
AFFILIATION_NOUNS = word_set(
    "president director spokesman spokeswoman spokesperson official officer executive "
    "founder lawyer attorney counsel"
)
# "the Clinton campaign", "Tulsa police": a body or group named after a party; kind by noun.
GROUP_NOUNS: dict[str, PartyKind] = {
    "campaign": "organization", "administration": "government",
    "government": "government", "police": "government", "military": "government",
    "supporter": "group", "protester": "group", "protestor": "group",
}
# "the town council", "the state Senate": a body known by its level, not by a name.
BODY_NOUNS = word_set(
    "council legislature assembly senate parliament commission board committee court"
)
SEAT = "body:white house"
JURISDICTIONS = word_set(
    "city town state county village district school municipal provincial regional federal"
)
# "talks with X", "support from X": prepositions that make X take part, unlike "in X".
ROLE_PREPOSITIONS = word_set("with from against by to for including between among")
NAME_PARTS = word_set("secretary department ministry minister director office committee")


def _has_role(entity: Span) -> bool:
    root = entity.root
    if root.dep_ == "pobj" and root.head.dep_ == "agent":
        return True
    if root.dep_ == "pobj" and root.head.lower_ in ("of", "at") and (
        root.head.head.lemma_.lower() in AFFILIATION_NOUNS
    ):
        return True
    return _has_role_token(root)


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
        titled = titled or (before.lower_ in JURISDICTIONS and entity.label_ == "ORG")
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


def _person_words(entity: Span) -> list[str]:
    """The words of a person's own name: 'Reince Priebus' in 'RNC Chairman Reince Priebus'."""
    return _key_words(clean_name(entity.text))


class _Surnames:
    """Where each full name is mentioned, by surname: a lone 'Ellis' is the Ellis named
    last before it (as a subject, if one was), else the first Ellis named. A lone given
    name ('Hillary') is the one full name it begins, when only one does."""

    def __init__(self, entities: list[Span]) -> None:
        self.named: dict[str, list[tuple[int, str, bool]]] = {}
        self.longer: dict[str, str] = {}  # "person:suu kyi" -> "person:aung kyi"
        self.given: dict[str, set[str]] = {}  # "hillary" -> {"person:hillary clinton"}
        full = [_person_words(e) for e in entities if e.label_ == "PERSON"]
        for entity in entities:
            words = _person_words(entity)
            if entity.label_ == "PERSON" and len(words) > 1:
                subject = entity.root.dep_ in ("nsubj", "nsubjpass")
                key = self.full_key(words, full)
                self.named.setdefault(words[-1].lower(), []).append(
                    (entity.start_char, key, subject))
                self.given.setdefault(words[0].lower(), set()).add(key)

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

    def given_key(self, name: str) -> str | None:
        """The full name a lone given name begins, when exactly one does."""
        keys = self.given.get(name, set())
        return next(iter(keys)) if len(keys) == 1 and name not in self.named else None

    def key(self, surname: str, position: int) -> str:
        named = self.named[surname]
        before = [n for n in named if n[0] < position]
        subjects = [n for n in before if n[2]]
        return (subjects or before or named[:1])[-1][1]


def _outlets(entities: list[Span]) -> dict[str, list[str]]:
    """Longer outlet names by their last word: 'post' -> ['new york post']."""
    found: dict[str, list[str]] = {}
    for entity in entities:
        words = [w.lower() for w in _key_words(clean_name(entity.text))]
        if entity.label_ == "ORG" and len(words) > 1 and words[-1] in MEDIA_WORDS:
            names = found.setdefault(words[-1], [])
            if " ".join(words) not in names:
                names.append(" ".join(words))
    return found


def _body_key(words: list[str], outlets: dict[str, list[str]]) -> str:
    """'the Post' is the one outlet named in full that ends in 'Post', when there is one."""
    name = " ".join(words).lower()
    longer = outlets.get(name, [])
    return "body:" + (longer[0] if len(longer) == 1 else name)


def collect(doc: Doc) -> list[PartyMention]:
    """Entities grouped into parties; single names join the full name they end."""
    entities = [e for e in doc.ents if e.label_ in ACTOR_LABELS]
    surnames = _Surnames(entities)
    outlets = _outlets(entities)
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
        # "Priya said": a lone given name, whatever label the tagger gave it as a subject.
        alone = len(words) == 1 and (person or entity.root.dep_ in ("nsubj", "nsubjpass"))
        given = surnames.given_key(last) if alone else None
        if person or given is not None or (len(words) == 1 and last in surnames):
            label_kind = "person"
            own = _person_words(entity)
            if given is not None:
                key = given
            elif len(own) > 1 or last not in surnames:
                key = _person_key(own)
                key = surnames.longer.get(key, key)
            else:
                key = surnames.key(last, entity.start_char)
        else:
            key = _body_key(words, outlets)  # one party per name, whatever its label
        group = groups.setdefault(key, PartyMention(kind=label_kind))
        group.names.append(name)
        bare = clean_name(entity.text)  # "Jason Chaffetz" in "Chairman Jason Chaffetz"
        if bare != name and bare not in group.names and any(ch.isalpha() for ch in bare):
            group.names.append(bare)
        if any(ch.isalpha() for ch in bare):
            group.bare.append(bare)
        start = with_title(entity).start_char
        group.ranges.append(CharInterval(start, start + len(name)))
        group.acts = group.acts or person or _acts(entity, label_kind)
        group.role = group.role or _has_role(entity) or turn
        group.fragment = group.fragment and _is_fragment(entity) and not turn
    _described(doc, groups)
    return [g for g in groups.values() if g.acts]


def _described(doc: Doc, groups: dict[str, PartyMention]) -> None:
    """Parties the article names by description: 'the Clinton campaign', 'Tulsa police',
    'the town council' (a body of a jurisdiction) when they act or are acted on."""
    for token in doc:
        lemma = token.lemma_.lower()
        if token.ent_type_ or token.pos_ != "NOUN" or not _has_role_token(token):
            continue
        if lemma in GROUP_NOUNS:
            owner = next((c for c in token.children if c.dep_ in ("compound", "poss")
                          and c.ent_type_ in ACTOR_LABELS), None)
            if owner is None or (owner.ent_type_ == "GPE" and lemma == "government"):
                continue  # "Ukraine's government" is Ukraine, a country acting as a state
            start = owner.left_edge
            key = f"group:{clean_name(owner.text).lower()} {lemma}"
            if lemma == "administration" and SEAT in groups:
                key = SEAT  # "the Obama administration" and "the White House": one actor
            kind = GROUP_NOUNS[lemma]
        elif lemma in BODY_NOUNS:
            level = next((c for c in token.children if c.dep_ in ("compound", "amod")
                          and c.lower_ in JURISDICTIONS), None)
            if level is None:
                continue
            start, key, kind = level, f"body:{level.lower_} {lemma}", "government"
        else:
            continue
        span = doc[start.i : token.i + 1]
        group = groups.setdefault(key, PartyMention(kind=kind, fragment=False))
        group.names.append(clean_name(span.text))
        group.ranges.append(CharInterval(span.start_char, span.end_char))
        group.acts = group.role = True
        group.fragment = False


def _has_role_token(token: Token) -> bool:
    if token.dep_ == "pobj" and token.head.lower_ in ROLE_PREPOSITIONS:
        return True
    return token.dep_ in ROLE_DEPS or (token.dep_ == "poss" and token.head.dep_ in ROLE_DEPS)


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


def last_person(groups: list[PartyMention], before: int, *, whole: bool = True,
                skip: Callable[[CharInterval], bool] | None = None,
                among: Callable[[PartyMention], bool] | None = None,
                ) -> tuple[int, CharInterval] | None:
    """The person named last before offset ``before``: its group's index and that mention.

    With ``whole``, the mention ends by ``before``; without, it only starts before it.
    Mentions for which ``skip`` is true are passed over, and groups ``among`` rejects.
    """
    best: tuple[int, CharInterval] | None = None
    for index, group in enumerate(groups):
        if group.kind != "person" or (among is not None and not among(group)):
            continue
        for mention in group.ranges:
            ahead = mention.end <= before if whole else mention.start < before
            if skip is not None and ahead and skip(mention):
                continue
            if ahead and (best is None or mention.start > best[1].start):
                best = (index, mention)
    return best


def listed(parties: list[Party], groups: list[PartyMention], sources: list[Source]) -> list[Party]:
    """The parties a brief lists: the notable ones, and any a source speaks for."""
    linked = {s.party_id for s in sources}
    return [p for p, g in zip(parties, groups, strict=True) if g.notable() or p.id in linked]
