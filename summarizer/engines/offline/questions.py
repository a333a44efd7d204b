"""Open questions for the offline engine: what a reporter would ask next.

Each question follows from something in the brief: an unknown the article flags,
a call on someone to act ("Schiff urged the administration to retaliate"), a claim
that rests only on anonymous sources, or a party the claims are about who is
never heard. Questions reuse the article's own words, so they stay specific.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from summarizer.engines.offline.cues import REFUSALS, source_tokens
from summarizer.engines.offline.sources import ANONYMOUS_HEADS
from summarizer.engines.offline.unknowns import FoundUnknown
from summarizer.engines.offline.wording import as_question, lower_first, possessive
from summarizer.schema import Claim, OpenQuestion, Source
from summarizer.spans import CharInterval
from summarizer.text import word_set

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from summarizer.engines.offline.claims import RankedClaim
    from summarizer.engines.offline.parties import PartyMention
    from summarizer.engines.offline.pipeline import Analysis

MAX_QUESTIONS = 6
MAX_WORDS = 30
SAME_QUESTION = 0.7  # share of content words two questions must share to be one
TEMPLATE_WORDS = word_set(
    "anyone confirm record responded claim what does would will known said about that "
    "approve decide when"
)
WH_WORDS = word_set("whether if how why when who what where which")
PREPOSITIONS = word_set("on about of over to for with in")
DECISIONS = word_set("sign decide finalize release announce name confirm approve")
DETAILS = word_set("elaborate specify detail explain disclose reveal identify provide clarify")
# "X urged Y to Z", "X called on Y to Z": will Y do Z?
URGING = word_set("urge call ask press push pressure implore encourage")
# "is considering a proposal": a decision still to come.
WEIGHING = word_set("consider weigh review mull debate study evaluate discuss")
APPROVABLE = word_set(
    "proposal plan request bill deal measure application change rule nomination merger "
    "sale offer amendment order treaty agreement budget"
)
LOWER_STARTS = ANONYMOUS_HEADS | word_set(
    "a an the one two three four five several some many another aides officials sources "
    "senior federal state administration campaign people former current top"
)
PRONOUN_OPENERS = word_set("i we you they he she it")
THIRD_PERSON = word_set("he she him her his hers they them their theirs it its")
FIRST_PERSON = word_set("i me my we us our you your")
QUOTED_WORDS = 16  # the longest statement or action a question repeats
MIN_CLAUSE = 6  # a shorter first clause of a long statement does not stand alone
DANGLING = word_set("the a an of to in on at for with and or but that which who by from as")
# After a comma, words that start an addition to a finished clause.
CLAUSE_AFTER = word_set("including according but and while although though because so")
# First words of a phrase that is not a clause of its own.
INTRODUCERS = word_set(
    "of to in on at for with by from as and or but that which who during after before while "
    "when especially since despite although though if because then however meanwhile")
SENTENCE_ADVERBS = word_set("now also still meanwhile however yet")
TOPIC_SKIP = ("PERSON", "GPE", "DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "ORDINAL", "NORP")


def build_questions(state: Analysis) -> list[OpenQuestion]:
    """At most MAX_QUESTIONS questions, the most telling kinds first, no two alike.

    The two best of each kind come first (unknowns, calls to act and decisions
    pending, claims resting on anonymous sources, parties not heard), then the rest.
    """
    doc, claims = state.doc, state.claims
    topic = main_topic(doc)
    kinds = [
        [OpenQuestion(question=asked, based_on=[unknown.id])
         for found, unknown in zip(state.found_unknowns, state.unknowns, strict=True)
         if (asked := from_unknown(found, topic))],
        urged_actions(doc, claims) + pending_decisions(doc, claims),
        unconfirmed(claims, state.sources),
        unheard(state),
    ]
    ordered = [q for kind in kinds for q in kind[:2]] + [q for kind in kinds for q in kind[2:]]
    kept: list[OpenQuestion] = []
    for candidate in ordered:
        if well_formed(candidate.question) and not any(
            _alike(candidate.question, other.question) for other in kept
        ):
            kept.append(candidate)
    return kept[:MAX_QUESTIONS]


def well_formed(question: str) -> bool:
    """One sentence of at most MAX_WORDS words ending in '?', nothing cut, every pronoun
    after the name it stands for."""
    words = question.split()
    return (len(words) <= MAX_WORDS and question.endswith("?") and question.count("?") == 1
            and "…" not in question and unresolved_pronoun(question) is None)


def _alike(one: str, other: str) -> bool:
    """Two questions asking the same: most of their content words shared."""
    a, b = _content_words(one), _content_words(other)
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= SAME_QUESTION


def _content_words(text: str) -> set[str]:
    words = {w.strip(".,;:?!\"“”‘’()[]").lower() for w in text.split()}
    return {w for w in words if len(w) > 3} - TEMPLATE_WORDS


def main_topic(doc: Doc) -> str:
    """The thing the article keeps coming back to: its most repeated noun phrase."""
    counts: Counter[str] = Counter()
    forms: dict[str, str] = {}
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.pos_ != "NOUN" or root.ent_type_ in TOPIC_SKIP:
            continue
        words = [t for t in chunk if t.dep_ in ("compound", "amod") or t.i == root.i]
        if not words or any(w.ent_type_ in TOPIC_SKIP for w in words):
            continue
        key = " ".join(w.lemma_.lower() for w in words)
        counts[key] += 1 + (len(words) > 1)
        forms.setdefault(key, " ".join(w.text for w in words))
    if not counts:
        return "the matter"
    return "the " + forms[counts.most_common(1)[0][0]]


# --------------------------------------------------------------------------- #
# The kinds of question
# --------------------------------------------------------------------------- #


def from_unknown(unknown: FoundUnknown, topic: str) -> str:
    """The question the article itself says is open ('' when it names nothing to ask)."""
    rest = unknown.rest.split(",")[0].strip().rstrip(".")
    who = unknown.subject or "anyone"
    who = who[0].lower() + who[1:] if who.split()[0] in ("The", "A", "An") else who
    first = rest.split(" ", 1)[0].lower() if rest else ""
    if unknown.verb == "unclear":
        if first in WH_WORDS:
            return as_question(f"What is known so far about {rest}")
        return ""  # unclear what, the article does not say: nothing specific to ask
    if unknown.verb in ("pending", "classified"):
        matter = lower_first(rest.rsplit(" ", 2)[0]) if len(rest.split()) > 2 else topic
        if unknown.verb == "pending":
            return as_question(f"How and when will {matter} be resolved")
        return as_question(f"What can be said on the record about {matter}")
    if first in WH_WORDS:
        if unknown.subject:
            return as_question(f"Will {who} say {rest}")
        return as_question(f"What is known so far about {rest}")
    if unknown.verb == "give":  # "gave no details about the plan"
        verb = "are" if first.endswith("s") else "is"
        return as_question(f"What {verb} the {rest} that {who} did not give")
    if unknown.verb in REFUSALS or unknown.verb in ("comment", "respond", "answer", "return",
                                                    "reach"):
        about = rest.split(" ", 1)[1] if first in ("on", "about") and " " in rest else topic
        return as_question(f"What does {who} say about {about}")
    if unknown.verb in DECISIONS:
        return as_question(f"Will {who} {unknown.verb} {rest}, and when")
    if unknown.verb in DETAILS:
        thing = rest.split(" ", 1)[1] if first in PREPOSITIONS and " " in rest else rest
        if not thing:
            return as_question(f"What details of {topic} has {who} not given")
        verb = "are" if thing.split()[-1].endswith("s") else "is"
        return as_question(f"What {verb} {possessive(who)} {thing}")
    return as_question(f"What would {who} say about {rest or topic}")


def _claims_about(token: Token, claims: list[RankedClaim]) -> list[str]:
    """Ids of the claims made in the token's sentence."""
    sent = CharInterval(token.sent.start_char, token.sent.end_char)
    return [c.claim.id for c in claims
            if any(sent.overlaps(e.interval) for e in c.claim.evidence)]


def urged_actions(doc: Doc, claims: list[RankedClaim]) -> list[OpenQuestion]:
    """'X urged Y to Z' -> 'Will Y Z, as X urges?'"""
    found = []
    for token in doc:
        if token.pos_ != "VERB" or token.lemma_.lower() not in URGING:
            continue
        target, action = _target_and_action(token)
        based_on = _claims_about(token, claims)
        if target is None or action is None or target.pos_ == "PRON" or not based_on:
            continue
        words = doc[action.left_edge.i : action.right_edge.i + 1]
        action_text = " ".join(t.text for t in words if t.dep_ != "aux" or t.lower_ != "to")
        action_text = _first_clause(action_text)
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        target_text = lower_first(_phrase(target))
        urger = ""
        if subject is not None and subject.pos_ != "PRON":
            verb = "urge" if subject.tag_ in ("NNS", "NNPS") else "urges"
            urger = f", as {_common_start(_phrase(subject))} {verb}"
        if _too_long(action_text):
            continue
        found.append(OpenQuestion(
            question=as_question(f"Will {target_text} {action_text}{urger}"),
            based_on=based_on[:2],
        ))
    return found


def pending_decisions(doc: Doc, claims: list[RankedClaim]) -> list[OpenQuestion]:
    """'X is considering a proposal to Y' -> 'Will X approve the proposal to Y?'"""
    found = []
    for token in doc:
        if token.pos_ != "VERB" or token.lemma_.lower() not in WEIGHING:
            continue
        if not any(c.dep_ == "aux" and c.lemma_ == "be" for c in token.children):
            continue  # only what is still being weighed: "is considering"
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        thing = next((c for c in token.children if c.dep_ == "dobj"), None)
        based_on = _claims_about(token, claims)
        if subject is None or thing is None or subject.pos_ == "PRON" or not based_on:
            continue
        what = _first_clause(doc[thing.left_edge.i : thing.right_edge.i + 1].text)
        who = lower_first(_phrase(subject))
        if _too_long(what):
            continue
        if thing.lemma_.lower() in APPROVABLE:
            text = f"Will {who} approve {lower_first(what)}"
        else:
            text = f"What will {who} decide on {what}"
        found.append(OpenQuestion(question=as_question(text), based_on=based_on[:2]))
    return found


def _phrase(head: Token) -> str:
    """A noun phrase without its appositions and relative clauses."""
    return " ".join(t.text for t in source_tokens(head)).replace(" ’s", "’s").replace(" 's", "'s")


def _first_clause(text: str) -> str:
    """Up to the first dash or comma: the action itself, not the commentary after it."""
    for mark in (" -- ", " — ", " – ", ","):
        text = text.split(mark, 1)[0]
    return text


def _target_and_action(verb: Token) -> tuple[Token | None, Token | None]:
    target = next((c for c in verb.children if c.dep_ in ("dobj", "nsubj") and c.i > verb.i),
                  None)
    if target is None:
        on = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "on"), None)
        if on is not None:
            target = next((c for c in on.children if c.dep_ == "pobj"), None)
    action = next((c for c in verb.children if c.dep_ in ("xcomp", "ccomp")), None)
    if action is None and target is not None:
        action = next((c for c in target.children if c.dep_ in ("xcomp", "acl", "relcl")
                       and c.tag_ == "VB"), None)
    return target, action


def unconfirmed(claims: list[RankedClaim], sources: list[Source]) -> list[OpenQuestion]:
    """Claims that rest only on anonymous sources: can anyone confirm them on the record?"""
    labels = {s.id: s.label for s in sources}
    found = []
    for ranked in claims:
        claim = ranked.claim
        if not ranked.anonymous_only or claim.source_id is None or ranked.headline:
            continue
        if not _informants(labels[claim.source_id]) or claim.attribution == "narration":
            continue
        statement = quotable(claim.statement)
        if statement is None:
            continue
        found.append(OpenQuestion(
            question=as_question(f"Can anyone confirm on the record that {statement}, which "
                                 f"rests only on {_common_start(labels[claim.source_id])}"),
            based_on=[claim.id, claim.source_id],
        ))
    return found


def _common_start(label: str) -> str:
    """'Senior officials' -> 'senior officials' mid-sentence; names keep their capital."""
    first = label.split(" ", 1)[0]
    return label[0].lower() + label[1:] if first.lower() in LOWER_STARTS else label


def _informants(label: str) -> bool:
    """'three intelligence sources', 'a senior official': people who inform, unnamed."""
    words = {w.lower().rstrip("s") for w in label.split()}
    return bool(words & ANONYMOUS_HEADS) or "people" in label.lower()


def unheard(state: Analysis) -> list[OpenQuestion]:
    """The most-named people and bodies the claims are about who are never a source."""
    doc, claims = state.doc, state.claims
    heard = {s.party_id for s in state.sources if s.party_id}
    pairs = [(p, g) for p, g in zip(state.parties, state.mentions, strict=True)
             if p.id not in heard and p.kind in ("person", "organization", "government")
             and g.notable()]
    pairs.sort(key=lambda pair: -len(pair[1].ranges))
    found = []
    for party, group in pairs:
        if not _speaks_or_acts(doc, group):
            continue
        about = [c.claim for c in claims if c.claim.source_id and not c.headline
                 and _reported(c.claim)
                 and _names(quotable(c.claim.statement), group) and _acts_in(doc, c.claim, group)]
        if not about:
            continue
        statement = quotable(about[0].statement)
        who = _lower_the(party.name)
        found.append(OpenQuestion(
            question=as_question(f"Has {who} responded to the claim that {statement}"),
            based_on=[c.id for c in about[:3]],
        ))
    return found


def _speaks_or_acts(doc: Doc, group: PartyMention) -> bool:
    """The party is the subject of something it does or says somewhere in the story."""
    for mention in group.ranges:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None and span.root.dep_ == "nsubj" and span.root.head.pos_ == "VERB":
            return True
    return False


def _names(text: str | None, group: PartyMention) -> bool:
    """``text`` names the party (by the last word of one of its names)."""
    return text is not None and any(name.split()[-1] in text for name in group.names)


def _too_long(text: str) -> bool:
    """Longer than a question can quote whole (they are never cut mid-clause)."""
    return len(text.split()) > QUOTED_WORDS


def quotable(statement: str) -> str | None:
    """The statement as a question may repeat it: whole when short, else its first
    clause when that stands alone; None when neither does, or a pronoun has no name."""
    text = statement.rstrip(".")
    first_word = text.split(" ", 1)[0]
    if first_word.lower() in SENTENCE_ADVERBS and " " in text:
        text = text.split(" ", 1)[1].lstrip(", ")  # "Now the FBI is ..." -> "the FBI is ..."
    if _too_long(text):
        first = _first_clause(text)
        after = text[len(first):].lstrip(" ,—–-").split(" ", 1)[0].lower()
        words = first.split()
        if len(words) < MIN_CLAUSE or _too_long(first) or words[-1].lower() in DANGLING:
            return None
        if not (after.endswith("ing") or after in CLAUSE_AFTER):
            return None  # what follows may finish the clause: do not cut it there
        text = first
    if text.split(" ", 1)[0].lower() in INTRODUCERS or unresolved_pronoun(text) is not None:
        return None
    return lower_first(text)


def unresolved_pronoun(text: str) -> str | None:
    """The first pronoun of ``text`` with no capitalised name before it, if any; 'I',
    'we' and 'you' never have one in a question."""
    named = False
    for position, raw in enumerate(text.split()):
        word = raw.strip(".,;:?!\"“”‘’()[]").lower()
        if word in FIRST_PERSON or (word in THIRD_PERSON and not named):
            return word
        if position > 0 and raw[:1].isupper() and word not in THIRD_PERSON | FIRST_PERSON:
            named = True
    return None


def _acts_in(doc: Doc, claim: Claim, group: PartyMention) -> bool:
    """The claim is about the party: it is the subject or object of the claim's words."""
    for evidence in claim.evidence:
        for mention in group.ranges:
            if not evidence.interval.contains(mention):
                continue
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is not None and span.root.dep_ in ("nsubj", "nsubjpass", "dobj"):
                return True
    return False


def _reported(claim: Claim) -> bool:
    """A claim told about someone, not a quotation in the speaker's own first person."""
    first = claim.statement.split(" ", 1)[0].lower()
    return first not in PRONOUN_OPENERS


def _lower_the(name: str) -> str:
    return "the" + name[3:] if name.startswith("The ") else name
