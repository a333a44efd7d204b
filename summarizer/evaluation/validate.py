"""``summarizer eval --validate``: every problem in a folder of case files, one line each.

Checked per file: the YAML fits the case schema; the id is the file name and no other
file uses it; the article resolves and is readable text; every evidence string is
verbatim and unique in it; every claim's source is a labelled source or "the article";
the case labels something; no line is still marked ``# TO CHECK`` (``summarizer label``
marks every line it drafts). Nothing is changed: the lines say what to fix.
"""

from __future__ import annotations

import re
from pathlib import Path

from summarizer.errors import InputError
from summarizer.evaluation.cases import (
    Articles,
    Case,
    case_problems,
    load_case,
    name_problem,
)

TO_CHECK = "# TO CHECK"
_MARK = re.compile(r"#\s*TO CHECK\b", re.IGNORECASE)


def case_files(cases_dir: Path) -> list[Path]:
    """The ``*.yaml`` files of ``cases_dir``; InputError when there is no such folder."""
    if not cases_dir.is_dir():
        raise InputError(f"{cases_dir}: no such folder of eval cases")
    return sorted(cases_dir.glob("*.yaml"))


def loadable_cases(paths: list[Path]) -> list[Case]:
    """The cases among ``paths`` that load (the others are reported by :func:`validate`)."""
    cases = []
    for path in paths:
        try:
            cases.append(load_case(path))
        except InputError:
            continue
    return cases


def validate(cases_dir: Path, articles: Articles) -> list[str]:
    """``file: problem`` for every problem found, in file order; [] when all is well."""
    paths = case_files(cases_dir)
    lines = [f"{p}: ignored by eval, which reads only *.yaml: rename it"
             for p in sorted(cases_dir.glob("*.yml"))]
    if not paths:
        return [*lines, f"{cases_dir}: no case files (*.yaml)"]
    owners: dict[str, Path] = {}
    for path in paths:
        lines += [f"{path}: {problem}" for problem in file_problems(path, articles, owners)]
    return lines


def file_problems(path: Path, articles: Articles, owners: dict[str, Path]) -> list[str]:
    """What is wrong with one case file; ``owners`` maps ids seen so far to their files."""
    problems = unchecked_lines(path)
    try:
        case = load_case(path)
    except InputError as error:
        return [*problems, str(error).removeprefix(f"{path}:").strip()]
    if name_problem(path, case):
        problems.append(name_problem(path, case))
    if case.id in owners:
        problems.append(f"the id {case.id!r} is also the id of {owners[case.id]}")
    owners.setdefault(case.id, path)
    if not any(getattr(case.expect, field) for field in type(case.expect).model_fields):
        problems.append("expect labels nothing")
    return problems + article_problems(case, articles)


def article_problems(case: Case, articles: Articles) -> list[str]:
    """The article does not resolve or read, or the labels do not fit it."""
    try:
        text = articles.read(case.article)
    except InputError as error:  # a malformed reference
        return [str(error)]
    if text is None:
        problem = articles.why_unread(case.article)
        if case.article.startswith("polnear:") and not articles.polnear_root.is_dir():
            problem += (f" (no PolNeAR corpus at {articles.polnear_root}: run "
                        "`summarizer data polnear`, or give --polnear PATH)")
        return [problem]
    return [p.removeprefix(f"{case.id}: ") for p in case_problems(case, text)]


def unchecked_lines(path: Path) -> list[str]:
    """One problem per line still marked ``# TO CHECK``."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return []  # load_case says why
    problems = []
    for number, line in enumerate(text.split("\n"), 1):
        mark = _MARK.search(line)
        if mark:
            problems.append(f"line {number}: still marked TO CHECK: "
                            f"{line[:mark.start()].strip()[:80]}")
    return problems
