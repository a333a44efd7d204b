"""How many tokens a complete answer costs, against the article's own tokens (o200k).

For the seed and every eval case, the answer a perfect model gives for the
hand-labelled brief (``draft.answer_for``, as ``tests/oracle_server.py`` sends
it) serialised as a model writes it: compact JSON, UTF-8 characters as they
are. Prints per case and in total the ratio answer / article tokens, now and
for the draft format at git ``HEAD`` ("before"), and the ratio of the answer's
words alone ("words": no keys, ids or punctuation), the floor for any layout, and of
the same JSON with every key cut to one letter ("1-key"), about the floor for any JSON
that keeps these items as objects.
Target: at most 2.0.

    pip install -e '.[bench]'
    python benchmarks/answer_tokens.py [evals/cases] [--no-before]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import bpe_openai

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
TARGET = 2.0
ID = re.compile(r"[pscu]\d+")
ENC = bpe_openai.get_encoding("o200k_base")


def tokens(text: str) -> int:
    return len(ENC.encode(text))


def measure(cases_dir: Path) -> dict[str, tuple[int, int]]:
    """Article tokens and answer tokens, by case id."""
    from oracle_server import gold_brief

    from summarizer.engines.llm.draft import answer_for
    from summarizer.evaluation.cases import Articles, load_cases

    articles = Articles.default(cases_dir)
    found: dict[str, tuple[int, int]] = {}
    for case in load_cases(cases_dir):
        text = articles.read(case.article)
        if text is None:
            continue
        brief = gold_brief(case, text)
        try:
            answer = answer_for(brief, text)
        except TypeError:  # the format before answer_for was given the article
            answer = answer_for(brief)
        written = json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
        found[case.id] = (tokens(text), tokens(written))
    return found


def _strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


def floors(cases_dir: Path) -> dict[str, tuple[int, int]]:
    """Two floors for the gold answer, by case id: tokens of its words alone (summary,
    names, labels, statements, quotes, questions; not ids), which no layout can go
    under, and of the same JSON with every key cut to one letter, which no JSON layout
    of these items can go far under."""
    from oracle_server import gold_brief

    from summarizer.engines.llm.draft import answer_for
    from summarizer.evaluation.cases import Articles, load_cases

    articles = Articles.default(cases_dir)
    found: dict[str, tuple[int, int]] = {}
    for case in load_cases(cases_dir):
        text = articles.read(case.article)
        if text is None:
            continue
        answer = answer_for(gold_brief(case, text), text)
        words = sum(tokens(w) for w in _strings(answer) if not ID.fullmatch(w))
        keys = json.dumps(_one_letter_keys(answer), ensure_ascii=False, separators=(",", ":"))
        found[case.id] = (words, tokens(keys))
    return found


def _one_letter_keys(node: object) -> object:
    if isinstance(node, dict):
        return {key[0]: _one_letter_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_one_letter_keys(value) for value in node]
    return node


def before(cases_dir: Path) -> dict[str, tuple[int, int]]:
    """``measure`` run on the code at git HEAD (exported to a scratch folder)."""
    with tempfile.TemporaryDirectory() as src:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"],
                                 capture_output=True, check=True)  # fmt: skip
        subprocess.run(["tar", "-x", "-C", src], input=archive.stdout, check=True)
        script = (
            f"import sys, json; sys.path[:0] = [{src!r}, {str(ROOT / 'benchmarks')!r}]; "
            "import answer_tokens as a; a.sys.path.insert(0, "
            f"{str(Path(src) / 'tests')!r}); "
            f"print(json.dumps(a.measure(a.Path({str(cases_dir.resolve())!r}))))"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              cwd=src)  # fmt: skip
        if done.returncode:
            raise SystemExit(f"before: {done.stderr.strip().splitlines()[-1]}")
        return {k: (v[0], v[1]) for k, v in json.loads(done.stdout).items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases_dir", type=Path, nargs="?", default=ROOT / "evals" / "cases")
    parser.add_argument("--no-before", action="store_true", help="skip the git HEAD figures")
    args = parser.parse_args()

    now = measure(args.cases_dir)
    was = {} if args.no_before else before(args.cases_dir)
    floor = floors(args.cases_dir)
    print(f"{'case':<45} {'article':>7} {'before':>7} {'after':>7} {'words':>7} {'1-key':>7}")
    for case_id, (article, answer) in now.items():
        old = f"{was[case_id][1] / article:.2f}x" if case_id in was else "-"
        words, keys = (n / article for n in floor[case_id])
        print(f"{case_id:<45} {article:>7} {old:>7} {answer / article:>6.2f}x {words:>6.2f}x "
              f"{keys:>6.2f}x")  # fmt: skip
    total_article = sum(a for a, _ in now.values())
    total_now = sum(n for _, n in now.values()) / total_article
    worst = max(n / a for a, n in now.values())
    old_total = (
        f"{sum(n for _, n in was.values()) / sum(a for a, _ in was.values()):.2f}x" if was else "-"
    )
    print(f"{'total':<45} {total_article:>7} {old_total:>7} {total_now:>6.2f}x")
    print(f"SUMMARY before={old_total} after={total_now:.2f}x worst_case={worst:.2f}x "
          f"target<={TARGET}")  # fmt: skip
    return 0 if total_now <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
