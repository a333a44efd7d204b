"""Thresholds: loading them, checking a report against them, judging a run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_helpers import ROOT, fake_polnear, make_report

from summarizer.errors import ConfigError
from summarizer.evaluation import thresholds
from summarizer.evaluation.report import compare


@pytest.fixture
def polnear(tmp_path: Path) -> Path:
    """A fake PolNeAR root holding the senate article."""
    return fake_polnear(tmp_path)


def test_thresholds_check(polnear: Path, tmp_path: Path) -> None:
    path = tmp_path / "thresholds.yaml"
    path.write_text("offline: {validity: 1.0, claims.recall: 0.5}\nstrict: {parties.f1: 1.0}\n")
    report = make_report(polnear)
    report["metrics"]["claims.recall"]["micro"] = 0.4
    assert thresholds.check(report, thresholds.load_thresholds(path, "offline")) == [
        "claims.recall: 0.400 < minimum 0.50"
    ]
    assert thresholds.check(report, thresholds.load_thresholds(path, "strict")) == []
    with pytest.raises(ConfigError, match="no thresholds for 'llm'"):
        thresholds.load_thresholds(path, "llm")
    path.write_text("offline: {claims.recal: 0.5}\n")
    with pytest.raises(ConfigError, match=r"unknown metric 'claims\.recal'"):
        thresholds.load_thresholds(path, "offline")


def test_project_thresholds_file_is_valid() -> None:
    path = ROOT / "evals" / "thresholds.yaml"
    for profile in ("offline", "llm", "llm-smoke"):
        assert thresholds.load_thresholds(path, profile)
    smoke = thresholds.load_thresholds(path, "llm-smoke")
    assert "validity" in smoke
    # The tiny model gives no evidence: a "checked only when measured" minimum would
    # report grounding on 0 items as a pass, so the smoke profile holds none.
    assert not [k for k in smoke if k.endswith(thresholds.IF_MEASURED)]


def test_if_measured_minimum_passes_only_when_nothing_was_scored() -> None:
    def report(value: float | None) -> dict:
        return {"cases": [], "metrics": {"claims.grounding": {"micro": value}}}

    minimums = {"claims.grounding?": 0.9}
    assert thresholds.check(report(None), minimums) == []
    assert thresholds.check(report(0.95), minimums) == []
    assert thresholds.check(report(0.5), minimums) == ["claims.grounding: 0.500 < minimum 0.90"]
    assert thresholds.check(report(None), {"claims.grounding": 0.9}) == [
        "claims.grounding: not measured (nothing to score), minimum 0.90"
    ]


def test_judge_records_regressions_then_check_failures(polnear: Path) -> None:
    report = make_report(polnear)
    baseline = json.loads(json.dumps(report))
    report["metrics"]["validity"]["micro"] = 0.5
    deltas = compare(report, baseline, 0.02)
    failures = thresholds.judge(report, deltas, 0.02, {"validity": 1.0}, "offline")
    assert failures == [
        "validity: 1.000 -> 0.500 (fell more than 0.02)",
        "validity: 0.500 < minimum 1.00",
    ]
    assert report["baseline"]["regressions"] == failures[:1]
    assert report["baseline"]["change"]["validity"] == -0.5
    assert report["check"] == {"profile": "offline", "minimums": {"validity": 1.0},
                               "failures": failures[1:]}


def test_minimum_of_a_metric_checked_always_or_if_measured() -> None:
    minimums = {"claims.grounding?": 0.9, "validity": 1.0}
    assert thresholds.minimum_of(minimums, "claims.grounding") == 0.9
    assert thresholds.minimum_of(minimums, "validity") == 1.0
    assert thresholds.minimum_of(minimums, "parties.f1") is None
