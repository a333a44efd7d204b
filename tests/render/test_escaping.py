"""Renderings trust nothing: every string from the article or the model shows as text.

A brief whose every string field holds a hostile payload (HTML that runs script,
Markdown links and images, rich markup, terminal escape sequences) is rendered
in every format for people. The HTML page and the Markdown, itself rendered to
HTML by a CommonMark renderer that lets raw HTML and any link through, are parsed:
no element or attribute the payload asked for may exist, and every field's
payload must still be there as text. The terminal view may carry rich's own
colour codes and nothing else.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fakes import FakeEngine
from markdown_it import MarkdownIt
from rich.console import Console
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.render import Format, render
from summarizer.render.html import SCRIPT, to_html
from summarizer.render.markdown import to_markdown
from summarizer.render.terminal import print_terminal, to_terminal
from summarizer.schema import ArticleBrief

FIELDS = ("summary", "party_name", "party_alias", "source_label", "anonymity_reason",
          "claim_statement", "claim_quote", "source_quote", "unknown_statement",
          "unknown_quote", "question", "warning", "model")  # fmt: skip

#: What a payload tries to make: elements, attributes and URL schemes that must not exist.
LIVE_TAGS = {"img", "script", "iframe", "a", "object", "embed", "svg", "form", "meta", "link",
             "style", "base"}  # fmt: skip


def payload(field: str) -> str:
    """A hostile string naming ``field``: HTML, Markdown, rich markup, terminal escapes."""
    return (
        f"{field}: <img src=x onerror=alert('{field}')> <script>alert('{field}')</script> "
        f"<iframe src=\"javascript:alert('{field}')\"></iframe> "
        f"<a href=\"javascript:alert('{field}')\">a</a> [md](javascript:alert('{field}')) "
        f"![i](https://evil.example/{field}.png) <javascript:alert('{field}')> "
        f"<https://evil.example/{field}> &#60;script&#62; "
        f"[link=https://evil.example/{field}]rich[/link] [/oops] "
        f"\x1b]0;title-{field}\x07\x1b]8;;https://evil.example/{field}\x1b\\osc8\x1b]8;;\x1b\\"
        f"\x1b[2J\x1b[H\x9b31m\x9d0;c1-{field}\x9c\x07\r end-{field}"
    )


# The article holds the payloads the evidence quotes: evidence is article text.
QUOTED = ("claim_quote", "source_quote", "unknown_quote")
ARTICLE = "\n\n".join(payload(field) for field in QUOTED) + "\n"


def ev(field: str) -> dict[str, object]:
    quote = payload(field)
    start = ARTICLE.index(quote)
    return {"text": quote, "start": start, "end": start + len(quote)}


def hostile_brief(claims: int = 1) -> ArticleBrief:
    return ArticleBrief.model_validate({
        "summary": payload("summary"),
        "parties": [{"id": "p1", "name": payload("party_name"), "kind": "person",
                     "aliases": [payload("party_alias")]}],
        "sources": [{"id": "s1", "label": payload("source_label"), "anonymous": True,
                     "anonymity_reason": payload("anonymity_reason"),
                     "evidence": [ev("source_quote")]}],
        "claims": [{"id": f"c{n}", "statement": payload("claim_statement"), "source_id": "s1",
                    "attribution": "direct_quote", "evidence": [ev("claim_quote")]}
                   for n in range(claims)],
        "unknowns": [{"id": "u1", "statement": payload("unknown_statement"),
                      "evidence": [ev("unknown_quote")]}],
        "open_questions": [{"question": payload("question"), "based_on": ["u1"]}],
        "meta": {"engine": "llm", "model": payload("model"), "warnings": [payload("warning")]},
    })


class Elements(HTMLParser):
    """Every start tag with its attributes, and all text, of an HTML document."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text += data


def live_parts(html: str, own: str = "") -> list[str]:
    """What in ``html`` would act: tags a payload asked for, on* attributes, javascript:
    URLs; the tags of ``own`` (a page made of harmless text) are the page's own."""
    page = Elements(html)
    tags = Counter(tag for tag, _ in page.tags if tag in LIVE_TAGS)
    tags -= Counter(tag for tag, _ in Elements(own).tags if tag in LIVE_TAGS)
    found = sorted(tags.elements())
    for tag, attrs in page.tags:
        found += [f"{tag} {name}" for name in attrs if name.startswith("on")]
        found += [f"{tag} {name}={value}" for name, value in attrs.items()
                  if value and "javascript:" in value.lower()]
    return found


def permissive_markdown(markdown: str) -> str:
    """``markdown`` as a Markdown viewer that lets raw HTML and every link through shows it."""
    renderer = MarkdownIt("commonmark", {"html": True})
    renderer.validateLink = lambda url: True  # as lax as the laxest viewer
    return renderer.render(markdown)


HARMLESS = to_html(ArticleBrief.model_validate({"summary": "ok", "meta": {"engine": "llm"}}),
                   "ok")  # fmt: skip
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # colours: what rich itself writes


# --------------------------------------------------------------------------- #
# HTML
# --------------------------------------------------------------------------- #


def test_html_shows_every_field_as_text_and_nothing_live() -> None:
    html = to_html(hostile_brief(), ARTICLE)
    assert live_parts(html, HARMLESS) == []
    assert html.count(f"<script>{SCRIPT}</script>") == 1
    text = Elements(html).text
    for field in FIELDS:
        assert f"<img src=x onerror=alert('{field}')>" in text, field


@pytest.mark.parametrize("field", ["claim_statement", "source_label", "unknown_statement"])
def test_html_of_a_brief_built_around_one_payload_is_inert(field: str) -> None:
    brief = hostile_brief()
    target = {"claim_statement": brief.claims[0], "source_label": brief.sources[0],
              "unknown_statement": brief.unknowns[0]}[field]
    setattr(target, "statement" if hasattr(target, "statement") else "label",
            "<img src=x onerror=alert(1)>")
    assert live_parts(to_html(brief, ARTICLE), HARMLESS) == []


# --------------------------------------------------------------------------- #
# Markdown
# --------------------------------------------------------------------------- #


def test_markdown_shows_every_field_as_text_and_nothing_live() -> None:
    markdown = to_markdown(hostile_brief())
    html = permissive_markdown(markdown)
    assert live_parts(html) == []
    text = Elements(html).text
    for field in set(FIELDS) - {"source_quote"}:  # Markdown lists sources without quotes
        assert f"{field}: <img src=x onerror=alert('{field}')>" in text, field
        assert f"[md](javascript:alert('{field}'))" in text, field
        assert f"![i](https://evil.example/{field}.png)" in text, field
        assert f"end-{field}" in text, field


def test_markdown_has_no_control_characters() -> None:
    markdown = to_markdown(hostile_brief())
    assert CONTROLS.findall(markdown) == []
    assert "title-summary" not in markdown  # the OSC payload went with its sequence


def test_markdown_of_an_article_with_html_keeps_the_quote_readable() -> None:
    markdown = to_markdown(hostile_brief())
    assert "&lt;script&gt;alert('claim_quote')&lt;/script&gt;" in markdown
    assert "\\[md\\](javascript:alert('claim_quote'))" in markdown


# --------------------------------------------------------------------------- #
# terminal
# --------------------------------------------------------------------------- #


def test_terminal_string_carries_only_colour_codes() -> None:
    out = to_terminal(hostile_brief(), width=1000)
    bare = SGR.sub("", out)
    assert CONTROLS.findall(bare) == []
    assert "evil.example/source_label]rich" in bare  # rich markup shown, not obeyed
    # The terminal shows sources by label and unknowns without their quotes.
    for field in set(FIELDS) - {"source_quote", "anonymity_reason", "unknown_quote"}:
        assert f"end-{field}" in bare, field
    assert "title-" not in bare and "c1-" not in bare


def test_terminal_console_gets_no_escape_sequences_and_no_markup_errors() -> None:
    buffer = io.StringIO()
    print_terminal(hostile_brief(), Console(file=buffer, width=400, color_system=None,
                                            force_terminal=True))  # fmt: skip
    out = buffer.getvalue()
    assert "\x1b" not in out and CONTROLS.findall(out) == []
    assert "[/oops]" in out


@pytest.mark.parametrize("fmt", [Format.markdown, Format.terminal])
def test_every_view_for_people_strips_terminal_sequences(fmt: Format) -> None:
    out = SGR.sub("", render(hostile_brief(), fmt, article=ARTICLE))
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out


# --------------------------------------------------------------------------- #
# the command's own lines for people: batch's failure table, summarize's warnings
# --------------------------------------------------------------------------- #


def test_batch_failure_table_shows_ids_as_text(
    tmp_path: Path, fake_engine: type[FakeEngine],
) -> None:
    listing = tmp_path / "items.jsonl"
    listing.write_text("\n".join(json.dumps(item) for item in [
        {"id": "[/oops]", "text": ""},
        {"id": "\x1b]0;pwned\x07[link=https://evil.example]x[/link]", "text": " "},
    ]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(listing), "--out", str(tmp_path / "out"),
                                      "--engine", "llm", "--base-url", "http://127.0.0.1:9/v1",
                                      "--model", "m", "--no-cache"])  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.stderr
    assert "[/oops]" in result.stderr and "[link=https://evil.example]x[/link]" in result.stderr
    assert "\x1b]" not in result.stderr and "\x07" not in result.stderr


def test_summarize_warnings_reach_stderr_printable(
    tmp_path: Path, fake_engine: type[FakeEngine], monkeypatch: pytest.MonkeyPatch,
) -> None:
    brief_of = fake_engine.abrief

    async def warned(self: FakeEngine, text: str) -> ArticleBrief:
        brief = await brief_of(self, text)
        brief.meta.warnings.append("model said \x1b]0;pwned\x07\x1b[2Jhello")
        return brief

    monkeypatch.setattr(fake_engine, "abrief", warned)
    article = tmp_path / "a.txt"
    article.write_text("The council met on Tuesday and approved the plan.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["summarize", str(article), "--format", "json",
                                      "--engine", "llm", "--base-url", "http://127.0.0.1:9/v1",
                                      "--model", "m"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "summarizer: warning: model said hello\n" in result.stderr
