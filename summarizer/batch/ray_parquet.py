"""Parquet inputs on Ray: the workers read the texts; the driver reads only the ids.

``read_ray_corpus`` gives the items of a Parquet corpus with the ids, order, duplicate
and bad-row rules of ``shards.read_shards``, from the ``id`` column (and, for several
shards, the ``url`` column and the ``text`` column's null counts), and where each item
is: its file and row. ``parquet_dataset`` reads the ``text`` and ``url`` columns with
``ray.data.read_parquet`` in the workers, each row tagged with Ray's ``row_hash`` (a
hash of its file and position). ``make_plan`` maps the hashes of the rows to brief to
their item, so an actor makes its items itself (``plan_items``) and drops the rows
that are not to be briefed (those a resumed run's output shards already hold).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.errors import SummarizerError

if TYPE_CHECKING:
    from summarizer.batch.items import Item

Columns = tuple[tuple[str, str], ...]  # (name, Arrow type) of the columns the workers read


@dataclass(frozen=True)
class Row:
    """Where an item of a Parquet corpus is, and how ``read_shards`` named it."""

    file: int  # index into ParquetRows.files
    number: int  # 1-based, as read_shards counts rows
    own_id: str  # the row's id (``row-<number>`` when it has none)
    renamed: bool  # read_shards named it "<file>:<number>" (a duplicate, or a bad row)


@dataclass
class ParquetRows:
    """The files of a Parquet corpus and each item's row: no text."""

    files: list[Path]  # resolved: the paths Ray is given and hashes rows by
    columns: list[Columns]
    rows: dict[str, Row]  # item id -> its row


@dataclass(frozen=True)
class Entry:
    """What an actor needs to make one item from its row's ``text`` and ``url``."""

    item_id: str
    stem: str
    file_name: str
    row: Row
    allow_private_url: bool

    def item(self, text: str | None, url: str | None) -> Item:
        from summarizer.batch.items import Item
        from summarizer.batch.shards import row_item

        number = self.row.number
        item = row_item({"id": self.row.own_id, "text": text, "url": url}, number)
        if self.row.renamed:  # as read_shards words it
            why = item.error or f"item {number}: duplicate id {item.id!r}"
            item = Item(id=self.item_id, error=f"{self.file_name}: {why}")
        item.stem = self.stem
        item.allow_private_url = self.allow_private_url
        return item


def read_ray_corpus(source: Path) -> tuple[list[Item], ParquetRows | None]:
    """The items ``summarizer batch INPUT --executor ray`` briefs. For Parquet shards
    (when this Ray tags rows with hashes): items with ids only, and their rows; for
    anything else, ``shards.read_corpus``'s items (and None)."""
    from summarizer.batch.items import read_inputs
    from summarizer.batch.shards import read_shards, shard_files

    found = shard_files(source)
    if found is None:
        return read_inputs(source), None
    if any(p.suffix.lower() != ".parquet" for p in found) or row_hashes() is None:
        return read_shards(found), None
    return read_ids(found)


def row_hashes() -> Any:
    """Ray's function giving a file's row hashes (those ``include_row_hash`` adds), or
    None when this Ray has none (older than 2.5x, or not installed)."""
    try:
        import ray.data
        from ray.data._internal.datasource_v2.common.synthesized_columns import (
            _compute_row_hashes,
        )
    except ImportError:
        return None
    if "include_row_hash" not in inspect.signature(ray.data.read_parquet).parameters:
        return None
    return _compute_row_hashes


def read_ids(paths: list[Path]) -> tuple[list[Item], ParquetRows]:
    """``read_shards(paths)``'s items for Parquet shards, with ids only, and their rows."""
    from summarizer.batch.items import Item
    from summarizer.errors import InputError

    corpus = ParquetRows([p.resolve() for p in paths], [], {})
    items: list[Item] = []
    seen: set[str] = set()
    for index, path in enumerate(paths):
        own_ids, bad, columns = _file_ids(path, several=len(paths) > 1)
        corpus.columns.append(columns)
        for number, (own_id, is_bad) in enumerate(zip(own_ids, bad, strict=True), start=1):
            renamed = own_id in seen or is_bad
            item_id = f"{path.name}:{number}" if renamed else own_id
            seen.add(item_id)
            items.append(Item(id=item_id))
            corpus.rows[item_id] = Row(index, number, own_id, renamed)
    if not items:
        raise InputError(f"{paths[0]}: no articles in {len(paths)} shard(s)")
    return items, corpus


def _file_ids(path: Path, *, several: bool) -> tuple[list[str], list[bool], Columns]:
    """Each row's id; which rows are bad (only counted for several shards, where
    read_shards renames them); the columns the workers are to read."""
    from summarizer.batch.shards import open_parquet, row_id
    from summarizer.inputs.web import is_url

    table, names = open_parquet(path)
    count = table.metadata.num_rows
    raw = _column(table, "id") if "id" in names else [None] * count
    ids = [row_id(value, number) for number, value in enumerate(raw, start=1)]
    columns = tuple((c, str(table.schema_arrow.field(c).type)) for c in names if c != "id")
    if not several:
        return ids, [False] * count, columns
    texts = _has_text(table) if "text" in names else [False] * count
    urls = _column(table, "url") if "url" in names else [None] * count
    bad = [not text and not (isinstance(url, str) and is_url(url))
           for text, url in zip(texts, urls, strict=True)]  # fmt: skip
    return ids, bad, columns


def _column(table: Any, name: str) -> list[Any]:
    return list(table.read(columns=[name]).column(name).to_pylist())


def _has_text(table: Any) -> list[bool]:
    """Which rows hold a ``text`` string: from each row group's null count, without
    reading the texts. A row group with nulls (text and url rows mixed) or without
    statistics is the exception: its texts are read, one row group at a time."""
    import pyarrow.compute

    if not _is_string(table.schema_arrow.field("text").type):
        return [False] * table.metadata.num_rows
    schema = table.metadata.schema
    column = [schema.column(i).path for i in range(len(schema))].index("text")
    flags: list[bool] = []
    for group in range(table.metadata.num_row_groups):
        meta = table.metadata.row_group(group)
        stats = meta.column(column).statistics
        if stats is not None and stats.has_null_count and stats.null_count == 0:
            flags += [True] * meta.num_rows
        else:
            texts = table.read_row_group(group, columns=["text"]).column("text")
            flags += pyarrow.compute.is_valid(texts).to_pylist()
    return flags


def _is_string(kind: Any) -> bool:
    """True for an Arrow type whose values read as ``str`` (what row_item accepts)."""
    import pyarrow

    types = pyarrow.types
    if types.is_dictionary(kind):
        kind = kind.value_type
    is_view = getattr(types, "is_string_view", lambda _: False)
    return bool(types.is_string(kind) or types.is_large_string(kind) or is_view(kind))


def make_plan(corpus: ParquetRows, items: list[Item]) -> dict[int, Entry]:
    """Row hash -> entry, for the rows of ``items`` (their stems assigned)."""
    hashes = row_hashes()
    plan: dict[int, Entry] = {}
    by_file: dict[int, list[tuple[Item, Row]]] = {}
    for item in items:
        row = corpus.rows[item.id]
        by_file.setdefault(row.file, []).append((item, row))
    for file, found in by_file.items():
        path = corpus.files[file]
        numbered = hashes(str(path), 0, max(row.number for _, row in found))
        for item, row in found:
            plan[int(numbered[row.number - 1])] = Entry(
                item.id, item.file_stem, path.name, row, item.allow_private_url
            )
    if len(plan) != len(items):  # a 64-bit hash collision: not seen in practice
        raise SummarizerError("two rows of the input have the same Ray row hash")
    return plan


def parquet_dataset(
    ray: Any, corpus: ParquetRows, plan: dict[int, Entry], actors: int
) -> Any:
    """The planned rows' files read by Ray's workers: ``row_hash``, ``text``, ``url``.
    Files whose columns differ in name or type are read apart and joined (Ray cannot
    merge an int ``id`` column with a string one). Reading reserves no CPU: the actors
    hold every CPU, and a read waiting for one would never start. Hence also Ray's
    first Parquet reader (the files listed here), not the second (Ray 2.5x), which
    lists them in a task of one CPU."""
    context = ray.data.DataContext.get_current()
    if hasattr(context, "use_datasource_v2"):
        context.use_datasource_v2 = False
    groups: dict[Columns, list[str]] = {}
    for file in sorted({entry.row.file for entry in plan.values()}):
        groups.setdefault(corpus.columns[file], []).append(str(corpus.files[file]))
    parts = [
        ray.data.read_parquet(
            paths, columns=[name for name, _ in columns], include_row_hash=True,
            file_extensions=None, partitioning=None, num_cpus=0, concurrency=actors,
        ).map_batches(text_and_url, batch_format="pyarrow", num_cpus=0)
        for columns, paths in groups.items()
    ]  # fmt: skip
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]


def text_and_url(batch: Any) -> Any:
    """A read batch as ``row_hash``, ``text``, ``url``: strings, or null where the row
    has none, or where its column is of another type (row_item reads only strings)."""
    import pyarrow

    def strings(name: str) -> Any:
        if name in batch.column_names and _is_string(batch.schema.field(name).type):
            return batch.column(name).cast(pyarrow.large_string())
        return pyarrow.nulls(batch.num_rows, pyarrow.large_string())

    return pyarrow.table(
        {"row_hash": batch.column("row_hash"), "text": strings("text"), "url": strings("url")}
    )


def plan_items(batch: Any, plan: dict[int, Entry]) -> list[Item]:
    """The items of a batch's planned rows; the other rows are not to be briefed."""
    rows = zip(batch.column("row_hash").to_pylist(), batch.column("text").to_pylist(),
               batch.column("url").to_pylist(), strict=True)  # fmt: skip
    return [plan[key].item(text, url) for key, text, url in rows if key in plan]
