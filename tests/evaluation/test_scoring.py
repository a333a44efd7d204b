"""Scoring one brief against one case, on hand-made cases and hand-built briefs."""

from __future__ import annotations

import pytest
from eval_helpers import at, perfect_brief, values
from eval_helpers import council as load_council

from summarizer.evaluation import scoring as ev
from summarizer.evaluation.cases import Case
from summarizer.schema import Claim, Evidence, OpenQuestion, Party


@pytest.fixture
def council() -> tuple[Case, str]:
    return load_council()


def test_perfect_brief_scores_one_everywhere(council: tuple[Case, str]) -> None:
    case, article = council
    score = ev.score_brief(perfect_brief(case, article), case, article)
    assert values(score) == {name: 1.0 for name in ev.METRICS}
    assert all(not missed for missed in score.misses.values())


def test_missing_party_lowers_recall_by_one_over_n(council: tuple[Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.parties = brief.parties[1:]
    scores = values(ev.score_brief(brief, case, article))
    assert scores["parties.recall"] == pytest.approx(1 - 1 / 3)
    assert scores["parties.precision"] == 1.0
    assert scores["parties.f1"] == pytest.approx(2 * 2 / (2 + 3))


def test_hallucinated_quote_lowers_grounding(council: tuple[Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    real = brief.claims[0].evidence[0]
    fake = "x" * (real.end - real.start)
    brief.claims[0].evidence[0] = Evidence(text=fake, start=real.start, end=real.end)
    scores = values(ev.score_brief(brief, case, article))
    assert scores["claims.grounding"] == pytest.approx(3 / 4)
    total = len(brief.evidence_items())
    assert scores["evidence.grounding"] == pytest.approx((total - 1) / total)
    assert scores["claims.recall"] == 1.0  # still matched: the statement is the same


def test_a_claim_is_grounded_only_when_all_its_evidence_is(council: tuple[Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    real = brief.claims[0].evidence[0]
    assert real.grounded_in(article)
    fake = "x" * (real.end - real.start)
    brief.claims[0].evidence = [real, Evidence(text=fake, start=real.start, end=real.end)]
    brief.claims[1].evidence = []  # nothing to ground it: not grounded either
    scores = values(ev.score_brief(brief, case, article))
    assert len(brief.claims) == 4
    assert scores["claims.grounding"] == pytest.approx(2 / 4)


def test_optional_party_is_ignored_but_other_extras_lower_precision(
    council: tuple[Case, str],
) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.parties.append(Party(id="px", name="The Riverside Library", kind="organization"))
    assert ev.score_brief(brief, case, article).scores["parties.precision"].value == 1.0
    brief.parties.append(Party(id="py", name="Bob Smith", kind="person"))
    assert ev.score_brief(brief, case, article).scores["parties.precision"].value == 3 / 4


def test_parties_match_by_alias_after_titles_and_punctuation(
    council: tuple[Case, str],
) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.parties = [
        Party(id="p1", name="Mayor Okafor", kind="person"),
        Party(id="p2", name="Dr. Sam Patel", kind="person"),
        Party(id="p3", name="The Council", kind="government"),
    ]
    assert ev.score_brief(brief, case, article).scores["parties.recall"].value == 1.0


def test_one_prediction_matches_one_label_only(council: tuple[Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.parties = [
        Party(id="p1", name="Okafor", kind="person"),
        Party(id="p2", name="Jane Okafor", kind="person"),
    ]
    scores = values(ev.score_brief(brief, case, article))
    assert scores["parties.recall"] == pytest.approx(1 / 3)
    assert scores["parties.precision"] == pytest.approx(1 / 2)


def test_source_needs_same_anonymity(council: tuple[Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.sources[1].anonymous = False
    scores = values(ev.score_brief(brief, case, article))
    assert scores["sources.recall"] == 1 / 2
    assert scores["sources.precision"] == 1 / 2


def test_source_matches_by_evidence_overlap_under_another_label(
    council: tuple[Case, str],
) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.sources[1].label = "lawmakers who asked not to be named"
    brief.sources[1].evidence = [at(article, "speaking on condition of anonymity because")]
    assert ev.score_brief(brief, case, article).scores["sources.recall"].value == 1.0
    brief.sources[1].evidence = [at(article, "Library director")]
    assert ev.score_brief(brief, case, article).scores["sources.recall"].value == 1 / 2


def test_attribution_counts_right_source_and_the_article(council: tuple[Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    assert brief.claims[3].source_id is None  # labelled "the article"
    brief.claims[2].source_id = "s0"  # labelled: two council members
    brief.claims[3].source_id = "s1"
    scores = values(ev.score_brief(brief, case, article))
    assert scores["claims.attribution"] == 2 / 4
    brief.claims[0].source_id = None
    assert ev.score_brief(brief, case, article).scores["claims.attribution"].value == 1 / 4


def test_claim_matches_by_statement_without_evidence_overlap(
    council: tuple[Case, str],
) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.claims = [
        Claim(id="c1", statement="The Riverside library closure vote could be delayed.",
              source_id="s1", attribution="paraphrase",
              evidence=[at(article, "Two council members")]),
        Claim(id="c2", statement="Okafor spoke on Monday.", source_id="s0",
              attribution="paraphrase", evidence=[at(article, "on Monday")]),
    ]
    scores = values(ev.score_brief(brief, case, article))
    assert scores["claims.recall"] == 1 / 4
    assert scores["claims.attribution"] == 1.0
    assert scores["claims.grounding"] == 1.0  # the extra claim is grounded: no penalty


def test_open_question_recall_by_similarity(council: tuple[Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.open_questions = [
        OpenQuestion(question="How many jobs would library staff lose if Riverside closes?"),
        OpenQuestion(question="Who will pay for the new stadium?"),
    ]
    assert ev.score_brief(brief, case, article).scores["open_questions.recall"].value == 1 / 2


def test_field_without_labels_has_undefined_recall(council: tuple[Case, str]) -> None:
    case, article = council
    bare = case.model_copy(update={"expect": case.expect.model_copy(update={"unknowns": []})})
    brief = perfect_brief(case, article)
    scores = values(ev.score_brief(brief, bare, article))
    assert scores["unknowns.recall"] is None
    assert scores["unknowns.precision"] == 0.0  # two predicted, none labelled
    brief.unknowns = []
    assert values(ev.score_brief(brief, bare, article))["unknowns.f1"] is None


def test_no_brief_scores_as_empty_and_invalid(council: tuple[Case, str]) -> None:
    case, article = council
    scores = values(ev.score_brief(None, case, article))
    assert scores["validity"] == 0.0
    assert scores["parties.recall"] == 0.0
    assert scores["parties.precision"] is None
    assert scores["claims.grounding"] is None
