"""The CLI's own behaviour: input errors, output safety, schema and version commands.

Engines are exercised in their own test files; here the offline/LLM engines are
only reached through paths that fail before any engine work.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer import __version__
from summarizer.cli.app import app
from summarizer.cli.schema import schema_json

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
    assert len(err.strip().splitlines()) == 1, err


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
