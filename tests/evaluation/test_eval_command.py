"""The ``summarizer eval`` command end to end, with engines that need no spaCy (except
the last test) and no endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_helpers import CASES, PartyDroppingEngine, PerfectEngine, every_engine_is, fake_polnear
from fakes import FAKE_MODEL, FAKE_PROMPT_VERSION
from typer.testing import CliRunner

from summarizer.cli.app import app

runner = CliRunner()


@pytest.fixture
def polnear(tmp_path: Path) -> Path:
    """A fake PolNeAR root holding the senate article."""
    return fake_polnear(tmp_path)


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["eval", *args])
    return result.exit_code, result.output


@pytest.mark.usefixtures("fake_engine")
def test_command_writes_reports(polnear: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = invoke(str(CASES), "--engine", "offline", "--out", str(out),
                          "--polnear", str(polnear))
    assert code == 0, output
    report = json.loads((out / "report.json").read_text())
    assert report["summary"] == {"cases": 2, "ok": 2, "error": 0, "missing": 0}
    assert (out / "report.md").is_file()
    assert (out / "briefs" / "mini-council-vote.json").is_file()
    assert (report["model"], report["prompt_version"]) == (FAKE_MODEL, FAKE_PROMPT_VERSION)


def fails(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("summarizer: FAIL")]


def test_command_check_fails_one_line_per_metric(
    polnear: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    every_engine_is(monkeypatch, PartyDroppingEngine)
    limits = tmp_path / "t.yaml"
    limits.write_text("offline: {validity: 1.0}\nhard: {validity: 1.0, parties.recall: 0.7}\n")
    common = [str(CASES), "--engine", "offline", "--out", str(tmp_path / "o"), "--check",
              "--thresholds", str(limits)]
    code, output = invoke(*common, "--polnear", str(polnear))
    assert (code, fails(output)) == (0, [])
    code, output = invoke(*common, "--polnear", str(polnear), "--profile", "hard")
    assert code == 1
    # council: 2 of 3 parties, senate: 1 of 2 -> micro 3/5
    assert fails(output) == ["summarizer: FAIL parties.recall: 0.600 < minimum 0.70"]
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["check"]["profile"] == "hard"
    assert report["check"]["failures"] == ["parties.recall: 0.600 < minimum 0.70"]
    markdown = (tmp_path / "o" / "report.md").read_text()
    assert "- FAIL parties.recall: 0.600 < minimum 0.70" in markdown
    code, output = invoke(*common, "--polnear", str(tmp_path / "nowhere"))
    assert code == 1
    assert fails(output) == [
        "summarizer: FAIL 1 case(s) not run, article missing: mini-senate-farm-bill"
    ]


def test_command_baseline_regression(
    polnear: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    common = [str(CASES), "--engine", "offline", "--polnear", str(polnear)]
    every_engine_is(monkeypatch, PerfectEngine)
    assert invoke(*common, "--out", str(tmp_path / "old"))[0] == 0
    baseline = str(tmp_path / "old" / "report.json")
    code, output = invoke(*common, "--out", str(tmp_path / "same"), "--baseline", baseline)
    assert (code, fails(output)) == (0, [])
    every_engine_is(monkeypatch, PartyDroppingEngine)
    code, output = invoke(*common, "--out", str(tmp_path / "new"), "--baseline", baseline)
    assert code == 1
    assert fails(output) == [
        "summarizer: FAIL parties.recall: 1.000 -> 0.600 (fell more than 0.02)",
        "summarizer: FAIL parties.f1: 1.000 -> 0.750 (fell more than 0.02)",
    ]
    report = json.loads((tmp_path / "new" / "report.json").read_text())
    assert report["baseline"]["change"]["parties.recall"] == pytest.approx(-0.4)
    assert report["baseline"]["change"]["claims.recall"] == 0.0


def test_command_bad_input_is_one_line(tmp_path: Path) -> None:
    code, output = invoke(str(tmp_path / "none"), "--engine", "offline")
    assert code == 2
    assert output.strip().splitlines() == [
        f"summarizer: error: {tmp_path / 'none'}: no such folder of eval cases"
    ]
    code, output = invoke(str(CASES), "--engine", "offline", "--case", "nope")
    assert code == 2 and "no case with id nope" in output


def test_command_with_offline_engine(polnear: Path, tmp_path: Path) -> None:
    pytest.importorskip("summarizer.engines.offline.pipeline")
    out = tmp_path / "out"
    code, output = invoke(str(CASES), "--engine", "offline", "--out", str(out),
                          "--polnear", str(polnear))
    assert code == 0, output
    report = json.loads((out / "report.json").read_text())
    assert report["engine"] == "offline"
    assert report["summary"]["ok"] == 2
    assert report["metrics"]["validity"]["micro"] == 1.0


@pytest.mark.usefixtures("fake_engine")
def test_command_names_the_chosen_engine_when_none_was_made(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = invoke(str(CASES), "--engine", "offline", "--case", "mini-senate-farm-bill",
                          "--polnear", str(tmp_path / "nowhere"), "--out", str(out))
    assert code == 0, output
    report = json.loads((out / "report.json").read_text())
    assert report["summary"]["missing"] == 1
    assert (report["engine"], report["model"], report["prompt_version"]) == (
        "offline", None, None)
