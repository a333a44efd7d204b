"""Unknowns the article flags: what it says is not known, disclosed or decided.

Unknowns are found from the parse: a negated verb of telling or deciding ("did
not elaborate on specific plans", "has not signed an agreement", "declined to
comment"), a refusal to tell, a statement that something is unclear ("it is
unclear whether ...", "remains to be seen", "is pending"), what is still to happen
("has yet to decide"), or what was not given ("gave no details").
``find_unknowns`` finds them; ``to_unknowns`` makes the brief's entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from summarizer.engines.offline.cues import negated, withholds
from summarizer.engines.offline.nlp import text_of
from summarizer.engines.offline.wording import as_sentence
from summarizer.schema import Evidence, Unknown
from summarizer.spans import CharInterval
from summarizer.text import word_set

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

UNCLEAR = word_set("unclear unknown uncertain undecided undisclosed unannounced")
# Said of a matter, not a person ("the case is pending"): unknown only as the predicate.
OPEN_STATES = word_set("pending classified")
# "could not be sure", "it is not clear": negated, these flag an unknown.
NEGATED_STATES = word_set("clear known sure certain")
# "gave no details", "offered no explanation".
NOTHING_GIVEN = word_set(
    "detail information explanation comment word timeline timetable indication answer"
)


@dataclass(frozen=True)
class FoundUnknown:
    """An unknown: where the article says it, its subject's text and a plain statement."""

    evidence: CharInterval
    subject: str | None
    verb: str  # lemma of the withheld action, "unclear", or an open state ("pending")
    rest: str  # what follows the verb ("on specific plans")
    statement: str


def _subject(verb: Token) -> Token | None:
    current = verb
    for _ in range(3):
        for child in current.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        if current.dep_ not in ("conj", "xcomp") or current.head.i == current.i:
            return None
        current = current.head
    return None


def _phrase(doc: Doc, token: Token) -> str:
    return doc[token.left_edge.i : token.right_edge.i + 1].text


def _rest(doc: Doc, verb: Token) -> Span:
    """The verb's right side, up to the end of its own words."""
    rights = [c for c in verb.rights if c.dep_ not in ("punct", "cc", "conj")]
    if not rights:
        return doc[verb.i + 1 : verb.i + 1]
    return doc[verb.i + 1 : rights[-1].right_edge.i + 1]


def _evidence_start(verb: Token) -> int:
    lefts = [c for c in verb.lefts if c.dep_ in ("aux", "neg", "auxpass")]
    return min([verb.i, *[c.i for c in lefts]])


def find_unknowns(doc: Doc) -> list[FoundUnknown]:
    """The unknowns of the parsed article in text order, none overlapping another."""
    found: list[FoundUnknown] = []
    for token in doc:
        item = (_withheld(doc, token) or _unclear(doc, token) or _yet_to(doc, token)
                or _nothing_given(doc, token))
        if item is not None and not any(item.evidence.overlaps(f.evidence) for f in found):
            found.append(item)
    return found


def to_unknowns(found: list[FoundUnknown], text: str) -> list[Unknown]:
    """The brief's unknowns, ids ``u1``, ``u2``, ... in order."""
    return [Unknown(id=f"u{n}", statement=item.statement,
                    evidence=[Evidence.at(text, item.evidence)])
            for n, item in enumerate(found, start=1)]


def _withheld(doc: Doc, token: Token) -> FoundUnknown | None:
    lemma = token.lemma_.lower()
    if token.pos_ not in ("VERB", "AUX"):
        return None
    if not withholds(token) or (token.dep_ == "xcomp" and not negated(token)):
        return None
    start = doc[_evidence_start(token)]
    rest = _rest(doc, token)
    end = rest[-1] if len(rest) else token
    subject = _subject(token)
    subject_text = _phrase(doc, subject) if subject is not None else None
    words = doc[start.i : end.i + 1].text
    statement = f"{subject_text} {words}" if subject_text else words
    return FoundUnknown(
        evidence=CharInterval(start.idx, end.idx + len(end.text)),
        subject=subject_text,
        verb=lemma,
        rest=rest.text,
        statement=_sentence(statement),
    )


def _is_unclear(token: Token) -> bool:
    lower = token.lower_
    if token.pos_ not in ("ADJ", "VERB"):
        return False
    if token.dep_ == "amod" and any(c.lower_ == "previously" for c in token.children):
        return False  # "previously undisclosed payments": disclosed now
    if lower in OPEN_STATES:
        return token.dep_ in ("acomp", "ROOT", "conj", "ccomp") and token.tag_ in (
            "JJ", "VBN", "VBG")
    if lower in NEGATED_STATES:
        if token.i > 0 and token.nbor(-1).text == "-":
            return False  # "weren't well-known": how famous, not whether known
        return negated(token.head) or negated(token)
    # "it remains to be seen whether ..."
    return lower in UNCLEAR or (lower == "seen" and token.head.lemma_ == "remain")


def _unclear(doc: Doc, token: Token) -> FoundUnknown | None:
    if not _is_unclear(token):
        return None
    clause = next((c for c in token.children if c.dep_ in ("ccomp", "advcl")), None)
    if clause is None and token.head.i != token.i:
        clause = next((c for c in token.head.children
                       if c.dep_ in ("ccomp", "advcl") and c.i > token.i), None)
    sent = token.sent
    holder = _subject(token) or (_subject(token.head) if token.dep_ == "acomp" else None)
    if clause is None and token.lower_ in OPEN_STATES and holder is not None:
        clause = token  # "the case ... is pending": from the subject to the state
        start = min(holder.left_edge.i, token.i)
        evidence = CharInterval(doc[start].idx, token.idx + len(token.text))
        rest = doc[start : token.i + 1].text
    elif clause is not None:
        end = max(clause.right_edge, token, key=lambda t: t.i)
        start = min([token.i, *(c.i for c in token.head.lefts if c.dep_ in ("nsubj", "expl"))])
        evidence = CharInterval(doc[start].idx, end.idx + len(end.text))
        rest = doc[clause.left_edge.i : clause.right_edge.i + 1].text
    else:
        evidence = CharInterval(sent.start_char, sent.end_char)
        rest = sent.text
    written = evidence.of(text_of(doc))
    text = written.strip().rstrip(".,")
    if not text:
        return None
    start_char = evidence.start + written.index(text)
    evidence = CharInterval(start_char, start_char + len(text))
    verb = token.lower_ if token.lower_ in OPEN_STATES else "unclear"
    return FoundUnknown(evidence=evidence, subject=None, verb=verb, rest=rest,
                        statement=_sentence(text))


def _yet_to(doc: Doc, token: Token) -> FoundUnknown | None:
    """'has yet to decide': what is still to happen."""
    if token.lower_ != "yet" or token.head.lemma_ != "have":
        return None
    verb = next((c for c in token.head.children if c.dep_ == "xcomp" and c.i > token.i), None)
    if verb is None:
        return None
    end = doc[verb.right_edge.i]
    start = token.head
    subject = _subject(token.head)
    subject_text = _phrase(doc, subject) if subject is not None else None
    words = doc[start.i : end.i + 1].text
    return FoundUnknown(
        evidence=CharInterval(start.idx, end.idx + len(end.text)),
        subject=subject_text,
        verb=verb.lemma_.lower(),
        rest=_rest(doc, verb).text,
        statement=_sentence(f"{subject_text} {words}" if subject_text else words),
    )


def _nothing_given(doc: Doc, token: Token) -> FoundUnknown | None:
    """'gave no details about the plan', 'offered no explanation'."""
    noun = token.head
    if token.lower_ != "no" or token.dep_ != "det" or noun.lemma_.lower() not in NOTHING_GIVEN:
        return None
    verb = noun.head if noun.dep_ == "dobj" and noun.head.pos_ in ("VERB", "AUX") else noun
    start = min(verb.i, noun.left_edge.i)
    end = doc[noun.right_edge.i]
    subject = _subject(verb) if verb is not noun else None
    subject_text = _phrase(doc, subject) if subject is not None else None
    words = doc[start : end.i + 1].text
    rest = doc[noun.i + 1 : end.i + 1].text
    return FoundUnknown(
        evidence=CharInterval(doc[start].idx, end.idx + len(end.text)),
        subject=subject_text,
        verb="give",
        rest=f"{noun.text} {rest}".strip(),
        statement=_sentence(f"{subject_text} {words}" if subject_text else words),
    )


def _sentence(text: str) -> str:
    return as_sentence(" ".join(text.split()).strip(" ,;:"))
