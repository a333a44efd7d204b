"""Open questions, over the briefs of the whole eval set: every question is one
sentence of at most 30 words ending in '?', whole (nothing cut), naming what it asks
about (no pronoun before a name), about something in what it is based on, and no two
ask the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from optional_deps import unavailable

from summarizer.engines.offline.pipeline import OfflineEngine
from summarizer.evaluation import cases as ev
from summarizer.schema import ArticleBrief

CASES_DIR = Path(__file__).resolve().parents[3] / "evals" / "cases"
PRONOUNS = {"he", "she", "him", "her", "his", "hers", "they", "them", "their", "it", "its",
            "i", "me", "my", "we", "us", "our", "you", "your"}
# The words the question forms bring with them, which name nothing in the article.
TEMPLATE = {"anyone", "confirm", "record", "which", "rests", "only", "responded", "claim",
            "what", "does", "would", "will", "known", "about", "that", "approve", "decide",
            "when", "remains", "unclear", "resolved", "details", "given", "urges", "urge",
            "there", "have", "been", "said", "with", "from", "this", "these", "those"}


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z0-9$’'.-]+", text)]


def _content(text: str) -> set[str]:
    return {w.strip(".’'") for w in _words(text) if len(w.strip(".’'")) > 3} - TEMPLATE


@pytest.fixture(scope="module")
def briefs() -> list[ArticleBrief]:
    articles = ev.Articles.default(CASES_DIR)
    texts = []
    for case in ev.load_cases(CASES_DIR):
        text = articles.read(case.article)
        if text is not None:
            texts.append(text)
        elif not case.article.startswith("polnear:"):
            pytest.fail(f"{case.id}: article not found")
    if len(texts) < 10:
        unavailable("POLNEAR", "the eval set's PolNeAR articles are not here")
    return OfflineEngine().brief_many(texts)


def _pronoun_before_name(question: str) -> str | None:
    named = False
    for position, raw in enumerate(question.split()):
        word = raw.strip(".,;:?!\"“”‘’()[]").lower()
        if word in PRONOUNS and not named:
            return word
        if position > 0 and raw[:1].isupper() and word not in PRONOUNS:
            named = True
    return None


def _based_on_text(brief: ArticleBrief, ids: list[str]) -> str:
    items = [*brief.claims, *brief.unknowns, *brief.sources]
    found = [item for item in items if item.id in ids]
    texts = [e.text for item in found for e in item.evidence]
    texts += [getattr(item, "statement", "") or getattr(item, "label", "") for item in found]
    return " ".join(texts)


def test_every_question_is_one_whole_sentence(briefs: list[ArticleBrief]) -> None:
    questions = [q.question for b in briefs for q in b.open_questions]
    assert len(questions) >= len(briefs) // 2  # not vacuous, with or without the PolNeAR cases
    for question in questions:
        assert question.endswith("?") and question.count("?") == 1, question
        assert len(question.split()) <= 30, question
        assert "…" not in question and "..." not in question, question
        assert question[0].isupper(), question
        assert _words(question)[-1] not in {"the", "a", "of", "to", "in", "that", "and"}, question


def test_every_question_names_what_it_asks_about(briefs: list[ArticleBrief]) -> None:
    for brief in briefs:
        for q in brief.open_questions:
            assert _pronoun_before_name(q.question) is None, q.question
            basis = _content(_based_on_text(brief, q.based_on))
            assert _content(q.question) & basis, q.question


def test_a_party_asked_to_respond_is_one_the_brief_lists(briefs: list[ArticleBrief]) -> None:
    for brief in briefs:
        names = {n.lower() for p in brief.parties for n in (p.name, *p.aliases)}
        for q in brief.open_questions:
            asked = re.match(r"Has (.+?) responded to", q.question)
            if asked:
                who = asked.group(1).lower()
                assert who in names or who.removeprefix("the ") in names, q.question


def test_no_two_questions_ask_the_same(briefs: list[ArticleBrief]) -> None:
    for brief in briefs:
        questions = [q.question for q in brief.open_questions]
        assert len({q.lower() for q in questions}) == len(questions)
        for n, one in enumerate(questions):
            for other in questions[n + 1:]:
                a, b = _content(one), _content(other)
                if min(len(a), len(b)) >= 3:
                    assert len(a & b) < 0.7 * min(len(a), len(b)), (one, other)
