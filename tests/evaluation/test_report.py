"""Reports: averages, report.json and report.md, comparison with a baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_helpers import council as load_council
from eval_helpers import fake_polnear, make_report, perfect_brief

from summarizer.engines import EngineIdentity
from summarizer.evaluation import baseline as baselines
from summarizer.evaluation import report as reports
from summarizer.evaluation import scoring as ev
from summarizer.evaluation.runner import CaseResult
from summarizer.schema import Meta


@pytest.fixture
def polnear(tmp_path: Path) -> Path:
    """A fake PolNeAR root holding the senate article."""
    return fake_polnear(tmp_path)


def test_micro_and_macro_averages() -> None:
    case, article = load_council()
    good = perfect_brief(case, article)
    half = perfect_brief(case, article)
    half.claims = half.claims[:1]
    bare = case.model_copy(update={"expect": case.expect.model_copy(update={"claims": []})})
    results = [
        CaseResult(case, "ok", score=ev.score_brief(good, case, article)),  # 4/4
        CaseResult(case, "ok", score=ev.score_brief(half, case, article)),  # 1/4
        CaseResult(bare, "ok", score=ev.score_brief(good, bare, article)),  # undefined
        CaseResult(case, "missing", "article not found"),
    ]
    claims = reports.aggregate(results)["claims.recall"]
    assert claims["micro"] == pytest.approx(5 / 8)
    assert claims["macro"] == pytest.approx((1 + 1 / 4) / 2)
    assert claims["cases"] == 2


def test_reports_written(polnear: Path, tmp_path: Path) -> None:
    report = make_report(polnear)
    json_path, md_path = reports.write_reports(report, tmp_path / "out")
    data = json.loads(json_path.read_text())
    assert data["metrics"]["parties.f1"]["micro"] == 1.0
    assert [c["id"] for c in data["cases"]] == ["mini-council-vote", "mini-senate-farm-bill"]
    markdown = md_path.read_text()
    assert "| parties.f1 | 1.00 | 1.00 | 2 |" in markdown
    assert "## Matching rules" in markdown and "optional_parties" in markdown


def test_baseline_regression_beyond_tolerance(polnear: Path) -> None:
    report = make_report(polnear)
    old = json.loads(json.dumps(report))
    old["metrics"]["claims.recall"]["micro"] = 1.0
    report["metrics"]["claims.recall"]["micro"] = 0.97
    report["metrics"]["parties.f1"]["micro"] = 0.99
    regressed = [d.metric for d in baselines.compare(report, old, 0.02) if d.regressed]
    assert regressed == ["claims.recall"]
    assert [d.metric for d in baselines.compare(report, old, 0.05) if d.regressed] == []


def test_baseline_on_other_cases_is_flagged(polnear: Path, tmp_path: Path) -> None:
    report = make_report(polnear)
    assert baselines.comparability(report, report) == []
    other = make_report(tmp_path)  # the senate article is missing there
    other["model"] = "m"
    assert baselines.comparability(report, other) == [
        "baseline model is 'm', this run's is None",
        "baseline scored 1 cases, this run 2; 1 differ, so averages are over different cases",
    ]


def test_report_names_the_briefs_model_else_the_engines() -> None:
    case, article = load_council()
    brief = perfect_brief(case, article)
    result = CaseResult(case, "ok", score=ev.score_brief(brief, case, article), brief=brief)
    engine = EngineIdentity("offline", model="engine-model", prompt_version="v1")
    report = reports.build_report([result], engine=engine, cases_dir="c")
    assert (report["engine"], report["model"], report["prompt_version"]) == (
        "offline", "engine-model", "v1")
    brief.meta = Meta(engine="offline", model="en_core_web_sm")
    report = reports.build_report([result], engine=engine, cases_dir="c")
    assert report["model"] == "en_core_web_sm"


def test_percentile_is_nearest_rank() -> None:
    seconds = [float(k) for k in range(10, 0, -1)]  # 10 .. 1, unordered on purpose
    assert (reports.percentile(seconds, 0.5), reports.percentile(seconds, 0.95)) == (5.0, 10.0)
    assert reports.percentile([3.0], 0.95) == 3.0
    assert reports.percentile([], 0.5) is None


def test_repeats_give_mean_and_min_max_spread() -> None:
    case, article = load_council()
    good = perfect_brief(case, article)
    half = perfect_brief(case, article)
    half.claims = half.claims[:2]
    results = [
        CaseResult(case, "ok", score=ev.score_brief(b, case, article), brief=b, repeat=k)
        for k, b in ((1, good), (2, half), (3, good))
    ]
    report = reports.build_report(results, engine=EngineIdentity("offline"), cases_dir="c")
    claims = report["metrics"]["claims.recall"]
    assert claims["runs"] == [1.0, 0.5, 1.0]
    assert (claims["micro"], claims["spread"], claims["min"]) == (0.8333, 0.5, 0.5)
    assert report["metrics"]["parties.f1"]["spread"] == 0.0
    assert report["repeats"] == 3 and report["summary"]["cases"] == 1
    assert report["cases"][0]["scores"]["claims.recall"] == 0.8333
    single = reports.build_report(results[:1], engine=EngineIdentity("offline"), cases_dir="c")
    assert single["metrics"]["claims.recall"]["spread"] is None
