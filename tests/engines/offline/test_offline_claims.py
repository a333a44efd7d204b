"""Claims: one per attribution with a source, the article's own facts, best first."""

from __future__ import annotations

from collections.abc import Callable

from summarizer.engines.offline.claims import (
    RankedClaim,
    attributed_claims,
    narration_claims,
    rank,
    statement_from,
)
from summarizer.engines.offline.pipeline import Analysis
from summarizer.schema import ArticleBrief, Claim


def test_seed_claims_carry_sources_and_quote_kind(seed_brief: ArticleBrief) -> None:
    sources = {s.id: s for s in seed_brief.sources}
    quoted = [c for c in seed_brief.claims if c.attribution == "direct_quote"]
    assert any(sources[c.source_id].label == "one source familiar with the calls"
               for c in quoted if c.source_id)
    peace = next(c for c in seed_brief.claims if "importance of peace" in c.statement)
    assert peace.source_id is not None
    assert sources[peace.source_id].label == "several sources"
    assert peace.attribution == "paraphrase"


def test_seed_claims_ranked_with_the_lead_first(seed_brief: ArticleBrief, seed_text: str) -> None:
    first_sentence_end = seed_text.index("Washington Post.")
    assert seed_brief.claims[0].evidence[0].start < first_sentence_end
    assert [c.id for c in seed_brief.claims][:3] == ["c1", "c2", "c3"]


def test_statement_stands_alone() -> None:
    assert statement_from("“that he will run again,”", "Reyes") == "Reyes will run again."
    assert statement_from("prices rose") == "Prices rose."


# --------------------------------------------------------------------------- #
# Step by step, on short texts
# --------------------------------------------------------------------------- #


def test_a_quotation_is_a_direct_quote_of_its_speaker(analysed: Callable[[str], Analysis]) -> None:
    state = analysed("“We will win this fight,” said Governor Tom Reyes.")
    [ranked] = attributed_claims(state)
    assert ranked.claim.statement == "We will win this fight."
    assert ranked.claim.attribution == "direct_quote"
    assert ranked.claim.source_id == state.sources[0].id
    assert [e.text for e in ranked.claim.evidence] == ["“We will win this fight,”"]


def test_content_without_a_subject_names_the_speaker(analysed: Callable[[str], Analysis]) -> None:
    state = analysed("The mayor denied the allegations on Tuesday.")
    [ranked] = attributed_claims(state)
    assert ranked.claim.statement == "The mayor denied the allegations."  # stands alone
    assert ranked.claim.attribution == "paraphrase"


def test_narration_is_the_articles_own_factual_sentences(
    analysed: Callable[[str], Analysis],
) -> None:
    text = ("The bridge opened in 1932 and carries four lanes of traffic across the Hudson "
            "River. Mayor Ann Lee said the bridge would close for repairs in May.")
    state = analysed(text)
    [narration] = narration_claims(state.doc, state.attributions, [])
    assert narration.claim.attribution == "narration"
    assert narration.claim.source_id is None  # the article asserts it
    assert narration.claim.evidence[0].text == text[: text.index(".") + 1]


def test_rank_puts_the_best_first_and_numbers_them() -> None:
    def ranked(statement: str, score: float, start: int) -> RankedClaim:
        claim = Claim(id="", statement=statement, attribution="narration")
        return RankedClaim(claim, score, start=start)

    claims = [ranked("late", 0.5, 90), ranked("tie, later", 0.9, 50),
              ranked("tie, earlier", 0.9, 10)]
    ordered = rank(claims)
    assert [c.claim.statement for c in ordered] == ["tie, earlier", "tie, later", "late"]
    assert [c.claim.id for c in ordered] == ["c1", "c2", "c3"]
    assert [c.claim.id for c in claims] == ["", "", ""]  # the input is left as it was


def test_named_sources_rank_above_anonymous_ones_said_alike(
    analysed: Callable[[str], Analysis],
) -> None:
    filler = " ".join(["The plant has made tractor parts for decades."] * 10)
    state = analysed("Two officials said the plant would close in March. "
                     f"Governor Tom Reyes said the plant would close in March. {filler}")
    labels = {s.id: s.label for s in state.sources}
    by_source = [labels[c.claim.source_id] for c in state.claims if c.claim.source_id]
    assert by_source == ["Governor Tom Reyes", "Two officials"]
    assert [c.anonymous_only for c in state.claims if c.claim.source_id] == [False, True]
