"""Wall time of `summarizer --help` in a new process (imports only; no model, no network).

    python benchmarks/cli_startup.py [--runs 20]

Prints the median and the slowest run. Target: under 0.5 s. Heavy modules
(pydantic models, openai, instructor, spaCy) must stay out of the CLI's import path.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    command = [shutil.which("summarizer") or "summarizer", "--help"]
    times = []
    for _ in range(args.runs):
        began = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    probe = (
        "import sys, summarizer.cli.app; "
        "heavy = ('openai', 'instructor', 'spacy', 'pydantic'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    heavy = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(f"summarizer --help: median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms over {args.runs} runs")
    print(f"heavy modules imported by the CLI at start: {heavy}")


if __name__ == "__main__":
    main()
