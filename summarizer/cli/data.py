"""``summarizer data``: obtain the data the eval set reads but the project does not ship."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from summarizer.cli import options as opt

app = typer.Typer(
    help="Obtain the data the eval set reads (not shipped with the project).",
    no_args_is_help=True,
)


@app.command("polnear")
def polnear(
    dest: Annotated[
        Path | None,
        typer.Option(help="Where to put the corpus [default: the user cache, "
                     "$XDG_CACHE_HOME or ~/.cache, /summarizer/polnear/<commit>]."),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="The archive to download (env SUMMARIZER_POLNEAR_URL) [default: "
                     "GitHub's tar.gz of networkdynamics/PolNeAR at the pinned commit]."),
    ] = None,
) -> None:
    """Download the PolNeAR corpus once, check it, and print where it is.

    The texts the eval cases read are checked against the sha256s recorded in the
    project. `summarizer eval` does this on first use when it finds no corpus.

    Examples:

      summarizer data polnear

      export SUMMARIZER_POLNEAR=$(summarizer data polnear --dest ~/data/polnear)
    """
    from summarizer.evaluation import corpus

    target = dest or corpus.cache_root()
    source = url or corpus.download_url()
    with opt.one_line_errors():
        if corpus.fetch_corpus(target, source):
            opt.note(f"PolNeAR texts downloaded from {source}, checked, and put in {target}")
        else:
            opt.note(f"PolNeAR texts already in {target}")
    typer.echo(str(target))
