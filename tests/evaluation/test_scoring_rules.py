"""Scoring rules that mutation testing showed no test pinned down: what a case score lists
as missed and extra, the word and name rules, validity, and the similarity choice."""

from __future__ import annotations

import pytest
from eval_helpers import at, perfect_brief
from eval_helpers import council as load_council

from summarizer.errors import ConfigError
from summarizer.evaluation import matching
from summarizer.evaluation import scoring as ev
from summarizer.evaluation.cases import Case
from summarizer.schema import Party, Source, Unknown


@pytest.fixture
def council() -> tuple[Case, str]:
    return load_council()


def test_a_perfect_brief_misses_nothing_and_adds_nothing(council: tuple[Case, str]) -> None:
    case, article = council
    score = ev.score_brief(perfect_brief(case, article), case, article)
    assert score.misses == {"parties": [], "sources": [], "claims": [], "unknowns": [],
                            "open_questions": []}  # fmt: skip
    assert score.extras == {"parties": [], "sources": [], "unknowns": []}


def test_misses_and_extras_name_the_items(council: tuple[Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.parties = [*brief.parties[1:], Party(id="px", name="Acme Corp", kind="organization"),
                     Party(id="py", name="Riverside library", kind="organization")]  # optional
    brief.sources = [brief.sources[0], Source(id="sx", label="a passer-by", anonymous=True,
                                              evidence=[at(article, "Library director")])]
    brief.claims = brief.claims[:3]
    brief.unknowns = [brief.unknowns[0], Unknown(id="ux", statement="Whether it rains.",
                                                 evidence=[at(article, "on Monday")])]
    brief.open_questions = brief.open_questions[:1]
    score = ev.score_brief(brief, case, article)

    assert score.misses["parties"] == ["Jane Okafor"]
    assert score.misses["sources"] == ["two council members"]
    assert score.misses["claims"] == ["Sam Patel is the library director."]
    assert score.misses["unknowns"] == ["What Sam Patel thinks of the closure."]
    assert score.misses["open_questions"] == [case.expect.open_questions[1]]
    assert score.extras == {"parties": ["Acme Corp"], "sources": ["a passer-by"],
                            "unknowns": ["Whether it rains."]}  # fmt: skip
    values = {k: v.value for k, v in score.scores.items()}
    assert values["parties.precision"] == pytest.approx(2 / 3)  # the optional one not counted
    assert values["unknowns.precision"] == pytest.approx(1 / 2)


def test_no_brief_is_invalid_and_misses_everything(council: tuple[Case, str]) -> None:
    case, article = council
    score = ev.score_brief(None, case, article)
    assert score.scores["validity"].value == 0.0
    assert score.misses["parties"] == [p.name for p in case.expect.parties]
    assert len(score.misses["claims"]) == len(case.expect.claims)


def test_a_brief_that_no_longer_validates_is_invalid(council: tuple[Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    assert ev.is_valid(brief)
    brief.claims[0].source_id = "s-missing"  # a reference the schema rejects
    assert not ev.is_valid(brief)
    scores = ev.score_brief(brief, case, article).scores
    assert scores["validity"].value == 0.0
    assert scores["claims.attribution"].value == pytest.approx(3 / 4)  # no such source
    assert not ev.is_valid({"summary": "not a brief"})


def test_attribution_to_the_article_needs_no_source_and_a_source_needs_one(
    council: tuple[Case, str],
) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.claims[3].source_id = brief.sources[0].id  # the article's own fact, given to Okafor
    brief.claims[0].source_id = None  # Okafor's claim, given to nobody
    scores = ev.score_brief(brief, case, article).scores
    assert scores["claims.attribution"].value == pytest.approx(2 / 4)


def test_rounded_keeps_four_places_and_none() -> None:
    assert ev.rounded(None) is None
    assert ev.rounded(0.123456) == 0.1235
    assert ev.rounded(1.0) == 1.0


def test_content_words_drop_stopwords_possessives_and_a_plural_s() -> None:
    assert matching.content_words("The bridges of the city's councils") == {
        "bridge", "city", "council"}  # fmt: skip
    assert matching.content_words("glass buses news") == {"glass", "buse", "news"}
    assert matching.similarity("bridges closed", "the bridge closed") == 1.0
    assert matching.similarity("", "bridge") == 0.0
    assert matching.similarity("bridge", "of the") == 0.0


def test_the_similarity_rule_is_chosen_by_name() -> None:
    assert matching.question_rule("lexical") is matching.LEXICAL_QUESTIONS
    with pytest.raises(ConfigError, match="unknown similarity 'cosine'"):
        matching.question_rule("cosine")


def test_unrelated_statements_and_questions_match_nothing(council: tuple[Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    for claim in brief.claims:
        claim.statement = "The football club signed a new striker on Friday."
        claim.evidence = [at(article, "declined to comment")]  # no claim label's evidence
    for question in brief.open_questions:
        question.question = "Who won the chess tournament?"
    scores = {k: v.value for k, v in ev.score_brief(brief, case, article).scores.items()}
    assert scores["claims.recall"] == 0.0
    assert scores["open_questions.recall"] == 0.0
