"""Case files and article references, on the hand-made cases in tests/data/eval."""

from __future__ import annotations

from pathlib import Path

import pytest
from eval_helpers import CASES, ROOT, SENATE_ARTICLE, fake_polnear

from summarizer.errors import InputError
from summarizer.evaluation import cases as ev


@pytest.fixture
def polnear(tmp_path: Path) -> Path:
    """A fake PolNeAR root holding the senate article."""
    return fake_polnear(tmp_path)


def test_load_cases_sorted_and_filtered() -> None:
    assert [c.id for c in ev.load_cases(CASES)] == ["mini-council-vote", "mini-senate-farm-bill"]
    assert [c.id for c in ev.load_cases(CASES, ["mini-senate-farm-bill"])] == [
        "mini-senate-farm-bill"
    ]
    with pytest.raises(InputError, match="no case with id nope"):
        ev.load_cases(CASES, ["nope"])


def test_bad_case_files_give_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("id: x\narticle: a.txt\nexpect: {claims: [{statement: a, b, source: x}]}\n")
    with pytest.raises(InputError, match=r"x.yaml: expect.claims\[0\]: unknown key 'b'"):
        ev.load_case(bad)
    bad.write_text("id: x\narticle: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML"):
        ev.load_case(bad)
    bad.write_text("id: x\narticle: a.txt\n")
    with pytest.raises(InputError, match="expect: Field required"):
        ev.load_case(bad)


def test_article_references(polnear: Path) -> None:
    articles = ev.Articles(ROOT, polnear)
    assert articles.path("polnear:train/abc") == polnear / "data" / "train" / "text" / "abc.txt"
    assert articles.read("polnear:dev/mini-senate-farm-bill") == SENATE_ARTICLE
    assert articles.read("polnear:dev/absent") is None
    assert articles.read("tests/data/eval/articles/council.txt") is not None
    for bad in ("polnear:test/abc", "polnear:dev/a/b", "../etc/passwd", "seeds/../../x.txt"):
        with pytest.raises(InputError, match="bad article reference"):
            articles.path(bad)


def test_an_article_may_be_absolute_or_beside_the_case_files(tmp_path: Path) -> None:
    cases_dir = tmp_path / "my-cases"
    cases_dir.mkdir()
    (cases_dir / "story.txt").write_text("Beside the cases.", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("Anywhere at all.", encoding="utf-8")
    articles = ev.Articles(ROOT, tmp_path / "no-polnear", cases_dir)
    assert articles.read("story.txt") == "Beside the cases."
    assert articles.read(str(elsewhere)) == "Anywhere at all."
    # Not beside the cases: the project's own files, as before.
    assert articles.path("seeds/x.txt") == ROOT / "seeds" / "x.txt"


def test_default_polnear_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ev.ENV_POLNEAR, raising=False)
    assert ev.Articles.default(CASES).polnear_root == ROOT.parent / "shared" / "polnear"
    assert ev.Articles.default(CASES).project_root == ROOT
    monkeypatch.setenv(ev.ENV_POLNEAR, str(tmp_path))
    assert ev.Articles.default(CASES).polnear_root == tmp_path
    assert ev.Articles.default(CASES, ROOT).polnear_root == ROOT
