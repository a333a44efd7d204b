"""A draft eval case from a brief, for a person to correct (``summarizer label``).

The draft has the format of evals/cases/*.yaml. Every labelled line ends with
``# TO CHECK``: it is an engine's guess until a person has checked it against the
article and docs/labelling.md and deleted the mark; ``summarizer eval --validate``
lists every mark left.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml

from summarizer.errors import InputError
from summarizer.evaluation.cases import THE_ARTICLE, Articles
from summarizer.evaluation.matching import locate
from summarizer.evaluation.validate import TO_CHECK
from summarizer.schema import ArticleBrief, Evidence

_WORD_AFTER = re.compile(r"\s*\S+")
_WORD_BEFORE = re.compile(r"\S+\s*$")


def quote(text: str) -> str:
    """``text`` as a double-quoted YAML scalar (safe for commas, colons, any character)."""
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=float("inf"))
    return dumped.strip()


def _quotes(texts: list[str]) -> str:
    return "[" + ", ".join(quote(t) for t in texts) + "]"


def _flow(pairs: list[tuple[str, str | None]]) -> str:
    """``{key: value, ...}``, leaving out keys whose value is None."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs if v is not None) + "}"


def reference_for(article: Path, articles: Articles) -> str:
    """How a case names ``article``: ``polnear:<split>/<stem>`` inside the corpus, a
    path relative to the case folder or the project, else the absolute path."""
    path = article.resolve()
    corpus = articles.polnear_root.resolve()
    if path.is_relative_to(corpus):
        parts = path.relative_to(corpus).parts
        if len(parts) == 4 and parts[0] == "data" and parts[1] in ("dev", "train") \
                and parts[2] == "text" and path.suffix == ".txt":
            return f"polnear:{parts[1]}/{path.stem}"
    for base in (articles.cases_dir, articles.project_root):
        if base is not None and path.is_relative_to(base.resolve()):
            return path.relative_to(base.resolve()).as_posix()
    return str(path)


def unique_quote(article: str, evidence: Evidence) -> str:
    """The evidence's text, widened a word at a time (right, then left, in turn) until it
    occurs once in the article, as case evidence must."""
    if not evidence.grounded_in(article):
        return evidence.text
    start, end, rightwards = evidence.start, evidence.end, True
    while len(locate(article, article[start:end])) > 1:
        right = _WORD_AFTER.match(article, end)
        left = _WORD_BEFORE.search(article, 0, start)
        if rightwards and right and right.end() > end:
            end = right.end()
        elif left and left.start() < start:
            start = left.start()
        elif right and right.end() > end:
            end = right.end()
        else:
            break
        rightwards = not rightwards
    return article[start:end]


def _quotes_of(article: str, evidence: list[Evidence]) -> str:
    return _quotes(list(dict.fromkeys(unique_quote(article, e) for e in evidence)))


def draft_case(brief: ArticleBrief, article: str, case_id: str, reference: str) -> str:
    """The YAML text of a case labelled with ``brief`` of ``article``, every label marked
    to check. Evidence is widened where needed to be unique in the article."""
    model = f" (model {brief.meta.model})" if brief.meta.model else ""
    lines = [
        f"# Drafted by `summarizer label` from a brief by the {brief.meta.engine} engine{model}.",
        "# Every line marked TO CHECK is the engine's guess: check it against the article",
        "# and docs/labelling.md, correct it (add what is missing, delete what is wrong),",
        "# delete the mark, then run `summarizer eval --validate`.",
        f"id: {case_id}",
        f"article: {quote(reference)}",
        "expect:",
    ]
    sections = {
        "parties": _parties(brief),
        "optional_parties": [],
        "sources": _sources(brief, article),
        "claims": _claims(brief, article),
        "unknowns": [_flow([("statement", quote(u.statement)),
                            ("evidence", _quotes_of(article, u.evidence))])
                     for u in brief.unknowns],
        "open_questions": [quote(q.question) for q in brief.open_questions],
    }
    for name, items in sections.items():
        if name == "optional_parties":
            lines.append(f"  {name}: []   # parties neither rewarded nor penalised, if any")
        elif not items:
            lines.append(f"  {name}: []   {TO_CHECK}: the engine found none")
        else:
            lines.append(f"  {name}:")
            lines += [f"    - {item}   {TO_CHECK}" for item in items]
    return "\n".join(lines) + "\n"


def _parties(brief: ArticleBrief) -> list[str]:
    return [_flow([("name", quote(p.name)), ("kind", p.kind),
                   ("aliases", _quotes(p.aliases) if p.aliases else None)])
            for p in brief.parties]


def _sources(brief: ArticleBrief, article: str) -> list[str]:
    return [_flow([("label", quote(s.label)), ("anonymous", str(s.anonymous).lower()),
                   ("count", str(s.count) if s.count else None),
                   ("anonymity_reason",
                    quote(s.anonymity_reason) if s.anonymity_reason else None),
                   ("evidence", _quotes_of(article, s.evidence))])
            for s in brief.sources]


def _claims(brief: ArticleBrief, article: str) -> list[str]:
    labels = {s.id: s.label for s in brief.sources}
    return [_flow([("statement", quote(c.statement)),
                   ("source", quote(labels.get(c.source_id or "", THE_ARTICLE))),
                   ("attribution", c.attribution),
                   ("evidence", _quotes_of(article, c.evidence))])
            for c in brief.claims]


def write_new(target: Path, text: str) -> None:
    """Write ``text`` to ``target``, which must not exist: all or nothing, never replacing
    a file (a hard link of a finished temporary file, which fails when ``target`` exists)."""
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            os.link(temp, target)
        except FileExistsError:
            raise InputError(f"{target} exists; it is left as it is: choose another "
                             "--id or --out") from None
        except OSError as error:
            raise InputError(f"{target}: cannot write ({error.strerror})") from None
    finally:
        os.unlink(temp)
