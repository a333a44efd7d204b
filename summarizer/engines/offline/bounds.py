"""Where what a cue reports begins and ends, read off the dependency parse.

Which tokens of a clause, an object or an infinitive are the content: the reported
clause with what the parser hung on the cue after it, but not the speaker's next act,
a clause set against it, where or when it was said, or a cue of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from summarizer.engines.offline.cues import (
    CLAUSE_DEPS,
    NOMINAL_CUES,
    PREPOSITION_VERBS,
    SPEECH_VERBS,
    SUBJECT_DEPS,
    according_to,
    holder,
    inverted_subject,
    is_cue_verb,
    marked,
)
from summarizer.text import word_set

if TYPE_CHECKING:
    from collections.abc import Callable

    from spacy.tokens import Token

# Where or when something was said, not what: "in a statement", "on Monday".
MEDIA = word_set(
    """statement interview speech post tweet letter release conference appearance rally
    remark op-ed column email video hearing debate address briefing call message"""
)
# When something was said, in a preposition that is no circumstance by its object alone.
TIME_PREPOSITIONS = word_set("before after during until since following")
# A finite verb's tags: a clause of its own under the word that holds it.
FINITE_TAGS = ("VBD", "VBZ", "VBP", "MD")
# Subordinators of a clause that tells when the act was.
WHEN_MARKS = word_set("when after before until since as once")
# Subordinators of a clause set against the one before it.
CONTRASTS = word_set("while whereas although though")
# Subordinators of a clause that tells when, or despite what, something was said.
OCCASIONS = CONTRASTS | WHEN_MARKS
# Verbs whose subject is their infinitive's: "the plan seems to work".
RAISING_VERBS = word_set("seem appear")
# What closes an aside between a speaker and the cue, and what opened it.
INSERTS = {")": "(", "-": "-", "—": "—", "–": "–"}


def without_participle_cues(tokens: list[Token]) -> list[Token]:
    """Drop a trailing '..., claiming that ...': it is an attribution of its own."""
    for token in tokens:
        if token.dep_ == "advcl" and token.tag_ == "VBG" and is_cue_verb(token) and (
            token.left_edge.i > tokens[0].i
        ):
            cut = {t.i for t in token.subtree}
            return [t for t in tokens if t.i not in cut]
    return tokens


def circumstance(prep: Token) -> bool:
    """'in a statement', 'on Monday', 'at a rally': where or when, not what."""
    objects = [c for c in prep.children if c.dep_ == "pobj"]
    return prep.dep_ == "prep" and bool(objects) and (
        objects[0].ent_type_ in ("DATE", "TIME") or objects[0].lemma_.lower() in MEDIA
    )


def call_preposition(verb: Token) -> Token | None:
    """The 'for' of 'called for a ban' or 'on' of 'called on Congress to act', also when
    the parser hangs it on a medium: 'called in a statement for higher wages'."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("for", "on") and not circumstance(child):
            return child
    for child in verb.children:
        if child.dep_ == "prep" and circumstance(child):
            for grand in (g for c in child.children for g in c.children):
                if grand.dep_ == "prep" and grand.lower_ == "for":
                    return grand
    return None


def without_circumstances(verb: Token, tokens: list[Token]) -> list[Token]:
    """The tokens without the verb's 'in a statement on Monday' that follow the content."""
    cut = {t.i for c in verb.children if c.dep_ == "prep" and circumstance(c)
           and c.i > tokens[0].i for t in c.subtree} if tokens else set()
    return [t for t in tokens if t.i not in cut]


def complement(child: Token) -> bool:
    """What completes a stance verb's object, 'thanked them for their support', 'shows X
    with a lead', 'hopes to win while losing', not where or when it was said."""
    if child.dep_ == "prep":
        return not circumstance(child) and child.lower_ not in TIME_PREPOSITIONS
    return child.dep_ == "advcl" and not any(is_cue_verb(t) for t in child.subtree) and not (
        contrast_clause(child) or side_effect(child))


def complements(verb: Token, after: Token, test: Callable[[Token], bool] = complement
                ) -> list[Token]:
    """The complements of ``verb`` that follow its object ``after``."""
    return [t for c in verb.rights if c.i > after.i and test(c) for t in c.subtree]


def when_clause(child: Token) -> bool:
    """'backed the bill when it came to a vote', 'praised him after he won': a clause with
    a subject of its own that tells when the act was, not what it judged."""
    opener = _first_mark(child, ("mark", "advmod"))
    return child.dep_ == "advcl" and opener in WHEN_MARKS and has_subject(child)


def object_complement(child: Token) -> bool:
    """What completes a noun object: a complement that does not tell when the act was."""
    return complement(child) and not when_clause(child)


def second_half(child: Token) -> bool:
    """'said she was "not only here to do my job" but also to back her candidate': an
    infinitive with no subject of its own cannot be a second act of the speaker."""
    return (child.dep_ == "conj"
            and _has_to(child)
            and not has_subject(child))


def continues_clause(child: Token) -> bool:
    """'said A, but that B': a conjunct of the cue opened by 'that', with no cue in it,
    goes on with the reported clause ('said A, and B went home' does not)."""
    return child.dep_ == "conj" and marked(child, "that") and not any(
        is_cue_verb(t) for t in child.subtree)


def clause_object(verb: Token) -> list[Token] | None:
    """'says the cut that X opposes also hurts Y', 'told the story of how they won':
    an object of say, tell or ask that holds a finite verb is what was said (a clause the
    parser took for a noun, or a story or question told); 'said a prayer' is not."""
    obj = next((c for c in verb.rights if c.dep_ == "dobj"), None)
    if obj is None or not any(t.tag_ in FINITE_TAGS for t in obj.subtree):
        return None
    return list(obj.subtree)


def inserted_cue(clause: Token) -> bool:
    """'But, she added, it will pass': a cue clause set into the clause it
    reports is not a clause reported by that clause's verb."""
    return clause.dep_ == "parataxis" and clause.lemma_ in SPEECH_VERBS and has_subject(clause)


def reported_clauses(verb: Token) -> list[Token]:
    """The clauses ``verb`` may report: not a cue clause set into its own, and of two
    clauses before it only the nearer ('X lamented Y: "A," he said': the parser hangs
    the sentence's opening on the cue as well)."""
    clauses = [c for c in verb.children if c.dep_ in CLAUSE_DEPS and not inserted_cue(c)]
    before = [c for c in clauses if c.dep_ == "ccomp" and c.i < verb.i]
    return [c for c in clauses if c not in before[:-1]]


def colon_between(first: Token, last: Token) -> bool:
    """A colon outside quotation marks parts the two tokens: 'The odds are long: polls
    show him behind'."""
    between = first.doc[first.i + 1 : last.i]
    return any(t.text == ":" for t in between) and not any(t.is_quote for t in between)


def without_left_cues(verb: Token, tokens: list[Token]) -> list[Token]:
    """'Asked about it, she said, "A"': a modifier before the inserted cue that holds a
    cue of its own reports its own content, not this cue's."""
    cut = {t.i for c in verb.head.lefts if c.i < verb.i
           and any(is_cue_verb(d) for d in c.subtree) for t in c.subtree}
    return [t for t in tokens if t.i not in cut]


def contrast_clause(child: Token) -> bool:
    """'..., while others backed him', 'even as aides denied it': a clause with a
    subject of its own, set against what was said, is the writer's, not the speaker's."""
    opener = _first_mark(child)
    if child.dep_ != "advcl" or opener is None or not has_subject(child):
        return False
    even = any(c.lower_ == "even" for c in child.children)
    return opener in CONTRASTS or (opener == "as" and even)


def without_contrasts(clause: Token, tokens: list[Token]) -> list[Token]:
    """The reported clause without a contrast clause that closes it."""
    cut = {t.i for c in clause.rights if contrast_clause(c) for t in c.subtree}
    return [t for t in tokens if t.i not in cut]


def side_effect(child: Token) -> bool:
    """'endorsed the bill, sparking a debate': a participle after a comma, with no
    'while' or 'by', tells what the act caused, not what was said."""
    return child.tag_ == "VBG" and child.i > 0 and child.nbor(-1).text == "," and not any(
        c.dep_ == "mark" for c in child.children)


def reports_that(verb: Token) -> bool:
    """'... and warned that B', '... and called on X to act': the verb brings in what
    it reports itself, by a that-clause or 'call on/for'."""
    if verb.lemma_ == "call" and call_preposition(verb) is not None:
        return True
    return any(c.dep_ == "ccomp" and marked(c, "that") for c in verb.children)


def goes_on(clause: Token, child: Token) -> bool:
    """'said A, but B' and 'said that A, and B': a clause with a subject of its own and
    no cue, which the parser hung on the cue, goes on with what was said."""
    if child.dep_ != "conj" or any(is_cue_verb(t) for t in child.subtree) or (
            not has_subject(child) or _has_to(child)):
        return False
    return marked(clause, "that") or any(
        c.dep_ == "cc" and c.lower_ == "but" and clause.i < c.i < child.i
        for c in child.head.children)


def without_other_verb(head: Token, tokens: list[Token]) -> list[Token]:
    """'urged them to vote and signaled support', 'said he will run and refuses to
    quit': a conjunct in another verb form than the infinitive or modal verb it joins
    cannot share its 'to' or 'will'; it is the speaker's next act (after a modal, only
    a cue: 'would resign and ended a strike' may be what was said)."""
    to = _has_to(head)
    modal = any(c.dep_ == "aux" and c.tag_ == "MD" for c in head.children)
    if head.tag_ != "VB" or not (to or modal):
        return tokens
    for child in head.rights:
        if child.dep_ == "conj" and child.tag_ in ("VBD", "VBZ", "VBG") and (
                not has_subject(child) and (to or is_cue_verb(child))):
            cut = {t.i for t in child.subtree} | {
                t.i for t in head.children if t.dep_ == "cc" and t.i < child.i}
            return [t for t in tokens if t.i not in cut]
    return tokens


def for_clause(verb: Token) -> list[Token] | None:
    """'called for the wage to be raised': 'for' parsed as the mark of the clause called for."""
    clause = next((c for c in verb.rights if c.dep_ == "advcl" and c.left_edge.lower_ == "for"
                   and c.left_edge.dep_ == "mark"), None)
    if clause is None or "for" not in PREPOSITION_VERBS.get(verb.lemma_, ()):
        return None
    return [t for t in clause.subtree if t.i != clause.left_edge.i]


def nominal_content(noun: Token) -> tuple[Token, list[Token]] | None:
    """What a nominal cue reports, with the token its cue ends on: 'support for X' (the
    preposition's object) or 'the claim that X' (the clause)."""
    allowed = NOMINAL_CUES[noun.lemma_.lower()]
    for child in noun.rights:
        if child.dep_ == "prep" and child.lower_ in allowed:
            objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
            return (child, list(objects[0].subtree)) if objects else None
        if "that" in allowed and child.dep_ in ("acl", "ccomp") and marked(child, "that"):
            return noun, list(child.subtree)
    clause = next((c for c in noun.head.rights if c.dep_ == "ccomp"), None)
    predicated = noun.dep_ == "nsubj" and noun.head.lemma_ == "be"  # "Her view is that X"
    return (noun, list(clause.subtree)) if predicated and clause is not None else None


def held_object(noun: Token) -> tuple[Token, list[Token]] | None:
    """What a cue with no content judges: 'The bill drew criticism from X'."""
    if holder(noun) is None or noun.dep_ != "dobj" or is_cue_verb(noun.head) or any(
            c.dep_ in ("acl", "relcl", "ccomp", "poss") for c in noun.children):
        return None
    owner = next((c for c in noun.head.children if c.dep_ in SUBJECT_DEPS), None)
    return None if owner is None or owner.tag_ in ("WDT", "WP") else (noun, list(owner.subtree))


def aside(token: Token) -> bool:
    """', who chairs the panel', ', a former governor': set off by a comma after a noun, it
    tells the reader who or what the noun is, not what was judged. Not a name ('his aide,
    Jane Doe') nor an item of a list ('his parents, his wife and his children')."""
    if token.left_edge.i == 0 or token.doc[token.left_edge.i - 1].text != ",":
        return False
    listed = any(c.dep_ in ("cc", "conj") for c in [*token.children, *token.head.children])
    described = token.dep_ == "appos" and token.pos_ == "NOUN" and not listed
    return token.head.pos_ in ("NOUN", "PROPN") and (token.dep_ == "relcl" or described)


def without_asides(tokens: list[Token] | None) -> list[Token] | None:
    """A noun phrase's content without an aside that closes it: 'backed Jones, a former
    governor' judges 'Jones'. Not inside a clause: that is what was said, asides and all."""
    if not tokens:
        return tokens
    inside = {t.i for t in tokens}
    found = _closing(tokens, lambda token: aside(token) and not any(
        a.pos_ in ("VERB", "AUX") for a in token.head.ancestors if a.i in inside))
    if found is None:
        return tokens
    cut = {t.i for t in found.subtree}
    return [t for t in tokens if t.i not in cut] or tokens


def raised_subject(verb: Token) -> list[Token]:
    """'The plan seems to work': after seem or appear, the subject is what the infinitive
    says something of, and part of what is reported; the parser hangs it on the cue."""
    subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is None or subject.tag_ in ("WDT", "WP") or verb.lemma_ not in RAISING_VERBS:
        return []
    return list(subject.subtree)


def infinitive_content(verb: Token, infinitive: Token) -> list[Token]:
    """What a cue's infinitive reports ('vowed to repeal the law'), with the subject of
    'seems to' and the complements of the cue after it, but not the speaker's next act."""
    tokens = without_other_verb(infinitive, list(infinitive.subtree))
    return raised_subject(verb) + tokens + complements(verb, infinitive)


def after_inserted_cue(verb: Token) -> list[Token]:
    """'Prices will rise, she said, because costs are up': what the parser hangs on the
    reported clause after a cue set into it, past a comma, goes on with what was said;
    not after a quotation ('"A," she said, dressed in red' narrates), nor a clause of
    its own joined by 'and', one of when it was said ('when ...'), a quotation or a cue."""
    head, end = verb.head, verb.right_edge.i
    tail = [c for c in head.rights if c.i > end and c.dep_ not in ("punct", "cc", "conj")]
    start = next(t.i for t in verb.subtree if not t.is_punct)
    quoted = any(t.is_quote for t in verb.doc[max(start - 3, 0) : start])
    if not tail or quoted or not any(t.text == "," for t in verb.doc[end : tail[0].i]):
        return []
    found: list[Token] = []
    for child in tail:
        if _occasion(child) or child.left_edge.is_quote or any(
                is_cue_verb(t) for t in child.subtree):
            break
        found.extend(child.subtree)
    return found


def _occasion(child: Token) -> bool:
    """'when a protester fell', 'after the vote': when, or despite what, it was said."""
    return _first_mark(child) in OCCASIONS


def without_relative_clause(tokens: list[Token]) -> list[Token]:
    """'said she backs the bill, which passed in May': a relative clause after a comma that
    closes what was said tells the reader about its last noun; the writer's, not said."""
    found = _closing(tokens, lambda token: token.left_edge.i > tokens[0].i
                     and _closing_relative(token))
    return tokens if found is None else [t for t in tokens if t.i < found.left_edge.i - 1]


def _closing_relative(clause: Token) -> bool:
    """', which passed in May', ', where he lives': a relative clause opened by a comma
    and a wh-word, with no quotation in it (a quoted one was said)."""
    opener = clause.left_edge
    return clause.dep_ == "relcl" and opener.tag_ in ("WDT", "WP", "WP$", "WRB") and (
        clause.doc[opener.i - 1].text == ",") and not any(t.is_quote for t in clause.subtree)


def set_off(verb: Token) -> bool:
    """'Y, X said' and '"Y" X said': the cue clause is set off from the words it reports
    by punctuation, or is what 'be' equates them with ('That was what X said'); 'I
    forgot she said it' and 'higher than they predicted' hang a clause on the sentence,
    they do not report it."""
    start = min([verb.i] + [c.left_edge.i for c in verb.lefts if not c.is_punct])
    before = verb.doc[start - 1] if start > 0 else None
    return before is None or before.is_punct or before.is_quote or before.lemma_ == "be"


def without_according(tokens: list[Token]) -> list[Token]:
    """'He said it was a lie, according to witnesses': the other cue is not content."""
    cut = {t.i for token in tokens if according_to(token) is not None for t in token.subtree}
    return [t for t in tokens if t.i not in cut] if cut else tokens


def distant_clause(verb: Token) -> list[Token] | None:
    """'said in one of her posts that A', 'told the crowd at a rally that A': a speech
    verb's that-clause the parser hung on a noun of where or to whom it was said. A
    clause opened by the mark 'that' with a subject of its own is no relative clause. Only
    in a circumstance or the hearer ('says the cut that X opposes hurts Y' says a clause)."""
    if verb.lemma_ not in SPEECH_VERBS or any(c.dep_ in CLAUSE_DEPS for c in verb.children):
        return None
    for child in (c for c in verb.rights if c.dep_ in ("prep", "npadvmod") or (
            c.dep_ == "dobj" and verb.lemma_ == "tell")):
        for token in child.subtree:
            if token.dep_ in ("relcl", "acl") and marked(token, "that") and has_subject(token):
                return list(token.subtree)
    return None


def left_subject(verb: Token) -> Token | None:
    """'Alarmed by it, Senator Jane Roe, the whip, said that A': the speaker the parser
    hung elsewhere, the noun phrase (with its apposition) that ends just before a finite
    cue with no subject, neither before nor after it ('A, said one aide')."""
    if verb.dep_ != "ROOT" or verb.tag_ not in FINITE_TAGS or any(
            c.dep_ in (*SUBJECT_DEPS, "expl", "csubj") for c in verb.children) or (
            inverted_subject(verb) is not None):
        return None
    before = list(verb.doc[verb.sent.start : verb.i])
    if before and before[-1].text in INSERTS:  # "Jane Roe (a Democrat) said", "- ... -"
        opener = INSERTS[before[-1].text]
        before = before[: max((k for k, t in enumerate(before[:-1]) if t.text == opener),
                              default=0)]
    words = [t for t in before if not t.is_punct]
    if not words or verb.nbor(-1).is_quote:
        return None
    noun = phrase_head(words[-1])
    named = noun.pos_ in ("NOUN", "PROPN") and noun.ent_type_ not in ("DATE", "TIME")
    return noun if named and noun.dep_ != "dobj" else None


def phrase_head(word: Token) -> Token:
    """The name a phrase's last word belongs to: 'Doe' for 'manager' in 'Jay Doe, the
    president and manager of Acme', but not 'Acme' for 'Doe' in 'At Acme, Jay Doe'."""
    noun = word
    while True:
        head = noun.head
        if noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("NOUN", "PROPN"):
            noun = head.head
        elif (noun.dep_ == "appos" or (noun.dep_ == "conj" and head.dep_ == "appos")) and (
                head.pos_ in ("NOUN", "PROPN") and head.dep_ != "pobj"):
            noun = head
        else:
            return noun


def has_subject(token: Token) -> bool:
    """Whether the parser gave ``token`` a subject of its own."""
    return any(c.dep_ in SUBJECT_DEPS for c in token.children)


def _has_to(verb: Token) -> bool:
    """'to vote': an infinitive marked by 'to'."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _first_mark(clause: Token, deps: tuple[str, ...] = ("mark",)) -> str | None:
    """The word that opens a subordinate clause ('when', 'while', 'that'), lower-cased."""
    return next((c.lower_ for c in clause.children if c.dep_ in deps and c.i < clause.i), None)


def _closing(tokens: list[Token], test: Callable[[Token], bool]) -> Token | None:
    """The first word of ``tokens`` whose phrase runs to their last word and passes ``test``:
    a phrase that closes the content ('..., which passed in May')."""
    last = max((t.i for t in tokens if not t.is_punct), default=-1)
    return next((t for t in tokens if t.right_edge.i >= last and test(t)), None)
