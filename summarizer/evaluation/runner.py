"""Running an engine over eval cases: brief every article, score every brief.

``arun_eval`` is the implementation; ``run_eval`` is the same for blocking code.
An engine failing on one case does not stop the run: that case is an "error",
scored as an empty, invalid brief. A case whose article is not found is
"missing" and not scored.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from summarizer.engines import Engine, EngineIdentity, run_sync
from summarizer.errors import SummarizerError
from summarizer.evaluation.cases import Articles, Case
from summarizer.evaluation.matching import LEXICAL_QUESTIONS, QuestionRule
from summarizer.evaluation.scoring import CaseScore, score_brief
from summarizer.schema import ArticleBrief

Status = Literal["ok", "error", "missing"]

#: An engine, or a function making one (called only when some article was found).
EngineSource = Engine | Callable[[], Engine]


@dataclass
class CaseResult:
    """One case of a run: its status, the reason when not "ok", its score and brief."""

    case: Case
    status: Status
    message: str | None = None
    score: CaseScore | None = None
    brief: ArticleBrief | None = None
    seconds: float = 0.0

    @property
    def id(self) -> str:
        """The case id."""
        return self.case.id


@dataclass
class EvalRun:
    """The results of a run, in the order of the cases, and who made the briefs.

    ``identity`` is None when no engine was made: every article was missing.
    """

    results: list[CaseResult]
    identity: EngineIdentity | None = None


async def arun_eval(
    cases: list[Case], engine: EngineSource, articles: Articles, concurrency: int = 4,
    questions: QuestionRule = LEXICAL_QUESTIONS,
) -> EvalRun:
    """Brief and score every case with ``engine.abrief``, at most ``concurrency`` at once.

    ``engine`` is an engine or a function making one; it is only made when some
    article was found. ``questions`` says how open questions are compared. The
    engine's identity (``await engine.identify()``) is recorded after the briefs.
    """
    texts = [articles.read(case.article) for case in cases]
    if all(text is None for text in texts):
        return EvalRun([_missing(case, articles) for case in cases])
    runner = engine if isinstance(engine, Engine) else engine()
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(case: Case, text: str | None) -> CaseResult:
        if text is None:
            return _missing(case, articles)
        async with gate:
            return await _brief_and_score(runner, case, text, questions)

    pairs = zip(cases, texts, strict=True)
    results = list(await asyncio.gather(*(one(case, text) for case, text in pairs)))
    return EvalRun(results, await _identity(runner))


def run_eval(
    cases: list[Case], engine: EngineSource, articles: Articles, concurrency: int = 1,
    questions: QuestionRule = LEXICAL_QUESTIONS,
) -> EvalRun:
    """:func:`arun_eval` for blocking code; by default one case at a time."""
    return run_sync(arun_eval(cases, engine, articles, concurrency, questions))


async def _brief_and_score(
    engine: Engine, case: Case, article: str, questions: QuestionRule
) -> CaseResult:
    start = time.perf_counter()
    try:
        brief, error = await engine.abrief(article), None
    except Exception as exc:  # one failing case must not stop the eval
        brief, error = None, exc
    seconds = time.perf_counter() - start
    if error is None and isinstance(brief, ArticleBrief):
        scored = score_brief(brief, case, article, questions)
        return CaseResult(case, "ok", None, scored, brief, seconds)
    if error is not None:
        message = _error_text(error)
    else:
        message = f"engine returned {type(brief).__name__}, not an ArticleBrief"
    failed = score_brief(None, case, article, questions)
    return CaseResult(case, "error", message, failed, seconds=seconds)


async def _identity(engine: Engine) -> EngineIdentity:
    try:
        return await engine.identify()
    except SummarizerError:  # e.g. the endpoint is down: the cases say so, as errors
        return EngineIdentity(engine.name)


def _error_text(error: Exception) -> str:
    if isinstance(error, SummarizerError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _missing(case: Case, articles: Articles) -> CaseResult:
    return CaseResult(case, "missing", f"article not found: {articles.path(case.article)}")
