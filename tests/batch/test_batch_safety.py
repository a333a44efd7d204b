"""Batch never loses an article's brief, trusts no stored or given input, leaves no process.

Names: no article is written over the report or over another article, and reruns
find each where they left it. JSONL: split on "\\n" only, BOMs of joined files and
files over 20 MB read. Cache: an entry is checked on every read. URL fields: only
http(s). Signals: kill -9 leaves no worker behind; SIGTERM and Ctrl-C write the
report of what finished. Processes are real (tests/batch/fake_cli.py, its offline
fake running in worker processes); engines elsewhere are fakes.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_batch import RecordingEngine, run
from test_batch_faults import FAKE_CLI, batch_args, clean_env, finished, report, write_articles

from summarizer.batch.cache import BriefCache
from summarizer.batch.items import Item, check_out_dir, read_inputs
from summarizer.batch.run import REPORT_NAME
from summarizer.errors import InputError


def env_for(seconds_per_article: float = 0.0, **extra: str) -> dict[str, str]:
    """fake_cli's environment, keeping an outer PYTHONPATH (which summarizer to run)."""
    env = clean_env(seconds_per_article)
    outer = os.environ.get("PYTHONPATH")
    return {**env, **extra, "PYTHONPATH": os.pathsep.join(filter(None, (env["PYTHONPATH"], outer)))}


STORY = "Officials said on Monday that the old bridge will reopen in May."


def write_jsonl(path: Path, records: list[dict[str, object]]) -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def ids_and_outputs(out: Path) -> dict[str, str]:
    """Each output's file name -> the article id it holds."""
    return {p.name: json.loads(p.read_text(encoding="utf-8"))["article"]["id"]
            for p in sorted(out.glob("*.json")) if p.name != REPORT_NAME}  # fmt: skip


# --------------------------------------------------------------------------- #
# Output names
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("article_id", ["_batch_report", "_BATCH_REPORT"])
def test_an_article_named_like_the_report_keeps_its_brief(tmp_path: Path, article_id: str) -> None:
    batch = [Item(id=article_id, text=f"{STORY}\n"), Item(id="other", text="Other story.\n")]
    run(batch, RecordingEngine(), tmp_path)
    assert sorted(ids_and_outputs(tmp_path).values()) == sorted([article_id, "other"])
    assert set(json.loads((tmp_path / REPORT_NAME).read_text(encoding="utf-8"))) >= {"counts"}
    engine = RecordingEngine()
    again = run([Item(id=article_id, text=f"{STORY}\n"), Item(id="other", text="Other story.\n")],
                engine, tmp_path)  # fmt: skip
    assert engine.calls == []  # not re-briefed on the rerun
    assert again.count("skipped") == 2


def test_a_file_named_like_the_report_keeps_its_brief(tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "_batch_report.txt").write_text(STORY, encoding="utf-8")
    run(read_inputs(source), RecordingEngine(), out)
    assert list(ids_and_outputs(out).values()) == ["_batch_report"]
    engine = RecordingEngine()
    assert run(read_inputs(source), engine, out).count("skipped") == 1
    assert engine.calls == []


def test_files_sharing_a_stem_get_distinct_stable_ids(tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    texts = {"a.txt": "Story A is plain text.", "a.htm": "<p>x</p>",
             "a.txt.html": "<p>y</p>", "b.TXT": "Story B.", "B.txt": "Story b."}  # fmt: skip
    for name, text in texts.items():
        (source / name).write_text(text, encoding="utf-8")
    first = [(i.id, i.path.name if i.path else None) for i in read_inputs(source)]
    assert len({item_id for item_id, _ in first}) == len(texts)
    assert first == [(i.id, i.path.name if i.path else None) for i in read_inputs(source)]
    batch = [Item(id=i.id, text=f"{i.id} story.\n") for i in read_inputs(source)]
    run(batch, RecordingEngine(), out)
    outputs = ids_and_outputs(out)
    assert sorted(outputs.values()) == sorted(item_id for item_id, _ in first)
    assert len({name.lower() for name in outputs}) == len(texts)  # distinct on macOS too
    engine = RecordingEngine()
    rerun = run([Item(id=i.id, text=i.text) for i in batch], engine, out)
    assert engine.calls == [] and rerun.count("skipped") == len(texts)


def test_ids_differing_in_case_get_distinct_files(tmp_path: Path) -> None:
    batch = [Item(id="Story", text="First story.\n"), Item(id="story", text="Second story.\n")]
    run(batch, RecordingEngine(), tmp_path)
    outputs = ids_and_outputs(tmp_path)
    assert sorted(outputs.values()) == ["Story", "story"]
    assert len({name.lower() for name in outputs}) == 2


def test_a_jsonl_input_inside_out_named_like_an_output_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "items.json"
    write_jsonl(source, [{"id": "items", "text": STORY}])
    with pytest.raises(InputError, match="is in --out with a name the run may write over"):
        check_out_dir(source, tmp_path)
    check_out_dir(source, tmp_path / "out")


# --------------------------------------------------------------------------- #
# JSONL
# --------------------------------------------------------------------------- #


def test_jsonl_lines_break_on_newline_only(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    odd = f"{STORY}\u2028Second line\u0085third\u2029fourth\x1cfifth\x0bsixth\r seventh."
    write_jsonl(source, [{"id": "odd", "text": odd}, {"id": "two", "text": "Plain."}])
    with source.open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
    found = read_inputs(source)
    assert [(i.id, i.text, i.error) for i in found] == [
        ("odd", odd, None), ("two", "Plain.", None),
        ("line-3", None, "line 3: not JSON (Expecting value)")]  # fmt: skip


def test_jsonl_joined_with_boms_and_crlf_is_read(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    part = '\ufeff{"id": "%s", "text": "Story %s."}\r\n'
    source.write_bytes((part % ("a", "a") + part % ("b", "b")).encode("utf-8"))
    assert [(i.id, i.text, i.error) for i in read_inputs(source)] == [
        ("a", "Story a.", None), ("b", "Story b.", None)]


def test_a_line_that_is_not_utf8_fails_alone(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    latin1 = b'{"id": "a", "text": "caf\xe9"}\n'
    source.write_bytes(latin1 + b'{"id": "b", "text": "Fine."}\n')
    found = read_inputs(source)
    assert [(i.id, i.error) for i in found] == [
        ("line-1", f"line 1: not valid UTF-8 (byte {latin1.index(0xE9)})"), ("b", None)]


def test_jsonl_over_20_mb_is_read_not_refused(tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    body = "The council met again. " * 45_000  # about 1 MB an article
    write_jsonl(source, [{"id": f"n{k}", "text": body} for k in range(22)])
    assert source.stat().st_size > 20 * 1024 * 1024
    found = read_inputs(source)
    assert [i.id for i in found] == [f"n{k}" for k in range(22)]
    assert all(i.text == body and i.error is None for i in found)


# --------------------------------------------------------------------------- #
# URL fields
# --------------------------------------------------------------------------- #


def test_a_url_field_never_reads_a_local_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{STORY} The password is hunter2.\n", encoding="utf-8")
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": "local", "url": str(secret)},
                         {"id": "file", "url": secret.as_uri()},
                         {"id": "relative", "url": "secret.txt"},
                         {"id": "ok", "text": STORY}])  # fmt: skip
    out = tmp_path / "out"
    result = run(read_inputs(source), RecordingEngine(), out)
    reasons = {r.id: r.reason for r in result.failures}
    assert sorted(reasons) == ["file", "local", "relative"]
    assert reasons["local"] == (f'line 1: "url" must be an http(s) URL, not {str(secret)!r} '
                                "(local files: give a folder of .txt/.html files)")  # fmt: skip
    assert all("http(s)" in reason for reason in reasons.values() if reason)
    assert list(ids_and_outputs(out).values()) == ["ok"]
    assert all("hunter2" not in p.read_text(encoding="utf-8") for p in out.iterdir())


# --------------------------------------------------------------------------- #
# Cache
# --------------------------------------------------------------------------- #


def tamper(cache: BriefCache, change: str) -> None:
    """Rewrite every stored brief: move its evidence, change its quote, or break its JSON."""
    db = sqlite3.connect(cache.path)
    for rowid, stored in db.execute("SELECT rowid, brief FROM briefs").fetchall():
        brief = json.loads(stored)
        evidence = brief["claims"][0]["evidence"][0]
        if change == "offsets":
            evidence["start"] += 1
            evidence["end"] += 1
        elif change == "quote":
            evidence["text"] = "X" * len(evidence["text"])
        new = json.dumps(brief) if change != "json" else stored[: len(stored) // 2]
        db.execute("UPDATE briefs SET brief=? WHERE rowid=?", (new, rowid))
    db.commit()
    db.close()


@pytest.mark.parametrize("change", ["offsets", "quote", "json"])
def test_a_tampered_cache_entry_is_dropped_and_made_again(tmp_path: Path, change: str) -> None:
    cache = BriefCache(tmp_path / "cache")
    batch = [Item(id="a", text=f"{STORY} More.\n"), Item(id="b", text="Budget story here.\n")]
    run(batch, RecordingEngine(), tmp_path / "one", cache=cache)
    tamper(cache, change)

    engine = RecordingEngine()
    second = run(batch, engine, tmp_path / "two", cache=cache)
    assert second.count("done") == 2 and second.count("cached") == 0
    assert sorted(engine.calls) == sorted(i.text for i in batch if i.text)
    for item in batch:
        record = json.loads((tmp_path / "two" / f"{item.id}.json").read_text(encoding="utf-8"))
        evidence = record["brief"]["claims"][0]["evidence"][0]
        assert record["article"]["text"][evidence["start"]:evidence["end"]] == evidence["text"]

    third = run(batch, RecordingEngine(), tmp_path / "three", cache=cache)
    assert third.count("cached") == 2  # stored afresh, and good


# --------------------------------------------------------------------------- #
# Signals and worker processes
# --------------------------------------------------------------------------- #


def descendants(pid: int) -> set[int]:
    """The live processes below ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat_file.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":  # a zombie has exited; only its parent's wait is missing
            living.add(pid)
    return living


def wait_until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def started_batch(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path, Path, set[int]]]:
    """`summarizer batch` briefing 12 articles in 2 worker processes, once 2 are finished:
    the process, its input and output folders, and its child processes."""
    source, out = tmp_path / "in", tmp_path / "out"
    write_articles(source, 12)
    env = env_for(0.4, FAKE_ENGINE="offline")
    args = [sys.executable, str(FAKE_CLI), "batch", str(source), "--out", str(out),
            "--engine", "offline", "--processes", "2", "--no-cache"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, start_new_session=True)  # fmt: skip
    children: set[int] = set()
    try:
        assert wait_until(lambda: len(list(out.glob("a*.json"))) >= 2 or process.poll(), 120)
        assert process.poll() is None, "the batch ended before it could be stopped"
        children = descendants(process.pid)
        assert len(children) >= 2, "the workers are separate processes"
        yield process, source, out, children
    finally:
        for pid in alive(children | descendants(process.pid)):  # only what this test started
            os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_kill_9_of_batch_leaves_no_worker_running(
    started_batch: tuple[subprocess.Popen[str], Path, Path, set[int]],
) -> None:
    process, _, _, children = started_batch
    os.kill(process.pid, signal.SIGKILL)  # the command only, not its process group
    process.wait()
    assert wait_until(lambda: not alive(children), 10), f"orphans: {alive(children)}"


@pytest.mark.parametrize(("how", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_writes_the_report_of_what_finished_and_stops_the_workers(
    started_batch: tuple[subprocess.Popen[str], Path, Path, set[int]], how: str, code: int
) -> None:
    process, source, out, children = started_batch
    signum = signal.Signals[how]
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)  # Ctrl-C: the whole group, workers included
    else:
        os.kill(process.pid, signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr and "leaked semaphore" not in stderr, stderr
    assert stderr.rstrip().endswith("rerun the same command to resume")
    assert wait_until(lambda: not alive(children), 10), f"still running: {alive(children)}"

    saved = report(out)
    done = finished(out)
    assert saved["interrupted"] == how
    assert sorted(r["id"] for r in saved["results"] if r["status"] == "done") == sorted(done)
    assert saved["unfinished"] == 12 - len(saved["results"]) > 0
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".json")) == []

    rerun = subprocess.run(batch_args(source, out), capture_output=True, text=True,
                           env=env_for(), timeout=300)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert len(finished(out)) == 12
    assert report(out)["counts"]["skipped"] == len(done)


def test_sigterm_in_the_event_loop_runner_writes_the_report_too(tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    write_articles(source, 12)
    args = [sys.executable, str(FAKE_CLI), "batch", str(source), "--out", str(out),
            "--engine", "llm", "--concurrency", "1", "--no-cache"]  # fmt: skip
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, env=env_for(0.3))  # fmt: skip
    try:
        assert wait_until(lambda: len(list(out.glob("a*.json"))) >= 2 or process.poll(), 120)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143, stderr
    saved = report(out)
    assert saved["interrupted"] == "SIGTERM"
    assert saved["counts"]["done"] == len(finished(out)) >= 2
