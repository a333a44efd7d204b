"""The brief on a terminal, with rich: panels per source, tables, colour.

Article and model text reach rich only as :class:`rich.text.Text` made
:func:`~summarizer.render.parts.printable`: never parsed as rich markup (a
``[link=...]`` in a label would become a live link, a stray ``[/x]`` an error),
never carrying an escape sequence to the terminal.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from summarizer.render.parts import (
    claims_by_source,
    flat,
    more_claims,
    printable,
    source_heading,
    split_claims,
    usage_line,
)

if TYPE_CHECKING:
    from summarizer.pricing import Price
    from summarizer.schema import ArticleBrief


def text(value: str, style: str = "") -> Text:
    """``value`` as plain rich text: printable, no markup."""
    return Text(printable(value), style=style)


def _bullets(lines: list[str]) -> Text:
    return Text("\n".join("• " + flat(line) for line in lines))


def to_rich(brief: ArticleBrief, price: Price | None = None,
            claims_shown: int | None = None) -> RenderableType:  # fmt: skip
    """The Markdown brief's content as rich renderables; the first ``claims_shown`` claims,
    then how many more there are."""
    parts: list[RenderableType] = [Panel(text(brief.summary.strip()), title="Summary")]
    if brief.parties:
        table = Table(title="Parties", show_lines=False, expand=True)
        table.add_column("Name", style="bold")
        table.add_column("Kind")
        table.add_column("Also called")
        for party in brief.parties:
            table.add_row(text(party.name), text(party.kind), text(", ".join(party.aliases)))
        parts.append(table)
    shown, folded = split_claims(brief, claims_shown)
    for source, claims in claims_by_source(brief, shown):
        body = Text()
        for claim in claims:
            body.append("• " + flat(claim.statement) + "\n")
            for e in claim.evidence:
                body.append(f"    “{flat(e.text)}” [{e.start}:{e.end}]\n", style="italic dim")
        style = "yellow" if source is not None and source.anonymous else "cyan"
        parts.append(Panel(body, title=text(source_heading(source)), border_style=style))
    if folded:
        parts.append(Text(f"… and {more_claims(len(folded))}", style="dim"))
    if brief.unknowns:
        parts.append(Panel(_bullets([u.statement for u in brief.unknowns]),
                           title="Unknowns", border_style="magenta"))
    if brief.open_questions:
        parts.append(Panel(_bullets([q.question for q in brief.open_questions]),
                           title="Open questions", border_style="green"))
    parts.append(text(usage_line(brief, price), style="dim"))
    for warning in brief.meta.warnings:
        parts.append(text(f"warning: {warning}", style="yellow"))
    return Group(*parts)


def print_terminal(brief: ArticleBrief, console: Console | None = None,
                   price: Price | None = None, claims_shown: int | None = None) -> None:
    """Print the rich view to ``console`` (default: stdout, sized to the terminal)."""
    (console or Console()).print(to_rich(brief, price, claims_shown))


def to_terminal(brief: ArticleBrief, price: Price | None = None, width: int = 100,
                claims_shown: int | None = None) -> str:  # fmt: skip
    """The rich view as a string with ANSI colours, ``width`` columns wide."""
    console = Console(file=io.StringIO(), width=width, record=True, force_terminal=True,
                      color_system="standard")
    console.print(to_rich(brief, price, claims_shown))
    return console.export_text(styles=True)
