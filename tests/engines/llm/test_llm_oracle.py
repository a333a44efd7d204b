"""The pipeline loses nothing a perfect model gives it.

A loopback oracle server (tests/oracle_server.py) answers every request with
the hand-labelled brief of the eval case whose article is in the prompt, in the
engine's own draft format. The real engine (HTTP, instructor, validation,
grounding, chunk merge) must then score as the labels do. The seed case is
always there; PolNeAR cases join when the corpus is beside the project.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from oracle_server import OracleServer, gold_brief

from summarizer.config import LLMSettings
from summarizer.engines.llm import LLMEngine
from summarizer.evaluation.cases import Articles, load_cases
from summarizer.evaluation.report import aggregate
from summarizer.evaluation.runner import run_eval

ROOT = Path(__file__).resolve().parents[3]
CASES = ROOT / "evals" / "cases"
FIELDS = ("parties.f1", "sources.f1", "claims.recall", "claims.attribution",
          "claims.grounding", "unknowns.f1", "evidence.grounding", "validity")  # fmt: skip


def available() -> list[tuple[object, str]]:
    articles = Articles.default(CASES)
    found = []
    for case in load_cases(CASES):
        text = articles.read(case.article)
        if text is not None:
            found.append((case, text))
    return found


def oracle_scores(mode: str, **settings: object) -> dict[str, float | None]:
    cases = available()
    with OracleServer(cases) as oracle:  # type: ignore[arg-type]
        engine = LLMEngine(LLMSettings(base_url=oracle.url, model="oracle", api_key="k",
                                       mode=mode, **settings))  # type: ignore[arg-type]
        run = run_eval([c for c, _ in cases], engine, Articles.default(CASES))  # type: ignore[misc]
        assert oracle.unmatched == 0
    assert [r.status for r in run.results] == ["ok"] * len(cases)
    scores = aggregate(run.results)
    return {name: scores[name]["micro"] for name in FIELDS}


@pytest.mark.parametrize("mode", ["json", "tools"])
def test_a_perfect_answer_scores_as_the_labels(mode: str) -> None:
    scores = oracle_scores(mode)
    assert all(v is not None and v >= 0.98 for v in scores.values()), scores


def test_a_perfect_answer_in_chunks_scores_as_the_labels() -> None:
    scores = oracle_scores("json", chunk_tokens=300)
    assert all(v is not None and v >= 0.98 for v in scores.values()), scores


def test_the_gold_brief_is_grounded_in_every_available_article() -> None:
    for case, text in available():
        brief = gold_brief(case, text)  # type: ignore[arg-type]
        assert brief.ungrounded(text) == []
        assert len(brief.claims) == len(case.expect.claims)  # type: ignore[attr-defined]
        assert all(c.evidence for c in brief.claims)


def test_the_mistakes_real_models_make_cost_little() -> None:
    """Straight quotes, changed case, elisions, a dropped word, a paraphrase instead of a
    quote, party ids for source ids, enum case, missing ids, a wrapping object, a malformed
    source: all repaired. The paraphrase costs one small requote per article, naming only
    the item whose quote was lost."""
    cases = available()
    with OracleServer(cases, perturb=True) as oracle:  # type: ignore[arg-type]
        engine = LLMEngine(LLMSettings(base_url=oracle.url, model="oracle", api_key="k",
                                       mode="json"))  # fmt: skip
        run = run_eval([c for c, _ in cases], engine, Articles.default(CASES))  # type: ignore[misc]
        requotes = [r for r in oracle.requests if "word for word" in json.dumps(r["messages"])]
    assert 0 < len(requotes) <= len(cases)
    assert all(json.dumps(r["messages"]).count('(quotes tried: ') == 1 for r in requotes)
    scores = aggregate(run.results)
    assert [r.status for r in run.results] == ["ok"] * len(cases)
    assert all((scores[n]["micro"] or 0) >= 0.95 for n in FIELDS), scores
    warned = [w for r in run.results if r.brief for w in r.brief.meta.warnings]
    assert warned, "repairs are reported, not silent"
