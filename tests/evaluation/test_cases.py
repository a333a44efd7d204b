"""Case files and article references, on the hand-made cases in tests/data/eval."""

from __future__ import annotations

from pathlib import Path

import pytest
from eval_helpers import CASES, ROOT, SENATE_ARTICLE, fake_polnear

from summarizer.errors import InputError
from summarizer.evaluation import cases as ev
from summarizer.evaluation.corpus import COMMIT


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
    project = tmp_path / "project"
    (project / "evals" / "cases").mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    cases_dir = project / "evals" / "cases"
    monkeypatch.delenv(ev.ENV_POLNEAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # A fresh clone (no ../shared beside it): the user cache, filled on first use.
    default = ev.Articles.default(cases_dir)
    assert default.project_root == project
    assert default.polnear_root == tmp_path / "cache" / "summarizer" / "polnear" / COMMIT
    assert default.uses_cache
    # ../shared/polnear beside the project wins over the cache when it is there.
    (tmp_path / "shared" / "polnear").mkdir(parents=True)
    assert ev.Articles.default(cases_dir).polnear_root == tmp_path / "shared" / "polnear"
    assert not ev.Articles.default(cases_dir).uses_cache
    monkeypatch.setenv(ev.ENV_POLNEAR, str(tmp_path / "env"))
    assert ev.Articles.default(cases_dir).polnear_root == tmp_path / "env"
    assert ev.Articles.default(cases_dir, ROOT).polnear_root == ROOT


def test_unreadable_articles_say_why(tmp_path: Path) -> None:
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x00\x00")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    articles = ev.Articles(ROOT, tmp_path / "no-polnear", tmp_path)
    assert articles.read("binary.txt") is None
    assert "looks like a binary file" in articles.why_unread("binary.txt")
    assert articles.read("latin1.txt") is None
    assert "not valid UTF-8" in articles.why_unread("latin1.txt")
    assert articles.why_unread("absent.txt").startswith("article not found: ")


def test_a_case_file_named_other_than_its_id_is_refused(tmp_path: Path) -> None:
    text = (CASES / "mini-council-vote.yaml").read_text(encoding="utf-8")
    (tmp_path / "council.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"council\.yaml: the id 'mini-council-vote' differs "
                                         "from the file name"):
        ev.load_cases(tmp_path)
