"""What the evaluation tests share: the hand-made cases, perfect briefs, engines that
answer with them, and a fake PolNeAR root.

The cases live in tests/data/eval/cases (invented articles); the labellers' cases in
evals/cases are checked by test_eval_cases.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeEngine

from summarizer import engines
from summarizer.config import LLMSettings
from summarizer.engines import Engine, EngineIdentity
from summarizer.errors import ExtractionError
from summarizer.evaluation import cases as ev
from summarizer.evaluation import report as reports
from summarizer.evaluation.runner import run_eval
from summarizer.evaluation.scoring import CaseScore
from summarizer.schema import (
    ArticleBrief,
    Claim,
    Evidence,
    Meta,
    OpenQuestion,
    Party,
    Source,
    Unknown,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "eval"
CASES = DATA / "cases"
SENATE_ARTICLE = (
    "Senator Maria Lopez told reporters on Tuesday that the farm bill would pass before the "
    "recess. A spokesman for the White House said the president had not decided whether to "
    "sign it.\n"
)


def fake_polnear(folder: Path) -> Path:
    """A fake PolNeAR root in ``folder`` holding the senate article."""
    text_dir = folder / "polnear" / "data" / "dev" / "text"
    text_dir.mkdir(parents=True)
    (text_dir / "mini-senate-farm-bill.txt").write_text(SENATE_ARTICLE, encoding="utf-8")
    return folder / "polnear"


def council() -> tuple[ev.Case, str]:
    """The council case and its article."""
    case = ev.load_case(CASES / "mini-council-vote.yaml")
    return case, (DATA / "articles" / "council.txt").read_text(encoding="utf-8")


def at(article: str, quote: str) -> Evidence:
    """Evidence for the first occurrence of ``quote``."""
    start = article.index(quote)
    return Evidence(text=quote, start=start, end=start + len(quote))


def perfect_brief(case: ev.Case, article: str) -> ArticleBrief:
    """The brief a perfect engine would return: the labels themselves, located."""
    expect = case.expect
    parties = [
        Party(id=f"p{i}", name=p.name, kind=p.kind or "other", aliases=p.aliases)
        for i, p in enumerate(expect.parties)
    ]
    sources = [
        Source(id=f"s{i}", label=s.label, anonymous=s.anonymous,
               evidence=[at(article, q) for q in s.evidence])
        for i, s in enumerate(expect.sources)
    ]
    source_ids = {s.label: s.id for s in sources}
    claims = [
        Claim(id=f"c{i}", statement=c.statement, source_id=source_ids.get(c.source),
              attribution="paraphrase", evidence=[at(article, q) for q in c.evidence])
        for i, c in enumerate(expect.claims)
    ]
    unknowns = [
        Unknown(id=f"u{i}", statement=u.statement, evidence=[at(article, q) for q in u.evidence])
        for i, u in enumerate(expect.unknowns)
    ]
    questions = [OpenQuestion(question=q) for q in expect.open_questions]
    return ArticleBrief(summary="s", parties=parties, sources=sources, claims=claims,
                        unknowns=unknowns, open_questions=questions, meta=Meta(engine="offline"))


def values(score: CaseScore) -> dict[str, float | None]:
    """Every metric's value."""
    return {name: ratio.value for name, ratio in score.scores.items()}


class PerfectEngine(FakeEngine):
    """Answers with the perfect brief of whichever test case the text belongs to, and
    counts how many briefs run at once."""

    def __init__(self, settings: LLMSettings | None = None, *, fail_on: str | None = None):
        super().__init__(settings)
        self.fail_on = fail_on
        self.running = 0
        self.most_running = 0
        self.cases = {c.id: c for c in ev.load_cases(CASES)}

    def answer(self, text: str) -> ArticleBrief:
        """The perfect brief; ExtractionError when the text holds ``fail_on``."""
        if self.fail_on and self.fail_on in text:
            raise ExtractionError("the model gave nothing valid")
        case_id = "mini-senate-farm-bill" if "Lopez" in text else "mini-council-vote"
        return perfect_brief(self.cases[case_id], text)

    async def abrief(self, text: str) -> ArticleBrief:
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        await asyncio.sleep(0.01)
        self.running -= 1
        return self.answer(text)


class PartyDroppingEngine(PerfectEngine):
    """Forgets the first labelled party of every case."""

    def answer(self, text: str) -> ArticleBrief:
        brief = super().answer(text)
        brief.parties = brief.parties[1:]
        return brief


def every_engine_is(monkeypatch: pytest.MonkeyPatch, engine: type[Engine]) -> None:
    """As the ``fake_engine`` fixture, with ``engine`` as every engine the code creates."""
    for name in engines.ENGINES:
        monkeypatch.setitem(engines.ENGINES, name, f"{engine.__module__}:{engine.__qualname__}")


def make_report(polnear: Path, engine: PerfectEngine | None = None) -> dict[str, Any]:
    """The report of a run of ``engine`` (a PerfectEngine) over the hand-made cases."""
    run = run_eval(ev.load_cases(CASES), engine or PerfectEngine(), ev.Articles(ROOT, polnear))
    return reports.build_report(run.results, engine=EngineIdentity("offline"),
                                cases_dir=str(CASES))
