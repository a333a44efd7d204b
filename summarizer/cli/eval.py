"""The ``summarizer eval`` command. Imports stay light: the work happens in
``summarizer.evaluation`` (cases, runner, report, thresholds), imported when it runs."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from summarizer.cli import options as opt
from summarizer.config import EngineChoice

if TYPE_CHECKING:
    from summarizer.config import LLMSettings
    from summarizer.evaluation.cases import Articles
    from summarizer.evaluation.runner import CaseResult


class Similarity(StrEnum):
    lexical = "lexical"
    embedding = "embedding"


def eval_command(
    cases_dir: Annotated[
        Path, typer.Argument(help="Folder of case files (<id>.yaml).")
    ] = Path("evals/cases"),
    polnear: Annotated[
        Path | None,
        typer.Option(help="PolNeAR corpus root (env SUMMARIZER_POLNEAR; "
                     "default: ../shared/polnear beside the project)."),
    ] = None,
    engine: opt.EngineOption = EngineChoice.auto,
    model: opt.ModelOption = None,
    base_url: opt.BaseUrlOption = None,
    mode: opt.ModeOption = None,
    out: Annotated[
        Path, typer.Option(help="Folder for report.json, report.md and briefs/.")
    ] = Path("eval-out"),
    baseline: Annotated[
        Path | None,
        typer.Option(help="An earlier report.json: print changes, fail on a regression."),
    ] = None,
    tolerance: Annotated[
        float, typer.Option(help="How far a score may fall below the baseline.")
    ] = 0.02,
    check: Annotated[
        bool, typer.Option("--check", help="Fail when a score is below its minimum.")
    ] = False,
    profile: Annotated[
        str | None,
        typer.Option(help="Thresholds to check against (offline, llm, llm-smoke, ...); "
                     "default: the engine's name."),
    ] = None,
    thresholds: Annotated[
        Path | None,
        typer.Option(help="Thresholds file (default: evals/thresholds.yaml in the project)."),
    ] = None,
    case: Annotated[
        list[str] | None, typer.Option("--case", help="Run only this case id (repeatable).")
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, help="Cases briefed at once (default: 4 for llm, 1 for offline)."),
    ] = None,
    similarity: Annotated[
        Similarity,
        typer.Option(help="How open questions are matched: lexical (content words) or "
                     "embedding (MiniLM; needs the 'embed' extra)."),
    ] = Similarity.lexical,
) -> None:
    """Run an engine over the eval cases and score its briefs field by field.

    Examples:

      summarizer eval --engine offline --check

      summarizer eval --engine llm --model gpt-4o-mini --baseline old/report.json

      summarizer eval --engine llm --case seed-trump-putin-call --check --profile llm-smoke
    """
    with opt.one_line_errors():
        failures = _run(
            cases_dir, engine, opt.llm_settings(model, base_url, mode), out=out,
            baseline=baseline, tolerance=tolerance, check=check, profile=profile,
            thresholds=thresholds, polnear=polnear, case_ids=case or [],
            concurrency=concurrency, similarity=similarity,
        )
    for line in failures:
        typer.echo(f"summarizer: FAIL {line}", err=True)
    if failures:
        raise typer.Exit(1)


def _run(
    cases_dir: Path,
    choice: EngineChoice,
    settings: LLMSettings,
    *,
    out: Path,
    baseline: Path | None,
    tolerance: float,
    check: bool,
    profile: str | None,
    thresholds: Path | None,
    polnear: Path | None,
    case_ids: list[str],
    concurrency: int | None,
    similarity: Similarity,
) -> list[str]:
    from summarizer.engines import EngineIdentity, create, select
    from summarizer.evaluation import cases as ev
    from summarizer.evaluation import report as reports
    from summarizer.evaluation import thresholds as limits
    from summarizer.evaluation.matching import question_rule
    from summarizer.evaluation.runner import run_eval

    cases = ev.load_cases(cases_dir, case_ids)
    name = select(choice, settings)
    profile = profile or name
    minimums = None
    if check:
        default = ev.find_project_root(cases_dir) / "evals" / "thresholds.yaml"
        minimums = limits.load_thresholds(thresholds or default, profile)
    old = reports.load_json_report(baseline) if baseline else None
    questions = question_rule(similarity.value)

    articles = ev.Articles.default(cases_dir, polnear)
    at_once = concurrency or (4 if name == "llm" else 1)
    run = run_eval(cases, lambda: create(name, settings), articles, at_once, questions)
    results = run.results
    opt.say_engine(choice, name)
    # No identity when no engine was made (every article missing): name the one chosen.
    engine = run.identity or EngineIdentity(name, settings.model if name == "llm" else None)
    report = reports.build_report(
        results, engine=engine, cases_dir=str(cases_dir), questions=questions
    )
    deltas = reports.compare(report, old, tolerance) if old else None
    failures = limits.judge(report, deltas, tolerance, minimums, profile)
    written = _write(report, results, out)
    reports.print_tables(report, deltas, minimums)
    opt.note(f"wrote {written}")
    for line in reports.comparability(report, old) if old else []:
        opt.note(f"warning: {line}")
    _note_problems(results, articles)
    return failures


def _write(report: dict[str, Any], results: list[CaseResult], out: Path) -> str:
    from summarizer.evaluation.report import write_reports
    from summarizer.inputs.files import write_atomic

    json_path, md_path = write_reports(report, out)
    for result in results:
        if result.brief is not None:
            brief_json = result.brief.model_dump_json(indent=2) + "\n"
            write_atomic(out / "briefs" / f"{result.id}.json", brief_json)
    return f"{json_path}, {md_path} and {out / 'briefs'}/"


def _note_problems(results: list[CaseResult], articles: Articles) -> None:
    missing = [r for r in results if r.status == "missing"]
    for result in missing:
        opt.note(f"missing: {result.id}: {result.message}")
    if any(r.case.article.startswith("polnear:") for r in missing):
        opt.note(f"PolNeAR corpus looked for in {articles.polnear_root}: "
                 "give --polnear PATH or set SUMMARIZER_POLNEAR")
    for result in results:
        if result.status == "error":
            opt.note(f"error: {result.id}: {result.message}")
