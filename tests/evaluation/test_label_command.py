"""``summarizer label``: a case file drafted from a brief, every label marked to check,
never written over an existing file; and what the draft is made of."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from eval_helpers import CASES, DATA, ROOT, PerfectEngine, every_engine_is, fake_polnear
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.evaluation import cases as ev
from summarizer.evaluation.drafts import quote, reference_for, unique_quote
from summarizer.evaluation.validate import validate
from summarizer.schema import ArticleBrief, Evidence

COUNCIL = (DATA / "articles" / "council.txt").read_text(encoding="utf-8")
SEED = ROOT / "seeds" / "000_a632362f40734eb3.txt"


class CountingEngine(PerfectEngine):
    calls = 0

    def answer(self, text: str) -> ArticleBrief:
        type(self).calls += 1
        return super().answer(text)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A case folder holding the council article; every engine answers with its labels."""
    every_engine_is(monkeypatch, CountingEngine)
    monkeypatch.setattr(CountingEngine, "calls", 0)
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "council.txt").write_text(COUNCIL, encoding="utf-8")
    return cases


def label(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["label", *args])
    return result.exit_code, result.stderr


def unmarked(path: Path) -> None:
    """What a person does after checking every line: delete the marks."""
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(line.split("   # TO CHECK")[0] for line in lines), encoding="utf-8")


def test_a_draft_holds_the_brief_with_every_label_marked(folder: Path) -> None:
    code, err = label(str(folder / "council.txt"), "--id", "council-draft", "--out", str(folder),
                      "--engine", "offline")
    assert code == 0, err
    draft = folder / "council-draft.yaml"
    articles = ev.Articles(ROOT, folder / "no-polnear", folder)
    found = validate(folder, articles)
    labelled = ev.load_case(CASES / "mini-council-vote.yaml").expect
    items = (len(labelled.parties) + len(labelled.sources) + len(labelled.claims)
             + len(labelled.unknowns) + len(labelled.open_questions))
    assert len(found) == items  # one mark per label, and nothing else wrong
    assert all(": still marked TO CHECK: " in line for line in found)

    unmarked(draft)
    assert validate(folder, articles) == []
    case = ev.load_case(draft)
    assert (case.id, case.article) == ("council-draft", "council.txt")
    assert [(p.name, p.aliases) for p in case.expect.parties] == \
        [(p.name, p.aliases) for p in labelled.parties]
    assert [(s.label, s.anonymous, s.evidence) for s in case.expect.sources] == \
        [(s.label, s.anonymous, s.evidence) for s in labelled.sources]
    assert [(c.statement, c.source, c.evidence) for c in case.expect.claims] == \
        [(c.statement, c.source, c.evidence) for c in labelled.claims]
    assert case.expect.unknowns == labelled.unknowns
    assert case.expect.open_questions == labelled.open_questions


def test_an_existing_case_file_is_never_overwritten(folder: Path) -> None:
    mine = folder / "council-draft.yaml"
    mine.write_text("my careful labels\n")
    code, err = label(str(folder / "council.txt"), "--id", "council-draft", "--out", str(folder))
    assert code == 2
    assert err.strip() == (f"summarizer: error: {mine} exists; it is left as it is: "
                           "choose another --id or --out")
    assert mine.read_text() == "my careful labels\n"
    assert CountingEngine.calls == 0  # refused before any engine work


def test_a_bad_id_or_article_is_one_line(folder: Path) -> None:
    code, err = label(str(folder / "council.txt"), "--id", "../escape", "--out", str(folder))
    assert code == 2 and err.startswith("summarizer: error: --id '../escape': use letters")
    code, err = label(str(folder / "absent.txt"), "--id", "x", "--out", str(folder))
    assert code == 2 and err.strip() == f"summarizer: error: {folder}/absent.txt: no such file"
    assert sorted(p.name for p in folder.iterdir()) == ["council.txt"]


def test_the_draft_names_its_article_as_a_case_would(tmp_path: Path) -> None:
    polnear = fake_polnear(tmp_path)
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "beside.txt").write_text("x")
    articles = ev.Articles(ROOT, polnear, cases)
    senate = polnear / "data" / "dev" / "text" / "mini-senate-farm-bill.txt"
    expected = {
        senate: "polnear:dev/mini-senate-farm-bill",
        cases / "beside.txt": "beside.txt",
        SEED: "seeds/000_a632362f40734eb3.txt",
        tmp_path / "elsewhere.txt": str(tmp_path / "elsewhere.txt"),
    }
    for path, ref in expected.items():
        assert reference_for(path, articles) == ref
        assert articles.path(ref) == path  # and the case finds it again


@pytest.mark.parametrize("text", [
    "a, b: c", 'he said "no" \\ then', "line\u2028separator\u0085next", "café 😀",
    "# not a comment", "  spaced  ", "yes", "null", "- dash", "{braces}",
])
def test_quoted_values_read_back_unchanged(text: str) -> None:
    assert yaml.safe_load(f"{{k: {quote(text)}}}") == {"k": text}


def test_evidence_is_widened_until_unique() -> None:
    article = "Trump said no. Later Trump said yes. Trump said no."
    first = Evidence(text="Trump", start=0, end=5)
    second = Evidence(text="Trump", start=21, end=26)
    assert unique_quote(article, first) == "Trump said no. Later"
    assert unique_quote(article, second) == "Later Trump said"  # right, then left
    once = Evidence(text="Later", start=15, end=20)
    assert unique_quote(article, once) == "Later"
    assert article.count(unique_quote(article, first)) == 1


def test_a_draft_by_the_offline_engine_is_a_valid_case_once_checked(tmp_path: Path) -> None:
    out = tmp_path / "cases"
    code, err = label(str(SEED), "--id", "seed-draft", "--engine", "offline", "--out", str(out))
    assert code == 0, err
    draft = out / "seed-draft.yaml"
    articles = ev.Articles.default(out)
    marked = validate(out, articles)
    assert marked and all(": still marked TO CHECK: " in line for line in marked)
    unmarked(draft)
    assert validate(out, articles) == []
