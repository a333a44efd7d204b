"""The CLI's own behaviour: input errors, output safety, schema and version commands.

Engines are exercised in their own test files; here the offline/LLM engines are
only reached through paths that fail before any engine work, and otherwise the
fake engine (tests/fakes.py) answers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest
from fakes import FakeEngine
from typer.testing import CliRunner

from summarizer import __version__, engines
from summarizer.cli.app import app
from summarizer.cli.schema import schema_json
from summarizer.config import LLMSettings
from summarizer.schema import ArticleBrief

runner = CliRunner()


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env_clear = {"OPENAI_BASE_URL": "", "OPENAI_API_KEY": "", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        input=stdin,
        capture_output=True,
        env=env_clear,
        timeout=120,
    )


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"summarizer {__version__}"


def test_schema_command_prints_the_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads(schema_json())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the article is empty"),
        (b"   \n\t  \n", "the article is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
    ],
)
def test_bad_article_files_give_one_line_and_exit_2(
    tmp_path: Path, content: bytes, message: str
) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes(content)
    result = run("summarize", str(article))
    err = result.stderr.decode()
    assert result.returncode == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_missing_file_and_folder(tmp_path: Path) -> None:
    missing = run("summarize", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr.decode()
    folder = run("summarize", str(tmp_path))
    assert folder.returncode == 2
    assert "is a folder" in folder.stderr.decode()


def test_empty_stdin_is_an_error() -> None:
    result = run("summarize", "-", stdin=b"")
    assert result.returncode == 2
    assert "empty" in result.stderr.decode()


def test_output_may_not_overwrite_the_article(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Officials said the bridge will reopen.", encoding="utf-8")
    result = run("summarize", str(article), "--output", str(article))
    assert result.returncode == 2
    assert "is the input article" in result.stderr.decode()
    assert article.read_text(encoding="utf-8") == "Officials said the bridge will reopen."


def test_unreachable_endpoint_is_one_line(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Officials said the bridge will reopen.", encoding="utf-8")
    # Port 9 on loopback: nothing listens there.
    result = run("summarize", str(article), "--engine", "llm",
                 "--base-url", "http://127.0.0.1:9/v1", "--model", "m")
    err = result.stderr.decode()
    assert result.returncode != 0
    assert "cannot reach" in err
    assert "Traceback" not in err
    errors = [line for line in err.strip().splitlines()
              if not line.startswith("summarizer: retrying ")]  # one line per retry  # fmt: skip
    assert len(errors) == 1, err


def test_llm_engine_without_endpoint_says_what_to_set(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Officials said the bridge will reopen.", encoding="utf-8")
    result = run("summarize", str(article), "--engine", "llm")
    err = result.stderr.decode()
    assert result.returncode == 2
    assert "OPENAI_BASE_URL" in err
    assert "Traceback" not in err


def test_every_command_has_help_with_examples() -> None:
    commands = (["summarize"], ["schema"], ["eval"], ["batch"], ["bench"], ["bench", "polnear"])
    for command in commands:
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.stdout


def test_output_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    import os

    from summarizer.inputs.files import UMASK, write_atomic

    target = tmp_path / "brief.json"
    write_atomic(target, "{}\n")
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert os.stat(target).st_mode & 0o777 == 0o666 & ~UMASK
    assert [p.name for p in tmp_path.iterdir()] == ["brief.json"]


def test_starting_the_cli_imports_nothing_heavy() -> None:
    probe = ("import sys, summarizer.cli; heavy = ('pydantic', 'openai', 'instructor', 'spacy',"
             " 'rich', 'httpx', 'yaml', 'trafilatura', 'numpy');"
             " print(sorted(m for m in heavy if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)  # fmt: skip
    assert result.stdout.strip() == "[]"


class SettingsRecorder(FakeEngine):
    """The fake engine, remembering the settings it was made with."""

    made: ClassVar[list[LLMSettings]] = []

    def __init__(self, settings: LLMSettings | None = None) -> None:
        super().__init__(settings)
        self.made.append(self.settings)


LLM_FLAGS = ["--engine", "llm", "--base-url", "http://127.0.0.1:9/v1", "--model", "m",
             "--mode", "json", "--max-tokens", "123", "--timeout", "7", "--budget", "30"]


@pytest.mark.usefixtures("fake_engine")
@pytest.mark.parametrize("command", ["summarize", "batch"])
def test_summarize_and_batch_take_the_same_llm_flags(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(engines.ENGINES, "llm", f"{__name__}:SettingsRecorder")
    monkeypatch.setattr(SettingsRecorder, "made", [])
    (tmp_path / "in").mkdir()
    article = tmp_path / "in" / "article.txt"
    article.write_text("Officials said the bridge will reopen.", encoding="utf-8")
    where = ([str(article), "--format", "json"] if command == "summarize"
             else [str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-cache"])
    result = runner.invoke(app, [command, *where, *LLM_FLAGS])
    assert result.exit_code == 0, result.output
    made = SettingsRecorder.made[-1]
    assert (made.base_url, made.model, made.mode, made.max_tokens, made.timeout,
            made.total_timeout) == ("http://127.0.0.1:9/v1", "m", "json", 123, 7.0, 30.0)


class OfflineFake(FakeEngine):
    """The fake engine, named as the offline engine."""

    name = "offline"

    async def abrief(self, text: str) -> ArticleBrief:
        brief = await super().abrief(text)
        brief.meta.engine = "offline"
        return brief


AUTO_NOTE = ("summarizer: no LLM endpoint configured (OPENAI_BASE_URL / OPENAI_API_KEY): "
             "using the offline engine")


@pytest.mark.usefixtures("fake_engine")
@pytest.mark.parametrize("command", ["summarize", "batch"])
def test_auto_says_in_one_line_that_it_used_the_offline_engine(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(engines.ENGINES, "offline", f"{__name__}:OfflineFake")
    (tmp_path / "in").mkdir()
    article = tmp_path / "in" / "article.txt"
    article.write_text("Officials said the bridge will reopen.", encoding="utf-8")
    where = ([str(article), "--format", "json", "--output", str(tmp_path / "brief.json")]
             if command == "summarize"
             else [str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-cache",
                   "--processes", "1"])
    result = runner.invoke(app, [command, *where])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines().count(AUTO_NOTE) == 1
    explicit = runner.invoke(app, [command, *where, "--engine", "offline"])
    assert AUTO_NOTE not in explicit.output
