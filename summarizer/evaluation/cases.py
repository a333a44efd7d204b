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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from summarizer.errors import InputError
from summarizer.evaluation.matching import locate
from summarizer.inputs.files import read_text
from summarizer.schema import AttributionKind, PartyKind

THE_ARTICLE = "the article"  # a claim's source when the article itself makes it
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

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
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


def load_cases(cases_dir: Path, ids: Iterable[str] = ()) -> list[Case]:
    """Every ``*.yaml`` case in ``cases_dir`` sorted by id, or only those with ``ids``."""
    if not cases_dir.is_dir():
        raise InputError(f"{cases_dir}: no such folder of eval cases")
    cases = [load_case(path) for path in sorted(cases_dir.glob("*.yaml"))]
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
        ``$SUMMARIZER_POLNEAR``, else ``../shared/polnear`` beside the project."""
        root = find_project_root(cases_dir)
        from_env = os.environ.get(ENV_POLNEAR)
        corpus = polnear or (Path(from_env) if from_env else root.parent / "shared" / "polnear")
        return cls(root, corpus, cases_dir)

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
        """The article text, or None when the file is not there."""
        path = self.path(ref)
        return read_text(str(path)) if path.is_file() else None


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
