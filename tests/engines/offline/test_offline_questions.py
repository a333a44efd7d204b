"""Open questions: what a reporter would ask next, each following from the brief."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from summarizer.engines.offline import nlp
from summarizer.engines.offline.pipeline import OfflineEngine
from summarizer.engines.offline.questions import (
    MAX_QUESTIONS,
    build_questions,
    from_unknown,
    main_topic,
    unconfirmed,
    unheard,
)
from summarizer.engines.offline.state import Analysis
from summarizer.engines.offline.unknowns import FoundUnknown
from summarizer.schema import ArticleBrief
from summarizer.spans import CharInterval


def _questions(text: str) -> list[str]:
    return [q.question for q in OfflineEngine().brief(text).open_questions]


def test_seed_open_questions_follow_from_the_brief(seed_brief: ArticleBrief) -> None:
    questions = seed_brief.open_questions
    assert 2 <= len(questions) <= 6
    assert all(q.question.endswith("?") and q.based_on for q in questions)
    unknown_ids = {u.id for u in seed_brief.unknowns}
    # "did not elaborate on specific plans" asks for the plans themselves.
    assert any(set(q.based_on) & unknown_ids and q.question == "What are Trump’s specific plans?"
               for q in questions)


def test_question_from_a_call_to_act() -> None:
    questions = _questions("Senator Jane Doe urged the administration to impose sanctions "
                           "on Russia, her office said.")
    assert "Will the administration impose sanctions on Russia, as Senator Jane Doe urges?" \
        in questions


def test_question_from_a_decision_still_being_weighed() -> None:
    questions = _questions("The White House is considering a proposal to keep a base in "
                           "Afghanistan, officials said.")
    assert "Will the White House approve a proposal to keep a base in Afghanistan?" in questions


def test_question_for_a_claim_resting_only_on_unnamed_informants() -> None:
    questions = _questions("The minister will resign next week, two officials familiar "
                           "with the talks said.")
    assert questions == ["Can anyone confirm on the record that the minister will resign next "
                         "week, which rests only on two officials familiar with the talks?"]


def test_question_for_a_party_the_claims_are_about_who_is_not_heard() -> None:
    questions = _questions("Acme Corp hid the losses from investors for two years, "
                           "according to the regulator Jane Roe.")
    assert "Has Acme Corp responded to the claim that Acme Corp hid the losses from " \
        "investors for two years?" in questions


@pytest.mark.parametrize("text, expected", [
    ("The ministry gave no details about the plan.",
     "What are the details about the plan that the ministry did not give?"),
    ("The case against Mr. Quiros is pending.",
     "How and when will the case against Mr. Quiros be resolved?"),
    ("The company has yet to decide on a buyer.", "Will the company decide on a buyer, and when?"),
])
def test_questions_from_unknowns_ask_for_what_is_missing(text: str, expected: str) -> None:
    assert _questions(text) == [expected]


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
        assert question.question.endswith("?")
        assert question.question[0].isupper()
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
    assert question.question.startswith("Has Acme Corp responded")
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
