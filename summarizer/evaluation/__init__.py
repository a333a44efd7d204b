"""The eval harness: score an engine's briefs against hand-labelled cases (evals/README.md).

- ``cases``: the case files (models, loading, checks) and where their articles live.
- ``matching``: the matching rules: names, content words, similarity, evidence overlap,
  one-to-one pairing, how open questions are compared.
- ``scoring``: the per-field scores of one brief against one case.
- ``runner``: running an engine over cases, optionally several times (async core,
  blocking wrapper).
- ``report``: report.json (means and spreads over repeats, operations), report.md and
  terminal tables of one run.
- ``baseline``: comparison with an earlier report, by the spread or a tolerance.
- ``columns``: the engines and models of a run (flags or a matrix file).
- ``side_by_side``: several columns over the same cases, one table, per-case differences.
- ``junit``, ``html_report``: JUnit XML and the self-contained report.html.
- ``thresholds``: minimum scores per profile, checking and judging a run.
- ``embedding``: MiniLM sentence embeddings in numpy, for ``--similarity embedding``.
- ``polnear``: the PolNeAR attribution corpus reader and scorer (``summarizer bench``).
"""
