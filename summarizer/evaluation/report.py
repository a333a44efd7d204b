"""Eval reports: building report.json, comparing it with a baseline, report.md and the
terminal tables. Thresholds (minimum scores) are in summarizer.evaluation.thresholds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from summarizer.engines import EngineIdentity
from summarizer.errors import InputError
from summarizer.evaluation.matching import (
    LEXICAL_QUESTIONS,
    QUESTION_THRESHOLD,
    STATEMENT_THRESHOLD,
    QuestionRule,
)
from summarizer.evaluation.runner import CaseResult
from summarizer.evaluation.scoring import METRICS, Ratio, rounded
from summarizer.evaluation.thresholds import minimum_of
from summarizer.inputs.files import write_atomic

REPORT_VERSION = 1

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
    """Micro and macro averages of every metric over the scored cases."""
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


def _case_entry(result: CaseResult) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": result.id,
        "article": result.case.article,
        "status": result.status,
        "message": result.message,
        "seconds": round(result.seconds, 3),
        "warnings": [],
        "tokens": None,
        "attempts": None,
    }
    if result.score is not None:
        entry["scores"] = {k: rounded(v.value) for k, v in result.score.scores.items()}
        entry["counts"] = {k: [v.num, v.den] for k, v in result.score.scores.items()}
        entry["missed"] = result.score.misses
    if result.brief is not None:
        meta = result.brief.meta
        entry.update(
            warnings=meta.warnings, tokens=meta.usage.total_tokens, attempts=meta.attempts
        )
    return entry


def _operations(results: list[CaseResult]) -> dict[str, Any]:
    run = [r for r in results if r.status != "missing"]
    briefs = [r.brief for r in run if r.brief is not None]
    return {
        "seconds_total": round(sum(r.seconds for r in run), 3),
        "seconds_mean": round(sum(r.seconds for r in run) / len(run), 3) if run else None,
        "tokens_total": sum(b.meta.usage.total_tokens for b in briefs),
        "attempts_total": sum(b.meta.attempts for b in briefs),
        "warnings_total": sum(len(b.meta.warnings) for b in briefs),
    }


def build_report(
    results: list[CaseResult], *, engine: EngineIdentity, cases_dir: str,
    questions: QuestionRule = LEXICAL_QUESTIONS,
) -> dict[str, Any]:
    """The report of a run (what report.json holds): who made the briefs, the averages,
    operations, the matching rules, and every case's scores and misses.

    ``model`` is the one the briefs name (the offline engine names its spaCy model),
    else the engine's; ``prompt_version`` is the engine's.
    """
    statuses = [r.status for r in results]
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
        "summary": {
            "cases": len(results),
            "ok": statuses.count("ok"),
            "error": statuses.count("error"),
            "missing": statuses.count("missing"),
        },
        "metrics": aggregate(results),
        "operations": _operations(results),
        "rules": _rules(questions),
        "cases": [_case_entry(r) for r in results],
    }


# --------------------------------------------------------------------------- #
# Baselines
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Delta:
    """One metric's micro value in the baseline and now; ``regressed`` when it fell too far."""

    metric: str
    old: float | None
    new: float | None
    regressed: bool

    @property
    def change(self) -> float | None:
        """New minus old; None when either is undefined."""
        return None if self.old is None or self.new is None else self.new - self.old


def load_json_report(path: Path) -> dict[str, Any]:
    """An earlier report.json, for a baseline; InputError when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such baseline report") from None
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: not a readable JSON report ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise InputError(f"{path}: not an eval report (no 'metrics'); give a report.json")
    return data


def compare(report: dict[str, Any], baseline: dict[str, Any], tolerance: float) -> list[Delta]:
    """Micro value of each metric now and in the baseline. A metric regresses when it fell
    by more than ``tolerance``, or was measured before and is not now."""
    deltas = []
    for name in METRICS:
        old = (baseline["metrics"].get(name) or {}).get("micro")
        new = report["metrics"][name]["micro"]
        fell = old is not None and (new is None or new < old - tolerance)
        deltas.append(Delta(name, old, new, fell))
    return deltas


def comparability(report: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """Why the two reports may not be comparable: other engine or model, other cases."""
    notes = []
    for key in ("engine", "model", "similarity"):
        if baseline.get(key, "lexical" if key == "similarity" else None) != report.get(key):
            notes.append(f"baseline {key} is {baseline.get(key)!r}, this run's is {report[key]!r}")
    scored = {c["id"] for c in report["cases"] if c["status"] != "missing"}
    before = {c["id"] for c in baseline.get("cases", []) if c.get("status") != "missing"}
    if scored != before:
        notes.append(f"baseline scored {len(before)} cases, this run {len(scored)}; "
                     f"{len(scored ^ before)} differ, so averages are over different cases")
    return notes


# --------------------------------------------------------------------------- #
# Markdown and terminal output
# --------------------------------------------------------------------------- #


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


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
    rows = [
        [name, fmt(m["micro"]), fmt(m["macro"]), str(m["cases"])]
        for name, m in report["metrics"].items()
    ]
    out += _md_table(["metric", "micro", "macro", "cases"], rows)
    ops = report["operations"]
    out += ["", f"Seconds: {ops['seconds_total']} total · tokens: {ops['tokens_total']} · "
            f"attempts: {ops['attempts_total']} · warnings: {ops['warnings_total']}", ""]
    out += ["## Cases", ""]
    header = ["case", "status", *(h for _, h in CASE_COLUMNS), "seconds"]
    out += _md_table(header, [_case_cells(c) for c in report["cases"]])
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
        out += ["", f"## Against the baseline (tolerance {base['tolerance']})", ""]
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

    totals = Table(title="scores (micro / macro over cases)")
    columns = ["metric", "micro", "macro", "cases"]
    columns += ["minimum"] if minimums else []
    columns += ["baseline", "change"] if deltas else []
    for heading in columns:
        totals.add_column(heading, justify="left" if heading == "metric" else "right")
    by_name = {d.metric: d for d in deltas or []}
    for name, m in report["metrics"].items():
        row = [name, fmt(m["micro"]), fmt(m["macro"]), str(m["cases"])]
        if minimums:
            row.append(fmt(minimum_of(minimums, name)))
        if deltas:
            delta = by_name[name]
            change = "—" if delta.change is None else f"{delta.change:+.3f}"
            row += [fmt(delta.old), f"[red]{change}[/red]" if delta.regressed else change]
        totals.add_row(*row)
    console.print(totals)


def write_reports(report: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write report.json and report.md into ``out_dir`` atomically; their paths."""
    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    write_atomic(json_path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    write_atomic(md_path, to_markdown(report))
    return json_path, md_path
