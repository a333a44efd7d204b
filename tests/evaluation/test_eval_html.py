"""report.html: scores per column, each case's labels beside each column's brief, misses
and false positives marked; hostile text stays text. The browser tests need Debian's
``chromium`` and the ``playwright`` package; skipped when missing, unless
SUMMARIZER_REQUIRE_BROWSER=1 (CI), where missing pieces fail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eval_helpers import CASES, ROOT, PartyDroppingEngine, PerfectEngine, fake_polnear
from headless import chromium

from summarizer.config import LLMSettings
from summarizer.engines import EngineIdentity
from summarizer.evaluation import cases as ev
from summarizer.evaluation import report as reports
from summarizer.evaluation.columns import Column
from summarizer.evaluation.html_report import to_html
from summarizer.evaluation.runner import run_eval
from summarizer.evaluation.side_by_side import ColumnRun
from summarizer.schema import ArticleBrief, Party

HOSTILE = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>'


class HostileEngine(PartyDroppingEngine):
    """Forgets the first labelled party and adds one no label has, named with markup."""

    def answer(self, text: str) -> ArticleBrief:
        brief = super().answer(text)
        brief.parties.append(Party(id="px", name=HOSTILE, kind="other"))
        brief.summary = HOSTILE
        return brief


def column_run(name: str, engine: PerfectEngine, polnear: Path) -> ColumnRun:
    run = run_eval(ev.load_cases(CASES), engine, ev.Articles(ROOT, polnear))
    report = reports.build_report(run.results, engine=EngineIdentity("offline"), cases_dir="c")
    return ColumnRun(Column(name, "offline", LLMSettings()), run.results, report)


@pytest.fixture
def page_html(tmp_path: Path) -> str:
    polnear = fake_polnear(tmp_path)
    runs = [column_run("perfect", PerfectEngine(), polnear),
            column_run("hostile <b>", HostileEngine(), polnear)]
    return to_html(runs)


def test_hostile_text_is_escaped(page_html: str) -> None:
    assert "<img" not in page_html and "<script" not in page_html
    assert "&lt;img src=x onerror=&quot;window.__pwned = 1&quot;&gt;" in page_html
    assert "hostile &lt;b&gt;" in page_html and "<b>" not in page_html
    assert "script-src" not in page_html and "default-src 'none'" in page_html


def test_misses_and_false_positives_are_marked(page_html: str) -> None:
    # hostile forgets Jane Okafor (council) and Maria Lopez (senate), adds one party each
    assert page_html.count('<li class="miss">') == 2
    assert page_html.count('<li class="extra">') == 2
    assert page_html.count("missed by hostile &lt;b&gt;") == 2
    assert '<li class="miss">Jane Okafor<span class="badge">' in page_html


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from chromium()


@pytest.mark.browser
def test_report_in_the_browser(browser: Any, page_html: str, tmp_path: Path) -> None:
    page_file = tmp_path / "report.html"
    page_file.write_text(page_html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    page.wait_for_timeout(200)

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("body img, body script").count() == 0
    headings = page.locator("table thead th").all_text_contents()
    assert headings == ["metric", "perfect", "hostile <b>"]
    recall = page.locator("tr", has_text="parties.recall").first.locator("td")
    assert recall.all_text_contents() == ["parties.recall", "1.00", "0.60"]

    council = page.locator("#case-mini-council-vote")
    missed = council.locator(".labels li.miss")
    assert missed.count() == 1 and missed.first.inner_text().startswith("Jane Okafor")
    assert "missed by hostile <b>" in missed.first.inner_text()
    extra = council.locator(".brief li.extra")
    assert extra.count() == 1 and extra.first.inner_text().startswith(HOSTILE)
    colour = extra.first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(255, 241, 194)"  # marked, not just labelled
    panes = council.locator(".pane")
    assert panes.count() == 3  # labels, perfect, hostile: side by side
    boxes = [panes.nth(k).bounding_box() for k in range(3)]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    assert abs(boxes[0]["y"] - boxes[2]["y"]) < 1
    assert requests == [page_file.as_uri()]
    page.close()
