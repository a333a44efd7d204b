"""What a batch briefs: the items of a folder or a JSONL file, and the text of each."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from summarizer.api import check_text
from summarizer.errors import InputError
from summarizer.inputs import load_article
from summarizer.inputs.files import decode
from summarizer.inputs.web import is_url
from summarizer.text import text_hash

INPUT_SUFFIXES = (".txt", ".html", ".htm")
REPORT_STEM = "_batch_report"  # the run's report is OUT/_batch_report.json: no article's name
OUTPUT_SUFFIXES = (".json", ".md", ".html")  # what a run may write into OUT
MAX_LINE_BYTES = 20 * 1024 * 1024  # one JSONL article; the file itself may be any size


@dataclass
class Item:
    """One article to brief: inline text, a file, or a URL. ``error`` marks a bad input line."""

    id: str
    text: str | None = None
    path: Path | None = None
    url: str | None = None
    error: str | None = None
    allow_private_url: bool = False  # may the URL reach loopback/private addresses
    stem: str | None = None  # set by assign_stems when safe_name(id) is taken

    def __post_init__(self) -> None:
        # A URL field fetches; it never reads a local file (those come as a folder).
        if self.url is not None and not is_url(self.url) and self.error is None:
            self.error = (f'"url" must be an http(s) URL, not {self.url!r} '
                          "(local files: give a folder of .txt/.html files)")

    @property
    def file_stem(self) -> str:
        return self.stem or safe_name(self.id)


def safe_name(item_id: str) -> str:
    """A file name for an id: unsafe characters replaced, a hash added if anything changed
    or if the id names the run's report."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", item_id).lstrip(".")[:80] or "article"
    if cleaned != item_id or cleaned.lower() == REPORT_STEM:
        cleaned += "-" + text_hash(item_id)[:8]
    return cleaned


def assign_stems(items: list[Item]) -> None:
    """Give every item an output name no other item has, ignoring case (as macOS and
    Windows do); the first keeps safe_name(id), a later one gets a hash of its id added.
    The same items in the same order get the same names on every run."""
    taken: set[str] = set()
    for item in items:
        stem = item.stem or safe_name(item.id)  # named already (over a whole Ray input)
        tries = 0
        while stem.lower() in taken:
            tries += 1
            stem = f"{safe_name(item.id)}-{text_hash(f'{item.id}#{tries}')[:8]}"
        taken.add(stem.lower())
        item.stem = stem


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
    inside = source.is_file() and source.resolve().parent == out_dir.resolve()
    if inside and source.suffix.lower() in OUTPUT_SUFFIXES:
        raise InputError(f"{source}: is in --out with a name the run may write over; "
                         "move it or choose another --out")


def load_item(item: Item) -> tuple[str, str]:
    """The item's text to brief (checked) and where it came from ("inline", a path, a URL)."""
    if item.error:
        raise InputError(item.error)
    if item.text is not None:
        return check_text(item.text), "inline"
    loaded = load_article(item.url or str(item.path), allow_private_urls=item.allow_private_url)
    return check_text(loaded.text), loaded.source


def _folder_items(folder: Path) -> list[Item]:
    files = sorted(
        p for p in folder.iterdir() if p.suffix.lower() in INPUT_SUFFIXES and p.is_file()
    )
    if not files:
        raise InputError(f"{folder}: no .txt or .html files in this folder")
    return [Item(id=file_id, path=p) for file_id, p in zip(_file_ids(files), files, strict=True)]


def _file_ids(files: list[Path]) -> list[str]:
    """Each file's id: its stem, or its full name when the stem is another file's stem or
    another file's name (a.txt, a.htm, a.txt.html -> a.txt, a.htm, a.txt.html): distinct."""
    stems = [p.stem.lower() for p in files]
    names = {p.name.lower() for p in files}
    return [p.stem if stems.count(p.stem.lower()) == 1 and p.stem.lower() not in names
            else p.name for p in files]  # fmt: skip


def _jsonl_items(path: Path) -> list[Item]:
    items: list[Item] = []
    seen: set[str] = set()
    for number, raw in _jsonl_lines(path):
        item = _parse_line(raw, number)
        if item is not None:
            if item.id in seen:
                item = Item(id=f"line-{number}", error=f"line {number}: duplicate id {item.id!r}")
            seen.add(item.id)
            items.append(item)
    if not items:
        raise InputError(f"{path}: no articles (expected one JSON object per line)")
    return items


def _jsonl_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(number, UTF-8 bytes) of each line, read as a stream and split on "\\n" only:
    U+2028 or U+0085 inside a JSON string is text, not a line break."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: rare, read whole
                text = decode(head + handle.read(), str(path))
                yield from enumerate((line.encode() for line in text.split("\n")), start=1)
                return
            if b"\x00" in head:
                raise InputError(f"{path}: looks like a binary file, not JSONL")
            handle.seek(0)
            yield from enumerate(handle, start=1)
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None


def _parse_line(raw: bytes, number: int) -> Item | None:
    """The item a line gives (an error item for a bad line), or None for a blank line."""
    fallback = f"line-{number}"
    if len(raw) > MAX_LINE_BYTES:
        return Item(id=fallback, error=f"line {number}: larger than "
                    f"{MAX_LINE_BYTES // (1024 * 1024)} MB; split the article")  # fmt: skip
    try:
        line = raw.decode("utf-8").lstrip("\ufeff")  # a BOM where files were joined with cat
    except UnicodeDecodeError as error:
        return Item(id=fallback, error=f"line {number}: not valid UTF-8 (byte {error.start})")
    if not line.strip():
        return None
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
        item = Item(id=item_id, url=url)
        item.error = item.error and f"line {number}: {item.error}"
        return item
    return Item(id=item_id, error=f"line {number}: needs a \"text\" or \"url\" string")
