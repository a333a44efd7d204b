"""The eval scorer, runner, reports and command, on hand-made cases and hand-built briefs.

The cases live in tests/data/eval/cases (invented articles); the labellers' cases in
evals/cases are checked by tests/test_eval_cases.py, not used here.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.errors import ConfigError, ExtractionError, InputError
from summarizer.evaluation import report as reports
from summarizer.evaluation import scoring as ev
from summarizer.schema import (
    ArticleBrief,
    Claim,
    Evidence,
    Meta,
    OpenQuestion,
    Party,
    Source,
    Unknown,
)

DATA = Path(__file__).parent / "data" / "eval"
CASES = DATA / "cases"
ROOT = Path(__file__).resolve().parents[1]
SENATE_ARTICLE = (
    "Senator Maria Lopez told reporters on Tuesday that the farm bill would pass before the "
    "recess. A spokesman for the White House said the president had not decided whether to "
    "sign it.\n"
)


@pytest.fixture
def polnear(tmp_path: Path) -> Path:
    """A fake PolNeAR root holding the senate article."""
    text_dir = tmp_path / "polnear" / "data" / "dev" / "text"
    text_dir.mkdir(parents=True)
    (text_dir / "mini-senate-farm-bill.txt").write_text(SENATE_ARTICLE, encoding="utf-8")
    return tmp_path / "polnear"


@pytest.fixture
def council() -> tuple[ev.Case, str]:
    case = ev.load_case(CASES / "mini-council-vote.yaml")
    return case, (DATA / "articles" / "council.txt").read_text(encoding="utf-8")


def at(article: str, quote: str) -> Evidence:
    start = article.index(quote)
    return Evidence(text=quote, start=start, end=start + len(quote))


def perfect_brief(case: ev.Case, article: str) -> ArticleBrief:
    """The brief a perfect engine would return: the labels themselves, located."""
    expect = case.expect
    parties = [
        Party(id=f"p{i}", name=p.name, kind=p.kind or "other", aliases=p.aliases)
        for i, p in enumerate(expect.parties)
    ]
    sources = [
        Source(id=f"s{i}", label=s.label, anonymous=s.anonymous,
               evidence=[at(article, q) for q in s.evidence])
        for i, s in enumerate(expect.sources)
    ]
    source_ids = {s.label: s.id for s in sources}
    claims = [
        Claim(id=f"c{i}", statement=c.statement, source_id=source_ids.get(c.source),
              attribution="paraphrase", evidence=[at(article, q) for q in c.evidence])
        for i, c in enumerate(expect.claims)
    ]
    unknowns = [
        Unknown(id=f"u{i}", statement=u.statement, evidence=[at(article, q) for q in u.evidence])
        for i, u in enumerate(expect.unknowns)
    ]
    questions = [OpenQuestion(question=q) for q in expect.open_questions]
    return ArticleBrief(summary="s", parties=parties, sources=sources, claims=claims,
                        unknowns=unknowns, open_questions=questions, meta=Meta(engine="offline"))


def values(score: ev.CaseScore) -> dict[str, float | None]:
    return {name: ratio.value for name, ratio in score.scores.items()}


# --------------------------------------------------------------------------- #
# Scorer
# --------------------------------------------------------------------------- #


def test_perfect_brief_scores_one_everywhere(council: tuple[ev.Case, str]) -> None:
    case, article = council
    score = ev.score_brief(perfect_brief(case, article), case, article)
    assert values(score) == {name: 1.0 for name in ev.METRICS}
    assert all(not missed for missed in score.misses.values())


def test_missing_party_lowers_recall_by_one_over_n(council: tuple[ev.Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.parties = brief.parties[1:]
    scores = values(ev.score_brief(brief, case, article))
    assert scores["parties.recall"] == pytest.approx(1 - 1 / 3)
    assert scores["parties.precision"] == 1.0
    assert scores["parties.f1"] == pytest.approx(2 * 2 / (2 + 3))


def test_hallucinated_quote_lowers_grounding(council: tuple[ev.Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    real = brief.claims[0].evidence[0]
    fake = "x" * (real.end - real.start)
    brief.claims[0].evidence[0] = Evidence(text=fake, start=real.start, end=real.end)
    scores = values(ev.score_brief(brief, case, article))
    assert scores["claims.grounding"] == pytest.approx(3 / 4)
    total = len(brief.evidence_items())
    assert scores["evidence.grounding"] == pytest.approx((total - 1) / total)
    assert scores["claims.recall"] == 1.0  # still matched: the statement is the same


def test_optional_party_is_ignored_but_other_extras_lower_precision(
    council: tuple[ev.Case, str],
) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.parties.append(Party(id="px", name="The Riverside Library", kind="organization"))
    assert ev.score_brief(brief, case, article).scores["parties.precision"].value == 1.0
    brief.parties.append(Party(id="py", name="Bob Smith", kind="person"))
    assert ev.score_brief(brief, case, article).scores["parties.precision"].value == 3 / 4


def test_parties_match_by_alias_after_titles_and_punctuation(
    council: tuple[ev.Case, str],
) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.parties = [
        Party(id="p1", name="Mayor Okafor", kind="person"),
        Party(id="p2", name="Dr. Sam Patel", kind="person"),
        Party(id="p3", name="The Council", kind="government"),
    ]
    assert ev.score_brief(brief, case, article).scores["parties.recall"].value == 1.0


def test_one_prediction_matches_one_label_only(council: tuple[ev.Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.parties = [
        Party(id="p1", name="Okafor", kind="person"),
        Party(id="p2", name="Jane Okafor", kind="person"),
    ]
    scores = values(ev.score_brief(brief, case, article))
    assert scores["parties.recall"] == pytest.approx(1 / 3)
    assert scores["parties.precision"] == pytest.approx(1 / 2)


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("President-elect Donald Trump", "donald trump"),
        ("Sen. Ted Cruz (R-Texas)", "ted cruz"),
        ("Hungarian Prime Minister Viktor Orbán", "hungarian prime minister viktor orban"),
        ("Prime Minister Viktor Orbán", "viktor orban"),
        ("Ukraine’s government", "ukraine government"),
        ("Mrs. Clinton", "clinton"),
        ("President", "president"),
    ],
)
def test_normalize_name(name: str, normal: str) -> None:
    assert ev.normalize_name(name) == normal


def test_matching_prefers_best_pairs_but_keeps_the_most_pairs() -> None:
    table = {(0, 0): 2.0, (0, 1): 1.0, (1, 0): 1.0, (1, 1): 2.0}
    assert ev.match_one_to_one(2, 2, lambda p, g: table.get((p, g), 0.0)) == [(0, 0), (1, 1)]
    # the best pair (0, 1) would leave pred 1 unmatched: the larger matching wins
    table = {(0, 0): 0.5, (0, 1): 1.0, (1, 1): 0.9}
    assert ev.match_one_to_one(2, 2, lambda p, g: table.get((p, g), 0.0)) == [(0, 0), (1, 1)]


def test_source_needs_same_anonymity(council: tuple[ev.Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.sources[1].anonymous = False
    scores = values(ev.score_brief(brief, case, article))
    assert scores["sources.recall"] == 1 / 2
    assert scores["sources.precision"] == 1 / 2


def test_source_matches_by_evidence_overlap_under_another_label(
    council: tuple[ev.Case, str],
) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.sources[1].label = "lawmakers who asked not to be named"
    brief.sources[1].evidence = [at(article, "speaking on condition of anonymity because")]
    assert ev.score_brief(brief, case, article).scores["sources.recall"].value == 1.0
    brief.sources[1].evidence = [at(article, "Library director")]
    assert ev.score_brief(brief, case, article).scores["sources.recall"].value == 1 / 2


def test_attribution_counts_right_source_and_the_article(council: tuple[ev.Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    assert brief.claims[3].source_id is None  # labelled "the article"
    brief.claims[2].source_id = "s0"  # labelled: two council members
    brief.claims[3].source_id = "s1"
    scores = values(ev.score_brief(brief, case, article))
    assert scores["claims.attribution"] == 2 / 4
    brief.claims[0].source_id = None
    assert ev.score_brief(brief, case, article).scores["claims.attribution"].value == 1 / 4


def test_claim_matches_by_statement_without_evidence_overlap(
    council: tuple[ev.Case, str],
) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.claims = [
        Claim(id="c1", statement="The Riverside library closure vote could be delayed.",
              source_id="s1", attribution="paraphrase",
              evidence=[at(article, "Two council members")]),
        Claim(id="c2", statement="Okafor spoke on Monday.", source_id="s0",
              attribution="paraphrase", evidence=[at(article, "on Monday")]),
    ]
    scores = values(ev.score_brief(brief, case, article))
    assert scores["claims.recall"] == 1 / 4
    assert scores["claims.attribution"] == 1.0
    assert scores["claims.grounding"] == 1.0  # the extra claim is grounded: no penalty


def test_open_question_recall_by_similarity(council: tuple[ev.Case, str]) -> None:
    case, article = council
    brief = perfect_brief(case, article)
    brief.open_questions = [
        OpenQuestion(question="How many jobs would library staff lose if Riverside closes?"),
        OpenQuestion(question="Who will pay for the new stadium?"),
    ]
    assert ev.score_brief(brief, case, article).scores["open_questions.recall"].value == 1 / 2


def test_similarity_rule() -> None:
    assert ev.similarity("The vote was delayed.", "the VOTE, delayed") == 1.0
    assert ev.similarity("Trump called Putin", "Putin called Trump twice") == pytest.approx(6 / 7)
    assert ev.similarity("the and of", "the and of") == 0.0


def test_field_without_labels_has_undefined_recall(council: tuple[ev.Case, str]) -> None:
    case, article = council
    bare = case.model_copy(update={"expect": case.expect.model_copy(update={"unknowns": []})})
    brief = perfect_brief(case, article)
    scores = values(ev.score_brief(brief, bare, article))
    assert scores["unknowns.recall"] is None
    assert scores["unknowns.precision"] == 0.0  # two predicted, none labelled
    brief.unknowns = []
    assert values(ev.score_brief(brief, bare, article))["unknowns.f1"] is None


def test_no_brief_scores_as_empty_and_invalid(council: tuple[ev.Case, str]) -> None:
    case, article = council
    scores = values(ev.score_brief(None, case, article))
    assert scores["validity"] == 0.0
    assert scores["parties.recall"] == 0.0
    assert scores["parties.precision"] is None
    assert scores["claims.grounding"] is None


def test_micro_and_macro_averages(council: tuple[ev.Case, str]) -> None:
    case, article = council
    good = perfect_brief(case, article)
    half = perfect_brief(case, article)
    half.claims = half.claims[:1]
    bare = case.model_copy(update={"expect": case.expect.model_copy(update={"claims": []})})
    results = [
        ev.CaseResult(case, "ok", score=ev.score_brief(good, case, article)),  # 4/4
        ev.CaseResult(case, "ok", score=ev.score_brief(half, case, article)),  # 1/4
        ev.CaseResult(bare, "ok", score=ev.score_brief(good, bare, article)),  # undefined
        ev.CaseResult(case, "missing", "article not found"),
    ]
    claims = reports.aggregate(results)["claims.recall"]
    assert claims["micro"] == pytest.approx(5 / 8)
    assert claims["macro"] == pytest.approx((1 + 1 / 4) / 2)
    assert claims["cases"] == 2


# --------------------------------------------------------------------------- #
# Cases and articles
# --------------------------------------------------------------------------- #


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
    for bad in ("polnear:test/abc", "polnear:dev/a/b", "../etc/passwd", "/etc/passwd"):
        with pytest.raises(InputError, match="bad article reference"):
            articles.path(bad)


def test_default_polnear_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ev.ENV_POLNEAR, raising=False)
    assert ev.Articles.default(CASES).polnear_root == ROOT.parent / "shared" / "polnear"
    assert ev.Articles.default(CASES).project_root == ROOT
    monkeypatch.setenv(ev.ENV_POLNEAR, str(tmp_path))
    assert ev.Articles.default(CASES).polnear_root == tmp_path
    assert ev.Articles.default(CASES, ROOT).polnear_root == ROOT


# --------------------------------------------------------------------------- #
# Runner
# --------------------------------------------------------------------------- #


class FakeEngine:
    """Answers with the perfect brief of whichever test case the text belongs to."""

    name = "offline"

    def __init__(self, fail_on: str | None = None) -> None:
        self.fail_on = fail_on
        self.running = 0
        self.most_running = 0
        self.cases = {c.id: c for c in ev.load_cases(CASES)}

    def _answer(self, text: str) -> ArticleBrief:
        if self.fail_on and self.fail_on in text:
            raise ExtractionError("the model gave nothing valid")
        case_id = "mini-senate-farm-bill" if "Lopez" in text else "mini-council-vote"
        return perfect_brief(self.cases[case_id], text)

    def brief(self, text: str) -> ArticleBrief:
        return self._answer(text)

    async def abrief(self, text: str) -> ArticleBrief:
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        await asyncio.sleep(0.01)
        self.running -= 1
        return self._answer(text)


def test_run_eval_scores_every_case(polnear: Path) -> None:
    results = ev.run_eval(ev.load_cases(CASES), FakeEngine(), ev.Articles(ROOT, polnear))
    assert [r.status for r in results] == ["ok", "ok"]
    for result in results:
        assert result.score is not None
        assert result.score.scores["claims.recall"].value == 1.0


def test_missing_article_is_reported_not_passed(tmp_path: Path) -> None:
    results = ev.run_eval(ev.load_cases(CASES), FakeEngine, ev.Articles(ROOT, tmp_path))
    assert [r.status for r in results] == ["ok", "missing"]
    assert results[1].score is None
    assert "mini-senate-farm-bill.txt" in (results[1].message or "")
    report = reports.build_report(results, engine="offline", model=None, cases_dir="x")
    assert report["summary"]["missing"] == 1
    failures = reports.check(report, {"validity": 1.0})
    assert failures == ["1 case(s) not run, article missing: mini-senate-farm-bill"]


def test_engine_failure_is_an_error_case_scored_empty(polnear: Path) -> None:
    engine = FakeEngine(fail_on="Lopez")
    results = ev.run_eval(ev.load_cases(CASES), engine, ev.Articles(ROOT, polnear))
    assert [r.status for r in results] == ["ok", "error"]
    assert results[1].message == "the model gave nothing valid"
    assert results[1].score is not None
    assert results[1].score.scores["validity"].value == 0.0
    assert results[1].score.scores["claims.recall"].value == 0.0


def test_concurrent_run_keeps_order_and_reports_missing(tmp_path: Path) -> None:
    cases = ev.load_cases(CASES)
    results = ev.run_eval(cases * 2, FakeEngine(), ev.Articles(ROOT, tmp_path), concurrency=3)
    assert [r.status for r in results] == ["ok", "missing", "ok", "missing"]


def test_engine_not_made_when_every_article_is_missing(tmp_path: Path) -> None:
    def no_engine() -> FakeEngine:
        raise ConfigError("no endpoint")

    senate = ev.load_cases(CASES, ["mini-senate-farm-bill"])
    for concurrency in (1, 2):
        results = ev.run_eval(senate, no_engine, ev.Articles(ROOT, tmp_path), concurrency)
        assert [r.status for r in results] == ["missing"]


def test_concurrent_run_is_bounded(polnear: Path) -> None:
    cases = ev.load_cases(CASES) * 3  # six runs of two cases
    engine = FakeEngine()
    results = ev.run_eval(cases, lambda: engine, ev.Articles(ROOT, polnear), concurrency=2)
    assert len(results) == 6 and all(r.status == "ok" for r in results)
    assert engine.most_running == 2


# --------------------------------------------------------------------------- #
# Reports, baselines, thresholds
# --------------------------------------------------------------------------- #


def make_report(polnear: Path, engine: FakeEngine | None = None) -> dict:
    results = ev.run_eval(ev.load_cases(CASES), engine or FakeEngine(), ev.Articles(ROOT, polnear))
    return reports.build_report(results, engine="offline", model=None, cases_dir=str(CASES))


def test_reports_written(polnear: Path, tmp_path: Path) -> None:
    report = make_report(polnear)
    json_path, md_path = reports.write_reports(report, tmp_path / "out")
    data = json.loads(json_path.read_text())
    assert data["metrics"]["parties.f1"]["micro"] == 1.0
    assert [c["id"] for c in data["cases"]] == ["mini-council-vote", "mini-senate-farm-bill"]
    markdown = md_path.read_text()
    assert "| parties.f1 | 1.00 | 1.00 | 2 |" in markdown
    assert "## Matching rules" in markdown and "optional_parties" in markdown


def test_baseline_regression_beyond_tolerance(polnear: Path) -> None:
    report = make_report(polnear)
    old = json.loads(json.dumps(report))
    old["metrics"]["claims.recall"]["micro"] = 1.0
    report["metrics"]["claims.recall"]["micro"] = 0.97
    report["metrics"]["parties.f1"]["micro"] = 0.99
    regressed = [d.metric for d in reports.compare(report, old, 0.02) if d.regressed]
    assert regressed == ["claims.recall"]
    assert [d.metric for d in reports.compare(report, old, 0.05) if d.regressed] == []


def test_baseline_on_other_cases_is_flagged(polnear: Path, tmp_path: Path) -> None:
    report = make_report(polnear)
    assert reports.comparability(report, report) == []
    other = make_report(tmp_path)  # the senate article is missing there
    other["model"] = "m"
    assert reports.comparability(report, other) == [
        "baseline model is 'm', this run's is None",
        "baseline scored 1 cases, this run 2; 1 differ, so averages are over different cases",
    ]


def test_thresholds_check(polnear: Path, tmp_path: Path) -> None:
    path = tmp_path / "thresholds.yaml"
    path.write_text("offline: {validity: 1.0, claims.recall: 0.5}\nstrict: {parties.f1: 1.0}\n")
    report = make_report(polnear)
    report["metrics"]["claims.recall"]["micro"] = 0.4
    assert reports.check(report, reports.load_thresholds(path, "offline")) == [
        "claims.recall: 0.400 < minimum 0.50"
    ]
    assert reports.check(report, reports.load_thresholds(path, "strict")) == []
    with pytest.raises(ConfigError, match="no thresholds for 'llm'"):
        reports.load_thresholds(path, "llm")
    path.write_text("offline: {claims.recal: 0.5}\n")
    with pytest.raises(ConfigError, match=r"unknown metric 'claims\.recal'"):
        reports.load_thresholds(path, "offline")


def test_project_thresholds_file_is_valid() -> None:
    path = ROOT / "evals" / "thresholds.yaml"
    for profile in ("offline", "llm", "llm-smoke"):
        assert reports.load_thresholds(path, profile)
    smoke = {k.removesuffix("?") for k in reports.load_thresholds(path, "llm-smoke")}
    assert smoke <= {"validity", "evidence.grounding", "claims.grounding"}


def test_if_measured_minimum_passes_only_when_nothing_was_scored() -> None:
    def report(value: float | None) -> dict:
        return {"cases": [], "metrics": {"claims.grounding": {"micro": value}}}

    minimums = {"claims.grounding?": 0.9}
    assert reports.check(report(None), minimums) == []
    assert reports.check(report(0.95), minimums) == []
    assert reports.check(report(0.5), minimums) == ["claims.grounding: 0.500 < minimum 0.90"]
    assert reports.check(report(None), {"claims.grounding": 0.9}) == [
        "claims.grounding: not measured (nothing to score), minimum 0.90"
    ]


# --------------------------------------------------------------------------- #
# The command
# --------------------------------------------------------------------------- #

runner = CliRunner()


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    import summarizer.engines

    monkeypatch.setattr(summarizer.engines, "create", lambda *a, **k: FakeEngine())


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["eval", *args])
    return result.exit_code, result.output


@pytest.mark.usefixtures("fake_engine")
def test_command_writes_reports(polnear: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = invoke(str(CASES), "--engine", "offline", "--out", str(out),
                          "--polnear", str(polnear))
    assert code == 0, output
    report = json.loads((out / "report.json").read_text())
    assert report["summary"] == {"cases": 2, "ok": 2, "error": 0, "missing": 0}
    assert (out / "report.md").is_file()
    assert (out / "briefs" / "mini-council-vote.json").is_file()


class PartyDroppingEngine(FakeEngine):
    """Forgets the first labelled party of every case."""

    def _answer(self, text: str) -> ArticleBrief:
        brief = super()._answer(text)
        brief.parties = brief.parties[1:]
        return brief


def fails(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("summarizer: FAIL")]


def test_command_check_fails_one_line_per_metric(
    polnear: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import summarizer.engines

    monkeypatch.setattr(summarizer.engines, "create", lambda *a, **k: PartyDroppingEngine())
    limits = tmp_path / "t.yaml"
    limits.write_text("offline: {validity: 1.0}\nhard: {validity: 1.0, parties.recall: 0.7}\n")
    common = [str(CASES), "--engine", "offline", "--out", str(tmp_path / "o"), "--check",
              "--thresholds", str(limits)]
    code, output = invoke(*common, "--polnear", str(polnear))
    assert (code, fails(output)) == (0, [])
    code, output = invoke(*common, "--polnear", str(polnear), "--profile", "hard")
    assert code == 1
    # council: 2 of 3 parties, senate: 1 of 2 -> micro 3/5
    assert fails(output) == ["summarizer: FAIL parties.recall: 0.600 < minimum 0.70"]
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["check"]["profile"] == "hard"
    assert report["check"]["failures"] == ["parties.recall: 0.600 < minimum 0.70"]
    markdown = (tmp_path / "o" / "report.md").read_text()
    assert "- FAIL parties.recall: 0.600 < minimum 0.70" in markdown
    code, output = invoke(*common, "--polnear", str(tmp_path / "nowhere"))
    assert code == 1
    assert fails(output) == [
        "summarizer: FAIL 1 case(s) not run, article missing: mini-senate-farm-bill"
    ]


def test_command_baseline_regression(
    polnear: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import summarizer.engines

    common = [str(CASES), "--engine", "offline", "--polnear", str(polnear)]
    monkeypatch.setattr(summarizer.engines, "create", lambda *a, **k: FakeEngine())
    assert invoke(*common, "--out", str(tmp_path / "old"))[0] == 0
    baseline = str(tmp_path / "old" / "report.json")
    code, output = invoke(*common, "--out", str(tmp_path / "same"), "--baseline", baseline)
    assert (code, fails(output)) == (0, [])
    monkeypatch.setattr(summarizer.engines, "create", lambda *a, **k: PartyDroppingEngine())
    code, output = invoke(*common, "--out", str(tmp_path / "new"), "--baseline", baseline)
    assert code == 1
    assert fails(output) == [
        "summarizer: FAIL parties.recall: 1.000 -> 0.600 (fell more than 0.02)",
        "summarizer: FAIL parties.f1: 1.000 -> 0.750 (fell more than 0.02)",
    ]
    report = json.loads((tmp_path / "new" / "report.json").read_text())
    assert report["baseline"]["change"]["parties.recall"] == pytest.approx(-0.4)
    assert report["baseline"]["change"]["claims.recall"] == 0.0


def test_command_bad_input_is_one_line(tmp_path: Path) -> None:
    code, output = invoke(str(tmp_path / "none"), "--engine", "offline")
    assert code == 2
    assert output.strip().splitlines() == [
        f"summarizer: error: {tmp_path / 'none'}: no such folder of eval cases"
    ]
    code, output = invoke(str(CASES), "--engine", "offline", "--case", "nope")
    assert code == 2 and "no case with id nope" in output


def test_command_with_offline_engine(polnear: Path, tmp_path: Path) -> None:
    pytest.importorskip("summarizer.engines.offline.pipeline")
    out = tmp_path / "out"
    code, output = invoke(str(CASES), "--engine", "offline", "--out", str(out),
                          "--polnear", str(polnear))
    assert code == 0, output
    report = json.loads((out / "report.json").read_text())
    assert report["engine"] == "offline"
    assert report["summary"]["ok"] == 2
    assert report["metrics"]["validity"]["micro"] == 1.0
