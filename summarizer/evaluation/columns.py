"""The columns of an eval: each an engine with its settings, briefing every case.

A run has one column (``summarizer eval --engine offline``) or several, side by
side: one per ``--model`` (the LLM engine on the same endpoint and mode), the
offline engine beside them (``--engine offline``), or a matrix file naming models
on different endpoints or modes:

```yaml
columns:
  - {name: floor, engine: offline}
  - {name: gpt-4o-mini, engine: llm, model: gpt-4o-mini, api_key_env: OPENAI_API_KEY}
  - {name: local, engine: llm, base_url: "http://127.0.0.1:8080/v1", model: smollm2,
     mode: json_grammar, timeout: 300, price_prompt: 0, price_completion: 0}
```

A matrix column that names its own ``base_url`` gets no key unless it names the
environment variable holding one (``api_key_env``): a key meant for one endpoint
is never sent to another.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from summarizer.config import EngineChoice, LLMSettings
from summarizer.errors import ConfigError
from summarizer.pricing import Price, price_from_env
from summarizer.schema import EngineName


@dataclass(frozen=True)
class Column:
    """One engine and its settings: a column of the side-by-side table."""

    name: str
    engine: EngineName
    settings: LLMSettings
    price: Price | None = None
    profile: str | None = None  # thresholds profile; None: the engine's name

    @property
    def folder(self) -> str:
        """The column's name as a folder name (its report and briefs go there)."""
        return re.sub(r"[^A-Za-z0-9._-]+", "-", self.name).strip("-.") or "column"


def from_flags(
    engines: list[EngineChoice], models: list[str], settings: LLMSettings
) -> list[Column]:
    """The columns ``--engine`` (repeatable) and ``--model`` (repeatable) ask for.

    ``offline`` is the offline engine's column; ``llm`` is one column per ``--model``
    (one with the configured model when none is given); ``auto`` is llm when an
    endpoint is configured or a model is given, else offline. Models given beside
    ``--engine offline`` alone are LLM columns too.
    """
    from summarizer.engines import select

    price = price_from_env()
    names: list[EngineName] = []
    for choice in engines or [EngineChoice.auto]:
        name = "llm" if choice == EngineChoice.auto and models else select(choice, settings)
        if name not in names:
            names.append(name)
    if models and "llm" not in names:
        names.append("llm")
    columns: list[Column] = []
    for name in names:
        if name == "offline":
            columns.append(Column("offline", "offline", settings))
            continue
        wanted: list[str | None] = list(models) or [settings.model]
        for model in wanted:
            column_settings = settings.with_(model=model) if model else settings
            columns.append(Column(model or "llm", "llm", column_settings, price))
    return _unique(columns)


def _unique(columns: list[Column]) -> list[Column]:
    seen: set[str] = set()
    for column in columns:
        if column.folder in seen:
            raise ConfigError(f"two columns are named {column.name!r}: give each a distinct name")
        seen.add(column.folder)
    return columns


class _Entry(BaseModel):
    """One column of a matrix file."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1)]
    engine: Literal["llm", "offline"] = "llm"
    model: str | None = None
    base_url: str | None = None
    mode: str | None = None
    api_key_env: str | None = None
    max_tokens: int | None = Field(default=None, gt=0)
    timeout: float | None = Field(default=None, gt=0)
    budget: float | None = Field(default=None, gt=0)
    chunk_tokens: int | None = Field(default=None, gt=0)
    price_prompt: float | None = Field(default=None, ge=0)
    price_completion: float | None = Field(default=None, ge=0)
    profile: str | None = None


def load_matrix(path: Path, settings: LLMSettings) -> list[Column]:
    """The columns of a matrix file; ConfigError (one line) when it cannot be read or a
    column is wrong. ``settings`` (the environment and flags) fill what a column leaves out."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such matrix file") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot read the matrix ({type(error).__name__})") from None
    entries = data.get("columns") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: give a list of columns (columns: [{{name: ..., ...}}])")
    return _unique([_column(path, n, raw, settings) for n, raw in enumerate(entries, start=1)])


def _column(path: Path, number: int, raw: object, settings: LLMSettings) -> Column:
    try:
        entry = _Entry.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "column"
        raise ConfigError(f"{path}: column {number}: {where}: {first['msg']}") from None
    if entry.engine == "offline":
        return Column(entry.name, "offline", settings, profile=entry.profile)
    changes: dict[str, object] = {
        "model": entry.model, "base_url": entry.base_url, "mode": entry.mode,
        "max_tokens": entry.max_tokens, "timeout": entry.timeout,
        "total_timeout": entry.budget, "chunk_tokens": entry.chunk_tokens,
    }  # fmt: skip
    column_settings = settings.with_(**{k: v for k, v in changes.items() if v is not None})
    if entry.api_key_env:
        key = os.environ.get(entry.api_key_env)
        if not key:
            raise ConfigError(f"{path}: column {entry.name!r}: ${entry.api_key_env} is not set")
        column_settings = column_settings.with_(api_key=key)
    elif entry.base_url:
        column_settings = column_settings.with_(api_key=None)
    price = price_from_env()
    if entry.price_prompt is not None or entry.price_completion is not None:
        price = Price(entry.price_prompt or 0.0, entry.price_completion or 0.0)
    return Column(entry.name, "llm", column_settings, price, entry.profile)
