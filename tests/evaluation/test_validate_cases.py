"""``summarizer eval --validate``, and the run's own checks of its cases: an unreadable
article is reported per case, labels that do not fit the article make the case an error,
a case file named other than its id is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from eval_helpers import CASES, DATA, ROOT, PerfectEngine, fake_polnear
from optional_deps import polnear_root, unavailable
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.errors import InputError
from summarizer.evaluation import cases as ev
from summarizer.evaluation.runner import run_eval
from summarizer.evaluation.validate import validate

COUNCIL = (DATA / "articles" / "council.txt").read_text(encoding="utf-8")
COUNCIL_CASE = (CASES / "mini-council-vote.yaml").read_text(encoding="utf-8")
SHARED = polnear_root()  # SUMMARIZER_POLNEAR, else ../shared/polnear


def case_text(case_id: str, article: str = "council.txt", body: str = "") -> str:
    """A small valid case on the council article, with ``body`` as its expect block."""
    expect = body or ('  sources:\n'
                      '    - {label: Jane Okafor, anonymous: false, '
                      'evidence: "Mayor Jane Okafor said on Monday"}\n'
                      '  claims:\n'
                      '    - {statement: "The council will vote.", source: Jane Okafor, '
                      'evidence: "the city council will vote next week"}\n')
    return f"id: {case_id}\narticle: {article}\nexpect:\n{expect}"


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A case folder with the council article beside the cases."""
    cases = tmp_path / "cases"
    cases.mkdir()
    write(cases, "council.txt", COUNCIL)
    return cases


def problems(folder: Path, polnear: Path | None = None) -> list[str]:
    articles = ev.Articles(ROOT, polnear or folder / "no-polnear", folder)
    return [line.removeprefix(f"{folder}/") for line in validate(folder, articles)]


def test_a_good_folder_has_no_problems(folder: Path) -> None:
    write(folder, "good.yaml", case_text("good"))
    assert problems(folder) == []


def test_every_problem_is_one_line_naming_its_file(folder: Path) -> None:
    write(folder, "good.yaml", case_text("good"))
    write(folder, "renamed.yaml", case_text("other-name"))
    write(folder, "twin.yaml", case_text("good"))
    write(folder, "absent.yaml", case_text("absent", "nowhere.txt"))
    write(folder, "picture.png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    write(folder, "binary.yaml", case_text("binary", "picture.png.txt"))
    write(folder, "quotes.yaml", case_text("quotes", body=(
        '  claims:\n'
        '    - {statement: "x", source: the article, evidence: "the council will vote today"}\n'
        '    - {statement: "y", source: Okafor, evidence: "Okafor said"}\n')))
    write(folder, "broken.yaml", "id: broken\narticle: [unclosed\n")
    write(folder, "empty.yaml", "id: empty\narticle: council.txt\nexpect: {}\n")
    write(folder, "old.yml", case_text("old"))
    assert problems(folder) == [
        "old.yml: ignored by eval, which reads only *.yaml: rename it",
        # Not beside the case files: looked for in the project, as the run does.
        "absent.yaml: article not found: " + str(ROOT / "nowhere.txt"),
        "binary.yaml: article not readable: " + str(folder / "picture.png.txt")
        + ": looks like a binary file, not text",
        "broken.yaml: line 3 not valid YAML",
        "empty.yaml: expect labels nothing",
        "quotes.yaml: claims[0].evidence not verbatim in the article: "
        "'the council will vote today'",
        "quotes.yaml: claims[1].evidence occurs 2 times; lengthen it to be unique: 'Okafor said'",
        "quotes.yaml: claims[1].source 'Okafor' is not a labelled source label nor "
        '"the article"',
        "renamed.yaml: the id 'other-name' differs from the file name; rename the file "
        "other-name.yaml",
        "twin.yaml: the id 'good' differs from the file name; rename the file good.yaml",
        "twin.yaml: the id 'good' is also the id of " + str(folder / "good.yaml"),
    ]


def test_leftover_to_check_marks_are_listed_by_line(folder: Path) -> None:
    text = case_text("marked").replace(
        "article: council.txt\n", "article: council.txt   # TO CHECK\n").replace(
        "  claims:\n", "  claims:   # to check: is that all?\n")
    write(folder, "marked.yaml", text)
    assert problems(folder) == [
        "marked.yaml: line 2: still marked TO CHECK: "
        "article: council.txt",
        "marked.yaml: line 6: still marked TO CHECK: "
        "claims:",
    ]


def test_a_polnear_case_without_the_corpus_says_how_to_get_it(
    folder: Path, tmp_path: Path
) -> None:
    write(folder, "senate.yaml", case_text("senate", "polnear:dev/mini-senate-farm-bill"))
    assert problems(folder, tmp_path / "absent") == [
        "senate.yaml: article not found: "
        f"{tmp_path}/absent/data/dev/text/mini-senate-farm-bill.txt (no PolNeAR corpus at "
        f"{tmp_path}/absent: run `summarizer data polnear`, or give --polnear PATH)",
    ]


def run_validate(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["eval", "--validate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_command_prints_one_line_per_problem_and_exits_1(folder: Path) -> None:
    write(folder, "good.yaml", case_text("good"))
    write(folder, "renamed.yaml", case_text("other-name"))
    code, out, err = run_validate(str(folder))
    assert code == 1
    assert out.splitlines() == [
        f"{folder}/renamed.yaml: the id 'other-name' differs from the file name; "
        "rename the file other-name.yaml"
    ]
    assert err.strip() == f"summarizer: 1 problem(s) in {folder}"


def test_the_command_exits_0_when_all_is_well(folder: Path, tmp_path: Path) -> None:
    write(folder, "good.yaml", case_text("good"))
    code, out, _ = run_validate(str(folder), "--polnear", str(fake_polnear(tmp_path)))
    assert (code, out) == (0, "")


def test_a_missing_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    code, _, err = run_validate(str(tmp_path / "nope"))
    assert code == 2 and err.strip() == f"summarizer: error: {tmp_path}/nope: no such folder " \
        "of eval cases"


def test_the_projects_cases_validate() -> None:
    if not SHARED.is_dir():
        unavailable("POLNEAR", f"no PolNeAR corpus at {SHARED}")
    code, out, _ = run_validate(str(ROOT / "evals" / "cases"), "--polnear", str(SHARED))
    assert (code, out) == (0, "")


# --------------------------------------------------------------------------- #
# The run checks its cases too
# --------------------------------------------------------------------------- #


def test_an_unreadable_article_is_one_case_not_the_run(folder: Path) -> None:
    write(folder, "picture.png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    write(folder, "mini-council-vote.yaml", COUNCIL_CASE.replace(
        "tests/data/eval/articles/council.txt", "council.txt"))
    write(folder, "binary.yaml", case_text("binary", "picture.png.txt"))
    cases = ev.load_cases(folder)
    results = run_eval(cases, PerfectEngine(), ev.Articles(ROOT, folder, folder)).results
    assert [(r.id, r.status) for r in results] == [
        ("binary", "missing"), ("mini-council-vote", "ok")]
    assert results[0].message == (f"article not readable: {folder}/picture.png.txt: "
                                  "looks like a binary file, not text")


def test_labels_that_do_not_fit_the_article_make_the_case_an_error(folder: Path) -> None:
    write(folder, "mini-council-vote.yaml", COUNCIL_CASE.replace(
        "tests/data/eval/articles/council.txt", "council.txt").replace(
        'evidence: "the vote could be delayed"', 'evidence: "the vote may be delayed"'))
    engine = PerfectEngine()
    engine.cases = {"mini-council-vote": ev.load_case(CASES / "mini-council-vote.yaml")}
    (result,) = run_eval(ev.load_cases(folder), engine, ev.Articles(ROOT, folder, folder)).results
    assert result.status == "error"
    assert result.message == ("the case's labels do not fit its article: claims[2].evidence "
                              "not verbatim in the article: 'the vote may be delayed'")
    assert result.brief is None  # not briefed: the labels are what is wrong


def test_a_run_refuses_a_case_file_named_other_than_its_id(folder: Path) -> None:
    write(folder, "council.yaml", COUNCIL_CASE)
    with pytest.raises(InputError, match="the id 'mini-council-vote' differs from the file"):
        ev.load_cases(folder)
