"""What a batch briefs: the items of a folder or a JSONL file, and the text of each."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from summarizer.api import check_text
from summarizer.errors import InputError
from summarizer.inputs import load_article
from summarizer.inputs.files import read_text
from summarizer.text import text_hash

INPUT_SUFFIXES = (".txt", ".html", ".htm")


@dataclass
class Item:
    """One article to brief: inline text, a file, or a URL. ``error`` marks a bad input line."""

    id: str
    text: str | None = None
    path: Path | None = None
    url: str | None = None
    error: str | None = None

    @property
    def file_stem(self) -> str:
        return safe_name(self.id)


def safe_name(item_id: str) -> str:
    """A file name for an id: unsafe characters replaced, a hash added if anything changed."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", item_id).lstrip(".")[:80] or "article"
    if cleaned != item_id:
        cleaned += "-" + text_hash(item_id)[:8]
    return cleaned


def read_inputs(source: Path) -> list[Item]:
    """A folder of .txt/.html files or a JSONL file -> the items, in a stable order."""
    if not source.exists():
        raise InputError(f"{source}: no such file or folder")
    if source.is_dir():
        return _folder_items(source)
    return _jsonl_items(source)


def check_out_dir(source: Path, out_dir: Path) -> None:
    """Refuse an output folder that is a file, or the input folder (outputs would become inputs)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: is a file; --out needs a folder")
    if source.is_dir() and out_dir.resolve() == source.resolve():
        raise InputError(f"{out_dir}: is the input folder; choose another --out")


def load_item(item: Item) -> tuple[str, str]:
    """The item's text to brief (checked) and where it came from ("inline", a path, a URL)."""
    if item.error:
        raise InputError(item.error)
    if item.text is not None:
        return check_text(item.text), "inline"
    loaded = load_article(item.url or str(item.path))
    return check_text(loaded.text), loaded.source


def _folder_items(folder: Path) -> list[Item]:
    files = sorted(
        p for p in folder.iterdir() if p.suffix.lower() in INPUT_SUFFIXES and p.is_file()
    )
    if not files:
        raise InputError(f"{folder}: no .txt or .html files in this folder")
    stems = [p.stem for p in files]
    return [Item(id=p.stem if stems.count(p.stem) == 1 else p.name, path=p) for p in files]


def _jsonl_items(path: Path) -> list[Item]:
    items: list[Item] = []
    seen: set[str] = set()
    for number, line in enumerate(read_text(str(path)).splitlines(), start=1):
        if line.strip():
            item = _parse_line(line, number)
            if item.id in seen:
                item = Item(id=f"line-{number}", error=f"line {number}: duplicate id {item.id!r}")
            seen.add(item.id)
            items.append(item)
    if not items:
        raise InputError(f"{path}: no articles (expected one JSON object per line)")
    return items


def _parse_line(line: str, number: int) -> Item:
    fallback = f"line-{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Item(id=fallback, error=f"line {number}: not JSON ({error.msg})")
    if not isinstance(record, dict):
        return Item(id=fallback, error=f"line {number}: expected a JSON object")
    raw_id = record.get("id", fallback)
    item_id = str(raw_id) if isinstance(raw_id, str | int) and str(raw_id) else fallback
    text, url = record.get("text"), record.get("url")
    if isinstance(text, str):
        return Item(id=item_id, text=text)
    if isinstance(url, str):
        return Item(id=item_id, url=url)
    return Item(id=item_id, error=f"line {number}: needs a \"text\" or \"url\" string")
