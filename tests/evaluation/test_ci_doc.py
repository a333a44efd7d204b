"""docs/ci.md: its workflow is valid YAML, caches the corpus where it is kept, uses
only flags `summarizer eval` has, and its matrix example loads."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from eval_helpers import ROOT

from summarizer.cli.app import app
from summarizer.config import LLMSettings
from summarizer.evaluation import corpus
from summarizer.evaluation.columns import load_matrix

DOC = ROOT / "docs" / "ci.md"


def yaml_blocks() -> list[Any]:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    return [yaml.safe_load(textwrap.dedent(block)) for block in blocks]


def workflow_steps() -> list[dict[str, Any]]:
    workflow = yaml_blocks()[0]
    return list(workflow["jobs"]["eval"]["steps"])


def test_workflow_caches_the_corpus_by_commit() -> None:
    (cache,) = [s for s in workflow_steps() if str(s.get("uses", "")).startswith("actions/cache")]
    assert cache["with"]["path"].startswith("~/.cache/summarizer/polnear")
    assert corpus.COMMIT in cache["with"]["key"]


def test_workflow_eval_flags_exist() -> None:
    (step,) = [s for s in workflow_steps() if s.get("name", "").startswith("Eval")]
    flags = set(re.findall(r"(--[a-z][a-z-]*)", step["run"]))
    assert {"--baseline", "--junit", "--repeat", "--check", "--model"} <= flags
    from typer.main import get_command

    eval_command = get_command(app).commands["eval"]  # type: ignore[attr-defined]
    known = {name for param in eval_command.params for name in param.opts}
    assert flags <= known
    assert "secrets.OPENAI_API_KEY" in step["env"]["OPENAI_API_KEY"]
    summary = [s for s in workflow_steps() if "GITHUB_STEP_SUMMARY" in s.get("run", "")]
    assert summary and summary[0]["if"] == "always()"


def test_matrix_example_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    matrix = tmp_path / "models.yaml"
    matrix.write_text(yaml.safe_dump(yaml_blocks()[1]))
    columns = load_matrix(matrix, LLMSettings())
    assert [(c.name, c.engine) for c in columns] == [
        ("floor", "offline"), ("gpt-4o-mini", "llm"), ("local", "llm")]
