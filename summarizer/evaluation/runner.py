"""Running an engine over eval cases: brief every article, score every brief.

``arun_eval`` is the implementation; ``run_eval`` is the same for blocking code.
An engine failing on one case does not stop the run: that case is an "error",
scored as an empty, invalid brief. A case whose article is not found is
"missing" and not scored. With ``repeats`` every case is briefed that many times
(to measure how much the scores move between identical runs); each result says
which repeat it is.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from summarizer.engines import Engine, EngineIdentity, run_sync
from summarizer.errors import SummarizerError
from summarizer.evaluation.cases import Articles, Case, label_error
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
    repeat: int = 1

    @property
    def id(self) -> str:
        """The case id."""
        return self.case.id


@dataclass
class EvalRun:
    """The results of a run, and who made the briefs: every case of repeat 1 in the
    order of the cases, then every case of repeat 2, and so on.

    ``identity`` is None when no engine was made: every article was missing.
    """

    results: list[CaseResult]
    identity: EngineIdentity | None = None


def by_repeat(results: list[CaseResult]) -> list[list[CaseResult]]:
    """``results`` split by repeat (repeat 1 first), each in the order of the cases."""
    repeats = sorted({r.repeat for r in results})
    return [[r for r in results if r.repeat == k] for k in repeats]


async def arun_eval(
    cases: list[Case], engine: EngineSource, articles: Articles, concurrency: int = 4,
    questions: QuestionRule = LEXICAL_QUESTIONS, repeats: int = 1,
) -> EvalRun:
    """Brief and score every case ``repeats`` times with ``engine.abrief``, at most
    ``concurrency`` at once.

    ``engine`` is an engine or a function making one; it is only made when some
    article was found. ``questions`` says how open questions are compared. The
    engine's identity (``await engine.identify()``) is recorded after the briefs.
    """
    texts = [articles.read(case.article) for case in cases]
    rounds = range(1, max(1, repeats) + 1)
    if all(text is None for text in texts):
        return EvalRun([_missing(case, articles, k) for k in rounds for case in cases])
    runner = engine if isinstance(engine, Engine) else engine()
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(case: Case, text: str | None, repeat: int) -> CaseResult:
        if text is None:
            return _missing(case, articles, repeat)
        bad_labels = label_error(case, text)  # labels that cannot match: not the engine's fault
        if bad_labels:
            return CaseResult(case, "error", bad_labels, score_brief(None, case, text, questions),
                              repeat=repeat)
        async with gate:
            result = await _brief_and_score(runner, case, text, questions)
        result.repeat = repeat
        return result

    work = [(case, text, k) for k in rounds for case, text in zip(cases, texts, strict=True)]
    results = list(await asyncio.gather(*(one(*item) for item in work)))
    return EvalRun(results, await _identity(runner))


def run_eval(
    cases: list[Case], engine: EngineSource, articles: Articles, concurrency: int = 1,
    questions: QuestionRule = LEXICAL_QUESTIONS, repeats: int = 1,
) -> EvalRun:
    """:func:`arun_eval` for blocking code; by default one case at a time."""
    return run_sync(arun_eval(cases, engine, articles, concurrency, questions, repeats))


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


def _missing(case: Case, articles: Articles, repeat: int = 1) -> CaseResult:
    return CaseResult(case, "missing", articles.why_unread(case.article), repeat=repeat)
