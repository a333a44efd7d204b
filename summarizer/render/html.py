"""One self-contained HTML page: the article with every evidence span highlighted.

Spans are coloured by the source that makes the claim; clicking a claim,
source or unknown scrolls to its spans and marks them. The page loads
nothing from the network, and a Content-Security-Policy lets only its own
script run, so article text (untrusted, always escaped) cannot run code.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from typing import TYPE_CHECKING

from summarizer.render.parts import (
    claims_by_source,
    more_claims,
    source_heading,
    split_claims,
    usage_line,
)
from summarizer.spans import CharInterval

if TYPE_CHECKING:
    from summarizer.pricing import Price
    from summarizer.schema import ArticleBrief, Claim, Evidence

PALETTE = (
    "#cfe8ff", "#ffd9b3", "#d4f5c9", "#f3d1f4", "#fff3a8",
    "#c9f0ee", "#ffd0d0", "#e0d9ff", "#e9e4c9", "#d9e6d2",
)
ARTICLE_COLOUR = "#e4e4e4"
UNKNOWN_COLOUR = "#ffe0ef"

SCRIPT = """
document.addEventListener('click', function (event) {
  var item = event.target.closest('[data-target]');
  if (!item) { return; }
  document.querySelectorAll('.marked, .active').forEach(function (el) {
    el.classList.remove('marked', 'active');
  });
  item.classList.add('active');
  var first = null;
  item.getAttribute('data-target').split(' ').forEach(function (id) {
    document.querySelectorAll('[data-ev~="' + id + '"]').forEach(function (el) {
      el.classList.add('marked');
      if (!first) { first = el; }
    });
  });
  if (first) { first.scrollIntoView({block: 'center'}); }
});
"""

STYLE = """
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #222; display: flex; }
#article { flex: 3; padding: 1.5em 2em; height: 100vh; overflow-y: auto;
  box-sizing: border-box; white-space: pre-wrap; font-family: Georgia, serif; font-size: 16px; }
#brief { flex: 2; padding: 1em 1.5em; height: 100vh; overflow-y: auto; box-sizing: border-box;
  background: #fafafa; border-left: 1px solid #ddd; }
mark.ev { background: var(--c); border-radius: 2px; color: inherit; }
mark.ev.marked { outline: 3px solid #d33; background: #ffe066; }
button.item { display: block; width: 100%; text-align: left; border: 1px solid #ddd;
  background: #fff; border-left: 6px solid var(--c); padding: .35em .6em; margin: .3em 0;
  font: inherit; cursor: pointer; border-radius: 3px; }
button.item.active { border-color: #d33; }
button.item:disabled { cursor: default; opacity: .7; }
.swatch { display: inline-block; width: .9em; height: .9em; background: var(--c);
  border: 1px solid #999; vertical-align: middle; margin-right: .3em; }
.anon { color: #a15c00; font-weight: 600; }
h1 { font-size: 1.2em; } h2 { font-size: 1.05em; margin-top: 1.2em; }
h3 { font-size: .95em; margin: .8em 0 .2em; }
.meta { color: #777; font-size: .85em; margin-top: 2em; }
.summary { font-size: 1.02em; }
details > summary { cursor: pointer; color: #555; margin: .8em 0 .3em; }
.warning { color: #a15c00; }
"""


@dataclass(frozen=True)
class Mark:
    """One evidence span to highlight: its id (``e0``, ``e1``, ...), where, and its colour."""

    id: str
    at: CharInterval
    colour: str


class _Marks:
    """Numbers evidence spans (e0, e1, ...) and remembers their colours."""

    def __init__(self, article: str) -> None:
        self.article = article
        self.marks: list[Mark] = []

    def add(self, evidence: list[Evidence], colour: str) -> list[str]:
        ids: list[str] = []
        for e in evidence:
            if not e.grounded_in(self.article):
                continue  # not grounded in this text: nothing to point at
            mark = Mark(f"e{len(self.marks)}", e.interval, colour)
            self.marks.append(mark)
            ids.append(mark.id)
        return ids


def _colours(brief: ArticleBrief) -> dict[str | None, str]:
    colours: dict[str | None, str] = {None: ARTICLE_COLOUR}
    for n, source in enumerate(brief.sources):
        colours[source.id] = PALETTE[n % len(PALETTE)]
    return colours


def highlight(article: str, marks: list[Mark]) -> str:
    """The escaped article with each stretch covered by marks wrapped in one <mark>."""
    cuts = sorted({0, len(article)} | {m.at.start for m in marks} | {m.at.end for m in marks})
    out: list[str] = []
    for a, b in pairwise(cuts):
        stretch = CharInterval(a, b)
        piece = escape(stretch.of(article))
        covering = [m for m in marks if m.at.contains(stretch)]
        if not covering:
            out.append(piece)
            continue
        ids = " ".join(m.id for m in covering)
        out.append(f'<mark class="ev" data-ev="{ids}" style="--c:{covering[0].colour}">'
                   f"{piece}</mark>")
    return "".join(out)


def _button(label: str, ids: list[str], colour: str) -> str:
    disabled = "" if ids else " disabled"
    return (f'<button type="button" class="item" data-target="{" ".join(ids)}" '
            f'style="--c:{colour}"{disabled}>{escape(label)}</button>')


def _claims(brief: ArticleBrief, claims: list[Claim], marks: _Marks) -> list[str]:
    colours = _colours(brief)
    out: list[str] = []
    for source, group in claims_by_source(brief, claims):
        colour = colours.get(source.id if source else None, ARTICLE_COLOUR)
        anon = ' class="anon"' if source is not None and source.anonymous else ""
        out.append(f'<h3><span class="swatch" style="--c:{colour}"></span>'
                   f"<span{anon}>{escape(source_heading(source))}</span></h3>")
        out += [_button(c.statement, marks.add(c.evidence, colour), colour) for c in group]
    return out


def _brief_panel(brief: ArticleBrief, marks: _Marks, price: Price | None,
                 claims_shown: int | None) -> list[str]:  # fmt: skip
    colours = _colours(brief)
    out = ["<h1>Brief</h1>", f'<p class="summary">{escape(brief.summary.strip())}</p>']
    if brief.claims:
        shown, folded = split_claims(brief, claims_shown)
        out += ["<h2>Claims by source</h2>", *_claims(brief, shown, marks)]
        if folded:
            out += [f"<details><summary>{more_claims(len(folded))}</summary>",
                    *_claims(brief, folded, marks), "</details>"]
    if brief.sources:
        out.append("<h2>Sources</h2>")
        for source in brief.sources:
            colour = colours[source.id]
            label = source_heading(source) + (f" ×{source.count}" if source.count else "")
            if source.anonymity_reason:
                label += f" — reason given: {source.anonymity_reason}"
            out.append(_button(label, marks.add(source.evidence, colour), colour))
    if brief.unknowns:
        out.append("<h2>Unknowns</h2>")
        out += [_button(u.statement, marks.add(u.evidence, UNKNOWN_COLOUR), UNKNOWN_COLOUR)
                for u in brief.unknowns]
    if brief.parties:
        out.append("<h2>Parties</h2><ul>")
        out += [f"<li><b>{escape(p.name)}</b> — {escape(p.kind)}"
                + (f" (also: {escape(', '.join(p.aliases))})" if p.aliases else "") + "</li>"
                for p in brief.parties]
        out.append("</ul>")
    if brief.open_questions:
        out.append("<h2>Open questions</h2><ul>")
        out += [f"<li>{escape(q.question)}</li>" for q in brief.open_questions]
        out.append("</ul>")
    out.append(f'<p class="meta">{escape(usage_line(brief, price))}</p>')
    out += [f'<p class="warning">warning: {escape(w)}</p>' for w in brief.meta.warnings]
    return out


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    return (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
            "base-uri 'none'; form-action 'none'")


def to_html(brief: ArticleBrief, article: str, price: Price | None = None,
            claims_shown: int | None = None) -> str:  # fmt: skip
    """One self-contained page: ``article`` with every grounded evidence span highlighted,
    beside the brief; clicking a claim, source or unknown marks its spans. Claims past the
    first ``claims_shown`` are folded under a <details>."""
    marks = _Marks(article)
    panel = _brief_panel(brief, marks, price, claims_shown)  # numbers the marks, so it comes first
    title = escape(" ".join(brief.summary.split())[:80] or "Brief")
    return "\n".join([
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_csp()}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{STYLE}</style></head><body>",
        f'<main id="article">{highlight(article, marks.marks)}</main>',
        '<aside id="brief">', *panel, "</aside>",
        f"<script>{SCRIPT}</script>",
        "</body></html>",
    ]) + "\n"
