"""Several models in one run, side by side; repeats and their spread; baselines judged by
the spread or a tolerance. The LLM engine talks real HTTP to a loopback oracle whose
"models" answer differently (model_oracle.py), so every number here is predicted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eval_helpers import CASES, council, fake_polnear, perfect_brief
from fakes import FakeEngine
from model_oracle import ModelOracle
from scripted_server import ScriptedServer
from typer.testing import CliRunner

from summarizer import engines
from summarizer.cli.app import app
from summarizer.config import EngineChoice, LLMSettings
from summarizer.engines.llm.draft import answer_for
from summarizer.errors import ConfigError
from summarizer.evaluation.columns import from_flags, load_matrix

runner = CliRunner()


@pytest.fixture
def polnear(tmp_path: Path) -> Path:
    return fake_polnear(tmp_path)


@pytest.fixture
def oracle() -> Iterator[ModelOracle]:
    with ModelOracle() as server:
        yield server


@pytest.fixture(autouse=True)
def no_endpoint_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "SUMMARIZER_MODEL", "SUMMARIZER_MODE",
                 "SUMMARIZER_PRICE_PROMPT", "SUMMARIZER_PRICE_COMPLETION"):
        monkeypatch.delenv(name, raising=False)


def run_eval(polnear: Path, out: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["eval", str(CASES), "--polnear", str(polnear),
                                 "--out", str(out), "--concurrency", "1", *args])
    return result.exit_code, result.output


def models(server: ModelOracle, *names: str) -> list[str]:
    args = ["--base-url", server.url, "--mode", "json"]
    for name in names:
        args += ["--model", name]
    return args


def fails(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("summarizer: FAIL")]


def test_two_models_side_by_side(
    oracle: ModelOracle, polnear: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_PRICE_PROMPT", "1")
    monkeypatch.setenv("SUMMARIZER_PRICE_COMPLETION", "2")
    out = tmp_path / "out"
    code, output = run_eval(polnear, out, *models(oracle, "oracle", "forgetful"))
    assert code == 0, output

    report = json.loads((out / "report.json").read_text())
    columns = {c["column"]: c for c in report["columns"]}
    assert list(columns) == ["oracle", "forgetful"]
    assert columns["oracle"]["metrics"]["parties.recall"]["micro"] == 1.0
    # forgetful drops the first party: council 2 of 3, senate 1 of 2
    assert columns["forgetful"]["metrics"]["parties.recall"]["micro"] == 0.6
    assert columns["forgetful"]["metrics"]["parties.f1"]["micro"] == 0.75
    assert columns["forgetful"]["metrics"]["claims.recall"]["micro"] == 1.0
    for column in columns.values():
        ops = column["operations"]
        # the oracle reports 100 prompt + 20 completion tokens per answer, one answer each
        assert (ops["tokens_mean"], ops["failures"], ops["salvaged"]) == (120, 0, 0)
        assert ops["cost_usd"] == pytest.approx(2 * (100 * 1 + 20 * 2) / 1e6)
        assert ops["seconds_p50"] <= ops["seconds_p95"]

    markdown = (out / "report.md").read_text()
    assert "| metric | oracle | forgetful |" in markdown
    assert "| parties.recall | 1.00 | 0.60 |" in markdown
    assert "| failures | 0 | 0 |" in markdown
    differences = markdown.split("## Per-case differences")[1].split("\n## ")[0]
    rows = [line for line in differences.splitlines() if line.startswith("| mini")]
    assert rows == ["| mini-council-vote | parties.f1 | 1.00 | 0.80 |",
                    "| mini-senate-farm-bill | parties.f1 | 1.00 | 0.67 |"]
    assert "\x1b[" not in markdown
    for name in ("oracle", "forgetful"):  # each column also as a single run
        single = json.loads((out / name / "report.json").read_text())
        assert single["column"] == name
        assert (out / name / "briefs" / "mini-council-vote.json").is_file()
    assert (out / "report.html").is_file()
    assert "forgetful" in output and "parties.recall" in output


def test_offline_column_beside_a_model(
    oracle: ModelOracle, polnear: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(engines.ENGINES, "offline", "eval_helpers:PartyDroppingEngine")
    out = tmp_path / "out"
    code, output = run_eval(polnear, out, "--engine", "offline", *models(oracle, "oracle"))
    assert code == 0, output
    report = json.loads((out / "report.json").read_text())
    recall = {c["column"]: c["metrics"]["parties.recall"]["micro"] for c in report["columns"]}
    assert recall == {"offline": 0.6, "oracle": 1.0}


def test_columns_from_flags() -> None:
    local = LLMSettings(base_url="http://127.0.0.1:9/v1")
    names = [(c.name, c.engine) for c in from_flags([], ["a", "b"], local)]
    assert names == [("a", "llm"), ("b", "llm")]
    both = from_flags([EngineChoice.offline], ["a"], LLMSettings())
    assert [(c.name, c.engine, c.settings.model) for c in both] == [
        ("offline", "offline", None), ("a", "llm", "a")]
    assert [c.name for c in from_flags([], [], LLMSettings())] == ["offline"]  # auto, no endpoint
    with pytest.raises(ConfigError, match="two columns are named 'a'"):
        from_flags([], ["a", "a"], local)


def test_matrix_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_KEY", "sk-secret")
    matrix = tmp_path / "m.yaml"
    matrix.write_text(
        "columns:\n"
        "  - {name: floor, engine: offline}\n"
        "  - {name: hosted, model: big, api_key_env: MY_KEY, price_prompt: 1}\n"
        "  - {name: local, base_url: 'http://127.0.0.1:8080/v1', model: small, mode: json,\n"
        "     timeout: 300, profile: llm-smoke}\n"
    )
    base = LLMSettings(base_url="https://api.example.com/v1", api_key="sk-env", model="x")
    floor, hosted, local = load_matrix(matrix, base)
    assert (floor.engine, hosted.engine, local.engine) == ("offline", "llm", "llm")
    assert (hosted.settings.base_url, hosted.settings.api_key, hosted.settings.model) == (
        "https://api.example.com/v1", "sk-secret", "big")
    assert hosted.price is not None and hosted.price.prompt == 1.0
    # its own endpoint and no api_key_env: the environment's key is not sent there
    assert (local.settings.api_key, local.settings.mode, local.settings.timeout) == (
        None, "json", 300.0)
    assert local.profile == "llm-smoke"


@pytest.mark.parametrize(("text", "message"), [
    ("columns: [{name: a, modle: x}]", "column 1: modle: Extra inputs are not permitted"),
    ("columns: [{name: a, api_key_env: NOT_SET_ANYWHERE}]", "$NOT_SET_ANYWHERE is not set"),
    ("columns: []", "give a list of columns"),
    ("columns: [{name: a, mode: fast}]", "unknown mode 'fast'"),
])
def test_bad_matrix_is_one_line(
    text: str, message: str, tmp_path: Path, polnear: Path
) -> None:
    matrix = tmp_path / "m.yaml"
    matrix.write_text(text)
    code, output = run_eval(polnear, tmp_path / "o", "--matrix", str(matrix))
    assert code == 2
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("summarizer: error: ") and message in lines[0]


def test_repeat_reports_mean_and_spread(
    oracle: ModelOracle, polnear: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, output = run_eval(polnear, out, *models(oracle, "flaky"), "--repeat", "3")
    assert code == 0, output
    report = json.loads((out / "report.json").read_text())
    recall = report["metrics"]["parties.recall"]
    # calls 1 and 3 of each case are perfect, call 2 forgets a party: 1.0, 0.6, 1.0
    assert recall["runs"] == [1.0, 0.6, 1.0]
    assert recall["micro"] == pytest.approx(2.6 / 3, abs=1e-4)
    assert (recall["min"], recall["max"], recall["spread"]) == (0.6, 1.0, 0.4)
    assert report["metrics"]["claims.recall"]["spread"] == 0.0
    assert report["repeats"] == 3 and report["operations"]["briefs"] == 6
    council_entry = report["cases"][0]
    assert council_entry["spread"]["parties.recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert sorted(p.name for p in (out / "briefs").iterdir()) == [
        f"{case}.{k}.json" for case in ("mini-council-vote", "mini-senate-farm-bill")
        for k in (1, 2, 3)]
    assert "| parties.recall | 0.87 (0.60–1.00) |" in (out / "report.md").read_text()
    assert oracle.calls["flaky", "mini-council-vote"] == 3


def test_baseline_judged_by_spread_then_by_tolerance(
    oracle: ModelOracle, polnear: Path, tmp_path: Path
) -> None:
    code, output = run_eval(polnear, tmp_path / "flaky", *models(oracle, "flaky"),
                            "--repeat", "3")
    assert code == 0, output
    baseline = str(tmp_path / "flaky" / "report.json")
    # forgetful: 0.6 every time, a drop of 0.267 from 0.867: within the baseline's spread 0.4
    code, output = run_eval(polnear, tmp_path / "within", *models(oracle, "forgetful"),
                            "--repeat", "3", "--baseline", baseline)
    assert (code, fails(output)) == (0, []), output
    judged = json.loads((tmp_path / "within" / "report.json").read_text())["baseline"]
    assert judged["rule"] == "spread"
    assert judged["allowed"]["parties.recall"] == 0.4
    assert judged["change"]["parties.recall"] == pytest.approx(-0.2667, abs=1e-4)
    # the same drop against a fixed tolerance is a regression, and says which rule
    code, output = run_eval(polnear, tmp_path / "tol", *models(oracle, "forgetful"),
                            "--repeat", "3", "--baseline", baseline, "--tolerance", "0.1")
    assert code == 1
    assert fails(output) == [
        "summarizer: FAIL parties.recall: 0.867 -> 0.600 (fell more than 0.1)",
        "summarizer: FAIL parties.f1: 0.917 -> 0.750 (fell more than 0.1)",  # (1+.75+1)/3
    ]
    markdown = (tmp_path / "tol" / "report.md").read_text()
    assert "Rule: tolerance 0.1 (--tolerance)" in markdown


def test_a_real_drop_exceeds_the_spread(
    oracle: ModelOracle, polnear: Path, tmp_path: Path
) -> None:
    code, output = run_eval(polnear, tmp_path / "good", *models(oracle, "oracle"),
                            "--repeat", "2")
    assert code == 0, output
    baseline = str(tmp_path / "good" / "report.json")
    code, output = run_eval(polnear, tmp_path / "bad", *models(oracle, "forgetful"),
                            "--repeat", "2", "--baseline", baseline)
    assert code == 1
    assert fails(output) == [
        "summarizer: FAIL parties.recall: 1.000 -> 0.600 (fell more than the spread 0.000 "
        "(max - min over repeats))",
        "summarizer: FAIL parties.f1: 1.000 -> 0.750 (fell more than the spread 0.000 "
        "(max - min over repeats))",
    ]


def test_side_by_side_baseline_is_matched_by_column(
    oracle: ModelOracle, polnear: Path, tmp_path: Path
) -> None:
    both = models(oracle, "oracle", "forgetful")
    assert run_eval(polnear, tmp_path / "old", *both)[0] == 0
    baseline = str(tmp_path / "old" / "report.json")
    code, output = run_eval(polnear, tmp_path / "new", *models(oracle, "forgetful", "oracle"),
                            "--baseline", baseline)
    assert (code, fails(output)) == (0, []), output  # each column against its own name
    swapped = tmp_path / "swapped.json"
    data = json.loads(Path(baseline).read_text())
    for column, name in zip(data["columns"], ["forgetful", "oracle"], strict=True):
        column["column"] = name
    swapped.write_text(json.dumps(data))
    code, output = run_eval(polnear, tmp_path / "new2", *both, "--baseline", str(swapped))
    assert code == 1
    assert fails(output)[0] == (
        "summarizer: FAIL forgetful: parties.recall: 1.000 -> 0.600 (fell more than 0.02)")


def test_salvaged_answers_are_counted(server: ScriptedServer, tmp_path: Path) -> None:
    case, article = council()
    server.answer(answer_for(perfect_brief(case, article), article), finish_reason="length")
    out = tmp_path / "out"
    result = runner.invoke(app, [
        "eval", str(CASES), "--case", "mini-council-vote", "--engine", "llm",
        "--base-url", server.url, "--model", "scripted-model", "--mode", "json",
        "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    ops: dict[str, Any] = json.loads((out / "report.json").read_text())["operations"]
    assert (ops["briefs"], ops["salvaged"], ops["failures"]) == (1, 1, 0)
    assert "salvaged: 1" in (out / "report.md").read_text()


def test_a_model_without_endpoint_fails_before_any_column_runs(
    polnear: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(engines.ENGINES, "offline", "fakes:FakeEngine")
    monkeypatch.setattr(FakeEngine, "calls", 0)
    code, output = run_eval(polnear, tmp_path / "out", "--engine", "offline", "--model", "a")
    assert code == 2
    assert output.startswith("summarizer: error: ") and len(output.strip().splitlines()) == 1
    assert FakeEngine.calls == 0
    assert not (tmp_path / "out").exists()


def test_matrix_and_model_flags_do_not_mix(tmp_path: Path, polnear: Path) -> None:
    matrix = tmp_path / "m.yaml"
    matrix.write_text("columns: [{name: floor, engine: offline}]\n")
    code, output = run_eval(polnear, tmp_path / "o", "--matrix", str(matrix), "--model", "a")
    assert (code, output.strip()) == (
        2, "summarizer: error: give --matrix or --engine/--model, not both")
