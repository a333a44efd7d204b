"""Unknowns the article flags, and the open questions that follow from a brief.

Unknowns are found from the parse: a negated verb of telling or deciding ("did
not elaborate on specific plans", "has not signed an agreement", "declined to
comment") or a statement that something is unclear ("it is unclear whether ...").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from summarizer.attribution import Range, word_set

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Verbs that flag an unknown when negated ("did not elaborate").
WITHHELD = word_set(
    "elaborate comment specify disclose say explain reveal confirm respond answer sign "
    "decide announce identify detail release provide address clarify finalize name"
)
# Verbs that flag an unknown on their own ("declined to comment").
REFUSALS = word_set("decline refuse")
UNCLEAR = word_set("unclear unknown uncertain undecided undisclosed unannounced")


@dataclass(frozen=True)
class FoundUnknown:
    """An unknown: the evidence range, its subject's text and a plain statement."""

    evidence: Range
    subject: str | None
    verb: str  # lemma of the withheld action, or "unclear"
    rest: str  # what follows the verb ("on specific plans")
    statement: str


def _negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" for c in verb.children)


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
    found: list[FoundUnknown] = []
    for token in doc:
        item = _withheld(doc, token) or _unclear(doc, token)
        if item is not None and not any(_overlap(item.evidence, f.evidence) for f in found):
            found.append(item)
    return found


def _overlap(a: Range, b: Range) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _withheld(doc: Doc, token: Token) -> FoundUnknown | None:
    lemma = token.lemma_.lower()
    if token.pos_ not in ("VERB", "AUX"):
        return None
    refused = lemma in REFUSALS and any(c.dep_ == "xcomp" for c in token.children)
    if not (refused or (lemma in WITHHELD and _negated(token))):
        return None
    start = doc[_evidence_start(token)]
    rest = _rest(doc, token)
    end = rest[-1] if len(rest) else token
    subject = _subject(token)
    subject_text = _phrase(doc, subject) if subject is not None else None
    words = doc[start.i : end.i + 1].text
    statement = f"{subject_text} {words}" if subject_text else words
    return FoundUnknown(
        evidence=(start.idx, end.idx + len(end.text)),
        subject=subject_text,
        verb=lemma,
        rest=rest.text,
        statement=_sentence(statement),
    )


def _unclear(doc: Doc, token: Token) -> FoundUnknown | None:
    lower = token.lower_
    is_unclear = lower in UNCLEAR or ((lower in ("clear", "known") and _negated(token.head))
                                      or (lower in ("clear", "known") and _negated(token)))
    if not is_unclear or token.pos_ not in ("ADJ", "VERB"):
        return None
    clause = next((c for c in token.children if c.dep_ in ("ccomp", "advcl")), None)
    if clause is None and token.head.i != token.i:
        clause = next((c for c in token.head.children
                       if c.dep_ in ("ccomp", "advcl") and c.i > token.i), None)
    sent = token.sent
    if clause is not None:
        end = max(clause.right_edge, token, key=lambda t: t.i)
        start = min([token.i, *(c.i for c in token.head.lefts if c.dep_ in ("nsubj", "expl"))])
        evidence = (doc[start].idx, end.idx + len(end.text))
        rest = doc[clause.left_edge.i : clause.right_edge.i + 1].text
    else:
        evidence = (sent.start_char, sent.end_char)
        rest = sent.text
    text = doc.text[evidence[0] : evidence[1]].strip().rstrip(".,")
    if not text:
        return None
    start_char = evidence[0] + doc.text[evidence[0] : evidence[1]].index(text)
    evidence = (start_char, start_char + len(text))
    return FoundUnknown(evidence=evidence, subject=None, verb="unclear", rest=rest,
                        statement=_sentence(text))


def _sentence(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:")
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def question_for(unknown: FoundUnknown) -> str:
    """A question that the unknown leaves open, in the article's own words."""
    rest = unknown.rest.split(",")[0].strip().rstrip(".")
    who = _lower_article(unknown.subject or "anyone")
    if unknown.verb == "unclear":
        clause = rest[0].lower() + rest[1:] if rest else rest
        return _question(f"What would settle {clause}" if clause else "What remains unclear")
    if unknown.verb in REFUSALS or unknown.verb in ("comment", "respond", "answer"):
        return _question(f"What does {who} have to say on this, having declined to comment")
    if unknown.verb in ("sign", "decide", "finalize", "release", "announce", "name"):
        return _question(f"Will {who} {unknown.verb} {rest}".strip())
    return _question(f"What would {who} say if asked to {unknown.verb} {rest}".strip())


def _lower_article(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first in ("The", "A", "An") else text


def _question(text: str) -> str:
    text = " ".join(text.split()).rstrip(" .,;:")
    return text[0].upper() + text[1:] + "?"
