"""Bad configuration is exit 2 with one line, at once, before any request or token.

An endpoint that is not an http(s) URL is not retried as if unreachable; ``nan``
and ``inf`` are not durations; a price that is not a number is refused before the
tokens are spent, not reported after. The endpoint here is a loopback scripted
server that records every request: "before any request" is checked, not assumed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from llm_cases import ARTICLE, draft
from scripted_server import ScriptedServer

from summarizer.api import summarize
from summarizer.config import LLMSettings
from summarizer.errors import ConfigError


def command(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    return subprocess.run([sys.executable, "-m", "summarizer", *args], capture_output=True,
                          text=True, timeout=120, env={**clean, **env})  # fmt: skip


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def assert_one_line_exit_2(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("summarizer: error: "), result.stderr
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize("url", ["not a url", "file:///etc/passwd", "ftp://example.com/v1",
                                 "http://", "localhost:8080/v1", "http://host:port/v1"])
def test_an_endpoint_that_is_not_an_http_url_is_exit_2_at_once(article: Path, url: str) -> None:
    started = time.monotonic()
    result = command("summarize", str(article), "--engine", "llm", "--model", "m",
                     OPENAI_BASE_URL=url)  # fmt: skip
    assert time.monotonic() - started < 8  # today: retried for 10-14 s, then exit 3
    assert_one_line_exit_2(result, repr(url), "OPENAI_BASE_URL", "http(s)")


def test_the_flag_and_the_batch_command_check_the_endpoint_too(
    article: Path, tmp_path: Path
) -> None:
    flag = command("summarize", str(article), "--engine", "llm", "--base-url", "file:///tmp")
    assert_one_line_exit_2(flag, "'file:///tmp'")
    batch = command("batch", str(tmp_path), "--out", str(tmp_path / "out"), "--engine", "llm",
                    "--no-cache", OPENAI_BASE_URL="not a url")  # fmt: skip
    assert_one_line_exit_2(batch, "'not a url'")
    assert not (tmp_path / "out").exists()


def test_an_http_endpoint_is_accepted() -> None:
    for url in ("http://localhost:8080/v1", "https://api.example.com/v1", "HTTP://[::1]:9/v1"):
        assert LLMSettings(base_url=url).base_url == url


@pytest.mark.parametrize(("flag", "value"), [("--timeout", "nan"), ("--budget", "nan"),
                                             ("--timeout", "inf"), ("--budget", "-1")])
def test_a_duration_that_is_not_a_positive_number_is_refused_before_any_request(
    server: ScriptedServer, article: Path, flag: str, value: str
) -> None:
    server.answer(draft())
    result = command("summarize", str(article), "--engine", "llm", "--model", "m",
                     "--base-url", server.url, flag, value)  # fmt: skip
    assert_one_line_exit_2(result, "must be positive", value)
    assert server.requests == []


@pytest.mark.parametrize("name", ["SUMMARIZER_TIMEOUT", "SUMMARIZER_BUDGET",
                                  "SUMMARIZER_STALL_TIMEOUT"])
def test_a_duration_variable_of_nan_names_the_variable(
    server: ScriptedServer, article: Path, name: str
) -> None:
    result = command("summarize", str(article), "--engine", "llm", "--model", "m",
                     "--base-url", server.url, **{name: "nan"})  # fmt: skip
    assert_one_line_exit_2(result, f"{name}='nan' is not a number")
    assert server.requests == []


@pytest.mark.parametrize("price", ["abc", "nan", "inf", "-1", "$2"])
def test_a_bad_price_is_refused_before_any_token_is_spent(
    server: ScriptedServer, article: Path, price: str
) -> None:
    server.answer(draft())
    result = command("summarize", str(article), "--engine", "llm", "--model", "m",
                     "--base-url", server.url, SUMMARIZER_PRICE_COMPLETION=price)  # fmt: skip
    assert_one_line_exit_2(result, f"SUMMARIZER_PRICE_COMPLETION={price!r}")
    assert server.requests == []


def test_the_library_refuses_a_bad_price_before_any_request(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.answer(draft())
    monkeypatch.setenv("SUMMARIZER_PRICE_PROMPT", "nan")
    with pytest.raises(ConfigError, match="SUMMARIZER_PRICE_PROMPT='nan'"):
        summarize(ARTICLE, engine="llm", base_url=server.url, model="m")
    assert server.requests == []


@pytest.mark.parametrize("field", ["timeout", "total_timeout", "stall_timeout", "temperature"])
def test_settings_refuse_nan(field: str) -> None:
    with pytest.raises(ConfigError, match=field):
        LLMSettings(**{field: float("nan")})  # type: ignore[arg-type]
