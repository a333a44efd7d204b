"""The ``summarizer eval`` command. Imports stay light: the work happens in
``summarizer.evaluation.scoring`` and ``summarizer.evaluation.report``, imported when it runs."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from summarizer.cli.options import (
    BaseUrlOption,
    EngineName,
    EngineOption,
    ModelOption,
    ModeOption,
    fail,
    note,
)

if TYPE_CHECKING:
    from summarizer.evaluation.scoring import Articles, CaseResult


class Similarity(StrEnum):
    lexical = "lexical"
    embedding = "embedding"


def eval_command(
    cases_dir: Annotated[
        Path, typer.Argument(help="Folder of case files (<id>.yaml).")
    ] = Path("evals/cases"),
    engine: EngineOption = EngineName.auto,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
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
    polnear: Annotated[
        Path | None,
        typer.Option(help="PolNeAR corpus root (env SUMMARIZER_POLNEAR; "
                     "default: ../shared/polnear beside the project)."),
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
    options = dict(locals())
    from summarizer.errors import SummarizerError

    try:
        failures = _run(**options)
    except SummarizerError as error:
        fail(str(error), error.exit_code)
    for line in failures:
        typer.echo(f"summarizer: FAIL {line}", err=True)
    if failures:
        raise typer.Exit(1)


def _run(**options: Any) -> list[str]:
    from summarizer.api import settings_for
    from summarizer.engines import create, select
    from summarizer.evaluation import report as reports
    from summarizer.evaluation import scoring as ev

    cases_dir: Path = options["cases_dir"]
    cases = ev.load_cases(cases_dir, options["case"] or ())
    settings = settings_for(
        model=options["model"], base_url=options["base_url"], mode=options["mode"]
    )
    name = select(options["engine"].value, settings)
    profile = options["profile"] or name
    minimums = None
    if options["check"]:
        default = ev.find_project_root(cases_dir) / "evals" / "thresholds.yaml"
        minimums = reports.load_thresholds(options["thresholds"] or default, profile)
    old = reports.load_json_report(options["baseline"]) if options["baseline"] else None
    questions = ev.question_rule(options["similarity"].value)

    articles = ev.Articles.default(cases_dir, options["polnear"])
    concurrency = options["concurrency"] or (4 if name == "llm" else 1)
    results = ev.run_eval(
        cases, lambda: create(name, settings), articles, concurrency, questions
    )

    model = next((r.brief.meta.model for r in results if r.brief and r.brief.meta.model), None)
    if name == "llm":
        model = model or settings.model
    report = reports.build_report(
        results, engine=name, model=model, cases_dir=str(cases_dir), questions=questions
    )
    deltas = reports.compare(report, old, options["tolerance"]) if old else None
    failures = reports.judge(report, deltas, options["tolerance"], minimums, profile)
    written = _write(report, results, options["out"])
    reports.print_tables(report, deltas, minimums)
    note(f"wrote {written}")
    for line in reports.comparability(report, old) if old else []:
        note(f"warning: {line}")
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
        note(f"missing: {result.id}: {result.message}")
    if any(r.case.article.startswith("polnear:") for r in missing):
        note(f"PolNeAR corpus looked for in {articles.polnear_root}: "
              "give --polnear PATH or set SUMMARIZER_POLNEAR")
    for result in results:
        if result.status == "error":
            note(f"error: {result.id}: {result.message}")
