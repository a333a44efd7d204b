"""Engines turn article text into an ``ArticleBrief``; they share one small interface.

Every engine subclasses :class:`Engine`, says who it is through
:meth:`Engine.identify` (name, model, prompt version: what cache keys, batch,
eval and bench record), and is created through :func:`create`, the one place
where ``auto`` becomes a concrete engine. Engines load lazily from ``ENGINES``,
so choosing one never imports the other's dependencies (spaCy, openai).

To add an engine: subclass ``Engine`` in ``engines/<name>/``, implement
``abrief`` (or ``brief``, for CPU-bound engines), add it to ``ENGINES`` and to
``EngineName`` in ``summarizer.schema``.
"""

from __future__ import annotations

import asyncio
import importlib
from abc import ABC, abstractmethod
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from summarizer.config import EngineChoice, LLMSettings
from summarizer.errors import ConfigError

if TYPE_CHECKING:
    from summarizer.schema import ArticleBrief, EngineName

T = TypeVar("T")

#: Engine name -> "module:class", imported on first use.
ENGINES: dict[str, str] = {
    "llm": "summarizer.engines.llm:LLMEngine",
    "offline": "summarizer.engines.offline:OfflineEngine",
}


@dataclass(frozen=True)
class EngineIdentity:
    """Who made a brief: what a cache key, a batch report or an eval report names."""

    name: str
    model: str | None = None
    prompt_version: str | None = None


class Engine(ABC):
    """Briefs one article at a time. ``text`` is the exact article; offsets index into it.

    Network-bound engines implement ``abrief`` and get ``brief`` as a wrapper;
    CPU-bound ones override ``brief`` and make ``abrief`` call it.
    """

    name: ClassVar[EngineName]

    def __init__(self, settings: LLMSettings | None = None) -> None:
        self.settings = settings or LLMSettings()

    @abstractmethod
    async def abrief(self, text: str) -> ArticleBrief:
        """Brief ``text``; every evidence offset indexes into it."""

    def brief(self, text: str) -> ArticleBrief:
        """Blocking form of :meth:`abrief`."""
        return run_sync(self.abrief(text))

    async def identify(self) -> EngineIdentity:
        """Name, model and prompt version of the briefs this engine makes."""
        return EngineIdentity(self.name)


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end from blocking code, even inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:  # a loop is running here: use another
        return pool.submit(asyncio.run, coroutine).result()


def select(choice: EngineChoice | str, settings: LLMSettings) -> EngineName:
    """The engine a choice means: ``auto`` is llm when an endpoint is configured."""
    try:
        choice = EngineChoice(choice)
    except ValueError:
        names = ", ".join(c.value for c in EngineChoice)
        raise ConfigError(f"unknown engine {choice!r}: use {names}") from None
    if choice is EngineChoice.auto:
        return "llm" if settings.configured else "offline"
    return choice.value  # type: ignore[return-value]


def engine_class(name: str) -> type[Engine]:
    module, _, attribute = ENGINES[name].partition(":")
    cls: type[Engine] = getattr(importlib.import_module(module), attribute)
    return cls


def create(choice: EngineChoice | str = "auto", settings: LLMSettings | None = None) -> Engine:
    """The engine for ``choice``, configured by ``settings`` (or the environment)."""
    settings = settings or LLMSettings.from_env()
    return engine_class(select(choice, settings))(settings)
