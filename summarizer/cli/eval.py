"""The ``summarizer eval`` command. Imports stay light: the work happens in
``summarizer.evaluation`` (cases, runner, report, thresholds), imported when it runs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from summarizer.cli import options as opt
from summarizer.config import EngineChoice
from summarizer.errors import ConfigError

if TYPE_CHECKING:
    from summarizer.config import LLMSettings
    from summarizer.evaluation.cases import Articles
    from summarizer.evaluation.columns import Column
    from summarizer.evaluation.runner import CaseResult
    from summarizer.evaluation.side_by_side import ColumnRun


class Similarity(StrEnum):
    lexical = "lexical"
    embedding = "embedding"


EnginesOption = Annotated[
    list[EngineChoice] | None,
    typer.Option("--engine", help="llm needs an endpoint; offline needs none; auto picks. "
                 "Repeatable: each engine is a column, side by side [default: auto]."),
]
ModelsOption = Annotated[
    list[str] | None,
    typer.Option("--model", help="Model name (env SUMMARIZER_MODEL). Repeatable: each model "
                 "is a column (the LLM engine on the same --base-url and --mode)."),
]


def eval_command(
    cases_dir: Annotated[
        Path, typer.Argument(help="Folder of case files (<id>.yaml).")
    ] = Path("evals/cases"),
    polnear: Annotated[
        Path | None,
        typer.Option(help="PolNeAR corpus root (env SUMMARIZER_POLNEAR; default: "
                     "../shared/polnear beside the project, else the user cache, downloaded "
                     "on first use: see `summarizer data polnear`)."),
    ] = None,
    validate: Annotated[
        bool, typer.Option("--validate", help="Check the case files instead of running them: "
                           "one line per problem, exit 1 when there is any.")
    ] = False,
    engine: EnginesOption = None,
    model: ModelsOption = None,
    base_url: opt.BaseUrlOption = None,
    mode: opt.ModeOption = None,
    matrix: Annotated[
        Path | None,
        typer.Option(help="YAML list of columns (name, engine, model, base_url, mode, "
                     "api_key_env, ...) for models on different endpoints or modes."),
    ] = None,
    repeat: Annotated[
        int, typer.Option(min=1, help="Brief every case this many times per column; "
                          "report the mean and the spread (min–max) of each score.")
    ] = 1,
    out: Annotated[
        Path, typer.Option(help="Folder for report.json, report.md, report.html and briefs/.")
    ] = Path("eval-out"),
    baseline: Annotated[
        Path | None,
        typer.Option(help="An earlier report.json: print changes, fail on a regression."),
    ] = None,
    tolerance: Annotated[
        float | None,
        typer.Option(help="How far a score may fall below the baseline [default: the "
                     "spread between repeats when either run was repeated, else 0.02]."),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Fail when a score is below its minimum.")
    ] = False,
    profile: Annotated[
        str | None,
        typer.Option(help="Thresholds to check against (offline, llm, llm-smoke, ...); "
                     "default: each column's engine name."),
    ] = None,
    thresholds: Annotated[
        Path | None,
        typer.Option(help="Thresholds file (default: evals/thresholds.yaml in the project)."),
    ] = None,
    junit: Annotated[
        Path | None,
        typer.Option(help="Also write JUnit XML here: a test case per eval case (per "
                     "column) and per threshold and baseline metric."),
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
    """Run engines over the eval cases and score their briefs field by field.

    Examples:

      summarizer eval --engine offline --check

      summarizer eval --engine llm --model gpt-4o-mini --baseline old/report.json

      summarizer eval --engine offline --model gpt-4o-mini --model gpt-4.1-mini --repeat 3

      summarizer eval --matrix models.yaml --junit eval-junit.xml

      summarizer eval --engine llm --case seed-trump-putin-call --check --profile llm-smoke
    """
    if validate:
        _validate(cases_dir, polnear)
    with opt.one_line_errors():
        plan = _Plan(
            engines=engine or [], models=model or [], matrix=matrix, repeat=repeat,
            baseline=baseline, tolerance=tolerance, check=check, profile=profile,
            thresholds=thresholds, junit=junit, concurrency=concurrency,
        )  # fmt: skip
        failures = _run(
            cases_dir, opt.llm_settings(None, base_url, mode), plan, out=out,
            polnear=polnear, case_ids=case or [], similarity=similarity,
        )
    for line in failures:
        typer.echo(f"summarizer: FAIL {line}", err=True)
    if failures:
        raise typer.Exit(1)


@dataclass(frozen=True)
class _Plan:
    """What to run and how to judge it: the options beyond the cases and the output."""

    engines: list[EngineChoice]
    models: list[str]
    matrix: Path | None
    repeat: int
    baseline: Path | None
    tolerance: float | None
    check: bool
    profile: str | None
    thresholds: Path | None
    junit: Path | None
    concurrency: int | None


def _columns(plan: _Plan, settings: LLMSettings) -> list[Column]:
    from summarizer.evaluation import columns

    if plan.matrix is None:
        return columns.from_flags(plan.engines, plan.models, settings)
    if plan.engines or plan.models:
        raise ConfigError("give --matrix or --engine/--model, not both")
    return columns.load_matrix(plan.matrix, settings)


def _minimums(
    plan: _Plan, cases_dir: Path, column: Column
) -> tuple[dict[str, float] | None, str]:
    from summarizer.evaluation import cases as ev
    from summarizer.evaluation import thresholds as limits

    profile = plan.profile or column.profile or column.engine
    if not plan.check:
        return None, profile
    default = ev.find_project_root(cases_dir) / "evals" / "thresholds.yaml"
    return limits.load_thresholds(plan.thresholds or default, profile), profile


def _run(
    cases_dir: Path,
    settings: LLMSettings,
    plan: _Plan,
    *,
    out: Path,
    polnear: Path | None,
    case_ids: list[str],
    similarity: Similarity,
) -> list[str]:
    from summarizer.engines import create
    from summarizer.evaluation import baseline as baselines
    from summarizer.evaluation import cases as ev
    from summarizer.evaluation import side_by_side as sbs
    from summarizer.evaluation.matching import question_rule

    cases = ev.load_cases(cases_dir, case_ids)
    columns = _columns(plan, settings)
    judging = [_minimums(plan, cases_dir, column) for column in columns]  # errors before runs
    for column in columns:
        if column.engine == "llm" and not column.settings.configured:
            create("llm", column.settings)  # the engine's "no endpoint" error, before any run
    old = baselines.load_json_report(plan.baseline) if plan.baseline else None
    questions = question_rule(similarity.value)
    articles = ev.articles_for(cases, cases_dir, polnear, opt.note)
    runs = [
        sbs.run_column(column, cases, articles, concurrency=plan.concurrency,
                       questions=questions, repeats=plan.repeat, cases_dir=str(cases_dir))
        for column in columns
    ]  # fmt: skip
    if plan.matrix is None and set(plan.engines) <= {EngineChoice.auto}:
        opt.say_engine(EngineChoice.auto, columns[0].engine)
    only = len(runs) == 1
    failures: list[str] = []
    for run, (minimums, profile) in zip(runs, judging, strict=True):
        lines = sbs.judge(run, old=old, tolerance=plan.tolerance, minimums=minimums,
                          profile=profile, only=only)  # fmt: skip
        failures += lines if only else [f"{run.column.name}: {line}" for line in lines]
    _show(runs, _write(runs, out, plan.junit), articles)
    return failures


def _show(runs: list[ColumnRun], written: str, articles: Articles) -> None:
    """The tables on stdout; what was written, warnings and problems on stderr."""
    from summarizer.evaluation import side_by_side as sbs
    from summarizer.evaluation.report import print_tables

    only = len(runs) == 1
    if only:
        print_tables(runs[0].report, runs[0].deltas, runs[0].minimums)
    else:
        sbs.print_table(runs)
    opt.note(f"wrote {written}")
    for run in runs:
        for line in run.notes:
            opt.note(line if only else f"{run.column.name}: {line}")
        _note_problems(run.results, articles, "" if only else f"{run.column.name}: ")


def _validate(cases_dir: Path, polnear: Path | None) -> None:
    from summarizer.evaluation.cases import articles_for
    from summarizer.evaluation.validate import case_files, loadable_cases, validate

    with opt.one_line_errors():
        cases = loadable_cases(case_files(cases_dir))
        problems = validate(cases_dir, articles_for(cases, cases_dir, polnear, opt.note))
    for line in problems:
        typer.echo(line)
    opt.note(f"{len(problems)} problem(s) in {cases_dir}" if problems
             else f"every case file in {cases_dir} checks out")
    raise typer.Exit(1 if problems else 0)


def _write(runs: list[ColumnRun], out: Path, junit: Path | None) -> str:
    from summarizer.evaluation import side_by_side as sbs
    from summarizer.evaluation.html_report import to_html
    from summarizer.evaluation.junit import to_junit
    from summarizer.evaluation.report import write_reports
    from summarizer.inputs.files import write_atomic

    if len(runs) == 1:
        paths = list(write_reports(runs[0].report, out))
        sbs.write_briefs(runs[0].results, out)
    else:
        paths = sbs.write_side_by_side(runs, out)
    write_atomic(out / "report.html", to_html(runs))
    paths.append(out / "report.html")
    if junit is not None:
        write_atomic(junit, to_junit(runs))
        paths.append(junit)
    return ", ".join(str(p) for p in paths) + f" and briefs/ in {out}"


def _note_problems(results: list[CaseResult], articles: Articles, prefix: str = "") -> None:
    missing = [r for r in results if r.status == "missing" and r.repeat == 1]
    for result in missing:
        opt.note(f"{prefix}missing: {result.id}: {result.message}")
    if any(r.case.article.startswith("polnear:") for r in missing):
        opt.note(f"PolNeAR corpus looked for in {articles.polnear_root}: "
                 "give --polnear PATH or set SUMMARIZER_POLNEAR")
    for result in results:
        if result.status == "error":
            opt.note(f"{prefix}error: {result.id}: {result.message}")
