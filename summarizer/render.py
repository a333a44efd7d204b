"""Turn a brief into text people and programs read: JSON and Markdown."""

from __future__ import annotations

from collections import defaultdict

from summarizer.schema import ArticleBrief, Claim, Evidence

FORMATS = ("json", "markdown")


def to_json(brief: ArticleBrief) -> str:
    return brief.model_dump_json(indent=2) + "\n"


def _quote(evidence: list[Evidence]) -> str:
    return " … ".join(f"“{e.text}”" for e in evidence)


def _claim_line(claim: Claim) -> str:
    line = f"- {claim.statement}"
    if claim.evidence:
        first = claim.evidence[0]
        line += f" — {_quote([first])} [{first.start}:{first.end}]"
    return line


def to_markdown(brief: ArticleBrief) -> str:
    sources = {s.id: s for s in brief.sources}
    out: list[str] = ["# Brief", "", brief.summary.strip(), ""]

    if brief.parties:
        out += ["## Parties", ""]
        for party in brief.parties:
            aka = f" (also: {', '.join(party.aliases)})" if party.aliases else ""
            out.append(f"- **{party.name}** — {party.kind}{aka}")
        out.append("")

    if brief.claims:
        out += ["## Claims by source", ""]
        grouped: dict[str | None, list[Claim]] = defaultdict(list)
        for claim in brief.claims:
            grouped[claim.source_id].append(claim)
        for source_id, claims in grouped.items():
            if source_id is None:
                heading = "The article itself"
            else:
                source = sources[source_id]
                heading = source.label + (" *(anonymous)*" if source.anonymous else "")
            out += [f"### {heading}", ""]
            out += [_claim_line(c) for c in claims]
            out.append("")

    if brief.sources:
        out += ["## Sources", ""]
        for source in brief.sources:
            flags = []
            if source.anonymous:
                flags.append("anonymous")
            if source.count:
                flags.append(f"count: {source.count}")
            if source.anonymity_reason:
                flags.append(f"reason: {source.anonymity_reason}")
            extra = f" ({'; '.join(flags)})" if flags else ""
            out.append(f"- {'⚠ ' if source.anonymous else ''}{source.label}{extra}")
        out.append("")

    if brief.unknowns:
        out += ["## Unknowns", ""]
        for unknown in brief.unknowns:
            quote = f" — {_quote(unknown.evidence[:1])}" if unknown.evidence else ""
            out.append(f"- {unknown.statement}{quote}")
        out.append("")

    if brief.open_questions:
        out += ["## Open questions", ""]
        out += [f"- {q.question}" for q in brief.open_questions]
        out.append("")

    meta = brief.meta
    out += [
        "---",
        f"*engine: {meta.engine}"
        + (f", model: {meta.model}" if meta.model else "")
        + f", tokens: {meta.usage.total_tokens}, attempts: {meta.attempts}"
        + f", {meta.seconds:.2f} s*",
    ]
    if meta.warnings:
        out += ["", "Warnings:", *[f"- {w}" for w in meta.warnings]]
    return "\n".join(out) + "\n"


def render(brief: ArticleBrief, fmt: str) -> str:
    if fmt == "json":
        return to_json(brief)
    if fmt == "markdown":
        return to_markdown(brief)
    raise ValueError(f"unknown format {fmt!r}")
