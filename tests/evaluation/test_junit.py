"""JUnit XML: a test case per eval case (per column), per threshold and per baseline
metric; failures carry the reason. Parsed back with xml.etree."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from eval_helpers import CASES, ROOT, PerfectEngine, fake_polnear
from model_oracle import ModelOracle
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.config import LLMSettings
from summarizer.engines import EngineIdentity
from summarizer.errors import ExtractionError
from summarizer.evaluation import cases as ev
from summarizer.evaluation import report as reports
from summarizer.evaluation.columns import Column
from summarizer.evaluation.junit import to_junit
from summarizer.evaluation.runner import run_eval
from summarizer.evaluation.scoring import METRICS
from summarizer.evaluation.side_by_side import ColumnRun
from summarizer.schema import ArticleBrief

runner = CliRunner()


@pytest.fixture
def oracle() -> Iterator[ModelOracle]:
    with ModelOracle() as server:
        yield server


def suites(path: Path) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    return {s.get("name", ""): s for s in root.findall("testsuite")}


def failures(suite: ET.Element) -> dict[str, str]:
    """Failed test case names (classname kind / name) and their failure messages."""
    failed = {}
    for case in suite.findall("testcase"):
        failure = case.find("failure")
        if failure is not None:
            kind = case.get("classname", "").rsplit(".", 1)[-1]
            failed[f"{kind}/{case.get('name')}"] = failure.get("message", "")
    return failed


def test_junit_per_case_per_threshold_per_column(
    oracle: ModelOracle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "SUMMARIZER_MODEL"):
        monkeypatch.delenv(name, raising=False)
    limits = tmp_path / "t.yaml"
    limits.write_text("llm:\n  validity: 1.0\n  parties.recall: 0.7\n  unknowns.recall?: 0.5\n")
    junit = tmp_path / "junit.xml"
    result = runner.invoke(app, [
        "eval", str(CASES), "--polnear", str(fake_polnear(tmp_path)), "--out", str(tmp_path / "o"),
        "--base-url", oracle.url, "--mode", "json", "--concurrency", "1",
        "--model", "oracle", "--model", "forgetful", "--model", "broken",
        "--check", "--thresholds", str(limits), "--junit", str(junit)])  # fmt: skip
    assert result.exit_code == 1, result.output

    found = suites(junit)
    assert list(found) == ["eval oracle", "eval forgetful", "eval broken"]
    for suite in found.values():  # 2 eval cases, "every case run", 3 thresholds
        assert suite.get("tests") == "6" and len(suite.findall("testcase")) == 6
        names = [c.get("name") for c in suite.findall("testcase")]
        assert names[:2] == ["mini-council-vote", "mini-senate-farm-bill"]
        assert "unknowns.recall >= 0.50 when measured" in names
    assert failures(found["eval oracle"]) == {}
    assert failures(found["eval forgetful"]) == {
        "thresholds/parties.recall >= 0.70": "parties.recall: 0.600 < minimum 0.70"}
    broken = failures(found["eval broken"])
    assert set(broken) == {"cases/mini-council-vote", "cases/mini-senate-farm-bill",
                           "thresholds/validity >= 1.00", "thresholds/parties.recall >= 0.70",
                           "thresholds/unknowns.recall >= 0.50 when measured"}  # fmt: skip
    assert broken["cases/mini-council-vote"].startswith("error: ")
    assert "no case holds this article" in broken["cases/mini-council-vote"]
    assert found["eval broken"].get("failures") == "5"
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures")) == ("18", "6")


def test_junit_baseline_metrics(tmp_path: Path, oracle: ModelOracle) -> None:
    polnear = str(fake_polnear(tmp_path))
    common = ["eval", str(CASES), "--polnear", polnear, "--base-url", oracle.url,
              "--mode", "json", "--concurrency", "1"]  # fmt: skip
    assert runner.invoke(app, [*common, "--model", "oracle", "--out", str(tmp_path / "a")]
                         ).exit_code == 0  # fmt: skip
    junit = tmp_path / "junit.xml"
    result = runner.invoke(app, [
        *common, "--model", "forgetful", "--out", str(tmp_path / "b"), "--junit", str(junit),
        "--baseline", str(tmp_path / "a" / "report.json")])  # fmt: skip
    assert result.exit_code == 1
    (suite,) = suites(junit).values()
    baseline_cases = [c for c in suite.findall("testcase") if c.get("classname", "").endswith(
        ".baseline")]
    assert len(baseline_cases) == len(METRICS)
    assert failures(suite) == {
        "baseline/parties.recall": "parties.recall: 1.000 -> 0.600 (fell more than 0.02)",
        "baseline/parties.f1": "parties.f1: 1.000 -> 0.750 (fell more than 0.02)",
    }


class HostileFailure(PerfectEngine):
    """Fails with a message no XML document may carry as it is."""

    async def abrief(self, text: str) -> ArticleBrief:
        raise ExtractionError('model said \x00\x1b[31m <b>"&</b>]]> \ud800')


def test_junit_survives_any_message(tmp_path: Path) -> None:
    cases = ev.load_cases(CASES, ["mini-council-vote"])
    run = run_eval(cases, HostileFailure(), ev.Articles(ROOT, tmp_path))
    report = reports.build_report(run.results, engine=EngineIdentity("llm"), cases_dir="c")
    column = Column("a <b> & c", "llm", LLMSettings())
    path = tmp_path / "j.xml"
    path.write_text(to_junit([ColumnRun(column, run.results, report)]), encoding="utf-8")
    (suite,) = suites(path).values()
    assert suite.get("name") == "eval a <b> & c"
    message = failures(suite)["cases/mini-council-vote"]
    assert '<b>"&</b>]]>' in message and "\x00" not in message
