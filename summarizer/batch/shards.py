"""Corpora: inputs in many shards (JSONL, Parquet), and briefs written in shards.

Inputs: a Parquet file with an ``id`` column and a ``text`` (or ``url``) column; a
glob (``corpus/*.parquet``, quoted) or a folder of ``.jsonl`` / ``.parquet`` shards.
Items keep the order of the sorted shard names, then of the rows.

Outputs (``--out-format jsonl|parquet``): the items, in input order, cut into shards
of ``shard_size``; shard ``N`` is ``OUT/briefs-NNNNN.jsonl`` (or ``.parquet``), one
record per briefed article (the record ``--out-format files`` writes as one file).
Each shard is briefed through a staging folder (one file per article, resumable as
ever), then written whole, atomically, and its staging folder removed. A rerun
skips the articles a shard already holds and briefs the rest (failed ones) again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.errors import ConfigError, InputError

# The command line imports this module for OutFormat: what else it needs loads lazily.
if TYPE_CHECKING:
    from summarizer.batch.items import Item
    from summarizer.batch.run import BatchReport, ItemResult
    from summarizer.batch.runners import Runner
    from summarizer.engines import EngineIdentity
    from summarizer.schema import ArticleBrief

SHARD_SUFFIXES = (".jsonl", ".parquet")
GLOB_CHARS = frozenset("*?[")
STAGING = "_staging"
PYARROW_MISSING = ("Parquet needs pyarrow: pip install 'summarizer[parquet]' "
                   "(or the 'ray' extra)")  # fmt: skip


class OutFormat(StrEnum):
    files = "files"
    jsonl = "jsonl"
    parquet = "parquet"


def pyarrow_parquet() -> Any:
    """``pyarrow.parquet``, or a ConfigError saying how to install it."""
    try:
        import pyarrow.parquet
    except ImportError:
        raise ConfigError(PYARROW_MISSING) from None
    return pyarrow.parquet


# --------------------------------------------------------------------------- #
# Inputs
# --------------------------------------------------------------------------- #


def read_corpus(source: Path) -> list[Item]:
    """What ``summarizer batch INPUT`` briefs: shards (below), else ``items.read_inputs``."""
    from summarizer.batch.items import read_inputs

    found = shard_files(source)
    return read_inputs(source) if found is None else read_shards(found)


def shard_files(source: Path) -> list[Path] | None:
    """The shards ``source`` names (a glob, a ``.parquet`` file, or a folder holding
    ``.jsonl``/``.parquet`` files and no articles), or None when it names none of those."""
    import glob

    text = str(source)
    if GLOB_CHARS & set(text) and not source.exists():
        found = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        if not found:
            raise InputError(f"{source}: no file matches this pattern")
        return found
    if source.is_file() and source.suffix.lower() == ".parquet":
        return [source]
    if source.is_dir():
        files = [p for p in source.iterdir() if p.is_file()]
        shards = sorted(p for p in files if p.suffix.lower() in SHARD_SUFFIXES)
        articles = [p for p in files if p.suffix.lower() in (".txt", ".html", ".htm")]
        if shards and not articles:
            return shards
    return None


def read_shards(paths: list[Path]) -> list[Item]:
    """Every shard's items, ids unique across shards (a repeated id is a failed item)."""
    from summarizer.batch.items import Item, _jsonl_items

    items: list[Item] = []
    seen: set[str] = set()
    for path in paths:
        if path.suffix.lower() == ".parquet":
            found = parquet_items(path)
        elif path.suffix.lower() == ".jsonl":
            found = _jsonl_items(path)
        else:
            raise InputError(f"{path}: a shard must be .jsonl or .parquet")
        for number, item in enumerate(found, start=1):
            if item.id in seen or (item.error and len(paths) > 1):
                why = item.error or f"item {number}: duplicate id {item.id!r}"
                item = Item(id=f"{path.name}:{number}", error=f"{path.name}: {why}")
            seen.add(item.id)
            items.append(item)
    if not items:
        raise InputError(f"{paths[0]}: no articles in {len(paths)} shard(s)")
    return items


def parquet_items(path: Path) -> list[Item]:
    """The rows of a Parquet file with ``id`` and ``text`` (or ``url``) columns."""
    table, columns = open_parquet(path)
    items: list[Item] = []
    number = 0
    for batch in table.iter_batches(columns=columns, batch_size=4096):
        for row in batch.to_pylist():
            number += 1
            items.append(row_item(row, number))
    return items


def open_parquet(path: Path) -> tuple[Any, list[str]]:
    """The ``pyarrow.parquet.ParquetFile`` and which of ``id``, ``text``, ``url`` it has
    (``text`` or ``url`` required)."""
    parquet = pyarrow_parquet()
    try:
        table = parquet.ParquetFile(path)
        names = set(table.schema_arrow.names)
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: not a readable Parquet file ({error})") from None
    if not names & {"text", "url"}:
        raise InputError(f"{path}: needs a \"text\" or \"url\" column (has: "
                         f"{', '.join(sorted(names))})")  # fmt: skip
    return table, [c for c in ("id", "text", "url") if c in names]


def row_id(raw: Any, number: int) -> str:
    """A row's item id: its ``id`` (a string or an integer), else ``row-<number>``."""
    return str(raw) if isinstance(raw, str | int) and str(raw) else f"row-{number}"


def row_item(row: dict[str, Any], number: int) -> Item:
    from summarizer.batch.items import Item

    item_id = row_id(row.get("id"), number)
    if isinstance(row.get("text"), str):
        return Item(id=item_id, text=row["text"])
    if isinstance(row.get("url"), str):
        return Item(id=item_id, url=row["url"])
    return Item(id=item_id, error=f"row {number}: needs a \"text\" or \"url\" string")


# --------------------------------------------------------------------------- #
# Outputs
# --------------------------------------------------------------------------- #


@dataclass
class Shard:
    number: int
    items: list[Item]
    path: Path

    @property
    def staging(self) -> Path:
        return self.path.parent / STAGING / self.path.stem


def plan_shards(items: list[Item], out_dir: Path, fmt: OutFormat, size: int) -> list[Shard]:
    """``items`` in shards of ``size``, each with its output file."""
    if size < 1:
        raise InputError("--shard-size must be at least 1")
    if fmt is OutFormat.parquet:
        pyarrow_parquet()  # refused before any work
    return [
        Shard(n, items[start : start + size], out_dir / f"briefs-{n:05d}.{fmt.value}")
        for n, start in enumerate(range(0, len(items), size))
    ]


def shard_ids(path: Path) -> set[str]:
    """The article ids a shard file holds (none when there is no such file)."""
    return {str(record["article"]["id"]) for record in read_records(path)}


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a shard file: JSONL lines, or the ``record`` column of a Parquet file."""
    if not path.exists():
        return
    if path.suffix == ".parquet":
        table = pyarrow_parquet().read_table(path, columns=["record"])
        for value in table.column("record").to_pylist():
            yield json.loads(value)
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def write_shard(path: Path, records: Iterable[dict[str, Any]]) -> None:
    """All of a shard's records in one atomic write."""
    rows = list(records)
    if path.suffix == ".parquet":
        import io

        import pyarrow

        table = pyarrow.table({
            "id": [str(r["article"]["id"]) for r in rows],
            "sha256": [r["article"].get("sha256") for r in rows],
            "record": [json.dumps(r, ensure_ascii=False) for r in rows],
        })  # fmt: skip
        buffer = io.BytesIO()
        pyarrow_parquet().write_table(table, buffer, compression="zstd")
        _write_bytes(path, buffer.getvalue())
    else:
        from summarizer.inputs.files import write_atomic

        write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


class KeepOpen:
    """A runner shared by several runs (the shards): each run's ``close`` is not its end."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.engine = runner.engine

    async def identify(self) -> EngineIdentity:
        return await self.runner.identify()

    async def brief(self, text: str) -> ArticleBrief:
        return await self.runner.brief(text)

    def close(self) -> None:
        pass


def run_sharded(
    shards: list[Shard],
    brief_into: Callable[[list[Item], Path], BatchReport],
    on_result: Callable[[ItemResult], None] | None = None,
) -> BatchReport:
    """Brief each shard's missing articles into its staging folder (``brief_into``), then
    write the shard whole; the reports of every shard in one, written to OUT."""
    import shutil

    from summarizer.batch.run import BatchReport, ItemResult, _write_report

    whole = BatchReport()
    for shard in shards:
        held = shard_ids(shard.path)
        todo = [item for item in shard.items if item.id not in held]
        for item in shard.items:
            if item.id in held:
                whole.results.append(ItemResult(item.id, "skipped", output=str(shard.path)))
                if on_result is not None:
                    on_result(whole.results[-1])
        if not todo:
            continue
        report = brief_into(todo, shard.staging)
        whole.seconds += report.seconds
        staged = [_staged(shard.staging, item) for item in todo]
        records = [*read_records(shard.path), *(r for r in staged if r is not None)]
        write_shard(shard.path, records)
        for result in report.results:
            result.output = str(shard.path) if result.status != "failed" else None
        whole.results += report.results
        shutil.rmtree(shard.staging, ignore_errors=True)
    if shards:
        out_dir = shards[0].path.parent
        if (out_dir / STAGING).is_dir() and not any((out_dir / STAGING).iterdir()):
            (out_dir / STAGING).rmdir()
        try:
            _write_report(out_dir, whole)
        except InputError as error:
            whole.report_error = str(error)
    return whole


def _write_bytes(path: Path, data: bytes) -> None:
    """``data`` to ``path``, all or nothing: a temporary file, fsync, rename."""
    import tempfile

    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o666 & ~_umask())  # what open() would give, not mkstemp's 0600
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise InputError(f"{path}: cannot write ({error.strerror})") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _staged(folder: Path, item: Item) -> dict[str, Any] | None:
    try:
        record: dict[str, Any] = json.loads(
            (folder / f"{item.file_stem}.json").read_text(encoding="utf-8")
        )
    except (OSError, ValueError):
        return None
    return record
