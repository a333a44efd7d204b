"""The public library API: what `from summarizer import ...` gives a Python caller."""

from __future__ import annotations

import pytest

import summarizer
from summarizer.api import settings_for
from summarizer.config import LLMSettings
from summarizer.engines import select
from summarizer.errors import ConfigError, InputError

ARTICLE = (
    "The city council voted 7-2 on Tuesday to close the Elm Street bridge for repairs. "
    "\u201cThe bridge is not safe,\u201d said Mayor Ana Ruiz. "
    "The repairs will cost $4 million, according to a city report. "
    "Officials did not say when the bridge would reopen."
)


@pytest.fixture(autouse=True)
def no_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "SUMMARIZER_MODEL", "SUMMARIZER_MODE",
                 "SUMMARIZER_MAX_TOKENS", "SUMMARIZER_TIMEOUT", "SUMMARIZER_BUDGET"):
        monkeypatch.delenv(name, raising=False)


def test_public_names() -> None:
    assert set(summarizer.__all__) >= {"summarize", "asummarize", "ArticleBrief"}
    assert summarizer.ArticleBrief.__name__ == "ArticleBrief"


def test_summarize_without_endpoint_uses_the_offline_engine() -> None:
    brief = summarizer.summarize(ARTICLE)
    assert isinstance(brief, summarizer.ArticleBrief)
    assert brief.meta.engine == "offline"
    assert brief.meta.article_chars == len(ARTICLE)
    assert brief.ungrounded(ARTICLE) == []
    labels = {s.label for s in brief.sources}
    assert any("Ruiz" in label for label in labels), labels


async def test_asummarize_gives_the_same_brief() -> None:
    sync = summarizer.summarize(ARTICLE, engine="offline")
    brief = await summarizer.asummarize(ARTICLE, engine="offline")
    assert brief.claims == sync.claims
    assert brief.sources == sync.sources


@pytest.mark.parametrize("bad", ["", "   \n", "a\x00b"])
def test_bad_text_is_an_input_error(bad: str) -> None:
    with pytest.raises(InputError):
        summarizer.summarize(bad)


def test_non_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match="must be text"):
        summarizer.summarize(b"bytes")  # type: ignore[arg-type]


def test_engine_choice() -> None:
    assert select("auto", LLMSettings()) == "offline"
    assert select("auto", LLMSettings(base_url="http://127.0.0.1:1/v1")) == "llm"
    assert select("auto", LLMSettings(api_key="sk-x")) == "llm"
    assert select("offline", LLMSettings(api_key="sk-x")) == "offline"
    with pytest.raises(ConfigError):
        select("gpt", LLMSettings())  # type: ignore[arg-type]


def test_settings_come_from_arguments_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env:1/v1")
    monkeypatch.setenv("SUMMARIZER_MAX_TOKENS", "123")
    monkeypatch.setenv("SUMMARIZER_TIMEOUT", "2.5")
    settings = settings_for(model="m")
    assert (settings.base_url, settings.model, settings.max_tokens, settings.timeout) == (
        "http://env:1/v1", "m", 123, 2.5
    )
    assert settings_for(base_url="http://arg:2/v1", max_tokens=7).max_tokens == 7
    assert settings_for(base_url="http://arg:2/v1").base_url == "http://arg:2/v1"


@pytest.mark.parametrize(
    ("env", "value", "message"),
    [
        ("SUMMARIZER_MAX_TOKENS", "lots", "is not a whole number"),
        ("SUMMARIZER_TIMEOUT", "-1", "timeout must be positive"),
        ("SUMMARIZER_MODE", "xml", "unknown mode 'xml'"),
    ],
)
def test_bad_settings_are_config_errors(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, message: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError, match=message):
        settings_for()


def test_meta_carries_cost_only_when_a_price_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from summarizer.api import stamp
    from summarizer.pricing import price_from_env
    from summarizer.schema import ArticleBrief, Meta, Usage

    def brief() -> ArticleBrief:
        usage = Usage(prompt_tokens=1_000, completion_tokens=200, total_tokens=1_200)
        return ArticleBrief(summary="s", meta=Meta(engine="llm", usage=usage))

    assert stamp(brief(), ARTICLE, price_from_env()).meta.cost_usd is None
    monkeypatch.setenv("SUMMARIZER_PRICE_PROMPT", "2.5")      # USD per million tokens
    monkeypatch.setenv("SUMMARIZER_PRICE_COMPLETION", "10")
    # 1,000 * 2.5 / 1e6 + 200 * 10 / 1e6 = 0.0025 + 0.002
    assert stamp(brief(), ARTICLE, price_from_env()).meta.cost_usd == pytest.approx(0.0045)
