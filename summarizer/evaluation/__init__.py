"""The eval harness: score an engine's briefs against hand-labelled cases (evals/README.md).

- ``cases``: the case files (models, loading, checks) and where their articles live.
- ``matching``: the matching rules: names, content words, similarity, evidence overlap,
  one-to-one pairing, how open questions are compared.
- ``scoring``: the per-field scores of one brief against one case.
- ``runner``: running an engine over cases (async core, blocking wrapper).
- ``report``: report.json, comparison with a baseline, report.md and terminal tables.
- ``thresholds``: minimum scores per profile, checking and judging a run.
- ``embedding``: MiniLM sentence embeddings in numpy, for ``--similarity embedding``.
- ``polnear``: the PolNeAR attribution corpus reader and scorer (``summarizer bench``).
"""
