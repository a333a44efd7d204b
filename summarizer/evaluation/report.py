"""Eval reports: building report.json (averages, over repeats with their spread;
operations), report.md and the terminal tables of one run. Comparing with a baseline is
in summarizer.evaluation.baseline (re-exported here), minimum scores in
summarizer.evaluation.thresholds, several columns side by side in
summarizer.evaluation.side_by_side."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from summarizer.engines import EngineIdentity
from summarizer.evaluation.baseline import Delta
from summarizer.evaluation.baseline import comparability as comparability  # re-exported
from summarizer.evaluation.baseline import compare as compare  # re-exported
from summarizer.evaluation.baseline import load_json_report as load_json_report  # re-exported
from summarizer.evaluation.matching import (
    LEXICAL_QUESTIONS,
    QUESTION_THRESHOLD,
    STATEMENT_THRESHOLD,
    QuestionRule,
)
from summarizer.evaluation.runner import CaseResult, by_repeat
from summarizer.evaluation.scoring import METRICS, Ratio, rounded
from summarizer.evaluation.thresholds import minimum_of
from summarizer.inputs.files import write_atomic
from summarizer.pricing import Price, cost_usd
from summarizer.schema import ArticleBrief

REPORT_VERSION = 2  # 2: repeats, spreads, latency percentiles, cost, failures, salvaged

# What engines.llm.salvage writes when it kept the valid parts of a failed answer.
SALVAGE_MARKS = ("kept what could be read", "kept the valid parts")

RULES = {
    "parties": "One-to-one matching; a predicted party matches a labelled one when any of its "
    "names equals any of the label's names (name or alias) after normalising: lowercase, accents, "
    "punctuation, possessive 's, (parentheses) and leading titles (the, former, President, "
    "President-elect, Prime Minister, Sen., Rep., Gov., Mr., Mrs., Ms., Dr., ...) removed. "
    "Unmatched predictions matching optional_parties are left out of precision.",
    "sources": "One-to-one matching; a predicted source matches a labelled one when `anonymous` "
    "agrees and either the normalised labels are equal or one of its grounded evidence spans "
    "overlaps (shares at least one character with) any occurrence of the label's evidence.",
    "claims": "One-to-one matching by evidence overlap (as for sources) or statement similarity "
    f">= {STATEMENT_THRESHOLD}. recall = matched / labelled; attribution = matched claims whose "
    "source is right (both the article itself, i.e. source_id null and label \"the article\", or "
    "the predicted source matches the labelled source under the source rule) / matched; "
    "grounding = predicted claims with at least one evidence item, all verbatim at their "
    "offsets / predicted claims. Extra claims are not errors; ungrounded ones are.",
    "unknowns": "One-to-one matching as for claims; precision, recall, F1.",
    "open_questions": "Recall: one-to-one matching by similarity "
    f">= {QUESTION_THRESHOLD}.",
    "similarity": "Lexical: Dice overlap (token F1) of content words (lowercased word tokens, "
    "English stopwords removed, a final -s dropped from words longer than 4 letters).",
    "evidence.grounding": "Evidence items (sources, claims, unknowns) whose text is the article "
    "at their offsets / all evidence items. Ungrounded evidence never counts for matching.",
    "validity": "The engine returned an ArticleBrief that passes schema validation. A case "
    "where the engine failed is scored as an empty, invalid brief.",
    "aggregation": "Per case a score is hits / total, undefined when total is 0 (e.g. recall "
    "when nothing was labelled). F1 = 2*hits / (predicted + labelled). micro = sums of hits "
    "and totals over cases; macro = mean of the defined per-case values. Cases whose article "
    "is missing are not scored and never count as passed. Thresholds and baselines use micro.",
}


def _rules(questions: QuestionRule) -> dict[str, str]:
    if questions.name == "lexical":
        return RULES
    return {
        **RULES,
        "open_questions": "Recall: one-to-one matching by embedding similarity "
        f">= {questions.threshold}.",
        "similarity": f"Open questions: {questions.name}, cosine of all-MiniLM-L6-v2 sentence "
        "embeddings (mean-pooled, unit length). Claims and unknowns: lexical, Dice overlap "
        "(token F1) of content words.",
    }


# The columns of the per-case table: (metric, heading).
CASE_COLUMNS = (
    ("parties.f1", "parties F1"),
    ("sources.f1", "sources F1"),
    ("claims.recall", "claims R"),
    ("claims.attribution", "attrib"),
    ("claims.grounding", "grounded"),
    ("unknowns.f1", "unknowns F1"),
    ("open_questions.recall", "questions R"),
    ("validity", "valid"),
)


def fmt(value: float | None) -> str:
    """A score for tables: two decimal places, "—" when undefined."""
    return "—" if value is None else f"{value:.2f}"


def aggregate(results: list[CaseResult]) -> dict[str, dict[str, Any]]:
    """Micro and macro averages of every metric over the scored cases (of one repeat)."""
    scored = [r.score for r in results if r.score is not None]
    metrics: dict[str, dict[str, Any]] = {}
    for name in METRICS:
        ratios = [s.scores[name] for s in scored]
        total = Ratio(sum(r.num for r in ratios), sum(r.den for r in ratios))
        defined = [v for v in (r.value for r in ratios) if v is not None]
        metrics[name] = {
            "micro": rounded(total.value),
            "macro": rounded(sum(defined) / len(defined)) if defined else None,
            "cases": len(defined),
            "num": total.num,
            "den": total.den,
        }
    return metrics


def _mean(values: list[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return rounded(sum(defined) / len(defined)) if defined else None


def _range(values: list[float | None]) -> dict[str, float | None]:
    """The smallest and largest of the defined values and the spread between them."""
    defined = [v for v in values if v is not None]
    if not defined:
        return {"min": None, "max": None, "spread": None}
    low, high = min(defined), max(defined)
    return {"min": low, "max": high, "spread": rounded(high - low)}


def aggregate_repeats(results: list[CaseResult]) -> dict[str, dict[str, Any]]:
    """Every metric's micro and macro average, over repeats when there are several: the mean
    of each repeat's average, and the spread (max - min) of the repeats' micro averages.
    With one repeat the spread is None (not measured)."""
    rounds = [aggregate(run) for run in by_repeat(results)] or [aggregate([])]
    if len(rounds) == 1:
        return {name: {**m, "spread": None} for name, m in rounds[0].items()}
    metrics = {}
    for name in METRICS:
        micros = [r[name]["micro"] for r in rounds]
        metrics[name] = {
            "micro": _mean(micros),
            "macro": _mean([r[name]["macro"] for r in rounds]),
            "cases": rounds[0][name]["cases"],
            "num": sum(r[name]["num"] for r in rounds),
            "den": sum(r[name]["den"] for r in rounds),
            **_range(micros),
            "runs": micros,
        }
    return metrics


def is_salvaged(brief: ArticleBrief) -> bool:
    """The LLM engine kept the valid parts of an answer that never validated or was cut off
    (engines.llm.salvage says so in a warning)."""
    return any(mark in w for w in brief.meta.warnings for mark in SALVAGE_MARKS)


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``share`` of them at or
    below it; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _case_status(runs: list[CaseResult]) -> CaseResult:
    """The result that stands for a case's repeats: its first error, else its first run."""
    return next((r for r in runs if r.status == "error"), runs[0])


def _case_entry(runs: list[CaseResult]) -> dict[str, Any]:
    result = runs[0]
    shown = _case_status(runs)
    entry: dict[str, Any] = {
        "id": result.id,
        "article": result.case.article,
        "status": shown.status,
        "message": shown.message,
        "seconds": round(sum(r.seconds for r in runs) / len(runs), 3),
        "warnings": [],
        "tokens": None,
        "attempts": None,
    }
    if result.score is not None:
        entry["scores"] = {k: rounded(v.value) for k, v in result.score.scores.items()}
        entry["counts"] = {k: [v.num, v.den] for k, v in result.score.scores.items()}
        entry["missed"] = result.score.misses
    if len(runs) > 1 and result.score is not None:
        per_run = [{k: v.value for k, v in r.score.scores.items()} for r in runs if r.score]
        entry["scores"] = {k: _mean([s[k] for s in per_run]) for k in METRICS}
        entry["spread"] = {k: _range([s[k] for s in per_run])["spread"] for k in METRICS}
        entry["repeats"] = [r.status for r in runs]
    if result.brief is not None:
        meta = result.brief.meta
        entry.update(
            warnings=meta.warnings, tokens=meta.usage.total_tokens, attempts=meta.attempts
        )
    return entry


def _operations(results: list[CaseResult], price: Price | None) -> dict[str, Any]:
    run = [r for r in results if r.status != "missing"]
    briefs = [r.brief for r in run if r.brief is not None]
    seconds = [r.seconds for r in run]
    tokens = sum(b.meta.usage.total_tokens for b in briefs)
    costs = [cost_usd(b.meta.usage, price) for b in briefs]
    p50, p95 = percentile(seconds, 0.5), percentile(seconds, 0.95)
    return {
        "briefs": len(run),
        "seconds_total": round(sum(seconds), 3),
        "seconds_mean": round(sum(seconds) / len(run), 3) if run else None,
        "seconds_p50": None if p50 is None else round(p50, 3),
        "seconds_p95": None if p95 is None else round(p95, 3),
        "tokens_total": tokens,
        "tokens_mean": round(tokens / len(briefs)) if briefs else None,
        "cost_usd": None if price is None else round(sum(c or 0.0 for c in costs), 6),
        "attempts_total": sum(b.meta.attempts for b in briefs),
        "warnings_total": sum(len(b.meta.warnings) for b in briefs),
        "failures": sum(r.status == "error" for r in run),
        "salvaged": sum(is_salvaged(b) for b in briefs),
    }


def build_report(
    results: list[CaseResult], *, engine: EngineIdentity, cases_dir: str,
    questions: QuestionRule = LEXICAL_QUESTIONS, price: Price | None = None,
) -> dict[str, Any]:
    """The report of a run (what report.json holds): who made the briefs, the averages,
    operations, the matching rules, and every case's scores and misses.

    ``model`` is the one the briefs name (the offline engine names its spaCy model),
    else the engine's; ``prompt_version`` is the engine's. With several repeats, the
    averages are means over repeats with their spread, and each case's scores are the
    means of its repeats (its misses and brief are those of repeat 1). ``price`` gives
    the cost of the tokens.
    """
    rounds = by_repeat(results) or [[]]
    per_case = [list(runs) for runs in zip(*rounds, strict=True)]
    entries = [_case_entry(runs) for runs in per_case]
    statuses = [e["status"] for e in entries]
    briefs_model = next((r.brief.meta.model for r in results if r.brief and r.brief.meta.model),
                        None)
    return {
        "report_version": REPORT_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine.name,
        "model": briefs_model or engine.model,
        "prompt_version": engine.prompt_version,
        "cases_dir": cases_dir,
        "similarity": questions.name,
        "question_threshold": questions.threshold,
        "repeats": len(rounds),
        "summary": {
            "cases": len(entries),
            "ok": statuses.count("ok"),
            "error": statuses.count("error"),
            "missing": statuses.count("missing"),
        },
        "metrics": aggregate_repeats(results),
        "operations": _operations(results, price),
        "rules": _rules(questions),
        "cases": entries,
    }


# --------------------------------------------------------------------------- #
# Markdown and terminal output
# --------------------------------------------------------------------------- #


def md_cell(text: str) -> str:
    """Text for one markdown table cell: on one line, its pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown table (GitHub's), every cell made safe with :func:`md_cell`."""
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(md_cell(c) for c in cells) + " |"

    return [line(header), "|" + "---|" * len(header), *(line(row) for row in rows)]


def with_spread(metric: dict[str, Any]) -> str:
    """A micro average, followed by the repeats' ``(min–max)`` when repeated."""
    if metric.get("spread") is None:
        return fmt(metric["micro"])
    return f"{fmt(metric['micro'])} ({fmt(metric['min'])}–{fmt(metric['max'])})"


def operations_line(ops: dict[str, Any]) -> str:
    """Time, tokens, cost, failures and salvaged answers of a run, on one line."""
    cost = "—" if ops.get("cost_usd") is None else f"${ops['cost_usd']:.4f}"
    return (f"Seconds: {ops['seconds_total']} total, p50 {fmt(ops.get('seconds_p50'))}, "
            f"p95 {fmt(ops.get('seconds_p95'))} · tokens: {ops['tokens_total']} · cost: {cost} · "
            f"attempts: {ops['attempts_total']} · warnings: {ops['warnings_total']} · "
            f"failures: {ops.get('failures', 0)} · salvaged: {ops.get('salvaged', 0)}")


def _case_cells(entry: dict[str, Any]) -> list[str]:
    scores = entry.get("scores") or {}
    cells = [fmt(scores.get(name)) for name, _ in CASE_COLUMNS]
    return [entry["id"], entry["status"], *cells, f"{entry['seconds']:.1f}"]


def to_markdown(report: dict[str, Any]) -> str:
    """report.md: the scores, the per-case table, check and baseline verdicts, each case's
    misses and problems, and the matching rules."""
    summary = report["summary"]
    out = [
        f"# Eval report: {report['engine']}" + (f" ({report['model']})" if report["model"] else ""),
        "",
        f"{report['created']} · cases: {summary['cases']} · ok: {summary['ok']} · "
        f"errors: {summary['error']} · missing: {summary['missing']} · "
        f"open questions by {report['similarity']} similarity",
        "",
        "## Scores",
        "",
    ]
    repeats = int(report.get("repeats") or 1)
    rows = [
        [name, with_spread(m), fmt(m["macro"]), str(m["cases"])]
        for name, m in report["metrics"].items()
    ]
    micro = "micro" if repeats == 1 else f"micro: mean of {repeats} repeats (min–max)"
    out += md_table(["metric", micro, "macro", "cases"], rows)
    out += ["", operations_line(report["operations"]), ""]
    out += ["## Cases", ""]
    header = ["case", "status", *(h for _, h in CASE_COLUMNS), "seconds"]
    out += md_table(header, [_case_cells(c) for c in report["cases"]])
    out += _md_judgement(report)
    out += _md_problems(report)
    out += ["", "## Matching rules", ""]
    out += [f"- **{name}**: {text}" for name, text in report["rules"].items()]
    return "\n".join(out) + "\n"


def _md_judgement(report: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if "check" in report:
        check_ = report["check"]
        out += ["", f"## Check against thresholds: {check_['profile']}", ""]
        out += [f"- FAIL {line}" for line in check_["failures"]] or ["- all minimums met"]
    if "baseline" in report:
        base = report["baseline"]
        out += ["", "## Against the baseline", "", f"Rule: {base['rule_text']}", ""]
        out += [f"- FAIL {line}" for line in base["regressions"]] or ["- no regression"]
    return out


def _md_problems(report: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for entry in report["cases"]:
        lines = [f"- {entry['status']}: {entry['message']}"] if entry["message"] else []
        for field, items in (entry.get("missed") or {}).items():
            lines += [f"- missed {field}: {item}" for item in items]
        lines += [f"- warning: {w}" for w in entry["warnings"]]
        if lines:
            out += ["", f"### {entry['id']}", "", *lines]
    return ["", "## Misses and problems", *out] if out else []


def print_tables(
    report: dict[str, Any],
    deltas: list[Delta] | None = None,
    minimums: dict[str, float] | None = None,
) -> None:
    """Print the per-case table and the scores table (with minimums and baseline changes
    when given) to the terminal."""
    console = Console()
    if not console.is_terminal:  # logs (CI): wide enough for the case ids
        console = Console(width=160)
    cases = Table(title=f"eval: {report['engine']}")
    cases.add_column("case", no_wrap=True)
    cases.add_column("status")
    for _, heading in CASE_COLUMNS:
        cases.add_column(heading, justify="right")
    cases.add_column("seconds", justify="right")
    for entry in report["cases"]:
        cases.add_row(*_case_cells(entry))
    console.print(cases)

    repeated = int(report.get("repeats") or 1) > 1
    title = "scores (micro / macro over cases" + (
        f"; means of {report['repeats']} repeats, min–max)" if repeated else ")")
    totals = Table(title=title)
    columns = ["metric", "micro", "macro", "cases"]
    columns += ["minimum"] if minimums else []
    columns += ["baseline", "change"] if deltas else []
    for heading in columns:
        totals.add_column(heading, justify="left" if heading == "metric" else "right")
    by_name = {d.metric: d for d in deltas or []}
    for name, m in report["metrics"].items():
        row = [name, with_spread(m), fmt(m["macro"]), str(m["cases"])]
        if minimums:
            row.append(fmt(minimum_of(minimums, name)))
        if deltas:
            delta = by_name[name]
            change = "—" if delta.change is None else f"{delta.change:+.3f}"
            row += [fmt(delta.old), f"[red]{change}[/red]" if delta.regressed else change]
        totals.add_row(*row)
    console.print(totals)
    console.print(operations_line(report["operations"]), markup=False, highlight=False)


def write_reports(report: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write report.json and report.md into ``out_dir`` atomically; their paths."""
    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    write_atomic(json_path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    write_atomic(md_path, to_markdown(report))
    return json_path, md_path
