"""``summarizer schema``: the JSON Schema of the brief, as committed in schemas/.

Regenerate the committed copy with ``summarizer schema --output
schemas/brief.schema.json``; a test fails when it is stale.
"""

from __future__ import annotations

import json

from summarizer.cli import options as opt


def schema_json() -> str:
    """The brief's JSON Schema (draft 2020-12), indented, as committed."""
    from summarizer.schema import ArticleBrief

    schema = ArticleBrief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def schema(output: opt.OutputOption = None) -> None:
    """Print the JSON Schema of the brief.

    Example:

      summarizer schema --output schemas/brief.schema.json
    """
    from summarizer.inputs.files import write_output

    with opt.one_line_errors():
        write_output(schema_json(), output)
