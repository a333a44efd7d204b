"""Corpora: Parquet and sharded inputs, and briefs written in JSONL/Parquet shards."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeEngine
from optional_deps import unavailable
from typer.testing import CliRunner

from summarizer.batch.shards import read_corpus, read_records
from summarizer.cli.app import app
from summarizer.errors import ConfigError, InputError


@pytest.fixture(autouse=True)
def _pyarrow() -> None:
    """pyarrow comes with the ray extra, which CI installs (SUMMARIZER_REQUIRE_RAY=1)."""
    if importlib.util.find_spec("pyarrow") is None:
        unavailable("RAY", "pyarrow not installed: pip install 'summarizer[parquet]'")


def text(n: int) -> str:
    return f"Article {n} says the council met on day {n}. Nothing else happened."


def write_parquet(path: Path, columns: dict[str, list[Any]]) -> Path:
    import pyarrow
    import pyarrow.parquet

    pyarrow.parquet.write_table(pyarrow.table(columns), path)
    return path


def write_jsonl(path: Path, ids: list[str]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "text": text(n)}) + "\n"
                            for n, i in enumerate(ids)))  # fmt: skip
    return path


def test_parquet_rows_become_items(tmp_path: Path) -> None:
    source = write_parquet(tmp_path / "in.parquet", {
        "id": ["a", "b", "c", None],
        "text": [text(1), None, None, text(4)],
        "url": [None, "https://example.com/b", None, None],
    })  # fmt: skip
    items = read_corpus(source)
    assert [i.id for i in items] == ["a", "b", "c", "row-4"]
    assert items[0].text == text(1) and items[1].url == "https://example.com/b"
    assert items[2].error == 'row 3: needs a "text" or "url" string'
    assert items[3].text == text(4)


def test_parquet_without_a_text_or_url_column_is_a_clear_error(tmp_path: Path) -> None:
    source = write_parquet(tmp_path / "in.parquet", {"id": ["a"], "body": ["x"]})
    with pytest.raises(InputError, match='needs a "text" or "url" column'):
        read_corpus(source)


def test_parquet_without_pyarrow_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_parquet(tmp_path / "in.parquet", {"id": ["a"], "text": ["x y"]})
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ConfigError, match=r"pip install 'summarizer\[parquet\]'"):
        read_corpus(source)


def test_a_glob_of_mixed_shards_reads_all_in_name_order(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "part-1.jsonl", ["a", "b"])
    write_parquet(tmp_path / "part-2.parquet", {"id": ["c", "a"], "text": [text(3), text(4)]})
    write_jsonl(tmp_path / "other.jsonl", ["z"])
    items = read_corpus(tmp_path / "part-*")
    assert [i.id for i in items][:3] == ["a", "b", "c"]
    assert items[3].error == "part-2.parquet: item 2: duplicate id 'a'"
    assert len({i.id for i in items}) == 4


def test_a_folder_of_shards_is_read_as_one_corpus(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "b.jsonl", ["y"])
    write_jsonl(tmp_path / "a.jsonl", ["x"])
    assert [i.id for i in read_corpus(tmp_path)] == ["x", "y"]


def test_a_glob_matching_nothing_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no file matches"):
        read_corpus(tmp_path / "nothing-*.jsonl")


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(app, ["batch", *args, "--engine", "llm", "--no-cache"])


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_sharded_output_is_resumable_per_shard(
    tmp_path: Path, fake_engine: type[FakeEngine], fmt: str
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", ["a", "b", "c", "d", "e"])
    out = tmp_path / "out"
    args = (str(source), "--out", str(out), "--out-format", fmt, "--shard-size", "2")
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    shards = sorted(p.name for p in out.glob("briefs-*"))
    assert shards == [f"briefs-0000{n}.{fmt}" for n in range(3)]
    records = [r for p in sorted(out.glob("briefs-*")) for r in read_records(p)]
    assert [r["article"]["id"] for r in records] == ["a", "b", "c", "d", "e"]
    assert records[2]["article"]["text"] == text(2)
    assert records[2]["brief"]["claims"][0]["evidence"][0]["text"] == (
        "Article 2 says the council met on day 2."
    )
    assert not (out / "_staging").exists() and fake_engine.calls == 5
    report = json.loads((out / "_batch_report.json").read_text())
    assert report["counts"]["done"] == 5

    before = (out / f"briefs-00001.{fmt}").read_bytes()
    (out / f"briefs-00002.{fmt}").unlink()
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    assert fake_engine.calls == 6  # only the lost shard's one article again
    assert (out / f"briefs-00001.{fmt}").read_bytes() == before
    assert [r["article"]["id"] for r in read_records(out / f"briefs-00002.{fmt}")] == ["e"]


def test_a_failed_article_is_briefed_again_into_its_shard(
    tmp_path: Path, fake_engine: type[FakeEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", ["a", "b", "c"])
    out = tmp_path / "out"
    args = (str(source), "--out", str(out), "--out-format", "jsonl", "--shard-size", "3")
    real = FakeEngine.abrief

    async def failing_b(self: FakeEngine, article: str) -> Any:
        if "day 1." in article:
            raise RuntimeError("scripted failure")
        return await real(self, article)

    monkeypatch.setattr(FakeEngine, "abrief", failing_b)
    result = run_cli(*args)
    assert result.exit_code == 1
    assert [r["article"]["id"] for r in read_records(out / "briefs-00000.jsonl")] == ["a", "c"]
    monkeypatch.setattr(FakeEngine, "abrief", real)
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    ids = sorted(r["article"]["id"] for r in read_records(out / "briefs-00000.jsonl"))
    assert ids == ["a", "b", "c"]


def test_renderings_need_one_file_per_article(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", ["a"])
    result = run_cli(str(source), "--out", str(tmp_path / "out"), "--out-format", "jsonl",
                     "--format", "markdown")  # fmt: skip
    assert result.exit_code == 2
    assert "--format markdown/html needs --out-format files" in result.output
