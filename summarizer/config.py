"""Settings for the LLM engine, from arguments first and the environment second."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal, get_args

from summarizer.errors import ConfigError


class EngineChoice(StrEnum):
    """Which engine to run: ``auto`` is llm when an endpoint is configured, else offline."""

    auto = "auto"
    llm = "llm"
    offline = "offline"


Mode = Literal["auto", "tools", "json", "json_grammar", "json_schema", "md_json"]

ENV_MODEL = "SUMMARIZER_MODEL"
ENV_MODE = "SUMMARIZER_MODE"
# Numeric settings that may come from the environment, with their types.
ENV_NUMBERS: dict[str, tuple[str, type]] = {
    "SUMMARIZER_MAX_TOKENS": ("max_tokens", int),
    "SUMMARIZER_TIMEOUT": ("timeout", float),
    "SUMMARIZER_BUDGET": ("total_timeout", float),
    "SUMMARIZER_MAX_REASKS": ("max_reasks", int),
}
MODES: tuple[str, ...] = get_args(Mode)
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class LLMSettings:
    """Everything the LLM engine needs to reach and use a model.

    ``base_url`` and ``api_key`` default to ``OPENAI_BASE_URL`` and
    ``OPENAI_API_KEY``; ``model`` to ``SUMMARIZER_MODEL``.
    """

    base_url: str | None = None
    api_key: str | None = None
    model: str | None = None
    mode: Mode = "auto"
    timeout: float = 120.0          # seconds for one HTTP request
    total_timeout: float = 600.0    # seconds for all requests of one brief, retries included
    max_attempts: int = 5           # transport attempts per model call
    max_reasks: int = 2             # validation re-asks after the first answer
    temperature: float = 0.0
    max_tokens: int | None = 4096
    chunk_tokens: int = 6000        # article tokens above which it is briefed in chunks
    chunk_overlap_sentences: int = 2
    concurrency: int = 4            # chunks briefed at once

    @classmethod
    def from_env(cls, **overrides: object) -> LLMSettings:
        values: dict[str, object] = {
            "base_url": os.environ.get("OPENAI_BASE_URL") or None,
            "api_key": os.environ.get("OPENAI_API_KEY") or None,
            "model": os.environ.get(ENV_MODEL) or None,
            "mode": os.environ.get(ENV_MODE) or "auto",
        }
        for env, (field, kind) in ENV_NUMBERS.items():
            raw = os.environ.get(env)
            if raw:
                values[field] = _number(env, raw, kind)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"unknown mode {self.mode!r}: use one of {', '.join(MODES)}")
        for field in ("timeout", "total_timeout", "max_attempts", "chunk_tokens", "concurrency"):
            if getattr(self, field) <= 0:
                raise ConfigError(f"{field} must be positive, not {getattr(self, field)}")
        if self.max_tokens is not None and self.max_tokens <= 0:
            raise ConfigError(f"max_tokens must be positive, not {self.max_tokens}")
        if self.max_reasks < 0:
            raise ConfigError(f"max_reasks must be 0 or more, not {self.max_reasks}")

    @property
    def configured(self) -> bool:
        """True when an endpoint is named: a base URL, or a key for OpenAI itself."""
        return bool(self.base_url or self.api_key)

    def with_(self, **changes: object) -> LLMSettings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _number(name: str, raw: str, kind: type) -> int | float:
    try:
        return kind(raw)
    except ValueError:
        expected = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name}={raw!r} is not {expected}") from None
