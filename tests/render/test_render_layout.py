"""The layout a reader sees: every block of the Markdown and of the HTML page, in order.

One brief exercises every part of both renderings (a party with two aliases and one
without, an anonymous source with a count and a reason, a claim with two grounded
spans after one that is not, folded claims, a price, a warning) and the article does
not start with evidence. The Markdown is parsed by a CommonMark parser and the page by
an HTML parser, so the tests read blocks, not strings.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from summarizer.pricing import Price
from summarizer.render.html import ARTICLE_COLOUR, PALETTE, SCRIPT, STYLE, UNKNOWN_COLOUR, to_html
from summarizer.render.markdown import to_markdown
from summarizer.render.parts import usage_line
from summarizer.schema import ArticleBrief

ARTICLE = (
    "Officials met on Monday. Mayor Ines Halvorsen said the dredging would start in May "
    "and cost more. Two board members, speaking on condition of anonymity, said the vote "
    "was 4 to 3. The sediment study has not been published."
)
SUMMARY = ("The harbour dredging starts in May after a close board vote;\n"
           "  the sediment study is still unpublished, and nobody says who wrote it.")  # fmt: skip
PRICE = Price(prompt=2.0, completion=8.0)
WARNING = "the model answered twice"


def ev(quote: str) -> dict[str, object]:
    start = ARTICLE.index(quote)
    return {"text": quote, "start": start, "end": start + len(quote)}


# The right length, text that is not at these offsets: not grounded in the article.
UNGROUNDED = {"text": "the dredging would start in Mai", "start": 0, "end": 31}


def layout_brief() -> ArticleBrief:
    return ArticleBrief.model_validate({
        "summary": SUMMARY,
        "parties": [
            {"id": "p1", "name": "Ines Halvorsen", "kind": "person",
             "aliases": ["Halvorsen", "the mayor"]},
            {"id": "p2", "name": "Harbour Board", "kind": "organization"},
        ],
        "sources": [
            {"id": "s1", "label": "Mayor Ines Halvorsen", "anonymous": False, "party_id": "p1",
             "evidence": [ev("Mayor Ines Halvorsen said")]},
            {"id": "s2", "label": "Two board members", "anonymous": True, "count": 2,
             "anonymity_reason": "not stated", "evidence": [ev("Two board members")]},
        ],
        "claims": [
            {"id": "c1", "statement": "The dredging will start in May.", "source_id": "s1",
             "attribution": "direct_quote",
             "evidence": [UNGROUNDED, ev("the dredging would start in May"), ev("cost more")]},
            {"id": "c2", "statement": "The board vote was 4 to 3.", "source_id": "s2",
             "attribution": "paraphrase", "evidence": [ev("said the vote was 4 to 3")]},
            {"id": "c3", "statement": "Officials met on Monday.", "source_id": None,
             "attribution": "narration", "evidence": [ev("met on Monday")]},
        ],
        "unknowns": [
            {"id": "u1", "statement": "The sediment study has not been published.",
             "evidence": [ev("The sediment study has not been published.")]},
        ],
        "open_questions": [{"question": "Who wrote the sediment study?", "based_on": ["u1"]}],
        "meta": {"engine": "llm", "model": "test-model", "warnings": [WARNING],
                 "usage": {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}},
    })


def quote(text: str) -> str:
    start = ARTICLE.find(text)
    return f"“{text}” [{start}:{start + len(text)}]"


# --------------------------------------------------------------------------- #
# Markdown
# --------------------------------------------------------------------------- #


def markdown_blocks(markdown: str) -> list[tuple[str, str]]:
    """Each block a CommonMark reader sees, as (kind, text): h1-h3, p (top level),
    li (a list item's text), quote (a block quote in a list item), html, hr."""
    blocks: list[tuple[str, str]] = []
    context: list[str] = []
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type.endswith("_open"):
            context.append(token.tag)
        elif token.type.endswith("_close"):
            context.pop()
        elif token.type == "inline":
            kind = ("quote" if "blockquote" in context else "li" if "li" in context
                    else context[-1])  # fmt: skip
            blocks.append((kind, token.content))
        elif token.type in ("html_block", "hr"):
            blocks.append((token.type.removesuffix("_block"), token.content))
    return blocks


def test_markdown_blocks_are_the_brief_in_order() -> None:
    brief = layout_brief()
    unknown = "The sediment study has not been published."
    assert markdown_blocks(to_markdown(brief, PRICE, claims_shown=1)) == [
        ("h1", "Brief"),
        ("p", SUMMARY),
        ("h2", "Parties"),
        ("li", "**Ines Halvorsen** — person (also: Halvorsen, the mayor)"),
        ("li", "**Harbour Board** — organization"),
        ("h2", "Claims by source"),
        ("h3", "Mayor Ines Halvorsen"),
        ("li", "The dredging will start in May. *(direct quote)*"),
        ("quote", f"“the dredging would start in Mai” [0:31]\n"
                  f"{quote('the dredging would start in May')}\n{quote('cost more')}"),
        ("html", "<details>\n<summary>2 more claims</summary>\n"),
        ("h3", "⚠ Two board members (anonymous)"),
        ("li", "The board vote was 4 to 3. *(paraphrase)*"),
        ("quote", quote("said the vote was 4 to 3")),
        ("h3", "The article itself (unattributed)"),
        ("li", "Officials met on Monday. *(narration)*"),
        ("quote", quote("met on Monday")),
        ("html", "</details>\n"),
        ("h2", "Sources"),
        ("li", "**Mayor Ines Halvorsen**"),
        ("li", "**⚠ Two board members (anonymous)** (count: 2; reason given: not stated)"),
        ("h2", "Unknowns"),
        ("li", unknown),
        ("quote", quote(unknown)),
        ("h2", "Open questions"),
        ("li", "Who wrote the sediment study?"),
        ("hr", ""),
        ("p", f"*{usage_line(brief, PRICE)}*"),
        ("p", "Warnings:"),
        ("li", WARNING),
    ]
    assert "cost: $" in usage_line(brief, PRICE)


# --------------------------------------------------------------------------- #
# HTML
# --------------------------------------------------------------------------- #

#: Elements whose text is shown as one piece; text anywhere else is stray.
TEXT_HOLDERS = {"title", "style", "script", "main", "h1", "h2", "h3", "p", "button", "li",
                "summary"}  # fmt: skip
VOID = {"meta"}


class Layout(HTMLParser):
    """The page's text holders in order with their text, every element with its attributes
    and text, and any text outside a text holder."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, list[str]]] = []  # each open element and its text so far
        self.blocks: list[tuple[str, str]] = []  # (tag, text) of each text holder
        self.elements: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.stray: list[str] = []
        self.feed(page)
        self.close()

    def open_tags(self) -> set[str]:
        return {tag for tag, _ in self.open}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element: tuple[str, dict[str, str | None], list[str]] = (tag, dict(attrs), [])
        self.elements.append(element)
        if tag in TEXT_HOLDERS and not self.open_tags() & TEXT_HOLDERS - {"main"}:
            self.blocks.append((tag, ""))
        if tag not in VOID:
            self.open.append((tag, element[2]))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if not self.open_tags() & TEXT_HOLDERS:
            self.stray += [data] if data.strip() else []
            return
        tag, text = self.blocks[-1]
        self.blocks[-1] = (tag, text + data)
        for _, parts in self.open:
            parts.append(data)

    def text_of(self, tag: str) -> list[tuple[dict[str, str | None], str]]:
        return [(attrs, "".join(parts)) for name, attrs, parts in self.elements if name == tag]


def colour(attrs: dict[str, str | None]) -> str:
    found = re.fullmatch(r"--c:(.*)", attrs.get("style") or "")
    assert found, attrs
    return found.group(1)


def page() -> Layout:
    return Layout(to_html(layout_brief(), ARTICLE, PRICE, claims_shown=1))


def test_html_panel_blocks_are_the_brief_in_order_and_nothing_is_stray() -> None:
    layout = page()
    assert layout.stray == []
    panel = layout.blocks[layout.blocks.index(("main", ARTICLE)) + 1:]
    brief = layout_brief()
    assert panel == [
        ("h1", "Brief"),
        ("p", SUMMARY),
        ("h2", "Claims by source"),
        ("h3", "Mayor Ines Halvorsen"),
        ("button", "The dredging will start in May."),
        ("summary", "2 more claims"),
        ("h3", "⚠ Two board members (anonymous)"),
        ("button", "The board vote was 4 to 3."),
        ("h3", "The article itself (unattributed)"),
        ("button", "Officials met on Monday."),
        ("h2", "Sources"),
        ("button", "Mayor Ines Halvorsen"),
        ("button", "⚠ Two board members (anonymous) ×2 — reason given: not stated"),
        ("h2", "Unknowns"),
        ("button", "The sediment study has not been published."),
        ("h2", "Parties"),
        ("li", "Ines Halvorsen — person (also: Halvorsen, the mayor)"),
        ("li", "Harbour Board — organization"),
        ("h2", "Open questions"),
        ("li", "Who wrote the sediment study?"),
        ("p", usage_line(brief, PRICE)),
        ("p", f"warning: {WARNING}"),
        ("script", SCRIPT),
    ]


def test_html_title_is_the_summary_on_one_line_cut_to_80_characters() -> None:
    layout = page()
    one_line = ("The harbour dredging starts in May after a close board vote; "
                "the sediment study is still unpublished, and nobody says who wrote it.")
    assert [text for _, text in layout.text_of("title")] == [one_line[:80]]
    assert len(one_line) > 81
    untitled = ArticleBrief.model_validate({"summary": " \n ", "meta": {"engine": "llm"}})
    assert Layout(to_html(untitled, ARTICLE)).text_of("title") == [({}, "Brief")]


def test_html_article_before_the_first_span_is_shown() -> None:
    layout = page()
    assert layout.blocks[layout.blocks.index(("main", ARTICLE))] == ("main", ARTICLE)
    marks = layout.text_of("mark")
    assert not ARTICLE.startswith(marks[0][1])


def test_html_buttons_point_at_marks_of_their_own_colour() -> None:
    layout = page()
    marks = {attrs["data-ev"] or "": colour(attrs) for attrs, _ in layout.text_of("mark")}
    targets: dict[str, list[str]] = {}
    for attrs, label in layout.text_of("button"):
        assert set(attrs) == {"type", "class", "data-target", "style"}, label  # none disabled
        ids = (attrs["data-target"] or "").split()
        targets[label] = ids
        assert ids and all(marks[i] == colour(attrs) for i in ids), label
    # The first evidence of the first claim is not in the article: its two others are.
    assert len(targets["The dredging will start in May."]) == 2
    assert sorted(i for ids in targets.values() for i in ids) == sorted(marks)


def test_html_colours_sources_alike_everywhere_and_unknowns_apart() -> None:
    layout = page()
    known = {*PALETTE, ARTICLE_COLOUR, UNKNOWN_COLOUR}
    styled = [colour(attrs) for _, attrs, _ in layout.elements if attrs.get("style")]
    assert styled and set(styled) <= known
    buttons = {label: colour(attrs) for attrs, label in layout.text_of("button")}
    swatches = [colour(attrs) for attrs, _ in layout.text_of("span") if attrs.get("style")]
    mayor, board = swatches[0], swatches[1]
    assert buttons["The dredging will start in May."] == buttons["Mayor Ines Halvorsen"] == mayor
    assert buttons["The board vote was 4 to 3."] == board
    assert buttons["⚠ Two board members (anonymous) ×2 — reason given: not stated"] == board
    assert mayor != board
    assert buttons["The sediment study has not been published."] == UNKNOWN_COLOUR
    assert UNKNOWN_COLOUR not in (mayor, board)


def test_html_flags_only_anonymous_sources_in_headings() -> None:
    labels = [(attrs.get("class"), text) for attrs, text in page().text_of("span")
              if not attrs.get("style")]  # the label beside each swatch
    assert labels == [(None, "Mayor Ines Halvorsen"),
                      ("anon", "⚠ Two board members (anonymous)"),
                      (None, "The article itself (unattributed)")]


def test_html_every_id_and_class_the_style_names_is_on_the_page_and_back() -> None:
    layout = page()
    ids = {attrs["id"] for _, attrs, _ in layout.elements if attrs.get("id")}
    classes = {c for _, attrs, _ in layout.elements for c in (attrs.get("class") or "").split()}
    assert set(re.findall(r"#([a-z][\w-]*)\s*\{", STYLE)) == ids == {"article", "brief"}
    styled = set(re.findall(r"\.([a-z][\w-]*)", STYLE))
    assert classes and classes <= styled


def test_html_policy_has_exactly_its_directives() -> None:
    metas = [attrs for _, attrs, _ in page().elements
             if (attrs.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(metas) == 1
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    directives = {}
    for part in (metas[0]["content"] or "").split(";"):
        name, *values = part.split()
        # Names and keywords are case-insensitive; a hash is not.
        directives[name.lower()] = [v if "sha256" in v else v.lower() for v in values]
    assert directives == {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"],
                          "script-src": [f"'sha256-{digest}'"],
                          "base-uri": ["'none'"], "form-action": ["'none'"]}  # fmt: skip
