"""Open questions: what a reporter would ask next, each following from the brief.

Questions are checked by the rules a correct one meets, not against wording copied
from the engine's output: it is one well-formed question (capital, "?", at most 30
words, no clause cut off), it names its actor, and it asks about what the text left
open (the claim, the action, the missing thing).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from summarizer.engines.offline import nlp
from summarizer.engines.offline.pipeline import Analysis, OfflineEngine
from summarizer.engines.offline.questions import (
    MAX_QUESTIONS,
    build_questions,
    from_unknown,
    main_topic,
    unconfirmed,
    unheard,
)
from summarizer.engines.offline.unknowns import FoundUnknown
from summarizer.schema import ArticleBrief
from summarizer.spans import CharInterval

MAX_WORDS = 30
# A question ending on one of these before its "?" lost the end of a clause.
DANGLING = {"a", "an", "the", "and", "or", "but", "of", "to", "that", "which", "who", "with",
            "for", "on", "in", "as", "by", "from", "about", "whether", "is", "are", "was"}


def _questions(text: str) -> list[str]:
    questions = [q.question for q in OfflineEngine().brief(text).open_questions]
    for question in questions:
        assert_well_formed(question)
    return questions


def assert_well_formed(question: str) -> None:
    words = question.split()
    assert question[0].isupper() and question.endswith("?"), question
    assert question.count("?") == 1, question
    assert len(words) <= MAX_WORDS, question
    assert words[-1].rstrip("?").lower() not in DANGLING, f"cut clause: {question}"
    assert "..." not in question and "\u2026" not in question, question
    assert question.count("\u201c") == question.count("\u201d"), question
    assert question.count("(") == question.count(")"), question
    assert not re.search(r"\b(\w+) \1\b", question, re.IGNORECASE), f"doubled: {question}"


def asking(questions: list[str], *words: str) -> list[str]:
    """The questions that hold every one of ``words`` (case-insensitive)."""
    return [q for q in questions if all(w.lower() in q.lower() for w in words)]


def test_seed_open_questions_follow_from_the_brief(seed_brief: ArticleBrief) -> None:
    questions = seed_brief.open_questions
    assert 2 <= len(questions) <= 6
    for q in questions:
        assert_well_formed(q.question)
        assert q.based_on
    unknown_ids = {u.id for u in seed_brief.unknowns}
    # "did not elaborate on specific plans" asks for the plans themselves, naming whose.
    on_unknowns = [q.question for q in questions if set(q.based_on) & unknown_ids]
    assert asking(on_unknowns, "Trump", "plans")


def test_question_from_a_call_to_act() -> None:
    questions = _questions("Senator Jane Doe urged the administration to impose sanctions "
                           "on Russia, her office said.")
    # Whether the one urged will act: names the actor and the action asked of it.
    assert asking(questions, "the administration", "sanctions on Russia")


def test_question_from_a_decision_still_being_weighed() -> None:
    questions = _questions("The White House is considering a proposal to keep a base in "
                           "Afghanistan, officials said.")
    assert asking(questions, "White House", "base in Afghanistan")


def test_question_for_a_claim_resting_only_on_unnamed_informants() -> None:
    questions = _questions("The minister will resign next week, two officials familiar "
                           "with the talks said.")
    # One question, about the claim and the only (unnamed) source it rests on.
    assert len(questions) == 1
    assert asking(questions, "the minister", "resign", "two officials familiar with the talks")


def test_question_for_a_party_the_claims_are_about_who_is_not_heard() -> None:
    questions = _questions("Acme Corp hid the losses from investors for two years, "
                           "according to the regulator Jane Roe.")
    # The accused party is named, with what it is accused of.
    assert asking(questions, "Acme Corp", "hid the losses")


@pytest.mark.parametrize("text, names", [
    ("The ministry gave no details about the plan.", ("the ministry", "details", "the plan")),
    ("The case against Mr. Quiros is pending.", ("the case against Mr. Quiros",)),
    ("The company has yet to decide on a buyer.", ("the company", "decide", "a buyer")),
])
def test_questions_from_unknowns_ask_for_what_is_missing(text: str, names: tuple[str]) -> None:
    questions = _questions(text)
    assert len(questions) == 1
    assert asking(questions, *names)


# --------------------------------------------------------------------------- #
# Through the public functions, on short texts
# --------------------------------------------------------------------------- #


def test_every_question_is_a_question_based_on_what_the_brief_holds(
    analysed: Callable[[str], Analysis],
) -> None:
    state = analysed(
        "The city council will vote on the budget next week, two aides familiar with the "
        "talks said. Mayor Ann Lee did not elaborate on her plans. It was not clear whether "
        "the vote would be public. Senator Jane Doe urged the council to delay the vote.")
    questions = build_questions(state)
    assert 1 <= len(questions) <= MAX_QUESTIONS
    ids = ({c.claim.id for c in state.claims} | {u.id for u in state.unknowns}
           | {s.id for s in state.sources})
    for question in questions:
        assert_well_formed(question.question)
        assert question.based_on and set(question.based_on) <= ids
    assert len({q.question.lower() for q in questions}) == len(questions)
    asked_about = {i for q in questions for i in q.based_on}
    assert {u.id for u in state.unknowns} <= asked_about  # the article's own gaps come first


def test_a_claim_on_a_named_source_needs_no_confirmation(
    analysed: Callable[[str], Analysis],
) -> None:
    named = analysed("The budget will pass next week, Mayor Ann Lee said.")
    assert unconfirmed(named.claims, named.sources) == []
    unnamed = analysed("The budget will pass next week, two aides familiar with the talks said.")
    [question] = unconfirmed(unnamed.claims, unnamed.sources)
    claim, source = unnamed.claims[0].claim, unnamed.sources[0]
    assert question.based_on == [claim.id, source.id]
    assert "the budget will pass next week" in question.question
    assert "two aides familiar with the talks" in question.question


def test_a_party_who_speaks_is_not_asked_to_respond(analysed: Callable[[str], Analysis]) -> None:
    accused = ("Acme Corp hid the losses from investors for two years, according to the "
               "regulator Jane Roe.")
    [question] = unheard(analysed(accused))
    assert_well_formed(question.question)
    assert asking([question.question], "Acme Corp", "hid the losses")
    answered = analysed(accused + " Acme Corp said its accounts were correct.")
    assert "Acme Corp" in [s.label for s in answered.sources]
    assert unheard(answered) == []


def test_the_main_topic_is_the_most_repeated_thing() -> None:
    doc = nlp.parse("The council debated the budget for hours. The budget vote was delayed. "
                    "Critics said the budget cuts schools.")
    assert main_topic(doc) == "the budget"
    assert main_topic(nlp.parse("Jane Doe met John Roe in Paris.")) == "the matter"


def _unknown(subject: str | None, verb: str, rest: str) -> FoundUnknown:
    return FoundUnknown(CharInterval(0, 1), subject, verb, rest, statement="")


def test_questions_from_unknowns_are_specific_to_what_is_missing() -> None:
    topic = "the merger"
    declined = from_unknown(_unknown("The company", "decline", "to comment"), topic)
    assert declined.endswith("?")
    assert "the company" in declined and topic in declined
    unclear = from_unknown(_unknown(None, "unclear", "whether the deal will close"), topic)
    assert "whether the deal will close" in unclear and unclear.endswith("?")
    unsigned = from_unknown(_unknown("The two firms", "sign", "an agreement"), topic)
    assert "sign an agreement" in unsigned and unsigned.endswith("?")
