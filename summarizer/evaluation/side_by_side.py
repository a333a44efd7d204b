"""Several columns (engines, models) over the same cases: run each through the one
single-run path (runner, report), judge each against its thresholds and baseline,
and put them side by side: report.json with every column's report, report.md with
one table of scores and operations and the per-case differences, and a terminal table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from summarizer.engines import EngineIdentity
from summarizer.evaluation import baseline as baselines
from summarizer.evaluation import report as reports
from summarizer.evaluation import thresholds as limits
from summarizer.evaluation.cases import Articles, Case
from summarizer.evaluation.columns import Column
from summarizer.evaluation.matching import QuestionRule
from summarizer.evaluation.runner import CaseResult, run_eval
from summarizer.evaluation.scoring import METRICS
from summarizer.inputs.files import write_atomic

# The operations rows of the side-by-side table: (key in operations, heading).
OPERATION_ROWS = (
    ("tokens_mean", "tokens per brief"),
    ("cost_usd", "cost (USD, all briefs)"),
    ("seconds_p50", "latency p50 (s)"),
    ("seconds_p95", "latency p95 (s)"),
    ("failures", "failures"),
    ("salvaged", "salvaged answers"),
)
DIFFERENCE = 0.005  # per-case values closer than this are the same


@dataclass
class ColumnRun:
    """One column's results, its report, and what failed it (checks, regressions)."""

    column: Column
    results: list[CaseResult]
    report: dict[str, Any]
    failures: list[str] = field(default_factory=list)
    deltas: list[baselines.Delta] | None = None
    minimums: dict[str, float] | None = None
    notes: list[str] = field(default_factory=list)


def run_column(
    column: Column, cases: list[Case], articles: Articles, *, concurrency: int | None,
    questions: QuestionRule, repeats: int, cases_dir: str,
) -> ColumnRun:
    """Brief and score every case ``repeats`` times with the column's engine."""
    from summarizer.engines import create

    at_once = concurrency or (4 if column.engine == "llm" else 1)
    run = run_eval(cases, lambda: create(column.engine, column.settings), articles, at_once,
                   questions, repeats)  # fmt: skip
    # No identity when no engine was made (every article missing): name the one chosen.
    model = column.settings.model if column.engine == "llm" else None
    identity = run.identity or EngineIdentity(column.engine, model)
    report = reports.build_report(run.results, engine=identity, cases_dir=cases_dir,
                                  questions=questions, price=column.price)  # fmt: skip
    report["column"] = column.name
    return ColumnRun(column, run.results, report)


def baseline_for(old: dict[str, Any], column: str, only: bool) -> dict[str, Any] | None:
    """The baseline of ``column`` in ``old`` (a report.json, single or side by side):
    the column of the same name, or the only one when both runs have one column."""
    reports_ = old.get("columns") or [old]
    for report in reports_:
        if report.get("column") == column:
            return dict(report)
    return dict(reports_[0]) if only and len(reports_) == 1 else None


def judge(
    run: ColumnRun, *, old: dict[str, Any] | None, tolerance: float | None,
    minimums: dict[str, float] | None, profile: str, only: bool,
) -> list[str]:
    """Regressions against the baseline, then thresholds; recorded in the column's report."""
    failures: list[str] = []
    before = baseline_for(old, run.column.name, only) if old else None
    if old is not None and before is None:
        run.notes.append(f"warning: no baseline for column {run.column.name!r}")
    if before is not None:
        run.deltas = baselines.compare(run.report, before, tolerance)
        failures += baselines.judge(run.report, run.deltas, tolerance)
        run.notes += [f"warning: {line}" for line in baselines.comparability(run.report, before)]
    if minimums is not None:
        run.minimums = minimums
        failures += limits.judge(run.report, None, 0.0, minimums, profile)
    run.failures = failures
    return failures


# --------------------------------------------------------------------------- #
# Side by side: report.json, report.md, terminal
# --------------------------------------------------------------------------- #


def combined(runs: list[ColumnRun]) -> dict[str, Any]:
    """report.json of a side-by-side run: every column's own report, in order."""
    first = runs[0].report
    return {
        "report_version": reports.REPORT_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "cases_dir": first["cases_dir"],
        "similarity": first["similarity"],
        "repeats": first["repeats"],
        "columns": [run.report for run in runs],
    }


def _score_cell(metric: dict[str, Any]) -> str:
    return reports.with_spread(metric)


def _operation_cell(ops: dict[str, Any], key: str) -> str:
    value = ops.get(key)
    if value is None:
        return "—"
    if key == "cost_usd":
        return f"{value:.4f}"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def table_rows(runs: list[ColumnRun]) -> list[list[str]]:
    """The rows of the side-by-side table: every metric, then the operations."""
    rows = [[name, *(_score_cell(r.report["metrics"][name]) for r in runs)] for name in METRICS]
    rows += [[heading, *(_operation_cell(r.report["operations"], key) for r in runs)]
             for key, heading in OPERATION_ROWS]  # fmt: skip
    rows.append(["cases ok / error / missing",
                 *(f"{s['ok']} / {s['error']} / {s['missing']}"
                   for s in (r.report["summary"] for r in runs))])  # fmt: skip
    return rows


def _per_case_values(run: ColumnRun) -> dict[str, dict[str, float | None]]:
    return {c["id"]: c.get("scores") or {} for c in run.report["cases"]}


def differences(runs: list[ColumnRun]) -> list[list[str]]:
    """(case, metric, value per column) wherever the columns' per-case values differ."""
    values = [_per_case_values(run) for run in runs]
    rows = []
    for entry in runs[0].report["cases"]:
        for name, _ in reports.CASE_COLUMNS:
            cells = [v.get(entry["id"], {}).get(name) for v in values]
            defined = [c for c in cells if c is not None]
            if not defined:
                continue
            if len(defined) < len(cells) or max(defined) - min(defined) >= DIFFERENCE:
                rows.append([entry["id"], name, *(reports.fmt(c) for c in cells)])
    return rows


def to_markdown(runs: list[ColumnRun]) -> str:
    """report.md of a side-by-side run, ready to append to a CI job summary."""
    first = runs[0].report
    names = [run.column.name for run in runs]
    repeats = int(first.get("repeats") or 1)
    out = [f"# Eval side by side: {', '.join(names)}", "",
           f"{first['created']} · cases: {first['summary']['cases']} · repeats: {repeats} · "
           f"open questions by {first['similarity']} similarity", ""]  # fmt: skip
    if repeats > 1:
        out += [f"Scores are micro averages, the mean of {repeats} repeats, with the "
                "repeats' min–max in brackets.", ""]
    out += ["## Scores and operations", ""]
    out += reports.md_table(["metric", *names], table_rows(runs))
    out += _md_verdicts(runs)
    out += ["", "## Per-case differences", ""]
    rows = differences(runs)
    if rows:
        out += reports.md_table(["case", "metric", *names], rows)
    else:
        out += ["The columns score every case the same."]
    out += _md_problems(runs)
    out += ["", "Each column's own report (misses, warnings, matching rules) is in "
            "`<column>/report.md` beside this file."]
    return "\n".join(out) + "\n"


def _md_verdicts(runs: list[ColumnRun]) -> list[str]:
    out: list[str] = []
    for run in runs:
        report, lines = run.report, []
        if "check" in report:
            lines.append(f"- thresholds `{report['check']['profile']}`: "
                         + ("FAIL" if report["check"]["failures"] else "all minimums met"))
            lines += [f"  - FAIL {line}" for line in report["check"]["failures"]]
        if "baseline" in report:
            base = report["baseline"]
            lines.append("- baseline: " + ("FAIL" if base["regressions"] else "no regression")
                         + f" (rule: {base['rule_text']})")
            lines += [f"  - FAIL {line}" for line in base["regressions"]]
        if lines:
            out += ["", f"### {run.column.name}", "", *lines]
    return ["", "## Verdicts", *out] if out else []


def _md_problems(runs: list[ColumnRun]) -> list[str]:
    lines = []
    for run in runs:
        for entry in run.report["cases"]:
            if entry["message"]:
                lines.append(f"- {run.column.name} · {entry['id']} · {entry['status']}: "
                             f"{' '.join(entry['message'].split())}")
    return ["", "## Errors and missing articles", "", *lines] if lines else []


def print_table(runs: list[ColumnRun]) -> None:
    """The side-by-side table on the terminal."""
    console = Console()
    if not console.is_terminal:  # logs (CI): wide enough for several columns
        console = Console(width=160)
    repeats = int(runs[0].report.get("repeats") or 1)
    title = "eval side by side (micro averages" + (
        f"; means of {repeats} repeats, min–max)" if repeats > 1 else ")")
    table = Table(title=title)
    table.add_column("metric", no_wrap=True)
    for run in runs:
        table.add_column(run.column.name, justify="right")
    for row in table_rows(runs):
        table.add_row(*row)
    console.print(table)
    for run in runs:
        for line in run.failures:
            console.print(f"[red]FAIL[/red] {run.column.name}: {line}", highlight=False)


def write_briefs(results: list[CaseResult], folder: Path) -> None:
    """Every brief as briefs/<id>.json; with repeats, briefs/<id>.<repeat>.json."""
    repeated = any(r.repeat > 1 for r in results)
    for result in results:
        if result.brief is not None:
            stem = f"{result.id}.{result.repeat}" if repeated else result.id
            write_atomic(folder / "briefs" / f"{stem}.json",
                         result.brief.model_dump_json(indent=2) + "\n")  # fmt: skip


def write_side_by_side(runs: list[ColumnRun], out: Path) -> list[Path]:
    """Each column's reports and briefs in ``out/<column>/``, and the side-by-side
    report.json and report.md in ``out``; the paths of the two."""
    for run in runs:
        reports.write_reports(run.report, out / run.column.folder)
        write_briefs(run.results, out / run.column.folder)
    json_path, md_path = out / "report.json", out / "report.md"
    write_atomic(json_path, json.dumps(combined(runs), indent=2, ensure_ascii=False) + "\n")
    write_atomic(md_path, to_markdown(runs))
    return [json_path, md_path]
