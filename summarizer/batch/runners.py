"""How a batch turns texts into briefs: in this event loop, or in worker processes.

A runner wraps one engine and speaks for it: :meth:`Runner.identify` is the
engine's own ``identify()`` (what the cache key names), :meth:`Runner.brief`
briefs one text. :func:`runner_for` picks the runner an engine needs.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Protocol

from summarizer.engines import Engine, EngineIdentity, create
from summarizer.schema import ArticleBrief

if TYPE_CHECKING:
    from summarizer.config import EngineChoice, LLMSettings


class Runner(Protocol):
    """Briefs texts with ``engine``; closed once the batch is done."""

    engine: Engine

    async def identify(self) -> EngineIdentity: ...

    async def brief(self, text: str) -> ArticleBrief: ...

    def close(self) -> None: ...


class AsyncRunner:
    """An engine's ``abrief`` in this event loop (the LLM engine: network-bound)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def identify(self) -> EngineIdentity:
        return await self.engine.identify()

    async def brief(self, text: str) -> ArticleBrief:
        return await self.engine.abrief(text)

    def close(self) -> None:
        pass


_worker_engine: Engine | None = None
_worker_error: Exception | None = None


def _start_worker(engine_type: type[Engine], settings: LLMSettings) -> None:
    global _worker_engine, _worker_error
    _exit_with_parent()
    # Ctrl-C reaches every process of the terminal's group: the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _worker_engine = engine_type(settings)  # once per process: spaCy loads here
    except Exception as error:  # reported per article, not as a broken pool
        _worker_error = error


def _exit_with_parent() -> None:
    """End this worker as soon as its parent is gone, even by ``kill -9``: the pipe the
    parent holds open for each spawned child reads end-of-file when it dies."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)  # no cleanup to wait for: the parent that wanted the answers is gone

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _brief_in_worker(text: str) -> str:
    if _worker_error is not None:
        raise _worker_error
    assert _worker_engine is not None
    return _worker_engine.brief(text).model_dump_json()


class ProcessRunner:
    """``engine``'s class made once in each of N worker processes (the offline engine:
    CPU-bound), with the engine's settings. ``engine`` itself, in this process, says
    who the briefs are by: its ``identify()`` does not need the workers.

    The engine's class must be importable by name: workers are spawned.
    """

    def __init__(self, engine: Engine, processes: int) -> None:
        self.engine = engine
        self.pool = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(type(engine), engine.settings),
        )
        self._sent: set[Future[str]] = set()  # texts in the workers, not answered yet

    async def identify(self) -> EngineIdentity:
        return await self.engine.identify()

    async def brief(self, text: str) -> ArticleBrief:
        future = self.pool.submit(_brief_in_worker, text)
        self._sent.add(future)
        future.add_done_callback(self._sent.discard)
        answer = await asyncio.wrap_future(future)
        return ArticleBrief.model_validate_json(answer)

    def close(self) -> None:
        """Stop the workers. Work still running (an interrupted run) is not waited for."""
        if any(not future.done() for future in list(self._sent)):
            for process in list(self.pool._processes.values()):
                process.kill()
        self.pool.shutdown(wait=True, cancel_futures=True)


def runner_for(
    choice: EngineChoice | str,
    settings: LLMSettings,
    *,
    concurrency: int,
    processes: int | None = None,
) -> tuple[Runner, int]:
    """The runner for the chosen engine, and how many articles it takes at once.

    The offline engine is CPU-bound: it runs in ``processes`` workers (default: one
    per CPU), one article each. Others run ``concurrency`` articles in this loop.
    """
    engine = create(choice, settings)
    if engine.name == "offline":
        workers = processes or os.cpu_count() or 1
        return ProcessRunner(engine, workers), workers
    return AsyncRunner(engine), concurrency
