"""Running an engine over cases: statuses, errors, missing articles, concurrency, and
the engine's identity."""

from __future__ import annotations

from pathlib import Path

import pytest
from eval_helpers import CASES, ROOT, PerfectEngine, fake_polnear
from fakes import FAKE_MODEL, FAKE_PROMPT_VERSION

from summarizer.engines import EngineIdentity
from summarizer.errors import ConfigError, EndpointError
from summarizer.evaluation import cases as ev
from summarizer.evaluation import report as reports
from summarizer.evaluation import thresholds
from summarizer.evaluation.runner import arun_eval, by_repeat, run_eval


@pytest.fixture
def polnear(tmp_path: Path) -> Path:
    """A fake PolNeAR root holding the senate article."""
    return fake_polnear(tmp_path)


def test_run_eval_scores_every_case(polnear: Path) -> None:
    results = run_eval(ev.load_cases(CASES), PerfectEngine(), ev.Articles(ROOT, polnear)).results
    assert [r.status for r in results] == ["ok", "ok"]
    for result in results:
        assert result.score is not None
        assert result.score.scores["claims.recall"].value == 1.0


def test_missing_article_is_reported_not_passed(tmp_path: Path) -> None:
    results = run_eval(ev.load_cases(CASES), PerfectEngine, ev.Articles(ROOT, tmp_path)).results
    assert [r.status for r in results] == ["ok", "missing"]
    assert results[1].score is None
    assert "mini-senate-farm-bill.txt" in (results[1].message or "")
    report = reports.build_report(results, engine=EngineIdentity("offline"), cases_dir="x")
    assert report["summary"]["missing"] == 1
    failures = thresholds.check(report, {"validity": 1.0})
    assert failures == ["1 case(s) not run, article missing: mini-senate-farm-bill"]


def test_engine_failure_is_an_error_case_scored_empty(polnear: Path) -> None:
    engine = PerfectEngine(fail_on="Lopez")
    results = run_eval(ev.load_cases(CASES), engine, ev.Articles(ROOT, polnear)).results
    assert [r.status for r in results] == ["ok", "error"]
    assert results[1].message == "the model gave nothing valid"
    assert results[1].score is not None
    assert results[1].score.scores["validity"].value == 0.0
    assert results[1].score.scores["claims.recall"].value == 0.0


def test_concurrent_run_keeps_order_and_reports_missing(tmp_path: Path) -> None:
    cases = ev.load_cases(CASES)
    run = run_eval(cases * 2, PerfectEngine(), ev.Articles(ROOT, tmp_path), concurrency=3)
    results = run.results
    assert [r.status for r in results] == ["ok", "missing", "ok", "missing"]


def test_engine_not_made_when_every_article_is_missing(tmp_path: Path) -> None:
    def no_engine() -> PerfectEngine:
        raise ConfigError("no endpoint")

    senate = ev.load_cases(CASES, ["mini-senate-farm-bill"])
    for concurrency in (1, 2):
        run = run_eval(senate, no_engine, ev.Articles(ROOT, tmp_path), concurrency)
        assert [r.status for r in run.results] == ["missing"]
        assert run.identity is None


def test_concurrent_run_is_bounded(polnear: Path) -> None:
    cases = ev.load_cases(CASES) * 3  # six runs of two cases
    engine = PerfectEngine()
    results = run_eval(cases, lambda: engine, ev.Articles(ROOT, polnear), concurrency=2).results
    assert len(results) == 6 and all(r.status == "ok" for r in results)
    assert engine.most_running == 2


def test_the_run_records_the_engine_identity(polnear: Path) -> None:
    run = run_eval(ev.load_cases(CASES), PerfectEngine(), ev.Articles(ROOT, polnear))
    assert run.identity == EngineIdentity("llm", FAKE_MODEL, FAKE_PROMPT_VERSION)


class NoIdentityEngine(PerfectEngine):
    """Cannot say which model it serves (as an llm engine whose endpoint is down)."""

    async def identify(self) -> EngineIdentity:
        raise EndpointError("endpoint unreachable")


def test_an_engine_that_cannot_identify_itself_is_named_only(polnear: Path) -> None:
    run = run_eval(ev.load_cases(CASES), NoIdentityEngine(), ev.Articles(ROOT, polnear))
    assert [r.status for r in run.results] == ["ok", "ok"]
    assert run.identity == EngineIdentity("llm")  # its name, all it can say


async def test_async_core_and_blocking_wrapper_agree(polnear: Path) -> None:
    cases, articles = ev.load_cases(CASES), ev.Articles(ROOT, polnear)
    engine = PerfectEngine(fail_on="Lopez")
    awaited = await arun_eval(cases, engine, articles, concurrency=1)
    blocking = run_eval(cases, engine, articles)  # inside a running loop: on another thread
    assert awaited.identity == blocking.identity
    for one, other in zip(awaited.results, blocking.results, strict=True):
        assert (one.status, one.message, one.score) == (other.status, other.message, other.score)


def test_repeats_brief_every_case_n_times_in_repeat_order(tmp_path: Path) -> None:
    engine = PerfectEngine()
    run = run_eval(ev.load_cases(CASES), engine, ev.Articles(ROOT, tmp_path), repeats=3)
    assert [(r.id, r.repeat, r.status) for r in run.results] == [
        (case, k, "ok" if case == "mini-council-vote" else "missing")
        for k in (1, 2, 3) for case in ("mini-council-vote", "mini-senate-farm-bill")]
    assert [len(group) for group in by_repeat(run.results)] == [2, 2, 2]
