"""The Ray executor on a real local Ray cluster (``ray start --head --num-cpus 2``).

The cluster runs with ``tests/`` on its PYTHONPATH, so its workers can import the
test engines (``ray_engines``, ``fakes``). Skipped without Ray, unless
SUMMARIZER_REQUIRE_RAY=1 (CI), which makes a missing Ray a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from optional_deps import unavailable
from typer.testing import CliRunner

from summarizer import engines
from summarizer.batch.items import Item, read_inputs
from summarizer.batch.ray_executor import ATTEMPTS, run_ray_batch
from summarizer.batch.run import REPORT_NAME, BatchOptions, run_batch
from summarizer.batch.runners import ProcessRunner
from summarizer.cli.app import app
from summarizer.config import LLMSettings
from summarizer.engines import create


@pytest.fixture(scope="module", autouse=True)
def _ray_installed() -> None:
    if importlib.util.find_spec("ray") is None:
        unavailable("RAY", "ray not installed: pip install 'summarizer[ray]'")

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
SEED = (ROOT / "seeds" / "000_a632362f40734eb3.txt").read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def ray_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Ray head on this machine (2 CPUs), in its own process group, stopped after."""
    port = free_port()
    ray = Path(sys.executable).with_name("ray")
    # Token auth off on both ends: since Ray 2.5x a head enables it whenever a token file
    # (~/.ray/auth_token, made by any earlier local ray.init) exists, and a driver that
    # only connects does not send the token unless RAY_AUTH_MODE says so.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)]),
           "RAY_AUTH_MODE": "disabled"}  # fmt: skip
    env.pop("RAY_ADDRESS", None)
    log = (tmp_path_factory.mktemp("ray") / "head.log").open("w")
    head = subprocess.Popen(
        [str(ray), "start", "--head", "--block", "--num-cpus", "2", "--port", str(port),
         "--include-dashboard", "false", "--disable-usage-stats"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    address = f"127.0.0.1:{port}"
    try:
        _wait_for(port, head)
        yield address
    finally:
        os.killpg(head.pid, signal.SIGTERM)  # the group this fixture started, nothing else
        try:
            head.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
        log.close()


def _wait_for(port: int, head: subprocess.Popen[Any], seconds: float = 120.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if head.poll() is not None:
            raise RuntimeError(f"ray start exited with {head.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                time.sleep(2.0)  # the raylet registers just after the GCS listens
                return
        time.sleep(0.5)
    raise RuntimeError("the Ray head did not start in time")


@pytest.fixture
def on_cluster(ray_address: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("RAY_ADDRESS", ray_address)
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    return ray_address


def articles(folder: Path) -> Path:
    """Four articles: the seed, and three of its paragraphs on their own."""
    folder.mkdir()
    (folder / "seed.txt").write_text(SEED, encoding="utf-8")
    paragraphs = [p for p in SEED.split("\n") if len(p.split()) > 12]
    for n, paragraph in enumerate(paragraphs[:3]):
        (folder / f"part{n}.txt").write_text(paragraph, encoding="utf-8")
    return folder


def without_timing(path: Path) -> dict[str, Any]:
    record = json.loads(path.read_text(encoding="utf-8"))
    record["brief"]["meta"].pop("seconds")
    return dict(record)


def test_ray_briefs_a_folder_exactly_as_local_does(on_cluster: str, tmp_path: Path) -> None:
    source = articles(tmp_path / "in")
    settings = LLMSettings()
    heard: list[str] = []
    ray_options = BatchOptions(out_dir=tmp_path / "ray", on_result=lambda r: heard.append(r.id))
    report = run_ray_batch(read_inputs(source), "offline", settings, ray_options)
    assert report.count("done") + report.count("empty") == 4 and not report.failures
    assert sorted(heard) == ["part0", "part1", "part2", "seed"]  # progress, per article
    local = run_batch(read_inputs(source), ProcessRunner(create("offline", settings), 2),
                      BatchOptions(out_dir=tmp_path / "local", concurrency=2))  # fmt: skip
    assert not local.failures
    names = sorted(p.name for p in (tmp_path / "local").glob("*.json") if p.name != REPORT_NAME)
    assert names == sorted(p.name for p in (tmp_path / "ray").glob("*.json")
                           if p.name != REPORT_NAME)  # fmt: skip
    for name in names:
        assert without_timing(tmp_path / "ray" / name) == without_timing(tmp_path / "local" / name)
    saved = json.loads((tmp_path / "ray" / REPORT_NAME).read_text())
    assert saved["counts"]["failed"] == 0 and len(saved["results"]) == 4


def test_ray_reads_parquet_and_resumes_from_the_command_line(
    on_cluster: str, tmp_path: Path
) -> None:
    import pyarrow
    import pyarrow.parquet

    paragraphs = [p for p in SEED.split("\n") if len(p.split()) > 12][:3]
    source = tmp_path / "in.parquet"
    pyarrow.parquet.write_table(
        pyarrow.table({"id": ["x", "y", "z"], "text": paragraphs}), source
    )
    out = tmp_path / "out"
    args = ["batch", str(source), "--out", str(out), "--executor", "ray",
            "--engine", "offline", "--no-cache"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("[xyz].json")) == ["x.json", "y.json", "z.json"]
    record = json.loads((out / "y.json").read_text())
    assert record["article"]["text"] == paragraphs[1]
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("[xyz].json")}
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    saved = json.loads((out / REPORT_NAME).read_text())
    assert saved["counts"]["skipped"] == 3
    assert stamps == {p.name: p.stat().st_mtime_ns for p in out.glob("[xyz].json")}


def parquet_shards(folder: Path) -> Path:
    """Four shards: string and integer ids, a duplicate id, a row with no text and a URL
    that is not http(s). (A null in a ``text`` column of several shards would make the
    driver read that row group's texts: ``ray_parquet._has_text``.)"""
    import pyarrow
    import pyarrow.parquet

    paragraphs = [p for p in SEED.split("\n") if len(p.split()) > 12][:5]
    folder.mkdir()
    for name, ids, texts in (("a", ["x", "y"], paragraphs[:2]), ("b", [7, 8], paragraphs[2:4]),
                             ("c", ["x", "w"], [paragraphs[4], paragraphs[0]])):
        table = pyarrow.table({"id": ids, "text": texts})
        pyarrow.parquet.write_table(table, folder / f"{name}.parquet")
    pyarrow.parquet.write_table(pyarrow.table({"id": ["v"], "url": ["ftp://example.com/v"]}),
                                folder / "d.parquet")  # fmt: skip
    return folder


def spy_parquet_reads(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The ``columns`` of every pyarrow Parquet read in this process (None: all)."""
    import pyarrow.parquet

    asked: list[Any] = []
    for name in ("read", "read_row_group", "read_row_groups", "iter_batches"):
        original = getattr(pyarrow.parquet.ParquetFile, name)

        def spy(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            asked.append(kwargs.get("columns"))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(pyarrow.parquet.ParquetFile, name, spy)
    return asked


def outcomes(out: Path) -> list[tuple[str, str, str | None]]:
    saved = json.loads((out / REPORT_NAME).read_text())
    return [(r["id"], r["status"], r["reason"]) for r in saved["results"]]


def test_ray_reads_parquet_shards_in_its_workers_and_briefs_as_local_does(
    on_cluster: str, tmp_path: Path
) -> None:
    source = parquet_shards(tmp_path / "in")
    common = ["--engine", "offline", "--no-cache"]
    ray_args = ["batch", str(source), "--out", str(tmp_path / "ray"), "--executor", "ray"]
    with pytest.MonkeyPatch.context() as spying:
        asked = spy_parquet_reads(spying)
        result = CliRunner().invoke(app, [*ray_args, *common])
    assert result.exit_code == 1, result.output  # the duplicate and the ftp:// row
    # the driver read the ids; the texts were read by Ray's workers only
    assert asked and all(columns is not None and "text" not in columns for columns in asked)
    local = ["batch", str(source), "--out", str(tmp_path / "local"), *common]
    assert CliRunner().invoke(app, local).exit_code == 1
    assert outcomes(tmp_path / "ray") == outcomes(tmp_path / "local")
    statuses = {i: s for i, s, _ in outcomes(tmp_path / "ray")}
    assert statuses["c.parquet:1"] == statuses["d.parquet:1"] == "failed"
    names = sorted(p.name for p in (tmp_path / "local").glob("*.json") if p.name != REPORT_NAME)
    assert names == ["7.json", "8.json", "w.json", "x.json", "y.json"]
    for name in names:
        assert without_timing(tmp_path / "ray" / name) == without_timing(tmp_path / "local" / name)
    # resume: only the missing brief is made again; the others are skipped, untouched
    (tmp_path / "ray" / "y.json").unlink()
    stamps = {n: (tmp_path / "ray" / n).stat().st_mtime_ns for n in names if n != "y.json"}
    assert CliRunner().invoke(app, [*ray_args, *common]).exit_code == 1
    statuses = {i: s for i, s, _ in outcomes(tmp_path / "ray")}
    assert statuses == {"x": "skipped", "y": "done", "7": "skipped", "8": "skipped",
                        "c.parquet:1": "failed", "w": "skipped", "d.parquet:1": "failed"}
    assert stamps == {n: (tmp_path / "ray" / n).stat().st_mtime_ns for n in stamps}
    assert without_timing(tmp_path / "ray" / "y.json") == without_timing(
        tmp_path / "local" / "y.json"
    )


def test_ray_writes_parquet_input_into_jsonl_shards_and_resumes_them(
    on_cluster: str, tmp_path: Path
) -> None:
    from summarizer.batch.shards import read_records

    source = parquet_shards(tmp_path / "in")
    common = ["--engine", "offline", "--no-cache", "--out-format", "jsonl", "--shard-size", "3"]
    ray_args = ["batch", str(source), "--out", str(tmp_path / "ray"), "--executor", "ray"]
    assert CliRunner().invoke(app, [*ray_args, *common]).exit_code == 1
    local = ["batch", str(source), "--out", str(tmp_path / "local"), *common]
    assert CliRunner().invoke(app, local).exit_code == 1
    shards = sorted(p.name for p in (tmp_path / "local").glob("briefs-*.jsonl"))
    assert shards == ["briefs-00000.jsonl", "briefs-00001.jsonl", "briefs-00002.jsonl"]
    for shard in shards:
        records = [list(read_records(tmp_path / side / shard)) for side in ("ray", "local")]
        for record in (r for side in records for r in side):
            record["brief"]["meta"].pop("seconds")
        assert records[0] == records[1]
    assert outcomes(tmp_path / "ray") == outcomes(tmp_path / "local")
    assert CliRunner().invoke(app, [*ray_args, *common]).exit_code == 1
    statuses = {i: s for i, s, _ in outcomes(tmp_path / "ray")}
    assert [i for i, s in statuses.items() if s != "skipped"] == ["c.parquet:1", "d.parquet:1"]


def test_a_dead_worker_is_retried_and_an_article_that_kills_it_is_listed(
    on_cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(engines.ENGINES, "llm", "ray_engines:CrashEngine")
    marker = tmp_path / "crashed-once"
    texts = {
        "fine1": "The council met on Monday. It voted.",
        "once": f"The mayor spoke on Tuesday. CRASH-ONCE:{marker} was said.",
        "always": "The bridge closed on Friday. CRASH-ALWAYS was said.",
        "fine2": "The engineers found cracks. Repairs follow.",
    }
    items = [Item(id=k, text=v) for k, v in texts.items()]
    out = tmp_path / "out"
    report = run_ray_batch(items, "llm", LLMSettings(base_url="http://127.0.0.1:9/v1"),
                           BatchOptions(out_dir=out))  # fmt: skip
    assert marker.exists()  # the worker did die once
    status = {r.id: r.status for r in report.results}
    # an article written before its worker died counts as skipped when the batch is retried
    assert {k: v.replace("skipped", "done") for k, v in status.items()} == {
        "fine1": "done", "once": "done", "always": "failed", "fine2": "done"
    }
    assert "died 2 times" in (report.failures[0].reason or "")
    written = sorted(p.name for p in out.iterdir())
    assert written == [REPORT_NAME, "fine1.json", "fine2.json", "once.json"]  # nothing half
    for name in ("fine1.json", "fine2.json", "once.json"):
        assert json.loads((out / name).read_text())["brief"]["claims"]
    assert not (out / ATTEMPTS).exists()


def test_without_ray_the_executor_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    source = articles(tmp_path / "in")
    result = CliRunner().invoke(app, ["batch", str(source), "--out", str(tmp_path / "out"),
                                      "--executor", "ray", "--engine", "offline"])  # fmt: skip
    assert result.exit_code == 2
    assert "--executor ray needs Ray: pip install 'summarizer[ray]'" in result.output
