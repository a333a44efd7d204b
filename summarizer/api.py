"""The public library API: ``summarize`` and ``asummarize``. The CLI calls exactly these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from summarizer.config import EngineChoice, LLMSettings
from summarizer.engines import create, run_sync
from summarizer.errors import InputError
from summarizer.pricing import Price, cost_usd, price_from_env
from summarizer.text import text_hash

if TYPE_CHECKING:
    from summarizer.schema import ArticleBrief


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
    """``text`` as a plain ``str``, or an ``InputError`` saying why it cannot be briefed."""
    if not isinstance(text, str):
        raise InputError(f"article must be text (str), not {type(text).__name__}")
    if not text.strip():
        raise InputError("the article is empty: give a file or stdin with some text")
    if "\x00" in text:
        raise InputError("the article contains NUL bytes: it looks binary, not text")
    return str.__str__(text)  # a str subclass (numpy.str_) as a plain str: spaCy needs one


def stamp(
    brief: ArticleBrief, text: str, price: Price | None, digest: str | None = None
) -> ArticleBrief:
    """What only the caller's side knows: the exact input, and the price of the tokens."""
    brief.meta.article_sha256 = digest or text_hash(text)
    brief.meta.article_chars = len(text)
    brief.meta.cost_usd = cost_usd(brief.meta.usage, price)
    return brief


async def asummarize(
    text: str,
    *,
    engine: EngineChoice | str = EngineChoice.auto,
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
    indexes into ``text``. Errors are ``SummarizerError`` subclasses with a
    one-line message.
    """

    checked = check_text(text)
    settings = settings_for(
        model=model, base_url=base_url, api_key=api_key, mode=mode, settings=settings, **options
    )
    price = price_from_env()  # a bad price is refused before any token is spent
    brief = await create(engine, settings).abrief(checked)
    return stamp(brief, checked, price)


def summarize(
    text: str,
    *,
    engine: EngineChoice | str = EngineChoice.auto,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    mode: str | None = None,
    settings: LLMSettings | None = None,
    **options: object,
) -> ArticleBrief:
    """Blocking form of :func:`asummarize`, with the same arguments."""
    return run_sync(
        asummarize(text, engine=engine, model=model, base_url=base_url, api_key=api_key,
                   mode=mode, settings=settings, **options)
    )  # fmt: skip
