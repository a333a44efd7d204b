"""Attributions from a parsed article: who said what, with character spans.

Works on a spaCy ``Doc`` from the dependency parse. Each attribution has a cue
(the speech or cognition word), a content span, and a source span when the
sentence names one. Forms covered:

* verb cues: "X said Y", "X told Z that Y", "Y, X said", "Y," said X, "X said: Y",
  "X said in a statement ...", participles ("..., saying Y") and coordinated verbs
  ("X said A and added B") that share the subject of their head;
* verbs whose content is their object ("denied the report", "called for a ban",
  "accused X of Y") and nouns that report a stance ("his support for X");
* "according to X, Y" and "Y, according to X"; headlines "Name: statement";
* quotations: content is the whole quotation, even when it runs over sentences, and
  a quotation continued after the cue ('"A," she said. "B."') is a second piece.

A cue inside a quotation, or (except "said" and "according to") inside another
attribution's content, is speech within speech and is not reported separately.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from summarizer.text import word_set

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

Range = tuple[int, int]


# Verbs of saying: content is a clause, a quotation, or the sentence around the cue.
SPEECH_VERBS = word_set(
    """say tell add note claim argue predict indicate write deny insist warn report
    explain acknowledge announce state declare confirm reveal admit assert mention
    contend concede complain recall remark reply respond observe emphasize
    stress reiterate repeat testify tweet post allege estimate forecast caution vow
    pledge promise boast joke quip speculate ask urge describe conclude recount
    disclose suggest signal hint propose exclaim shout scream yell
    chant tout brag whisper muse quote retort counter email text"""
)
# Verbs of thinking, wanting and judging: content is a clause or the object.
STANCE_VERBS = word_set(
    """believe think expect hope fear worry doubt feel know understand agree
    disagree criticize accuse blame question wonder show find want support
    praise mock refuse back endorse attack slam blast condemn defend reject
    dismiss discuss cite prefer plan intend decline consider call
    demand applaud deride denounce decry ridicule dispute hail
    favor envision realize insist suspect bemoan vow
    acknowledge concede predict deny propose promise pledge reveal confirm admit
    describe highlight stress emphasize recommend advocate"""
)
# Verbs that are cues only before a quotation ("he continued: ...").
QUOTE_VERBS = word_set("continue begin conclude")
# Verbs whose content is the object of a preposition, with the prepositions allowed.
PREPOSITION_VERBS = {
    **dict.fromkeys(
        ("talk", "speak", "comment", "complain", "joke", "write", "ask", "tweet",
         "focus", "testify", "boast", "brag", "worry"),
        ("about", "on", "of"),
    ),
    **dict.fromkeys(("call", "push", "argue", "advocate", "vote", "campaign", "plead"),
                    ("for", "against")),
    **dict.fromkeys(("refer", "point", "respond", "object", "allude"), ("to",)),
    **dict.fromkeys(("rail", "lash", "lambaste", "caution"), ("against", "at")),
    "warn": ("about", "of", "against"),
    "argue": ("for", "against"),
}
# Verbs whose object and its prepositional complement are the content ("accused X of Y").
JUDGING_VERBS = word_set("accuse blame credit praise criticize describe label brand deem call")
# Nouns that report a stance, with the prepositions that introduce its content.
NOMINAL_CUES = {
    **dict.fromkeys(("support", "call", "demand", "push", "plea", "argument"),
                    ("for",)),
    **dict.fromkeys(("criticism", "denunciation", "view", "opinion", "rejection", "defense",
                     "praise", "condemnation", "dismissal"), ("of",)),
    **dict.fromkeys(("comment", "remark", "statement", "message", "warning", "concern",
                     "question", "complaint", "claim", "tweet"), ("about", "on")),
    **dict.fromkeys(("attack", "position"), ("on", "against")),
}
CUE_VERBS = SPEECH_VERBS | STANCE_VERBS | QUOTE_VERBS | frozenset(PREPOSITION_VERBS)
MAX_PIECES = 6  # quotations one attribution may chain
SUBJECT_DEPS = ("nsubj", "nsubjpass")
CLAUSE_DEPS = ("ccomp", "parataxis")
OPEN_QUOTES = "“\""
CLOSE_QUOTES = "”\""


@dataclass(frozen=True)
class Attribution:
    """One attributed statement; ranges are [start, end) character offsets."""

    cue: Range
    content: tuple[Range, ...]  # one range, or more when a quotation is interrupted
    source: Range | None
    source_head: int | None  # token index of the source's head word
    direct: bool  # the content is a quotation

    def text(self, article: str) -> str:
        return " ".join(article[start:end] for start, end in self.content)


# --------------------------------------------------------------------------- #
# Quotations
# --------------------------------------------------------------------------- #


PAIRS = {"“": "”", '"': '"', "''": "''"}


def quotations(text: str) -> list[Range]:
    """Quoted stretches of the text, quote marks included.

    Each opening mark closes only with its own kind (“ with ”, " with ", '' with ''),
    and a paragraph break ends a quotation left open.
    """
    found: list[Range] = []
    start: int | None = None
    closer = ""
    for i, ch in enumerate(text):
        if start is None:
            mark = _opening_mark(text, i)
            if mark:
                start, closer = i, PAIRS[mark]
        elif text.startswith(closer, i) and i > start + 1:
            found.append((start, i + len(closer)))
            start = None
        elif ch == "\n" and text[i + 1 : i + 2] == "\n":
            start = None
    return found


def _opening_mark(text: str, i: int) -> str:
    if text[i] == "“":
        return "“"
    if text[i] == '"' and _opens(text, i):
        return '"'
    if text.startswith("''", i) and _opens(text, i):
        return "''"
    return ""


def _opens(text: str, i: int) -> bool:
    return i == 0 or not text[i - 1].isalnum()


def quote_at(quotes: list[Range], start: int, end: int) -> Range | None:
    """The quotation that overlaps [start, end), if any."""
    for q in quotes:
        if q[0] < end and start < q[1]:
            return q
    return None


# --------------------------------------------------------------------------- #
# Token helpers
# --------------------------------------------------------------------------- #


def is_cue_verb(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in CUE_VERBS


def char_range(tokens: Iterable[Token]) -> Range | None:
    items = sorted(tokens, key=lambda t: t.i)
    items = _trim(items)
    if not items:
        return None
    return items[0].idx, items[-1].idx + len(items[-1].text)


def _trim(items: list[Token]) -> list[Token]:
    """Drop leading 'that'/punctuation/conjunctions and trailing punctuation."""
    while items and (
        (items[0].is_punct and items[0].text not in OPEN_QUOTES)
        or (items[0].dep_ in ("cc", "mark") and items[0].lower_ in ("that", "and", "but"))
        or items[0].is_space
    ):
        items = items[1:]
    while items and (
        items[-1].is_space
        or (items[-1].is_punct and items[-1].text not in CLOSE_QUOTES and items[-1].text != ")")
        or items[-1].dep_ == "cc"
    ):
        items = items[:-1]
    return items


def source_tokens(head: Token) -> list[Token]:
    """The noun phrase of a source, without relative clauses and appositions."""
    keep = [head]
    for child in head.children:
        if child.dep_ in ("relcl", "appos", "punct", "acl", "advcl", "prep") and child.i > head.i:
            if child.dep_ == "prep" and child.head.i == head.i and child.lower_ in ("of", "for"):
                keep.extend(child.subtree)
            continue
        keep.extend(child.subtree)
    # "one Democrat familiar with the discussion, who added ...": the clause is not the name.
    cut = {t.i for k in keep if k.dep_ == "relcl" and k.i > head.i for t in k.subtree}
    return sorted({t for t in keep if t.i not in cut}, key=lambda t: t.i)


def subject_of(verb: Token) -> Token | None:
    """The speaker of a cue verb, following coordination and participles upward."""
    seen = 0
    current = verb
    while seen < 4:
        for child in current.children:
            if child.dep_ in SUBJECT_DEPS and child.i != verb.i:
                return child
        for child in current.children:
            if child.dep_ == "agent":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return grand
        if current.dep_ in ("conj", "advcl", "xcomp") and current.head.i != current.i:
            current = current.head
            seen += 1
            continue
        if current.dep_ == "pcomp" and current.head.dep_ == "prep":
            current = current.head.head  # "responded by saying"
            seen += 1
            continue
        if current.dep_ == "acl" and current.tag_ == "VBG" and current.head.pos_ in (
            "PROPN", "NOUN"
        ):
            return current.head  # "McCain, telling reporters ..."
        return None
    return None


def _without_participle_cues(tokens: list[Token]) -> list[Token]:
    """Drop a trailing '..., claiming that ...': it is an attribution of its own."""
    for token in tokens:
        if token.dep_ == "advcl" and token.tag_ == "VBG" and is_cue_verb(token) and (
            token.left_edge.i > tokens[0].i
        ):
            cut = {t.i for t in token.subtree}
            return [t for t in tokens if t.i not in cut]
    return tokens


def _purpose_of_anonymity(verb: Token) -> bool:
    """'requested anonymity to discuss the talks' gives a reason, not a statement."""
    if verb.dep_ not in ("xcomp", "advcl", "acl"):
        return False
    return any(t.lower_ in ("anonymity", "authorized") for t in verb.head.subtree)


def speaker(verb: Token) -> Token | None:
    """The subject of a cue; for 'who said' in a relative clause, the noun it modifies."""
    subject = subject_of(verb)
    if subject is not None and subject.lower_ in ("who", "which", "that") and (
        verb.dep_ == "relcl"
    ):
        return _named_antecedent(verb.head) if subject.lower_ == "who" else verb.head
    return subject


def _named_antecedent(noun: Token) -> Token:
    """'who' means a person: from 'the discussion' in 'a Democrat familiar with the
    discussion, who said', climb to 'Democrat'."""
    current = noun
    for _ in range(4):
        if current.ent_type_ in ("PERSON", "ORG", "NORP") or current.pos_ == "PROPN":
            return current
        if current.dep_ not in ("pobj", "prep", "amod", "acl") or current.head.i == current.i:
            break
        current = current.head
    return noun


def inverted_subject(verb: Token) -> Token | None:
    """'..., said one source': the noun after the verb that parsers often call dobj."""
    if verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.lemma_ not in SPEECH_VERBS:
        return None
    for child in verb.rights:
        if child.dep_ in ("nsubj", "dobj", "attr", "npadvmod", "nsubjpass") and child.pos_ in (
            "NOUN", "PROPN", "PRON"
        ) and child.ent_type_ not in ("DATE", "TIME"):
            return child
    return None


# --------------------------------------------------------------------------- #
# Extraction
# --------------------------------------------------------------------------- #


class _Extractor:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        self.quotes = quotations(doc.text)
        self.found: list[Attribution] = []
        self.used_cues: set[int] = set()

    def run(self) -> list[Attribution]:
        for sent in self.doc.sents:
            self.sentence(sent)
        found = _dedupe(self.found)
        found = [self.continued(item, found) for item in found]
        return [item for item in found if self.speech(item) or not _nested(item, found)]

    def speech(self, item: Attribution) -> bool:
        """'said' and 'according to' stand even inside another attribution's content."""
        cue = self.text[item.cue[0] : item.cue[1]].lower()
        return cue in ("said", "says", "say", "according to")

    def continued(self, item: Attribution, found: list[Attribution]) -> Attribution:
        """'"A," X said, "B."' and '"A," X said. "B."': B continues A's quotation."""
        last = item.content[-1]
        if not item.direct or last[1] > item.cue[0]:
            return item
        pieces = list(item.content)
        position = item.cue[1]
        taken = [r for other in found for r in other.content]
        while len(pieces) < MAX_PIECES:
            after = self.next_quote(position, first=len(pieces) == len(item.content))
            if after is None or any(overlaps(after, r) for r in taken):
                break
            pieces.append(after)
            position = after[1]
        if len(pieces) == len(item.content):
            return item
        return Attribution(item.cue, tuple(pieces), item.source, item.source_head, True)

    def next_quote(self, position: int, first: bool) -> Range | None:
        """The quotation that follows: after the cue's clause, or right after the last one."""
        for q in self.quotes:
            if q[0] < position:
                continue
            gap = self.text[position : q[0]]
            if not first:
                return q if gap.strip() == "" else None
            if len(gap) > 120 or ("\n\n" in gap and gap.strip() not in ("", ".")):
                return None
            tail = gap.rsplit(".", 1)[-1] if "." in gap else gap.rsplit(",", 1)[-1]
            if tail.strip(" \n") == "" and ("," in gap or "." in gap):
                return q
            return None
        return None

    def sentence(self, sent: Span) -> None:
        self.headline(sent)
        for token in sent:
            if token.lower_ == "according" and token.i + 1 < len(self.doc) and (
                self.doc[token.i + 1].lower_ == "to"
            ):
                self.according(sent, token)
            elif quote_at(self.quotes, token.idx, token.idx + 1) is not None:
                continue
            elif is_cue_verb(token):
                self.verb(sent, token)
            elif token.pos_ == "NOUN" and token.lemma_.lower() in NOMINAL_CUES:
                self.nominal(token)

    # -- "X: Y" headlines ------------------------------------------------------ #

    def headline(self, sent: Span) -> None:
        """'Graham: Trump Is Destroying the GOP': a short name, a colon, a line."""
        start = sent.start_char
        if start > 0 and self.text[start - 1] != "\n":
            return
        colon = next((t for t in sent[:8] if t.text == ":"), None)
        if colon is None or colon.i == sent.start:
            return
        label = self.doc[sent.start : colon.i]
        if any(t.pos_ in ("VERB", "AUX") for t in label) or label.text.isupper():
            return
        if not any(t.pos_ == "PROPN" or t.ent_type_ for t in label):
            return
        line_end = self.text.find("\n", colon.idx)
        line_end = len(self.text) if line_end == -1 else line_end
        content = self.text[colon.idx + 1 : line_end]
        lead = len(content) - len(content.lstrip())
        body = content.strip().rstrip(".")
        if len(body.split()) < 3:
            return
        begin = colon.idx + 1 + lead
        self.add((colon.idx, colon.idx + 1), (begin, begin + len(body)),
                 (label.start_char, label.end_char), label.root.i)

    # -- "according to X" ------------------------------------------------- #

    def according(self, sent: Span, token: Token) -> None:
        to = self.doc[token.i + 1]
        objects = [c for c in to.children if c.dep_ == "pobj"]
        if not objects:
            return
        phrase = {t.i for t in token.subtree} | {t.i for t in to.subtree}
        rest = [t for t in sent if t.i not in phrase]
        content = self.content_range(rest)
        if content is None:
            return
        source = char_range(source_tokens(objects[0]))
        cue = (token.idx, to.idx + len(to.text))
        self.add(cue, content, source, objects[0].i)

    # -- nominal cues: "his support for X", "voiced criticism of X" ------------- #

    def nominal(self, noun: Token) -> None:
        prep = next((c for c in noun.rights if c.dep_ == "prep"
                     and c.lower_ in NOMINAL_CUES[noun.lemma_.lower()]), None)
        if prep is None:
            return
        objects = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
        subject = next((c for c in noun.children if c.dep_ == "poss"), None)
        if subject is None and noun.dep_ in ("dobj", "attr") and noun.head.pos_ == "VERB":
            subject = speaker(noun.head)
        if not objects or subject is None or subject.lower_ in ("its", "their", "it", "they"):
            return
        content = self.content_range(list(objects[0].subtree))
        if content is None:
            return
        cue = (noun.idx, prep.idx + len(prep.text))
        self.add(cue, content, char_range(source_tokens(subject)), subject.i)

    # -- verb cues ----------------------------------------------------------- #

    def verb(self, sent: Span, verb: Token) -> None:
        if verb.lemma_ in QUOTE_VERBS and verb.lemma_ not in SPEECH_VERBS:
            self.quote_verb(sent, verb)
            return
        if _purpose_of_anonymity(verb):
            return
        subject = speaker(verb)
        tokens = self.clause_content(verb, sent)
        if subject is None or subject.i > verb.i:
            inverted = inverted_subject(verb)
            if inverted is not None and tokens is None:
                tokens = self.left_content(sent, verb, inverted)
            subject = subject or inverted
        if subject is None:
            return
        content = self.content_range(tokens) if tokens else self.quote_after(verb, sent)
        if content is None and tokens is None:
            content = self.content_range(self.object_content(verb))
        if content is None:
            return
        cue = (verb.idx, verb.idx + len(verb.text))
        self.add(cue, content, char_range(source_tokens(subject)), subject.i)

    def clause_and_tail(self, verb: Token, clause: Token) -> list[Token]:
        """A reported clause after the cue, plus what the parser hung on the cue after it.

        Modifiers after the clause usually belong to it ("... is 'peanuts,' compared
        to ..."), unless they hold a cue of their own ("..., adding that ...").
        """
        tokens = list(clause.subtree)
        if clause.i < verb.i:
            return tokens
        for child in verb.rights:
            if child.i <= clause.i or child.dep_ in ("punct", "cc"):
                continue
            if any(is_cue_verb(t) for t in child.subtree) or child.dep_ == "conj":
                break
            tokens.extend(child.subtree)
        return tokens

    def quote_verb(self, sent: Span, verb: Token) -> None:
        subject = subject_of(verb)
        quote = self.quote_after(verb, sent)
        if subject is None or quote is None:
            return
        cue = (verb.idx, verb.idx + len(verb.text))
        self.add(cue, quote, char_range(source_tokens(subject)), subject.i)

    def clause_content(self, verb: Token, sent: Span) -> list[Token] | None:
        for child in verb.children:
            if child.dep_ in CLAUSE_DEPS:
                return self.clause_and_tail(verb, child)
        if verb.lemma_ == "call":
            for child in verb.children:
                if child.dep_ == "prep" and child.lower_ in ("for", "on"):
                    rest = [t for t in verb.subtree if t.i > child.i - (child.lower_ == "on")]
                    return [t for t in rest if t.i >= child.i + 1] or None
        for child in verb.children:
            if child.dep_ == "xcomp" and verb.lemma_ in CUE_VERBS:
                return list(child.subtree)
        # "Y, X said": the cue verb hangs off the clause it reports.
        if verb.dep_ in ("ccomp", "parataxis", "advcl") and verb.head.i < verb.i:
            own = {t.i for t in verb.subtree}
            head = verb.head
            left = [t for t in head.subtree if t.i not in own and t.i < verb.left_edge.i]
            if left and verb.lemma_ in SPEECH_VERBS:
                return left
        return None

    def left_content(self, sent: Span, verb: Token, subject: Token) -> list[Token] | None:
        """'Y, said X' and '"Y," X said': everything before the cue clause."""
        start = min(verb.i, subject.left_edge.i)
        left = [t for t in sent if t.i < start]
        return left or None

    def quote_after(self, verb: Token, sent: Span) -> Range | None:
        """'X said: "Y"' or 'X said, "Y"': the quotation right after the cue."""
        end = verb.idx + len(verb.text)
        for q in self.quotes:
            if q[0] >= end and q[0] - end <= 30 and q[0] < sent.end_char + 3:
                gap = self.text[end : q[0]]
                if ":" in gap or "," in gap or gap.strip() == "" or " in " in gap:
                    return q
            if q[0] > end + 30:
                break
        return None

    def object_content(self, verb: Token) -> list[Token] | None:
        if verb.lemma_ in ("say", "tell", "ask"):
            return None
        deps: tuple[str, ...] = ("dobj", "oprd", "ccomp", "xcomp")
        if verb.lemma_ in JUDGING_VERBS:
            deps = (*deps, "prep")
        objects = [c for c in verb.rights if c.dep_ in deps]
        if any(c.dep_ == "dobj" for c in objects):
            return [t for c in objects for t in c.subtree]
        return self.preposition_object(verb)

    def preposition_object(self, verb: Token) -> list[Token] | None:
        """'talked about the economy', 'called for a ban': the object of the preposition."""
        if verb.lemma_ not in PREPOSITION_VERBS:
            return None
        for child in verb.rights:
            if child.dep_ == "prep" and child.lower_ in PREPOSITION_VERBS[verb.lemma_]:
                objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")
                           and c.ent_type_ not in ("DATE", "TIME", "GPE", "LOC", "FAC")]
                if objects:
                    return list(objects[0].subtree)
        return None

    def content_range(self, tokens: list[Token] | None) -> Range | None:
        if not tokens:
            return None
        found = char_range(_without_participle_cues(tokens))
        if found is None:
            return None
        return self.extend_to_quote(found)

    def extend_to_quote(self, found: Range) -> Range:
        """Content that opens a quotation runs to its close, even in a later sentence."""
        start, end = found
        for q in self.quotes:
            if q[0] >= end:
                break
            if q[1] <= start:
                continue
            inside_start = q[0] <= start + 1
            inside_end = q[1] >= end - 1
            if inside_start or (inside_end and q[0] < end):
                start, end = min(start, q[0]), max(end, q[1])
        return start, end

    def add(self, cue: Range, content: Range, source: Range | None, head: int | None) -> None:
        if content[1] - content[0] < 3:
            return
        quote = quote_at(self.quotes, *content)
        direct = quote is not None and quote[0] <= content[0] + 1 and quote[1] >= content[1] - 1
        self.found.append(Attribution(cue, (content,), source, head, direct))


def overlaps(a: Range, b: Range) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _nested(item: Attribution, found: list[Attribution]) -> bool:
    """A cue inside another attribution's content reports speech within speech."""
    return any(
        other is not item
        and any(r[0] <= item.cue[0] and item.cue[1] <= r[1] for r in other.content)
        for other in found
    )


def _dedupe(found: list[Attribution]) -> list[Attribution]:
    """Keep one attribution per content span, the first found."""
    seen: set[tuple[Range, ...]] = set()
    result = []
    for item in sorted(found, key=lambda a: a.content):
        if item.content in seen:
            continue
        seen.add(item.content)
        result.append(item)
    return result


def extract(doc: Doc) -> list[Attribution]:
    """Every attribution in the parsed article, in text order."""
    return _Extractor(doc).run()
