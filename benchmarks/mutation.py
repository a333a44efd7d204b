"""Mutation testing: how many planted bugs do the tests of each core module catch?

Runs mutmut (``pip install -e '.[mutation]'``) over one core module at a time, each
with only the tests written for it, and prints the kill rate per module:

    python benchmarks/mutation.py                      # every module
    python benchmarks/mutation.py grounding scoring    # some of them
    python benchmarks/mutation.py --list               # the modules and their tests
    python benchmarks/mutation.py grounding --survivors    # also list surviving mutants
    python benchmarks/mutation.py grounding --retest       # after adding tests: survivors only

Each module runs in its own copy of the project under ``--workdir`` (default
``/tmp/summarizer-mutation``), so the checkout never gets a ``mutants/`` folder and two
modules never share mutmut's state; ``--jobs`` is mutmut's parallelism (default 1).
A module's copy is kept, so a second run only re-tests what changed, and
``cd <workdir>/<module> && mutmut show <name>`` shows a mutant. The last line is
``SUMMARY module=killed/total ...``; ``--check`` exits 1 when a module kills less than
``--min`` (default 0.85) of its mutants.

The latest figures, with every surviving mutant and why it survives, are in docs/mutation.md.
Use ``--retest`` only after adding tests: once a module's code changes, mutant numbers
shift and old verdicts no longer fit, so run it again without ``--retest``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Module:
    name: str
    sources: tuple[str, ...]  # globs of the files to mutate, relative to the project
    tests: tuple[str, ...]  # the tests written for them


MODULES = (
    Module(
        "grounding",
        ("summarizer/grounding/*",),
        (
            "tests/test_grounding.py",
            "tests/test_grounding_edges.py",
            "tests/test_grounding_mutants.py",
        ),
    ),
    Module(
        "scoring",
        ("summarizer/evaluation/scoring.py", "summarizer/evaluation/matching.py"),
        (
            "tests/evaluation/test_scoring.py",
            "tests/evaluation/test_scoring_rules.py",
            "tests/evaluation/test_matching.py",
            "tests/evaluation/test_scoring_mutants.py",
        ),
    ),
    Module(
        "transport",
        ("summarizer/engines/llm/transport.py",),
        (
            "tests/engines/llm/test_llm_transport.py",
            "tests/engines/llm/test_llm_backoff.py",
            "tests/engines/llm/test_llm_explain.py",
            "tests/engines/llm/test_llm_endpoint_faults.py",
            "tests/engines/llm/test_llm_retry_policy.py",
            "tests/engines/llm/test_llm_transport_mutants.py",
        ),
    ),
    Module(
        "attribution",
        ("summarizer/engines/offline/attribution.py", "summarizer/engines/offline/quotes.py"),
        (
            "tests/engines/offline/test_offline_attribution.py",
            "tests/engines/offline/test_offline_quotes.py",
            "tests/engines/offline/test_direct_vs_partial_quotes.py",
            "tests/engines/offline/test_offline_attribution_mutants.py",
            "tests/engines/offline/test_offline_tuned_cues.py",
            # The engine's own tests reach attribution through every form news uses.
            "tests/engines/offline/test_offline_sources.py",
            "tests/engines/offline/test_offline_claims.py",
            "tests/engines/offline/test_offline_unknowns.py",
            "tests/engines/offline/test_offline_parties.py",
            "tests/engines/offline/test_offline_questions.py",
            "tests/engines/offline/test_offline_reader_classes.py",
            "tests/engines/offline/test_offline_engine.py",
            "tests/engines/offline/test_offline_wording.py",
            "tests/engines/offline/test_offline_recall_classes.py",
            "tests/engines/offline/test_offline_source_classes.py",
            "tests/engines/offline/test_offline_new_forms_mutants.py",
            "tests/engines/offline/test_offline_reader_bugs.py",
            "tests/engines/offline/test_offline_recall_gains.py",
            "tests/engines/offline/test_offline_content_bounds.py",
            "tests/engines/offline/test_offline_speech_structure.py",
            "tests/engines/offline/test_offline_content_edges.py",
            "tests/engines/offline/test_offline_stance_structure.py",
            "tests/engines/offline/test_offline_quotation_cues.py",
            "tests/engines/offline/test_offline_phrasal_cues.py",
            "tests/engines/offline/test_offline_nominal.py",
            "tests/engines/offline/test_offline_quotes_pieces.py",
            "tests/engines/offline/test_offline_cuewords.py",
            "tests/engines/offline/test_offline_clausal.py",
            "tests/engines/offline/test_offline_prune.py",
            "tests/engines/offline/test_offline_none.py",
        ),
    ),
    Module(
        "escaping",
        ("summarizer/render/html.py", "summarizer/render/markdown.py"),
        (
            "tests/render/test_render.py",
            "tests/render/test_escaping.py",
            "tests/render/test_render_layout.py",
        ),
    ),
    Module(
        "batch",
        ("summarizer/batch/run.py", "summarizer/batch/cache.py"),
        (
            "tests/batch/test_batch.py",
            "tests/batch/test_batch_faults.py",
            "tests/batch/test_batch_safety.py",
            "tests/batch/test_batch_cache.py",
            "tests/batch/test_batch_run.py",
            "tests/batch/test_batch_timing.py",
            "tests/batch/test_batch_keys.py",
        ),
    ),
    Module(
        "inputs",
        ("summarizer/inputs/files.py",),
        (
            "tests/inputs/test_bad_input.py",
            "tests/inputs/test_atomic_write.py",
            "tests/inputs/test_reading.py",
            "tests/inputs/test_output_safety.py",
            "tests/inputs/test_output_paths.py",
            "tests/cli/test_cli.py",
        ),
    ),
)

# Mutmut's exit codes, as it records them in mutants/*.meta (mutmut.stats): a failing
# test, a timeout or the type check kill a mutant; a mutant no selected test reaches
# ("no tests") counts as surviving.
KILLED = {1, 3, 36, 37, -24, 24, 152, 255}
SURVIVED = {0, 5, 33}


def toml_value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


def project_config(module: Module, tests: list[str]) -> str:
    """The copy's pyproject.toml: the project's pytest options and this module's mutmut run."""
    pytest_options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    mutmut = {
        "source_paths": ["summarizer"],
        "only_mutate": list(module.sources),
        "also_copy": ["seeds", "evals"],
        "pytest_add_cli_args_test_selection": tests,
        # The corpus and llama.cpp tests take minutes each: integration checks, not unit ones.
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-q", "-m", "not polnear and not llama"],
        "use_git_change_detection": False,
    }
    lines = ["[tool.pytest.ini_options]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in pytest_options["ini_options"].items()]
    lines += ["", "[tool.mutmut]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in mutmut.items()]
    return "\n".join(lines) + "\n"


def prepare(module: Module, workdir: Path) -> Path:
    """A copy of the project for one module (prompts inside the package, as installed)."""
    copy = workdir / module.name
    copy.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("summarizer", "tests", "seeds", "evals"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=ignore, dirs_exist_ok=True)
    shutil.copytree(ROOT / "prompts", copy / "summarizer" / "prompts", dirs_exist_ok=True)
    tests = [t for t in module.tests if (ROOT / t).exists()]
    (copy / "pyproject.toml").write_text(project_config(module, tests))
    return copy


def verdicts(copy: Path) -> dict[str, int]:
    """Mutant name -> mutmut's exit code, from the .meta files of a finished run."""
    found: dict[str, int] = {}
    for meta in (copy / "mutants").rglob("*.py.meta"):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        found.update({name: code for name, code in codes.items() if code is not None})
    return found


def run(module: Module, workdir: Path, jobs: int, retest: bool) -> dict[str, int]:
    """Verdicts of every mutant of ``module``. With ``retest`` only the mutants a previous
    run did not kill are run again (with the tests as they are now): a test added since
    can only kill more, so the killed ones keep their verdict."""
    record = workdir / module.name / "verdicts.json"
    previous = json.loads(record.read_text()) if record.exists() else {}
    names = sorted(n for n, code in previous.items() if code not in KILLED) if retest else []
    if retest and not names:
        return dict(previous)
    copy = prepare(module, workdir)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with (copy / "mutmut.log").open("w") as out:
        subprocess.run(
            ["mutmut", "run", "--max-children", str(jobs), *names],
            cwd=copy, stdout=out, stderr=subprocess.STDOUT, env=env, check=False,
        )
    found = {**previous, **verdicts(copy)} if retest else verdicts(copy)
    record.write_text(json.dumps(found, indent=1, sort_keys=True))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="module names (default: all)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/summarizer-mutation"))
    parser.add_argument("--jobs", type=int, default=1, help="mutmut --max-children")
    parser.add_argument("--list", action="store_true", help="list the modules and stop")
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants")
    parser.add_argument("--retest", action="store_true",
                        help="run again only the mutants the last run did not kill")
    parser.add_argument("--check", action="store_true", help="exit 1 below --min")
    parser.add_argument("--min", type=float, default=0.85)
    args = parser.parse_args()

    by_name = {m.name: m for m in MODULES}
    unknown = [n for n in args.modules if n not in by_name]
    if unknown:
        print(f"error: unknown module {', '.join(unknown)}; one of {', '.join(by_name)}",
              file=sys.stderr)
        return 2
    chosen = [by_name[n] for n in args.modules] or list(MODULES)
    if args.list:
        for m in chosen:
            print(f"{m.name}: {' '.join(m.sources)}  <-  {' '.join(m.tests)}")
        return 0
    if shutil.which("mutmut") is None:
        print("error: mutmut is not installed (pip install -e '.[mutation]')", file=sys.stderr)
        return 2

    summary, low = [], False
    for module in chosen:
        found = run(module, args.workdir, args.jobs, args.retest)
        killed = sum(code in KILLED for code in found.values())
        survivors = sorted(n for n, code in found.items() if code in SURVIVED)
        other = len(found) - killed - len(survivors)  # skipped, suspicious, segfault
        rate = killed / len(found) if found else 0.0
        low |= rate < args.min
        print(f"{module.name}: {killed}/{len(found)} killed ({rate:.1%}), "
              f"{len(survivors)} survived, {other} other", flush=True)
        if args.survivors:
            for name in survivors:
                print(f"  survived: {name}")
        summary.append(f"{module.name}={killed}/{len(found)}")
    print("SUMMARY " + " ".join(summary))
    return 1 if args.check and low else 0


if __name__ == "__main__":
    sys.exit(main())
