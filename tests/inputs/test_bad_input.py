"""Bad input through the real command line: a one-line error or a valid brief, never a traceback.

Each case runs ``python -m summarizer summarize`` in a subprocess (offline engine,
OPENAI_* and SUMMARIZER_* cleared) so the real stderr and exit code are seen.
Empty, whitespace-only, PNG and Latin-1 files, a missing file and a folder are
covered in test_cli.py; the cases here are the others.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from optional_deps import require_polnear
from scripted_server import ScriptedServer
from test_fetch import news_page

from summarizer.text import LOOKS_HTML, NOT_ENGLISH, looks_english, looks_html

SEED_PATH = Path(__file__).resolve().parents[2] / "seeds" / "000_a632362f40734eb3.txt"

ENGLISH = (
    "SPRINGFIELD - The city council voted 7-2 on Tuesday to close the Elm Street bridge "
    "for repairs, Mayor Ana Ruiz said. \u201cWe had no choice,\u201d Ruiz told reporters. "
    "Officials did not say how much the repairs would cost."
)
FRENCH = (
    "PARIS - Le conseil municipal a vot\u00e9 mardi la fermeture du pont de la rue des Ormes "
    "pour des travaux, a d\u00e9clar\u00e9 la maire Anne Ruiz. \u00ab Nous n'avions pas le "
    "choix \u00bb, a-t-elle dit aux journalistes. Les responsables n'ont pas pr\u00e9cis\u00e9 "
    "le co\u00fbt des travaux ni la date de r\u00e9ouverture du pont."
)
CHINESE = "\u5e02\u8bae\u4f1a\u5468\u4e8c\u6295\u7968\u51b3\u5b9a\u5173\u95ed\u69c6\u6811\u8857\u5927\u6865\u8fdb\u884c\u7ef4\u4fee\uff0c\u5e02\u957f\u8868\u793a\u522b\u65e0\u9009\u62e9\u3002"  # noqa: E501


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}


def summarize(
    *args: str, stdin: Any = None, shell_stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "summarizer", "summarize", *args, "--format", "json"]
    if "--engine" not in args:
        command += ["--engine", "offline"]
    if shell_stdin:  # e.g. "<&-": let the shell set up stdin exactly
        line = " ".join(f"'{part}'" for part in command) + " " + shell_stdin
        return subprocess.run(["sh", "-c", line], capture_output=True, text=True, env=env(),
                              timeout=300)  # fmt: skip
    return subprocess.run(command, stdin=stdin, capture_output=True, text=True, env=env(),
                          timeout=300)  # fmt: skip


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("summarizer: error: ")
    assert result.stdout == ""
    return lines[0]


def brief_of(result: subprocess.CompletedProcess[str], article: str) -> dict[str, Any]:
    """The brief printed on stdout, after checking it is grounded in ``article``."""
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    brief: dict[str, Any] = json.loads(result.stdout)
    for group in ("sources", "claims", "unknowns"):
        for item in brief[group]:
            for evidence in item["evidence"]:
                assert article[evidence["start"] : evidence["end"]] == evidence["text"]
    assert brief["meta"]["article_chars"] == len(article)
    return brief


# --------------------------------------------------------------------------- #
# Encodings and bytes
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "utf-8-sig"])
def test_bom_files_are_decoded_and_offsets_index_the_text(tmp_path: Path, encoding: str) -> None:
    data = (
        b"\xfe\xff" + ENGLISH.encode("utf-16-be")
        if encoding == "utf-16-be-bom"
        else ENGLISH.encode(encoding)
    )
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    brief = brief_of(summarize(str(path)), ENGLISH)
    assert brief["claims"], "a real brief, not an empty one"
    assert brief["meta"]["warnings"] == []


def test_nul_byte_after_the_first_8_kb_is_refused_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(ENGLISH.encode() * 60 + b"\x00\x01\x02")
    assert "NUL bytes" in error_line(summarize(str(path)))


def test_binary_on_stdin_is_one_line() -> None:
    line = error_line(summarize("-", stdin=open("/bin/sh", "rb")))  # noqa: SIM115
    assert "stdin" in line and ("binary" in line or "UTF-8" in line)


def test_closed_stdin_is_one_line() -> None:
    assert "stdin is closed" in error_line(summarize("-", shell_stdin="<&-"))


def test_folder_named_like_an_html_file_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "story.html"
    folder.mkdir()
    assert "is a folder" in error_line(summarize(str(folder)))


# --------------------------------------------------------------------------- #
# Size
# --------------------------------------------------------------------------- #


def five_mb_text() -> str:
    seed = SEED_PATH.read_text(encoding="utf-8") + "\n\n"
    return (seed * (5_000_000 // len(seed) + 1))[:5_000_000]


def test_5_mb_text_with_the_offline_engine_is_refused_at_once_with_the_limit(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.txt"
    path.write_text(five_mb_text(), encoding="utf-8")
    started = time.monotonic()
    line = error_line(summarize(str(path), "--engine", "offline"))
    assert time.monotonic() - started < 60  # no parsing was attempted
    assert "5,000,000 characters" in line and "at most 150,000" in line
    assert "--engine llm" in line


def test_5_mb_text_with_the_llm_engine_is_briefed_in_parts(server: ScriptedServer) -> None:
    from llm_cases import engine_for

    text = five_mb_text()
    engine = engine_for(server, chunk_tokens=200_000, chunk_overlap_sentences=0)
    pieces = engine.pieces(text)
    assert 6 <= len(pieces) <= 10
    quote = "Donald Trump spoke directly with Russian President Vladimir Putin"
    assert quote in text
    answer = {
        "summary": "Trump and Putin spoke.",
        "sources": [{"id": "s1", "label": "Trump", "anonymous": False, "evidence": [quote]}],
    }
    for _ in pieces:
        server.answer(answer)
    brief = engine.brief(text)
    assert brief.meta.chunks == len(pieces)
    assert len(server.completions()) == len(pieces)
    assert brief.sources and brief.ungrounded(text) == []


def test_text_longer_than_a_parse_piece_is_parsed_in_pieces_with_exact_offsets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from summarizer.engines.offline import nlp
    from summarizer.engines.offline.pipeline import OfflineEngine

    text = "\n\n".join([ENGLISH] * 12)
    whole = nlp.parse(text)
    monkeypatch.setattr(nlp, "PIECE_CHARS", 700)
    pieced = nlp.parse(text)
    assert pieced.text == text
    assert [t.idx for t in pieced] == [t.idx for t in whole]
    assert pieced.ents and all(text[e.start_char : e.end_char] == e.text for e in pieced.ents)
    brief = OfflineEngine().brief(text)
    assert brief.ungrounded(text) == [] and len(brief.claims) >= 12


def test_single_100_kb_line_gives_a_grounded_brief(tmp_path: Path) -> None:
    words = " ".join(SEED_PATH.read_text(encoding="utf-8").split())
    line = ((words + " ") * (100_000 // len(words) + 1))[:100_000]
    path = tmp_path / "line.txt"
    path.write_text(line, encoding="utf-8")
    brief = brief_of(summarize(str(path)), line)
    assert brief["claims"]
    assert "\n" not in line


# --------------------------------------------------------------------------- #
# Text that is not an English article
# --------------------------------------------------------------------------- #


def test_html_page_passed_as_text_gives_a_brief_and_a_warning(tmp_path: Path) -> None:
    page = news_page()
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    result = summarize(str(path))
    brief = brief_of(result, page)
    assert LOOKS_HTML in brief["meta"]["warnings"]
    assert f"summarizer: warning: {LOOKS_HTML}" in result.stderr


def test_non_english_article_gives_a_brief_that_says_what_it_could_do(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(FRENCH, encoding="utf-8")
    result = summarize(str(path))
    brief = brief_of(result, FRENCH)
    assert brief["meta"]["warnings"] == [NOT_ENGLISH]
    assert f"summarizer: warning: {NOT_ENGLISH}" in result.stderr


@pytest.mark.parametrize("text", [FRENCH, CHINESE], ids=["french", "chinese"])
def test_non_english_texts_are_recognised(text: str) -> None:
    assert not looks_english(text)


def test_english_seed_is_not_flagged() -> None:
    seed = SEED_PATH.read_text(encoding="utf-8")
    assert looks_english(ENGLISH) and looks_english(seed)
    assert not looks_html(seed)


@pytest.mark.polnear
def test_no_polnear_article_is_flagged() -> None:
    corpus = require_polnear("data")
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*/text/*.txt"))]
    assert len(texts) > 500
    flagged = [t[:60] for t in texts if not looks_english(t) or looks_html(t)]
    assert flagged == []


def test_markup_words_in_prose_are_not_html() -> None:
    prose = ENGLISH + " The <b> tag and <p> were mentioned by a <i>reader</i>."
    assert not looks_html(prose)
    assert looks_html(news_page())


def test_llm_engine_warns_about_html_but_takes_any_language(server: ScriptedServer) -> None:
    from llm_cases import engine_for

    answer = {"summary": "Le conseil a vot\u00e9 la fermeture du pont."}
    server.answer(answer)
    server.answer(answer)
    engine = engine_for(server)
    # Both answers hold no claim, which is warned about too; the language is not.
    page_warnings = engine.brief(news_page()).meta.warnings
    french_warnings = engine.brief(FRENCH).meta.warnings
    assert page_warnings[0] == LOOKS_HTML
    assert LOOKS_HTML not in french_warnings
    assert not any("English" in w for w in page_warnings + french_warnings)
