"""The public library API. The CLI calls exactly these functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from summarizer.config import LLMSettings
from summarizer.engines import Engine
from summarizer.errors import ConfigError, InputError
from summarizer.schema import ArticleBrief

if TYPE_CHECKING:
    from summarizer.pricing import Price

EngineChoice = Literal["auto", "llm", "offline"]


def choose_engine(engine: EngineChoice, settings: LLMSettings) -> Literal["llm", "offline"]:
    """``auto`` is the LLM engine when an endpoint is configured, else the offline one."""
    if engine == "auto":
        return "llm" if settings.configured else "offline"
    if engine in ("llm", "offline"):
        return engine
    raise ConfigError(f"unknown engine {engine!r}: use auto, llm or offline")


def make_engine(engine: EngineChoice = "auto", settings: LLMSettings | None = None) -> Engine:
    settings = settings or LLMSettings.from_env()
    if choose_engine(engine, settings) == "offline":
        from summarizer.engines.offline.pipeline import OfflineEngine

        return OfflineEngine()
    from summarizer.engines.llm.engine import LLMEngine

    return LLMEngine(settings)


def settings_for(
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    mode: str | None = None,
    settings: LLMSettings | None = None,
    **options: object,
) -> LLMSettings:
    """Settings from ``settings`` (or the environment), with the given values on top.

    ``options`` are further LLMSettings fields, e.g. ``max_tokens`` or ``timeout``.
    """
    overrides = {"model": model, "base_url": base_url, "api_key": api_key, "mode": mode, **options}
    if settings is not None:
        return settings.with_(**{k: v for k, v in overrides.items() if v is not None})
    return LLMSettings.from_env(**overrides)


def check_text(text: object) -> str:
    if not isinstance(text, str):
        raise InputError(f"article must be text (str), not {type(text).__name__}")
    if not text.strip():
        raise InputError("the article is empty: give a file or stdin with some text")
    if "\x00" in text:
        raise InputError("the article contains NUL bytes: it looks binary, not text")
    return text


def stamp(
    brief: ArticleBrief, text: str, price: Price | None, digest: str | None = None
) -> ArticleBrief:
    """What only the caller's side knows: the exact input, and the price of the tokens."""
    from summarizer.batch.cache import text_hash
    from summarizer.pricing import cost_usd

    brief.meta.article_sha256 = digest or text_hash(text)
    brief.meta.article_chars = len(text)
    brief.meta.cost_usd = cost_usd(brief.meta.usage, price)
    return brief


def _stamp(brief: ArticleBrief, text: str) -> ArticleBrief:
    from summarizer.pricing import price_from_env

    return stamp(brief, text, price_from_env())


def summarize(
    text: str,
    *,
    engine: EngineChoice = "auto",
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    mode: str | None = None,
    settings: LLMSettings | None = None,
    **options: object,
) -> ArticleBrief:
    """Brief one article.

    ``engine="auto"`` uses the LLM engine when an endpoint is configured
    (``base_url``/``api_key`` or ``OPENAI_BASE_URL``/``OPENAI_API_KEY``) and the
    offline engine otherwise. ``options`` are further ``LLMSettings`` fields
    (``max_tokens``, ``timeout``, ``total_timeout``, ...). Every evidence offset
    indexes into ``text``.
    """
    checked = check_text(text)
    settings = settings_for(
        model=model, base_url=base_url, api_key=api_key, mode=mode, settings=settings, **options
    )
    return _stamp(make_engine(engine, settings).brief(checked), checked)


async def asummarize(
    text: str,
    *,
    engine: EngineChoice = "auto",
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    mode: str | None = None,
    settings: LLMSettings | None = None,
    **options: object,
) -> ArticleBrief:
    """Async form of :func:`summarize`."""
    checked = check_text(text)
    settings = settings_for(
        model=model, base_url=base_url, api_key=api_key, mode=mode, settings=settings, **options
    )
    return _stamp(await make_engine(engine, settings).abrief(checked), checked)
