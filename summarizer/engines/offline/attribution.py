"""Attributions from a parsed article: who said what, with character intervals.

Works on a spaCy ``Doc`` from the dependency parse. Each attribution has a cue
(the speech or cognition word), a content span, and a source span when the
sentence names one. Forms covered:

* verb cues: "X said Y", "X told Z that Y", "Y, X said", "Y," said X, "X said: Y",
  "X said in a statement ...", "As X noted, Y", participles ("..., saying Y") and
  coordinated verbs ("X said A and added B") that share the subject of their head;
* verbs whose content is their object ("denied the report", "called for a ban",
  "accused X of Y") and nouns that report a stance ("his support for X");
* "according to X, Y" and "Y, according to X"; "in a poll, Y"; headlines "Name: statement";
* framed cues: "see X as Y", "feel (that) Y";
* quotations: content is the whole quotation, even when it runs over sentences, and
  a quotation continued after the cue ('"A," she said. "B."') is a second piece.

A cue inside a quotation, or (except "said" and "according to") inside another
attribution's content, is speech within speech and is not reported separately.
The cue words and the grammar that finds speakers are in ``cues``; quotations in
``quotes``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from summarizer.engines.offline.bounds import (
    after_inserted_cue,
    call_preposition,
    clause_object,
    colon_between,
    complements,
    continues_clause,
    distant_clause,
    for_clause,
    goes_on,
    held_object,
    infinitive_content,
    left_subject,
    nominal_content,
    object_complement,
    reported_clauses,
    reports_that,
    second_half,
    set_off,
    without_according,
    without_asides,
    without_circumstances,
    without_contrasts,
    without_left_cues,
    without_other_verb,
    without_participle_cues,
    without_relative_clause,
)
from summarizer.engines.offline.cues import (
    CLAUSE_DEPS,
    CUE_VERBS,
    KICKERS,
    NOMINAL_CUES,
    PREPOSITION_VERBS,
    QUOTE_VERBS,
    SPEECH_VERBS,
    SUBJECT_DEPS,
    THING_OBJECT_VERBS,
    according_to,
    char_interval,
    colon_label,
    framed_cue,
    holder,
    inserted_report,
    inverted_subject,
    is_cue_verb,
    passive_object,
    phrasal_content,
    purpose_of_anonymity,
    quote_frame,
    source_tokens,
    speaker,
    subject_of,
    token_interval,
    trailing_participle,
    unquoted_subject,
    withholds,
)
from summarizer.engines.offline.nlp import text_of
from summarizer.engines.offline.quotes import Quotes
from summarizer.spans import CharInterval

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

MAX_PIECES = 6  # quotations one attribution may chain
# Cues that stand even inside another attribution's content.
PLAIN_SPEECH = ("said", "says", "say", "according to")
POLLS = ("poll", "survey")  # "in the latest poll, ...": a source of its own


@dataclass(frozen=True)
class Attribution:
    """One attributed statement, located by character intervals of the article."""

    cue: CharInterval
    content: tuple[CharInterval, ...]  # one interval, or more when a quotation is interrupted
    source: CharInterval | None
    source_head: int | None  # token index of the source's head word
    direct: bool  # the content is a quotation

    def text(self, article: str) -> str:
        """The content as one string, its pieces joined by a space."""
        return " ".join(piece.of(article) for piece in self.content)


def extract(doc: Doc) -> list[Attribution]:
    """Every attribution in the parsed article, in text order of their content."""
    return _Extractor(doc).run()


class _Extractor:
    """Finds the attributions of one parsed article, form by form, sentence by sentence."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = text_of(doc)
        self.quotes = Quotes(self.text)

    def run(self) -> list[Attribution]:
        found = _dedupe([item for sent in self.doc.sents for item in self.sentence(sent)])
        found = [self.continued(item, found) for item in found]
        found = [self.followed(item, found) for item in found]
        return [item for item in found if self.plain_speech(item) or not _nested(item, found)]

    def plain_speech(self, item: Attribution) -> bool:
        """'said' and 'according to' stand even inside another attribution's content."""
        return item.cue.of(self.text).lower() in PLAIN_SPEECH

    def continued(self, item: Attribution, found: list[Attribution]) -> Attribution:
        """'"A," X said. "B."' and 'A is "C," X said, "B."': B continues what X said."""
        if self.quotes.at(item.content[-1]) is None or item.content[-1].end > item.cue.start:
            return item
        pieces = list(item.content)
        position = item.cue.end
        taken = [piece for other in found for piece in other.content]
        while len(pieces) < MAX_PIECES:
            after = self.quotes.continuation(position, first=len(pieces) == len(item.content))
            if after is None or any(after.overlaps(piece) for piece in taken):
                break
            pieces.append(after)
            position = after.end
        if len(pieces) == len(item.content):
            return item
        return Attribution(item.cue, tuple(pieces), item.source, item.source_head, item.direct)

    def followed(self, item: Attribution, found: list[Attribution]) -> Attribution:
        """'X says A. "B."', 'X recalled A: "B."': a quotation no one said goes on with A."""
        taken = [piece for other in found for piece in other.content]
        after = None if item.direct else self.quotes.after_stop(item.content[-1].end, taken)
        return item if after is None else replace(item, content=(*item.content, after))

    def sentence(self, sent: Span) -> list[Attribution]:
        """The attributions a sentence holds, in the order their cues come."""
        found = [self.headline(sent)]
        for token in sent:
            if (to := according_to(token)) is not None:
                found.append(self.according(sent, token, to))
            elif self.quotes.at(token_interval(token)) is not None:
                continue
            elif token.text == ":" and (label := colon_label(token)) is not None:
                found.append(self.labelled_quote(sent, token, label))
            elif token.lower_ == "in" and token.dep_ == "prep" and token.head.dep_ == "ROOT":
                found.append(self.in_poll(sent, token))
            elif (is_cue_verb(token) or framed_cue(token)) and not _withheld(token):
                found.append(self.verb(sent, token))
            elif token.pos_ == "NOUN" and token.lemma_.lower() in NOMINAL_CUES:
                found.append(self.nominal(token))
            elif (framed := quote_frame(token, sent, self.quotes)) is not None:
                found.append(self.attribution(*framed))
        return [item for item in found if item is not None]

    # -- "X: Y" headlines ------------------------------------------------------ #

    def headline(self, sent: Span) -> Attribution | None:
        """'Graham: Trump Is Destroying the GOP': a short name, a colon, a line; and a
        transcript's turn, 'TRUMP: We will make a deal.'"""
        start = sent.start_char
        if start > 0 and self.text[start - 1] != "\n":
            return None
        colon = next((t for t in sent[:8] if t.text == ":"), None)
        if colon is None or colon.i == sent.start:
            return None
        label = self.doc[sent.start : colon.i]
        if not is_speaker_label(label):
            return None
        line_end = self.text.find("\n", colon.idx)
        line_end = len(self.text) if line_end == -1 else line_end
        content = self.text[colon.idx + 1 : line_end]
        lead = len(content) - len(content.lstrip())
        body = content.strip()
        if body.endswith("?"):
            return None  # a question asked is no statement
        body = body.rstrip(".")
        if len(body.split()) < 3:
            return None
        begin = colon.idx + 1 + lead
        found = self.attribution(token_interval(colon), CharInterval(begin, begin + len(body)),
                                 CharInterval(label.start_char, label.end_char), label.root.i)
        if found is not None and label.text.isupper():  # a transcript's turn: verbatim words
            return Attribution(found.cue, found.content, found.source, found.source_head, True)
        return found

    def labelled_quote(self, sent: Span, colon: Token, label: Span) -> Attribution | None:
        """'... - Pew Research: "All the samples ..."': a name, a colon, a quotation."""
        quote = self.quotes.after_cue(colon.idx + 1, sent.end_char)
        if quote is None or self.text[colon.idx + 1 : quote.start].strip():
            return None
        return self.attribution(token_interval(colon), quote,
                                CharInterval(label.start_char, label.end_char), label.root.i)

    # -- "according to X" ------------------------------------------------- #

    def according(self, sent: Span, token: Token, to: Token) -> Attribution | None:
        objects = [c for c in to.children if c.dep_ == "pobj"]
        if not objects:
            return None
        phrase = {t.i for t in token.subtree} | {t.i for t in to.subtree}
        content = self.content_interval([t for t in sent if t.i not in phrase])
        if content is None:
            return None
        cue = CharInterval(token.idx, to.idx + len(to.text))
        return self.attribution(cue, content, char_interval(source_tokens(objects[0])),
                                objects[0].i)

    def in_poll(self, sent: Span, token: Token) -> Attribution | None:
        """'In the latest poll, Trump leads by 8 points': the poll is the source."""
        poll = next((c for c in token.children if c.dep_ == "pobj"
                     and c.lemma_.lower() in POLLS), None)
        if poll is None or any(is_cue_verb(t) for t in sent):
            return None
        phrase = {t.i for t in token.subtree}
        content = self.content_interval([t for t in sent if t.i not in phrase])
        if content is None:
            return None
        return self.attribution(token_interval(token), content,
                                char_interval(source_tokens(poll)), poll.i)

    # -- nominal cues: "his support for X", "voiced criticism of X" ------------- #

    def nominal(self, noun: Token) -> Attribution | None:
        found = nominal_content(noun) or held_object(noun)
        if found is None:
            return None
        end, tokens = found
        subject = holder(noun) or next((c for c in noun.children if c.dep_ == "poss"), None)
        if subject is None and noun.dep_ in ("dobj", "attr") and noun.head.pos_ == "VERB":
            subject = speaker(noun.head)
        if subject is None or subject.lower_ in ("its", "their", "it", "they"):
            return None
        content = self.content_interval(without_asides(tokens))
        if content is None:
            return None
        cue = CharInterval(noun.idx, end.idx + len(end.text))
        return self.attribution(cue, content, char_interval(source_tokens(subject)), subject.i)

    # -- verb cues ----------------------------------------------------------- #

    def verb(self, sent: Span, verb: Token) -> Attribution | None:
        if verb.lemma_ in QUOTE_VERBS and verb.lemma_ not in SPEECH_VERBS:
            return self.quote_verb(sent, verb)
        if purpose_of_anonymity(verb):
            return None
        actor = verb.head.head if _second_act(verb) else verb
        subject = unquoted_subject(verb, speaker(actor) or left_subject(verb), self.quotes)
        tokens = self.clause_content(verb)
        if subject is None or subject.i > verb.i:
            inverted = inverted_subject(verb)
            if inverted is not None and tokens is None:
                tokens = self.left_content(sent, verb, inverted)
            subject = subject or inverted
        if subject is None:
            return None
        content = self.content_interval(tokens) if tokens else self.quote_after(verb, sent)
        if tokens is None and not _describes(verb) and (
                content is None or self.quotes.runs_on(content)):  # 'called "X" policies'
            content = self.content_interval(without_asides(self.object_content(verb))) or content
        if content is None and tokens is None and verb.lemma_ in SPEECH_VERBS:
            # '"A," he said at a hearing.' parsed as two clauses, or "A" left a sentence apart.
            content = self.quote_before(verb, subject)
        if content is None:
            return None
        return self.attribution(token_interval(verb), content,
                                char_interval(source_tokens(subject)), subject.i)

    def clause_and_tail(self, verb: Token, clause: Token) -> list[Token]:
        """A reported clause after the cue, plus what the parser hung on the cue after it.

        Modifiers after the clause usually belong to it ("... is 'peanuts,' compared
        to ..."), unless they hold a cue of their own ("..., adding that ...").
        """
        tokens = _without_second_act(clause, list(clause.subtree))
        tokens = without_other_verb(clause, without_contrasts(clause, tokens))
        if clause.i < verb.i:  # 'The odds are long: polls show him behind' reports no odds
            return [] if colon_between(clause.right_edge, verb) else without_relative_clause(tokens)
        for child in verb.rights:
            if child.i <= clause.i or child.dep_ in ("punct", "cc"):
                continue
            if second_half(child) or continues_clause(child) or goes_on(clause, child):
                tokens.extend(child.subtree)
                continue
            if any(is_cue_verb(t) for t in child.subtree) or child.dep_ == "conj":
                break
            tokens.extend(child.subtree)
        return without_relative_clause(tokens)

    def quote_verb(self, sent: Span, verb: Token) -> Attribution | None:
        subject = subject_of(verb)
        if subject is None:
            return None
        # '"A," she continued.' as well as 'she continued: "A"'.
        quote = self.quote_after(verb, sent) or self.quote_before(verb, subject)
        if quote is None:
            return None
        return self.attribution(token_interval(verb), quote,
                                char_interval(source_tokens(subject)), subject.i)

    def clause_content(self, verb: Token) -> list[Token] | None:
        if (phrased := phrasal_content(verb)) is not None:
            return phrased
        clauses = reported_clauses(verb)
        if clauses:
            # "Few would admit it, but X says he was lost": the clause after the cue.
            after = [c for c in clauses if c.i > verb.i and c.dep_ == "ccomp"]
            quoted = self.quotes.at(token_interval(clauses[0])) is not None
            return self.clause_and_tail(verb, after[0] if len(clauses) > 1 and after
                                        and not quoted else clauses[0])
        if (judged := for_clause(verb) or passive_object(verb) or distant_clause(verb)) is not None:
            return judged
        if verb.lemma_ == "call":
            called = call_preposition(verb)
            if called is not None:
                after = [t for t in verb.subtree if t.i > called.i]
                return without_circumstances(verb, after) or None
        for child in verb.children:
            if child.dep_ == "xcomp" and (verb.lemma_ in CUE_VERBS or framed_cue(verb)):
                return infinitive_content(verb, child)
        # "Y, X said": the cue verb hangs off the clause it reports.
        # A participle or "when asked" has no subject of its own: it adds to the clause
        # before it ("..., warning of floods"), it does not report it.
        if verb.dep_ in ("ccomp", "parataxis", "advcl") and verb.head.i < verb.i and (
            any(c.dep_ in SUBJECT_DEPS for c in verb.children)
        ):
            own = {t.i for t in verb.subtree}
            head = verb.head
            left = [t for t in head.subtree if t.i not in own and t.i < verb.left_edge.i]
            if left and verb.lemma_ in SPEECH_VERBS and (set_off(verb) or left[-1].is_quote):
                return left + after_inserted_cue(verb)
        # "A, X said, B", "As X noted, A": the cue clause sits inside the clause it reports.
        if inserted_report(verb):
            own = {t.i for t in verb.subtree}
            content = without_left_cues(verb, [t for t in verb.head.subtree if t.i not in own])
            # '"A," X said, "B"': B continues A. 'But, X said, "B"' reports all of it.
            if any(t.is_quote and t.i < verb.i for t in verb.subtree):
                content = [t for t in content if t.i < verb.i]
            return content or None
        return None

    def left_content(self, sent: Span, verb: Token, subject: Token) -> list[Token] | None:
        """'Y, said X' and '"Y," X said': everything before the cue clause."""
        start = min(verb.i, subject.left_edge.i)
        left = [t for t in sent if t.i < start]
        return left or None

    def quote_after(self, verb: Token, sent: Span) -> CharInterval | None:
        """'X said: "Y"' or 'X said, "Y"': the quotation right after the cue."""
        return self.quotes.after_cue(verb.idx + len(verb.text), sent.end_char)

    def quote_before(self, verb: Token, subject: Token) -> CharInterval | None:
        """'"Y," X said.': the quotation left just before the cue's clause."""
        return self.quotes.before_phrase([t.idx for t in subject.subtree], verb.idx)

    def object_content(self, verb: Token) -> list[Token] | None:
        if verb.lemma_ in ("say", "tell", "ask"):
            return clause_object(verb)
        if verb.lemma_ in THING_OBJECT_VERBS:
            return self.preposition_object(verb)
        # No "ccomp": a verb with one has its content from clause_content. Its object's
        # complements are content too ("thanked them for their support", "shows X with a
        # lead"), but not where or when it was said nor a clause of when it was done.
        objects = [c for c in verb.rights
                   if c.dep_ in ("dobj", "oprd", "xcomp") or object_complement(c)]
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
                    return list(objects[0].subtree) + complements(verb, child, object_complement)
        return None

    def content_interval(self, tokens: list[Token] | None) -> CharInterval | None:
        if not tokens:
            return None
        found = char_interval(without_participle_cues(without_according(tokens)))
        return None if found is None else self.quotes.widen(found)

    def attribution(self, cue: CharInterval, content: CharInterval, source: CharInterval | None,
                    head: int | None) -> Attribution | None:
        if len(content) < 3:
            return None
        direct = self.quotes.holds(content)
        pieces = content.lines(self.text)
        if not direct:
            # Said content stays on the cue's line: never the paragraph before or after.
            pieces = (min(pieces, key=cue.distance),)
            if "anonymity" in pieces[0].of(self.text):
                return None  # "who spoke on condition of anonymity": why unnamed, not what said
        return Attribution(cue, pieces, source, head, direct=direct)


def _withheld(verb: Token) -> bool:
    """The cue, or a cue it reports to ('did not say whether she would back it'), holds
    speech back: that is an unknown, never a statement."""
    if withholds(verb):
        return True
    current = verb
    # "declined ... but said", "declined to comment, saying ...": acts of their own.
    while current.dep_ != "conj" and not trailing_participle(current) and (
        current.head.i != current.i
    ):
        current = current.head
        if withholds(current):
            return True
    return False


def _second_act(child: Token) -> bool:
    """'said she was tired and predicted a win': a cue coordinated with the reported clause,
    in the cue's own tense or with its own that-clause ('and warned that B'), and with no
    subject, is the speaker's next act, not what was said."""
    clause, verb = child.head, child.head.head
    return child.dep_ == "conj" and clause.dep_ in CLAUSE_DEPS and is_cue_verb(verb) and (
        child.i > clause.i and is_cue_verb(child)
        and (child.tag_ == verb.tag_ != clause.tag_ or reports_that(child))
        and not any(c.dep_ in SUBJECT_DEPS for c in child.children))


def _without_second_act(clause: Token, tokens: list[Token]) -> list[Token]:
    for child in clause.children:
        if _second_act(child):
            cut = {t.i for t in child.subtree} | {
                t.i for t in clause.children if t.dep_ == "cc" and t.i < child.i}
            return [t for t in tokens if t.i not in cut]
    return tokens


def _describes(verb: Token) -> bool:
    """'a Democrat who wrote the bill': a relative clause that describes someone by what
    they did, not what they said."""
    return verb.dep_ == "relcl" and verb.lemma_ in SPEECH_VERBS


def is_speaker_label(label: Span) -> bool:
    """'Graham' in a headline 'Graham: ...', 'TRUMP' in a transcript: at most four
    capitalised words, no verb, not a place ('WASHINGTON:') and not 'Q' or 'A'."""
    words = [t for t in label if not t.is_punct]
    if not words or len(label) > 4 or any(t.pos_ in ("VERB", "AUX") for t in label):
        return False
    if label.text.upper() in ("Q", "A") or any(t.ent_type_ in ("GPE", "DATE") for t in label):
        return False
    if len(words) == 1 and words[0].lower_ in KICKERS:
        return False
    return all(t.text[:1].isupper() for t in words)


def _nested(item: Attribution, found: list[Attribution]) -> bool:
    """A cue inside another attribution's content reports speech within speech."""
    return any(
        other is not item and any(piece.contains(item.cue) for piece in other.content)
        for other in found
    )


def _dedupe(found: list[Attribution]) -> list[Attribution]:
    """Keep one attribution per content span, the one whose cue is nearest it."""
    seen: set[tuple[CharInterval, ...]] = set()
    result = []
    for item in sorted(found, key=lambda a: (a.content, a.cue.distance(a.content[0]))):
        if item.content in seen:
            continue
        seen.add(item.content)
        result.append(item)
    return result
