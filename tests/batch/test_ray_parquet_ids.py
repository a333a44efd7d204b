"""Parquet on Ray, the driver's side (no cluster): the ids read without the texts name
every item as ``read_shards`` does, and an actor's item made from a row's text and url
is ``read_shards``'s item."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from optional_deps import unavailable

from summarizer.batch.ray_parquet import Entry, read_ids, text_and_url
from summarizer.batch.shards import read_shards


@pytest.fixture(autouse=True)
def _pyarrow() -> None:
    if importlib.util.find_spec("pyarrow") is None:
        unavailable("RAY", "pyarrow not installed: pip install 'summarizer[parquet]'")


def write(path: Path, columns: dict[str, Any], **options: Any) -> Path:
    import pyarrow
    import pyarrow.parquet

    pyarrow.parquet.write_table(pyarrow.table(columns), path, **options)
    return path


def tricky(folder: Path) -> list[Path]:
    """Duplicates within and across shards, rows without id, text or a usable url, int
    ids, a binary "text" column, row groups with and without null texts."""
    import pyarrow

    folder.mkdir()
    return [
        write(folder / "1.parquet", {
            "id": ["a", None, "b", "a", "c", "d"],
            "text": ["t1", "t2", None, "t4", None, "t6"],
            "url": [None, None, "ftp://x", None, "https://e.com/c", None],
        }, row_group_size=2),
        write(folder / "2.parquet", {"id": [1, 1, 3], "url": ["https://e.com/1", None, "x"]}),
        write(folder / "3.parquet", {"id": ["b", "e", "f"], "text": ["tb", "te", "tf"]}),
        write(folder / "4.parquet", {
            "id": ["g", "h"], "text": pyarrow.array([b"x", None], pyarrow.binary()),
            "url": [None, "https://e.com/h"],
        }),
    ]  # fmt: skip


def rows_of(path: Path) -> list[dict[str, Any]]:
    """The row's text and url as an actor gets them (after ``text_and_url``)."""
    import pyarrow
    import pyarrow.parquet

    table = pyarrow.parquet.read_table(path)
    hashes = pyarrow.array(range(table.num_rows), pyarrow.uint64())
    return list(text_and_url(table.append_column("row_hash", hashes)).to_pylist())


@pytest.mark.parametrize("several", [False, True])
def test_ids_and_items_are_read_shards_ones(tmp_path: Path, several: bool) -> None:
    paths = tricky(tmp_path / "in")
    paths = paths if several else paths[:1]
    expected = read_shards(paths)
    items, corpus = read_ids(paths)
    assert [i.id for i in items] == [i.id for i in expected]
    assert all(i.text is None and i.url is None for i in items)  # ids only
    assert any(i.error for i in expected) and any(i.url for i in expected)
    rows = [rows_of(p) for p in paths]
    for item, want in zip(items, expected, strict=True):
        row = corpus.rows[item.id]
        values = rows[row.file][row.number - 1]
        made = Entry(item.id, "stem", paths[row.file].name, row, True).item(
            values["text"], values["url"]
        )
        assert (made.id, made.text, made.url, made.error) == (
            want.id, want.text, want.url, want.error
        )  # fmt: skip
        assert made.stem == "stem" and made.allow_private_url


def test_several_shards_are_named_without_reading_a_text_column_with_no_nulls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet

    paths = [write(tmp_path / f"{n}.parquet", {"id": [f"{n}a", f"{n}b"], "text": ["x", "y"]})
             for n in range(2)]  # fmt: skip
    asked: list[Any] = []
    for name in ("read", "read_row_group", "read_row_groups", "iter_batches"):
        original = getattr(pyarrow.parquet.ParquetFile, name)

        def spy(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            asked.append(kwargs.get("columns"))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(pyarrow.parquet.ParquetFile, name, spy)
    items, _ = read_ids(paths)
    assert [i.id for i in items] == ["0a", "0b", "1a", "1b"]
    assert asked and all(columns is not None and "text" not in columns for columns in asked)
