"""Brief many articles: ``items`` (what to brief), ``runners`` (how: in this loop or in
worker processes), ``run`` (the run: concurrency, resume, outputs), ``cache`` (briefs by
article hash and engine identity)."""
