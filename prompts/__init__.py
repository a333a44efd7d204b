"""Prompt templates and their rendering: the package ``summarizer.prompts``.

The templates are the ``*.txt`` files beside this module (``prompts/`` in the
source tree, mapped to ``summarizer.prompts`` in pyproject.toml).

Templates use ``$name`` placeholders (``string.Template``). The article is
never a template value: ``user_message`` leaves ``ARTICLE_MARK`` where it goes,
and ``insert_article`` puts it there by plain replacement at the very last
moment, so braces, ``$`` signs or Jinja syntax in an article stay inert.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib.resources import files
from string import Template

ARTICLE_MARK = "[[ARTICLE_TEXT]]"
TEMPLATE_NAMES = ("system", "user", "part_note", "requote")

_CLOSING_TAG = re.compile(r"<\s*/\s*article\s*>", re.IGNORECASE)


@cache
def template(name: str) -> str:
    """The text of ``prompts/<name>.txt`` without its final newline."""
    return (files("summarizer.prompts") / f"{name}.txt").read_text(encoding="utf-8").rstrip("\n")


def render(name: str, **values: object) -> str:
    """Fill a template; a missing value is a bug, so it raises KeyError."""
    return Template(template(name)).substitute({k: str(v) for k, v in values.items()})


@cache
def prompt_version() -> str:
    """Short sha256 over every template, so a changed prompt changes the version."""
    digest = hashlib.sha256()
    for name in TEMPLATE_NAMES:
        digest.update(name.encode() + b"\0" + template(name).encode() + b"\0")
    return digest.hexdigest()[:12]


def system_message() -> str:
    """The system turn: the task, the labelling rules, and that the article is data."""
    return template("system")


def user_message(part: int = 1, parts: int = 1) -> str:
    """The user turn with ``ARTICLE_MARK`` where the article goes."""
    note = render("part_note", part=part, parts=parts) if parts > 1 else ""
    return render("user", part_note=note, article=ARTICLE_MARK)


def neutralise(article: str) -> str:
    """Make a ``</article>`` inside the article unable to close the delimiters."""
    return _CLOSING_TAG.sub("&lt;/article&gt;", article)


def insert_article(message: str, article: str) -> str:
    """``message`` with the neutralised article put at ``ARTICLE_MARK`` by plain replacement."""
    return message.replace(ARTICLE_MARK, neutralise(article), 1)


def requote_message(items: list[str]) -> str:
    """The user turn asking again for the quotes of ``items`` only, ``ARTICLE_MARK`` for the
    article."""
    return render("requote", items="\n".join(items), article=ARTICLE_MARK)
