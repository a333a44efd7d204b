"""claims.precision_at_5: the share of a brief's first five claims that match a label."""

from __future__ import annotations

import pytest
from eval_helpers import council, perfect_brief, values

from summarizer.evaluation import scoring as ev
from summarizer.schema import Claim


def _unlabelled(number: int) -> Claim:
    return Claim(id=f"x{number}", statement=f"Bananas number {number} ripen in yellow crates.",
                 source_id=None, attribution="narration", evidence=[])


def test_unlabelled_claims_first_lower_precision_at_5() -> None:
    case, article = council()
    brief = perfect_brief(case, article)
    assert len(brief.claims) == 4
    brief.claims = [_unlabelled(1), _unlabelled(2), *brief.claims]
    scores = values(ev.score_brief(brief, case, article))
    assert scores["claims.precision_at_5"] == pytest.approx(3 / 5)
    assert scores["claims.recall"] == 1.0  # recall does not see the order


def test_only_the_first_five_claims_count() -> None:
    case, article = council()
    brief = perfect_brief(case, article)
    brief.claims = [*brief.claims, *(_unlabelled(n) for n in range(5))]
    assert values(ev.score_brief(brief, case, article))["claims.precision_at_5"] == 4 / 5


def test_a_brief_with_fewer_claims_is_judged_on_those_it_has() -> None:
    case, article = council()
    brief = perfect_brief(case, article)
    brief.claims = [brief.claims[0], _unlabelled(1)]
    assert values(ev.score_brief(brief, case, article))["claims.precision_at_5"] == 0.5
