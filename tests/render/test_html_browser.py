"""The HTML brief in headless Chromium: click a claim, its span is marked; no script runs.

Needs Debian's ``chromium`` and the ``playwright`` Python package (no
``playwright install``). Skipped when missing, unless SUMMARIZER_REQUIRE_BROWSER=1
(CI), where missing pieces fail the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from headless import chromium

from summarizer.render.html import to_html
from summarizer.schema import ArticleBrief

pytestmark = pytest.mark.browser


FILLER = "".join(f"Paragraph {k} of background about the harbour and its history.\n\n"
                 for k in range(60))
ARTICLE = (
    "Mayor Ines Halvorsen said the dredging would start in May.\n\n"
    "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">\n\n"
    + FILLER
    + "Two board members, speaking on condition of anonymity, said the vote was 4 to 3.\n"
)


def ev(quote: str) -> dict[str, object]:
    start = ARTICLE.index(quote)
    return {"text": quote, "start": start, "end": start + len(quote)}


def brief() -> ArticleBrief:
    return ArticleBrief.model_validate({
        "summary": "Dredging starts in May after a close vote.",
        "sources": [
            {"id": "s1", "label": "Mayor Ines Halvorsen", "anonymous": False,
             "evidence": [ev("Mayor Ines Halvorsen said")]},
            {"id": "s2", "label": "Two board members", "anonymous": True, "count": 2,
             "evidence": [ev("Two board members")]},
        ],
        "claims": [
            {"id": "c1", "statement": "The dredging will start in May.", "source_id": "s1",
             "attribution": "paraphrase", "evidence": [ev("the dredging would start in May")]},
            {"id": "c2", "statement": "The board vote was 4 to 3.", "source_id": "s2",
             "attribution": "paraphrase", "evidence": [ev("said the vote was 4 to 3")]},
        ],
        "meta": {"engine": "offline"},
    })


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from chromium()


def test_clicking_a_claim_marks_and_shows_its_span(browser: Any, tmp_path: Path) -> None:
    page_file = tmp_path / "brief.html"
    page_file.write_text(to_html(brief(), ARTICLE), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 700})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(page_file.as_uri())

    assert page.locator("mark.marked").count() == 0
    page.get_by_role("button", name="The board vote was 4 to 3.").click()
    marked = page.locator("mark.marked")
    assert marked.count() >= 1
    assert "".join(marked.all_text_contents()) == "said the vote was 4 to 3"
    assert marked.first.is_visible()
    assert marked.first.evaluate(
        "el => { const r = el.getBoundingClientRect(), a = document.getElementById('article')"
        ".getBoundingClientRect(); return r.top >= a.top && r.bottom <= a.bottom; }"
    ), "the marked span was not scrolled into view"
    page.screenshot(path=str(tmp_path / "clicked.png"))
    assert (tmp_path / "clicked.png").stat().st_size > 1000

    page.get_by_role("button", name="The dredging will start in May.").click()
    assert "".join(page.locator("mark.marked").all_text_contents()) == (
        "the dredging would start in May")
    assert requests == [page_file.as_uri()]  # nothing loaded from anywhere else
    assert errors == []
    page.close()


def test_script_in_the_article_does_not_run(browser: Any, tmp_path: Path) -> None:
    page_file = tmp_path / "brief.html"
    page_file.write_text(to_html(brief(), ARTICLE), encoding="utf-8")
    page = browser.new_page()
    page.goto(page_file.as_uri())
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    article = page.locator("#article")
    assert article.locator("script, img").count() == 0
    assert "<script>window.__pwned = 1</script>" in article.inner_text()
    page.close()
