"""Salvage: what can be read from answers that never validated.

After the re-asks ran out, or when an answer was cut off at ``max_tokens``,
the last answer holding a JSON object (complete or cut off) is read leniently,
item by item (``DraftBrief``): near-misses are mended, every item that
validates on its own is kept, every other one is dropped with a warning.
When no answer holds an object with anything of a brief in it, the failure
is an ``ExtractionError`` with one line saying what to try.
"""

from __future__ import annotations

import json
from typing import Any

import pydantic_core
from instructor.core.exceptions import IncompleteOutputException
from pydantic import ValidationError

from summarizer.engines.llm.draft import DraftBrief
from summarizer.errors import ExtractionError, SummarizerError
from summarizer.text import clip


def describe(error: BaseException) -> str:
    """A validation error on one short line: ``field: message`` for its first problems."""
    if isinstance(error, ValidationError):
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}"
            for e in error.errors()[:3]
        ]
        return clip("; ".join(problems), 200)
    return clip(str(error), 200)


def answer_text(response: Any) -> str:
    """The text of a chat completion: its first tool call's arguments, or its content."""
    choices = getattr(response, "choices", None) or []
    if not choices:
        return ""
    message = choices[0].message
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return str(calls[0].function.arguments or "")
    return str(message.content or "")


def parse_object(text: str) -> dict[str, Any] | None:
    """The JSON object in ``text``, complete or cut off; None when there is none."""
    start = text.find("{")
    if start < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError:
        try:
            value = pydantic_core.from_json(
                text[start:].rstrip().removesuffix("```"), allow_partial="trailing-strings"
            )
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def salvage_draft(data: dict[str, Any], warnings: list[str]) -> DraftBrief:
    """Keep every item of ``data`` that validates on its own, near-misses mended."""
    draft = DraftBrief.model_validate(data, context={"notes": warnings})
    if not draft.summary.strip():
        warnings.append("the answer had no summary")
    return draft


def salvage(responses: list[Any], warnings: list[str]) -> DraftBrief | None:
    """The valid items of the last answer holding a JSON object; None if none does."""
    for response in reversed(responses):
        data = parse_object(answer_text(response))
        if data is not None:
            return salvage_draft(data, warnings)
    return None


def recover(
    error: Exception, responses: list[Any], *, max_tokens: int | None, url: str
) -> tuple[DraftBrief, list[str]]:
    """After a cut-off answer or exhausted re-asks: the salvaged draft and why it was needed.

    ``error`` is what instructor raised; a transport failure inside its loop is
    raised as it is. Without anything to salvage, an ``ExtractionError``.
    """
    cause = error.__cause__
    if isinstance(cause, SummarizerError):  # transport failure raised inside the loop
        raise cause from None
    last_error = describe(cause or error)
    if isinstance(error, IncompleteOutputException):
        why = (
            f"the model's answer was cut off at max_tokens={max_tokens}: raise max_tokens; "
            "kept what could be read"
        )
    else:
        why = (
            f"no valid answer after {len(responses)} attempts; kept the valid parts "
            f"of the last one (last error: {last_error})"
        )
    warnings = [why]
    draft = salvage(responses, warnings)
    if draft is None or draft.is_empty():
        raise ExtractionError(
            f"the model at {url} gave no usable brief in {len(responses)} "
            f"attempts (last error: {last_error}): try another --mode or a stronger model"
        )
    return draft, warnings
