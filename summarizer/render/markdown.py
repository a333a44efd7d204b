"""The brief as Markdown: claims grouped by source, each with its quotes and offsets."""

from __future__ import annotations

from summarizer.pricing import Price
from summarizer.render.parts import claims_by_source, flat, source_heading, usage_line
from summarizer.schema import ArticleBrief, Evidence, Source


def _quotes(evidence: list[Evidence]) -> list[str]:
    return [f"  > “{flat(e.text)}” [{e.start}:{e.end}]" for e in evidence]


def _source_line(source: Source) -> str:
    flags = []
    if source.count:
        flags.append(f"count: {source.count}")
    if source.anonymity_reason:
        flags.append(f"reason given: {flat(source.anonymity_reason)}")
    extra = f" ({'; '.join(flags)})" if flags else ""
    return f"- **{flat(source_heading(source))}**{extra}"


def to_markdown(brief: ArticleBrief, price: Price | None = None) -> str:
    """Summary, parties, claims by source (with quotes), sources, unknowns, open questions,
    then the usage line and any warnings."""
    out: list[str] = ["# Brief", "", brief.summary.strip(), ""]

    if brief.parties:
        out += ["## Parties", ""]
        for party in brief.parties:
            aka = f" (also: {', '.join(party.aliases)})" if party.aliases else ""
            out.append(f"- **{flat(party.name)}** — {party.kind}{aka}")
        out.append("")

    if brief.claims:
        out += ["## Claims by source", ""]
        for source, claims in claims_by_source(brief):
            out += [f"### {flat(source_heading(source))}", ""]
            for claim in claims:
                out.append(f"- {flat(claim.statement)} *({claim.attribution.replace('_', ' ')})*")
                out += _quotes(claim.evidence)
            out.append("")

    if brief.sources:
        out += ["## Sources", ""]
        out += [_source_line(source) for source in brief.sources]
        out.append("")

    if brief.unknowns:
        out += ["## Unknowns", ""]
        for unknown in brief.unknowns:
            out.append(f"- {flat(unknown.statement)}")
            out += _quotes(unknown.evidence)
        out.append("")

    if brief.open_questions:
        out += ["## Open questions", ""]
        out += [f"- {flat(q.question)}" for q in brief.open_questions]
        out.append("")

    out += ["---", f"*{usage_line(brief, price)}*"]
    if brief.meta.warnings:
        out += ["", "Warnings:", *[f"- {flat(w)}" for w in brief.meta.warnings]]
    return "\n".join(out) + "\n"
