"""Turn a brief into text people and programs read: JSON, Markdown, HTML and the terminal."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING

from summarizer.errors import InputError
from summarizer.pricing import Price, cost_usd
from summarizer.schema import ArticleBrief, Claim, Evidence, Source

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from summarizer.inputs.web import LoadedArticle

FORMATS = ("json", "markdown", "html", "terminal")
def usage_line(brief: ArticleBrief, price: Price | None = None) -> str:
    meta = brief.meta
    parts = [f"engine: {meta.engine}"]
    if meta.model:
        parts.append(f"model: {meta.model}")
    usage = meta.usage
    parts.append(
        f"tokens: {usage.total_tokens} ({usage.prompt_tokens} in, {usage.completion_tokens} out)"
    )
    cost = cost_usd(usage, price)
    if cost is not None:
        parts.append(f"cost: ${cost:.4f}")
    parts.append(f"attempts: {meta.attempts}")
    parts.append(f"{meta.seconds:.2f} s")
    return ", ".join(parts)


# --------------------------------------------------------------------------- #
# JSON
# --------------------------------------------------------------------------- #


def to_json(brief: ArticleBrief) -> str:
    return brief.model_dump_json(indent=2) + "\n"


def article_record(
    brief: ArticleBrief,
    text: str,
    source: str,
    item_id: str | None = None,
    price: Price | None = None,
) -> dict[str, object]:
    """The brief with the exact text its offsets index into (for URL, HTML and batch inputs)."""
    from summarizer.text import text_hash

    article: dict[str, object] = {"source": source, "sha256": text_hash(text), "text": text}
    if item_id is not None:
        article = {"id": item_id, **article}
    return {
        "article": article,
        "brief": brief.model_dump(mode="json"),
        "cost_usd": cost_usd(brief.meta.usage, price),
    }


def to_article_json(
    brief: ArticleBrief, text: str, source: str, price: Price | None = None
) -> str:
    record = article_record(brief, text, source, price=price)
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- #
# Markdown
# --------------------------------------------------------------------------- #


def _flat(text: str) -> str:
    """One line: a quote with newlines would break a Markdown list item."""
    return " ".join(text.split())


def _quotes(evidence: list[Evidence]) -> list[str]:
    return [f"  > “{_flat(e.text)}” [{e.start}:{e.end}]" for e in evidence]


def source_heading(source: Source | None) -> str:
    if source is None:
        return "The article itself (unattributed)"
    if source.anonymous:
        return f"⚠ {source.label} (anonymous)"
    return source.label


def claims_by_source(brief: ArticleBrief) -> list[tuple[Source | None, list[Claim]]]:
    """Claims grouped by who makes them, in order of each source's first claim."""
    sources = {s.id: s for s in brief.sources}
    grouped: dict[str | None, list[Claim]] = defaultdict(list)
    for claim in brief.claims:
        grouped[claim.source_id].append(claim)
    return [(sources.get(sid) if sid else None, claims) for sid, claims in grouped.items()]


def _source_line(source: Source) -> str:
    flags = []
    if source.count:
        flags.append(f"count: {source.count}")
    if source.anonymity_reason:
        flags.append(f"reason given: {_flat(source.anonymity_reason)}")
    extra = f" ({'; '.join(flags)})" if flags else ""
    return f"- **{_flat(source_heading(source))}**{extra}"


def to_markdown(brief: ArticleBrief, price: Price | None = None) -> str:
    out: list[str] = ["# Brief", "", brief.summary.strip(), ""]

    if brief.parties:
        out += ["## Parties", ""]
        for party in brief.parties:
            aka = f" (also: {', '.join(party.aliases)})" if party.aliases else ""
            out.append(f"- **{_flat(party.name)}** — {party.kind}{aka}")
        out.append("")

    if brief.claims:
        out += ["## Claims by source", ""]
        for source, claims in claims_by_source(brief):
            out += [f"### {_flat(source_heading(source))}", ""]
            for claim in claims:
                out.append(f"- {_flat(claim.statement)} *({claim.attribution.replace('_', ' ')})*")
                out += _quotes(claim.evidence)
            out.append("")

    if brief.sources:
        out += ["## Sources", ""]
        out += [_source_line(source) for source in brief.sources]
        out.append("")

    if brief.unknowns:
        out += ["## Unknowns", ""]
        for unknown in brief.unknowns:
            out.append(f"- {_flat(unknown.statement)}")
            out += _quotes(unknown.evidence)
        out.append("")

    if brief.open_questions:
        out += ["## Open questions", ""]
        out += [f"- {_flat(q.question)}" for q in brief.open_questions]
        out.append("")

    out += ["---", f"*{usage_line(brief, price)}*"]
    if brief.meta.warnings:
        out += ["", "Warnings:", *[f"- {_flat(w)}" for w in brief.meta.warnings]]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- #
# Terminal (rich)
# --------------------------------------------------------------------------- #


def to_rich(brief: ArticleBrief, price: Price | None = None) -> RenderableType:
    """The Markdown brief's content as rich renderables."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    parts: list[RenderableType] = [Panel(Text(brief.summary.strip()), title="Summary")]
    if brief.parties:
        table = Table(title="Parties", show_lines=False, expand=True)
        table.add_column("Name", style="bold")
        table.add_column("Kind")
        table.add_column("Also called")
        for party in brief.parties:
            table.add_row(party.name, party.kind, ", ".join(party.aliases))
        parts.append(table)
    for source, claims in claims_by_source(brief):
        body = Text()
        for claim in claims:
            body.append("• " + _flat(claim.statement) + "\n")
            for e in claim.evidence:
                body.append(f"    “{_flat(e.text)}” [{e.start}:{e.end}]\n", style="italic dim")
        style = "yellow" if source is not None and source.anonymous else "cyan"
        parts.append(Panel(body, title=source_heading(source), border_style=style))
    if brief.unknowns:
        parts.append(Panel(Text("\n".join("• " + _flat(u.statement) for u in brief.unknowns)),
                           title="Unknowns", border_style="magenta"))
    if brief.open_questions:
        parts.append(Panel(Text("\n".join("• " + _flat(q.question) for q in brief.open_questions)),
                           title="Open questions", border_style="green"))
    parts.append(Text(usage_line(brief, price), style="dim"))
    for warning in brief.meta.warnings:
        parts.append(Text(f"warning: {warning}", style="yellow"))
    return Group(*parts)


def print_terminal(brief: ArticleBrief, console: Console | None = None,
                   price: Price | None = None) -> None:
    from rich.console import Console

    (console or Console()).print(to_rich(brief, price))


def to_terminal(brief: ArticleBrief, price: Price | None = None, width: int = 100) -> str:
    """The rich view as a string with ANSI colours."""
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, record=True, force_terminal=True,
                      color_system="standard")
    console.print(to_rich(brief, price))
    return console.export_text(styles=True)


# --------------------------------------------------------------------------- #


def render(
    brief: ArticleBrief,
    fmt: str,
    *,
    article: str | None = None,
    price: Price | None = None,
) -> str:
    """``fmt`` is one of FORMATS; ``html`` needs the ``article`` text the offsets index into."""
    if fmt == "json":
        return to_json(brief)
    if fmt == "markdown":
        return to_markdown(brief, price)
    if fmt == "terminal":
        return to_terminal(brief, price)
    if fmt == "html":
        if article is None:
            raise InputError("the html format needs the article text")
        from summarizer.render.html import to_html

        return to_html(brief, article, price=price)
    raise ValueError(f"unknown format {fmt!r}")


def render_loaded(
    brief: ArticleBrief, fmt: str, loaded: LoadedArticle, price: Price | None = None
) -> str:
    """What ``summarize`` writes: like :func:`render`, but JSON of a URL or HTML input
    carries the extracted text, since the offsets index into it and not into the page."""
    if fmt == "json" and loaded.kind != "text":
        return to_article_json(brief, loaded.text, loaded.source, price)
    return render(brief, fmt, article=loaded.text, price=price)
