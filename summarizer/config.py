"""Settings for the LLM engine, from arguments first and the environment second."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from summarizer.errors import ConfigError


class EngineChoice(StrEnum):
    """Which engine to run: ``auto`` is llm when an endpoint is configured, else offline."""

    auto = "auto"
    llm = "llm"
    offline = "offline"


class Mode(StrEnum):
    """How the model is asked for structure (``--mode``); ``auto`` picks one per server.

    Each member says where the schema goes and how the answer is read (below);
    ``summarizer.engines.llm.modes`` builds the request and picks auto's mode.
    """

    auto = "auto"
    tools = "tools"                            # a tool call; the schema as its parameters
    tools_strict = "tools_strict"              # the same, strict: OpenAI constrains it
    json = "json"                              # JSON mode; the schema in the prompt
    json_grammar = "json_grammar"              # JSON mode + schema: llama-cpp-python's grammar
    json_schema = "json_schema"                # response_format json_schema
    json_schema_strict = "json_schema_strict"  # the same, strict: OpenAI structured outputs
    md_json = "md_json"                        # a fenced JSON block; the schema in the prompt

    @property
    def strict(self) -> bool:
        """OpenAI's strict form: every field required (optional ones nullable), no others."""
        return self in (Mode.tools_strict, Mode.json_schema_strict)

    @property
    def uses_tools(self) -> bool:
        """The schema is a tool's parameters and the answer a tool call."""
        return self in (Mode.tools, Mode.tools_strict)

    @property
    def schema_in_response_format(self) -> bool:
        """The schema goes in ``response_format``, where the server constrains decoding to it."""
        return self in (Mode.json_grammar, Mode.json_schema, Mode.json_schema_strict)

    @property
    def schema_in_prompt(self) -> bool:
        """instructor pastes the schema into the system prompt: nothing else constrains it."""
        return self in (Mode.json, Mode.md_json)

    @property
    def parser(self) -> Any:
        """The ``instructor.Mode`` that builds the request and reads the answer."""
        import instructor  # only the llm engine needs it: keep config light

        if self is Mode.auto:
            raise ValueError("auto is not a mode a request is made in: pick one per server")
        if self.uses_tools:
            return instructor.Mode.TOOLS
        if self.schema_in_response_format:  # the answer is JSON content, no schema in the prompt
            return instructor.Mode.JSON_SCHEMA
        return instructor.Mode.MD_JSON if self is Mode.md_json else instructor.Mode.JSON


ENV_MODEL = "SUMMARIZER_MODEL"
ENV_MODE = "SUMMARIZER_MODE"
# Numeric settings that may come from the environment, with their types.
ENV_NUMBERS: dict[str, tuple[str, type]] = {
    "SUMMARIZER_MAX_TOKENS": ("max_tokens", int),
    "SUMMARIZER_TIMEOUT": ("timeout", float),
    "SUMMARIZER_BUDGET": ("total_timeout", float),
    "SUMMARIZER_MAX_REASKS": ("max_reasks", int),
    "SUMMARIZER_CHUNK_TOKENS": ("chunk_tokens", int),
    "SUMMARIZER_STALL_TIMEOUT": ("stall_timeout", float),
}
MODES: tuple[str, ...] = tuple(Mode)
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
    mode: Mode = Mode.auto
    timeout: float = 120.0          # seconds for one HTTP request
    total_timeout: float = 600.0    # seconds for all requests of one brief, retries included
    max_attempts: int = 5           # transport attempts per model call
    max_reasks: int = 2             # validation re-asks after the first answer
    temperature: float = 0.0
    max_tokens: int | None = None   # None: sized from the article (engine.answer_tokens)
    # Article tokens above which it is briefed in chunks; None: 6000, or less when the
    # server reports a context window too small for that chunk, the prompt and the answer.
    chunk_tokens: int | None = None
    stall_timeout: float = 30.0     # seconds a streamed answer may go without a token
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
        object.__setattr__(self, "mode", Mode(self.mode))  # a plain string becomes a Mode
        if self.base_url is not None:
            check_base_url(self.base_url)
        for field in ("timeout", "total_timeout", "max_attempts", "concurrency", "stall_timeout"):
            value = getattr(self, field)
            if not (math.isfinite(value) and value > 0):  # nan passes a plain "<= 0" test
                raise ConfigError(f"{field} must be positive, not {value}")
        if not (math.isfinite(self.temperature) and self.temperature >= 0):
            raise ConfigError(f"temperature must be 0 or more, not {self.temperature}")
        for field in ("max_tokens", "chunk_tokens"):
            if getattr(self, field) is not None and getattr(self, field) <= 0:
                raise ConfigError(f"{field} must be positive, not {getattr(self, field)}")
        if self.max_reasks < 0:
            raise ConfigError(f"max_reasks must be 0 or more, not {self.max_reasks}")

    @property
    def configured(self) -> bool:
        """True when an endpoint is named: a base URL, or a key for OpenAI itself."""
        return bool(self.base_url or self.api_key)

    def with_(self, **changes: object) -> LLMSettings:
        return replace(self, **changes)  # type: ignore[arg-type]


def check_base_url(url: str) -> None:
    """Refuse an endpoint that is not an http(s) URL with a host: bad configuration is
    reported at once, not retried as an unreachable server."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"base URL {url!r} (--base-url or OPENAI_BASE_URL) is not an http(s) "
                          "URL; give one like http://localhost:8080/v1")


def _number(name: str, raw: str, kind: type) -> int | float:
    expected = "a whole number" if kind is int else "a number"
    try:
        value: int | float = kind(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not {expected}") from None
    if not math.isfinite(value):  # float() takes "nan" and "inf"
        raise ConfigError(f"{name}={raw!r} is not {expected}")
    return value
