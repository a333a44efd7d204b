"""What a batch keys, keeps and recognises: cache keys of engines that name no model,
the cost a runner put on its own tokens, finished records read back whatever the
process locale."""

from __future__ import annotations

import json
import locale
from pathlib import Path

import pytest
from locales import ascii_locale
from test_batch import RecordingEngine, brief_of, run

from summarizer.batch.cache import BriefCache, CacheKey, key_for
from summarizer.batch.items import Item
from summarizer.engines import EngineIdentity
from summarizer.pricing import Price
from summarizer.schema import ArticleBrief


def test_an_engine_naming_no_model_keys_its_briefs_with_empty_fields(tmp_path: Path) -> None:
    # Empty, not a placeholder: no model name can collide with it, and caches already on
    # disk hold such entries under '' (the rows below are written as they are stored).
    key = key_for("sha", EngineIdentity("offline"))
    assert key == CacheKey("sha", "offline", "", "")
    cache = BriefCache(tmp_path)
    cache._db.execute("INSERT INTO briefs VALUES ('sha', 'offline', '', '', '{}', 0)")
    cache._db.commit()
    assert cache.get(key) == "{}"


def test_a_rerun_in_an_ascii_locale_skips_a_finished_non_ascii_article(tmp_path: Path) -> None:
    article = [Item(id="cafe", text="Café owners in Zürich said prices will rise.\n")]
    assert run(article, RecordingEngine(), tmp_path).count("done") == 1
    engine = RecordingEngine()
    with ascii_locale():
        assert locale.getpreferredencoding(False) != "UTF-8"  # else this proves nothing
        again = run(article, engine, tmp_path)
    assert [(r.id, r.status) for r in again.results] == [("cafe", "skipped")]
    assert engine.calls == []


class HalfPriceEngine(RecordingEngine):
    """Prices its own tokens, as the Batch API runner does (half the list price)."""

    async def abrief(self, text: str) -> ArticleBrief:
        brief = brief_of(text)  # 80 prompt and 20 completion tokens
        brief.meta.cost_usd = 0.0014
        return brief


def test_a_runner_that_prices_its_own_tokens_keeps_its_price(tmp_path: Path) -> None:
    # At the list price (10 $ / 1M prompt, 100 $ / 1M completion tokens) the brief
    # would cost 80 * 10e-6 + 20 * 100e-6 = 0.0028; the runner said 0.0014.
    price = Price(prompt=10.0, completion=100.0)
    report = run([Item(id="a", text="Story is told here.\n")], HalfPriceEngine(), tmp_path,
                 price=price)  # fmt: skip
    record = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert record["brief"]["meta"]["cost_usd"] == pytest.approx(0.0014)
    assert report.results[0].cost_usd == pytest.approx(0.0014)


def test_a_cached_brief_keeps_the_price_it_was_made_at(tmp_path: Path) -> None:
    # Made through a self-pricing runner at 0.0014; the list price would be 0.0028.
    price = Price(prompt=10.0, completion=100.0)
    article = [Item(id="a", text="Story is told here.\n")]
    cache = BriefCache(tmp_path / "cache")
    run(article, HalfPriceEngine(), tmp_path / "first", price=price, cache=cache)
    engine = RecordingEngine()
    again = run(article, engine, tmp_path / "second", price=price, cache=cache)
    assert engine.calls == [] and again.results[0].status == "cached"
    record = json.loads((tmp_path / "second" / "a.json").read_text(encoding="utf-8"))
    assert record["brief"]["meta"]["cost_usd"] == pytest.approx(0.0014)
