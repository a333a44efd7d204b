"""Eval cases: what a correct brief of one article contains, and where the article is.

A case (``evals/cases/<id>.yaml``) names an article by reference (``seeds/<file>``
inside the project, or ``polnear:dev/<stem>`` / ``polnear:train/<stem>`` in the
PolNeAR corpus) and lists the labelled parties, sources, claims, unknowns and open
questions (see evals/README.md and ../shared/LABELLING.md). ``load_cases`` reads
and validates them, ``Articles`` resolves their references, and ``case_problems``
checks the labels against the article.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from summarizer.errors import InputError
from summarizer.evaluation import corpus
from summarizer.evaluation.matching import locate
from summarizer.inputs.files import read_text
from summarizer.schema import AttributionKind, PartyKind

THE_ARTICLE = "the article"  # a claim's source when the article itself makes it
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # a case id, and its file's name
ENV_POLNEAR = "SUMMARIZER_POLNEAR"

# --------------------------------------------------------------------------- #
# Cases
# --------------------------------------------------------------------------- #


def _as_list(value: object) -> object:
    """One quote may be written as a string: it is a list of one."""
    return [value] if isinstance(value, str) else value


NonEmpty = Annotated[str, Field(min_length=1)]
Quotes = Annotated[list[NonEmpty], BeforeValidator(_as_list), Field(min_length=1)]


class _Strict(BaseModel):
    """Unknown keys are errors (they are usually typos or comma-split values)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ExpectedParty(_Strict):
    """A labelled party: its name and the other names the article uses for it."""

    name: NonEmpty
    kind: PartyKind | None = None
    aliases: list[NonEmpty] = Field(default_factory=list)

    def names(self) -> list[str]:
        """The name, then the aliases."""
        return [self.name, *self.aliases]


class ExpectedSource(_Strict):
    """A labelled source, with the quotes where the article cites it."""

    label: NonEmpty
    anonymous: bool
    evidence: Quotes
    count: int | None = Field(default=None, ge=1)
    anonymity_reason: str | None = None


class ExpectedClaim(_Strict):
    """A labelled key claim, who makes it, and its quotes."""

    statement: NonEmpty
    source: NonEmpty = Field(description='A source label, or "the article".')
    evidence: Quotes
    attribution: AttributionKind | None = None


class ExpectedUnknown(_Strict):
    """Something the article says is not known, with its quotes."""

    statement: NonEmpty
    evidence: Quotes


class Expectation(_Strict):
    """What a correct brief of the case's article contains, field by field."""

    parties: list[ExpectedParty] = Field(default_factory=list)
    optional_parties: list[NonEmpty] = Field(default_factory=list)
    sources: list[ExpectedSource] = Field(default_factory=list)
    claims: list[ExpectedClaim] = Field(default_factory=list)
    unknowns: list[ExpectedUnknown] = Field(default_factory=list)
    open_questions: list[NonEmpty] = Field(default_factory=list)


class Case(_Strict):
    """One eval case: an id (the file name), an article reference and the labels."""

    id: Annotated[str, Field(pattern=ID_PATTERN.pattern)]
    article: NonEmpty = Field(
        description="A path (absolute, beside the case files, or in the project), "
        "or polnear:dev/<stem>, polnear:train/<stem>"
    )
    outlet: str | None = None
    notes: str | None = None
    expect: Expectation


def _validation_message(error: ValidationError) -> str:
    # An unknown key usually explains the rest (a comma split an unquoted value): show it first.
    first = min(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
    loc = list(first["loc"])
    if first["type"] == "extra_forbidden":
        where, message = _dotted(loc[:-1]), f"unknown key {loc[-1]!r}"
        if " " in str(loc[-1]):
            message += " (a comma ends an unquoted value inside {...}: quote the value)"
    else:
        where, message = _dotted(loc), first["msg"]
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where or '(top level)'}: {message}{more}"


def _dotted(loc: list[int | str]) -> str:
    """('expect', 'claims', 0, 'source') -> 'expect.claims[0].source'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".")


def load_case(path: Path) -> Case:
    """Read one case file; raise InputError with a one-line reason when it is not valid."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{path}:{line} not valid YAML") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: a case file must be a YAML mapping with id, article, expect")
    try:
        return Case.model_validate(data)
    except ValidationError as error:
        raise InputError(f"{path}: {_validation_message(error)}") from None


def name_problem(path: Path, case: Case) -> str:
    """'' when the file is named after the case id (``<id>.yaml``), else the problem."""
    if path.stem == case.id:
        return ""
    return f"the id {case.id!r} differs from the file name; rename the file {case.id}.yaml"


def load_cases(cases_dir: Path, ids: Iterable[str] = ()) -> list[Case]:
    """Every ``*.yaml`` case in ``cases_dir`` sorted by id, or only those with ``ids``."""
    if not cases_dir.is_dir():
        raise InputError(f"{cases_dir}: no such folder of eval cases")
    paths = sorted(cases_dir.glob("*.yaml"))
    cases = [load_case(path) for path in paths]
    for path, case in zip(paths, cases, strict=True):
        if name_problem(path, case):
            raise InputError(f"{path}: {name_problem(path, case)}")
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise InputError(f"{cases_dir}: two cases have the id {case.id!r}")
        seen.add(case.id)
    wanted = list(dict.fromkeys(ids))
    unknown = [i for i in wanted if i not in seen]
    if unknown:
        raise InputError(f"no case with id {', '.join(unknown)} in {cases_dir}")
    if wanted:
        cases = [c for c in cases if c.id in wanted]
    if not cases:
        raise InputError(f"{cases_dir}: no case files (*.yaml) found")
    return sorted(cases, key=lambda c: c.id)


# --------------------------------------------------------------------------- #
# Articles
# --------------------------------------------------------------------------- #


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` with a pyproject.toml, else its grandparent."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return start.parent.parent


@dataclass(frozen=True)
class Articles:
    """Where case articles live: project files, and the PolNeAR corpus root."""

    project_root: Path
    polnear_root: Path
    cases_dir: Path | None = None

    @classmethod
    def default(cls, cases_dir: Path, polnear: Path | None = None) -> Articles:
        """The project holding ``cases_dir``; PolNeAR at ``polnear``, else
        ``$SUMMARIZER_POLNEAR``, else ``../shared/polnear`` beside the project when it is
        there, else the user cache (``corpus.cache_root()``, filled by :func:`articles_for`)."""
        root = find_project_root(cases_dir)
        from_env = os.environ.get(ENV_POLNEAR)
        shared = root.parent / "shared" / "polnear"
        chosen = polnear or (Path(from_env) if from_env else None)
        if chosen is None:
            chosen = shared if shared.is_dir() else corpus.cache_root()
        return cls(root, chosen, cases_dir)

    @property
    def uses_cache(self) -> bool:
        """True when PolNeAR is read from the user cache (downloaded on first use)."""
        return self.polnear_root == corpus.cache_root()

    def path(self, ref: str) -> Path:
        """The file a reference names. Raises InputError for a malformed reference."""
        if ref.startswith("polnear:"):
            split, _, stem = ref.removeprefix("polnear:").partition("/")
            if split not in ("dev", "train") or not stem or "/" in stem or stem.startswith("."):
                raise InputError(f"bad article reference {ref!r}: use polnear:dev/<stem> "
                                 "or polnear:train/<stem>")
            return self.polnear_root / "data" / split / "text" / f"{stem}.txt"
        path = Path(ref)
        if path.is_absolute():
            return path
        if ".." in path.parts:
            raise InputError(f"bad article reference {ref!r}: give a path inside the project, "
                             "beside the case files, or an absolute one")
        beside_cases = self.cases_dir / path if self.cases_dir else None
        if beside_cases is not None and beside_cases.is_file():
            return beside_cases
        return self.project_root / path

    def read(self, ref: str) -> str | None:
        """The article text, or None when the file is not there or is not readable text
        (binary, not UTF-8, empty, no permission): :meth:`why_unread` says which."""
        path = self.path(ref)
        if not path.is_file():
            return None
        try:
            return read_text(str(path))
        except InputError:
            return None

    def why_unread(self, ref: str) -> str:
        """Why :meth:`read` gave None for ``ref`` ('' when it did not)."""
        path = self.path(ref)
        if not path.is_file():
            return f"article not found: {path}"
        try:
            read_text(str(path))
        except InputError as error:
            return f"article not readable: {error}"
        return ""


def articles_for(
    cases: list[Case], cases_dir: Path, polnear: Path | None = None,
    note: Callable[[str], None] = lambda _: None,
) -> Articles:
    """:meth:`Articles.default`, with the PolNeAR texts downloaded into the user cache
    first when some case needs them and neither ``polnear``, ``$SUMMARIZER_POLNEAR``
    nor ../shared/polnear gives them. CorpusError (exit 3) when that download fails."""
    articles = Articles.default(cases_dir, polnear)
    needed = any(case.article.startswith("polnear:") for case in cases)
    if needed and articles.uses_cache and not corpus.is_complete(articles.polnear_root):
        url = corpus.download_url()
        note(f"downloading the PolNeAR texts once, from {url} into {articles.polnear_root}")
        corpus.fetch_corpus(articles.polnear_root, url)
    return articles


# --------------------------------------------------------------------------- #
# Checking the cases themselves
# --------------------------------------------------------------------------- #


def case_problems(case: Case, article: str) -> list[str]:
    """What is wrong with a case's labels against its article, one message each."""
    problems: list[str] = []
    expect = case.expect
    quoted = [(f"sources[{i}]", s.evidence) for i, s in enumerate(expect.sources)]
    quoted += [(f"claims[{i}]", c.evidence) for i, c in enumerate(expect.claims)]
    quoted += [(f"unknowns[{i}]", u.evidence) for i, u in enumerate(expect.unknowns)]
    for where, quotes in quoted:
        for quote in quotes:
            count = len(locate(article, quote))
            if count == 0:
                problems.append(f"{case.id}: {where}.evidence not verbatim in the article: "
                                f"{quote!r}")
            elif count > 1:
                problems.append(f"{case.id}: {where}.evidence occurs {count} times; "
                                f"lengthen it to be unique: {quote!r}")
    labels = [s.label.strip().casefold() for s in case.expect.sources]
    for label in sorted({x for x in labels if labels.count(x) > 1}):
        problems.append(f"{case.id}: two sources are labelled {label!r}")
    for i, claim in enumerate(case.expect.claims):
        key = claim.source.strip().casefold()
        if key != THE_ARTICLE and key not in labels:
            problems.append(f"{case.id}: claims[{i}].source {claim.source!r} is not a labelled "
                            'source label nor "the article"')
    return problems


def label_error(case: Case, article: str) -> str | None:
    """None when the case's labels fit its article, else one message for the whole case
    (a run reports such a case as an error rather than scoring labels that cannot match)."""
    problems = [p.removeprefix(f"{case.id}: ") for p in case_problems(case, article)]
    return f"the case's labels do not fit its article: {'; '.join(problems)}" if problems else None
