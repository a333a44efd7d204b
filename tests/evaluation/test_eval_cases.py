"""Every case file in evals/cases is well formed and true to its article.

Per file: the YAML fits the case schema and its id is the file name, the article
resolves (PolNeAR ones are skipped only when the corpus root itself is absent),
every evidence string is verbatim (and unique) in the article, and every claim's
source is a labelled source label or "the article". The checker itself is tested
on a deliberately bad fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from eval_helpers import DATA, ROOT, perfect_brief
from optional_deps import unavailable

from summarizer.errors import InputError
from summarizer.evaluation import cases as ev
from summarizer.evaluation.scoring import score_brief

CASES_DIR = ROOT / "evals" / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*.yaml"))
BAD = DATA / "bad" / "bad-evidence.yaml"


def article_for(case: ev.Case) -> str:
    articles = ev.Articles.default(CASES_DIR)
    text = articles.read(case.article)
    if text is None:
        if case.article.startswith("polnear:") and not articles.polnear_root.is_dir():
            unavailable("POLNEAR", f"PolNeAR corpus not at {articles.polnear_root} "
                        "(set SUMMARIZER_POLNEAR)")
        pytest.fail(f"{case.id}: article not found: {articles.path(case.article)}")
    return text


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_file(path: Path) -> None:
    case = ev.load_case(path)
    assert case.id == path.stem, f"{path.name}: id {case.id!r} differs from the file name"
    article = article_for(case)
    assert ev.case_problems(case, article) == []
    # The labels, given back as a brief, meet every matching rule with each other.
    score = score_brief(perfect_brief(case, article), case, article)
    assert {k: v.value for k, v in score.scores.items() if v.value not in (1.0, None)} == {}


def test_eval_set_size() -> None:
    cases = [ev.load_case(p) for p in CASE_FILES]
    polnear = [c for c in cases if c.article.startswith("polnear:")]
    seeds = [c for c in cases if c.article.startswith("seeds/")]
    assert len(cases) >= 15 and len(polnear) >= 14 and seeds, (
        f"{len(cases)} cases ({len(polnear)} PolNeAR, {len(seeds)} seed): "
        "need at least 15, 14 of them from PolNeAR, plus the seed article"
    )


def test_checker_catches_bad_evidence_and_unknown_source() -> None:
    case = ev.load_case(BAD)
    article = ev.Articles.default(BAD.parent).read(case.article)
    assert article is not None
    assert ev.case_problems(case, article) == [
        "bad-evidence: claims[0].evidence not verbatim in the article: "
        "'the council will vote next month'",
        "bad-evidence: claims[1].source 'council insiders' is not a labelled source label "
        'nor "the article"',
    ]


def test_checker_catches_repeated_evidence_and_duplicate_labels() -> None:
    case = ev.load_case(BAD)
    article = "Okafor said the vote could be delayed. Okafor said so."
    doubled = case.expect.sources[0].model_copy(update={"evidence": ["Okafor said"]})
    bad = case.model_copy(update={"expect": case.expect.model_copy(
        update={"sources": [doubled, doubled], "claims": []})})
    assert ev.case_problems(bad, article) == [
        "bad-evidence: sources[0].evidence occurs 2 times; lengthen it to be unique: "
        "'Okafor said'",
        "bad-evidence: sources[1].evidence occurs 2 times; lengthen it to be unique: "
        "'Okafor said'",
        "bad-evidence: two sources are labelled 'jane okafor'",
    ]


def test_schema_rejects_a_comma_split_statement(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        "id: x\narticle: seeds/a.txt\nexpect:\n  claims:\n"
        "    - {statement: Weiner is married to Abedin, a top aide., source: the article,"
        " evidence: married}\n"
    )
    with pytest.raises(InputError, match=r"unknown key 'a top aide\.'.*quote the value"):
        ev.load_case(path)
