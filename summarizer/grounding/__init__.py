"""Locate the model's quotes in the article, so evidence offsets come from code.

``Grounder(article).find(quote)`` tries, in order:

1. **exact**: the quote (whitespace-stripped) as a substring of the article;
2. **normalized**: both sides NFKC-normalised ("Mari\u0301a" == "María",
   "\ufb01" == "fi", no-break spaces are spaces) with soft hyphens and zero-width
   characters (U+00AD, U+200B-U+200D, U+2060, U+FEFF) dropped, case-folded,
   whitespace runs collapsed, curly and angled quotes made straight, dashes made
   "-" (spaces around them and repeats dropped: "a — b" == "a--b" == "a-b"),
   "…" made "..."; then again with the quote's leading/trailing quote marks and
   punctuation stripped. Index arrays map every normalised character back to the
   original character (or combining sequence) it came from, so a match's
   ``article[start:end]`` is always the article's own text, whole combining
   sequences included;
3. **elided**: a quote with "..." / "…" is split at the ellipsis and its parts are
   found in order (each by steps 1, 2, 4), close to each other; the match runs
   from the first part's start to the last part's end and is reported as
   "normalized" (or "fuzzy" if a part was fuzzy), never "exact";
4. **fuzzy**: word tokens (of the normalised text) of the quote aligned to the
   article (local alignment, in the spirit of google/langextract's resolver),
   accepted only when enough of the quote matches (``MIN_COVERAGE``) and the
   matched article span is not mostly other words (``MIN_DENSITY``).

Steps 1 and 2 first look only for matches on word boundaries, then (failing
that) inside words too, so "he said" finds "He said" before "she said". A match
never starts or ends inside a combining sequence. Among several occurrences the
first wins, or the one nearest to ``near`` when given. Fuzzy and elided matches
cost more, so they run only when 1 and 2 find nothing. An article that is ASCII
once quotes, dashes and no-break spaces are straightened takes the old, fast path.

Repeated quotes: ``find_all(quote)`` lists every occurrence (by the first step
that finds any), and ``assign(requests)`` grounds several ``QuoteRequest`` s
together so that requests for the same words take different occurrences, each
near its ``near`` hint (see ``assign``).
"""

from summarizer.grounding.grounder import Grounder, Match, Method, QuoteRequest
from summarizer.grounding.normal import IGNORABLE, normalize

__all__ = ["IGNORABLE", "Grounder", "Match", "Method", "QuoteRequest", "normalize"]
