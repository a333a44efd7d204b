"""Cues of attribution and the grammar around them, read off the dependency parse.

The words that report speech or stance (verbs, nouns, the prepositions that bring
in their content), and the token-level questions the extractor asks: is this a
cue, who is its speaker, which words name that speaker. Where the content begins
and ends is bounds.py's question.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from summarizer.engines.offline.quotes import CLOSE_QUOTES, OPEN_QUOTES
from summarizer.spans import CharInterval
from summarizer.text import word_set

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from summarizer.engines.offline.quotes import Quotes

# Verbs of saying: content is a clause, a quotation, or the sentence around the cue.
SPEECH_VERBS = word_set(
    """say tell add note claim argue predict indicate write deny insist warn report
    explain acknowledge announce state declare confirm reveal admit assert mention
    contend concede complain recall remark reply respond observe emphasize
    stress reiterate repeat testify tweet allege estimate forecast caution vow
    pledge promise boast joke quip speculate ask urge describe conclude recount
    disclose suggest signal hint propose exclaim shout scream yell
    chant tout brag whisper muse retort counter email text"""
)
# Verbs of thinking, wanting and judging: content is a clause or the object.
STANCE_VERBS = word_set(
    """believe think expect hope fear worry doubt know agree disagree criticize accuse blame
    question wonder show find want support praise mock refuse back endorse attack slam blast
    condemn defend reject dismiss discuss cite prefer plan intend decline consider call demand
    applaud deride denounce decry ridicule dispute hail favor envision realize insist suspect
    bemoan vow acknowledge concede predict deny propose promise pledge reveal confirm admit
    describe highlight stress emphasize recommend advocate thank congratulate offer echo express
    encourage remind oppose lambaste trash swipe cheer downplay assure lament imply outline deem
    assail threaten reference recognize learn seem appear read persuade answer invoke decide
    seek name credit rule list label quote issue chide rebut articulate proclaim
    characterize liken reaffirm dub recite remember order underscore title detail attribute
    disavow clarify document contemplate interpret contradict dislike champion paint sound
    understand publish project resist inform contrast love guess herald relish
    expose imagine"""
    # The tagger's lemmas of "hoping", "retweeted" and "lambasted".
    " hop retweete lambast"
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
    **dict.fromkeys(("call", "push", "argue", "advocate", "vote", "campaign", "plead", "apologize"),
                    ("for", "against")),
    **dict.fromkeys(("refer", "point", "respond", "object", "allude"), ("to",)),
    **dict.fromkeys(("rail", "lash", "lambaste", "caution"), ("against", "at")),
    "warn": ("about", "of", "against"),
}
# Cues whose direct object is a thing, not what was said: "found a way", "wrote a book".
THING_OBJECT_VERBS = word_set("find push write add know")
# Nouns that report a stance, with the prepositions that introduce its content; "that"
# for a reported clause ("her claim that X").
NOMINAL_CUES = {
    **dict.fromkeys(("support", "call", "demand", "push", "plea", "argument", "proposal"),
                    ("for",)),
    **dict.fromkeys(("criticism", "denunciation", "opinion", "rejection", "defense",
                     "praise", "condemnation", "dismissal"), ("of",)),
    **dict.fromkeys(("comment", "remark", "statement", "warning", "concern",
                     "question", "complaint", "claim", "tweet", "advice", "announcement"),
                    ("about", "on", "that")),
    **dict.fromkeys(("suggestion", "assertion", "doubt", "contention", "accusation",
                     "insistence", "belief", "speculation", "admission", "fear", "hope", "answer",
                     "response", "point", "view", "message", "worry", "promise", "position",
                     "conclusion", "assessment", "theory", "finding", "prediction",
                     "explanation", "pitch", "idea", "assumption", "sense", "allegation",
                     "confidence"), ("that",)),
    "attack": ("on", "against"),
    "opposition": ("to",),
    "decision": ("to", "on"),
}
# Verbs that withhold when negated ("did not elaborate", "would not comment on").
WITHHELD = word_set(
    "elaborate comment specify disclose say explain reveal confirm respond answer sign "
    "decide announce identify detail release provide address clarify finalize name "
    "verify reach return"
)
# Verbs that withhold on their own ("declined to comment"), when what is refused is
# telling something: "refused to keep his hands up" is an act, not a gap.
REFUSALS = word_set("decline refuse")
REFUSED_TELLING = WITHHELD | SPEECH_VERBS | word_set("discuss speculate talk threaten")
# Headline kickers, "Breaking: ...": words that label a line, never a speaker.
KICKERS = word_set("breaking exclusive correction update bombshell revealed busted watch wow"
                   " online previously byline email analysis opinion editorial video live")
# "went according to plan": a manner, not a source.
MANNER_NOUNS = word_set("plan schedule script design form tradition custom protocol procedure")
# Cues only in one frame, by lemma: "sees him as a threat" (object as), "feel they were
# wronged" (clause), "would like to see" (infinitive), "portrayed him as weak" (object).
FRAMED_CUES = {
    **dict.fromkeys(("see", "view", "regard", "perceive"), ("object as",)),
    **dict.fromkeys(("feel", "charge", "convince", "post", "accept", "address", "maintain",
                     "demonstrate", "assume"), ("clause",)),
    **dict.fromkeys(("like", "look", "aim"), ("infinitive",)),
    **dict.fromkeys(("portray", "compare", "identify", "welcome"), ("object",)),
}
# Phrasal cues: a verb that reports a stance only with this particle, object, preposition or
# adjective ("laid out", "took issue with", "is confident that"), and where its content is,
# first found first: "clause" (a that-clause), "object" (the direct object), "infinitive"
# ("is eager to X"), or the prepositions whose object it is.
PHRASAL_CUES = {
    **dict.fromkeys((("be", adjective) for adjective in (
        "confident", "sure", "concerned", "worried", "hopeful", "adamant", "convinced", "aware",
        "skeptical", "critical", "wary", "supportive", "proud", "happy", "glad", "doubtful",
        "upset", "frustrated", "furious", "pleased", "fond", "dismissive", "unhappy")),
        ("clause", "of", "about", "in")),
    **dict.fromkeys((("be", word) for word in ("eager", "reluctant", "willing")), ("infinitive",)),
    ("be", "against"): ("against",),
    **dict.fromkeys((("lay", "out"), ("shrug", "off")), ("object",)),
    ("make", "clear"): ("clause", "object"),
    ("make", "case"): ("clause", "for", "against"),
    ("shoot", "back"): ("clause",),
    **dict.fromkeys((("take", "issue"), ("side", "with")), ("with",)),
    **dict.fromkeys((("take", "aim"), ("hint", "at")), ("at",)),
    ("weigh", "in"): ("on",),
    ("come", "out"): ("against", "for", "in favor of"),
    ("speak", "out"): ("against", "for", "on", "about"),
    ("stand", "by"): ("by",),
    ("agree", "with"): ("clause", "with"),
    ("vouch", "for"): ("for",),
    ("open", "up"): ("about",),
    ("throw", "support"): ("behind",),
    ("vote", "in"): ("in favor of",),
}
# How a phrasal cue's particle, object or preposition hangs on its verb.
PHRASAL_DEPS = ("prt", "dobj", "ccomp", "acomp", "oprd", "prep", "advmod")
CUE_VERBS = SPEECH_VERBS | STANCE_VERBS | QUOTE_VERBS | frozenset(PREPOSITION_VERBS)
SUBJECT_DEPS = ("nsubj", "nsubjpass")
CLAUSE_DEPS = ("ccomp", "parataxis")


def is_cue_verb(token: Token) -> bool:
    """A verb of saying, thinking or judging."""
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in CUE_VERBS


def marked(clause: Token, word: str) -> bool:
    """A clause opened by this subordinator: 'that X', 'as X noted'."""
    return any(c.dep_ == "mark" and c.lower_ == word for c in clause.children)


def token_interval(token: Token) -> CharInterval:
    return CharInterval(token.idx, token.idx + len(token.text))


def negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" for c in verb.children)


def refuses_telling(verb: Token) -> bool:
    """'declined to say', 'refused to comment'."""
    return verb.lemma_.lower() in REFUSALS and any(
        c.dep_ == "xcomp" and c.lemma_.lower() in REFUSED_TELLING for c in verb.children
    )


def withholds(verb: Token) -> bool:
    """Speech withheld, not made: 'did not say whether', 'declined to say', 'would not
    comment on', 'did not respond to'. An unknown, never a statement."""
    if refuses_telling(verb) or (verb.lemma_.lower() in WITHHELD and negated(verb)):
        return True
    return verb.dep_ == "xcomp" and refuses_telling(verb.head)


def char_interval(tokens: Iterable[Token]) -> CharInterval | None:
    """The text the tokens cover, without the edges that belong to no statement."""
    items = _trim(sorted(tokens, key=lambda t: t.i))
    if not items:
        return None
    return CharInterval(items[0].idx, items[-1].idx + len(items[-1].text))


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
            if child.dep_ == "prep" and (child.lower_ in ("of", "for") or _affiliation(child)):
                keep.extend(child.subtree)
            continue
        keep.extend(child.subtree)
    # "one Democrat familiar with the discussion, who added ...": the clause is not the name,
    # nor is "a group in Ohio" after "lawyers with the Clean Air Project" (a person named
    # there is: "a spokeswoman for Acme, Jane Doe"). Nor is '"A," X told Y' the quotation
    # the parser hung on the speaker.
    cut = {t.i for k in keep if k.dep_ == "ccomp" or (k.i > head.i and (k.dep_ == "relcl" or (
        k.dep_ == "appos" and k.ent_type_ != "PERSON"))) for t in k.subtree}
    return sorted({t for t in keep if t.i not in cut and not t.is_quote}, key=lambda t: t.i)


def _affiliation(prep: Token) -> bool:
    """'lawyers with the Clean Air Project', 'analysts at Acme': who they speak for."""
    return prep.lower_ in ("with", "at", "from") and any(
        c.dep_ == "pobj" and c.ent_type_ == "ORG" for c in prep.children)


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
            if current.dep_ == "xcomp" and _passive_report(current.head):
                return None  # "is expected to back the bill": an expectation, not a stance
            current = current.head
            seen += 1
            continue
        if current.dep_ == "pcomp" and current.head.dep_ == "prep":
            current = current.head.head  # "responded by saying"
            if current.dep_ in ("dobj", "acomp", "attr") and current.pos_ in ("NOUN", "ADJ"):
                current = current.head  # "took the step of backing", "was quick in backing"
            seen += 1
            continue
        if current.dep_ == "acl" and current.tag_ == "VBG" and current.head.pos_ in (
            "PROPN", "NOUN"
        ):
            return current.head  # "McCain, telling reporters ..."
        return None
    return None


def _that_said(subject: Token, verb: Token) -> bool:
    """'That said, the plan may fail': a turn in the writer's argument, not a report."""
    return (subject.lower_ in ("that", "this") and bool(subject.is_sent_start)
            and subject.i + 1 == verb.i and verb.i + 1 < len(verb.doc)
            and verb.nbor().text == ",")


def speaker(verb: Token) -> Token | None:
    """The subject of a cue; for 'who said' in a relative clause, the noun it modifies;
    for a passive report ('is expected by aides to'), the agent or nobody."""
    if _passive_report(verb) or passive_object(verb):
        return _reporter_of_passive(verb)
    subject = subject_of(verb)
    if subject is not None and _that_said(subject, verb):
        return None
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
        if current.dep_ == "appos" and current.head.pos_ in ("PROPN", "NOUN"):
            return current.head  # "Senator Maria Lopez, a Democrat who said"
        if current.ent_type_ in ("PERSON", "ORG", "NORP") or current.pos_ == "PROPN":
            return current
        if current.dep_ in ("amod", "acl") and current.head.pos_ in ("NOUN", "PROPN"):
            return current.head  # "officials familiar with the talks, who"
        if current.dep_ not in ("pobj", "prep") or current.head.i == current.i:
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


def purpose_of_anonymity(verb: Token) -> bool:
    """'requested anonymity to discuss the talks' gives a reason, not a statement."""
    if verb.dep_ not in ("xcomp", "advcl", "acl"):
        return False
    return any(t.lower_ in ("anonymity", "authorized") for t in verb.head.subtree)


def framed_cue(token: Token) -> bool:
    """'see X as Y', 'feel (that) Y', 'like to Y': cues only with that object or clause."""
    if token.pos_ not in ("VERB", "AUX"):
        return False
    frames = FRAMED_CUES.get(token.lemma_.lower(), ())
    if frames:
        deps = {c.dep_ for c in token.children}
        as_prep = any(c.dep_ == "prep" and c.lower_ == "as" for c in token.children)
        found = {"clause": "ccomp" in deps, "infinitive": "xcomp" in deps,
                 "object": "dobj" in deps, "object as": "dobj" in deps and as_prep}
        if any(found[frame] for frame in frames):
            return True
    return phrasal_content(token) is not None


def according_to(token: Token) -> Token | None:
    """The "to" of an "according to" that names a source; None for "went according to
    plan", where a bare manner noun follows."""
    if token.lower_ != "according" or token.i + 1 >= len(token.doc):
        return None
    to = token.nbor()
    manner = any(c.dep_ == "pobj" and c.lower_ in MANNER_NOUNS
                 and not any(d.dep_ in ("det", "poss") for d in c.children) for c in to.children)
    return to if to.lower_ == "to" and not manner else None


def _reporter_of_passive(verb: Token) -> Token | None:
    """'The senator is expected (by aides) to back the bill': the subject is what is
    reported; who reports it is the agent, when the sentence names one."""
    agents = (c for c in verb.children if c.dep_ == "agent")
    return next((g for a in agents for g in a.children if g.dep_ == "pobj"), None)


def _passive_report(verb: Token) -> bool:
    """A passive cue with an infinitive: 'is said to', 'was expected to'."""
    deps = {c.dep_ for c in verb.children}
    return "nsubjpass" in deps and "xcomp" in deps


def colon_label(colon: Token) -> Span | None:
    """'Pew Research: "..."' in running text: the name a colon puts before a quotation, back
    to the sentence's start or the punctuation before it; a capitalised name, not a verb's
    clause nor a byline's 'by X'."""
    start = colon.i
    while start > colon.sent.start and not colon.doc[start - 1].is_punct:
        start -= 1
    label = colon.doc[start : colon.i]
    if not 0 < len(label) <= 6 or any(t.pos_ in ("VERB", "AUX") for t in label):
        return None
    named = label.root.pos_ == "PROPN" or any(t.ent_type_ in ("PERSON", "ORG") for t in label)
    if not named or not label.text[:1].isupper() or label.text.upper() in ("Q", "A"):
        return None
    return label


def inserted_report(verb: Token) -> bool:
    """'A, X said, B' and 'As X noted, A B': a speech verb set into the clause it reports."""
    if verb.head.i <= verb.i or verb.lemma_ not in SPEECH_VERBS:
        return False
    return verb.dep_ == "parataxis" or (verb.dep_ == "advcl" and marked(verb, "as"))


def trailing_participle(token: Token) -> bool:
    """'declined to comment, saying X': a participle after its head is a second act."""
    return token.dep_ == "advcl" and token.tag_ == "VBG" and token.i > token.head.i


def passive_object(verb: Token) -> list[Token] | None:
    """'His remarks were derided by the mayor': the agent judges what the subject names."""
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    clause = any(c.dep_ in ("xcomp", "ccomp") for c in verb.children)
    if subject is None or subject.tag_ in ("WDT", "WP") or clause:
        return None
    return list(subject.subtree) if _reporter_of_passive(verb) else None


def holder(noun: Token) -> Token | None:
    """Who holds a nominal cue's stance: 'criticism from X', 'X were firm in their support'
    when X names someone (the bills 'differ in their support' for nothing)."""
    poss = [c for c in noun.children if c.dep_ == "poss"]
    preps = [c for c in noun.rights if c.dep_ == "prep" and c.lower_ in ("from", "by", "among")]
    found = next((g for p in preps for g in p.children if g.dep_ == "pobj" and not poss), None)
    verb = next((a for a in noun.ancestors if a.pos_ in ("VERB", "AUX")), None)
    their = noun.dep_ == "pobj" and bool(poss) and poss[0].lower_ in ("their", "its")
    subject = subject_of(verb) if their and verb is not None else None
    named = subject is not None and any(
        t.ent_type_ in ("PERSON", "NORP", "ORG", "GPE") for t in subject.subtree)
    return found or (subject if named else None)


def unquoted_subject(verb: Token, subject: Token | None, quotes: Quotes) -> Token | None:
    """'"Happy holidays!," he tweeted': of two subjects the parser gives a cue, one a word
    of the quotation, the other is the speaker."""
    def quoted(token: Token) -> bool:
        return quotes.at(token_interval(token)) is not None

    if subject is None or not quoted(subject):
        return subject
    return next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and not quoted(c)), subject)


# What may follow a verb that a quotation before it makes a cue: when, where, how.
CIRCUMSTANCE_DEPS = ("prep", "advmod", "npadvmod", "punct")


def quote_frame(verb: Token, sent: Span, quotes: Quotes) -> (
        tuple[CharInterval, CharInterval, CharInterval, int] | None):
    """'"A," Jones fumed on Tuesday.' and 'Jones interjected: "A"': a verb outside the
    lexicon set right against a quotation, with its subject, reports it. The cue, the
    quotation, the speaker and the speaker's head word."""
    if verb.pos_ != "VERB" or is_cue_verb(verb):
        return None
    subject = next((c for c in verb.lefts if c.dep_ == "nsubj"), None)
    if subject is None or any(
            t.dep_ not in ("advmod", "aux") for t in verb.doc[subject.right_edge.i + 1 : verb.i]):
        return None
    # 'Jones released this statement: "A"', 'as Jones put it, "A"': the colon or comma that
    # ends the verb's clause (a comma after a noun may open a title: 'his book, "A"').
    ahead = verb.doc[verb.i + 1 : min(verb.i + 8, sent.end)]
    colon = next((t for t in ahead if t.text == ":" or t.pos_ in ("VERB", "AUX") or (
        t.text == "," and all(w.pos_ not in ("NOUN", "PROPN") for w in ahead[: t.i - verb.i]))),
        verb)
    end = colon.idx if colon.text in ":," else verb.idx + len(verb.text)
    quote = quotes.after_mark(end, sent.end_char)
    if quote is None and verb.dep_ == "ROOT" and all(
            c.dep_ in CIRCUMSTANCE_DEPS for c in verb.rights):
        quote = quotes.clause_before(subject.left_edge.idx)
    if quote is None or (source := char_interval(source_tokens(subject))) is None:
        return None
    return token_interval(verb), quote, source, subject.i


def phrasal_content(verb: Token) -> list[Token] | None:
    """What a phrasal cue reports ('took issue with X', 'made it clear that X'): None when
    the verb is no phrasal cue, or a cue alone whose other forms may hold content ('voted
    in May to ...'); an empty list when the phrase holds no content here."""
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    lemma = verb.lemma_.lower()
    key = next((c for c in verb.children if c.dep_ in PHRASAL_DEPS
                and (lemma, c.lemma_.lower()) in PHRASAL_CUES), None)
    if key is None:
        return None
    for place in PHRASAL_CUES[lemma, key.lemma_.lower()]:
        found = _phrasal_place(verb, key, place)
        if found:
            return found
    return None if lemma in CUE_VERBS else []


def _phrasal_place(verb: Token, key: Token, place: str) -> list[Token] | None:
    """The clause, object or preposition's object after a phrasal cue, hung on the verb
    or on its key word ('issue with X', 'the case that X')."""
    after = [c for head in (verb, key) for c in head.children if c.i > verb.i and c != key]
    if place == "clause":
        clause = next((c for c in after if c.dep_ == "ccomp" or (
            c.dep_ in ("advcl", "acl") and marked(c, "that"))), None)
        return None if clause is None else list(clause.subtree)
    if place in ("object", "infinitive"):
        obj = next((c for c in after if c.dep_ == ("dobj" if place == "object" else "xcomp")), None)
        return None if obj is None else list(obj.subtree)
    words = place.split()
    node = next((c for c in [*after, key] if c.dep_ == "prep" and c.lower_ == words[0]), None)
    for word in words[1:]:
        node = next((c for c in node.children if c.lower_ == word), None) if node else None
    obj = next((c for c in node.children if c.dep_ in ("pobj", "pcomp")), None) if node else None
    if obj is None or obj.ent_type_ in ("DATE", "TIME"):
        return None
    return list(obj.subtree)
