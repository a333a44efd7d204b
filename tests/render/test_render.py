"""Renderings people read: Markdown, self-contained HTML, the terminal; and cost."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pytest
from fakes import FakeEngine

from summarizer.engines import create
from summarizer.errors import ConfigError, InputError
from summarizer.inputs import LoadedArticle
from summarizer.pricing import Price, cost_usd, price_from_env
from summarizer.render import SUFFIXES, Format, file_suffix, render
from summarizer.render.html import SCRIPT, to_html
from summarizer.render.markdown import to_markdown
from summarizer.render.records import to_article_json
from summarizer.render.terminal import print_terminal, to_terminal
from summarizer.schema import ArticleBrief, Usage

ARTICLE = (
    "Mayor Ines Halvorsen said the dredging would start in May.\n\n"
    "Two board members, speaking on condition of anonymity, said the vote was 4 to 3.\n"
    "The sediment study has not been published. <script>window.__pwned = 1</script> "
    "Critics say \"the costs & risks\" were hidden."
)


def ev(quote: str) -> dict[str, object]:
    start = ARTICLE.index(quote)
    return {"text": quote, "start": start, "end": start + len(quote)}


def make_brief(**meta: object) -> ArticleBrief:
    return ArticleBrief.model_validate({
        "summary": "The harbour dredging starts in May after a close board vote.",
        "parties": [
            {"id": "p1", "name": "Ines Halvorsen", "kind": "person", "aliases": ["Halvorsen"]},
        ],
        "sources": [
            {"id": "s1", "label": "Mayor Ines Halvorsen", "anonymous": False, "party_id": "p1",
             "evidence": [ev("Mayor Ines Halvorsen said")]},
            {"id": "s2", "label": "Two board members", "anonymous": True, "count": 2,
             "anonymity_reason": "not stated", "evidence": [ev("Two board members")]},
        ],
        "claims": [
            {"id": "c1", "statement": "The dredging will start in May.", "source_id": "s1",
             "attribution": "paraphrase", "evidence": [ev("the dredging would start in May")]},
            {"id": "c2", "statement": "The board vote was 4 to 3.", "source_id": "s2",
             "attribution": "paraphrase",
             "evidence": [ev("Two board members, speaking on condition of anonymity, said the "
                             "vote was 4 to 3")]},
            {"id": "c3", "statement": "Critics say the costs and risks were hidden.",
             "source_id": None, "attribution": "narration",
             "evidence": [ev("Critics say \"the costs & risks\" were hidden.")]},
        ],
        "unknowns": [
            {"id": "u1", "statement": "The sediment study has not been published.",
             "evidence": [ev("The sediment study has not been published.")]},
        ],
        "open_questions": [
            {"question": "Who wrote the sediment study?", "based_on": ["u1"]},
        ],
        "meta": {"engine": "llm", "model": "test-model",
                 "usage": {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500},
                 **meta},
    })


# --------------------------------------------------------------------------- #
# cost
# --------------------------------------------------------------------------- #


def test_cost_is_tokens_times_price_per_million() -> None:
    usage = Usage(prompt_tokens=1000, completion_tokens=500, total_tokens=1500)
    assert cost_usd(usage, Price(prompt=2.0, completion=8.0)) == pytest.approx(0.006)
    assert cost_usd(usage, None) is None


def test_price_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMARIZER_PRICE_PROMPT", raising=False)
    monkeypatch.delenv("SUMMARIZER_PRICE_COMPLETION", raising=False)
    assert price_from_env() is None
    monkeypatch.setenv("SUMMARIZER_PRICE_PROMPT", "0.15")
    monkeypatch.setenv("SUMMARIZER_PRICE_COMPLETION", "0.6")
    assert price_from_env() == Price(prompt=0.15, completion=0.6)
    monkeypatch.setenv("SUMMARIZER_PRICE_COMPLETION", "cheap")
    with pytest.raises(ConfigError, match="SUMMARIZER_PRICE_COMPLETION='cheap'"):
        price_from_env()


# --------------------------------------------------------------------------- #
# markdown
# --------------------------------------------------------------------------- #


def test_markdown_groups_claims_under_their_source_with_quotes() -> None:
    md = to_markdown(make_brief())
    mayor = md.index("### Mayor Ines Halvorsen")
    board = md.index("### ⚠ Two board members (anonymous)")
    article = md.index("### The article itself (unattributed)")
    assert mayor < md.index("- The dredging will start in May.") < board
    assert board < md.index("- The board vote was 4 to 3.") < article
    start = ARTICLE.index("the dredging would start")
    assert f"> “the dredging would start in May” [{start}:{start + 31}]" in md


def test_markdown_has_every_section_and_flags_anonymous_sources() -> None:
    md = to_markdown(make_brief())
    sections = ["# Brief", "## Parties", "## Claims by source", "## Sources", "## Unknowns",
                "## Open questions"]
    positions = [md.index(s + "\n") for s in sections]
    assert positions == sorted(positions)
    assert "- **⚠ Two board members (anonymous)** (count: 2; reason given: not stated)" in md
    assert "- **Mayor Ines Halvorsen**\n" in md
    assert "- **Ines Halvorsen** — person (also: Halvorsen)" in md
    assert "- Who wrote the sediment study?" in md


def test_markdown_quote_spanning_lines_stays_on_one_line() -> None:
    md = to_markdown(make_brief())
    assert "> “Two board members, speaking on condition of anonymity, said the vote" in md
    for line in md.splitlines():
        if line.startswith("  > "):
            assert line.endswith("]")


def test_meta_shows_tokens_and_cost_only_with_a_price() -> None:
    without = to_markdown(make_brief())
    assert "tokens: 1500 (1000 in, 500 out)" in without
    assert "cost:" not in without
    priced = to_markdown(make_brief(), Price(prompt=2.0, completion=8.0))
    assert "cost: $0.0060" in priced


def test_article_json_carries_the_text_the_offsets_index_into() -> None:
    record = json.loads(to_article_json(make_brief(), ARTICLE, "http://example.test/a"))
    text = record["article"]["text"]
    assert text == ARTICLE
    for claim in record["brief"]["claims"]:
        for e in claim["evidence"]:
            assert text[e["start"]:e["end"]] == e["text"]


def render_loaded(brief: ArticleBrief, fmt: str, loaded: LoadedArticle) -> str:
    """What ``summarize`` writes for an article loaded from a file or a URL."""
    return render(brief, fmt, article=loaded.text, extracted_from=loaded.extracted_from)


def test_json_of_a_page_carries_the_text_and_json_of_a_text_file_does_not() -> None:
    page = LoadedArticle(ARTICLE, "http://example.test/a", "url")
    record = json.loads(render_loaded(make_brief(), "json", page))
    assert (record["article"]["text"], record["article"]["source"]) == (ARTICLE, page.source)
    plain = json.loads(render_loaded(make_brief(), "json", LoadedArticle(ARTICLE, "a.txt", "text")))
    assert "article" not in plain and plain["summary"].startswith("The harbour")
    assert render_loaded(make_brief(), "html", page).count("<mark") >= 5


# --------------------------------------------------------------------------- #
# html
# --------------------------------------------------------------------------- #


class Page(HTMLParser):
    """Collects the text of <main id=article>, the text under each span id, and all URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_article = False
        self.open_ids: list[str] = []
        self.article = ""
        self.by_span: dict[str, str] = {}
        self.tags_in_article: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("src", "href", "action") and v]
        if tag == "main" and values.get("id") == "article":
            self.in_article = True
        elif self.in_article:
            self.tags_in_article.append(tag)
            self.open_ids = (values.get("data-ev") or "").split()

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_article = False
        self.open_ids = []

    def handle_data(self, data: str) -> None:
        if self.in_article:
            self.article += data
            for span in self.open_ids:
                self.by_span[span] = self.by_span.get(span, "") + data


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


def test_html_shows_the_exact_article_with_spans_at_their_offsets() -> None:
    brief = make_brief()
    page = parse(to_html(brief, ARTICLE))
    assert page.article == ARTICLE
    assert set(page.tags_in_article) == {"mark"}
    # Spans are numbered claims first, then sources, then unknowns.
    expected = [e.text for group in (brief.claims, brief.sources, brief.unknowns)
                for item in group for e in item.evidence]
    assert [page.by_span[f"e{n}"] for n in range(len(expected))] == expected


def test_html_article_script_is_text_not_code() -> None:
    html = to_html(make_brief(), ARTICLE)
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # the page's own


def test_html_is_self_contained() -> None:
    html = to_html(make_brief(), ARTICLE)
    assert parse(html).urls == []
    assert not re.search(r"https?://", html)
    assert "default-src 'none'" in html


def test_html_policy_allows_exactly_its_own_script() -> None:
    import base64
    import hashlib

    html = to_html(make_brief(), ARTICLE)
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html
    assert f"<script>{SCRIPT}</script>" in html


def test_html_claims_point_at_their_spans_and_carry_source_colours() -> None:
    html = to_html(make_brief(), ARTICLE)
    buttons = re.findall(r'<button[^>]*data-target="([^"]*)"[^>]*style="--c:([^"]+)"[^>]*>'
                         r"([^<]*)</button>", html)
    by_label = {label: (target, colour) for target, colour, label in buttons}
    mayor_target, mayor_colour = by_label["The dredging will start in May."]
    board_target, board_colour = by_label["The board vote was 4 to 3."]
    assert (mayor_target, board_target) == ("e0", "e1")
    assert mayor_colour != board_colour
    assert f'data-ev="e0" style="--c:{mayor_colour}"' in html


def test_html_evidence_not_in_the_article_gets_no_span() -> None:
    brief = make_brief()
    brief.claims[0].evidence[0].start += 1  # now points at the wrong text
    html = to_html(brief, ARTICLE)
    assert 'data-target="" style="--c:' in html and " disabled>" in html
    assert "The dredging will start in May.</button>" in html
    assert parse(html).article == ARTICLE


async def test_an_engine_brief_is_highlighted_where_its_evidence_is(
    fake_engine: type[FakeEngine],
) -> None:
    brief = await create("auto").abrief(ARTICLE)
    page = parse(render(brief, "html", article=ARTICLE))
    assert page.article == ARTICLE
    assert page.by_span["e0"] == brief.claims[0].evidence[0].text
    assert fake_engine.calls == 1


def test_render_html_needs_the_article() -> None:
    with pytest.raises(InputError, match="needs the article text"):
        render(make_brief(), "html")
    assert render(make_brief(), "html", article=ARTICLE).startswith("<!doctype html>")


# --------------------------------------------------------------------------- #
# terminal
# --------------------------------------------------------------------------- #


def test_terminal_view_shows_the_same_brief() -> None:
    from rich.console import Console

    buffer = io.StringIO()
    print_terminal(make_brief(), Console(file=buffer, width=120, color_system=None),
                   Price(prompt=2.0, completion=8.0))
    out = buffer.getvalue()
    for text in ("The harbour dredging starts in May", "⚠ Two board members (anonymous)",
                 "The board vote was 4 to 3.", "Who wrote the sediment study?",
                 "The sediment study has not been published.", "cost: $0.0060"):
        assert text in out


def test_terminal_string_is_coloured() -> None:
    out = to_terminal(make_brief())
    assert "\x1b[" in out
    assert "Mayor Ines Halvorsen" in out


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        render(make_brief(), "pdf")


def test_every_format_renders_and_every_file_format_has_a_suffix() -> None:
    for fmt in Format:
        assert render(make_brief(), fmt, article=ARTICLE).strip()
    assert [file_suffix(fmt) for fmt in SUFFIXES] == [".json", ".md", ".html"]
    with pytest.raises(InputError, match="the terminal format is for a terminal, not a file"):
        file_suffix(Format.terminal)


# --------------------------------------------------------------------------- #
# the first claims shown, the rest folded
# --------------------------------------------------------------------------- #

MANY = " ".join(f"Fact number {n} was reported." for n in range(1, 14))


def many_claims(count: int = 13) -> ArticleBrief:
    """``count`` claims in rank order, alternating between two sources."""
    def quote(n: int) -> dict[str, object]:
        text = f"Fact number {n} was reported."
        start = MANY.index(text)
        return {"text": text, "start": start, "end": start + len(text)}

    return ArticleBrief.model_validate({
        "summary": "Thirteen facts.",
        "sources": [{"id": "s1", "label": "Alpha", "anonymous": False},
                    {"id": "s2", "label": "Beta", "anonymous": False}],
        "claims": [{"id": f"c{n}", "statement": f"Claim {n:02d}.", "source_id": f"s{2 - n % 2}",
                    "attribution": "paraphrase", "evidence": [quote(n)]}
                   for n in range(1, count + 1)],
        "meta": {"engine": "offline"},
    })


class Folded(HTMLParser):
    """The text of each claim button, and whether it sits inside a <details>."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.in_button = False
        self.buttons: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag == "details"
        self.in_button = tag == "button"

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == "details"
        self.in_button = False

    def handle_data(self, data: str) -> None:
        if self.in_button and data.startswith("Claim"):
            self.buttons.append((data, self.depth > 0))


def test_html_shows_ten_claims_and_folds_the_rest_in_order() -> None:
    folded = Folded()
    folded.feed(to_html(many_claims(), MANY))
    shown = [label for label, inside in folded.buttons if not inside]
    hidden = [label for label, inside in folded.buttons if inside]
    # Grouped by source in the order of each source's first claim, ranks kept within a source.
    assert shown == ["Claim 01.", "Claim 03.", "Claim 05.", "Claim 07.", "Claim 09.",
                     "Claim 02.", "Claim 04.", "Claim 06.", "Claim 08.", "Claim 10."]
    assert hidden == ["Claim 11.", "Claim 13.", "Claim 12."]
    assert "<summary>3 more claims</summary>" in to_html(many_claims(), MANY)


def test_html_folded_claims_still_point_at_their_spans() -> None:
    page = parse(to_html(many_claims(), MANY))
    assert page.article == MANY
    assert sorted(page.by_span.values()) == sorted(f"Fact number {n} was reported."
                                                   for n in range(1, 14))


def test_markdown_folds_claims_past_the_first_ten() -> None:
    md = to_markdown(many_claims())
    head, _, folded = md.partition("<details>\n<summary>3 more claims</summary>\n")
    assert all(f"- Claim {n:02d}." in head for n in range(1, 11))
    assert not any(f"Claim {n}." in head for n in (11, 12, 13))
    body = folded.split("</details>")[0]
    assert [line for line in body.splitlines() if line.startswith("- Claim")] == [
        "- Claim 11. *(paraphrase)*", "- Claim 13. *(paraphrase)*", "- Claim 12. *(paraphrase)*"]


def test_terminal_shows_ten_claims_and_how_many_more() -> None:
    out = to_terminal(many_claims(), width=120)
    assert all(f"Claim {n:02d}." in out for n in range(1, 11))
    assert "Claim 11." not in out and "Claim 13." not in out
    assert "… and 3 more claims" in out


def test_how_many_claims_are_shown_is_an_option_and_json_keeps_all() -> None:
    md = render(many_claims(), "markdown", claims_shown=2)
    assert "<summary>11 more claims</summary>" in md
    assert "… and 1 more claim\x1b" in render(many_claims(), "terminal", claims_shown=12)
    ten = many_claims(10)
    for fmt in ("markdown", "html", "terminal"):
        out = render(ten, fmt, article=MANY)
        assert "more claim" not in out and "Claim 10." in out
    assert len(json.loads(render(many_claims(), "json"))["claims"]) == 13
