"""``summarizer label``: draft an eval case from a brief, for a person to correct."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from summarizer.cli import options as opt
from summarizer.config import EngineChoice


def label(
    article: Annotated[Path, typer.Argument(help="The article: a UTF-8 text file.")],
    case_id: Annotated[
        str, typer.Option("--id", help="The case id; the draft is written to <out>/<id>.yaml.")
    ],
    out: Annotated[
        Path, typer.Option(help="Folder of case files to write the draft into.")
    ] = Path("evals/cases"),
    engine: opt.EngineOption = EngineChoice.auto,
    model: opt.ModelOption = None,
    base_url: opt.BaseUrlOption = None,
    mode: opt.ModeOption = None,
) -> None:
    """Draft a case file from a brief of ARTICLE. Every label is marked "# TO CHECK":
    correct each against the article and docs/labelling.md, delete the mark, then run
    `summarizer eval --validate`. An existing case file is never overwritten.

    Examples:

      summarizer label seeds/000_a632362f40734eb3.txt --id seed-draft --engine offline

      summarizer label story.txt --id my-story --engine llm --model gpt-4o-mini --out my-cases
    """
    from summarizer.api import summarize as brief_article
    from summarizer.errors import InputError
    from summarizer.evaluation.cases import ID_PATTERN, Articles
    from summarizer.evaluation.drafts import draft_case, reference_for, write_new
    from summarizer.inputs.files import read_text

    target = out / f"{case_id}.yaml"
    with opt.one_line_errors():
        if not ID_PATTERN.fullmatch(case_id):
            raise InputError(f"--id {case_id!r}: use letters, digits, '.', '_' and '-', "
                             "starting with a letter or digit")
        if target.exists():
            raise InputError(f"{target} exists; it is left as it is: choose another --id "
                             "or --out")
        text = read_text(str(article))
        reference = reference_for(article, Articles.default(out.resolve()))
        settings = opt.llm_settings(model, base_url, mode)
        opt.show_engine_log()
        brief = brief_article(text, engine=engine, settings=settings)
        opt.say_engine(engine, brief.meta.engine)
        out.mkdir(parents=True, exist_ok=True)
        write_new(target, draft_case(brief, text, case_id, reference))
    opt.note(f"wrote {target}: check every line marked TO CHECK, then run "
             f"`summarizer eval --validate {out}`")
