"""The offline engine on a corpus: ``--executor local`` against ``--executor ray``.

Run by hand from the repository root (needs the ``ray`` extra):

    python benchmarks/ray_vs_local.py [--articles DIR] [--limit N] [--cpus 2] [--json FILE]

Both executors brief the same articles (default: the 840 PolNeAR train articles)
with the offline engine on ``--cpus`` CPUs: local in that many worker processes,
Ray in a local Ray with that many CPUs (one actor each). Reported: wall time and
articles/s of each (Ray's with and without starting Ray), whether every brief is
identical (timing aside), and the peak memory (VmHWM) of each local worker and
each Ray actor, read from /proc while they run. Target: Ray's wall time within
1.5x local's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from summarizer.batch.items import read_inputs
from summarizer.batch.ray_executor import import_ray, run_ray_batch
from summarizer.batch.run import REPORT_NAME, BatchOptions, arun_batch
from summarizer.batch.runners import ProcessRunner
from summarizer.config import LLMSettings
from summarizer.engines import create

POLNEAR = Path("/work/shared/polnear/data/train/text")


class PeakMemory:
    """Every 0.5 s, the peak resident memory (VmHWM, MiB) of each process that ``wanted``
    accepts, given its parent's pid and its command line."""

    def __init__(self, wanted: Callable[[int, str], bool]) -> None:
        self.wanted = wanted
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            for proc in Path("/proc").iterdir():
                if proc.name.isdigit():
                    self._look(proc)

    def _look(self, proc: Path) -> None:
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if not self.wanted(parent, command):
                return
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peaks[int(proc.name)] = int(line.split()[1]) / 1024
        except (OSError, ValueError):
            pass


def run_local(items: list[Any], out: Path, cpus: int) -> tuple[float, dict[int, float]]:
    me = os.getpid()
    runner = ProcessRunner(create("offline", LLMSettings()), cpus)
    options = BatchOptions(out_dir=out, concurrency=cpus)
    with PeakMemory(lambda parent, command: parent == me and "spawn_main" in command) as memory:
        started = time.perf_counter()
        report = asyncio.run(arun_batch(items, runner, options))
        seconds = time.perf_counter() - started
    runner.close()
    assert not report.failures, report.failures[:3]
    return seconds, memory.peaks


def run_ray(items: list[Any], out: Path, cpus: int) -> tuple[float, float, dict[int, float]]:
    ray = import_ray()
    with PeakMemory(lambda _, command: command.startswith("ray::MapWorker")) as memory:
        started = time.perf_counter()
        ray.init(address="local", num_cpus=cpus, include_dashboard=False, logging_level="WARNING",
                 log_to_driver=False)  # fmt: skip
        ready = time.perf_counter()
        report = run_ray_batch(items, "offline", LLMSettings(), BatchOptions(out_dir=out),
                               processes=cpus)  # fmt: skip
        ended = time.perf_counter()
        ray.shutdown()
    assert not report.failures, report.failures[:3]
    return ended - started, ended - ready, memory.peaks


def same_briefs(local: Path, ray: Path) -> tuple[int, int, dict[str, list[str]]]:
    """(identical, compared, differing): every local brief against Ray's, ``meta.seconds``
    aside; for each that differs, the parts of the brief that do."""
    same = compared = 0
    differing: dict[str, list[str]] = {}
    for path in sorted(local.glob("*.json")):
        if path.name == REPORT_NAME:
            continue
        compared += 1
        a, b = (json.loads(p.read_text()) for p in (path, ray / path.name))
        for record in (a, b):
            record["brief"]["meta"].pop("seconds")
        same += a == b
        if a != b:
            brief_a, brief_b = a["brief"], b["brief"]
            differing[path.stem] = [k for k in brief_a if brief_a[k] != brief_b.get(k)]
    return same, compared, differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=POLNEAR)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    items = read_inputs(args.articles)[: args.limit]
    with tempfile.TemporaryDirectory() as folder:
        local_out, ray_out = Path(folder) / "local", Path(folder) / "ray"
        local_s, local_mem = run_local(items, local_out, args.cpus)
        ray_s, ray_run_s, ray_mem = run_ray(read_inputs(args.articles)[: args.limit], ray_out,
                                            args.cpus)  # fmt: skip
        same, compared, differing = same_briefs(local_out, ray_out)
    result = {
        "articles": len(items), "cpus": args.cpus, "load_average": os.getloadavg(),
        "local_seconds": round(local_s, 1), "local_articles_per_s": round(len(items) / local_s, 2),
        "ray_seconds": round(ray_s, 1), "ray_articles_per_s": round(len(items) / ray_s, 2),
        "ray_seconds_after_start": round(ray_run_s, 1),
        "ray_over_local": round(ray_s / local_s, 2),
        "identical_briefs": f"{same}/{compared}", "differing": differing,
        "local_worker_peak_mib": sorted(round(v) for v in local_mem.values()),
        "ray_actor_peak_mib": sorted(round(v) for v in ray_mem.values()),
        "per_core_articles_per_s": round(len(items) / local_s / args.cpus, 2),
    }  # fmt: skip
    if local_mem and ray_mem:
        result["median_local_worker_mib"] = round(statistics.median(local_mem.values()))
        result["median_ray_actor_mib"] = round(statistics.median(ray_mem.values()))
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
