"""The PolNeAR reader and scorer: hand-made spans first, the corpus when present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from optional_deps import polnear_root, require_polnear

from summarizer.errors import InputError
from summarizer.evaluation.polnear import (
    Attribution,
    chars,
    dice,
    match,
    parse_ann,
    predictions,
    read_split,
    score_article,
    split_dir,
)
from summarizer.schema import ArticleBrief, Claim, Evidence, Meta, Source
from summarizer.spans import CharInterval

# "Alice" is [0, 5), "the sky is green" [11, 27), "He" [29, 31), "grass is blue" [43, 56).
TEXT = "Alice said the sky is green. He added that grass is blue, too."


def att(content: tuple[int, int], source: tuple[int, int] | None = None) -> Attribution:
    return Attribution(content=(CharInterval(*content),),
                       source=(CharInterval(*source),) if source else ())


def pieces(*spans: tuple[int, int]) -> tuple[CharInterval, ...]:
    return tuple(CharInterval(start, end) for start, end in spans)


def test_dice_of_character_sets() -> None:
    assert dice(chars(pieces((0, 10))), chars(pieces((0, 10)))) == 1.0
    assert dice(chars(pieces((0, 10))), chars(pieces((5, 15)))) == 0.5
    assert dice(frozenset(), frozenset()) == 0.0


def test_threshold_boundary_half_matches_and_just_below_does_not() -> None:
    gold = [att((0, 10))]
    assert match(gold, [att((5, 15))]) == [(0, 0)]  # Dice exactly 0.5
    assert match(gold, [att((5, 16))]) == []  # 2*5/21 < 0.5


def test_matching_is_one_to_one_best_pairs_first() -> None:
    gold = [att((0, 10)), att((2, 12))]
    predicted = [att((2, 12))]
    assert match(gold, predicted) == [(1, 0)]
    result = score_article(TEXT, gold, predicted)
    assert (result.gold, result.predicted, result.matched) == (2, 1, 1)
    assert result.precision == 1.0
    assert result.recall == 0.5


def test_source_right_by_overlap_or_shared_word() -> None:
    gold = [att((11, 27), (0, 5))]  # source "Alice"
    overlapping = score_article(TEXT, gold, [att((11, 27), (0, 3))])
    assert (overlapping.source_judged, overlapping.source_right) == (1, 1)
    other = score_article(TEXT, gold, [att((11, 27), (29, 31))])  # "He"
    assert (other.source_judged, other.source_right) == (1, 0)
    missing = score_article(TEXT, gold, [att((11, 27))])
    assert (missing.source_judged, missing.source_right) == (1, 0)


def test_pronoun_or_absent_gold_source_is_not_judged() -> None:
    pronoun_gold = [att((43, 56), (29, 31))]  # "He"
    result = score_article(TEXT, pronoun_gold, [att((43, 56), (0, 5))])
    assert result.matched == 1
    assert result.source_judged == 0
    absent = score_article(TEXT, [att((43, 56))], [att((43, 56), (0, 5))])
    assert absent.source_judged == 0


def test_parse_ann_reads_discontinuous_spans_and_events() -> None:
    ann = (
        "T1\tSource 0 5\tAlice\n"
        "T2\tCue 6 10\tsaid\n"
        "T3\tContent 11 14;19 27\tthe is green\n"
        "T4\tAttribution 6 10\tsaid\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    )
    [item] = parse_ann(ann)
    assert item.content == pieces((11, 14), (19, 27))
    assert item.source == pieces((0, 5))
    assert item.cue == pieces((6, 10))


def test_predictions_use_all_claim_content_and_the_source_mention_nearest_its_start() -> None:
    brief = ArticleBrief(
        summary="s",
        sources=[Source(id="s1", label="Alice", anonymous=False, evidence=[
            Evidence(text="Alice", start=0, end=5),
            Evidence(text="He", start=29, end=31),
        ])],
        claims=[
            Claim(id="c1", statement="Grass is blue.", source_id="s1",
                  attribution="paraphrase",
                  evidence=[Evidence(text="grass is blue", start=43, end=56),
                            Evidence(text="Alice", start=60, end=65)]),
            Claim(id="c2", statement="Narration.", source_id=None, attribution="narration",
                  evidence=[Evidence(text="Alice", start=0, end=5)]),
        ],
        meta=Meta(engine="offline"),
    )
    [only] = predictions(brief)
    assert only.content == pieces((43, 56), (60, 65))
    assert only.source == pieces((29, 31))  # nearer 43 than the mention at 0


def test_split_dir_rejects_a_directory_without_the_corpus(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no PolNeAR split"):
        split_dir(tmp_path, "dev")


def test_read_split_takes_one_annotation_file_per_article(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "story.txt").write_text("Bob said yes.", encoding="utf-8")
    (tmp_path / "attributions" / "story_aaaa.ann").write_text(
        "T1\tContent 9 12\tyes\nE1\tContent:T1\n", encoding="utf-8")
    (tmp_path / "attributions" / "story_bbbb.ann").write_text("", encoding="utf-8")
    [article] = read_split(split_dir(tmp_path))
    assert article.stem == "story"
    assert [a.content for a in article.attributions] == [pieces((9, 12))]


@pytest.mark.polnear
def test_corpus_offsets_index_the_text_as_read() -> None:
    directory = split_dir(require_polnear(), "dev")
    checked = 0
    for ann in sorted((directory / "attributions").glob("*.ann"))[:10]:
        text = (directory / "text" / f"{ann.stem[:-5]}.txt").read_text(encoding="utf-8")
        for line in ann.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if not line.startswith("T") or len(fields) < 3:
                continue
            pieces = [p.split() for p in fields[1].partition(" ")[2].split(";")]
            assert " ".join(text[int(a):int(b)] for a, b in pieces) == fields[2]
            checked += 1
    assert checked > 100


@pytest.mark.polnear
def test_offline_engine_scores_on_a_dev_slice() -> None:
    from summarizer.evaluation.polnear import bench

    require_polnear("data", "dev")
    result = bench(polnear_root(), "dev", limit=8)
    assert result["articles"] == 8
    assert result["f1"] >= 0.45
    assert result["source_accuracy"] >= 0.75


def test_bench_command_scores_a_tiny_corpus(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from summarizer.cli.app import app

    text = "Miller said the budget would pass. The weather was mild on Monday."
    content = (text.index("the budget"), text.index(" pass") + len(" pass"))
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "attributions" / "a_0abc.ann").write_text(
        f"T1\tSource 0 6\tMiller\nT2\tContent {content[0]} {content[1]}\tx\n"
        "E1\tContent:T2 Source:T1\n",
        encoding="utf-8",
    )
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["bench", "polnear", str(tmp_path), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "F1 1.000" in result.output
    scores = json.loads(out.read_text(encoding="utf-8"))
    assert (scores["gold"], scores["predicted"], scores["matched"]) == (1, 1, 1)
    assert scores["source_accuracy"] == 1.0
    assert scores["brief_to_parse_ratio"] > 0


def test_bench_command_on_a_missing_split_is_one_line_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from summarizer.cli.app import app

    result = CliRunner().invoke(app, ["bench", "polnear", str(tmp_path), "--split", "dev"])
    assert result.exit_code == 2
    assert "no PolNeAR split" in result.output
    assert "Traceback" not in result.output
