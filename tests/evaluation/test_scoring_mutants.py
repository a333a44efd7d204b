"""Scoring rules that surviving mutants showed no test pinned down.

The expected values are worked out by hand from the rules in evals/README.md and
summarizer.evaluation.matching: Dice of content words (stopwords out, a plural -s
dropped from words longer than 4), Jaccard of normalised party names, one-to-one
pairs with the best-scoring taken first.
"""

from __future__ import annotations

from typing import Any

import pytest

from summarizer.errors import ConfigError
from summarizer.evaluation import matching
from summarizer.evaluation import scoring as ev
from summarizer.evaluation.cases import Case
from summarizer.schema import ArticleBrief
from summarizer.spans import CharInterval

ARTICLE = (
    "Minister Jane Roe said the bridge will close. "
    "The mayor opened the new library. "
    "Taxes rose by two percent. "
    "The river flooded the old mill. "
    "Buses will run every hour. "
    "A storm damaged the harbour wall."
)
SENTENCES = [s.strip() for s in ARTICLE.split(". ")]


def ev_at(quote: str) -> dict[str, Any]:
    start = ARTICLE.index(quote)
    return {"text": quote, "start": start, "end": start + len(quote)}


def case(**expect: Any) -> Case:
    return Case.model_validate({"id": "t", "article": "x.txt", "expect": expect})


def brief(**fields: Any) -> ArticleBrief:
    return ArticleBrief.model_validate({"summary": "s", "meta": {"engine": "offline"}, **fields})


def claim(n: int, statement: str, quote: str, source_id: str | None = None) -> dict[str, Any]:
    return {"id": f"c{n}", "statement": statement, "attribution": "narration",
            "source_id": source_id, "evidence": [ev_at(quote)]}  # fmt: skip


# --------------------------------------------------------------------------- matching


def test_locate_finds_every_occurrence_overlapping_ones_too() -> None:
    assert matching.locate("ab ab ab", "ab") == [
        CharInterval(0, 2), CharInterval(3, 5), CharInterval(6, 8)]  # fmt: skip
    assert matching.locate("aaa", "aa") == [CharInterval(0, 2), CharInterval(1, 3)]


def test_one_prediction_takes_at_most_one_label() -> None:
    assert matching.match_one_to_one(1, 2, lambda p, g: 1.0) == [(0, 0)]


def test_the_best_scoring_pairs_are_taken_first() -> None:
    table = {(0, 0): 0.9, (0, 1): 0.5, (1, 0): 0.8, (1, 1): 0.7}
    # 0.9 takes (0, 0); 0.8 finds label 0 taken; 0.7 gives (1, 1). Both labels are
    # paired, so no augmenting path rearranges them into (0, 1), (1, 0).
    assert matching.match_one_to_one(2, 2, lambda p, g: table[p, g]) == [(0, 0), (1, 1)]


def test_a_label_wanted_by_two_predictions_keeps_the_better_one() -> None:
    table = {(0, 0): 0.9, (1, 0): 0.5}
    assert matching.match_one_to_one(2, 1, lambda p, g: table[p, g]) == [(0, 0)]


def test_titles_are_stripped_whatever_their_order() -> None:
    # "mr" comes after "president" in the title list: a second pass strips "president".
    assert matching.normalize_name("Mr. President Smith") == "smith"


def test_an_unknown_similarity_names_the_choices() -> None:
    with pytest.raises(ConfigError) as caught:
        matching.question_rule("cosine")
    assert str(caught.value) == "unknown similarity 'cosine': use lexical or embedding"


def test_the_embedding_similarity_is_known_even_when_its_model_is_missing() -> None:
    from summarizer.evaluation import embedding

    try:
        rule = matching.question_rule("embedding")
    except ConfigError as error:  # the model is not installed: says what to install
        assert "unknown similarity" not in str(error)
    else:
        assert rule == matching.QuestionRule("embedding", 0.7, embedding.cosine_matrix)


# --------------------------------------------------------------------------- claims


def test_precision_at_5_is_undefined_without_labelled_claims() -> None:
    made = brief(claims=[claim(1, "Taxes rose.", "Taxes rose")])
    scores = ev.score_brief(made, case(), ARTICLE).scores
    assert scores["claims.precision_at_5"] == ev.Ratio(0, 0)


def test_precision_at_5_looks_at_the_first_five_claims_only() -> None:
    labelled = [{"statement": s, "source": "the article", "evidence": s} for s in SENTENCES]
    made = brief(claims=[claim(n, s, s) for n, s in enumerate(SENTENCES)])
    scores = ev.score_brief(made, case(claims=labelled), ARTICLE).scores
    assert len(SENTENCES) == 6
    assert scores["claims.precision_at_5"] == ev.Ratio(5, 5)
    assert scores["claims.recall"] == ev.Ratio(6, 6)


def test_a_statement_half_alike_without_overlap_matches_and_a_quarter_does_not() -> None:
    # The label "Taxes rose" has content words {taxe, rose}; the claims quote another
    # sentence, so only the statements can match them.
    labelled = [{"statement": "Taxes rose", "source": "the article", "evidence": "Taxes rose"}]
    half = brief(claims=[claim(1, "Taxes fell", "The river flooded")])  # {taxe, fell}: 2/4
    quarter = brief(claims=[claim(1, "Taxes fell, mills closed", "The river flooded")])
    # {taxe, fell, mill, closed} against {taxe, rose}: 2 * 1 / 6 = 1/3 < 0.5
    assert matching.similarity("Taxes fell", "Taxes rose") == 0.5
    assert ev.score_brief(half, case(claims=labelled), ARTICLE).scores[
        "claims.recall"] == ev.Ratio(1, 1)  # fmt: skip
    assert ev.score_brief(quarter, case(claims=labelled), ARTICLE).scores[
        "claims.recall"] == ev.Ratio(0, 1)  # fmt: skip


def test_a_source_labelled_the_article_is_still_a_source() -> None:
    # The article's own fact is rightly attributed only by naming no source (null).
    made = brief(
        sources=[{"id": "s1", "label": "the article", "anonymous": False,
                  "evidence": [ev_at("Taxes rose")]}],
        claims=[claim(1, "Taxes rose.", "Taxes rose", "s1")],
    )  # fmt: skip
    labelled = case(claims=[{"statement": "Taxes rose.", "source": "the article",
                             "evidence": "Taxes rose"}])  # fmt: skip
    assert ev.score_brief(made, labelled, ARTICLE).scores["claims.attribution"] == ev.Ratio(0, 1)


# --------------------------------------------------------------------------- questions


def questions_recall(asked: str, labelled: str) -> ev.Ratio:
    made = brief(open_questions=[{"question": asked}])
    return ev.score_brief(made, case(open_questions=[labelled]), ARTICLE).scores[
        "open_questions.recall"]  # fmt: skip


def test_a_question_at_the_threshold_matches_and_one_below_does_not() -> None:
    # {fund, stadium, project} against {stadium, open}: 2 / 5 = 0.4, the threshold.
    assert questions_recall("Who funds the stadium project?", "When does the stadium open?") \
        == ev.Ratio(1, 1)
    # against {stadium, open, fans} ("fans" is not longer than 4): 2 / 6 < 0.4.
    assert questions_recall("Who funds the stadium project?",
                            "When does the stadium open to fans?") == ev.Ratio(0, 1)


def test_question_similarity_is_not_asked_when_one_side_is_empty() -> None:
    asked: list[tuple[list[str], list[str]]] = []

    def scores(pred: list[str], gold: list[str]) -> list[list[float]]:
        asked.append((pred, gold))
        return [[1.0 for _ in gold] for _ in pred]

    rule = matching.QuestionRule("recording", 0.5, scores)
    ev.score_brief(brief(), case(open_questions=["Why?"]), ARTICLE, questions=rule)
    made = brief(open_questions=[{"question": "Why?"}])
    ev.score_brief(made, case(), ARTICLE, questions=rule)
    assert asked == []


# --------------------------------------------------------------------------- sources


MINISTER = {"label": "Minister Jane Roe", "anonymous": False, "evidence": "Minister Jane Roe said"}


def test_a_source_found_by_its_evidence_alone_is_the_labelled_one() -> None:
    # "a spokesman" shares no word with the label (similarity 0) but cites the same words:
    # match score 0 + 1 + 0 = 1 > 0, so the claim's attribution is right.
    made = brief(
        sources=[{"id": "s1", "label": "a spokesman", "anonymous": False,
                  "evidence": [ev_at("Minister Jane Roe")]}],
        claims=[claim(1, "The bridge will close.", "the bridge will close", "s1")],
    )  # fmt: skip
    labelled = case(sources=[MINISTER], claims=[
        {"statement": "The bridge will close.", "source": "Minister Jane Roe",
         "evidence": "the bridge will close"}])  # fmt: skip
    assert ev.score_brief(made, labelled, ARTICLE).scores["claims.attribution"] == ev.Ratio(1, 1)


@pytest.mark.parametrize(("label", "right"), [("Jane Roe", 1), ("The mayor", 0)])
def test_a_claim_source_that_is_no_labelled_source_is_compared_by_name(
    label: str, right: int
) -> None:
    made = brief(
        sources=[{"id": "s1", "label": label, "anonymous": False,
                  "evidence": [ev_at("Minister Jane Roe")]}],
        claims=[claim(1, "The bridge will close.", "the bridge will close", "s1")],
    )  # fmt: skip
    labelled = case(claims=[{"statement": "The bridge will close.", "source": "Jane Roe",
                             "evidence": "the bridge will close"}])  # fmt: skip
    scores = ev.score_brief(made, labelled, ARTICLE).scores
    assert scores["claims.attribution"] == ev.Ratio(right, 1)


@pytest.mark.parametrize(("first", "second", "extra"), [
    # Both cite the label's words (overlap 1). "Jane Roe": same name after titles go
    # (+1) and similarity {jane, roe} vs {minister, jane, roe} = 0.8 -> 2.08.
    # "Jane Roe, minister": other name, similarity 1.0 -> 1.1. "Jane Roe" is paired.
    ("Jane Roe, minister", "Jane Roe", "Jane Roe, minister"),
    # Neither has the label's name. "the finance minister" shares {minister} with
    # {minister, jane, roe}: 2/5 -> 1.04; "a spokesman" none -> 1.0. The former is paired.
    ("a spokesman", "the finance minister", "a spokesman"),
])
def test_of_two_sources_matching_by_evidence_the_closer_label_wins(
    first: str, second: str, extra: str
) -> None:
    made = brief(sources=[
        {"id": "s1", "label": first, "anonymous": False,
         "evidence": [ev_at("Minister Jane Roe")]},
        {"id": "s2", "label": second, "anonymous": False,
         "evidence": [ev_at("Jane Roe said")]},
    ])  # fmt: skip
    score = ev.score_brief(made, case(sources=[MINISTER]), ARTICLE)
    assert score.extras["sources"] == [extra]


# --------------------------------------------------------------------------- parties


def test_a_party_pairs_with_the_label_whose_names_it_shares_most_closely() -> None:
    # {jane roe} against {jane roe}: Jaccard 1; against {roe family, roe, jane roe}: 1/3.
    made = brief(parties=[{"id": "p1", "name": "Jane Roe", "kind": "person"}])
    labelled = case(parties=[{"name": "The Roe family", "aliases": ["Roe", "Jane Roe"]},
                             {"name": "Jane Roe"}])  # fmt: skip
    assert ev.score_brief(made, labelled, ARTICLE).misses["parties"] == ["The Roe family"]
