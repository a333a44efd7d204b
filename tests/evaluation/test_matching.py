"""The matching rules: name normalisation, similarity, evidence, one-to-one pairing."""

from __future__ import annotations

import pytest

from summarizer.evaluation.matching import (
    grounded_intervals,
    locate,
    located,
    match_one_to_one,
    normalize_name,
    similarity,
)
from summarizer.schema import Evidence
from summarizer.spans import CharInterval


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("President-elect Donald Trump", "donald trump"),
        ("Sen. Ted Cruz (R-Texas)", "ted cruz"),
        ("Hungarian Prime Minister Viktor Orbán", "hungarian prime minister viktor orban"),
        ("Prime Minister Viktor Orbán", "viktor orban"),
        ("Ukraine’s government", "ukraine government"),
        ("Mrs. Clinton", "clinton"),
        ("President", "president"),
    ],
)
def test_normalize_name(name: str, normal: str) -> None:
    assert normalize_name(name) == normal


def test_matching_prefers_best_pairs_but_keeps_the_most_pairs() -> None:
    table = {(0, 0): 2.0, (0, 1): 1.0, (1, 0): 1.0, (1, 1): 2.0}
    assert match_one_to_one(2, 2, lambda p, g: table.get((p, g), 0.0)) == [(0, 0), (1, 1)]
    # the best pair (0, 1) would leave pred 1 unmatched: the larger matching wins
    table = {(0, 0): 0.5, (0, 1): 1.0, (1, 1): 0.9}
    assert match_one_to_one(2, 2, lambda p, g: table.get((p, g), 0.0)) == [(0, 0), (1, 1)]


def test_similarity_rule() -> None:
    assert similarity("The vote was delayed.", "the VOTE, delayed") == 1.0
    assert similarity("Trump called Putin", "Putin called Trump twice") == pytest.approx(6 / 7)
    assert similarity("the and of", "the and of") == 0.0


def test_quotes_are_located_at_every_occurrence() -> None:
    article = "Okafor said no. Okafor said yes."
    assert locate(article, "Okafor said") == [CharInterval(0, 11), CharInterval(16, 27)]
    assert locate(article, "absent") == []
    assert located(article, ["no.", "yes."]) == [CharInterval(12, 15), CharInterval(28, 32)]


def test_only_evidence_verbatim_at_its_offsets_counts() -> None:
    article = "Okafor said no."
    real = Evidence(text="said", start=7, end=11)
    moved = Evidence(text="said", start=0, end=4)
    assert grounded_intervals([real, moved], article) == [CharInterval(7, 11)]
