"""The brief as Markdown: claims grouped by source, each with its quotes and offsets.

Every string from the article or the model is inert here: control characters
are stripped (see :func:`~summarizer.render.parts.printable`), ``& < >`` become
entities, so no raw HTML survives, and Markdown's link, image, code and
escape characters are backslash-escaped, so no link or image is made.
"""

from __future__ import annotations

import re

from summarizer.pricing import Price
from summarizer.render.parts import (
    claims_by_source,
    flat,
    more_claims,
    printable,
    source_heading,
    split_claims,
    usage_line,
)
from summarizer.schema import ArticleBrief, Claim, Evidence, Source

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SPECIAL = re.compile(r"[&<>\\`\[\]]")


def inert(text: str) -> str:
    """``text`` as Markdown that shows exactly ``text``: no HTML, link, image or code."""
    return _SPECIAL.sub(lambda m: _ENTITIES.get(m.group(), "\\" + m.group()), text)


def md(text: str) -> str:
    """``text`` on one line, printable and inert."""
    return inert(flat(text))


def _quotes(evidence: list[Evidence]) -> list[str]:
    return [f"  > “{md(e.text)}” [{e.start}:{e.end}]" for e in evidence]


def _source_line(source: Source) -> str:
    flags = []
    if source.count:
        flags.append(f"count: {source.count}")
    if source.anonymity_reason:
        flags.append(f"reason given: {md(source.anonymity_reason)}")
    extra = f" ({'; '.join(flags)})" if flags else ""
    return f"- **{md(source_heading(source))}**{extra}"


def _claims(brief: ArticleBrief, claims: list[Claim]) -> list[str]:
    out: list[str] = []
    for source, group in claims_by_source(brief, claims):
        out += [f"### {md(source_heading(source))}", ""]
        for claim in group:
            out.append(f"- {md(claim.statement)} *({claim.attribution.replace('_', ' ')})*")
            out += _quotes(claim.evidence)
        out.append("")
    return out


def to_markdown(brief: ArticleBrief, price: Price | None = None,
                claims_shown: int | None = None) -> str:  # fmt: skip
    """Summary, parties, claims by source (with quotes; the first ``claims_shown``, the
    rest folded), sources, unknowns, open questions, then the usage line and any warnings."""
    summary = [inert(line) for line in printable(brief.summary.strip()).splitlines()]
    out: list[str] = ["# Brief", "", *summary, ""]

    if brief.parties:
        out += ["## Parties", ""]
        for party in brief.parties:
            aka = f" (also: {md(', '.join(party.aliases))})" if party.aliases else ""
            out.append(f"- **{md(party.name)}** — {md(party.kind)}{aka}")
        out.append("")

    if brief.claims:
        shown, folded = split_claims(brief, claims_shown)
        out += ["## Claims by source", "", *_claims(brief, shown)]
        if folded:
            out += ["<details>", f"<summary>{more_claims(len(folded))}</summary>", "",
                    *_claims(brief, folded), "</details>", ""]

    if brief.sources:
        out += ["## Sources", ""]
        out += [_source_line(source) for source in brief.sources]
        out.append("")

    if brief.unknowns:
        out += ["## Unknowns", ""]
        for unknown in brief.unknowns:
            out.append(f"- {md(unknown.statement)}")
            out += _quotes(unknown.evidence)
        out.append("")

    if brief.open_questions:
        out += ["## Open questions", ""]
        out += [f"- {md(q.question)}" for q in brief.open_questions]
        out.append("")

    out += ["---", f"*{md(usage_line(brief, price))}*"]
    if brief.meta.warnings:
        out += ["", "Warnings:", *[f"- {md(w)}" for w in brief.meta.warnings]]
    return "\n".join(out) + "\n"
