"""report.html: one self-contained page for an eval run, one or several columns.

The scores of every column side by side, then every case: its labels beside each
column's brief (repeat 1), labels a column missed marked ``miss`` (and named in a
badge), predicted parties, sources and unknowns matching no label marked ``extra``.
Like the brief's HTML view it loads nothing; its Content-Security-Policy allows no
script at all, and every text from a case or a brief is escaped.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import TYPE_CHECKING, Any

from summarizer.evaluation.report import fmt

if TYPE_CHECKING:
    from summarizer.evaluation.cases import Case
    from summarizer.evaluation.runner import CaseResult
    from summarizer.evaluation.side_by_side import ColumnRun
    from summarizer.schema import ArticleBrief

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

STYLE = """
body { margin: 1.5em 2em; font: 14px/1.45 system-ui, sans-serif; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.case { border-top: 2px solid #bbb; margin-top: 1.5em; }
.grid { display: grid; gap: 1em; }
.pane { background: #fafafa; border: 1px solid #ddd; border-radius: 4px; padding: .3em .8em; }
.pane h4 { margin: .4em 0; } .pane h5 { margin: .6em 0 .1em; font-size: .9em; }
.pane ul { margin: 0; padding-left: 1.2em; }
li.miss { background: #ffe3e3; } li.extra { background: #fff1c2; }
.badge { font-size: .75em; border-radius: 3px; padding: 0 .3em; margin-left: .4em;
  background: #c92a2a; color: #fff; }
li.extra .badge { background: #a15c00; }
.status-error, .status-missing { color: #c92a2a; font-weight: 600; }
.legend span { padding: 0 .4em; margin-right: .8em; }
"""

# The fields of a case, in order: (name, heading).
FIELDS = (
    ("parties", "Parties"),
    ("sources", "Sources"),
    ("claims", "Claims"),
    ("unknowns", "Unknowns"),
    ("open_questions", "Open questions"),
)


def _labels(case: Case) -> dict[str, list[str]]:
    expect = case.expect
    return {
        "parties": [p.name for p in expect.parties],
        "sources": [s.label for s in expect.sources],
        "claims": [f"{c.statement} — {c.source}" for c in expect.claims],
        "unknowns": [u.statement for u in expect.unknowns],
        "open_questions": list(expect.open_questions),
    }


def _missed_label(field: str, text: str, missed: list[str]) -> bool:
    """Claims show "statement — source"; misses name the statement."""
    return any(text == m or (field == "claims" and text.startswith(m + " — ")) for m in missed)


def _predicted(brief: ArticleBrief) -> dict[str, list[str]]:
    labels = {s.id: s.label for s in brief.sources}
    return {
        "parties": [p.name for p in brief.parties],
        "sources": [s.label + (" (anonymous)" if s.anonymous else "") for s in brief.sources],
        "claims": [f"{c.statement} — {labels.get(c.source_id or '', 'the article')}"
                   for c in brief.claims],
        "unknowns": [u.statement for u in brief.unknowns],
        "open_questions": [q.question for q in brief.open_questions],
    }


def _labels_pane(case: Case, runs: list[ColumnRun], firsts: list[CaseResult]) -> list[str]:
    out = ['<div class="pane labels"><h4>Labels</h4>']
    for field, heading in FIELDS:
        items = _labels(case)[field]
        if not items:
            continue
        out.append(f"<h5>{heading}</h5><ul>")
        for text in items:
            missed_by = [run.column.name for run, first in zip(runs, firsts, strict=True)
                         if first.score is not None
                         and _missed_label(field, text, first.score.misses.get(field, []))]
            badge = f'<span class="badge">missed by {escape(", ".join(missed_by))}</span>'
            css = ' class="miss"' if missed_by else ""
            out.append(f"<li{css}>{escape(text)}{badge if missed_by else ''}</li>")
        out.append("</ul>")
    out.append("</div>")
    return out


def _brief_pane(name: str, result: CaseResult) -> list[str]:
    status = f'<span class="status-{result.status}">{escape(result.status)}</span>'
    out = [f'<div class="pane brief"><h4>{escape(name)} · {status}</h4>']
    if result.message:
        out.append(f"<p>{escape(result.message)}</p>")
    if result.brief is None:
        return [*out, "</div>"]
    out.append(f"<p>{escape(result.brief.summary)}</p>")
    extras = result.score.extras if result.score is not None else {}
    for field, heading in FIELDS:
        items = _predicted(result.brief)[field]
        if not items:
            continue
        unmatched = Counter(extras.get(field, []))
        out.append(f"<h5>{heading}</h5><ul>")
        for text, plain in zip(items, _plain(result.brief, field), strict=True):
            extra = unmatched[plain] > 0
            unmatched[plain] -= extra
            if extra:
                badge = '<span class="badge">no label</span>'
                out.append(f'<li class="extra">{escape(text)}{badge}</li>')
            else:
                out.append(f"<li>{escape(text)}</li>")
        out.append("</ul>")
    out.append("</div>")
    return out


def _plain(brief: ArticleBrief, field: str) -> list[str]:
    """Each item as scoring names it in ``extras``."""
    if field == "sources":
        return [s.label for s in brief.sources]
    if field == "claims":
        return [c.statement for c in brief.claims]
    return _predicted(brief)[field]


def _scores_table(runs: list[ColumnRun]) -> list[str]:
    from summarizer.evaluation.side_by_side import table_rows

    head = "".join(f"<th>{escape(run.column.name)}</th>" for run in runs)
    out = [f"<table><thead><tr><th>metric</th>{head}</tr></thead><tbody>"]
    for row in table_rows(runs):
        out.append("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>")
    return [*out, "</tbody></table>"]


def _case_section(number: int, runs: list[ColumnRun]) -> list[str]:
    firsts = [run.results[number] for run in runs]  # repeat 1 comes first
    case = firsts[0].case
    cells = [f"{escape(run.column.name)}: {_key_scores(run.report['cases'][number])}"
             for run in runs]  # fmt: skip
    out = [f'<section class="case" id="case-{escape(case.id)}">',
           f"<h3>{escape(case.id)}</h3>", f"<p>{' · '.join(cells)}</p>",
           f'<div class="grid" style="grid-template-columns: repeat({len(runs) + 1}, 1fr)">']
    out += _labels_pane(case, runs, firsts)
    for run, first in zip(runs, firsts, strict=True):
        out += _brief_pane(run.column.name, first)
    return [*out, "</div></section>"]


def _key_scores(entry: dict[str, Any]) -> str:
    scores = entry.get("scores") or {}
    keys = (("parties.f1", "parties F1"), ("sources.f1", "sources F1"),
            ("claims.recall", "claims R"), ("unknowns.f1", "unknowns F1"))  # fmt: skip
    return escape(", ".join(f"{h} {fmt(scores.get(k))}" for k, h in keys))


def to_html(runs: list[ColumnRun]) -> str:
    """The page for ``runs`` (one or several columns over the same cases)."""
    first = runs[0].report
    names = ", ".join(run.column.name for run in runs)
    repeats = int(first.get("repeats") or 1)
    note = f" Scores are means of {repeats} repeats (min–max)." if repeats > 1 else ""
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Eval report: {escape(names)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Eval report: {escape(names)}</h1>",
        f"<p>{escape(first['created'])} · cases: {first['summary']['cases']} · "
        f"open questions by {escape(first['similarity'])} similarity.{note}</p>",
        '<p class="legend"><span class="miss" style="background:#ffe3e3">label missed</span>'
        '<span style="background:#fff1c2">predicted, matching no label</span>'
        " (claims have no precision: extra claims are not marked)</p>",
        "<h2>Scores</h2>", *_scores_table(runs), "<h2>Cases</h2>",
    ]
    for number in range(len(first["cases"])):
        out += _case_section(number, runs)
    return "\n".join([*out, "</body></html>"]) + "\n"
