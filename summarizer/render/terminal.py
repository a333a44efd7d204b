"""The brief on a terminal, with rich: panels per source, tables, colour."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from summarizer.render.parts import claims_by_source, flat, source_heading, usage_line

if TYPE_CHECKING:
    from summarizer.pricing import Price
    from summarizer.schema import ArticleBrief


def to_rich(brief: ArticleBrief, price: Price | None = None) -> RenderableType:
    """The Markdown brief's content as rich renderables."""
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
            body.append("• " + flat(claim.statement) + "\n")
            for e in claim.evidence:
                body.append(f"    “{flat(e.text)}” [{e.start}:{e.end}]\n", style="italic dim")
        style = "yellow" if source is not None and source.anonymous else "cyan"
        parts.append(Panel(body, title=source_heading(source), border_style=style))
    if brief.unknowns:
        parts.append(Panel(Text("\n".join("• " + flat(u.statement) for u in brief.unknowns)),
                           title="Unknowns", border_style="magenta"))
    if brief.open_questions:
        parts.append(Panel(Text("\n".join("• " + flat(q.question) for q in brief.open_questions)),
                           title="Open questions", border_style="green"))
    parts.append(Text(usage_line(brief, price), style="dim"))
    for warning in brief.meta.warnings:
        parts.append(Text(f"warning: {warning}", style="yellow"))
    return Group(*parts)


def print_terminal(brief: ArticleBrief, console: Console | None = None,
                   price: Price | None = None) -> None:
    """Print the rich view to ``console`` (default: stdout, sized to the terminal)."""
    (console or Console()).print(to_rich(brief, price))


def to_terminal(brief: ArticleBrief, price: Price | None = None, width: int = 100) -> str:
    """The rich view as a string with ANSI colours, ``width`` columns wide."""
    console = Console(file=io.StringIO(), width=width, record=True, force_terminal=True,
                      color_system="standard")
    console.print(to_rich(brief, price))
    return console.export_text(styles=True)
